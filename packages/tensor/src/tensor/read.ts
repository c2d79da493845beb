/**
 * Reading tensors back to the host (the only sync point).
 *
 * @since 0.1.0
 */
import { DTYPE_BYTES } from "../backend/Kernel.ts"
import { fromF16Array } from "../f16.ts"
import { isRowMajor, numel } from "./shape.ts"
import type { Tensor } from "./Tensor.ts"
import { contiguous } from "../ops/views.ts"
import { noGrad } from "../autograd/mode.ts"

/**
 * All elements of `t` in row-major order: i32 → Int32Array, f32 and f16 → Float32Array.
 *
 * @since 0.1.0
 * @category conversions
 */
export const readTensor = async (t: Tensor): Promise<Float32Array | Int32Array> => {
  const n = numel(t.shape)
  const direct = isRowMajor(t.shape, t.strides)
  const src = direct ? t : noGrad(() => contiguous(t))
  try {
    const bytes = DTYPE_BYTES[src.dtype]
    // Device copies want 4-byte alignment: read the covering words, then trim.
    const start = src.offset * bytes
    const end = start + n * bytes
    const lo = Math.floor(start / 4) * 4
    const hi = Math.ceil(end / 4) * 4
    const buf = (await src.backend.read(src.storage.buffer, lo, hi - lo)).slice(start - lo, end - lo)
    if (src.dtype === "f32") return new Float32Array(buf)
    if (src.dtype === "i32") return new Int32Array(buf)
    return fromF16Array(new Uint16Array(buf))
  } finally {
    if (!direct) src.dispose()
  }
}
