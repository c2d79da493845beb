/**
 * Deferred fusion of small pointwise calls on WebGPU: random chains (fast-check) mixing
 * in-place ops, transposed / broadcast / strided / offset views, aliasing between calls
 * (read-after-write, write-after-read, write-after-write on one buffer), f16 and i32, and
 * reads, writes and frees in the middle of a chain give the same bytes fused as unfused,
 * and match the CPU reference within tolerance; groups split at the binding limit.
 */
import * as fc from "fast-check"
import { afterAll, beforeAll, expect, it } from "vitest"
import type { Backend, BufferHandle } from "../src/backend/Backend.ts"
import { type BinaryOp, type DType, DTYPE_BYTES, type KernelCall, type UnaryOp, type View } from "../src/backend/Kernel.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { makeWebGpuBackend, type WebGpuBackend } from "../src/backend/webgpu/index.ts"
import { fromF16Array, toF16Array } from "../src/f16.ts"
import { describeWebGpu, randoms } from "./webgpuHarness.ts"

const DTYPES: ReadonlyArray<DType> = ["f32", "f32", "f32", "f32", "f16", "f16", "i32", "i32"]

interface ViewSpec {
  readonly shape: ReadonlyArray<number>
  readonly strides: ReadonlyArray<number>
  readonly offset: number
}

/** Buffers of `len` elements; views a call may write (no element twice) and may read (the
 * written ones, at the same indices, plus broadcasts). */
interface World {
  readonly len: number
  readonly outViews: ReadonlyArray<ViewSpec>
  readonly inViews: ReadonlyArray<ViewSpec>
}

const SMALL_OUT: ReadonlyArray<ViewSpec> = [
  { shape: [8, 8], strides: [8, 1], offset: 0 },
  { shape: [8, 8], strides: [1, 8], offset: 0 }, // transposed
  { shape: [8, 8], strides: [9, 1], offset: 0 }, // strided rows
  { shape: [8, 8], strides: [8, 1], offset: 16 }, // offset
  { shape: [64], strides: [1], offset: 8 } // flat, coalesces to rank 1
]
/** Calls of 64 elements: groups run in one workgroup, or one element per invocation. */
const SMALL: World = {
  len: 80,
  outViews: SMALL_OUT,
  inViews: [
    ...SMALL_OUT,
    { shape: [8, 8], strides: [0, 1], offset: 5 }, // row broadcast
    { shape: [8, 8], strides: [1, 0], offset: 3 }, // column broadcast
    { shape: [64], strides: [0], offset: 7 } // scalar broadcast
  ]
}

const LARGE_OUT: ReadonlyArray<ViewSpec> = [
  { shape: [80, 80], strides: [80, 1], offset: 0 },
  { shape: [80, 80], strides: [1, 80], offset: 0 }, // transposed
  { shape: [80, 80], strides: [80, 1], offset: 100 }, // offset
  { shape: [6400], strides: [1], offset: 0 } // flat
]
/** Calls of 6400 elements (above the one-workgroup limit): fused only one element per
 * invocation (written buffers contiguous at one offset), else run call by call. */
const LARGE: World = {
  len: 6500,
  outViews: LARGE_OUT,
  inViews: [
    ...LARGE_OUT,
    { shape: [80, 80], strides: [0, 1], offset: 7 }, // row broadcast
    { shape: [6400], strides: [0], offset: 3 } // scalar broadcast
  ]
}

const sameView = (a: ViewSpec, b: ViewSpec) =>
  a.offset === b.offset && a.shape.join() === b.shape.join() && a.strides.join() === b.strides.join()

/** The [8, 8] views and the [64] views never mix within a call. */
const compatible = (a: ViewSpec, b: ViewSpec) => a.shape.length === b.shape.length

type Operand = { readonly buf: number; readonly view: number }

/** A step of a program over buffers 0..7 (dtypes DTYPES). */
type Step =
  | { readonly t: "fill"; readonly out: Operand; readonly value: number }
  | { readonly t: "copy"; readonly x: Operand; readonly out: Operand }
  | { readonly t: "unary"; readonly op: UnaryOp; readonly x: Operand; readonly out: Operand }
  | { readonly t: "binary"; readonly op: BinaryOp; readonly a: Operand; readonly b: Operand; readonly out: Operand }
  | { readonly t: "where"; readonly cond: Operand; readonly a: Operand; readonly b: Operand; readonly out: Operand }
  | { readonly t: "read"; readonly buf: number }
  | { readonly t: "write"; readonly buf: number; readonly seed: number }
  /** A scratch buffer: filled, read by a call into `out`, then freed mid-chain. */
  | { readonly t: "scratch"; readonly out: Operand; readonly value: number }
  | { readonly t: "flush" }

/** Full op set (for fused vs unfused, compared exactly): bounded, never NaN. */
const UNARY_ALL: ReadonlyArray<UnaryOp> = ["neg", "abs", "tanh", "sigmoid", "silu", "relu", "sin", "cos", "square"]
const BINARY_ALL: ReadonlyArray<BinaryOp> = ["add", "sub", "mul", "max", "min", "eq", "ne", "lt", "le", "gt", "ge"]
/** Continuous ops without large-argument trigonometry (for the CPU comparison). */
const UNARY_SMOOTH: ReadonlyArray<UnaryOp> = ["neg", "abs", "tanh", "sigmoid", "silu", "relu"]
const BINARY_SMOOTH: ReadonlyArray<BinaryOp> = ["add", "sub", "mul", "max", "min"]

const operandArb = (views: ReadonlyArray<ViewSpec>) =>
  fc.record({ buf: fc.integer({ min: 0, max: DTYPES.length - 1 }), view: fc.integer({ min: 0, max: views.length - 1 }) })

const stepArb = (smooth: boolean, world: World): fc.Arbitrary<Step> => {
  const inA = operandArb(world.inViews)
  const outA = operandArb(world.outViews)
  const value = fc.integer({ min: -8, max: 8 }).map((v) => v / 4)
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ t: fc.constant("fill" as const), out: outA, value }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("copy" as const), x: inA, out: outA }) },
    {
      weight: 6,
      arbitrary: fc.record({
        t: fc.constant("unary" as const),
        op: fc.constantFrom(...(smooth ? UNARY_SMOOTH : UNARY_ALL)),
        x: inA,
        out: outA
      })
    },
    {
      weight: 8,
      arbitrary: fc.record({
        t: fc.constant("binary" as const),
        op: fc.constantFrom(...(smooth ? BINARY_SMOOTH : BINARY_ALL)),
        a: inA,
        b: inA,
        out: outA
      })
    },
    { weight: 3, arbitrary: fc.record({ t: fc.constant("where" as const), cond: inA, a: inA, b: inA, out: outA }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("read" as const), buf: fc.integer({ min: 0, max: DTYPES.length - 1 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant("write" as const),
        buf: fc.integer({ min: 0, max: DTYPES.length - 1 }),
        seed: fc.integer({ min: 1, max: 1000 })
      })
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("scratch" as const), out: outA, value }) },
    { weight: 1, arbitrary: fc.constant({ t: "flush" as const }) }
  )
}

/** Whether a step is well defined: within one call a written buffer is read only through
 * the written view itself (otherwise the call races with itself on any parallel backend),
 * all views of a call have one rank, and the CPU comparison keeps to exact conversions. */
const wellDefined = (s: Step, smooth: boolean, world: World): boolean => {
  const { inViews, outViews } = world
  const check = (out: Operand, ins: ReadonlyArray<Operand>) =>
    ins.every((x) =>
      compatible(inViews[x.view]!, outViews[out.view]!) &&
      (x.buf !== out.buf || (x.view < outViews.length && sameView(inViews[x.view]!, outViews[out.view]!)))
    ) &&
    // Float to i32 truncates: a last-bit difference near an integer would flip it.
    (!smooth || DTYPES[out.buf] !== "i32" || ins.every((x) => DTYPES[x.buf] === "i32"))
  switch (s.t) {
    case "copy":
    case "unary":
      return check(s.out, [s.x])
    case "binary":
      // i32 products grow past f32's 24 exact bits within a chain (the GPU computes in f32).
      return check(s.out, [s.a, s.b]) && !(smooth && s.op === "mul" && DTYPES[s.out.buf] === "i32")
    case "where":
      return check(s.out, [s.cond, s.a, s.b])
    default:
      return true
  }
}

/** Moves a random step onto a well-defined one (so few steps are dropped): inputs take a
 * view of the output's rank, an input in the written buffer reads through the written view
 * (in place), and for the CPU comparison i32 outputs come from i32 inputs by add, not mul. */
const repair = (s: Step, smooth: boolean, world: World): Step => {
  const { inViews, outViews } = world
  const fixOut = (out: Operand, ins: ReadonlyArray<Operand>): Operand =>
    smooth && DTYPES[out.buf] === "i32" && ins.some((x) => DTYPES[x.buf] !== "i32") ? { buf: out.buf % 4, view: out.view } : out
  const fixIn = (x: Operand, out: Operand): Operand => {
    const o = outViews[out.view]!
    let view = x.view
    if (!compatible(inViews[view]!, o)) {
      const same = inViews.flatMap((v, i) => (compatible(v, o) ? [i] : []))
      view = same[view % same.length]!
    }
    // inViews starts with outViews, so an output view index is the same input view.
    if (x.buf === out.buf) view = out.view
    return { buf: x.buf, view }
  }
  switch (s.t) {
    case "copy":
    case "unary": {
      const out = fixOut(s.out, [s.x])
      return { ...s, out, x: fixIn(s.x, out) }
    }
    case "binary": {
      const out = fixOut(s.out, [s.a, s.b])
      const op = smooth && s.op === "mul" && DTYPES[out.buf] === "i32" ? "add" : s.op
      return { ...s, op, out, a: fixIn(s.a, out), b: fixIn(s.b, out) }
    }
    case "where": {
      const out = fixOut(s.out, [s.cond, s.a, s.b])
      return { ...s, out, cond: fixIn(s.cond, out), a: fixIn(s.a, out), b: fixIn(s.b, out) }
    }
    default:
      return s
  }
}

const initial = (buf: number, seed: number, len: number): Array<number> => {
  const d = DTYPES[buf]!
  return Array.from(d === "i32" ? randoms(len, seed + buf, -4, 4).map(Math.round) : randoms(len, seed + buf, -1, 1))
}

const encode = (values: ReadonlyArray<number>, dtype: DType): ArrayBufferView =>
  dtype === "f32" ? Float32Array.from(values) : dtype === "i32" ? Int32Array.from(values) : toF16Array(values)

const decode = (bytes: ArrayBuffer, dtype: DType): Array<number> =>
  dtype === "f32"
    ? Array.from(new Float32Array(bytes))
    : dtype === "i32"
    ? Array.from(new Int32Array(bytes))
    : Array.from(fromF16Array(new Uint16Array(bytes)))

/** Runs a program on one backend; returns every read (mid-chain and final) in order. */
const execute = async (be: Backend, steps: ReadonlyArray<Step>, world: World): Promise<Array<Array<number>>> => {
  const LEN = world.len
  const bufs: Array<BufferHandle> = DTYPES.map((d, i) => {
    const b = be.allocate(LEN * (d === "f16" ? 2 : 4))
    be.write(b, encode(initial(i, 7, LEN), d))
    return b
  })
  const view = (o: Operand, views: ReadonlyArray<ViewSpec>): View => ({ buffer: bufs[o.buf]!, dtype: DTYPES[o.buf]!, ...views[o.view]! })
  const I = (o: Operand) => view(o, world.inViews)
  const O = (o: Operand) => view(o, world.outViews)
  const reads: Array<Array<number>> = []
  // Pools round buffer sizes up: read only the elements the program owns.
  const readBuf = async (i: number) => reads.push(decode(await be.read(bufs[i]!, 0, LEN * DTYPE_BYTES[DTYPES[i]!]), DTYPES[i]!))
  for (const s of steps) {
    let call: KernelCall | undefined
    switch (s.t) {
      case "fill":
        call = { kernel: "fill", out: O(s.out), value: DTYPES[s.out.buf] === "i32" ? Math.round(s.value * 4) : s.value }
        break
      case "copy":
        call = { kernel: "copy", x: I(s.x), out: O(s.out) }
        break
      case "unary":
        call = { kernel: "unary", op: s.op, x: I(s.x), out: O(s.out) }
        break
      case "binary":
        call = { kernel: "binary", op: s.op, a: I(s.a), b: I(s.b), out: O(s.out) }
        break
      case "where":
        call = { kernel: "where", cond: I(s.cond), a: I(s.a), b: I(s.b), out: O(s.out) }
        break
      case "read":
        await readBuf(s.buf)
        break
      case "write":
        be.write(bufs[s.buf]!, encode(initial(s.buf, s.seed, LEN), DTYPES[s.buf]!))
        break
      case "scratch": {
        const tmp = be.allocate(64 * 4)
        const t: View = { buffer: tmp, dtype: "f32", shape: [64], strides: [1], offset: 0 }
        be.dispatch({ kernel: "fill", out: t, value: s.value })
        const o = O(s.out)
        be.dispatch({ kernel: "binary", op: "add", a: o, b: { ...t, shape: o.shape, strides: o.shape.map(() => 0) }, out: o })
        be.free(tmp)
        break
      }
      case "flush":
        be.flush()
        break
    }
    if (call !== undefined) be.dispatch(call)
  }
  for (let i = 0; i < bufs.length; i++) await readBuf(i)
  for (const b of bufs) be.free(b)
  return reads
}

const bits = (xs: ReadonlyArray<number>) => xs.map((x) => (Number.isNaN(x) ? "NaN" : Object.is(x, -0) ? "0" : String(x)))

describeWebGpu("webgpu fusion", {
  timeout: 120_000
}, () => {
  let plain: WebGpuBackend
  let fused: WebGpuBackend
  let plainEmulated: WebGpuBackend
  let emulated: WebGpuBackend
  const cpu = makeCpuBackend()
  beforeAll(async () => {
    plain = await makeWebGpuBackend({ label: "unfused", fuse: false })
    // Every group fuses (no repeat needed) and groups stay short, so programs split often.
    fused = await makeWebGpuBackend({ label: "fused", fuseAfter: 1, fuseMaxOps: 6 })
    plainEmulated = await makeWebGpuBackend({ label: "unfused-packed-f16", fuse: false, emulateF16: true })
    emulated = await makeWebGpuBackend({ label: "fused-packed-f16", fuseAfter: 1, fuseMaxOps: 6, emulateF16: true })
  })
  afterAll(() => {
    plain?.dispose()
    fused?.dispose()
    plainEmulated?.dispose()
    emulated?.dispose()
    cpu.dispose()
  })

  const programArb = (smooth: boolean, world: World = SMALL) =>
    fc.array(stepArb(smooth, world), { minLength: 8, maxLength: 30 }).map((steps) =>
      steps.map((s) => repair(s, smooth, world)).filter((s) => wellDefined(s, smooth, world))
    )

  it("fused chains give the same bytes as unfused ones (f32, f16 native and packed, i32)", async () => {
    const before = fused.stats()
    await fc.assert(
      fc.asyncProperty(programArb(false), async (steps) => {
        const want = await execute(plain, steps, SMALL)
        const got = await execute(fused, steps, SMALL)
        const wantPacked = await execute(plainEmulated, steps, SMALL)
        const packed = await execute(emulated, steps, SMALL)
        expect(got.length).toBe(want.length)
        for (let r = 0; r < want.length; r++) {
          // Same WGSL expressions on the same device: exact (NaN compared as NaN).
          expect(bits(got[r]!)).toEqual(bits(want[r]!))
          expect(bits(packed[r]!)).toEqual(bits(wantPacked[r]!))
        }
      }),
      { numRuns: 8, seed: 20261127 }
    )
    const after = fused.stats()
    expect(after.fusedGroups).toBeGreaterThan(before.fusedGroups)
    expect(after.fusedOps - before.fusedOps).toBeGreaterThan(2 * (after.fusedGroups - before.fusedGroups) - 1)
  })

  it("fused chains match the CPU reference", async () => {
    await fc.assert(
      fc.asyncProperty(programArb(true), async (steps) => {
        const want = await execute(cpu, steps, SMALL)
        const got = await execute(fused, steps, SMALL)
        for (let r = 0; r < want.length; r++) {
          for (let i = 0; i < want[r]!.length; i++) {
            const w = want[r]![i]!
            const g = got[r]![i]!
            // f32: transcendental functions differ by a few ulp and chains add a few more;
            // f16 results also round to 11 bits (2^-11 relative) at every store.
            const tol = 2e-2 * Math.max(1, Math.abs(w))
            expect(Math.abs(g - w), `read ${r} element ${i}: gpu ${g} cpu ${w}`).toBeLessThanOrEqual(tol)
          }
        }
      }),
      { numRuns: 8, seed: 7 }
    )
  })

  it("fuses large calls one element per invocation, and only where that is exact", async () => {
    const before = fused.stats()
    await fc.assert(
      fc.asyncProperty(programArb(false, LARGE), async (steps) => {
        const want = await execute(plain, steps, LARGE)
        const got = await execute(fused, steps, LARGE)
        const wantPacked = await execute(plainEmulated, steps, LARGE)
        const packed = await execute(emulated, steps, LARGE)
        for (let r = 0; r < want.length; r++) {
          expect(bits(got[r]!)).toEqual(bits(want[r]!))
          expect(bits(packed[r]!)).toEqual(bits(wantPacked[r]!))
        }
      }),
      { numRuns: 4, seed: 4242 }
    )
    expect(fused.stats().fusedGroups).toBeGreaterThan(before.fusedGroups)
  })

  it("keeps read-after-write, write-after-read and write-after-write order inside one group", async () => {
    const n = 8
    const run = async (be: Backend) => {
      const a = be.allocate(n * n * 4)
      const b = be.allocate(n * n * 4)
      const x = be.allocate(n * n * 4)
      be.write(x, Float32Array.from(randoms(n * n, 5)))
      const V = (buf: BufferHandle, strides: Array<number> = [n, 1], offset = 0): View => ({ buffer: buf, dtype: "f32", shape: [n, n], strides, offset })
      const s0 = (be as WebGpuBackend).stats?.()
      be.dispatch({ kernel: "fill", out: V(a), value: 0.5 })
      be.dispatch({ kernel: "binary", op: "add", a: V(x), b: V(a), out: V(a) }) // RAW on a
      be.dispatch({ kernel: "binary", op: "mul", a: V(a, [1, n]), b: V(x, [0, 1]), out: V(b) }) // RAW, a transposed
      be.dispatch({ kernel: "binary", op: "sub", a: V(b), b: V(x, [0, 1], 3), out: V(a) }) // WAR + WAW on a
      be.dispatch({ kernel: "unary", op: "tanh", x: V(a, [1, n]), out: V(b) }) // WAW on b, a transposed
      be.dispatch({ kernel: "where", cond: V(x), a: V(b), b: V(a, [1, n]), out: V(x) }) // in place on x
      const out = [a, b, x].map(async (buf) => Array.from(new Float32Array(await be.read(buf, 0, n * n * 4))))
      const res = await Promise.all(out)
      const s1 = (be as WebGpuBackend).stats?.()
      for (const buf of [a, b, x]) be.free(buf)
      return { res, groups: s0 === undefined || s1 === undefined ? 0 : s1.fusedGroups - s0.fusedGroups }
    }
    const want = await run(plain)
    const got = await run(fused)
    const ref = await run(cpu)
    // All six calls write 64 elements each: one group, one workgroup (fuseMaxOps 6).
    expect(got.groups).toBe(1)
    expect(got.res).toEqual(want.res)
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < n * n; i++) {
        // f32 tanh differs from Math.tanh by a few ulp.
        expect(Math.abs(got.res[r]![i]! - ref.res[r]![i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.res[r]![i]!)))
      }
    }
  })

  it("fuses every unary and binary op, pow's helper included, with the unfused results", async () => {
    const UNARY: ReadonlyArray<UnaryOp> = ["neg", "abs", "exp", "log", "sqrt", "rsqrt", "recip", "square", "tanh", "sigmoid", "silu", "relu", "sin", "cos"]
    const BINARY: ReadonlyArray<BinaryOp> = ["add", "sub", "mul", "div", "pow", "max", "min", "eq", "ne", "lt", "le", "gt", "ge"]
    const n = 48
    const run = async (be: WebGpuBackend) => {
      const x = be.allocate(n * 4)
      const y = be.allocate(n * 4)
      const h = be.allocate(n * 2)
      // Positive and negative, integral and not: covers log/sqrt domains and pow's sign rules.
      be.write(x, Float32Array.from(randoms(n, 3, -3, 3).map((v, i) => (i % 4 === 0 ? Math.round(v) : v))))
      be.write(y, Float32Array.from(randoms(n, 4, -3, 3).map((v, i) => (i % 3 === 0 ? Math.round(v) : v))))
      const outs: Array<BufferHandle> = []
      const v = (b: BufferHandle, dtype: DType = "f32"): View => ({ buffer: b, dtype, shape: [n], strides: [1], offset: 0 })
      const calls: Array<KernelCall> = []
      for (const op of UNARY) {
        const o = be.allocate(n * 4)
        outs.push(o)
        calls.push({ kernel: "unary", op, x: v(x), out: v(o) })
      }
      for (const op of BINARY) {
        const o = be.allocate(n * 4)
        outs.push(o)
        calls.push({ kernel: "binary", op, a: v(x), b: v(y), out: v(o) })
      }
      calls.push({ kernel: "binary", op: "pow", a: v(x), b: v(y), out: v(h, "f16") })
      // Groups of six calls (fuseMaxOps) stay under the binding limit; fuseAfter 1 fuses them on
      // this first run.
      for (const c of calls) be.dispatch(c)
      const res: Array<Array<string>> = []
      for (const o of outs) res.push(bits(Array.from(new Float32Array(await be.read(o, 0, n * 4)))))
      res.push(bits(decode(await be.read(h, 0, n * 2), "f16")))
      for (const b of [x, y, h, ...outs]) be.free(b)
      return res
    }
    const before = fused.stats().fusedOps
    const want = await run(plain)
    const got = await run(fused)
    expect(fused.stats().fusedOps - before).toBeGreaterThan(20)
    expect(got).toEqual(want)
  })

  it("splits a group at the storage-buffer binding limit", async () => {
    const limit = fused.info.limits.maxStorageBuffersPerShaderStage
    const count = limit + 4
    const n = 32
    const run = async (be: WebGpuBackend) => {
      const bufs = Array.from({ length: count }, (_, i) => {
        const b = be.allocate(n * 4)
        be.write(b, Float32Array.from(randoms(n, 100 + i)))
        return b
      })
      const v = (b: BufferHandle): View => ({ buffer: b, dtype: "f32", shape: [n], strides: [1], offset: 0 })
      const s0 = be.stats()
      // Each call reads its predecessor's buffer: the chain touches `count` buffers.
      for (let rep = 0; rep < 2; rep++) {
        for (let i = 1; i < count; i++) {
          be.dispatch({ kernel: "binary", op: "add", a: v(bufs[i - 1]!), b: v(bufs[i]!), out: v(bufs[i]!) })
        }
      }
      const out = new Float32Array(await be.read(bufs[count - 1]!, 0, n * 4))
      const s1 = be.stats()
      for (const b of bufs) be.free(b)
      return { out: Array.from(out), groups: s1.fusedGroups - s0.fusedGroups }
    }
    const big = await makeWebGpuBackend({ label: "fused-big", fuseAfter: 1, fuseMaxOps: 64 })
    try {
      const want = await run(plain)
      const got = await run(big)
      expect(got.out).toEqual(want.out)
      // 2 (count - 1) calls, at most `limit` buffers per group: at least 3 groups.
      expect(got.groups).toBeGreaterThanOrEqual(3)
    } finally {
      big.dispose()
    }
  })

  it("compiles a group only once it repeats (fuseAfter), then reuses the pipeline", async () => {
    const be = await makeWebGpuBackend({ label: "fuse-after" })
    try {
      const n = 256
      const a = be.allocate(n * 4)
      const b = be.allocate(n * 4)
      be.write(a, Float32Array.from(randoms(n, 1)))
      be.write(b, Float32Array.from(randoms(n, 2)))
      const v: View = { buffer: a, dtype: "f32", shape: [n], strides: [1], offset: 0 }
      const step = () => {
        be.dispatch({ kernel: "binary", op: "add", a: v, b: { ...v, buffer: b }, out: v })
        be.dispatch({ kernel: "unary", op: "tanh", x: v, out: v })
        be.dispatch({ kernel: "binary", op: "mul", a: { ...v, shape: [16, 16], strides: [1, 16] }, b: { ...v, buffer: b, shape: [16, 16], strides: [16, 1] }, out: { ...v, buffer: b, shape: [16, 16], strides: [16, 1] } })
      }
      const s0 = be.stats()
      step()
      await be.read(a, 0, 4)
      const s1 = be.stats()
      expect(s1.fusedGroups - s0.fusedGroups).toBe(0)
      expect(s1.dispatches - s0.dispatches).toBe(3)
      step()
      await be.read(a, 0, 4)
      step()
      await be.read(a, 0, 4)
      const s2 = be.stats()
      expect(s2.fusedGroups - s1.fusedGroups).toBe(2)
      expect(s2.fusedOps - s1.fusedOps).toBe(6)
      expect(s2.dispatches - s1.dispatches).toBe(2)
      be.free(a)
      be.free(b)
    } finally {
      be.dispose()
    }
  })
})
