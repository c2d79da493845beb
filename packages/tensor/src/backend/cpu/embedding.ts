/**
 * CPU embedding gather and its scatter-add gradient. Rows are read one at a time so a
 * large (f16) table is never converted whole. An id outside [0, V) reads zeros and
 * receives no gradient.
 *
 * @since 0.1.0
 */
import type { View } from "../Kernel.ts"
import { destination, gather, type HostBuffer, scatter } from "./Storage.ts"

const row = (t: View, r: number): View => ({
  buffer: t.buffer,
  dtype: t.dtype,
  shape: [t.shape[1]!],
  strides: [t.strides[1]!],
  offset: t.offset + r * t.strides[0]!
})

/** @since 0.1.0 */
export const embedding = (th: HostBuffer, table: View, ih: HostBuffer, idsv: View, outh: HostBuffer, out: View): void => {
  const ids = gather(ih, idsv, true)
  const [V, D] = table.shape as [number, number]
  const dst = destination(outh, out)
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!
    if (id >= 0 && id < V) dst.data.set(gather(th, row(table, id)) as never, n * D)
    else dst.data.fill(0, n * D, (n + 1) * D)
  }
  dst.commit()
}

/** @since 0.1.0 */
export const embeddingBackward = (ih: HostBuffer, idsv: View, dyh: HostBuffer, dyv: View, th: HostBuffer, dtable: View): void => {
  const ids = gather(ih, idsv, true)
  const dy = gather(dyh, dyv, true)
  const [V, D] = dtable.shape as [number, number]
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!
    if (id < 0 || id >= V) continue
    const target = row(dtable, id)
    const acc = gather(th, target, true)
    for (let d = 0; d < D; d++) acc[d]! += dy[n * D + d]!
    scatter(th, target, acc)
  }
}
