import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { LoraConfig } from "@sapphire-rl/model"
import { drgTinyTokenizerFiles, initLoraModules, loraAdapterFiles, qwen2SnapshotFiles, randomQwen2Weights, TINY_TEST_CONFIG } from "@sapphire-rl/model"
import { writeSnapshotFilesNode } from "@sapphire-rl/model/node"

/** A random `tiny-test` model with the drg-tiny tokenizer, written as an HF snapshot to a temp dir. */
export const writeTinySnapshot = async (seed: number, dir = mkdtempSync(join(tmpdir(), "sapphire-serve-"))): Promise<string> => {
  await writeSnapshotFilesNode(dir, new Map([...qwen2SnapshotFiles(TINY_TEST_CONFIG, randomQwen2Weights(TINY_TEST_CONFIG, seed, 0.3), "F32"), ...drgTinyTokenizerFiles()]))
  return dir
}

/** A random PEFT adapter for the tiny model (B non-zero so it changes the outputs). */
export const writeTinyAdapter = async (dir: string, seed: number): Promise<void> => {
  const config: LoraConfig = { rank: 4, alpha: 8, dropout: 0, targets: ["q_proj", "v_proj"], useRslora: false, layers: null }
  let s = seed
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const modules = initLoraModules(TINY_TEST_CONFIG, config, random).map((m) => ({
    ...m,
    b: { ...m.b, data: m.b.data.map(() => (random() - 0.5) * 0.5) }
  }))
  await writeSnapshotFilesNode(dir, loraAdapterFiles(config, modules))
}
