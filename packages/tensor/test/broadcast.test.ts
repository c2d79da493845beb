import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as T from "../src/index.ts"
import { broadcastTo, reduceRef } from "./support/gradcheck.ts"
import { closeness, randomArray } from "./support/views.ts"

/** A shape of rank 0..4 with sizes from {1, 2, 3, 5}, and a broadcast partner of it. */
const shapePair = fc
  .array(fc.constantFrom(1, 2, 3, 5), { minLength: 0, maxLength: 4 })
  .chain((out) =>
    fc.tuple(
      fc.constant(out),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.integer({ min: 0, max: out.length }),
      fc.integer({ min: 0, max: 1000 })
    )
  )
  .map(([out, onesA, onesB, drop, seed]) => ({
    a: out.map((d, i) => (onesA[i] ? 1 : d)),
    // b may also have fewer leading axes.
    b: out.map((d, i) => (onesB[i] ? 1 : d)).slice(Math.min(drop, out.length)),
    seed
  }))

describe("broadcasting binary ops through the front end", () => {
  it("values match a host broadcast and gradients sum back over broadcast axes (abs+rel 1e-5)", async () => {
    await fc.assert(
      fc.asyncProperty(shapePair, async ({ a, b, seed }) => {
        const n = (s: ReadonlyArray<number>) => s.reduce((p, q) => p * q, 1)
        const av = randomArray(n(a), seed)
        const bv = randomArray(n(b), seed + 1)
        const x = T.fromArray(av, a, { requiresGrad: true })
        const y = T.fromArray(bv, b, { requiresGrad: true })
        // a has the full rank; sizes along an axis are equal or 1, so the broadcast is the max.
        const out = a.map((d, i) => Math.max(d, b[i - (a.length - b.length)] ?? 1))
        expect(T.broadcastShapes(a, b)).toEqual(out)
        const z = T.mul(x, y)
        expect(z.shape).toEqual(out)
        const A = broadcastTo(av, a, out)
        const B = broadcastTo(bv, b, out)
        expect(closeness(Array.from(await z.toArray()), A.map((v, i) => Math.fround(v) * Math.fround(B[i]!)), 1e-6, 1e-5))
          .toBeLessThanOrEqual(1)
        const loss = T.sum(z)
        loss.backward()
        // d(sum(x·y))/dx = y summed over the axes x was broadcast along.
        const lead = out.length - a.length
        const axes = out.map((_, i) => i).filter((i) => i < lead || a[i - lead] === 1)
        const gx = reduceRef(B, out, axes, (g) => g.reduce((p, q) => p + q, 0))
        expect(x.grad!.shape).toEqual(a)
        expect(closeness(Array.from(await x.grad!.toArray()), gx, 1e-5, 1e-5)).toBeLessThanOrEqual(1)
        expect(y.grad!.shape).toEqual(b)
        for (const t of [x, y, z, loss]) t.dispose()
      }),
      { numRuns: 60 }
    )
  })
})
