/**
 * A tiny WebAssembly binary encoder: just the sections, instructions and SIMD opcodes the
 * GEMM kernels use. Writing the module from TypeScript (instead of assembling WAT) keeps
 * the build free of any compiler or native tool, and lets the generator unroll the
 * register-blocked micro-kernel for any tile shape.
 *
 * @since 0.2.0
 */

/** Bytes of one instruction sequence (nested arrays are flattened when a body is encoded). */
export type Code = ReadonlyArray<number | Code>

/** @since 0.2.0 */
export const I32 = 0x7f
/** @since 0.2.0 */
export const F32 = 0x7d
/** @since 0.2.0 */
export const V128 = 0x7b

/** @since 0.2.0 */
export type ValType = typeof I32 | typeof F32 | typeof V128

const flatten = (code: Code, out: Array<number>): Array<number> => {
  for (const x of code) {
    if (typeof x === "number") out.push(x)
    else flatten(x, out)
  }
  return out
}

/** Unsigned LEB128. */
export const uleb = (value: number): Array<number> => {
  const out: Array<number> = []
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
  return out
}

/** Signed LEB128 (32-bit). */
export const sleb = (value: number): Array<number> => {
  const out: Array<number> = []
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return out
  }
}

const f32Bytes = (value: number): Array<number> => Array.from(new Uint8Array(new Float32Array([value]).buffer))

const name = (s: string): Array<number> => {
  const bytes = Array.from(new TextEncoder().encode(s))
  return [...uleb(bytes.length), ...bytes]
}

const vector = (items: ReadonlyArray<ReadonlyArray<number>>): Array<number> => [
  ...uleb(items.length),
  ...items.flat()
]

const section = (id: number, body: ReadonlyArray<number>): Array<number> =>
  body.length === 0 ? [] : [id, ...uleb(body.length), ...body]

const simd = (op: number): Array<number> => [0xfd, ...uleb(op)]
const memarg = (align: number, offset: number): Array<number> => [...uleb(align), ...uleb(offset)]

/**
 * The instructions, as byte builders. Loads and stores take a constant byte offset.
 *
 * @since 0.2.0
 */
export const op = {
  unreachable: [0x00],
  block: (body: Code): Code => [0x02, 0x40, body, 0x0b],
  loop: (body: Code): Code => [0x03, 0x40, body, 0x0b],
  if: (cond: Code, then: Code, otherwise?: Code): Code =>
    otherwise === undefined ? [cond, 0x04, 0x40, then, 0x0b] : [cond, 0x04, 0x40, then, 0x05, otherwise, 0x0b],
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  return: [0x0f],
  drop: [0x1a],
  select: [0x1b],
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number): Code => [0x21, ...uleb(local)],
  tee: (local: number): Code => [0x22, ...uleb(local)],
  f32Load: (offset = 0): Code => [0x2a, ...memarg(2, offset)],
  f32Store: (offset = 0): Code => [0x38, ...memarg(2, offset)],
  i32: (value: number): Code => [0x41, ...sleb(value)],
  f32: (value: number): Code => [0x43, ...f32Bytes(value)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32GtU: [0x4b],
  i32LeS: [0x4c],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  f32Eq: [0x5b],
  f32Ne: [0x5c],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  f32Add: [0x92],
  f32Mul: [0x94],
  v128Load: (offset = 0): Code => [simd(0x00), ...memarg(4, offset)],
  v128Load32Splat: (offset = 0): Code => [simd(0x09), ...memarg(2, offset)],
  v128Store: (offset = 0): Code => [simd(0x0b), ...memarg(4, offset)],
  v128Zero: [simd(0x0c), new Array<number>(16).fill(0)] as Code,
  f32x4Splat: simd(0x13),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  /** Relaxed SIMD fused multiply-add `a · b + c` (may or may not round once). */
  f32x4RelaxedMadd: simd(0x105)
} as const

/**
 * One function: its signature, its extra locals and its body. Parameters are locals
 * `0 … params.length − 1`; `local` appends a local and returns its index.
 *
 * @since 0.2.0
 */
export class FunctionBuilder {
  readonly params: ReadonlyArray<ValType>
  readonly results: ReadonlyArray<ValType>
  readonly locals: Array<ValType> = []
  constructor(params: ReadonlyArray<ValType>, results: ReadonlyArray<ValType> = []) {
    this.params = params
    this.results = results
  }
  local(type: ValType): number {
    this.locals.push(type)
    return this.params.length + this.locals.length - 1
  }
}

/** @since 0.2.0 */
export interface ExportedFunction {
  readonly name: string
  readonly fn: FunctionBuilder
  readonly body: Code
}

/**
 * Encodes a module that imports one memory as `env.memory` (shared or not, with the given
 * page limits) and exports the given functions.
 *
 * @since 0.2.0
 */
export const encodeModule = (options: {
  readonly memory: { readonly shared: boolean; readonly minPages: number; readonly maxPages: number }
  readonly functions: ReadonlyArray<ExportedFunction>
}): Uint8Array<ArrayBuffer> => {
  const { memory, functions } = options
  const types = functions.map(({ fn }) => [0x60, ...vector(fn.params.map((t) => [t])), ...vector(fn.results.map((t) => [t]))])
  const memoryType = [memory.shared ? 0x03 : 0x01, ...uleb(memory.minPages), ...uleb(memory.maxPages)]
  const imports = vector([[...name("env"), ...name("memory"), 0x02, ...memoryType]])
  const funcs = vector(functions.map((_, i) => uleb(i)))
  const exports = vector(functions.map(({ name: n }, i) => [...name(n), 0x00, ...uleb(i)]))
  const bodies = functions.map(({ fn, body }) => {
    // Locals grouped in runs of one type, as the format wants.
    const groups: Array<Array<number>> = []
    for (const t of fn.locals) {
      const last = groups.at(-1)
      if (last !== undefined && last[1] === t) last[0]!++
      else groups.push([1, t])
    }
    const encoded = [...vector(groups.map(([count, t]) => [...uleb(count!), t!])), ...flatten(body, []), 0x0b]
    return [...uleb(encoded.length), ...encoded]
  })
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, vector(bodies))
  ])
}
