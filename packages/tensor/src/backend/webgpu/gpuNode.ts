/**
 * The Node entry to WebGPU: Dawn through the `webgpu` npm package. Kept apart so the rest
 * of the backend runs unchanged on Deno and in browsers (`navigator.gpu`).
 *
 * @since 0.1.0
 */
import { mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { create, globals } from "webgpu"

let instance: GPU | undefined

/**
 * Dawn's `GPU` object (created once per process). Dawn's Vulkan loader wants
 * `XDG_RUNTIME_DIR`; a private temp folder is used when it is unset.
 *
 * @since 0.1.0
 * @category constructors
 */
export const nodeGpu = (): GPU => {
  if (instance !== undefined) return instance
  if (process.env["XDG_RUNTIME_DIR"] === undefined) {
    const dir = join(tmpdir(), `xdg-${process.getuid?.() ?? "user"}`)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    process.env["XDG_RUNTIME_DIR"] = dir
  }
  // Dawn's objects check `instanceof` against these constructors (GPUBufferUsage, …).
  Object.assign(globalThis, globals)
  instance = create([])
  return instance
}
