import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { drgTinyTokenizerFiles, openBackend, qwen2SnapshotFiles, randomQwen2Weights, TINY_TEST_CONFIG } from "../src/index.ts"
import { writeSnapshotFilesNode } from "../src/node/index.ts"
import { fixtureJson, fixturePath } from "./support/fixtures.ts"
import type { ExpectedOutputs } from "./support/fixtures.ts"
import { relError } from "./support/models.ts"

const bin = fileURLToPath(new URL("../bin/sapphire-model.ts", import.meta.url))
const run = promisify(execFile)
// The bin runs under Node 22's type stripping, like `npx sapphire-model`.
const cli = (args: Array<string>) => run(process.execPath, [bin, ...args], { maxBuffer: 1 << 26 })

describe("sapphire-model CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "sapphire-model-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("prints logits matching PyTorch as the only stdout", async () => {
    const want = fixtureJson<ExpectedOutputs>("qwen2-bf16-untied/expected.json").sequences[0]!
    const { stdout } = await cli(["logits", "--model", fixturePath("qwen2-bf16-untied"), "--ids", want.ids.join(",")])
    const got = JSON.parse(stdout) as { logits: Array<Array<number>> }
    expect(got.logits).toHaveLength(want.ids.length)
    expect(relError(got.logits.flat(), want.logits)).toBeLessThan(1e-4)
  })

  it("exits quietly when its reader has closed the pipe", async () => {
    const want = fixtureJson<ExpectedOutputs>("qwen2-bf16-untied/expected.json").sequences[0]!
    // head -c 0 exits at once, so the JSON is written into a closed pipe (EPIPE).
    const { stdout, stderr } = await run("bash", [
      "-c", `"${process.execPath}" "${bin}" logits --model "${fixturePath("qwen2-bf16-untied")}" --ids ${want.ids.join(",")} | head -c 0; echo "rc=\${PIPESTATUS[0]}"`
    ])
    expect(stdout).toBe("rc=0\n")
    expect(stderr).not.toMatch(/EPIPE|Error/)
  })

  it("applies a PEFT adapter (--adapter)", async () => {
    const want = fixtureJson<ExpectedOutputs>("qwen2-f32-tied-lora/expected.json").sequences[0]!
    const { stdout } = await cli([
      "logits", "--model", fixturePath("qwen2-f32-tied"), "--adapter", fixturePath("qwen2-f32-tied-lora"), "--ids", want.ids.join(",")
    ])
    expect(relError((JSON.parse(stdout) as { logits: Array<Array<number>> }).logits.flat(), want.logits)).toBeLessThan(1e-4)
  })

  it("generates the PyTorch greedy continuation", async () => {
    const g = fixtureJson<ExpectedOutputs>("qwen2-f32-tied/expected.json").greedy[1]!
    const { stdout } = await cli([
      "generate", "--model", fixturePath("qwen2-f32-tied"), "--ids", g.prompt.join(","),
      "--max-new-tokens", String(g.maxNewTokens), "--greedy"
    ])
    expect(JSON.parse(stdout)).toEqual({ ids: g.continuation })
  })

  it("runs on WebGPU when an adapter exists (stdout still JSON only)", async (ctx) => {
    const gpu = await openBackend("webgpu").catch(() => null)
    if (gpu === null) {
      if (process.env["CI"] !== undefined) throw new Error("CI is set but there is no WebGPU adapter")
      return ctx.skip("no WebGPU adapter")
    }
    await gpu.close()
    const g = fixtureJson<ExpectedOutputs>("qwen2-bf16-untied/expected.json").greedy[0]!
    const { stdout } = await cli([
      "generate", "--model", fixturePath("qwen2-bf16-untied"), "--ids", g.prompt.join(","),
      "--max-new-tokens", String(g.maxNewTokens), "--greedy", "--backend", "webgpu"
    ])
    expect(JSON.parse(stdout)).toEqual({ ids: g.continuation })
  })

  it("chats with a snapshot that has a tokenizer, and fails clearly otherwise", async () => {
    await writeSnapshotFilesNode(dir, new Map([...qwen2SnapshotFiles(TINY_TEST_CONFIG, randomQwen2Weights(TINY_TEST_CONFIG, 1)), ...drgTinyTokenizerFiles()]))
    const { stdout } = await cli(["chat", "--model", dir, "--max-new-tokens", "4", "sepsis with MCC"])
    expect(stdout.endsWith("\n")).toBe(true)
    await Promise.all([
      expect(cli(["chat", "--model", fixturePath("qwen2-f32-tied"), "hi"])).rejects.toThrow(/tokenizer\.json: file not found/),
      expect(cli(["logits", "--model", dir, "--ids", "5000"])).rejects.toThrow(/bad token id 5000/),
      // An empty entry is not token 0.
      expect(cli(["logits", "--model", dir, "--ids", "1,,2"])).rejects.toThrow(/bad token id \(empty\)/),
      expect(cli(["generate", "--model", dir, "--ids", "1"])).rejects.toThrow(/--greedy/)
    ])
  })
})
