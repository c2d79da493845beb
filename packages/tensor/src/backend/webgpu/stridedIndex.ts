/**
 * Strided-view indexing: host-side dimension coalescing (so contiguous views become rank 1,
 * the fast path) and the WGSL that turns a linear index into per-view element offsets.
 *
 * @since 0.1.0
 */

/**
 * Drops size-1 dimensions and merges neighbours that every view walks contiguously
 * (stride[d] == stride[d+1] * shape[d+1] for all views). Returns at least rank 1.
 *
 * @since 0.1.0
 * @category utils
 */
export const coalesce = (
  shape: ReadonlyArray<number>,
  strides: ReadonlyArray<ReadonlyArray<number>>
): { shape: Array<number>; strides: Array<Array<number>> } => {
  const outShape: Array<number> = []
  const outStrides: Array<Array<number>> = strides.map(() => [])
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!
    if (n === 1) continue
    const last = outShape.length - 1
    if (last >= 0 && strides.every((s, v) => outStrides[v]![last] === s[d]! * n)) {
      outShape[last] = outShape[last]! * n
      strides.forEach((s, v) => (outStrides[v]![last] = s[d]!))
    } else {
      outShape.push(n)
      strides.forEach((s, v) => outStrides[v]!.push(s[d]!))
    }
  }
  if (outShape.length === 0) {
    outShape.push(1)
    outStrides.forEach((s) => s.push(0))
  }
  return { shape: outShape, strides: outStrides }
}

/**
 * WGSL statements declaring `var <prefix><v>: i32` for each view v: its element offset for
 * linear index `linear` over a rank-`rank` shape stored in the uniforms at `shapeAt`, with
 * view v's offset at `viewAt[v]` and its strides right after.
 *
 * @since 0.1.0
 * @category utils
 */
export const offsetsCode = (
  rank: number,
  shapeAt: number,
  viewAt: ReadonlyArray<number>,
  linear: string,
  prefix: string
): string => {
  const lines = viewAt.map((at, v) => `var ${prefix}${v}: i32 = ui(${at}u);`)
  if (rank === 1) {
    viewAt.forEach((at, v) => lines.push(`${prefix}${v} += ${linear} * ui(${at + 1}u);`))
    return lines.join("\n")
  }
  lines.push(`var rem_${prefix}: i32 = ${linear};`)
  for (let d = rank - 1; d >= 0; d--) {
    if (d === 0) {
      viewAt.forEach((at, v) => lines.push(`${prefix}${v} += rem_${prefix} * ui(${at + 1 + d}u);`))
    } else {
      lines.push(`{ let n = ui(${shapeAt + d}u); let c = rem_${prefix} % n; rem_${prefix} = rem_${prefix} / n;`)
      viewAt.forEach((at, v) => lines.push(`${prefix}${v} += c * ui(${at + 1 + d}u);`))
      lines.push("}")
    }
  }
  return lines.join("\n")
}

/**
 * Packs `rank` shape words then, per view, offset and strides into `words` at `at`;
 * returns the uniform index of each view block.
 *
 * @since 0.1.0
 * @category utils
 */
export const packViews = (
  words: Array<number>,
  at: number,
  shape: ReadonlyArray<number>,
  offsets: ReadonlyArray<number>,
  strides: ReadonlyArray<ReadonlyArray<number>>
): Array<number> => {
  const rank = shape.length
  shape.forEach((n, d) => (words[at + d] = n))
  const bases: Array<number> = []
  offsets.forEach((off, v) => {
    const base = at + rank + v * (rank + 1)
    bases.push(base)
    words[base] = off | 0
    strides[v]!.forEach((s, d) => (words[base + 1 + d] = s | 0))
  })
  return bases
}
