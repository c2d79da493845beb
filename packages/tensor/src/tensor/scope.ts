/**
 * `tidy` scopes (as in tf.js): every tensor created inside a scope is disposed when it
 * ends, except what the function returns and what `keep` marks. Scopes nest; returned
 * tensors move to the enclosing scope. Functions passed to `tidy` must be synchronous.
 *
 * @since 0.1.0
 */

/** What a scope tracks. @since 0.1.0 @category models */
export interface Disposable {
  readonly kept: boolean
  readonly isDisposed: boolean
  dispose(): void
}

const scopes: Array<Array<Disposable>> = []

/** Registers a new tensor with the innermost scope (if any). @since 0.1.0 */
export const track = (t: Disposable): void => {
  scopes[scopes.length - 1]?.push(t)
}

/**
 * Collects every disposable reachable through arrays, maps and plain objects in `result`,
 * at any depth (a depth cut-off would dispose a deeply nested returned tensor); `seen`
 * stops cycles.
 */
const collect = (result: unknown, into: Set<unknown>, seen = new Set<unknown>()): void => {
  if (result === null || typeof result !== "object" || seen.has(result)) return
  seen.add(result)
  if ("dispose" in result && "kept" in result) {
    into.add(result)
    return
  }
  if (Array.isArray(result)) for (const r of result) collect(r, into, seen)
  else if (Object.getPrototypeOf(result) === Object.prototype || result instanceof Map) {
    for (const r of result instanceof Map ? result.values() : Object.values(result)) collect(r, into, seen)
  }
}

/**
 * Runs `fn` and disposes every tensor it created except those in its result.
 *
 * @since 0.1.0
 * @category memory
 */
export const tidy = <A>(fn: () => A): A => {
  const scope: Array<Disposable> = []
  scopes.push(scope)
  let result: A
  try {
    result = fn()
  } catch (e) {
    scopes.pop()
    for (const t of scope) if (!t.kept) t.dispose()
    throw e
  }
  scopes.pop()
  if (result instanceof Promise) throw new Error("tidy: the function must be synchronous")
  const keepSet = new Set<unknown>()
  collect(result, keepSet)
  const parent = scopes[scopes.length - 1]
  for (const t of scope) {
    if (keepSet.has(t)) parent?.push(t)
    else if (!t.kept && !t.isDisposed) t.dispose()
  }
  return result
}

/** Depth of nested `tidy` scopes (0 outside any). @since 0.1.0 */
export const scopeDepth = (): number => scopes.length
