/**
 * Float → u32 reinterpretation for uniform blocks (uniforms are u32 words; kernels read
 * floats back with `uf(i)`).
 *
 * @since 0.1.0
 */

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
