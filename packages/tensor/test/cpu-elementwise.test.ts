import { describe, expect, it } from "vitest"
import type { BinaryOp, UnaryOp } from "../src/backend/Kernel.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { InvalidKernelCall } from "../src/errors.ts"
import { f16BitsToF32, f32ToF16Bits } from "../src/f16.ts"
import { closeness, download, empty, permuteView, randomArray, upload } from "./support/views.ts"

const backend = makeCpuBackend()

const unaryRef: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  recip: (x) => 1 / x,
  square: (x) => x * x,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  silu: (x) => x / (1 + Math.exp(-x)),
  relu: (x) => Math.max(0, x),
  sin: Math.sin,
  cos: Math.cos
}

const binaryRef: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  max: Math.max,
  min: Math.min,
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b)
}

describe("cpu elementwise kernels", () => {
  it("fill writes a strided window only", async () => {
    const x = upload(backend, [1, 2, 3, 4, 5, 6], [2, 3])
    backend.dispatch({ kernel: "fill", out: { ...x, shape: [2], strides: [3], offset: 1 }, value: 9 })
    expect(await download(backend, x)).toEqual([1, 9, 3, 4, 9, 6])
  })

  it("copy materializes a transpose and converts f32 → f16 → f32 with rounding", async () => {
    const vals = randomArray(15, 1, 100)
    const x = upload(backend, vals, [3, 5])
    const t = empty(backend, [5, 3], "f16")
    backend.dispatch({ kernel: "copy", x: permuteView(x, [1, 0]), out: t })
    const back = empty(backend, [5, 3], "f32")
    backend.dispatch({ kernel: "copy", x: t, out: back })
    const got = await download(backend, back)
    const want = Array.from({ length: 15 }, (_, i) => vals[(i % 3) * 5 + Math.floor(i / 3)]!)
    // f16 keeps 11 significant bits: relative error ≤ 2^-11.
    expect(closeness(got, want, 0, 2 ** -11)).toBeLessThanOrEqual(1)
  })

  it("copy keeps i32 exact beyond 2^24 and broadcasts stride-0 inputs", async () => {
    const big = [2 ** 30 + 1, -(2 ** 31), 2 ** 31 - 1]
    const x = upload(backend, big, [3], "i32")
    const out = empty(backend, [2, 3], "i32")
    backend.dispatch({ kernel: "copy", x: { ...x, shape: [2, 3], strides: [0, 1] }, out })
    expect(await download(backend, out)).toEqual([...big, ...big])
  })

  it("unary ops match Math on f32 (rel 1e-6) and on f16 input (rel 2^-10)", async () => {
    const vals = randomArray(37, 2, 3).map((v) => v + 3.5) // positive, for log/sqrt
    for (const op of Object.keys(unaryRef) as Array<UnaryOp>) {
      const want = vals.map((v) => unaryRef[op](Math.fround(v)))
      const x = upload(backend, vals, [37])
      const out = empty(backend, [37])
      backend.dispatch({ kernel: "unary", op, x, out })
      expect(closeness(await download(backend, out), want, 1e-7, 1e-6), op).toBeLessThanOrEqual(1)
      const xh = upload(backend, vals, [37], "f16")
      const outh = empty(backend, [37], "f16")
      backend.dispatch({ kernel: "unary", op, x: xh, out: outh })
      // Against the op on the f16-rounded input; the f16 output adds ≤ 2^-11 relative error.
      const wantH = vals.map((v) => unaryRef[op](f16BitsToF32(f32ToF16Bits(v))))
      expect(closeness(await download(backend, outh), wantH, 1e-4, 2 ** -10), op).toBeLessThanOrEqual(1)
    }
  })

  it("sigmoid and silu stay finite for large |x|", async () => {
    const x = upload(backend, [-1000, 1000], [2])
    const out = empty(backend, [2])
    backend.dispatch({ kernel: "unary", op: "sigmoid", x, out })
    expect(await download(backend, out)).toEqual([0, 1])
  })

  it("binary ops broadcast through stride-0 views", async () => {
    const a = randomArray(4 * 3, 3, 2).map((v) => v + 2.5)
    const b = randomArray(3, 4, 2).map((v) => Math.round(v * 2) / 2 + 0.25)
    const av = upload(backend, a, [4, 3])
    const bv = upload(backend, b, [3])
    for (const op of Object.keys(binaryRef) as Array<BinaryOp>) {
      const out = empty(backend, [4, 3])
      backend.dispatch({ kernel: "binary", op, a: av, b: { ...bv, shape: [4, 3], strides: [0, 1] }, out })
      const want = a.map((x, i) => binaryRef[op](Math.fround(x), Math.fround(b[i % 3]!)))
      expect(closeness(await download(backend, out), want, 1e-7, 1e-6), op).toBeLessThanOrEqual(1)
    }
  })

  it("column (last stride 0) and scalar broadcasts read the right element", async () => {
    const a = randomArray(4 * 3, 5)
    const col = [0.5, -1.25, 2, 3.5]
    const av = upload(backend, a, [4, 3])
    const cv = upload(backend, col, [4])
    const out = empty(backend, [4, 3])
    backend.dispatch({ kernel: "binary", op: "sub", a: { ...cv, shape: [4, 3], strides: [1, 0] }, b: av, out })
    expect(await download(backend, out)).toEqual(a.map((x, i) => Math.fround(col[Math.floor(i / 3)]! - Math.fround(x))))
    backend.dispatch({ kernel: "binary", op: "mul", a: av, b: { ...cv, shape: [4, 3], strides: [0, 0], offset: cv.offset + 2 }, out })
    expect(await download(backend, out)).toEqual(a.map((x) => Math.fround(Math.fround(x) * 2)))
  })

  it("i32 binary ops wrap like 32-bit hardware", async () => {
    const a = upload(backend, [2 ** 30, 7, -7], [3], "i32")
    const b = upload(backend, [4, 2, 2], [3], "i32")
    const out = empty(backend, [3], "i32")
    backend.dispatch({ kernel: "binary", op: "mul", a, b, out })
    expect(await download(backend, out)).toEqual([0, 14, -14])
    backend.dispatch({ kernel: "binary", op: "div", a, b, out })
    expect(await download(backend, out)).toEqual([2 ** 28, 3, -3])
  })

  it("where selects by a broadcast condition", async () => {
    const cond = upload(backend, [1, 0, 1], [3])
    const a = upload(backend, [1, 2, 3, 4, 5, 6], [2, 3])
    const b = upload(backend, [-1], [1])
    const out = empty(backend, [2, 3])
    backend.dispatch({
      kernel: "where",
      cond: { ...cond, shape: [2, 3], strides: [0, 1] },
      a,
      b: { ...b, shape: [2, 3], strides: [0, 0] },
      out
    })
    expect(await download(backend, out)).toEqual([1, -1, 3, 4, -1, 6])
  })

  it("reduce sum/max/min over each axis of a permuted view, f64 reference (rel 1e-6)", async () => {
    const shape = [3, 5, 2]
    const vals = randomArray(30, 5, 10)
    const x = permuteView(upload(backend, vals, shape), [2, 0, 1]) // [2, 3, 5]
    const get = (i: number, j: number, k: number) => vals[(j * 5 + k) * 2 + i]!
    for (const op of ["sum", "max", "min"] as const) {
      for (let axis = 0; axis < 3; axis++) {
        const outShape = x.shape.map((d, i) => (i === axis ? 1 : d))
        const out = empty(backend, outShape)
        backend.dispatch({ kernel: "reduce", op, x, axis, out })
        const want: Array<number> = []
        for (let i = 0; i < outShape[0]!; i++) {
          for (let j = 0; j < outShape[1]!; j++) {
            for (let k = 0; k < outShape[2]!; k++) {
              const items: Array<number> = []
              for (let r = 0; r < x.shape[axis]!; r++) {
                items.push(get(axis === 0 ? r : i, axis === 1 ? r : j, axis === 2 ? r : k))
              }
              want.push(
                op === "sum" ? items.reduce((p, c) => p + Math.fround(c), 0) : op === "max" ? Math.max(...items) : Math.min(...items)
              )
            }
          }
        }
        expect(closeness(await download(backend, out), want, 1e-6, 1e-6), `${op} ${axis}`).toBeLessThanOrEqual(1)
      }
    }
  })

  it("argmax returns the first index on ties", async () => {
    const x = upload(backend, [1, 5, 5, 2, 7, 7, 0, -1], [2, 4])
    const out = empty(backend, [2, 1], "i32")
    backend.dispatch({ kernel: "argmax", x, axis: 1, out })
    expect(await download(backend, out)).toEqual([1, 0])
    const out0 = empty(backend, [1, 4], "i32")
    backend.dispatch({ kernel: "argmax", x, axis: 0, out: out0 })
    expect(await download(backend, out0)).toEqual([1, 1, 0, 0])
  })

  it("softmax and log-softmax rows match the f64 formula and are shift-stable (rel 1e-5)", async () => {
    const vals = randomArray(3 * 7, 6, 5).map((v, i) => v + (i < 7 ? 1000 : 0))
    const x = upload(backend, vals, [3, 7])
    for (const log of [false, true]) {
      const out = empty(backend, [3, 7])
      backend.dispatch({ kernel: "softmax", log, x, out })
      const want: Array<number> = []
      for (let r = 0; r < 3; r++) {
        const row = vals.slice(r * 7, r * 7 + 7).map(Math.fround)
        const m = Math.max(...row)
        const z = row.reduce((a, v) => a + Math.exp(v - m), 0)
        for (const v of row) want.push(log ? v - m - Math.log(z) : Math.exp(v - m) / z)
      }
      expect(closeness(await download(backend, out), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1)
    }
  })

  it("softmaxBackward equals the Jacobian-vector product (rel 1e-5)", async () => {
    const d = 6
    const yv = randomArray(2 * d, 7, 2)
    const dy = randomArray(2 * d, 8, 1)
    for (const log of [false, true]) {
      // y is a softmax (or log-softmax) output of these logits.
      const y: Array<number> = []
      for (let r = 0; r < 2; r++) {
        const row = yv.slice(r * d, r * d + d)
        const z = row.reduce((a, v) => a + Math.exp(v), 0)
        for (const v of row) y.push(log ? v - Math.log(z) : Math.exp(v) / z)
      }
      const out = empty(backend, [2, d])
      backend.dispatch({
        kernel: "softmaxBackward",
        log,
        y: upload(backend, y, [2, d]),
        dy: upload(backend, dy, [2, d]),
        dx: out
      })
      const want: Array<number> = []
      for (let r = 0; r < 2; r++) {
        const p = y.slice(r * d, r * d + d).map((v) => (log ? Math.exp(v) : v))
        for (let i = 0; i < d; i++) {
          let s = 0
          for (let j = 0; j < d; j++) {
            // d out_j / d x_i: softmax p_j(δij - p_i); log-softmax δij - p_i.
            const jac = log ? (i === j ? 1 : 0) - p[i]! : p[j]! * ((i === j ? 1 : 0) - p[i]!)
            s += dy[r * d + j]! * jac
          }
          want.push(s)
        }
      }
      expect(closeness(await download(backend, out), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1)
    }
  })

  it("rejects views outside their buffer with InvalidKernelCall", () => {
    const x = upload(backend, [1, 2, 3], [3])
    expect(() => backend.dispatch({ kernel: "fill", out: { ...x, shape: [4], strides: [1] }, value: 0 })).toThrow(
      InvalidKernelCall
    )
    expect(() =>
      backend.dispatch({ kernel: "binary", op: "add", a: x, b: { ...x, shape: [2], strides: [1] }, out: x })
    ).toThrow(InvalidKernelCall)
    // The message names every view and its shape.
    expect(() =>
      backend.dispatch({ kernel: "binary", op: "add", a: x, b: { ...x, shape: [2], strides: [1] }, out: x })
    ).toThrow("shapes differ: a [3], b [2], out [3]")
  })

  it("read rejects (never throws) for a range outside the buffer or a freed buffer", async () => {
    const b = makeCpuBackend()
    const h = b.allocate(8)
    b.write(h, new Float32Array([1, 2]))
    expect(Array.from(new Float32Array(await b.read(h, 4, 4)))).toEqual([2])
    await expect(b.read(h, 4, 8)).rejects.toThrow(InvalidKernelCall)
    await expect(b.read(h, -4, 4)).rejects.toThrow(InvalidKernelCall)
    b.free(h)
    let pending: Promise<ArrayBuffer> | undefined
    expect(() => (pending = b.read(h))).not.toThrow()
    await expect(pending).rejects.toThrow(/not live/)
  })

  it("tracks live bytes through allocate and free", () => {
    const b = makeCpuBackend()
    const h1 = b.allocate(10)
    const h2 = b.allocate(100)
    expect(b.memory()).toEqual({ liveBytes: h1.byteLength + h2.byteLength, pooledBytes: 0, liveBuffers: 2 })
    b.free(h1)
    b.free(h2)
    expect(b.memory().liveBytes).toBe(0)
  })
})
