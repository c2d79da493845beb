#!/usr/bin/env node
/**
 * Builds the tiny tokenizer of the synthetic MS-DRG benchmark (presets/drg-tiny/):
 * byte-level BPE, 1024 tokens in all, trained on a corpus generated from the MS-DRG v34
 * titles, the seed diagnosis/procedure descriptions and example notes in the shared
 * material, plus the task's prompt wording. Run on demand from the repository root:
 *
 *   npx tsx packages/model/presets/buildDrgTinyNode.ts [../shared/msdrg]
 *
 * The output is an ordinary tokenizer.json + tokenizer_config.json with Qwen's special
 * tokens and ChatML template, so the code reads it exactly as it reads Qwen's.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { CHATML_TEMPLATE } from "../src/tokenizer/ChatTemplate.ts"
import { trainByteLevelBpe } from "../src/tokenizer/BpeTrainer.ts"

const msdrg = process.argv[2] ?? "../shared/msdrg"
const out = new URL("./drg-tiny/", import.meta.url)

const tsvColumn = (file: string, column: string): Array<string> => {
  const [head = "", ...rows] = readFileSync(join(msdrg, file), "utf8").split("\n").filter((l) => l.trim() !== "")
  const index = head.split("\t").indexOf(column)
  if (index < 0) throw new Error(`${file}: no column ${column}`)
  return rows.map((r) => r.split("\t")[index] ?? "")
}

const titleCase = (s: string) => s.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase())

const titles = tsvColumn("drg34_families.tsv", "description")
const descriptions = tsvColumn("seed_table.tsv", "description")
const notes = tsvColumn("seed_table.tsv", "note")
const examples = readFileSync(join(msdrg, "seed_examples.md"), "utf8")

// The task's fixed wording (DRG-Sapphire's user prompt and Open-R1's system prompt),
// repeated because every training example carries it.
const prompts = [
  "What is the most likely Medicare Severity Diagnosis Related Group (MS-DRG) based on the following discharge summary of a hospitalization? Provide the complete text description of the DRG code without including the numerical code.",
  "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think><answer> answer here </answer>.",
  "To answer this question, I need to check what the MS-DRG codes are.",
  "The principal diagnosis is the condition established after study to be chiefly responsible for the admission. A secondary diagnosis that is a complication or comorbidity (CC) or a major complication or comorbidity (MCC) moves the case to a higher severity DRG.",
  "Brief Hospital Course: The patient was admitted with",
  // ChatML role names follow every <|im_start|>.
  "system\nuser\nassistant\n"
]

const corpus: Array<string> = []
for (let i = 0; i < 20; i++) corpus.push(...prompts)
for (const t of titles) corpus.push(t, t, titleCase(t), `<answer>\n${t}\n</answer>`)
corpus.push(...descriptions, ...descriptions.map((d) => d.toLowerCase()), ...notes, examples)

const special = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"].map((content) => ({ content, special: true }))
// Plain added tokens, as Qwen3 has <think>: kept by decode(skipSpecialTokens).
const tags = ["<think>", "</think>", "<answer>", "</answer>"].map((content) => ({ content, special: false }))
const trained = trainByteLevelBpe(corpus, { vocabSize: 1024, addedTokens: [...special, ...tags], minFrequency: 2 })

const config = {
  add_bos_token: false,
  add_prefix_space: false,
  bos_token: null,
  chat_template: CHATML_TEMPLATE,
  clean_up_tokenization_spaces: false,
  eos_token: "<|im_end|>",
  errors: "replace",
  model_max_length: 4096,
  pad_token: "<|endoftext|>",
  split_special_tokens: false,
  tokenizer_class: "Qwen2Tokenizer",
  unk_token: null
}
writeFileSync(new URL("tokenizer.json", out), `${JSON.stringify(trained.tokenizerJson)}\n`)
writeFileSync(new URL("tokenizer_config.json", out), `${JSON.stringify(config, null, 2)}\n`)
console.error(`drg-tiny: ${trained.merges} merges, ${trained.vocabSize} tokens, corpus of ${corpus.length} texts`)
