import type { DecodeSession, DecoderModel } from "../../src/index.ts"

/**
 * A host-only causal LM for testing the engine's bookkeeping: logits depend on the whole
 * prefix through a rolling hash, so any mix-up of rows, positions or tokens changes them.
 */
export const toyModel = (vocabSize: number, eosTokenIds: ReadonlyArray<number> = []) => {
  const stats = { prefills: 0, prefillTokens: 0, steps: 0 }
  const logitsAfter = (prefix: ReadonlyArray<number>): Float32Array => {
    let h = 17
    for (const t of prefix) h = (Math.imul(h, 31) + t * 7 + 3) >>> 0
    const out = new Float32Array(vocabSize)
    for (let v = 0; v < vocabSize; v++) {
      const x = Math.imul(h ^ (v * 2654435761), 2246822519) >>> 0
      out[v] = ((x % 1000) / 1000) * 4 - 2
    }
    return out
  }
  const model: DecoderModel = {
    vocabSize,
    eosTokenIds,
    openSession: (rows, capacity): DecodeSession => {
      const history: Array<Array<number> | undefined> = new Array(rows)
      return {
        rows,
        capacity,
        prefill: (prompt, which) => {
          stats.prefills++
          stats.prefillTokens += prompt.length
          for (const r of which) {
            if (history[r] !== undefined) throw new Error(`row ${r} prefilled twice`)
            history[r] = [...prompt]
          }
          return Promise.resolve(logitsAfter(prompt))
        },
        step: (tokens) => {
          stats.steps++
          if (tokens.length !== rows) throw new Error("step needs one token per row")
          const out = new Float32Array(rows * vocabSize)
          tokens.forEach((t, r) => {
            const h = history[r]
            if (h === undefined) throw new Error(`row ${r} stepped before prefill`)
            h.push(t)
            if (h.length > capacity) throw new Error(`row ${r} beyond capacity ${capacity}`)
            out.set(logitsAfter(h), r * vocabSize)
          })
          return Promise.resolve(out)
        },
        dispose: () => {}
      }
    },
    sequenceLogprobs: (sequences, starts) =>
      Promise.resolve(sequences.map((seq, i) => {
        const out = new Float32Array(seq.length - starts[i]!)
        for (let t = starts[i]!; t < seq.length; t++) {
          const logits = logitsAfter(seq.slice(0, t))
          let max = -Infinity
          for (const l of logits) max = Math.max(max, l)
          let sum = 0
          for (const l of logits) sum += Math.exp(l - max)
          out[t - starts[i]!] = logits[seq[t]!]! - max - Math.log(sum)
        }
        return out
      }))
  }
  return { model, stats, logitsAfter }
}

/** Decodes ids as letters (id 0 = "a" …), ids >= 26 as "#"; `special` ids vanish when skipping. */
export const letterTokenizer = (special: ReadonlyArray<number> = []) => ({
  decode: (ids: ReadonlyArray<number>, o?: { readonly skipSpecialTokens?: boolean }) =>
    ids
      .filter((i) => !(o?.skipSpecialTokens && special.includes(i)))
      .map((i) => (i < 26 ? String.fromCharCode(97 + i) : "#"))
      .join("")
})
