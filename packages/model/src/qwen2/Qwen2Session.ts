/**
 * KV-cache decoding for Qwen2: a preallocated cache per layer, K and V f32
 * [rows, Hkv, capacity, D], filled by prefill (one prompt run once, its K/V copied into
 * every row that shares it) and by one-token steps. Each row keeps its own length, so
 * rows with different prompt lengths decode together: a step writes row r's new K/V at
 * slot length[r] (one scatter per layer) and attends to keys below length[r] + 1.
 *
 * @since 0.1.0
 */
import type { Tensor } from "@sapphire-rl/tensor"
import { add, attention, fromArray, noGrad, reshape, rmsnorm, slice, tidy, transpose, matmul, zeros } from "@sapphire-rl/tensor"
import type { Qwen2Model } from "./Qwen2Model.ts"

/**
 * A decoding session (the engine's `DecodeSession`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Qwen2Session {
  readonly rows: number
  readonly capacity: number
  readonly prefill: (prompt: ReadonlyArray<number>, rows: ReadonlyArray<number>) => Promise<Float32Array>
  readonly step: (tokens: ReadonlyArray<number>) => Promise<Float32Array>
  readonly dispose: () => void
}

/**
 * Opens a session of `rows` rows holding up to `capacity` tokens each.
 *
 * @since 0.1.0
 * @category constructors
 */
export const openQwen2Session = (model: Qwen2Model, rows: number, capacity: number): Qwen2Session => {
  const c = model.config
  const backend = model.backend
  if (capacity > c.maxPositionEmbeddings) {
    throw new RangeError(`session capacity ${capacity} exceeds max_position_embeddings ${c.maxPositionEmbeddings}`)
  }
  const Hkv = c.numKeyValueHeads
  const D = c.headDim
  const shape = [rows, Hkv, capacity, D]
  // Zeros matter: decode steps scatter-add into empty slots (see step).
  const cacheK: Array<Tensor> = []
  const cacheV: Array<Tensor> = []
  noGrad(() => {
    for (let l = 0; l < c.numHiddenLayers; l++) {
      cacheK.push(zeros(shape, { backend }).keep())
      cacheV.push(zeros(shape, { backend }).keep())
    }
  })
  const lengths = new Int32Array(rows)
  const started = new Uint8Array(rows)
  let disposed = false
  const live = () => {
    if (disposed) throw new Error("Qwen2 session used after dispose")
  }

  const logitsOf = (h: Tensor): Tensor => matmul(h, transpose(model.lmHead))

  // Copies K or V of one prompt [1, Hkv, T, D] into `rowIds` of a cache at slots [0, T).
  const store = (cache: Tensor, fresh: Tensor, rowIds: ReadonlyArray<number>, T: number) => {
    const v = cache.view
    const consecutive = rowIds.every((r, i) => r === rowIds[0]! + i)
    const runs = consecutive ? [[rowIds[0]!, rowIds.length]] : rowIds.map((r) => [r, 1])
    for (const [first, count] of runs as Array<[number, number]>) {
      backend.dispatch({
        kernel: "copy",
        // Stride 0 over rows: one prefill feeds every row that shares the prompt.
        x: { ...fresh.view, shape: [count, Hkv, T, D], strides: [0, ...fresh.strides.slice(1)] },
        out: { ...v, shape: [count, Hkv, T, D], strides: v.strides, offset: v.offset + first * v.strides[0]! }
      })
    }
  }

  const prefill = async (prompt: ReadonlyArray<number>, rowIds: ReadonlyArray<number>): Promise<Float32Array> => {
    live()
    const T = prompt.length
    if (T === 0 || T > capacity) throw new RangeError(`prefill: prompt of ${T} tokens for capacity ${capacity}`)
    for (const r of rowIds) {
      if (r < 0 || r >= rows || started[r]) throw new RangeError(`prefill: row ${r} is not a fresh row of this session`)
    }
    const logits = noGrad(() =>
      tidy(() => {
        const ids = fromArray(Int32Array.from(prompt), [1, T], { backend, dtype: "i32" })
        const positions = fromArray(Int32Array.from(prompt, (_, t) => t), [1, T], { backend, dtype: "i32" })
        let x = reshape(model.embed(ids), [T, c.hiddenSize])
        for (let l = 0; l < c.numHiddenLayers; l++) {
          const p = `model.layers.${l}.`
          const h = rmsnorm(x, model.weight(`${p}input_layernorm.weight`), c.rmsNormEps)
          const { q, k, v } = model.qkv(h, l, 1, T, positions)
          store(cacheK[l]!, k, rowIds, T)
          store(cacheV[l]!, v, rowIds, T)
          x = add(x, model.attentionOut(attention(q, k, v, { causal: true }), l, 1, T))
          x = add(x, model.mlp(rmsnorm(x, model.weight(`${p}post_attention_layernorm.weight`), c.rmsNormEps), l))
        }
        // Only the last position's logits are needed.
        const last = slice(x, [{ start: T - 1 }])
        return logitsOf(rmsnorm(last, model.weight("model.norm.weight"), c.rmsNormEps))
      })
    )
    for (const r of rowIds) {
      lengths[r] = T
      started[r] = 1
    }
    const out = (await logits.toArray()) as Float32Array
    logits.dispose()
    return out
  }

  const step = async (tokens: ReadonlyArray<number>): Promise<Float32Array> => {
    live()
    if (tokens.length !== rows) throw new RangeError(`step: ${tokens.length} tokens for ${rows} rows`)
    for (let r = 0; r < rows; r++) {
      if (!started[r]) throw new RangeError(`step: row ${r} was never prefilled`)
      if (lengths[r]! >= capacity) throw new RangeError(`step: row ${r} is full (capacity ${capacity})`)
    }
    const logits = noGrad(() =>
      tidy(() => {
        const ids = fromArray(Int32Array.from(tokens), [rows, 1], { backend, dtype: "i32" })
        const positions = fromArray(lengths, [rows, 1], { backend, dtype: "i32" })
        const kvLengths = fromArray(lengths.map((n) => n + 1), [rows], { backend, dtype: "i32" })
        // Flat cache row (r * Hkv + h) * capacity + length[r] of each new K/V row.
        const slots = new Int32Array(rows * Hkv)
        for (let r = 0; r < rows; r++) for (let h = 0; h < Hkv; h++) slots[r * Hkv + h] = (r * Hkv + h) * capacity + lengths[r]!
        const slotIds = fromArray(slots, [rows * Hkv], { backend, dtype: "i32" })
        let x = reshape(model.embed(ids), [rows, c.hiddenSize])
        for (let l = 0; l < c.numHiddenLayers; l++) {
          const p = `model.layers.${l}.`
          const h = rmsnorm(x, model.weight(`${p}input_layernorm.weight`), c.rmsNormEps)
          const { q, k, v } = model.qkv(h, l, rows, 1, positions)
          for (const [cache, fresh] of [[cacheK[l]!, k], [cacheV[l]!, v]] as const) {
            // Scatter-add into zeroed slots writes the new rows exactly, in one dispatch
            // for all rows whatever their lengths.
            const f = reshape(fresh, [rows * Hkv, D])
            backend.dispatch({
              kernel: "embeddingBackward",
              ids: slotIds.view,
              dy: f.view,
              dtable: { ...cache.view, shape: [rows * Hkv * capacity, D], strides: [D, 1] }
            })
          }
          const attn = attention(q, cacheK[l]!, cacheV[l]!, { causal: false, kvLengths })
          x = add(x, model.attentionOut(attn, l, rows, 1))
          x = add(x, model.mlp(rmsnorm(x, model.weight(`${p}post_attention_layernorm.weight`), c.rmsNormEps), l))
        }
        return logitsOf(rmsnorm(x, model.weight("model.norm.weight"), c.rmsNormEps))
      })
    )
    for (let r = 0; r < rows; r++) lengths[r] = lengths[r]! + 1
    const out = (await logits.toArray()) as Float32Array
    logits.dispose()
    return out
  }

  return {
    rows,
    capacity,
    prefill,
    step,
    dispose: () => {
      if (disposed) return
      disposed = true
      for (const t of [...cacheK, ...cacheV]) t.dispose()
    }
  }
}
