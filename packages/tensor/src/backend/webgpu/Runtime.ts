/**
 * The dispatch engine under the WebGPU backend: buffer handles over a pool, batched command
 * encoding (one compute pass per batch), a per-batch uniform arena addressed by dynamic
 * offsets, pipeline and bind-group caches, read-back through staging buffers, and the
 * surfacing of device loss and out-of-memory as typed errors.
 *
 * @since 0.1.0
 */
import type { BufferHandle, MemoryStats } from "../Backend.ts"
import type { DType } from "../Kernel.ts"
import { makeBufferPool, sizeClass } from "./BufferPool.ts"
import { deviceLost, invalidCall, outOfMemory } from "./gpuErrors.ts"
import { type BindingDecl, UNIFORM_WORDS, wgslHeader } from "./wgslHeader.ts"

/**
 * One buffer a kernel binds; the same (buffer, dtype) bound twice shares one binding,
 * read-write if either use writes (WebGPU forbids aliasing a writable binding).
 *
 * @since 0.1.0
 * @category models
 */
export interface Binding {
  readonly buffer: BufferHandle
  readonly dtype: DType
  readonly write: boolean
  readonly vec4?: boolean
}

/**
 * A kernel launch. `source(names)` returns the WGSL after the prelude, using `names[i]`
 * for logical binding i; it is called once per pipeline key.
 *
 * @since 0.1.0
 * @category models
 */
export interface DispatchSpec {
  readonly kernel: string
  /** Everything the generated source depends on besides the binding layout. */
  readonly key: string
  readonly source: (names: ReadonlyArray<string>) => string
  readonly bindings: ReadonlyArray<Binding>
  /** At most `uniformWords` 32-bit words (reinterpret floats with `f32bits`). */
  readonly uniforms: ArrayLike<number>
  /** Size of the uniform block: UNIFORM_WORDS (default) or a multiple of it up to
   * MAX_UNIFORM_WORDS (fused groups carry many views' shapes and strides). */
  readonly uniformWords?: number
  /** Pipelines of generated kernels with open-ended keys (fused groups) live in a capped
   * cache instead of the permanent one. */
  readonly transient?: boolean
  /** Workgroups; a count above 65535 is spread over a 2-D grid (kernels use `linearIndex`). */
  readonly groups: number | readonly [number, number, number]
}

/**
 * The engine.
 *
 * @since 0.1.0
 * @category models
 */
export interface Runtime {
  readonly device: GPUDevice
  readonly nativeF16: boolean
  readonly maxStorageBufferBindingSize: number
  readonly allocate: (byteLength: number) => BufferHandle
  readonly free: (buffer: BufferHandle) => void
  readonly writeRaw: (buffer: BufferHandle, data: ArrayBufferView, byteOffset: number) => void
  /** Throws if the backend is disposed or the device lost (for work queued before encoding). */
  readonly check: () => void
  readonly run: (spec: DispatchSpec) => void
  readonly flush: () => void
  readonly read: (buffer: BufferHandle, byteOffset: number, byteLength: number) => Promise<ArrayBuffer>
  readonly memory: () => MemoryStats
  readonly dispose: () => void
  /**
   * A handle onto bytes [byteOffset, byteOffset + byteLength) of a buffer, bound as its own
   * range (for views into buffers larger than the binding limit); drop it after dispatching.
   */
  readonly window: (buffer: BufferHandle, byteOffset: number, byteLength: number) => BufferHandle
  readonly dropWindow: (window: BufferHandle) => void
  /** Counters for tests and benchmarks. */
  readonly stats: () => { pipelines: number; bindGroups: number; submits: number; dispatches: number }
}

const f32View = new Float32Array(1)
const u32View = new Uint32Array(f32View.buffer)

/**
 * The bits of a float as a u32 word (for uniforms).
 *
 * @since 0.1.0
 * @category utils
 */
export const f32bits = (x: number): number => {
  f32View[0] = x
  return u32View[0]!
}

interface Physical {
  readonly buffer: BufferHandle
  readonly dtype: DType
  write: boolean
  readonly vec4: boolean
}

interface Pipeline {
  readonly pipeline: GPUComputePipeline
  readonly layout: GPUBindGroupLayout
  readonly layoutKey: string
  readonly uniformBytes: number
}

const sameWords = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Dispatches per submitted batch: enough to amortize submit, small enough to start work early. */
const BATCH = 128
const UNIFORM_BYTES = UNIFORM_WORDS * 4
/** Largest uniform block a dispatch may ask for (within the default 64 KiB binding limit). */
export const MAX_UNIFORM_WORDS = UNIFORM_WORDS * 8
/** Transient (generated) pipelines kept; the least recently used is dropped past this (a
 * safety net: the fusion queue itself stops compiling new groups well before). */
const TRANSIENT_PIPELINES = 1024

/**
 * Makes the engine on a device. `label` names the buffers (debugging).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRuntime = (
  device: GPUDevice,
  options: { nativeF16: boolean; label: string; poolLimitBytes?: number }
): Runtime => {
  const { nativeF16, label } = options
  const limits = device.limits
  const pool = makeBufferPool(device, label, options.poolLimitBytes)
  const handles = new Map<number, GPUBuffer>()
  let nextId = 1
  let liveBytes = 0
  let lost: string | undefined
  let disposed = false
  const asyncErrors: Array<Error> = []

  device.lost.then((info) => {
    if (!disposed) lost = `${info.reason}: ${info.message}`
  })
  device.onuncapturederror = (event) => {
    asyncErrors.push(invalidCall("webgpu", event.error.message))
  }

  const check = () => {
    if (disposed) throw invalidCall("webgpu", "backend disposed")
    if (lost !== undefined) throw deviceLost(lost)
  }

  const windows = new Map<number, { buffer: BufferHandle; offset: number; size: number }>()
  const rangeOf = (h: BufferHandle): { offset: number; size: number } | undefined => windows.get(h.id)

  const gpuOf = (h: BufferHandle): GPUBuffer => {
    const w = windows.get(h.id)
    const b = handles.get(w === undefined ? h.id : w.buffer.id)
    if (b === undefined) throw invalidCall("webgpu", `buffer ${h.id} is not live (freed or foreign)`)
    return b
  }

  // --- uniform arena: one CPU staging array per batch, uploaded once at submit ---
  const arenaCpu = new Uint32Array(UNIFORM_WORDS * BATCH)
  const arena = device.createBuffer({ size: arenaCpu.byteLength, usage: 0x40 | 0x08, label: `${label}/uniforms` })

  // --- batch state ---
  let encoder: GPUCommandEncoder | undefined
  let pass: GPUComputePassEncoder | undefined
  let used = 0
  let inBatch = 0
  // What the open pass last bound, so repeated state is not re-encoded.
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

  // --- caches ---
  const layouts = new Map<string, GPUBindGroupLayout>()
  const pipelines = new Map<string, Pipeline>()
  let bindGroups = new Map<string, GPUBindGroup>()
  const gpuIds = new WeakMap<GPUBuffer, number>()
  let nextGpuId = 1
  const gpuId = (b: GPUBuffer): number => {
    let id = gpuIds.get(b)
    if (id === undefined) {
      id = nextGpuId++
      gpuIds.set(b, id)
    }
    return id
  }

  const layoutFor = (phys: ReadonlyArray<Physical>, uniformWords: number): { key: string; layout: GPUBindGroupLayout } => {
    const key = `${uniformWords}:${phys.map((p) => (p.write ? "w" : "r")).join("")}`
    let layout = layouts.get(key)
    if (layout === undefined) {
      const entries: Array<GPUBindGroupLayoutEntry> = [
        { binding: 0, visibility: 4, buffer: { type: "uniform", hasDynamicOffset: true, minBindingSize: uniformWords * 4 } }
      ]
      phys.forEach((p, i) =>
        entries.push({ binding: i + 1, visibility: 4, buffer: { type: p.write ? "storage" : "read-only-storage" } })
      )
      layout = device.createBindGroupLayout({ entries, label: `${label}/layout/${key}` })
      layouts.set(key, layout)
    }
    return { key, layout }
  }

  const transient = new Map<string, Pipeline>()
  const pipelineFor = (
    spec: DispatchSpec,
    key: string,
    phys: ReadonlyArray<Physical>,
    names: ReadonlyArray<string>,
    uniformWords: number
  ): Pipeline => {
    const cache = spec.transient === true ? transient : pipelines
    let p = cache.get(key)
    if (p !== undefined && cache === transient) {
      // Most recently used last, so eviction drops the oldest.
      transient.delete(key)
      transient.set(key, p)
    }
    if (p === undefined) {
      const decls: Array<BindingDecl> = phys.map((ph, i) => ({
        name: `b${i}`,
        dtype: ph.dtype,
        write: ph.write,
        vec4: ph.vec4
      }))
      const code = `${wgslHeader(decls, nativeF16, uniformWords)}\n${spec.source(names)}`
      const module = device.createShaderModule({ code, label: `${label}/${spec.kernel}` })
      const { key: layoutKey, layout } = layoutFor(phys, uniformWords)
      const pipeline = device.createComputePipeline({
        layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: "main" },
        label: `${label}/${spec.kernel}`
      })
      p = { pipeline, layout, layoutKey, uniformBytes: uniformWords * 4 }
      cache.set(key, p)
      if (transient.size > TRANSIENT_PIPELINES) transient.delete(transient.keys().next().value!)
    }
    return p
  }

  const bindGroupFor = (p: Pipeline, phys: ReadonlyArray<Physical>): GPUBindGroup => {
    let key = p.layoutKey
    const bufs: Array<GPUBuffer> = []
    const ranges: Array<{ offset: number; size: number } | undefined> = []
    for (const ph of phys) {
      const b = gpuOf(ph.buffer)
      const r = rangeOf(ph.buffer)
      bufs.push(b)
      ranges.push(r)
      key += r === undefined ? `|${gpuId(b)}` : `|${gpuId(b)}@${r.offset}+${r.size}`
    }
    let bg = bindGroups.get(key)
    if (bg === undefined) {
      // Bounded: pooled buffers repeat, so a cleared cache refills with what is in use.
      if (bindGroups.size > 8192) bindGroups = new Map()
      const entries: Array<GPUBindGroupEntry> = [{ binding: 0, resource: { buffer: arena, size: p.uniformBytes } }]
      bufs.forEach((b, i) => {
        const r = ranges[i]
        entries.push({ binding: i + 1, resource: r === undefined ? { buffer: b } : { buffer: b, offset: r.offset, size: r.size } })
      })
      bg = device.createBindGroup({ layout: p.layout, entries })
      bindGroups.set(key, bg)
    }
    return bg
  }

  const run = (spec: DispatchSpec): void => {
    check()
    const g = spec.groups
    const maxGroups = limits.maxComputeWorkgroupsPerDimension
    // Past the limit the dispatch would be a validation error failing the whole batch's submit.
    if (typeof g !== "number" && g.some((n) => n > maxGroups)) {
      throw invalidCall(spec.kernel, `workgroup grid ${g.join(" x ")} exceeds ${maxGroups} per dimension`)
    }
    const phys: Array<Physical> = []
    const names: Array<string> = []
    let key = `${spec.kernel}|${spec.key}|`
    for (const b of spec.bindings) {
      const vec4 = b.vec4 === true
      let slot = -1
      for (let i = 0; i < phys.length; i++) {
        const q = phys[i]!
        if (q.buffer.id !== b.buffer.id) continue
        if (q.dtype === b.dtype && q.vec4 === vec4) {
          slot = i
          break
        }
        if (q.write || b.write) {
          throw invalidCall(spec.kernel, "a buffer is written through one dtype and bound through another")
        }
      }
      if (slot >= 0) {
        phys[slot]!.write ||= b.write
      } else {
        slot = phys.length
        phys.push({ buffer: b.buffer, dtype: b.dtype, write: b.write, vec4 })
      }
      names.push(`b${slot}`)
    }
    for (let i = 0; i < phys.length; i++) {
      const q = phys[i]!
      key += `${q.dtype}${q.write ? "w" : "r"}${q.vec4 ? "4" : ""}`
    }
    const uniformWords = spec.uniformWords ?? UNIFORM_WORDS
    key += `|${names.join(",")}|u${uniformWords}`
    const limit = limits.maxStorageBuffersPerShaderStage
    if (phys.length > limit) throw invalidCall(spec.kernel, `needs ${phys.length} storage buffers, limit ${limit}`)
    if (uniformWords % UNIFORM_WORDS !== 0 || uniformWords > MAX_UNIFORM_WORDS) {
      throw invalidCall(spec.kernel, `uniform block of ${uniformWords} words`)
    }
    if (spec.uniforms.length > uniformWords) throw invalidCall(spec.kernel, "too many uniform words")
    const p = pipelineFor(spec, key, phys, names, uniformWords)
    const bg = bindGroupFor(p, phys)

    const slots = uniformWords / UNIFORM_WORDS
    // A block spanning several slots must fit in the arena before the next upload.
    if (slots > 1 && used + slots > BATCH) submit()
    if (encoder === undefined) encoder = device.createCommandEncoder()
    if (pass === undefined) pass = encoder.beginComputePass()
    // Identical uniforms reuse the previous slot (long chains of the same op encode only the
    // dispatch). Words past the kernel's own are never read, so stale ones are harmless.
    const words = spec.uniforms
    let slot = lastSlot
    if (slot < 0 || lastWords === undefined || lastUniformWords !== uniformWords || !sameWords(words, lastWords)) {
      slot = used
      used += slots
      arenaCpu.set(words, slot * UNIFORM_WORDS)
      lastWords = words
      lastUniformWords = uniformWords
    }
    if (p.pipeline !== lastPipeline) {
      pass.setPipeline(p.pipeline)
      lastPipeline = p.pipeline
    }
    if (bg !== lastBindGroup || slot !== lastSlot) {
      pass.setBindGroup(0, bg, [slot * UNIFORM_BYTES])
      lastBindGroup = bg
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

  const allocate = (byteLength: number): BufferHandle => {
    check()
    const size = sizeClass(byteLength)
    if (size > limits.maxBufferSize) {
      throw outOfMemory(byteLength, `buffer of ${byteLength} bytes exceeds maxBufferSize ${limits.maxBufferSize}`)
    }
    device.pushErrorScope("out-of-memory")
    const buffer = pool.acquire(byteLength)
    device.popErrorScope().then((err) => {
      if (err !== null) asyncErrors.push(outOfMemory(byteLength, err.message))
    }, () => {})
    const id = nextId++
    handles.set(id, buffer)
    liveBytes += buffer.size
    return { id, byteLength: buffer.size }
  }

  const free = (h: BufferHandle): void => {
    const b = handles.get(h.id)
    if (b === undefined) return
    handles.delete(h.id)
    liveBytes -= b.size
    // Safe to reuse at once: the queue runs work in order, so later users of this memory
    // (dispatches, writes, which flush first) come after the ones already enqueued.
    if (disposed || pool.release(b)) return
    if (encoder === undefined) b.destroy()
    else retired.push(b)
  }

  const writeRaw = (h: BufferHandle, data: ArrayBufferView, byteOffset: number): void => {
    check()
    const b = gpuOf(h)
    // Enqueued dispatches must run before this write lands.
    if (encoder !== undefined) submit()
    device.queue.writeBuffer(b, byteOffset, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  }

  const throwAsync = () => {
    const e = asyncErrors.shift()
    if (e !== undefined) {
      asyncErrors.length = 0
      throw e
    }
  }

  const stagingPool = new Map<number, Array<GPUBuffer>>()

  const read = async (h: BufferHandle, byteOffset: number, byteLength: number): Promise<ArrayBuffer> => {
    check()
    const b = gpuOf(h)
    const start = Math.floor(byteOffset / 4) * 4
    const end = Math.ceil((byteOffset + byteLength) / 4) * 4
    if (end > b.size) throw invalidCall("read", `range ${byteOffset}+${byteLength} exceeds buffer of ${b.size} bytes`)
    const size = sizeClass(Math.max(4, end - start))
    const staging = stagingPool.get(size)?.pop() ??
      device.createBuffer({ size, usage: 0x01 | 0x08, label: `${label}/staging` })
    if (encoder === undefined) encoder = device.createCommandEncoder()
    pass?.end()
    pass = undefined
    if (end > start) encoder.copyBufferToBuffer(b, start, staging, 0, end - start)
    submit()
    try {
      await staging.mapAsync(1)
    } catch (e) {
      staging.destroy()
      check()
      throwAsync()
      throw deviceLost(`mapAsync failed: ${String(e)}`)
    }
    const bytes = staging.getMappedRange().slice(byteOffset - start, byteOffset - start + byteLength)
    staging.unmap()
    // Small read-backs (item(), losses) repeat: keep a few staging buffers per size class.
    const list = stagingPool.get(size) ?? []
    if (list.length < 4 && size <= 1 << 24) {
      list.push(staging)
      stagingPool.set(size, list)
    } else {
      staging.destroy()
    }
    check()
    throwAsync()
    return bytes
  }

  return {
    device,
    nativeF16,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    allocate,
    free,
    writeRaw,
    check,
    run,
    flush: () => {
      check()
      submit()
    },
    read,
    memory: () => ({ liveBytes, pooledBytes: pool.pooledBytes(), liveBuffers: handles.size }),
    dispose: () => {
      if (disposed) return
      submit()
      disposed = true
      pool.clear()
      for (const list of stagingPool.values()) for (const b of list) b.destroy()
      stagingPool.clear()
      for (const b of handles.values()) b.destroy()
      handles.clear()
      arena.destroy()
      device.destroy()
    },
    window: (buffer, offset, size) => {
      gpuOf(buffer)
      const id = nextId++
      windows.set(id, { buffer, offset, size })
      return { id, byteLength: size }
    },
    dropWindow: (w) => {
      windows.delete(w.id)
    },
    stats: () => ({ pipelines: pipelines.size + transient.size, bindGroups: bindGroups.size, submits, dispatches })
  }
}
