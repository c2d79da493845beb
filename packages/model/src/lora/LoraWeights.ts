/**
 * LoRA weights on the host: PEFT key names, initialisation (A Kaiming-uniform as PEFT
 * does, B zero), the `adapter_model.safetensors` file, and merging W + scale·B·A into
 * the base weights.
 *
 * @since 0.1.0
 */
import type { Qwen2Config } from "../config/Qwen2Config.ts"
import type { Qwen2HostWeights } from "../checkpoint/Qwen2Weights.ts"
import { modelFileError } from "../ModelFileError.ts"
import type { HostTensor } from "../safetensors/Safetensors.ts"
import { parseSafetensors, readTensor, serializeSafetensors } from "../safetensors/Safetensors.ts"
import type { LoraConfig, LoraTarget } from "./LoraConfig.ts"
import { encodeLoraConfig, loraScale } from "./LoraConfig.ts"

/**
 * One adapted linear layer: `module` is its HF path (`model.layers.3.self_attn.q_proj`),
 * A is [rank, in], B is [out, rank].
 *
 * @since 0.1.0
 * @category models
 */
export interface LoraModule {
  readonly module: string
  readonly a: HostTensor
  readonly b: HostTensor
}

/**
 * The HF module path of a target in a layer.
 *
 * @since 0.1.0
 * @category getters
 */
export const loraModulePath = (layer: number, target: LoraTarget): string =>
  `model.layers.${layer}.${target === "gate_proj" || target === "up_proj" || target === "down_proj" ? "mlp" : "self_attn"}.${target}`

/**
 * [out, in] of a target's weight.
 *
 * @since 0.1.0
 * @category getters
 */
export const linearShape = (c: Qwen2Config, target: LoraTarget): readonly [number, number] => {
  const kv = c.numKeyValueHeads * c.headDim
  switch (target) {
    case "q_proj":
    case "o_proj":
      return [c.hiddenSize, c.hiddenSize]
    case "k_proj":
    case "v_proj":
      return [kv, c.hiddenSize]
    case "gate_proj":
    case "up_proj":
      return [c.intermediateSize, c.hiddenSize]
    case "down_proj":
      return [c.hiddenSize, c.intermediateSize]
  }
}

/**
 * The (layer, target) pairs a LoRA config adapts.
 *
 * @since 0.1.0
 * @category getters
 */
export const loraSites = (model: Qwen2Config, lora: LoraConfig): Array<{ layer: number; target: LoraTarget }> => {
  const out: Array<{ layer: number; target: LoraTarget }> = []
  for (let layer = 0; layer < model.numHiddenLayers; layer++) {
    if (lora.layers !== null && !lora.layers.includes(layer)) continue
    for (const target of lora.targets) out.push({ layer, target })
  }
  return out
}

/**
 * PEFT's key of a module's A or B matrix in `adapter_model.safetensors`.
 *
 * @since 0.1.0
 * @category getters
 */
export const peftKey = (module: string, which: "A" | "B"): string => `base_model.model.${module}.lora_${which}.weight`

/**
 * Fresh adapters: A ~ U(-1/sqrt(in), 1/sqrt(in)) (PEFT's kaiming_uniform with a = sqrt(5)),
 * B = 0, so the adapted model starts equal to the base. `random` gives uniforms in [0, 1).
 *
 * @since 0.1.0
 * @category constructors
 */
export const initLoraModules = (model: Qwen2Config, lora: LoraConfig, random: () => number): Array<LoraModule> =>
  loraSites(model, lora).map(({ layer, target }) => {
    const [out, inp] = linearShape(model, target)
    const bound = 1 / Math.sqrt(inp)
    const a = new Float32Array(lora.rank * inp)
    for (let i = 0; i < a.length; i++) a[i] = (2 * random() - 1) * bound
    return {
      module: loraModulePath(layer, target),
      a: { shape: [lora.rank, inp], data: a },
      b: { shape: [out, lora.rank], data: new Float32Array(out * lora.rank) }
    }
  })

/**
 * The two files of a PEFT adapter directory.
 *
 * @since 0.1.0
 * @category encoding
 */
export const loraAdapterFiles = (
  lora: LoraConfig,
  modules: ReadonlyArray<LoraModule>,
  baseModel = ""
): ReadonlyMap<string, Uint8Array | string> =>
  new Map<string, Uint8Array | string>([
    ["adapter_config.json", `${JSON.stringify(encodeLoraConfig(lora, baseModel), null, 2)}\n`],
    [
      "adapter_model.safetensors",
      serializeSafetensors(
        modules.flatMap((m) => [
          { name: peftKey(m.module, "A"), shape: m.a.shape, data: m.a.data },
          { name: peftKey(m.module, "B"), shape: m.b.shape, data: m.b.data }
        ]),
        { format: "pt" }
      )
    ]
  ])

/**
 * Reads `adapter_model.safetensors` for a config, checking every expected key and shape
 * (PEFT's `.default` adapter-name infix is accepted too).
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseLoraModules = (
  model: Qwen2Config,
  lora: LoraConfig,
  bytes: Uint8Array,
  file = "adapter_model.safetensors"
): Array<LoraModule> => {
  const st = parseSafetensors(bytes, file)
  const key = (module: string, which: "A" | "B") => {
    const plain = peftKey(module, which)
    const named = `base_model.model.${module}.lora_${which}.default.weight`
    return st.tensors.has(plain) || !st.tensors.has(named) ? plain : named
  }
  const modules = loraSites(model, lora).map(({ layer, target }) => {
    const [out, inp] = linearShape(model, target)
    const module = loraModulePath(layer, target)
    return {
      module,
      a: readTensor(st, key(module, "A"), [lora.rank, inp]),
      b: readTensor(st, key(module, "B"), [out, lora.rank])
    }
  })
  const expected = new Set(modules.flatMap((m) => [key(m.module, "A"), key(m.module, "B")]))
  for (const name of st.tensors.keys()) {
    if (!expected.has(name)) throw modelFileError(file, `unexpected tensor ${name} for this adapter_config`)
  }
  return modules
}

/**
 * Base weights with every adapter folded in: W + scale · B · A (f32, computed in float64).
 *
 * @since 0.1.0
 * @category combinators
 */
export const mergeLora = (
  weights: Qwen2HostWeights,
  lora: LoraConfig,
  modules: ReadonlyArray<LoraModule>
): Qwen2HostWeights => {
  const scale = loraScale(lora)
  const out = new Map(weights)
  for (const m of modules) {
    const name = `${m.module}.weight`
    const w = weights.get(name)
    if (w === undefined) throw new RangeError(`no base weight ${name}`)
    const [rows, cols] = w.shape as [number, number]
    const r = lora.rank
    const merged = new Float32Array(w.data)
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let acc = 0
        for (let k = 0; k < r; k++) acc += m.b.data[i * r + k]! * m.a.data[k * cols + j]!
        merged[i * cols + j] = w.data[i * cols + j]! + scale * acc
      }
    }
    out.set(name, { shape: w.shape, data: merged })
  }
  return out
}
