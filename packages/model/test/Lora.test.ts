import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import {
  decodeLoraConfig,
  initLoraModules,
  loraAdapterFiles,
  loraScale,
  mergeLora,
  parseLoraModules
} from "../src/index.ts"
import { readQwen2SnapshotNode } from "../src/node/index.ts"
import type { ExpectedOutputs } from "./support/fixtures.ts"
import { fixtureJson, fixturePath } from "./support/fixtures.ts"
import { hostForward } from "./support/hostForward.ts"
import { relError } from "./support/models.ts"

const flat = (rows: ReadonlyArray<Float64Array>): Array<number> => rows.flatMap((r) => Array.from(r))

describe("LoRA (host side)", async () => {
  const snap = await readQwen2SnapshotNode(fixturePath("qwen2-f32-tied"))
  const base = snap.weights
  const lora = decodeLoraConfig(fixtureJson("qwen2-f32-tied-lora/adapter_config.json"))
  const bytes = new Uint8Array(readFileSync(fixturePath("qwen2-f32-tied-lora/adapter_model.safetensors")))

  it("reads PEFT's adapter_config.json", () => {
    expect(lora).toEqual({ rank: 2, alpha: 4, targets: ["q_proj", "v_proj", "down_proj"], useRslora: false, layers: null, dropout: 0 })
    expect(loraScale(lora)).toBe(2)
    expect(loraScale({ ...lora, useRslora: true })).toBeCloseTo(4 / Math.SQRT2, 12)
  })

  it("merged into the base, reproduces the PyTorch logits of the adapted model (float64 host forward)", () => {
    const modules = parseLoraModules(snap.config, lora, bytes)
    expect(modules.map((m) => m.module)).toContain("model.layers.1.mlp.down_proj")
    const merged = mergeLora(base, lora, modules)
    const want = fixtureJson<ExpectedOutputs>("qwen2-f32-tied-lora/expected.json").sequences[0]!
    // Merged weights are rounded to f32 here, PyTorch kept them in float64: allow 1e-6.
    expect(relError(flat(hostForward(snap.config, merged, want.ids)), want.logits)).toBeLessThan(1e-6)
    // And the adapter matters: the base model is far from these logits.
    expect(relError(flat(hostForward(snap.config, base, want.ids)), want.logits)).toBeGreaterThan(1e-2)
  })

  it("checks the base forward itself against PyTorch (sanity of the host reference)", () => {
    const want = fixtureJson<ExpectedOutputs>("qwen2-f32-tied/expected.json").sequences[0]!
    expect(relError(flat(hostForward(snap.config, base, want.ids)), want.logits)).toBeLessThan(1e-6)
  })

  it("round-trips adapters through PEFT files; fresh adapters leave the model unchanged", () => {
    let s = 1
    const random = () => ((s = (s * 48271) % 2147483647) / 2147483647)
    const fresh = initLoraModules(snap.config, { ...lora, layers: [1] }, random)
    expect(fresh).toHaveLength(3)
    const files = loraAdapterFiles({ ...lora, layers: [1] }, fresh)
    const config = decodeLoraConfig(JSON.parse(files.get("adapter_config.json") as string))
    expect(config.layers).toEqual([1])
    const back = parseLoraModules(snap.config, config, files.get("adapter_model.safetensors") as Uint8Array)
    expect(back).toEqual(fresh)
    const merged = mergeLora(base, config, back)
    for (const [name, t] of base) expect(merged.get(name)!.data).toEqual(t.data)
  })

  it("rejects adapters that do not fit the model, naming the file", () => {
    expect(() => parseLoraModules(snap.config, { ...lora, rank: 3 }, bytes, "a/adapter_model.safetensors")).toThrow(
      /a\/adapter_model\.safetensors: tensor base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight: shape mismatch/
    )
    expect(() => parseLoraModules(snap.config, { ...lora, targets: ["q_proj"] }, bytes)).toThrow(/unexpected tensor/)
    expect(() => decodeLoraConfig({ peft_type: "IA3", r: 2 }, "x/adapter_config.json")).toThrow(/x\/adapter_config\.json: invalid/)
  })
})
