/**
 * Checkpoints on disk (Node): `<root>/<phase>-<n>/` (`step-<n>/` when the loop names no
 * phase, so an SFT and a GRPO checkpoint of the same step never share a directory) holds the weights in the model writers'
 * layout (`model.safetensors` + config, or a PEFT `adapter_model.safetensors` +
 * `adapter_config.json`), `trainer_state.safetensors` (trainable parameters and AdamW
 * moments, f32) and `trainer_state.json` (optimizer steps and the loop record).
 * `<root>/latest.json` names the newest complete one.
 *
 * Atomicity: a checkpoint is written into a temporary directory, each file fsynced, the
 * directory renamed into place, and only then `latest.json` replaced by rename. A crash at
 * any point leaves `latest.json` naming the previous complete checkpoint. The directory
 * `latest.json` names is never removed or renamed over: a second save of the same phase and
 * step (a stop right after a periodic checkpoint, a resume stopped at once) goes to
 * `<name>.1`, `<name>.2`, …
 *
 * @since 0.1.0
 */
import type { Qwen2Model } from "@sapphire-rl/model"
import { parseSafetensors, readTensor, serializeSafetensors } from "@sapphire-rl/model"
import { saveLoraNode, saveQwen2Node } from "@sapphire-rl/model/node"
import { existsSync } from "node:fs"
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises"
import { basename, join } from "node:path"
import type { Optimizer } from "../Optimizer.ts"
import type { LoopState } from "../TrainerState.ts"
import { captureTrainerState, restoreTrainerState } from "../TrainerState.ts"

const writeSynced = async (file: string, data: Uint8Array | string): Promise<void> => {
  const handle = await open(file, "w")
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

const syncFile = async (file: string): Promise<void> => {
  const handle = await open(file, "r+")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

const syncDir = async (dir: string): Promise<void> => {
  const handle = await open(dir, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Where a save has got to, for progress reports (and for tests that simulate a crash by
 * throwing from `onProgress`).
 *
 * @since 0.1.0
 * @category checkpoints
 */
export type CheckpointSaveStage = "weights" | "trainer-state" | "renamed" | "pointer"

const pointerDir = async (root: string): Promise<string | undefined> => {
  const latest = await latestCheckpointNode(root).catch(() => undefined)
  return latest === undefined ? undefined : basename(latest)
}

/** The checkpoints `latest.json` lists (older pointers without the list: the one they name). */
const savedCheckpoints = async (root: string): Promise<Array<string>> => {
  let pointer: { dir?: unknown; saved?: unknown }
  try {
    pointer = JSON.parse(await readFile(join(root, "latest.json"), "utf8")) as { dir?: unknown; saved?: unknown }
  } catch {
    return []
  }
  if (Array.isArray(pointer.saved)) return pointer.saved.filter((n): n is string => typeof n === "string")
  return typeof pointer.dir === "string" ? [pointer.dir] : []
}

/** The directory name for `loop`: never the one `latest.json` names. */
const checkpointName = async (root: string, loop: LoopState): Promise<string> => {
  const base = `${loop.phase ?? "step"}-${String(loop.step).padStart(6, "0")}`
  const current = await pointerDir(root)
  let name = base
  for (let n = 1; name === current; n++) name = `${base}.${n}`
  return name
}

/**
 * Saves the model, optimizer and loop state as `<root>/<phase>-<loop.step>/` and points
 * `latest.json` at it. Returns the checkpoint directory.
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const saveCheckpointNode = async (
  root: string,
  model: Qwen2Model,
  optimizer: Optimizer,
  loop: LoopState,
  options: {
    readonly onProgress?: (stage: CheckpointSaveStage, dir: string) => void | Promise<void>
    /** Keep only the newest `keep` checkpoints written through `latest.json` (default: all). */
    readonly keep?: number
  } = {}
): Promise<string> => {
  const progress = options.onProgress ?? (() => undefined)
  if (options.keep !== undefined && !(Number.isInteger(options.keep) && options.keep >= 1)) {
    throw new RangeError(`saveCheckpointNode: keep must be an integer >= 1, got ${options.keep}`)
  }
  const names = model.parameters().map(([name]) => name)
  const state = await captureTrainerState(names, optimizer, loop)
  await mkdir(root, { recursive: true })
  const name = await checkpointName(root, loop)
  const final = join(root, name)
  const temp = join(root, `.${name}.tmp-${process.pid}`)
  await rm(temp, { recursive: true, force: true })
  await mkdir(temp)
  if (model.lora !== null) await saveLoraNode(model, temp)
  else await saveQwen2Node(model, temp)
  // The model writers do not fsync: sync their files before the rename makes them a checkpoint.
  for (const entry of await readdir(temp)) await syncFile(join(temp, entry))
  await progress("weights", temp)
  await writeSynced(join(temp, "trainer_state.safetensors"), serializeSafetensors(state.tensors))
  await writeSynced(join(temp, "trainer_state.json"), JSON.stringify({ optimizerSteps: state.optimizerSteps, loop }, null, 2))
  await progress("trainer-state", temp)
  await syncDir(temp)
  // `final` can exist only as a leftover of a save that died after its rename but before
  // latest.json (checkpointName never picks the directory latest.json names): replace it.
  await rm(final, { recursive: true, force: true })
  await rename(temp, final)
  await progress("renamed", final)
  // The pointer lists the checkpoints saved through it, oldest first, so retention removes
  // only directories this writer made and only after the pointer has moved past them.
  let saved = [...(await savedCheckpoints(root)).filter((n) => n !== name), name]
  const dropped = options.keep === undefined ? [] : saved.slice(0, Math.max(0, saved.length - options.keep))
  saved = saved.slice(dropped.length)
  const pointerTemp = join(root, `.latest.json.tmp-${process.pid}`)
  await writeSynced(pointerTemp, JSON.stringify({ dir: name, phase: loop.phase ?? null, step: loop.step, saved }))
  await rename(pointerTemp, join(root, "latest.json"))
  await syncDir(root)
  await progress("pointer", final)
  for (const old of dropped) await rm(join(root, old), { recursive: true, force: true })
  return final
}

/**
 * The newest complete checkpoint under `root`, or undefined when there is none.
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const latestCheckpointNode = async (root: string): Promise<string | undefined> => {
  let text: string
  try {
    text = await readFile(join(root, "latest.json"), "utf8")
  } catch {
    return undefined
  }
  const pointer = JSON.parse(text) as { dir?: unknown }
  if (typeof pointer.dir !== "string") throw new Error(`${join(root, "latest.json")}: expected {"dir": string}, got ${text}`)
  const dir = join(root, pointer.dir)
  if (!existsSync(join(dir, "trainer_state.json"))) {
    throw new Error(`${join(root, "latest.json")} names ${dir}, which holds no trainer_state.json (removed by hand?)`)
  }
  return dir
}

/**
 * Restores parameters, optimizer moments and step from `dir` and returns the loop record.
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const loadCheckpointNode = async (dir: string, model: Qwen2Model, optimizer: Optimizer): Promise<LoopState> => {
  const stateFile = join(dir, "trainer_state.safetensors")
  const file = parseSafetensors(new Uint8Array(await readFile(stateFile)), stateFile)
  const tensors = new Map<string, { shape: ReadonlyArray<number>; data: Float32Array }>()
  for (const name of file.tensors.keys()) tensors.set(name, readTensor(file, name))
  const json = JSON.parse(await readFile(join(dir, "trainer_state.json"), "utf8")) as { optimizerSteps: number; loop: LoopState }
  restoreTrainerState(model.parameters().map(([name]) => name), optimizer, { tensors, optimizerSteps: json.optimizerSteps }, stateFile)
  return json.loop
}

/**
 * Removes temporary directories left by saves that crashed (never a complete checkpoint).
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const cleanCheckpointTempsNode = async (root: string): Promise<number> => {
  let removed = 0
  for (const entry of await readdir(root).catch(() => [] as Array<string>)) {
    if (entry.startsWith(".") && entry.includes(".tmp-")) {
      await rm(join(root, entry), { recursive: true, force: true })
      removed++
    }
  }
  return removed
}
