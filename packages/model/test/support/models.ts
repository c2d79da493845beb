import type { Backend } from "@sapphire-rl/tensor"
import { fromArray, tidy } from "@sapphire-rl/tensor"
import { Qwen2Model } from "../../src/index.ts"
import type { Qwen2ModelOptions } from "../../src/index.ts"
import { readQwen2SnapshotNode } from "../../src/node/index.ts"
import type { ExpectedOutputs } from "./fixtures.ts"
import { fixtureJson, fixturePath } from "./fixtures.ts"

/** A fixture checkpoint on a backend, with its expected outputs. */
export const loadFixtureModel = async (name: string, backend: Backend, options: Omit<Qwen2ModelOptions, "backend"> = {}) => {
  const { config, weights } = await readQwen2SnapshotNode(fixturePath(name))
  return {
    config,
    weights,
    model: new Qwen2Model(config, weights, { ...options, backend }),
    expected: fixtureJson<ExpectedOutputs>(`${name}/expected.json`)
  }
}

/**
 * Logits of right-padded rows in one forward on the model's backend: flat [B * T * V]
 * (`host`) and the padded length `T`.
 */
export const logitsOf = async (model: Qwen2Model, rows: ReadonlyArray<ReadonlyArray<number>>) => {
  const T = Math.max(...rows.map((r) => r.length))
  const ids = new Int32Array(rows.length * T)
  rows.forEach((r, b) => r.forEach((id, t) => (ids[b * T + t] = id)))
  const out = tidy(() => model.forward(fromArray(ids, [rows.length, T], { backend: model.backend, dtype: "i32" })))
  const host = (await out.toArray()) as Float32Array
  out.dispose()
  return { host, T }
}

/** max |got - want| / max |want| over rows of logits (got flat [T * V]). */
export const relError = (got: ArrayLike<number>, want: ReadonlyArray<ReadonlyArray<number>>, rowOffset = 0): number => {
  let err = 0
  let scale = 0
  want.forEach((row, t) =>
    row.forEach((v, i) => {
      err = Math.max(err, Math.abs(got[(rowOffset + t) * row.length + i]! - v))
      scale = Math.max(scale, Math.abs(v))
    })
  )
  return err / scale
}

/** Index of the largest value in a row of a flat array. */
export const argmaxRow = (x: ArrayLike<number>, row: number, size: number): number => {
  let best = 0
  for (let i = 1; i < size; i++) if (x[row * size + i]! > x[row * size + best]!) best = i
  return best
}
