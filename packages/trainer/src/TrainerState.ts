/**
 * The state a resumed run needs beyond the files the model writers produce: every trainable
 * parameter and both AdamW moments at full f32 precision, the optimizer's step count, and a
 * JSON record of the loop (step, data cursor, RNG states, resolved config …). Portable: the
 * Node writer is `node/checkpointNode.ts`.
 *
 * @since 0.1.0
 */
import type { TensorToWrite } from "@sapphire-rl/model"
import { assign, fromArray, noGrad } from "@sapphire-rl/tensor"
import type { Optimizer } from "./Optimizer.ts"

/**
 * What the loop records next to the tensors (plain JSON).
 *
 * @since 0.1.0
 * @category models
 */
export interface LoopState {
  /** The phase (`sft`, `grpo`, `dpo` …); names the checkpoint directory, so phases never share one. */
  readonly phase?: string
  /** Steps of the phase completed. */
  readonly step: number
  /** Position in the data stream (whatever the loop counts). */
  readonly cursor: number
  /** RNG states by name (e.g. the sampler's and the shuffler's), each as JSON-safe numbers. */
  readonly rng: Readonly<Record<string, ReadonlyArray<number>>>
  /** The resolved run config, verbatim. */
  readonly config?: unknown
  /** metrics.jsonl lines written up to this state (a resume cuts the file there). */
  readonly metricsLines?: number
  /** Position of the phase's stage in the run's stage list (a run with two stages of one kind). */
  readonly stage?: number
  /** Whatever else the loop needs to continue, as plain JSON (the shuffled order as example ids …). */
  readonly extra?: Readonly<Record<string, unknown>>
}

/**
 * A captured trainer state.
 *
 * @since 0.1.0
 * @category models
 */
export interface TrainerState {
  readonly tensors: ReadonlyArray<TensorToWrite>
  readonly optimizerSteps: number
  readonly loop: LoopState
}

const f32 = async (t: { toArray: () => Promise<unknown> }): Promise<Float32Array> => {
  const data = await t.toArray()
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>)
}

/**
 * Copies parameters `names[i]` ↔ `optimizer.params[i]` and their moments to the host.
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const captureTrainerState = async (
  names: ReadonlyArray<string>,
  optimizer: Optimizer,
  loop: LoopState
): Promise<TrainerState> => {
  if (names.length !== optimizer.params.length) {
    throw new RangeError(`captureTrainerState: ${names.length} names for ${optimizer.params.length} parameters`)
  }
  const tensors: Array<TensorToWrite> = []
  for (let i = 0; i < names.length; i++) {
    const p = optimizer.params[i]!
    const shape = [...p.shape]
    tensors.push({ name: `param/${names[i]}`, shape, data: await f32(p) })
    tensors.push({ name: `adam_m/${names[i]}`, shape, data: await f32(optimizer.state.m[i]!) })
    tensors.push({ name: `adam_v/${names[i]}`, shape, data: await f32(optimizer.state.v[i]!) })
  }
  return { tensors, optimizerSteps: optimizer.state.step, loop }
}

/**
 * Writes a captured state back into the live parameters and optimizer. Every tensor is
 * checked (present, same shape) before anything is written, so a wrong checkpoint leaves
 * the model as it was.
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const restoreTrainerState = (
  names: ReadonlyArray<string>,
  optimizer: Optimizer,
  state: { readonly tensors: ReadonlyMap<string, { readonly shape: ReadonlyArray<number>; readonly data: Float32Array }>; readonly optimizerSteps: number },
  source = "checkpoint"
): void => {
  const plan: Array<[import("@sapphire-rl/tensor").Tensor, Float32Array]> = []
  names.forEach((name, i) => {
    const p = optimizer.params[i]!
    for (const [key, target] of [[`param/${name}`, p], [`adam_m/${name}`, optimizer.state.m[i]!], [`adam_v/${name}`, optimizer.state.v[i]!]] as const) {
      const t = state.tensors.get(key)
      if (t === undefined) throw new RangeError(`${source}: missing tensor ${key}`)
      if (t.shape.length !== p.shape.length || t.shape.some((d, k) => d !== p.shape[k])) {
        throw new RangeError(`${source}: tensor ${key} has shape [${t.shape.join(", ")}], the model needs [${p.shape.join(", ")}]`)
      }
      plan.push([target, t.data])
    }
  })
  noGrad(() => {
    for (const [target, data] of plan) {
      const src = fromArray(data, [...target.shape], { backend: target.backend, dtype: target.dtype })
      assign(target, src)
      src.dispose()
    }
  })
  optimizer.state.step = state.optimizerSteps
}
