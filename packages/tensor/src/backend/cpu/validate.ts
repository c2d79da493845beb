/**
 * Contract checks for kernel calls (shapes, dtypes, bounds), shared by backends: a call
 * that breaks `Kernel.ts` throws `InvalidKernelCall` instead of reading garbage.
 *
 * @since 0.1.0
 */
import { InvalidKernelCall } from "../../errors.ts"
import { DTYPE_BYTES, type KernelCall, type View } from "../Kernel.ts"
import { isRowMajor, numel, sameShape, showShape } from "../../tensor/shape.ts"

const fail = (kernel: string, message: string): never => {
  throw new InvalidKernelCall({ kernel, message })
}

/** Fails unless every named view has the first one's shape; the message lists each shape. */
const needSameShapes = (kernel: string, views: Readonly<Record<string, View>>): void => {
  const entries = Object.entries(views)
  const first = entries[0]![1].shape
  if (entries.some(([, v]) => !sameShape(v.shape, first))) {
    fail(kernel, `shapes differ: ${entries.map(([name, v]) => `${name} ${showShape(v.shape)}`).join(", ")}`)
  }
}

/** Checks that every element a view can address lies inside its buffer. @since 0.1.0 */
export const checkView = (kernel: string, name: string, v: View): void => {
  if (v.shape.length !== v.strides.length) fail(kernel, `${name}: shape and strides differ in rank`)
  if (!(v.dtype in DTYPE_BYTES)) fail(kernel, `${name}: unknown dtype ${String(v.dtype)}`)
  if (numel(v.shape) === 0) return
  let lo = v.offset
  let hi = v.offset
  for (let d = 0; d < v.shape.length; d++) {
    const size = v.shape[d]!
    const stride = v.strides[d]!
    if (!Number.isInteger(size) || size < 0 || !Number.isInteger(stride)) fail(kernel, `${name}: bad shape/stride`)
    if (stride > 0) hi += stride * (size - 1)
    else lo += stride * (size - 1)
  }
  const capacity = Math.floor(v.buffer.byteLength / DTYPE_BYTES[v.dtype])
  if (lo < 0 || hi >= capacity) {
    fail(kernel, `${name}: elements [${lo}, ${hi}] outside a buffer of ${capacity} ${v.dtype}`)
  }
}

const need = (kernel: string, ok: boolean, message: string): void => {
  if (!ok) fail(kernel, message)
}

/** Validates a call against its contract. @since 0.1.0 */
export const validate = (call: KernelCall): void => {
  const k = call.kernel
  for (const [name, value] of Object.entries(call)) {
    if (typeof value === "object" && value !== null && "buffer" in value && "shape" in value) checkView(k, name, value as View)
  }
  switch (call.kernel) {
    case "copy":
    case "unary":
      needSameShapes(k, { x: call.x, out: call.out })
      break
    case "binary":
      needSameShapes(k, { a: call.a, b: call.b, out: call.out })
      break
    case "where":
      needSameShapes(k, { cond: call.cond, a: call.a, b: call.b, out: call.out })
      break
    case "reduce":
    case "argmax": {
      const r = call.x.shape.length
      need(k, call.axis >= 0 && call.axis < r, "axis out of range")
      need(k, sameShape(call.out.shape, call.x.shape.map((d, i) => i === call.axis ? 1 : d)), "out must be x with axis size 1")
      if (call.kernel === "argmax") need(k, call.out.dtype === "i32", "argmax out must be i32")
      break
    }
    case "matmul": {
      const { a, b, out } = call
      const r = out.shape.length
      need(k, r >= 2 && a.shape.length >= 2 && b.shape.length >= 2, "operands need rank >= 2")
      need(k, a.shape.length <= r && b.shape.length <= r, "operand rank exceeds out rank")
      need(k, isRowMajor(out.shape, out.strides) && out.dtype !== "i32", "out must be contiguous float")
      const M = out.shape[r - 2]
      const N = out.shape[r - 1]
      need(k, a.shape[a.shape.length - 2] === M && b.shape[b.shape.length - 1] === N, "M or N mismatch")
      need(k, a.shape[a.shape.length - 1] === b.shape[b.shape.length - 2], "K mismatch")
      for (let d = 0; d < r - 2; d++) {
        const ad = d - (r - a.shape.length)
        const bd = d - (r - b.shape.length)
        need(k, ad < 0 || a.shape[ad] === out.shape[d], "a batch dims not broadcast to out")
        need(k, bd < 0 || b.shape[bd] === out.shape[d], "b batch dims not broadcast to out")
      }
      break
    }
    case "softmax":
      needSameShapes(k, { x: call.x, out: call.out })
      need(k, isRowMajor(call.x.shape, call.x.strides) && isRowMajor(call.out.shape, call.out.strides), "x and out must be contiguous")
      break
    case "softmaxBackward":
      needSameShapes(k, { y: call.y, dy: call.dy, dx: call.dx })
      break
    case "addRmsnorm":
    case "rmsnorm":
    case "rmsnormBackward": {
      if (call.kernel === "addRmsnorm") needSameShapes(k, { x: call.x, residual: call.residual, sum: call.sum, out: call.out })
      const d = call.x.shape[call.x.shape.length - 1]
      need(k, call.weight.shape.length === 1 && call.weight.shape[0] === d, "weight must be [d]")
      need(k, numel(call.rstd.shape) * (d ?? 1) === numel(call.x.shape), "rstd must have one entry per row")
      need(k, call.rstd.dtype === "f32", "rstd must be f32")
      break
    }
    case "siluMul":
      needSameShapes(k, { gate: call.gate, up: call.up, out: call.out })
      break
    case "siluMulBackward":
      needSameShapes(k, { gate: call.gate, up: call.up, dy: call.dy, dgate: call.dgate, dup: call.dup })
      break
    case "rope":
      need(k, call.x.shape.length === 4 && sameShape(call.x.shape, call.out.shape), "x, out must be [B, H, T, D]")
      need(k, (call.x.shape[3]! & 1) === 0, "D must be even")
      need(
        k,
        call.positions.dtype === "i32" && sameShape(call.positions.shape, [call.x.shape[0]!, call.x.shape[2]!]),
        "positions must be i32 [B, T]"
      )
      break
    case "ropeKvWrite": {
      const [B, T, Hq, D] = call.q.shape as [number, number, number, number]
      const Hkv = call.k.shape[2]!
      need(k, call.q.shape.length === 4 && sameShape(call.qOut.shape, call.q.shape), "q and qOut must be [B, T, Hq, D]")
      need(k, (D & 1) === 0, "D must be even")
      needSameShapes(k, { k: call.k, v: call.v })
      need(k, sameShape(call.k.shape, [B, T, Hkv, D]), "k and v must be [B, T, Hkv, D]")
      need(k, sameShape(call.qBias.shape, [Hq * D]) && sameShape(call.kBias.shape, [Hkv * D]) && sameShape(call.vBias.shape, [Hkv * D]), "biases must be [H·D]")
      need(k, call.positions.dtype === "i32" && sameShape(call.positions.shape, [B, T]), "positions must be i32 [B, T]")
      need(k, call.slots.dtype === "i32" && sameShape(call.slots.shape, [B, T, Hkv]), "slots must be i32 [B, T, Hkv]")
      needSameShapes(k, { kCache: call.kCache, vCache: call.vCache })
      need(k, call.kCache.shape.length === 2 && call.kCache.shape[1] === D, "kCache and vCache must be [S, D]")
      break
    }
    case "attention":
    case "attentionBackward": {
      const { k: kk, q, v } = call
      need(k, q.shape.length === 4 && kk.shape.length === 4 && v.shape.length === 4, "q, k, v must be rank 4")
      needSameShapes(k, { k: kk, v })
      need(k, q.shape[0] === kk.shape[0] && q.shape[3] === kk.shape[3], "batch or head dim mismatch")
      need(k, q.shape[1]! % kk.shape[1]! === 0, "Hq must be a multiple of Hkv")
      need(k, sameShape(call.out.shape, q.shape), "out must have q's shape")
      need(k, sameShape(call.lse.shape, q.shape.slice(0, 3)) && call.lse.dtype === "f32", "lse must be f32 [B, Hq, T]")
      if (call.kernel === "attention" && call.kvLengths !== undefined) {
        need(k, call.kvLengths.dtype === "i32" && sameShape(call.kvLengths.shape, [q.shape[0]!]), "kvLengths must be i32 [B]")
      }
      if (call.kernel === "attentionBackward") {
        needSameShapes(k, { q, dq: call.dq, dout: call.dout })
        needSameShapes(k, { k: kk, dk: call.dk, dv: call.dv })
      }
      break
    }
    case "embedding":
      need(k, call.table.shape.length === 2 && call.ids.dtype === "i32" && call.ids.shape.length === 1, "table [V, D], ids i32 [N]")
      need(k, sameShape(call.out.shape, [call.ids.shape[0]!, call.table.shape[1]!]), "out must be [N, D]")
      break
    case "embeddingBackward":
      need(k, call.dtable.shape.length === 2 && call.ids.dtype === "i32" && call.ids.shape.length === 1, "dtable [V, D], ids i32 [N]")
      need(k, sameShape(call.dy.shape, [call.ids.shape[0]!, call.dtable.shape[1]!]), "dy must be [N, D]")
      break
    case "scatterRows":
      need(k, call.out.shape.length === 2 && call.ids.dtype === "i32" && call.ids.shape.length === 1, "out [V, D], ids i32 [N]")
      need(k, sameShape(call.x.shape, [call.ids.shape[0]!, call.out.shape[1]!]), "x must be [N, D]")
      break
    case "logprobGather":
    case "logprobGatherBackward": {
      const N = call.logits.shape[0]!
      need(k, call.logits.shape.length === 2, "logits must be [N, V]")
      need(k, call.targets.dtype === "i32" && sameShape(call.targets.shape, [N]), "targets must be i32 [N]")
      need(k, sameShape(call.lse.shape, [N]) && call.lse.dtype === "f32", "lse must be f32 [N]")
      if (call.kernel === "logprobGather") need(k, sameShape(call.out.shape, [N]), "out must be [N]")
      else {
        need(k, sameShape(call.dy.shape, [N]), "dy must be [N]")
        need(k, sameShape(call.dlogits.shape, call.logits.shape), "dlogits must have logits' shape")
      }
      break
    }
    case "adamw":
      needSameShapes(k, { param: call.param, grad: call.grad, m: call.m, v: call.v })
      need(k, call.m.dtype === "f32" && call.v.dtype === "f32", "m and v must be f32")
      break
    case "random":
      need(k, call.out.dtype === "f32" && isRowMajor(call.out.shape, call.out.strides), "out must be contiguous f32")
      need(k, Number.isSafeInteger(call.counter) && call.counter >= 0, "counter must be a non-negative safe integer")
      break
    case "fill":
      break
  }
}
