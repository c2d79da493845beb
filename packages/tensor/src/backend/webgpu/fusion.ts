/**
 * Deferred fusion: small pointwise calls (fill, copy, unary, binary, where) wait in a queue
 * instead of being encoded at once; at a flush point the queue runs as one fused dispatch
 * (`fusedKernel.ts`), or call by call while its signature is new (compiling a shader costs
 * far more than the dispatches it would save, unless the same group comes back, as the
 * steps of a training loop do).
 *
 * The backend flushes before anything that must see the queued work in order: another
 * kernel, `write`, `read`, `flush`, and `free` of a buffer the queue touches.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../Backend.ts"
import type { KernelCall, View } from "../Kernel.ts"
import { type FusedOp, fusedOp, fusedSpec, type GroupBinding } from "./fusedKernel.ts"
import { type PointwiseCall, pointwisePlan, runPlan } from "./pointwise.ts"
import { MAX_UNIFORM_WORDS } from "./DispatchSpec.ts"
import type { Runtime } from "./Runtime.ts"

/**
 * Limits of a fused group.
 *
 * @since 0.1.0
 * @category models
 */
export interface FusionOptions {
  /** Storage buffers one shader may bind (the adapter's maxStorageBuffersPerShaderStage). */
  readonly maxBindings: number
  /** Largest buffer bound whole (bigger ones go through windows, unfused). */
  readonly maxBindingBytes: number
  /** Largest call (elements) that joins a group run by one workgroup; bigger calls fuse
   * only in groups where every invocation handles one element index throughout. */
  readonly maxElements: number
  /** Most calls per group (bounds the generated code). */
  readonly maxOps: number
  /** A group signature is compiled once it has been flushed this many times. */
  readonly fuseAfter: number
}

/**
 * The queue.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fuser {
  /** Queues a call and returns true, or returns false (queue untouched) when the call
   * cannot be fused: the caller then flushes and runs it itself. */
  readonly offer: (call: KernelCall) => boolean
  /** Encodes the queued calls, fused or one by one. */
  readonly flush: () => void
  /** Whether a queued call uses the buffer. */
  readonly touches: (buffer: BufferHandle) => boolean
  readonly stats: () => { fusedGroups: number; fusedOps: number }
}

/** The element offset of a row-major contiguous view (size-1 dimensions aside), else NaN. */
const contiguousOffset = (v: View): number => {
  let expected = 1
  for (let d = v.shape.length - 1; d >= 0; d--) {
    const n = v.shape[d]!
    if (n !== 1 && v.strides[d] !== expected) return NaN
    expected *= n
  }
  return v.offset
}

const isPointwise = (c: KernelCall): c is PointwiseCall =>
  c.kernel === "fill" || c.kernel === "copy" || c.kernel === "unary" || c.kernel === "binary" || c.kernel === "where"

/** Signatures counted before the counts are forgotten (bounds memory on endless new groups). */
const SEEN_CAP = 4096
/** Fused shaders compiled at most; later new groups run call by call. A full cache is not
 * evicted: with more recurring groups than slots, evicting would recompile every step. */
const COMPILED_CAP = 512

/**
 * Makes a queue over a runtime.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeFuser = (rt: Runtime, options: FusionOptions): Fuser => {
  const { maxBindings, maxBindingBytes, maxElements, maxOps, fuseAfter } = options
  let ops: Array<FusedOp> = []
  let slots: Array<Array<number>> = []
  let bindings: Array<GroupBinding> = []
  let words = 0
  const byBuffer = new Map<number, number>()
  // Per buffer: the element offset of the contiguous views the group has seen, NaN if any
  // view was strided or offsets differ.
  const placement = new Map<number, number>()
  // Modes the group still qualifies for: one element per invocation over `sameN` elements
  // (many workgroups, no barriers), or one workgroup looping over small calls.
  let sameIndex = true
  let single = true
  let sameN = 0
  let seen = new Map<string, number>()
  const compiled = new Set<string>()
  let fusedGroups = 0
  let fusedOps = 0

  const reset = () => {
    ops = []
    slots = []
    bindings = []
    words = 0
    byBuffer.clear()
    placement.clear()
    sameIndex = true
    single = true
    sameN = 0
  }

  const flush = (): void => {
    if (ops.length === 0) return
    const group = { ops, slots, bindings, mode: sameIndex ? ("grid" as const) : ("single" as const) }
    reset()
    if (group.ops.length === 1) {
      runPlan(rt, group.ops[0]!.plan)
      return
    }
    const { signature, spec } = fusedSpec(group.ops, group.slots, group.bindings, group.mode)
    if (!compiled.has(signature)) {
      const count = (seen.get(signature) ?? 0) + 1
      if (seen.size >= SEEN_CAP && !seen.has(signature)) seen = new Map()
      seen.set(signature, count)
      if (count < fuseAfter || compiled.size >= COMPILED_CAP) {
        for (const op of group.ops) runPlan(rt, op.plan)
        return
      }
      compiled.add(signature)
      seen.delete(signature)
    }
    rt.run(spec)
    fusedGroups++
    fusedOps += group.ops.length
  }

  /** Whether the group plus `op` stays one-element-per-invocation (see `fusedKernel.ts`):
   * one element count, and every buffer the group writes seen only through contiguous views
   * at one offset. */
  const staysSameIndex = (op: FusedOp): boolean => {
    if (ops.length > 0 && (!sameIndex || op.n !== sameN)) return false
    const merged = new Map<number, number>()
    const written = new Set<number>()
    for (const o of op.plan.operands) {
      const id = o.view.buffer.id
      const p = contiguousOffset(o.view)
      const prev = merged.get(id) ?? placement.get(id)
      merged.set(id, prev === undefined || prev === p ? p : NaN)
      if (o.write) written.add(id)
    }
    for (const [id, p] of merged) {
      const k = byBuffer.get(id)
      if (Number.isNaN(p) && (written.has(id) || (k !== undefined && bindings[k]!.write))) return false
    }
    return true
  }

  const offer = (call: KernelCall): boolean => {
    if (!isPointwise(call)) return false
    const plan = pointwisePlan(call)
    const op = fusedOp(plan)
    if (op.n === 0) return false
    // Within one call a buffer must keep one dtype (one binding per buffer in the group).
    const own = new Map<number, string>()
    for (const o of plan.operands) {
      const b = o.view.buffer
      if (b.byteLength > maxBindingBytes) return false
      const d = own.get(b.id)
      if (d !== undefined && d !== o.view.dtype) return false
      own.set(b.id, o.view.dtype)
    }
    const small = op.n <= maxElements
    if (!small && ops.length > 0 && !staysSameIndex(op)) flush()
    if (!small && ops.length === 0 && !staysSameIndex(op)) return false
    rt.check()
    let fresh = 0
    let conflict = false
    for (const [id, dtype] of own) {
      const k = byBuffer.get(id)
      if (k === undefined) fresh++
      else if (bindings[k]!.dtype !== dtype) conflict = true
    }
    let joinSame = staysSameIndex(op)
    let joinSingle = single && small
    if (
      conflict ||
      bindings.length + fresh > maxBindings ||
      words + op.words > MAX_UNIFORM_WORDS ||
      ops.length >= maxOps ||
      !(joinSame || joinSingle)
    ) {
      flush()
      joinSame = staysSameIndex(op)
      joinSingle = small
    }
    sameIndex = joinSame
    single = joinSingle
    sameN = op.n
    const mine = plan.operands.map((o) => {
      const b = o.view.buffer
      const p = contiguousOffset(o.view)
      const prev = placement.get(b.id)
      placement.set(b.id, prev === undefined || prev === p ? p : NaN)
      let k = byBuffer.get(b.id)
      if (k === undefined) {
        k = bindings.length
        bindings.push({ buffer: b, dtype: o.view.dtype, write: o.write })
        byBuffer.set(b.id, k)
      } else if (o.write) {
        bindings[k]!.write = true
      }
      return k
    })
    ops.push(op)
    slots.push(mine)
    words += op.words
    return true
  }

  return {
    offer,
    flush,
    touches: (buffer) => byBuffer.has(buffer.id),
    stats: () => ({ fusedGroups, fusedOps })
  }
}
