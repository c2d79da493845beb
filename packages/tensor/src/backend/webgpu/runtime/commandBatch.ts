/**
 * The open batch of commands: one command encoder with one compute pass, a uniform arena
 * (one CPU staging array per batch, uploaded once at submit, addressed by dynamic offsets),
 * the state the pass last bound (so repeated state is not re-encoded), and the freed
 * buffers that must outlive the batch's submit.
 *
 * @since 0.1.0
 */
import { UNIFORM_WORDS } from "../wgslHeader.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface CommandBatch {
  /** The uniform buffer every bind group binds at 0. */
  readonly uniforms: GPUBuffer
  /** Encodes one dispatch; `words` go to a fresh arena slot unless they repeat the last. */
  readonly dispatch: (
    pipeline: GPUComputePipeline,
    bindGroup: GPUBindGroup,
    words: ArrayLike<number>,
    uniformWords: number,
    groups: number | readonly [number, number, number]
  ) => void
  /** Ends the pass, copies `size` bytes (after the dispatches so far) and submits. */
  readonly copyAndSubmit: (src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number) => void
  /** Submits what is encoded (nothing when the batch is empty). */
  readonly submit: () => void
  /** Destroys a buffer now, or after the submit of the open batch that may use it. */
  readonly retire: (buffer: GPUBuffer) => void
  readonly stats: () => { submits: number; dispatches: number }
  readonly dispose: () => void
}

/** Dispatches per submitted batch: enough to amortize submit, small enough to start work early. */
const BATCH = 128
const UNIFORM_BYTES = UNIFORM_WORDS * 4

const sameWords = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Makes the batch state on `device`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCommandBatch = (device: GPUDevice, label: string): CommandBatch => {
  const arenaCpu = new Uint32Array(UNIFORM_WORDS * BATCH)
  const arena = device.createBuffer({ size: arenaCpu.byteLength, usage: 0x40 | 0x08, label: `${label}/uniforms` })
  let encoder: GPUCommandEncoder | undefined
  let pass: GPUComputePassEncoder | undefined
  let used = 0
  let inBatch = 0
  let lastPipeline: GPUComputePipeline | undefined
  let lastBindGroup: GPUBindGroup | undefined
  let lastSlot = -1
  let lastWords: ArrayLike<number> | undefined
  let lastUniformWords = UNIFORM_WORDS
  let submits = 0
  let dispatches = 0
  // Freed buffers the pool turned down, still used by the open encoder: destroying them before
  // its submit would make the submit (the whole batch) fail.
  let retired: Array<GPUBuffer> = []

  const submit = () => {
    if (encoder === undefined) return
    pass?.end()
    if (used > 0) device.queue.writeBuffer(arena, 0, arenaCpu, 0, used * UNIFORM_WORDS)
    device.queue.submit([encoder.finish()])
    // Submitted work keeps its buffers alive past destroy().
    for (const b of retired) b.destroy()
    retired = []
    encoder = undefined
    pass = undefined
    used = 0
    inBatch = 0
    lastPipeline = undefined
    lastBindGroup = undefined
    lastSlot = -1
    lastWords = undefined
    lastUniformWords = UNIFORM_WORDS
    submits++
  }

  const dispatch: CommandBatch["dispatch"] = (pipeline, bindGroup, words, uniformWords, g) => {
    const slots = uniformWords / UNIFORM_WORDS
    // A block spanning several slots must fit in the arena before the next upload.
    if (slots > 1 && used + slots > BATCH) submit()
    if (encoder === undefined) encoder = device.createCommandEncoder()
    if (pass === undefined) pass = encoder.beginComputePass()
    // Identical uniforms reuse the previous slot (long chains of the same op encode only the
    // dispatch). Words past the kernel's own are never read, so stale ones are harmless.
    let slot = lastSlot
    if (slot < 0 || lastWords === undefined || lastUniformWords !== uniformWords || !sameWords(words, lastWords)) {
      slot = used
      used += slots
      arenaCpu.set(words, slot * UNIFORM_WORDS)
      lastWords = words
      lastUniformWords = uniformWords
    }
    if (pipeline !== lastPipeline) {
      pass.setPipeline(pipeline)
      lastPipeline = pipeline
    }
    if (bindGroup !== lastBindGroup || slot !== lastSlot) {
      pass.setBindGroup(0, bindGroup, [slot * UNIFORM_BYTES])
      lastBindGroup = bindGroup
      lastSlot = slot
    }
    if (typeof g === "number") {
      if (g > 0) {
        const x = Math.min(g, 65535)
        pass.dispatchWorkgroups(x, Math.ceil(g / x), 1)
      }
    } else if (g[0] > 0 && g[1] > 0 && g[2] > 0) {
      pass.dispatchWorkgroups(g[0], g[1], g[2])
    }
    inBatch++
    dispatches++
    if (used >= BATCH || inBatch >= BATCH) submit()
  }

  return {
    uniforms: arena,
    dispatch,
    copyAndSubmit: (src, srcOffset, dst, dstOffset, size) => {
      if (encoder === undefined) encoder = device.createCommandEncoder()
      pass?.end()
      pass = undefined
      if (size > 0) encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, size)
      submit()
    },
    submit,
    retire: (b) => {
      if (encoder === undefined) b.destroy()
      else retired.push(b)
    },
    stats: () => ({ submits, dispatches }),
    dispose: () => {
      arena.destroy()
    }
  }
}
