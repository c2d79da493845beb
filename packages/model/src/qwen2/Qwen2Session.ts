/**
 * KV-cache decoding for Qwen2: a preallocated cache per layer, K and V f32
 * [rows, Hkv, capacity, D], filled by prefill (one prompt run once, its K/V copied into
 * every row that shares it) and by one-token steps. Each row keeps its own length, so
 * rows with different prompt lengths decode together: a step writes row r's new K/V at
 * slot length[r] (one row scatter-write per cache and layer) and attends to keys below
 * length[r] + 1.
 *
 * A step runs fused kernels (`fuseDecode`, on by default): the q/k/v biases, RoPE and the
 * cache writes in one `ropeKvWrite` per layer, and each residual add with the RMSNorm after
 * it (`addRmsnorm`: post-attention, and after the MLP the next layer's input norm or the final
 * norm). Off, a step runs the model's `block` as the full forward does; the logits agree up to
 * float rounding (bit for bit on the CPU backend, `Qwen2Session.test.ts`).
 *
 * @since 0.1.0
 */
import type { Tensor } from "@sapphire-rl/tensor"
import {
  addRmsnorm,
  attention,
  embedding,
  fromArray,
  matmul,
  noGrad,
  reshape,
  rmsnorm,
  ropeKvWrite,
  tidy,
  transpose,
  zeros
} from "@sapphire-rl/tensor"
import { loraModulePath } from "../lora/LoraWeights.ts"
import type { Qwen2Model } from "./Qwen2Model.ts"

/**
 * A prompt and the fresh rows that start from it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrefillItem {
  readonly prompt: ReadonlyArray<number>
  readonly rows: ReadonlyArray<number>
}

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
  /** Several prompts in batched forwards (right-padded, at most maxPrefillTokens padded tokens each); logits per prompt. */
  readonly prefillMany: (items: ReadonlyArray<PrefillItem>) => Promise<Array<Float32Array>>
  readonly step: (tokens: ReadonlyArray<number>) => Promise<Float32Array>
  /**
   * Keeps only `rows` (in that order; they become rows 0 … n-1) and frees the rest of the
   * cache: finished completions stop costing compute.
   */
  readonly retain: (rows: ReadonlyArray<number>) => void
  readonly dispose: () => void
}

// Maximal runs of consecutive row ids, as [index in ids, first id, count]: one copy
// dispatch per run instead of one per row.
const consecutiveRuns = (ids: ReadonlyArray<number>): Array<readonly [number, number, number]> => {
  const runs: Array<readonly [number, number, number]> = []
  let j = 0
  while (j < ids.length) {
    let k = j + 1
    while (k < ids.length && ids[k] === ids[k - 1]! + 1) k++
    runs.push([j, ids[j]!, k - j])
    j = k
  }
  return runs
}

/**
 * Session options.
 *
 * @since 0.2.0
 * @category models
 */
export interface Qwen2SessionOptions {
  /** Padded tokens per prefill forward. Default 8192. */
  readonly maxPrefillTokens?: number
  /** Decode steps through the fused kernels (see the module comment). Default true. */
  readonly fuseDecode?: boolean
}

/**
 * Opens a session of `rows` rows holding up to `capacity` tokens each.
 *
 * @since 0.1.0
 * @category constructors
 */
export const openQwen2Session = (
  model: Qwen2Model,
  initialRows: number,
  capacity: number,
  options: Qwen2SessionOptions = {}
): Qwen2Session => {
  const maxPrefillTokens = options.maxPrefillTokens ?? 8192
  const fuseDecode = options.fuseDecode ?? true
  const c = model.config
  const backend = model.backend
  if (capacity > c.maxPositionEmbeddings) {
    throw new RangeError(`session capacity ${capacity} exceeds max_position_embeddings ${c.maxPositionEmbeddings}`)
  }
  const Hkv = c.numKeyValueHeads
  const D = c.headDim
  let rows = initialRows
  const shape = [rows, Hkv, capacity, D]
  // Slots past a row's length are never attended to; zeros keep them finite all the same.
  const cacheK: Array<Tensor> = []
  const cacheV: Array<Tensor> = []
  noGrad(() => {
    for (let l = 0; l < c.numHiddenLayers; l++) {
      cacheK.push(zeros(shape, { backend }).keep())
      cacheV.push(zeros(shape, { backend }).keep())
    }
  })
  let lengths = new Int32Array(rows)
  let started = new Uint8Array(rows)
  let disposed = false
  const live = () => {
    if (disposed) throw new Error("Qwen2 session used after dispose")
  }

  const logitsOf = (h: Tensor): Tensor => matmul(h, transpose(model.lmHead))

  // Copies K or V of prompt p of a prefill batch [P, Hkv, Tmax, D] into `rowIds` of a
  // cache at slots [0, T).
  const store = (cache: Tensor, fresh: Tensor, p: number, rowIds: ReadonlyArray<number>, T: number) => {
    const v = cache.view
    const f = fresh.view
    for (const [, first, count] of consecutiveRuns(rowIds)) {
      backend.dispatch({
        kernel: "copy",
        // Stride 0 over rows: one prefill feeds every row that shares the prompt.
        x: { ...f, shape: [count, Hkv, T, D], strides: [0, ...f.strides.slice(1)], offset: f.offset + p * f.strides[0]! },
        out: { ...v, shape: [count, Hkv, T, D], strides: v.strides, offset: v.offset + first * v.strides[0]! }
      })
    }
  }

  // One forward over several right-padded prompts; returns the last-position logits [P, V].
  const prefillBatch = (items: ReadonlyArray<PrefillItem>): Tensor => {
    const P = items.length
    const T = Math.max(...items.map((it) => it.prompt.length))
    const ids = new Int32Array(P * T)
    const positions = new Int32Array(P * T)
    const lastRows = new Int32Array(P)
    items.forEach((it, p) => {
      it.prompt.forEach((id, t) => (ids[p * T + t] = id))
      for (let t = 0; t < T; t++) positions[p * T + t] = t
      lastRows[p] = p * T + it.prompt.length - 1
    })
    return noGrad(() =>
      tidy(() => {
        const pos = fromArray(positions, [P, T], { backend, dtype: "i32" })
        let x = reshape(model.embed(fromArray(ids, [P, T], { backend, dtype: "i32" })), [P * T, c.hiddenSize])
        for (let l = 0; l < c.numHiddenLayers; l++) {
          x = model.block(x, l, P, T, pos, (q, k, v) => {
            items.forEach((it, p) => {
              store(cacheK[l]!, k, p, it.rows, it.prompt.length)
              store(cacheV[l]!, v, p, it.rows, it.prompt.length)
            })
            // Causal: a prompt's padding comes after its tokens and never reaches them.
            return attention(q, k, v, { causal: true })
          })
        }
        // Only each prompt's last position is needed: gather those rows (embedding as a row gather).
        const last = embedding(x, fromArray(lastRows, [P], { backend, dtype: "i32" }))
        return logitsOf(model.finalNorm(last))
      })
    )
  }

  const prefillMany = async (items: ReadonlyArray<PrefillItem>): Promise<Array<Float32Array>> => {
    live()
    const seen = new Set<number>()
    for (const it of items) {
      const T = it.prompt.length
      if (T === 0 || T > capacity) throw new RangeError(`prefill: prompt of ${T} tokens for capacity ${capacity}`)
      for (const r of it.rows) {
        if (r < 0 || r >= rows || started[r] || seen.has(r)) throw new RangeError(`prefill: row ${r} is not a fresh row of this session`)
        seen.add(r)
      }
    }
    const V = c.vocabSize
    const out: Array<Float32Array> = []
    let i = 0
    while (i < items.length) {
      // Pack prompts while the padded batch stays within the token budget.
      let j = i + 1
      let longest = items[i]!.prompt.length
      while (j < items.length) {
        const next = Math.max(longest, items[j]!.prompt.length)
        if ((j - i + 1) * next > maxPrefillTokens) break
        longest = next
        j++
      }
      const logits = prefillBatch(items.slice(i, j))
      const host = (await logits.toArray()) as Float32Array
      logits.dispose()
      for (let p = 0; p < j - i; p++) out.push(host.slice(p * V, (p + 1) * V))
      i = j
    }
    for (const it of items) {
      for (const r of it.rows) {
        lengths[r] = it.prompt.length
        started[r] = 1
      }
    }
    return out
  }

  const prefill = async (prompt: ReadonlyArray<number>, rowIds: ReadonlyArray<number>): Promise<Float32Array> =>
    (await prefillMany([{ prompt, rows: rowIds }]))[0]!

  // A step as the full forward runs it (`model.block`): hidden rows after the final norm.
  const plainStep = (x: Tensor, positions: Tensor, slotIds: Tensor, kvLengths: Tensor): Tensor => {
    const slotRows = reshape(slotIds, [rows * Hkv])
    for (let l = 0; l < c.numHiddenLayers; l++) {
      x = model.block(x, l, rows, 1, positions, (q, k, v) => {
        for (const [cache, fresh] of [[cacheK[l]!, k], [cacheV[l]!, v]] as const) {
          // The slots are distinct: one scatter-write dispatch for all rows whatever
          // their lengths (a scatter-add would have to sort the ids first).
          const f = reshape(fresh, [rows * Hkv, D])
          backend.dispatch({
            kernel: "scatterRows",
            ids: slotRows.view,
            x: f.view,
            out: { ...cache.view, shape: [rows * Hkv * capacity, D], strides: [D, 1] }
          })
        }
        return attention(q, cacheK[l]!, cacheV[l]!, { causal: false, kvLengths })
      })
    }
    return model.finalNorm(x)
  }

  // The same step through the fused kernels: per layer the three projections (no bias), one
  // ropeKvWrite, attention, o_proj, two addRmsnorm and the MLP.
  const fusedStep = (x: Tensor, positions: Tensor, slotIds: Tensor, kvLengths: Tensor): Tensor => {
    const L = c.numHiddenLayers
    const eps = c.rmsNormEps
    const inputNorm = (l: number) => model.weight(l < L ? `model.layers.${l}.input_layernorm.weight` : "model.norm.weight")
    const heads = (t: Tensor, n: number) => reshape(t, [rows, 1, n, D])
    const bias = (l: number, target: "q_proj" | "k_proj" | "v_proj") => model.weight(`${loraModulePath(l, target)}.bias`)
    let residual = x
    let h = rmsnorm(x, inputNorm(0), eps)
    for (let l = 0; l < L; l++) {
      const q = ropeKvWrite({
        q: heads(model.linear(h, l, "q_proj", false), c.numAttentionHeads),
        k: heads(model.linear(h, l, "k_proj", false), Hkv),
        v: heads(model.linear(h, l, "v_proj", false), Hkv),
        qBias: bias(l, "q_proj"),
        kBias: bias(l, "k_proj"),
        vBias: bias(l, "v_proj"),
        positions,
        slots: slotIds,
        theta: c.ropeTheta,
        kCache: cacheK[l]!,
        vCache: cacheV[l]!
      })
      const attn = model.attentionOut(attention(q, cacheK[l]!, cacheV[l]!, { causal: false, kvLengths }), l, rows, 1)
      const mid = addRmsnorm(residual, attn, model.weight(`model.layers.${l}.post_attention_layernorm.weight`), eps)
      // The MLP's residual add and the norm after it (the next layer's input norm, or the final one).
      const next = addRmsnorm(mid.sum, model.mlp(mid.out, l), inputNorm(l + 1), eps)
      residual = next.sum
      h = next.out
    }
    return h
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
        const slotIds = fromArray(slots, [rows, 1, Hkv], { backend, dtype: "i32" })
        const x = reshape(model.embed(ids), [rows, c.hiddenSize])
        return logitsOf(fuseDecode ? fusedStep(x, positions, slotIds, kvLengths) : plainStep(x, positions, slotIds, kvLengths))
      })
    )
    for (let r = 0; r < rows; r++) lengths[r] = lengths[r]! + 1
    const out = (await logits.toArray()) as Float32Array
    logits.dispose()
    return out
  }

  const retain = (keep: ReadonlyArray<number>): void => {
    live()
    const seen = new Set<number>()
    for (const r of keep) {
      if (r < 0 || r >= rows || !started[r] || seen.has(r)) throw new RangeError(`retain: row ${r} is not a live row`)
      seen.add(r)
    }
    if (keep.length === 0) throw new RangeError("retain: keep at least one row")
    const n = keep.length
    noGrad(() => {
      for (const caches of [cacheK, cacheV]) {
        for (let l = 0; l < caches.length; l++) {
          const old = caches[l]!
          // Whole rows move, empty slots included.
          const next = zeros([n, Hkv, capacity, D], { backend }).keep()
          const o = old.view
          const t = next.view
          for (const [j, first, count] of consecutiveRuns(keep)) {
            backend.dispatch({
              kernel: "copy",
              x: { ...o, shape: [count, Hkv, capacity, D], offset: o.offset + first * o.strides[0]! },
              out: { ...t, shape: [count, Hkv, capacity, D], offset: t.offset + j * t.strides[0]! }
            })
          }
          old.dispose()
          caches[l] = next
        }
      }
    })
    lengths = Int32Array.from(keep, (r) => lengths[r]!)
    started = Uint8Array.from(keep, (r) => started[r]!)
    rows = n
  }

  return {
    get rows() {
      return rows
    },
    capacity,
    prefill,
    prefillMany,
    step,
    retain,
    dispose: () => {
      if (disposed) return
      disposed = true
      for (const t of [...cacheK, ...cacheV]) t.dispose()
    }
  }
}
