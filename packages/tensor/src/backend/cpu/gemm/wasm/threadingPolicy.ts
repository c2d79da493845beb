/**
 * Whether a call should use the workers, learnt from the calls themselves. On a machine
 * shared with other processes more threads need not mean more CPU (measured here at load
 * ≈ 14 on 2 cores: 2 threads took 1.3–2× the time of 1 on train-step shapes), so the
 * provider times both ways and keeps the faster. Calls are grouped by size (a factor of 4 in
 * flops per group); each group keeps a moving average of milliseconds per flop for threaded
 * and for solo calls, tries each way once, then takes the faster and re-tries the slower one
 * every `probeEvery` calls so the choice follows the machine's load.
 *
 * @since 0.2.0
 */

/** @since 0.2.0 */
export interface ThreadingPolicy {
  /** Whether the next eligible call of `flops` should use the workers. */
  readonly next: (flops: number) => boolean
  /** Reports how long an eligible call took, threaded or not. */
  readonly record: (flops: number, threaded: boolean, ms: number) => void
  /** Eligible calls run on the calling thread alone so far. */
  readonly soloCalls: () => number
}

interface Group {
  threaded: number | undefined
  solo: number | undefined
  calls: number
}

/** @since 0.2.0 */
export const makeThreadingPolicy = (options: { readonly probeEvery?: number; readonly weight?: number } = {}): ThreadingPolicy => {
  const probeEvery = options.probeEvery ?? 16
  const weight = options.weight ?? 0.25
  const groups = new Map<number, Group>()
  let solo = 0
  const groupOf = (flops: number): Group => {
    const key = Math.floor(Math.log2(Math.max(1, flops)) / 2)
    let g = groups.get(key)
    if (g === undefined) {
      g = { threaded: undefined, solo: undefined, calls: 0 }
      groups.set(key, g)
    }
    return g
  }
  return {
    next: (flops) => {
      const g = groupOf(flops)
      g.calls++
      let threaded: boolean
      if (g.threaded === undefined) threaded = true
      else if (g.solo === undefined) threaded = false
      else {
        const faster = g.threaded <= g.solo
        threaded = g.calls % probeEvery === 0 ? !faster : faster
      }
      if (!threaded) solo++
      return threaded
    },
    record: (flops, threaded, ms) => {
      const g = groupOf(flops)
      const rate = ms / Math.max(1, flops)
      const old = threaded ? g.threaded : g.solo
      const updated = old === undefined ? rate : old + weight * (rate - old)
      if (threaded) g.threaded = updated
      else g.solo = updated
    },
    soloCalls: () => solo
  }
}
