/**
 * CPU embedding gather and its scatter-add gradient. Rows are read one at a time so a
 * large (f16) table is never converted whole. An id outside [0, V) reads zeros and
 * receives no gradient.
 *
 * @since 0.1.0
 */
import type { CpuKernel } from "./CpuKernel.ts"
import { destination, gather, rowOf, scatter } from "./Storage.ts"

/** @since 0.1.0 */
export const embedding: CpuKernel<"embedding"> = (call, hosts) => {
  const table = call.table
  const ids = gather(hosts.ids, call.ids, true)
  const [V, D] = table.shape as [number, number]
  const dst = destination(hosts.out, call.out)
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!
    if (id >= 0 && id < V) dst.data.set(gather(hosts.table, rowOf(table, id)) as never, n * D)
    else dst.data.fill(0, n * D, (n + 1) * D)
  }
  dst.commit()
}

/** @since 0.1.0 */
export const embeddingBackward: CpuKernel<"embeddingBackward"> = (call, hosts) => {
  const dtable = call.dtable
  const ids = gather(hosts.ids, call.ids, true)
  const dy = gather(hosts.dy, call.dy, true)
  const [V, D] = dtable.shape as [number, number]
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!
    if (id < 0 || id >= V) continue
    const target = rowOf(dtable, id)
    const acc = gather(hosts.dtable, target, true)
    for (let d = 0; d < D; d++) acc[d]! += dy[n * D + d]!
    scatter(hosts.dtable, target, acc)
  }
}
