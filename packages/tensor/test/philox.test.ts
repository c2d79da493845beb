import { describe, expect, it } from "vitest"
import { philox4x32, philoxFill } from "../src/philox.ts"

// Known-answer vectors from Random123's kat_vectors (counter[4], key[2] → output[4]).
const KAT: ReadonlyArray<readonly [ReadonlyArray<number>, ReadonlyArray<number>, ReadonlyArray<number>]> = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [
    0x408f276d,
    0x41c83b0e,
    0xa20bc7c6,
    0x6d5451fd
  ]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [
    0xd16cfe09,
    0x94fdcceb,
    0x5001e420,
    0x24126ea1
  ]]
]

describe("Philox-4x32-10", () => {
  it("reproduces the Random123 known-answer vectors", () => {
    const out = new Uint32Array(4)
    for (const [c, k, expected] of KAT) {
      philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, out)
      expect(Array.from(out)).toEqual(expected)
    }
  })

  it("element i depends only on (key, counter + i)", () => {
    const whole = new Float32Array(40)
    philoxFill("normal", [7, 9], 100, whole)
    const tail = new Float32Array(25)
    philoxFill("normal", [7, 9], 115, tail)
    expect(Array.from(tail)).toEqual(Array.from(whole.subarray(15)))
  })

  it("uses the high counter word beyond 2^32", () => {
    const a = new Float32Array(1)
    const b = new Float32Array(1)
    philoxFill("uniform", [1, 2], 2 ** 32 + 5, a)
    philoxFill("uniform", [1, 2], 5, b)
    expect(a[0]).not.toBe(b[0])
    const block = new Uint32Array(4)
    philox4x32(5, 1, 0, 0, 1, 2, block)
    expect(a[0]).toBe((block[0]! >>> 8) * 2 ** -24)
  })

  it("has the right moments (n = 20000; tolerances ≈ 5 standard errors)", () => {
    const u = new Float32Array(20000)
    philoxFill("uniform", [3, 4], 0, u)
    const mean = u.reduce((a, x) => a + x, 0) / u.length
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / u.length))
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...u)).toBeLessThan(1)
    const z = new Float32Array(20000)
    philoxFill("normal", [3, 4], 0, z)
    const zm = z.reduce((a, x) => a + x, 0) / z.length
    const zv = z.reduce((a, x) => a + (x - zm) ** 2, 0) / z.length
    expect(Math.abs(zm)).toBeLessThan(5 / Math.sqrt(z.length))
    expect(Math.abs(zv - 1)).toBeLessThan(5 * Math.sqrt(2 / z.length))
    expect(z.every(Number.isFinite)).toBe(true)
  })
})
