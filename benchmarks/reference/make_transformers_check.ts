/**
 * Writes what our TypeScript code produces, for check_with_transformers.py to compare
 * with Hugging Face transformers / peft / tokenizers on a machine that has them:
 * a BF16 snapshot written by our safetensors writer (tiny-test config, drg-tiny
 * tokenizer), a PEFT adapter written by our LoRA code, our logits for both, our token ids
 * and chat rendering.
 *
 *   npx tsx benchmarks/reference/make_transformers_check.ts OUT_DIR
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromArray, makeCpuBackend, tidy } from "@sapphire-rl/tensor"
import {
  drgTinyTokenizer,
  drgTinyTokenizerFiles,
  initLoraModules,
  loadSnapshot,
  loraAdapterFiles,
  memorySnapshotReader,
  Qwen2Model,
  qwen2SnapshotFiles,
  randomQwen2Weights,
  readQwen2Weights,
  TINY_TEST_CONFIG
} from "@sapphire-rl/model"

const out = process.argv[2] ?? ".devcheck"
const backend = makeCpuBackend()
const config = TINY_TEST_CONFIG
// Larger spread than HF's 0.02 so logits differ clearly between tokens.
const files = qwen2SnapshotFiles(config, randomQwen2Weights(config, 11, 0.2), "BF16")
const snapDir = join(out, "ts-tiny")
mkdirSync(snapDir, { recursive: true })
for (const [name, data] of [...files, ...drgTinyTokenizerFiles()]) writeFileSync(join(snapDir, name), data)

// Our model reads the BF16 file back, so both sides start from identical weights.
const snap = await loadSnapshot(memorySnapshotReader(files))
const weights = readQwen2Weights(snap.config, snap.tensors)
const tok = drgTinyTokenizer()
const texts = [
  "SEPTICEMIA OR SEVERE SEPSIS WITHOUT MV >96 HOURS WITH MCC",
  "Pt w/ AKI (Cr 2.1→1.3), HFrEF EF 25%;  s/p PCI\n\n# Sepsis:  CTX/vanc 你好",
  "<|im_start|>user\n<think>\nx\n</think>\n<answer>\nHEART FAILURE AND SHOCK\n</answer><|im_end|>"
]
const messages = [
  { role: "system", content: "You are a medical coder." },
  { role: "user", content: "What is the most likely MS-DRG?" }
]
const ids = tok.encode(tok.applyChatTemplate(messages, { addGenerationPrompt: true }))

const logitsOf = async (model: Qwen2Model) => {
  const l = tidy(() => model.forward(fromArray(Int32Array.from(ids), [1, ids.length], { backend, dtype: "i32" })))
  const flat = (await l.toArray()) as Float32Array
  l.dispose()
  return Array.from({ length: ids.length }, (_, t) => Array.from(flat.subarray(t * config.vocabSize, (t + 1) * config.vocabSize)))
}

const base = new Qwen2Model(config, weights, { backend })
const lora = { rank: 4, alpha: 8, targets: ["q_proj", "k_proj", "o_proj", "up_proj"] as const, useRslora: false, layers: null, dropout: 0 }
let s = 9
const random = () => ((s = (s * 48271) % 2147483647) / 2147483647)
const modules = initLoraModules(config, lora, random).map((m) => ({ ...m, b: { ...m.b, data: m.b.data.map(() => random() - 0.5) } }))
const adapted = new Qwen2Model(config, weights, { backend, lora: { config: lora, modules } })
const loraDir = join(out, "ts-lora")
mkdirSync(loraDir, { recursive: true })
for (const [name, data] of loraAdapterFiles(lora, modules, "ts-tiny")) writeFileSync(join(loraDir, name), data)

writeFileSync(
  join(out, "ours.json"),
  JSON.stringify({
    tokens: texts.map((text) => ({ text, ids: tok.encode(text) })),
    chat: { messages, rendered: tok.applyChatTemplate(messages, { addGenerationPrompt: true }) },
    ids,
    logits: await logitsOf(base),
    loraLogits: await logitsOf(adapted)
  })
)
console.error(`wrote ${out}`)
