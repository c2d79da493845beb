/**
 * The CPU reference backend: every kernel of `Kernel.ts` on typed arrays. It is the
 * numerical reference for the WebGPU kernels and the fallback where no adapter exists.
 * Work runs synchronously inside `dispatch`; `read` resolves immediately.
 *
 * @since 0.1.0
 */
import { InvalidKernelCall, OutOfMemory } from "../../errors.ts"
import { philoxFill } from "../../philox.ts"
import type { Backend, BufferHandle, MemoryStats } from "../Backend.ts"
import type { KernelCall, View } from "../Kernel.ts"
import { adamw } from "./adamw.ts"
import { attention, attentionBackward } from "./attention.ts"
import { binary, copy, fill, unary, where } from "./elementwise.ts"
import { embedding, embeddingBackward } from "./embedding.ts"
import { logprobGather, logprobGatherBackward } from "./logprob.ts"
import { matmul } from "./matmul.ts"
import { rmsnorm, rmsnormBackward } from "./norm.ts"
import { argmax, reduce, softmax, softmaxBackward } from "./reduce.ts"
import { rope } from "./rope.ts"
import { destination, gather, type HostBuffer, makeHostBuffer } from "./Storage.ts"
import { validate } from "./validate.ts"

/**
 * Options for the CPU backend.
 *
 * @since 0.1.0
 * @category models
 */
export interface CpuBackendOptions {
  /** Check every call against its contract (bounds, shapes). Default true. */
  readonly validate?: boolean
}

/**
 * Makes a CPU backend.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCpuBackend = (options: CpuBackendOptions = {}): Backend => {
  const check = options.validate ?? true
  const buffers = new Map<number, HostBuffer>()
  let nextId = 1
  let liveBytes = 0
  let disposed = false

  const host = (h: BufferHandle, kernel: string): HostBuffer => {
    const b = buffers.get(h.id)
    if (b === undefined) throw new InvalidKernelCall({ kernel, message: `buffer ${h.id} is not live` })
    return b
  }
  const H = (v: View, kernel: string): HostBuffer => host(v.buffer, kernel)

  const allocate = (byteLength: number): BufferHandle => {
    if (disposed) throw new InvalidKernelCall({ kernel: "allocate", message: "backend disposed" })
    // Round to 4 bytes so every dtype view of the ArrayBuffer is whole.
    const size = Math.max(4, Math.ceil(byteLength / 4) * 4)
    let hb: HostBuffer
    try {
      hb = makeHostBuffer(size)
    } catch {
      throw new OutOfMemory({ requestedBytes: size, message: `cannot allocate ${size} bytes on the host` })
    }
    const handle: BufferHandle = { id: nextId++, byteLength: size }
    buffers.set(handle.id, hb)
    liveBytes += size
    return handle
  }

  const free = (h: BufferHandle): void => {
    if (buffers.delete(h.id)) liveBytes -= h.byteLength
  }

  const write = (h: BufferHandle, data: ArrayBufferView, byteOffset = 0): void => {
    const hb = host(h, "write")
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    if (byteOffset < 0 || byteOffset + bytes.length > h.byteLength) {
      throw new InvalidKernelCall({ kernel: "write", message: "write outside the buffer" })
    }
    new Uint8Array(hb.f32.buffer).set(bytes, byteOffset)
  }

  const read = (h: BufferHandle, byteOffset = 0, byteLength?: number): Promise<ArrayBuffer> => {
    const hb = host(h, "read")
    const end = byteLength === undefined ? h.byteLength : byteOffset + byteLength
    return Promise.resolve((hb.f32.buffer as ArrayBuffer).slice(byteOffset, end))
  }

  const dispatch = (call: KernelCall): void => {
    const k = call.kernel
    if (check) validate(call)
    switch (call.kernel) {
      case "fill":
        return fill(H(call.out, k), call.out, call.value)
      case "copy":
        return copy(H(call.x, k), call.x, H(call.out, k), call.out)
      case "unary":
        return unary(call.op, H(call.x, k), call.x, H(call.out, k), call.out)
      case "binary":
        return binary(call.op, H(call.a, k), call.a, H(call.b, k), call.b, H(call.out, k), call.out)
      case "where":
        return where(H(call.cond, k), call.cond, H(call.a, k), call.a, H(call.b, k), call.b, H(call.out, k), call.out)
      case "reduce":
        return reduce(call.op, H(call.x, k), call.x, call.axis, H(call.out, k), call.out)
      case "argmax":
        return argmax(H(call.x, k), call.x, call.axis, H(call.out, k), call.out)
      case "matmul":
        return matmul(H(call.a, k), call.a, H(call.b, k), call.b, H(call.out, k), call.out, call.accumulate ?? false)
      case "softmax":
        return softmax(call.log, H(call.x, k), call.x, H(call.out, k), call.out)
      case "softmaxBackward":
        return softmaxBackward(call.log, H(call.y, k), call.y, H(call.dy, k), call.dy, H(call.dx, k), call.dx)
      case "rmsnorm":
        return rmsnorm(
          H(call.x, k),
          call.x,
          H(call.weight, k),
          call.weight,
          call.eps,
          H(call.out, k),
          call.out,
          H(call.rstd, k),
          call.rstd
        )
      case "rmsnormBackward":
        return rmsnormBackward(
          H(call.x, k),
          call.x,
          H(call.weight, k),
          call.weight,
          H(call.rstd, k),
          call.rstd,
          H(call.dy, k),
          call.dy,
          H(call.dx, k),
          call.dx,
          H(call.dweight, k),
          call.dweight
        )
      case "rope":
        return rope(H(call.x, k), call.x, H(call.positions, k), call.positions, call.theta, call.inverse, H(call.out, k), call.out)
      case "attention":
        return attention(
          H(call.q, k),
          call.q,
          H(call.k, k),
          call.k,
          H(call.v, k),
          call.v,
          H(call.out, k),
          call.out,
          H(call.lse, k),
          call.lse,
          call.scale,
          call.causal,
          call.qOffset,
          call.kvLength,
          call.kvLengths === undefined ? undefined : gather(H(call.kvLengths, k), call.kvLengths)
        )
      case "attentionBackward":
        return attentionBackward(
          {
            q: H(call.q, k),
            k: H(call.k, k),
            v: H(call.v, k),
            out: H(call.out, k),
            lse: H(call.lse, k),
            dout: H(call.dout, k),
            dq: H(call.dq, k),
            dk: H(call.dk, k),
            dv: H(call.dv, k)
          },
          call,
          call.scale,
          call.causal,
          call.qOffset,
          call.kvLength
        )
      case "embedding":
        return embedding(H(call.table, k), call.table, H(call.ids, k), call.ids, H(call.out, k), call.out)
      case "embeddingBackward":
        return embeddingBackward(H(call.ids, k), call.ids, H(call.dy, k), call.dy, H(call.dtable, k), call.dtable)
      case "logprobGather":
        return logprobGather(
          H(call.logits, k),
          call.logits,
          H(call.targets, k),
          call.targets,
          H(call.out, k),
          call.out,
          H(call.lse, k),
          call.lse
        )
      case "logprobGatherBackward":
        return logprobGatherBackward(
          H(call.logits, k),
          call.logits,
          H(call.targets, k),
          call.targets,
          H(call.lse, k),
          call.lse,
          H(call.dy, k),
          call.dy,
          H(call.dlogits, k),
          call.dlogits
        )
      case "adamw":
        return adamw(call, { param: H(call.param, k), grad: H(call.grad, k), m: H(call.m, k), v: H(call.v, k) })
      case "random": {
        const dst = destination(H(call.out, k), call.out)
        philoxFill(call.distribution, call.key, call.counter, dst.data)
        return dst.commit()
      }
    }
  }

  const memory = (): MemoryStats => ({ liveBytes, pooledBytes: 0, liveBuffers: buffers.size })

  return {
    info: {
      name: "cpu",
      adapter: "cpu (typed arrays)",
      nativeF16: false,
      limits: {
        maxBufferSize: 2 ** 31,
        maxStorageBufferBindingSize: 2 ** 31,
        maxStorageBuffersPerShaderStage: 1 << 16
      }
    },
    allocate,
    free,
    write,
    dispatch,
    flush: () => {},
    read,
    memory,
    dispose: () => {
      buffers.clear()
      liveBytes = 0
      disposed = true
    }
  }
}
