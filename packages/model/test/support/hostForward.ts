import type { Qwen2Config, Qwen2HostWeights } from "../../src/index.ts"

/**
 * A plain float64 Qwen2 forward over host weights, for tests that check host-side code
 * (loading, LoRA merging) against the PyTorch fixtures without the tensor runtime.
 * Returns logits [T][V].
 */
export const hostForward = (c: Qwen2Config, w: Qwen2HostWeights, ids: ReadonlyArray<number>): Array<Float64Array> => {
  const H = c.hiddenSize
  const hd = c.headDim
  const nh = c.numAttentionHeads
  const nkv = c.numKeyValueHeads
  const T = ids.length
  const get = (n: string) => {
    const t = w.get(n)
    if (t === undefined) throw new Error(`missing ${n}`)
    return t.data
  }
  const linear = (x: Float64Array, weight: Float32Array, out: number, bias?: Float32Array) => {
    const inp = x.length
    const y = new Float64Array(out)
    for (let o = 0; o < out; o++) {
      let acc = bias === undefined ? 0 : bias[o]!
      for (let i = 0; i < inp; i++) acc += weight[o * inp + i]! * x[i]!
      y[o] = acc
    }
    return y
  }
  const norm = (x: Float64Array, weight: Float32Array) => {
    let ms = 0
    for (const v of x) ms += v * v
    const r = 1 / Math.sqrt(ms / x.length + c.rmsNormEps)
    return x.map((v, i) => v * r * weight[i]!)
  }
  const rope = (x: Float64Array, heads: number, pos: number) => {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < hd / 2; i++) {
        const angle = pos * c.ropeTheta ** (-(2 * i) / hd)
        const a = x[h * hd + i]!
        const b = x[h * hd + i + hd / 2]!
        x[h * hd + i] = a * Math.cos(angle) - b * Math.sin(angle)
        x[h * hd + i + hd / 2] = b * Math.cos(angle) + a * Math.sin(angle)
      }
    }
  }
  const embed = get("model.embed_tokens.weight")
  let xs = ids.map((id) => Float64Array.from(embed.subarray(id * H, (id + 1) * H)))
  for (let l = 0; l < c.numHiddenLayers; l++) {
    const p = `model.layers.${l}.`
    const hs = xs.map((x) => norm(x, get(`${p}input_layernorm.weight`)))
    const qs = hs.map((h, t) => {
      const q = linear(h, get(`${p}self_attn.q_proj.weight`), nh * hd, get(`${p}self_attn.q_proj.bias`))
      rope(q, nh, t)
      return q
    })
    const ks = hs.map((h, t) => {
      const k = linear(h, get(`${p}self_attn.k_proj.weight`), nkv * hd, get(`${p}self_attn.k_proj.bias`))
      rope(k, nkv, t)
      return k
    })
    const vs = hs.map((h) => linear(h, get(`${p}self_attn.v_proj.weight`), nkv * hd, get(`${p}self_attn.v_proj.bias`)))
    xs = xs.map((x, t) => {
      const attn = new Float64Array(H)
      for (let h = 0; h < nh; h++) {
        const g = Math.floor(h / (nh / nkv))
        const scores = Array.from({ length: t + 1 }, (_, s) => {
          let d = 0
          for (let i = 0; i < hd; i++) d += qs[t]![h * hd + i]! * ks[s]![g * hd + i]!
          return d / Math.sqrt(hd)
        })
        const m = Math.max(...scores)
        const e = scores.map((s) => Math.exp(s - m))
        const z = e.reduce((a, b) => a + b, 0)
        for (let s = 0; s <= t; s++) for (let i = 0; i < hd; i++) attn[h * hd + i] = attn[h * hd + i]! + (e[s]! / z) * vs[s]![g * hd + i]!
      }
      const y = linear(attn, get(`${p}self_attn.o_proj.weight`), H)
      return x.map((v, i) => v + y[i]!)
    })
    xs = xs.map((x) => {
      const h = norm(x, get(`${p}post_attention_layernorm.weight`))
      const gate = linear(h, get(`${p}mlp.gate_proj.weight`), c.intermediateSize)
      const up = linear(h, get(`${p}mlp.up_proj.weight`), c.intermediateSize)
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!)
      const y = linear(act, get(`${p}mlp.down_proj.weight`), H)
      return x.map((v, i) => v + y[i]!)
    })
  }
  const head = c.tieWordEmbeddings ? embed : get("lm_head.weight")
  return xs.map((x) => linear(norm(x, get("model.norm.weight")), head, c.vocabSize))
}
