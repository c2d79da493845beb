/**
 * Deno smoke test of the platform-neutral core: loads a fixture snapshot from bytes,
 * runs the Qwen2 forward on the CPU backend and the drg-tiny tokenizer, and prints one
 * JSON object `{ relError, tokens }` (or `{ error }`). Run from the package root:
 * `deno run --allow-read test/deno/smoke.ts`.
 */
import { fromArray, makeCpuBackend, tidy } from "@sapphire-rl/tensor"
import { drgTinyTokenizer, loadSnapshot, memorySnapshotReader, Qwen2Model, readQwen2Weights } from "../../src/index.ts"

declare const Deno: { readFile: (path: string) => Promise<Uint8Array>; readTextFile: (path: string) => Promise<string> }

try {
  const dir = "test/fixtures/qwen2-bf16-untied"
  const files = new Map<string, Uint8Array>()
  for (const name of ["config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]) {
    files.set(name, await Deno.readFile(`${dir}/${name}`))
  }
  const snap = await loadSnapshot(memorySnapshotReader(files))
  const backend = makeCpuBackend()
  const model = new Qwen2Model(snap.config, readQwen2Weights(snap.config, snap.tensors), { backend })
  const expected = JSON.parse(await Deno.readTextFile(`${dir}/expected.json`)) as { sequences: Array<{ ids: Array<number>; logits: Array<Array<number>> }> }
  const s = expected.sequences[0]!
  const out = tidy(() => model.forward(fromArray(Int32Array.from(s.ids), [1, s.ids.length], { backend, dtype: "i32" })))
  const got = (await out.toArray()) as Float32Array
  let err = 0
  let scale = 0
  s.logits.forEach((row, t) => row.forEach((v, i) => {
    err = Math.max(err, Math.abs(got[t * row.length + i]! - v))
    scale = Math.max(scale, Math.abs(v))
  }))
  const tok = drgTinyTokenizer()
  console.log(JSON.stringify({ relError: err / scale, tokens: tok.encode("SEPTICEMIA WITH MCC") }))
} catch (e) {
  console.log(JSON.stringify({ error: String(e), stack: e instanceof Error ? e.stack : undefined }))
}
