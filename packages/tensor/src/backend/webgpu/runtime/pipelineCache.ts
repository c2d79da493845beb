/**
 * Compiled pipelines and bind groups, cached by key: bind group layouts by binding access
 * pattern, pipelines by `BindingPlan.key` (generated kernels with open-ended keys in a capped
 * LRU), bind groups by layout and the identity (and range) of each bound buffer.
 *
 * @since 0.1.0
 */
import type { DispatchSpec } from "../DispatchSpec.ts"
import { type BindingDecl, wgslHeader } from "../wgslHeader.ts"
import type { BindingPlan, PhysicalBinding } from "./bindingPlan.ts"
import type { BufferTable } from "./bufferTable.ts"

/**
 * A compiled kernel with its bind group layout.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pipeline {
  readonly pipeline: GPUComputePipeline
  readonly layout: GPUBindGroupLayout
  readonly layoutKey: string
  readonly uniformBytes: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PipelineCache {
  /** The pipeline for a planned launch, compiled on first use. */
  readonly pipelineFor: (spec: DispatchSpec, plan: BindingPlan, uniformWords: number) => Pipeline
  /** The bind group of a pipeline over the planned buffers (binding 0: the uniform arena). */
  readonly bindGroupFor: (pipeline: Pipeline, phys: ReadonlyArray<PhysicalBinding>) => GPUBindGroup
  readonly stats: () => { pipelines: number; bindGroups: number }
}

/** Transient (generated) pipelines kept; the least recently used is dropped past this (a
 * safety net: the fusion queue itself stops compiling new groups well before). */
const TRANSIENT_PIPELINES = 1024
/** Bind groups kept before the cache is cleared (pooled buffers repeat, so it refills with
 * what is in use). */
const BIND_GROUPS = 8192

/**
 * Makes the caches. `uniforms` is the buffer every bind group binds at 0 (dynamic offsets).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePipelineCache = (
  device: GPUDevice,
  buffers: BufferTable,
  uniforms: GPUBuffer,
  options: { nativeF16: boolean; label: string }
): PipelineCache => {
  const { nativeF16, label } = options
  const layouts = new Map<string, GPUBindGroupLayout>()
  const pipelines = new Map<string, Pipeline>()
  const transient = new Map<string, Pipeline>()
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

  const layoutFor = (
    phys: ReadonlyArray<PhysicalBinding>,
    uniformWords: number
  ): { key: string; layout: GPUBindGroupLayout } => {
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

  const pipelineFor = (spec: DispatchSpec, plan: BindingPlan, uniformWords: number): Pipeline => {
    const { key, phys, names } = plan
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

  const bindGroupFor = (p: Pipeline, phys: ReadonlyArray<PhysicalBinding>): GPUBindGroup => {
    let key = p.layoutKey
    const bufs: Array<GPUBuffer> = []
    const ranges: Array<{ offset: number; size: number } | undefined> = []
    for (const ph of phys) {
      const b = buffers.gpuOf(ph.buffer)
      const r = buffers.rangeOf(ph.buffer)
      bufs.push(b)
      ranges.push(r)
      key += r === undefined ? `|${gpuId(b)}` : `|${gpuId(b)}@${r.offset}+${r.size}`
    }
    let bg = bindGroups.get(key)
    if (bg === undefined) {
      if (bindGroups.size > BIND_GROUPS) bindGroups = new Map()
      const entries: Array<GPUBindGroupEntry> = [{ binding: 0, resource: { buffer: uniforms, size: p.uniformBytes } }]
      bufs.forEach((b, i) => {
        const r = ranges[i]
        entries.push({ binding: i + 1, resource: r === undefined ? { buffer: b } : { buffer: b, offset: r.offset, size: r.size } })
      })
      bg = device.createBindGroup({ layout: p.layout, entries })
      bindGroups.set(key, bg)
    }
    return bg
  }

  return {
    pipelineFor,
    bindGroupFor,
    stats: () => ({ pipelines: pipelines.size + transient.size, bindGroups: bindGroups.size })
  }
}
