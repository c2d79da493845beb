/**
 * CPU row scatter-write (the reference for `scatterRows`): out[ids[n], :] = x[n, :]. x is
 * read whole before any row is written, so the result does not depend on whether x and out
 * share storage; with a repeated id the last of its rows lands.
 *
 * @since 0.1.0
 */
import type { CpuKernel } from "./CpuKernel.ts"
import { gather, rowOf, scatter } from "./Storage.ts"

/** @since 0.1.0 */
export const scatterRows: CpuKernel<"scatterRows"> = (call, hosts) => {
  const ids = gather(hosts.ids, call.ids, true)
  const x = gather(hosts.x, call.x, true)
  const [V, D] = call.out.shape as [number, number]
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!
    if (id < 0 || id >= V) continue
    scatter(hosts.out, rowOf(call.out, id), x.subarray(n * D, (n + 1) * D))
  }
}
