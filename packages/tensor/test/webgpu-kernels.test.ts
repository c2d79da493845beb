/**
 * Every WebGPU kernel against the CPU reference backend, on awkward shapes (1, primes,
 * non-multiples of tile sizes), strided / transposed / broadcast views, f32 and f16.
 * Tolerances are stated at each assertion: |gpu - cpu| <= atol + rtol·|cpu|.
 */
import fc from "fast-check"
import { afterAll, beforeAll, expect, it } from "vitest"
import type { BinaryOp, DType, UnaryOp } from "../src/backend/Kernel.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { makeWebGpuBackend, type WebGpuBackend } from "../src/backend/webgpu/index.ts"
import {
  close,
  describeWebGpu,
  type Pair,
  permute,
  randoms,
  run,
  scratch,
  upload,
  view
} from "./webgpuHarness.ts"

let gpu: WebGpuBackend
let p: Pair

describeWebGpu("webgpu kernels vs cpu", {
  // Cold shader compilation on llvmpipe (no Mesa disk cache, as in CI) takes seconds per kernel.
  timeout: 120_000
}, () => {
  beforeAll(async () => {
    gpu = await makeWebGpuBackend({ label: "test" })
    p = { cpu: makeCpuBackend(), gpu }
  })
  afterAll(() => {
    gpu?.dispose()
  })

  it("reports the adapter and its limits", () => {
    expect(gpu.info.name).toBe("webgpu")
    expect(gpu.info.adapter.length).toBeGreaterThan(0)
    expect(gpu.info.limits.maxStorageBufferBindingSize).toBeGreaterThan(0)
  })

  it("fill and copy across dtypes, strides, broadcast and odd f16 counts", async () => {
    for (const dt of ["f32", "f16", "i32"] as const) {
      const o = scratch(p, 35, dt)
      // Every other element of a [5, 7] view: the untouched ones must keep their contents.
      run(p, (V) => ({ kernel: "fill", out: V(view(o, [3, 5], [10, 2], 3)), value: dt === "i32" ? -7 : 2.5 }))
      await close(p, o, 0, 0) // exact: a constant
    }
    const x = upload(p, randoms(7 * 5, 1, -4, 4))
    for (const to of ["f32", "f16", "i32"] as const) {
      const o = scratch(p, 7 * 5, to)
      // Transposed read, converting; f16 rounds to nearest even on both sides (exact match expected),
      // i32 truncates toward zero.
      run(p, (V) => ({ kernel: "copy", x: V(permute(view(x, [7, 5]), [1, 0])), out: V(view(o, [5, 7])) }))
      await close(p, o, 0, 0)
    }
    const h = upload(p, randoms(9, 2, -2, 2), "f16")
    const o = scratch(p, 13, "f16")
    // Odd element count at an odd offset: neighbouring halves of shared words must survive.
    run(p, (V) => ({ kernel: "copy", x: V(view(h, [9])), out: V(view(o, [9], [1], 3)) }))
    await close(p, o, 0, 0)
    const ii = upload(p, [2147483647, -5, 16777217, 3], "i32")
    const io = scratch(p, 8, "i32")
    // i32 -> i32 is exact (no f32 round trip), broadcast along a stride-0 axis.
    run(p, (V) => ({ kernel: "copy", x: V(view(ii, [2, 4], [0, 1])), out: V(view(io, [2, 4])) }))
    await close(p, io, 0, 0)
  })

  it("write at odd f16 offsets keeps neighbouring halves", async () => {
    const d = upload(p, randoms(11, 3), "f16")
    const bits = new Uint16Array([0x3c00, 0xc000, 0x4200])
    p.cpu.write(d.cpu, bits, 2)
    p.gpu.write(d.gpu, bits, 2)
    await close(p, d, 0, 0)
  })

  const UNARY: ReadonlyArray<UnaryOp> = [
    "neg", "abs", "exp", "log", "sqrt", "rsqrt", "recip", "square", "tanh", "sigmoid", "silu", "relu", "sin", "cos"
  ]
  it("unary ops on a transposed view, f32 and f16", async () => {
    for (const dt of ["f32", "f16"] as const) {
      const positive = upload(p, randoms(6 * 11, 4, 0.05, 4), dt)
      const signed = upload(p, randoms(6 * 11, 5, -6, 6), dt)
      for (const op of UNARY) {
        const x = ["log", "sqrt", "rsqrt", "recip"].includes(op) ? positive : signed
        const o = scratch(p, 6 * 11, dt)
        run(p, (V) => ({ kernel: "unary", op, x: V(permute(view(x, [11, 6]), [1, 0])), out: V(view(o, [6, 11])) }))
        // f32: GPU transcendental functions are accurate to a few ulp (WGSL allows more for
        // exp/log of large arguments): atol 1e-5, rtol 2e-5. f16 output: 1 ulp is 2^-10 relative.
        if (dt === "f32") await close(p, o, 1e-5, 2e-5)
        else await close(p, o, 1e-3, 2e-3)
      }
    }
  })

  const BINARY: ReadonlyArray<BinaryOp> = ["add", "sub", "mul", "div", "pow", "max", "min", "eq", "ne", "lt", "le", "gt", "ge"]
  it("binary ops with broadcasting and permuted operands (property, random shapes)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...BINARY),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom<DType>("f32", "f16"),
        async (shape, op, seed, dt) => {
          const n = shape.reduce((a, b) => a * b, 1)
          // pow: positive base keeps the reference well defined; a: reversed axes; b: broadcast
          // along axis 0 (stride 0) with small integers so comparisons see ties.
          const a = upload(p, randoms(n, seed, op === "pow" ? 0.1 : -3, 3).map((v) => (op === "pow" ? v : Math.round(v * 2) / 2)), dt)
          const b = upload(p, randoms(n, seed + 1, -2, 2).map((v) => Math.round(v * 2) / 2), dt)
          const rev = shape.map((_, i) => shape.length - 1 - i)
          const aView = permute(view(a, [...shape].reverse()), rev)
          const bStrides = view(b, shape).strides.map((s, i) => (i === 0 ? 0 : s))
          const o = scratch(p, n, dt)
          run(p, (V) => ({ kernel: "binary", op, a: V(aView), b: V(view(b, shape, bStrides)), out: V(view(o, shape)) }))
          // f32 rtol 1e-5 (pow goes through exp2/log2); f16 outputs: 1 ulp (2^-10 relative).
          if (dt === "f32") await close(p, o, 1e-6, 1e-5)
          else await close(p, o, 1e-3, 1e-3)
        }
      ),
      { numRuns: 30 }
    )
  })

  it("binary pow with negative bases and integral exponents", async () => {
    const a = upload(p, [-2, -3, 0, 0, 1.5, -1.5])
    const b = upload(p, [2, 3, 0, 2, -1, 0.5])
    const o = scratch(p, 6)
    run(p, (V) => ({ kernel: "binary", op: "pow", a: V(view(a, [6])), b: V(view(b, [6])), out: V(view(o, [6])) }))
    await close(p, o, 1e-6, 1e-6) // exact up to exp2/log2 rounding; (-1.5)^0.5 is NaN on both
  })

  it("where with a broadcast condition", async () => {
    const cond = upload(p, [1, 0, 0, 1, 1])
    const a = upload(p, randoms(3 * 5, 6))
    const b = upload(p, randoms(3 * 5, 7))
    const o = scratch(p, 15)
    run(p, (V) => ({
      kernel: "where",
      cond: V(view(cond, [3, 5], [0, 1])),
      a: V(view(a, [3, 5])),
      b: V(permute(view(b, [5, 3]), [1, 0])),
      out: V(view(o, [3, 5]))
    }))
    await close(p, o, 0, 0) // exact: a selection
  })

  it("reduce sum/max/min and argmax over every axis, short and long", async () => {
    const shapes: ReadonlyArray<ReadonlyArray<number>> = [[3, 70, 5], [2, 1, 1000], [1], [4, 257]]
    for (const shape of shapes) {
      const n = shape.reduce((a, b) => a * b, 1)
      // Rounded values make ties likely (argmax must pick the first).
      const x = upload(p, randoms(n, n, -4, 4).map((v) => Math.round(v * 4) / 4))
      for (let axis = 0; axis < shape.length; axis++) {
        const outShape = shape.map((s, d) => (d === axis ? 1 : s))
        const m = outShape.reduce((a, b) => a * b, 1)
        for (const op of ["sum", "max", "min"] as const) {
          const o = scratch(p, m)
          run(p, (V) => ({ kernel: "reduce", op, x: V(view(x, shape)), axis, out: V(view(o, outShape)) }))
          // f32 accumulation over ≤ 1000 terms of |v| ≤ 4 (CPU accumulates in f64): atol 1e-4.
          await close(p, o, 1e-4, 1e-6)
        }
        const k = scratch(p, m, "i32")
        run(p, (V) => ({ kernel: "argmax", x: V(view(x, shape)), axis, out: V(view(k, outShape)) }))
        await close(p, k, 0, 0) // exact indices, first on ties
      }
    }
  })
})
