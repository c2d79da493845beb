/**
 * From a launch's logical bindings to the physical ones: the same (buffer, dtype, vec4)
 * bound twice shares one binding (read-write if either use writes, since WebGPU forbids
 * aliasing a writable binding), and the pipeline key that names the layout.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../../BufferHandle.ts"
import type { DType } from "../../Kernel.ts"
import type { DispatchSpec } from "../DispatchSpec.ts"
import { invalidCall } from "../gpuErrors.ts"

/**
 * One binding slot of a pipeline.
 *
 * @since 0.1.0
 * @category models
 */
export interface PhysicalBinding {
  readonly buffer: BufferHandle
  readonly dtype: DType
  write: boolean
  readonly vec4: boolean
}

/**
 * The physical bindings of a launch, the WGSL name of each logical binding, and the
 * pipeline key (kernel, its own key, the binding layout, the names, the uniform size).
 *
 * @since 0.1.0
 * @category models
 */
export interface BindingPlan {
  readonly phys: ReadonlyArray<PhysicalBinding>
  readonly names: ReadonlyArray<string>
  readonly key: string
}

/**
 * Plans the bindings of `spec` with a uniform block of `uniformWords`. Throws when a buffer
 * is written through one dtype and bound through another.
 *
 * @since 0.1.0
 * @category constructors
 */
export const planBindings = (spec: DispatchSpec, uniformWords: number): BindingPlan => {
  const phys: Array<PhysicalBinding> = []
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
  key += `|${names.join(",")}|u${uniformWords}`
  return { phys, names, key }
}
