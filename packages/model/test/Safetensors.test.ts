import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import type { SafetensorsDtype } from "../src/index.ts"
import {
  bf16ToF32,
  entryToFloat32,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  parseSafetensors,
  readTensor,
  serializeSafetensors
} from "../src/index.ts"
import { fileErrorOf } from "./support/errors.ts"
import { fixtureJson, fixturePath } from "./support/fixtures.ts"

// A file with a hand-written header and `data` bytes after it.
const rawFile = (header: unknown, dataBytes: number, headerText?: string): Uint8Array => {
  const text = new TextEncoder().encode(headerText ?? JSON.stringify(header))
  const out = new Uint8Array(8 + text.byteLength + dataBytes)
  new DataView(out.buffer).setBigUint64(0, BigInt(text.byteLength), true)
  out.set(text, 8)
  return out
}

type ProbeValue = number | "inf" | "-inf"
const probeNumber = (v: ProbeValue): number => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v)

describe("safetensors", () => {
  it("reads F16, BF16 and F32 edge values written by PyTorch", () => {
    const probe = fixtureJson<Record<string, { shape: Array<number>; values: Array<ProbeValue> }>>("dtype-probe.json")
    const file = parseSafetensors(new Uint8Array(readFileSync(fixturePath("dtype-probe.safetensors"))), "probe")
    expect([...file.tensors.keys()].sort()).toEqual(["brain", "half", "single"])
    for (const [name, want] of Object.entries(probe)) {
      const t = readTensor(file, name, want.shape)
      // Exact: widening 16-bit floats to f32 loses nothing; Object.is separates -0 from 0.
      want.values.forEach((v, i) => expect(Object.is(t.data[i], Math.fround(probeNumber(v)))).toBe(true))
    }
  })

  it("round-trips every dtype (f32 exact; 16-bit within half an ulp, round-to-nearest-even)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, min: -60000, max: 60000 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom<SafetensorsDtype>("F32", "F16", "BF16"),
        (values, dtype) => {
          const data = Float32Array.from(values)
          const bytes = serializeSafetensors([{ name: "w", shape: [data.length], data, dtype }], { k: "v" })
          const file = parseSafetensors(bytes, "mem")
          expect(file.metadata).toEqual({ k: "v" })
          const back = readTensor(file, "w", [data.length]).data
          // Independent rounding check: the result is the representable neighbour nearest to x.
          const mantissaBits = dtype === "F32" ? 23 : dtype === "F16" ? 10 : 7
          for (let i = 0; i < data.length; i++) {
            const x = data[i]!
            const y = back[i]!
            const exp = x === 0 ? -126 : Math.max(Math.floor(Math.log2(Math.abs(x))), dtype === "F16" ? -14 : -126)
            const ulp = 2 ** (exp - mantissaBits)
            expect(Math.abs(y - x)).toBeLessThanOrEqual(ulp / 2 + 1e-45)
          }
        }
      ),
      { numRuns: 200 }
    )
  })

  it("rounds ties to even and overflows F16 to infinity", () => {
    // 1 + 2^-11 is exactly between 1 and 1 + 2^-10 in f16: ties go to the even mantissa (1).
    expect(f16ToF32(f32ToF16(Float32Array.of(1 + 2 ** -11, 1 + 3 * 2 ** -11, 70000, -70000)))).toEqual(
      Float32Array.of(1, 1 + 2 * 2 ** -10, Infinity, -Infinity)
    )
    expect(bf16ToF32(f32ToBf16(Float32Array.of(1 + 2 ** -8, 1 + 3 * 2 ** -8)))).toEqual(Float32Array.of(1, 1 + 2 ** -6))
    expect(Number.isNaN(bf16ToF32(f32ToBf16(Float32Array.of(NaN)))[0])).toBe(true)
  })

  it("pads the header to 8 bytes and follows data_offsets, not header order", () => {
    const a = Float32Array.of(1, 2, 3)
    const b = Float32Array.of(4, 5)
    const bytes = serializeSafetensors([
      { name: "a", shape: [3], data: a },
      { name: "b", shape: [1, 2], data: b }
    ])
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true))
    expect(headerLength % 8).toBe(0)
    const file = parseSafetensors(bytes, "mem")
    expect(entryToFloat32(file.tensors.get("b")!)).toEqual(b)
    expect(file.tensors.get("b")!.shape).toEqual([1, 2])
  })

  it("reports each kind of defect with the file name", () => {
    const ok = { w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(5), /truncated header/],
      [(() => {
        const f = rawFile(ok, 8)
        new DataView(f.buffer).setBigUint64(0, 10_000n, true)
        return f
      })(), /header length 10000 is beyond the file/],
      // A large file whose length field is corrupt: within the file, but no real header is 100 MiB.
      [(() => {
        const f = new Uint8Array(101 * 1024 * 1024)
        new DataView(f.buffer).setBigUint64(0, BigInt(100 * 1024 * 1024 + 1), true)
        return f
      })(), /header length 104857601 exceeds the 104857600-byte limit/],
      [rawFile(null, 8, "{not json"), /header is not valid JSON/],
      [rawFile({ w: { dtype: "I8", shape: [2], data_offsets: [0, 2] } }, 2), /unsupported dtype I8/],
      [rawFile({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, 4), /data offsets \[0, 8\] out of range/],
      [rawFile({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, 8), /shape \[3\] F32 needs 12 bytes/],
      [rawFile({ w: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, 8), /shape must be/],
      [rawFile({ w: { shape: [2], data_offsets: [0, 8] } }, 8), /missing dtype/]
    ]
    for (const [bytes, pattern] of cases) {
      const e = fileErrorOf(() => parseSafetensors(bytes, "dir/model.safetensors"))
      expect(e.file).toBe("dir/model.safetensors")
      expect(e.message).toMatch(/^dir\/model\.safetensors: /)
      expect(e.message).toMatch(pattern)
    }
    const file = parseSafetensors(rawFile(ok, 8), "f")
    expect(fileErrorOf(() => readTensor(file, "nope")).message).toMatch(/f: missing tensor nope/)
    expect(fileErrorOf(() => readTensor(file, "w", [1, 2])).message).toMatch(/shape mismatch, expected \[1, 2\], file has \[2\]/)
  })
})
