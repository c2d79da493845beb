/**
 * The train step the model benchmarks time: next-token cross-entropy on a fixed random
 * batch, backward, one AdamW step. Shared so that the throughput benchmark and the
 * per-kernel profile measure the same work.
 */
import type { Backend } from "@sapphire-rl/tensor"
import { adamwStep, crossEntropy, disposeAdamWState, fromArray, makeAdamWState, tidy } from "@sapphire-rl/tensor"
import type { Qwen2Model } from "@sapphire-rl/model"

/** Deterministic token ids (a Lehmer generator), so every run trains on the same batch. */
export const randomIds = (n: number, seed: number, vocabSize: number): Int32Array => {
  let s = seed
  return Int32Array.from({ length: n }, () => (s = (s * 48271) % 2147483647) % vocabSize)
}

/** One train step over a B×T batch; `step` resolves once the device has finished it. */
export const makeTrainStep = (model: Qwen2Model, backend: Backend, B: number, T: number) => {
  const params = model.parameters().map(([, t]) => t)
  const state = makeAdamWState(params)
  const ids = randomIds(B * T, 7, model.config.vocabSize)
  const inputs = fromArray(ids.filter((_, i) => i % T !== T - 1), [B, T - 1], { backend, dtype: "i32" }).keep()
  const targets = fromArray(ids.filter((_, i) => i % T !== 0), [B, T - 1], { backend, dtype: "i32" }).keep()
  const step = async () => {
    const loss = tidy(() => crossEntropy(model.forward(inputs), targets))
    loss.backward()
    adamwStep(params, undefined, state, { lr: 1e-4 })
    for (const p of params) p.zeroGrad()
    await loss.item() // the sync point: the step is done on the device
    loss.dispose()
  }
  const dispose = () => {
    disposeAdamWState(state)
    inputs.dispose()
    targets.dispose()
  }
  return { step, dispose }
}
