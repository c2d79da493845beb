/**
 * The reference policy of a KL term or of DPO: the weights a phase starts from, frozen (a
 * copy on the same backend, full training), or the same model with its adapters off (LoRA,
 * chosen per call).
 *
 * @since 0.1.0
 */
import { Qwen2Model } from "@sapphire-rl/model"
import type { ReferenceScorer } from "@sapphire-rl/trainer"
import { Effect } from "effect"
import type { StageKit } from "./StageKit.ts"

/**
 * A reference scorer for the policy as it is now, and how to free it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const frozenReference = (kit: StageKit) =>
  Effect.gen(function*() {
    const { model } = kit
    if (kit.policy.training === "lora") {
      const reference: ReferenceScorer = async (seqs, starts, options) => model.sequenceLogprobs(seqs, starts, { lora: false, ...options })
      return { reference, dispose: () => undefined }
    }
    const host = yield* kit.device.use(Effect.promise(() => model.hostWeights()))
    const copy = new Qwen2Model(model.config, host, { backend: model.backend, trainable: "none" })
    const reference: ReferenceScorer = async (seqs, starts, options) => copy.sequenceLogprobs(seqs, starts, { ...options })
    return { reference, dispose: () => copy.dispose() }
  })
