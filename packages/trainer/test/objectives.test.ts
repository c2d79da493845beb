import { fromArray, makeCpuBackend, type Tensor } from "@sapphire-rl/tensor"
import { describe, expect, it } from "vitest"
import { dpoLoss, grpoLoss, klEstimate, logSigmoid, packSequences, sftLoss, type TrainSequence, truncatedImportanceWeights } from "../src/index.ts"

const backend = makeCpuBackend()
const leaf = (values: ReadonlyArray<number>, shape: ReadonlyArray<number>): Tensor =>
  fromArray(Float32Array.from(values), shape, { backend }).setRequiresGrad()
const read = async (t: Tensor) => Array.from((await t.toArray()) as Float32Array)

// Two sequences: prompt of 2 tokens, completions of 2 and 1 tokens. Packed length 3, and the
// loss positions are t = 1, 2 of row 0 and t = 1 of row 1.
const seqs = (extra: (i: number) => Partial<TrainSequence>): Array<TrainSequence> => [
  { ids: [5, 6, 7, 8], start: 2, weight: 0.5, ...extra(0) },
  { ids: [5, 6, 9], start: 2, weight: 0.25, ...extra(1) }
]
const LP = [0, -0.5, -1.0, 0, -2.0, 0] // [2, 3]; zeros where no loss (as logprobGather gives for target −1)

describe("packSequences", () => {
  it("aligns targets and per-token arrays with the completion", () => {
    const b = packSequences(seqs(() => ({})))
    expect([b.rows, b.length]).toEqual([2, 3])
    expect(Array.from(b.inputs)).toEqual([5, 6, 7, 5, 6, 0])
    expect(Array.from(b.targets)).toEqual([-1, 7, 8, -1, 9, -1])
    expect(Array.from(b.weights)).toEqual([0, 0.5, 0.5, 0, 0.25, 0])
  })
  it("names the sequence whose per-token array has the wrong length", () => {
    expect(() => packSequences(seqs((i) => (i === 1 ? { oldLogprobs: [1, 2] } : {})))).toThrow(/sequence 1: oldLogprobs has 2 values for 1 completion tokens/)
  })
})

describe("sftLoss", () => {
  it("is −Σ w·lp with gradient −w", async () => {
    const lp = leaf(LP, [2, 3])
    const loss = sftLoss(lp, packSequences(seqs(() => ({}))))
    // −(0.5·(−0.5) + 0.5·(−1) + 0.25·(−2)) = 1.25
    expect(await loss.item()).toBeCloseTo(1.25, 6)
    loss.backward()
    const g = await read(lp.grad!)
    ;[0, -0.5, -0.5, 0, -0.25, 0].forEach((x, i) => expect(g[i]).toBeCloseTo(x, 7))
  })
})

describe("grpoLoss", () => {
  it("μ = 1: ratio 1, value −Σ w·A and policy gradient −w·A", async () => {
    const lp = leaf(LP, [2, 3])
    const batch = packSequences(seqs((i) => ({ advantage: i === 0 ? 1.5 : -2 })))
    const loss = grpoLoss(lp, batch, { clipLow: 0.2, clipHigh: 0.2, beta: 0, estimator: "k3" })
    // −(0.5·1.5 + 0.5·1.5 + 0.25·(−2)) = −1.0
    expect(await loss.item()).toBeCloseTo(-1.0, 6)
    loss.backward()
    const g = await read(lp.grad!)
    ;[0, -0.75, -0.75, 0, 0.5, 0].forEach((x, i) => expect(g[i]).toBeCloseTo(x, 6))
  })
  it("μ > 1: a ratio past 1 + high with A > 0, or below 1 − low with A < 0, is clipped (no gradient)", async () => {
    const lp = leaf(LP, [2, 3])
    // Row 0 token 1: ratio e^0.5 ≈ 1.65 (> 1.28), A > 0 → clipped; token 2: ratio 1 → unclipped.
    // Row 1: ratio e^−0.5 ≈ 0.61 (< 0.8), A < 0 → clipped.
    const batch = packSequences(seqs((i) => (i === 0 ? { advantage: 1, oldLogprobs: [-1.0, -1.0] } : { advantage: -1, oldLogprobs: [-1.5] })))
    const loss = grpoLoss(lp, batch, { clipLow: 0.2, clipHigh: 0.28, beta: 0, estimator: "k3" })
    // −(0.5·1.28·1 + 0.5·1·1 + 0.25·0.8·(−1)) = −(0.64 + 0.5 − 0.2) = −0.94
    expect(await loss.item()).toBeCloseTo(-0.94, 5)
    loss.backward()
    const g = await read(lp.grad!)
    ;[0, 0, -0.5, 0, 0, 0].forEach((x, i) => expect(g[i]).toBeCloseTo(x, 6))
  })
  it("adds β·k3 with gradient β·(1 − exp(ref − lp)) per token", async () => {
    const lp = leaf(LP, [2, 3])
    const batch = packSequences(seqs((i) => ({ advantage: 0, refLogprobs: i === 0 ? [-0.7, -1.0] : [-1.0] })))
    const loss = grpoLoss(lp, batch, { clipLow: 0.2, clipHigh: 0.2, beta: 0.1, estimator: "k3" })
    const k3 = (d: number) => Math.exp(d) - d - 1
    expect(await loss.item()).toBeCloseTo(0.1 * (0.5 * k3(-0.2) + 0.5 * k3(0) + 0.25 * k3(1)), 6)
    loss.backward()
    const g = await read(lp.grad!)
    expect(g[1]).toBeCloseTo(0.1 * 0.5 * (1 - Math.exp(-0.2)), 6)
    expect(g[4]).toBeCloseTo(0.1 * 0.25 * (1 - Math.exp(1)), 6)
  })
  it("matches central finite differences (f64) of the clipped objective with KL", async () => {
    const values = [0, -0.4, -1.3, 0, -2.2, 0]
    const spec = seqs((i) => (i === 0 ? { advantage: 0.7, oldLogprobs: [-0.6, -1.1], refLogprobs: [-0.5, -1.2] } : { advantage: -1.1, oldLogprobs: [-2.05], refLogprobs: [-1.9] }))
    const options = { clipLow: 0.2, clipHigh: 0.28, beta: 0.04, estimator: "k3" as const }
    // f64 re-implementation of the objective, token by token.
    const f = (v: ReadonlyArray<number>) => {
      let total = 0
      const at = [[0, 1, 0], [0, 2, 1], [1, 4, 0]] as const
      for (const [row, pos, k] of at) {
        const s = spec[row]!
        const r = Math.exp(v[pos]! - s.oldLogprobs![k]!)
        const a = s.advantage!
        const surrogate = Math.min(r * a, Math.min(Math.max(r, 1 - options.clipLow), 1 + options.clipHigh) * a)
        const d = s.refLogprobs![k]! - v[pos]!
        total += s.weight * (-surrogate + options.beta * (Math.exp(d) - d - 1))
      }
      return total
    }
    const lp = leaf(values, [2, 3])
    const loss = grpoLoss(lp, packSequences(spec), options)
    expect(await loss.item()).toBeCloseTo(f(values), 5)
    loss.backward()
    const g = await read(lp.grad!)
    const h = 1e-5
    values.forEach((_, i) => {
      const up = [...values], down = [...values]
      up[i]! += h
      down[i]! -= h
      // Tolerance: f32 forward/backward vs f64 differences, gradients of order 1.
      expect(g[i]).toBeCloseTo((f(up) - f(down)) / (2 * h), 4)
    })
  })
})

describe("truncated importance sampling", () => {
  // Completion log-probs of LP: row 0 [−0.5, −1.0], row 1 [−2.0].
  const sampler = (i: number): Partial<TrainSequence> => ({ samplerLogprobs: i === 0 ? [-1.0, -0.2] : [-3.5] })
  it("packs the sampler's log-probs at the loss positions and names a wrong length", () => {
    const b = packSequences(seqs(sampler))
    expect(b.hasSampler).toBe(true)
    expect(Array.from(b.samplerLogprobs)).toEqual([0, -1.0, -0.2, 0, -3.5, 0].map(Math.fround))
    expect(packSequences(seqs((i) => (i === 0 ? sampler(0) : {}))).hasSampler).toBe(false)
    expect(() => packSequences(seqs((i) => (i === 0 ? { samplerLogprobs: [-1] } : {})))).toThrow(/sequence 0: samplerLogprobs has 1 values for 2 completion tokens/)
  })
  it("weights are min(exp(old − sampler), cap), old = lp before the update; 1 where no loss", async () => {
    const lp = leaf(LP, [2, 3])
    const w = await read(truncatedImportanceWeights(lp, packSequences(seqs(sampler)), 2))
    // exp(−0.5 + 1) = e^0.5 ≈ 1.649; exp(−1 + 0.2) = e^−0.8 ≈ 0.449; exp(−2 + 3.5) = e^1.5 ≈ 4.48 → capped at 2.
    const want = [1, Math.exp(0.5), Math.exp(-0.8), 1, 2, 1]
    want.forEach((x, i) => expect(w[i]).toBeCloseTo(x, 6))
    expect(() => truncatedImportanceWeights(lp, packSequences(seqs(() => ({}))), 2)).toThrow(/no sampler log-probs/)
    expect(() => truncatedImportanceWeights(lp, packSequences(seqs(sampler)), 0)).toThrow(/cap must be > 0/)
  })
  it("with μ > 1, old is the batch's oldLogprobs (the trainer's before the update)", async () => {
    const lp = leaf(LP, [2, 3])
    const batch = packSequences(seqs((i) => ({ ...sampler(i), oldLogprobs: i === 0 ? [-0.9, -0.1] : [-3.0] })))
    const w = await read(truncatedImportanceWeights(lp, batch, 2))
    ;[1, Math.exp(0.1), Math.exp(0.1), 1, Math.exp(0.5), 1].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 6))
  })
  it("μ = 1: the policy-gradient term is scaled by the weights, which carry no gradient", async () => {
    const lp = leaf(LP, [2, 3])
    const batch = packSequences(seqs((i) => ({ advantage: i === 0 ? 1.5 : -2, ...sampler(i) })))
    const loss = grpoLoss(lp, batch, { clipLow: 0.2, clipHigh: 0.2, beta: 0, estimator: "k3", tokenWeights: truncatedImportanceWeights(lp, batch, 2) })
    // −(0.5·1.5·e^0.5 + 0.5·1.5·e^−0.8 + 0.25·(−2)·2) ≈ −(1.23654 + 0.33698 − 1.0) = −0.57352
    expect(await loss.item()).toBeCloseTo(-(0.75 * Math.exp(0.5) + 0.75 * Math.exp(-0.8) - 1.0), 6)
    loss.backward()
    const g = await read(lp.grad!)
    // −w·weight·A per token (the weights are constants: no d w / d lp term).
    ;[0, -0.75 * Math.exp(0.5), -0.75 * Math.exp(-0.8), 0, 1.0, 0].forEach((x, i) => expect(g[i]).toBeCloseTo(x, 6))
  })
  it("leaves the KL term unweighted", async () => {
    const lp = leaf(LP, [2, 3])
    const batch = packSequences(seqs((i) => ({ advantage: 0, refLogprobs: i === 0 ? [-0.7, -1.0] : [-1.0], ...sampler(i) })))
    const options = { clipLow: 0.2, clipHigh: 0.2, beta: 0.1, estimator: "k3" as const }
    const plain = await grpoLoss(lp, batch, options).item()
    expect(await grpoLoss(lp, batch, { ...options, tokenWeights: truncatedImportanceWeights(lp, batch, 2) }).item()).toBe(plain)
  })
  it("identical sampler and trainer log-probs leave loss and gradient unchanged bit for bit (μ = 1 and μ > 1 with KL)", async () => {
    const cases: ReadonlyArray<[string, (i: number) => Partial<TrainSequence>]> = [
      ["μ = 1", (i) => ({ advantage: i === 0 ? 0.7 : -1.1, samplerLogprobs: i === 0 ? [-0.5, -1.0] : [-2.0] })],
      ["μ > 1", (i) => {
        const old = i === 0 ? [-0.6, -1.1] : [-2.05]
        return { advantage: i === 0 ? 0.7 : -1.1, oldLogprobs: old, samplerLogprobs: old, refLogprobs: i === 0 ? [-0.5, -1.2] : [-1.9] }
      }]
    ]
    for (const [name, extra] of cases) {
      const options = { clipLow: 0.2, clipHigh: 0.28, beta: name === "μ = 1" ? 0 : 0.04, estimator: "k3" as const }
      const batch = packSequences(seqs(extra))
      const a = leaf(LP, [2, 3])
      const plain = grpoLoss(a, batch, options)
      const b = leaf(LP, [2, 3])
      const weighted = grpoLoss(b, batch, { ...options, tokenWeights: truncatedImportanceWeights(b, batch, 2) })
      expect(await weighted.item(), name).toBe(await plain.item())
      plain.backward()
      weighted.backward()
      expect(await read(b.grad!), name).toEqual(await read(a.grad!))
    }
  })
  it("rejects weights of the wrong shape", () => {
    const lp = leaf(LP, [2, 3])
    const batch = packSequences(seqs(() => ({ advantage: 1 })))
    expect(() => grpoLoss(lp, batch, { clipLow: 0.2, clipHigh: 0.2, beta: 0, estimator: "k3", tokenWeights: fromArray(new Float32Array(6), [6], { backend }) }))
      .toThrow(/tokenWeights has shape \[6\], expected \[2, 3\]/)
  })
  it("matches central finite differences (f64) of the weighted, clipped objective with KL", async () => {
    const values = [0, -0.4, -1.3, 0, -2.2, 0]
    // Ratios vs old: e^0.2 (clipped, A > 0), e^−0.2 (in range), e^−0.15; weights vs sampler: e^0.5, capped (e^1.2 > 2), e^−0.5.
    const spec = seqs((i) => (i === 0
      ? { advantage: 0.7, oldLogprobs: [-0.6, -1.1], samplerLogprobs: [-1.1, -2.3], refLogprobs: [-0.5, -1.2] }
      : { advantage: -1.1, oldLogprobs: [-2.05], samplerLogprobs: [-1.55], refLogprobs: [-1.9] }))
    const options = { clipLow: 0.2, clipHigh: 0.1, beta: 0.04, estimator: "k3" as const, cap: 2 }
    const f = (v: ReadonlyArray<number>) => {
      let total = 0
      const at = [[0, 1, 0], [0, 2, 1], [1, 4, 0]] as const
      for (const [row, pos, k] of at) {
        const s = spec[row]!
        const old = s.oldLogprobs![k]!
        const w = Math.min(Math.exp(old - s.samplerLogprobs![k]!), options.cap) // constant in v
        const r = Math.exp(v[pos]! - old)
        const a = s.advantage!
        const surrogate = Math.min(r * a, Math.min(Math.max(r, 1 - options.clipLow), 1 + options.clipHigh) * a)
        const d = s.refLogprobs![k]! - v[pos]!
        total += s.weight * (-w * surrogate + options.beta * (Math.exp(d) - d - 1))
      }
      return total
    }
    const lp = leaf(values, [2, 3])
    const batch = packSequences(spec)
    const loss = grpoLoss(lp, batch, { ...options, tokenWeights: truncatedImportanceWeights(lp, batch, options.cap) })
    expect(await loss.item()).toBeCloseTo(f(values), 5)
    loss.backward()
    const g = await read(lp.grad!)
    const h = 1e-5
    values.forEach((_, i) => {
      const up = [...values], down = [...values]
      up[i]! += h
      down[i]! -= h
      // Tolerance: f32 forward/backward vs f64 differences, gradients of order 1.
      expect(g[i]).toBeCloseTo((f(up) - f(down)) / (2 * h), 4)
    })
  })
  it("μ = 1 matches finite differences with the weights held at their value (detached), not differentiated", async () => {
    const values = [0, -0.4, -1.3, 0, -2.2, 0]
    const spec = seqs((i) => (i === 0 ? { advantage: 0.7, samplerLogprobs: [-0.1, -2.0] } : { advantage: -1.1, samplerLogprobs: [-2.5] }))
    // old = lp before the update = the values themselves; w = min(exp(v0 − sampler), 2) held fixed.
    const f = (v: ReadonlyArray<number>) => {
      let total = 0
      for (const [row, pos, k] of [[0, 1, 0], [0, 2, 1], [1, 4, 0]] as const) {
        const s = spec[row]!
        const w = Math.min(Math.exp(values[pos]! - s.samplerLogprobs![k]!), 2)
        total += s.weight * -w * Math.exp(v[pos]! - values[pos]!) * s.advantage!
      }
      return total
    }
    const lp = leaf(values, [2, 3])
    const batch = packSequences(spec)
    const loss = grpoLoss(lp, batch, { clipLow: 0.2, clipHigh: 0.2, beta: 0, estimator: "k3", tokenWeights: truncatedImportanceWeights(lp, batch, 2) })
    loss.backward()
    const g = await read(lp.grad!)
    const h = 1e-5
    values.forEach((_, i) => {
      const up = [...values], down = [...values]
      up[i]! += h
      down[i]! -= h
      expect(g[i]).toBeCloseTo((f(up) - f(down)) / (2 * h), 4)
    })
  })
})

describe("klEstimate and logSigmoid", () => {
  it("k1, k2, k3 of d = ref − lp", async () => {
    const lp = fromArray(Float32Array.from([-1, -2]), [2], { backend })
    const ref = fromArray(Float32Array.from([-1.5, -1]), [2], { backend })
    expect(await read(klEstimate("k1", lp, ref))).toEqual([0.5, -1].map(Math.fround))
    const k2 = await read(klEstimate("k2", lp, ref))
    expect(k2[0]).toBeCloseTo(0.125, 6)
    const k3 = await read(klEstimate("k3", lp, ref))
    expect(k3[1]).toBeCloseTo(Math.E - 2, 6)
  })
  it("log σ(x) stays finite far from 0", async () => {
    const x = fromArray(Float32Array.from([-200, 0, 200]), [3], { backend })
    const v = await read(logSigmoid(x))
    expect(v[0]).toBeCloseTo(-200, 3)
    expect(v[1]).toBeCloseTo(Math.log(0.5), 6)
    expect(v[2]).toBeCloseTo(0, 6)
  })
})

describe("dpoLoss", () => {
  it("is −mean log σ(β·(policy margin − reference margin))", async () => {
    const chosen = leaf([-1, -2, -0.5, 0], [2, 2])
    const rejected = leaf([-3, -1, -1, -1], [2, 2])
    const loss = dpoLoss(chosen, rejected, [0.5, -0.25], 0.1)
    // pair 0: policy margin (−3) − (−4) = 1, minus 0.5 → 0.5; pair 1: (−0.5) − (−2) = 1.5, plus 0.25 → 1.75
    const ls = (x: number) => -Math.log1p(Math.exp(-x))
    expect(await loss.item()).toBeCloseTo(-(ls(0.05) + ls(0.175)) / 2, 6)
    loss.backward()
    const sig = (x: number) => 1 / (1 + Math.exp(-x))
    const g = await read(chosen.grad!)
    expect(g[0]).toBeCloseTo((-0.1 * (1 - sig(0.05))) / 2, 6)
  })
})
