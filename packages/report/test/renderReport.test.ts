import { describe, expect, it } from "vitest"
import { chartPoints, DEFAULT_CHARTS, lineChart, renderReport, renderSvg } from "../src/index.ts"
import { fixtureInput } from "./fixture.ts"

describe("chartPoints", () => {
  it("takes the numeric fields a chart names, per step, and labels other phases", () => {
    const rewards = DEFAULT_CHARTS[0]!
    const points = chartPoints(rewards, [
      { phase: "grpo", step: 1, "reward/strict-reward/mean": 0.5, "reward/strict-reward/std": 0.1, kl: 2 },
      { phase: "probe", step: 2, "reward/strict-reward/mean": 0.25 },
      { step: "x", "reward/strict-reward/mean": 1 },
      { phase: "grpo", step: 3, "reward/strict-reward/mean": Number.NaN }
    ])
    expect(points).toEqual([
      { x: 1, series: "reward/strict-reward/mean", value: 0.5 },
      { x: 2, series: "probe: reward/strict-reward/mean", value: 0.25 }
    ])
  })
})

describe("lineChart", () => {
  it("gives a flat series a domain around its value, so its axis reads 0, not 0.000000", async () => {
    const flat = [1, 2, 3].map((x) => ({ x, series: "resample_attempts", value: 0 }))
    const spec = lineChart("Resample attempts", "step", flat)
    expect((spec.encoding as { y: { scale: unknown } }).y.scale).toEqual({ domain: [-1, 1] })
    const svg = await renderSvg(spec)
    const ticks = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)
    expect(ticks).toContain("0.0")
    expect(ticks.some((t) => /\.0{4,}/.test(t))).toBe(false)
    // A series that varies keeps the fitted scale.
    expect((lineChart("KL", "step", [{ x: 1, series: "kl", value: 0.1 }, { x: 2, series: "kl", value: 0.2 }]).encoding as { y: { scale: unknown } }).y.scale).toEqual({ zero: false })
  })
})

describe("renderReport", () => {
  it("renders the results table, one SVG per recorded chart and the confusion, with nothing executable", async () => {
    const html = await renderReport(fixtureInput())
    // 6 charts all recorded in the fixture + the confusion heat map.
    expect(html.match(/<svg /g)?.length).toBe(7)
    expect(html).toContain("<td>30.0</td><td>38.0</td>") // DRG Pass@1, sft then grpo
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;")
    expect(html).toContain("&lt;b&gt;with&lt;/b&gt;")
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/) // no network references besides SVG namespaces
  })
  it("draws the held-out Pass@1 curve from the SFT and GRPO evaluations when no periodic one ran", async () => {
    const input = fixtureInput()
    const metrics = input.metrics.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith("eval/"))))
    const html = await renderReport({ ...input, metrics })
    // All six charts and the confusion: the held-out chart's ends come from results (SFT at step 0, GRPO at step 11).
    expect(html.match(/<svg /g)?.length).toBe(7)
    expect(html).not.toContain("Not recorded in this run")
    // Without any GRPO step there is no axis to place them on: the chart says so.
    const noGrpo = await renderReport({ ...input, metrics: metrics.map((m) => ({ ...m, phase: "sft" })) })
    expect(noGrpo.match(/Not recorded in this run/g)?.length).toBe(1)
  })
  it("says what a run did not record instead of drawing empty charts", async () => {
    const html = await renderReport({ ...fixtureInput(), metrics: [], confusion: [], samples: [], results: [] })
    expect(html.match(/<svg /g)).toBeNull()
    expect(html.match(/Not recorded in this run/g)?.length).toBe(DEFAULT_CHARTS.length)
    expect(html).toContain("No evaluation results in this run.")
  })
})
