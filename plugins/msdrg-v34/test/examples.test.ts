import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseCaseLine } from "../src/cli/index.ts"
import { createGrouper, labelSpaceV34 } from "../src/index.ts"
import { caseLine } from "./support/caseLine.ts"

// Worked cases of the project's seed_examples.md (a fixture here), transcribed with their gold DRGs.
const fixturePath = fileURLToPath(new URL("./fixtures/seed_examples.jsonl", import.meta.url))
const examplesPath = fileURLToPath(new URL("./fixtures/seed_examples.md", import.meta.url))

interface Fixture {
  readonly id: string
  readonly expected: number
  readonly expectedInitial?: number
  readonly seedLabel?: number
  readonly line: string
}

const fixtures: ReadonlyArray<Fixture> = readFileSync(fixturePath, "utf8")
  .trim()
  .split("\n")
  .map((line) => ({ ...(JSON.parse(line) as Omit<Fixture, "line">), line }))

describe("seed_examples.md worked cases", () => {
  const grouper = createGrouper()

  it.each(fixtures.map((f) => [f.id, f] as const))("%s", (_id, f) => {
    const parsed = parseCaseLine(caseLine(f.line))
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    const r = grouper.group(parsed.input)
    expect(r.drg).toBe(f.expected)
    expect(r.coverage.complete).toBe(true)
    if (f.expectedInitial !== undefined) {
      expect(r.trace.map((t) => t.decision)).toContain(`initial DRG ${f.expectedInitial}, final DRG ${f.expected}`)
    }
  })

  it("covers every DRG labelled in seed_examples.md", () => {
    const text = readFileSync(examplesPath, "utf8")
    const labelled = new Set([...text.matchAll(/\*\*(\d{3})\*\*/g)].map((m) => Number(m[1])))
    const covered = new Set(fixtures.flatMap((f) => [f.expected, f.expectedInitial ?? f.expected, f.seedLabel ?? f.expected]))
    for (const drg of labelled) expect(covered.has(drg), `DRG ${drg}`).toBe(true)
    expect(labelled.size).toBeGreaterThanOrEqual(25)
  })

  it("replaces only labels outside the v34 label space (521)", () => {
    for (const f of fixtures) {
      expect(labelSpaceV34.get(f.expected), f.id).toBeDefined()
      if (f.seedLabel !== undefined) expect(labelSpaceV34.get(f.seedLabel), f.id).toBeUndefined()
    }
  })
})
