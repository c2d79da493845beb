/**
 * Buffers larger than one storage binding (128 MiB on llvmpipe): views are bound through
 * windows of their buffer, and matmuls too large for one binding run as blocks.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../Backend.ts"
import { DTYPE_BYTES, type KernelCall, type View } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { Runtime } from "./Runtime.ts"

const isView = (x: unknown): x is View =>
  typeof x === "object" && x !== null && "buffer" in x && "strides" in x && "shape" in x && "offset" in x

/**
 * Bytes a view spans in its buffer (0 when empty).
 *
 * @since 0.1.0
 * @category utils
 */
export const spanBytes = (v: View): number => {
  if (v.shape.some((n) => n === 0)) return 0
  let lo = 0
  let hi = 0
  v.shape.forEach((n, d) => {
    const step = (n - 1) * v.strides[d]!
    if (step < 0) lo += step
    else hi += step
  })
  return (hi - lo + 1) * DTYPE_BYTES[v.dtype]
}

type MatmulCall = Extract<KernelCall, { kernel: "matmul" }>

/** The sub-view of rows [r0, r0 + rows) of axis `axis` of a view. */
const slice = (v: View, axis: number, start: number, size: number): View => ({
  ...v,
  shape: v.shape.map((n, d) => (d === axis ? size : n)),
  offset: v.offset + start * v.strides[axis]!
})

/**
 * A matmul whose operands or output span more than one binding, as blocks that each fit.
 * Each of a, b, out is cut along its outer (larger-stride) axis until its block fits: M and N
 * blocks partition the output, K blocks add up through `accumulate`. E.g. logits =
 * hidden · tableᵀ (N blocks of the 151936-row table) and its gradients, on llvmpipe's
 * 128 MiB bindings. Block sizes stay multiples of 64 where possible (vec4 alignment).
 *
 * @since 0.1.0
 * @category utils
 */
export const splitMatmul = (c: MatmulCall, maxBinding: number): Array<MatmulCall> => {
  const r = c.out.shape.length
  const full = { M: c.out.shape[r - 2]!, N: c.out.shape[r - 1]!, K: c.a.shape[r - 1]! }
  const size = { ...full }
  const fit = (n: number) => (n >= 128 ? Math.floor(n / 64) * 64 : Math.max(1, n))
  const blocks = () => ({
    a: slice(slice(c.a, r - 2, 0, size.M), r - 1, 0, size.K),
    b: slice(slice(c.b, r - 2, 0, size.K), r - 1, 0, size.N),
    out: slice(slice(c.out, r - 2, 0, size.M), r - 1, 0, size.N)
  })
  const outer = (v: View, rowDim: "M" | "K", colDim: "N" | "K"): "M" | "N" | "K" =>
    Math.abs(v.strides[r - 2]!) >= Math.abs(v.strides[r - 1]!) ? rowDim : colDim
  for (let guard = 0; guard < 200; guard++) {
    const bl = blocks()
    const over: Array<"M" | "N" | "K"> = []
    if (spanBytes(bl.a) > maxBinding) over.push(outer(c.a, "M", "K"))
    if (spanBytes(bl.b) > maxBinding) over.push(outer(c.b, "K", "N"))
    if (spanBytes(bl.out) > maxBinding) over.push(outer(c.out, "M", "N"))
    if (over.length === 0) break
    // Cut an outer axis that can still shrink; otherwise any axis that can.
    const dim = over.find((d) => size[d] > 1) ?? (["K", "M", "N"] as const).find((d) => size[d] > 1)
    if (dim === undefined) break
    size[dim] = fit(Math.ceil(size[dim] / 2))
  }
  const calls: Array<MatmulCall> = []
  for (let m0 = 0; m0 < full.M; m0 += size.M) {
    const mc = Math.min(size.M, full.M - m0)
    for (let n0 = 0; n0 < full.N; n0 += size.N) {
      const nc = Math.min(size.N, full.N - n0)
      // At least one K block: with K = 0 it is the call that zeroes this output block.
      let k0 = 0
      do {
        const kc = Math.min(size.K, full.K - k0)
        calls.push({
          kernel: "matmul",
          a: slice(slice(c.a, r - 2, m0, mc), r - 1, k0, kc),
          b: slice(slice(c.b, r - 2, k0, kc), r - 1, n0, nc),
          out: slice(slice(c.out, r - 2, m0, mc), r - 1, n0, nc),
          accumulate: k0 > 0 || c.accumulate === true
        })
        k0 += size.K
      } while (k0 < full.K)
    }
  }
  return calls
}

/**
 * Views into buffers larger than one binding may cover are rebased onto a window of the
 * buffer: per buffer, the union of the byte spans of its views in this call (one window,
 * so in-place calls still share one binding), aligned down to the offset alignment.
 *
 * @since 0.1.0
 * @category utils
 */
export const windowCall = (
  rt: Runtime,
  call: KernelCall,
  maxBinding: number,
  align: number
): { call: KernelCall; windows: Array<BufferHandle> } | undefined => {
  // Embedding tables (and the backward's dy, the scatter-write's out, the decode epilogue's
  // caches) are cut into row blocks by the kernels themselves.
  const own = call.kernel === "embedding"
    ? ["table"]
    : call.kernel === "embeddingBackward"
    ? ["dtable", "dy"]
    : call.kernel === "scatterRows"
    ? ["out"]
    : call.kernel === "ropeKvWrite"
    ? ["kCache", "vCache"]
    : []
  const entries = Object.entries(call).filter(([k]) => !own.includes(k))
  if (!entries.some(([, v]) => isView(v) && v.buffer.byteLength > maxBinding)) return undefined
  const spans = new Map<number, { buffer: BufferHandle; lo: number; hi: number }>()
  const spanOf = (v: View): [number, number] | undefined => {
    if (v.shape.some((n) => n === 0)) return undefined
    let lo = v.offset
    let hi = v.offset
    v.shape.forEach((n, d) => {
      const step = (n - 1) * v.strides[d]!
      if (step < 0) lo += step
      else hi += step
    })
    const e = DTYPE_BYTES[v.dtype]
    return [lo * e, (hi + 1) * e]
  }
  for (const [, v] of entries) {
    if (!isView(v) || v.buffer.byteLength <= maxBinding) continue
    const span = spanOf(v)
    if (span === undefined) continue
    const cur = spans.get(v.buffer.id)
    if (cur === undefined) spans.set(v.buffer.id, { buffer: v.buffer, lo: span[0], hi: span[1] })
    else spans.set(v.buffer.id, { buffer: v.buffer, lo: Math.min(cur.lo, span[0]), hi: Math.max(cur.hi, span[1]) })
  }
  const starts = new Map<number, { window: BufferHandle; start: number }>()
  for (const [id, s] of spans) {
    const start = Math.floor(s.lo / align) * align
    const size = Math.min(Math.ceil((s.hi - start) / 4) * 4, s.buffer.byteLength - start)
    if (size > maxBinding) {
      throw invalidCall(call.kernel, `views span ${size} bytes of one buffer, more than one binding (${maxBinding}); split the tensor`)
    }
    starts.set(id, { window: rt.window(s.buffer, start, size), start })
  }
  const rewritten: Record<string, unknown> = { ...call }
  for (const [k, v] of entries) {
    const w = isView(v) ? starts.get(v.buffer.id) : undefined
    rewritten[k] = w === undefined || !isView(v) ? v : { ...v, buffer: w.window, offset: v.offset - w.start / DTYPE_BYTES[v.dtype] }
  }
  return { call: rewritten as unknown as KernelCall, windows: [...starts.values()].map((w) => w.window) }
}

