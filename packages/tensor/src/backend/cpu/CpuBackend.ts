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
import type { Hosts } from "./CpuKernel.ts"
import { binary, copy, fill, unary, where } from "./elementwise.ts"
import { embedding, embeddingBackward } from "./embedding.ts"
import { logprobGather, logprobGatherBackward } from "./logprob.ts"
import { makeGemmAttention, makeGemmAttentionBackward } from "./attentionGemm.ts"
import type { GemmProvider } from "./gemm/Gemm.ts"
import { type GemmChoice, selectGemm } from "./gemm/selectGemm.ts"
import { matmul } from "./matmul.ts"
import { makeGemmMatmul } from "./matmulGemm.ts"
import { addRmsnorm, rmsnorm, rmsnormBackward } from "./norm.ts"
import { argmax, reduce, softmax, softmaxBackward } from "./reduce.ts"
import { rope } from "./rope.ts"
import { ropeKvWrite } from "./ropeKvWrite.ts"
import { makeHostPool } from "./HostPool.ts"
import { scatterRows } from "./scatterRows.ts"
import { siluMul, siluMulBackward } from "./siluMul.ts"
import { destination, type HostBuffer } from "./Storage.ts"
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
  /**
   * The GEMM that matmul and attention run on: `auto` (the default, or `SAPPHIRE_CPU_GEMM`
   * when set) takes the system BLAS, else the WASM GEMM, else the JavaScript kernels;
   * `blas`, `wasm` and `js` force one (throwing when it is unavailable); a `GemmProvider`
   * is used as given.
   */
  readonly gemm?: GemmChoice | GemmProvider
  /**
   * Bytes of freed buffers (`minPooledBytes` and up) kept for reuse; 0 disables the pool. Default
   * 512 MiB. Reused buffers are zeroed, so allocations read as zeros either way.
   */
  readonly poolBytes?: number
  /** The smallest buffer the pool keeps, in bytes. Default 4 KiB. */
  readonly minPooledBytes?: number
}

/**
 * Makes a CPU backend.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCpuBackend = (options: CpuBackendOptions = {}): Backend => {
  const check = options.validate ?? true
  const selection = typeof options.gemm === "object"
    ? { provider: options.gemm, reason: `${options.gemm.name} (given)` }
    : selectGemm(options.gemm)
  const gemm = selection.provider
  const matmulKernel = gemm === undefined ? matmul : makeGemmMatmul(gemm)
  const attentionKernel = gemm === undefined ? attention : makeGemmAttention(gemm)
  const attentionBackwardKernel = gemm === undefined ? attentionBackward : makeGemmAttentionBackward(gemm)
  const buffers = new Map<number, HostBuffer>()
  const pool = makeHostPool(options.poolBytes ?? 512 * 2 ** 20, options.minPooledBytes)
  let nextId = 1
  let liveBytes = 0
  let disposed = false

  const host = (h: BufferHandle, kernel: string): HostBuffer => {
    const b = buffers.get(h.id)
    if (b === undefined) throw new InvalidKernelCall({ kernel, message: `buffer ${h.id} is not live` })
    return b
  }

  /** Looks up every view's buffer before the kernel runs, so a dead buffer fails the call before any write. */
  const hostsOf = <C extends KernelCall>(call: C): Hosts<C> => {
    const hosts: Record<string, HostBuffer> = {}
    for (const name in call) {
      const value: unknown = call[name]
      if (typeof value === "object" && value !== null && "buffer" in value) hosts[name] = host((value as View).buffer, call.kernel)
    }
    return hosts as Hosts<C>
  }

  const allocate = (byteLength: number): BufferHandle => {
    if (disposed) throw new InvalidKernelCall({ kernel: "allocate", message: "backend disposed" })
    // Round to 4 bytes so every dtype view of the ArrayBuffer is whole.
    const size = Math.max(4, Math.ceil(byteLength / 4) * 4)
    let hb: HostBuffer
    try {
      hb = pool.take(size)
    } catch {
      throw new OutOfMemory({ requestedBytes: size, message: `cannot allocate ${size} bytes on the host` })
    }
    const handle: BufferHandle = { id: nextId++, byteLength: size }
    buffers.set(handle.id, hb)
    liveBytes += size
    return handle
  }

  const free = (h: BufferHandle): void => {
    const hb = buffers.get(h.id)
    if (hb === undefined) return
    buffers.delete(h.id)
    liveBytes -= h.byteLength
    pool.give(hb)
  }

  const write = (h: BufferHandle, data: ArrayBufferView, byteOffset = 0): void => {
    const hb = host(h, "write")
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    if (byteOffset < 0 || byteOffset + bytes.length > h.byteLength) {
      throw new InvalidKernelCall({
        kernel: "write",
        message: `${bytes.length} bytes at ${byteOffset} outside buffer ${h.id} of ${h.byteLength} bytes`
      })
    }
    new Uint8Array(hb.f32.buffer).set(bytes, byteOffset)
  }

  // A rejection, never a synchronous throw, as on WebGPU: callers chain `.catch` on reads.
  const read = async (h: BufferHandle, byteOffset = 0, byteLength?: number): Promise<ArrayBuffer> => {
    const hb = host(h, "read")
    const end = byteLength === undefined ? h.byteLength : byteOffset + byteLength
    // ArrayBuffer.slice would clamp a bad range to fewer bytes without a word.
    if (byteOffset < 0 || end < byteOffset || end > h.byteLength) {
      throw new InvalidKernelCall({
        kernel: "read",
        message: `range ${byteOffset}+${end - byteOffset} outside buffer ${h.id} of ${h.byteLength} bytes`
      })
    }
    return (hb.f32.buffer as ArrayBuffer).slice(byteOffset, end)
  }

  const dispatch = (call: KernelCall): void => {
    if (check) validate(call)
    switch (call.kernel) {
      case "fill":
        return fill(call, hostsOf(call))
      case "copy":
        return copy(call, hostsOf(call))
      case "unary":
        return unary(call, hostsOf(call))
      case "binary":
        return binary(call, hostsOf(call))
      case "where":
        return where(call, hostsOf(call))
      case "reduce":
        return reduce(call, hostsOf(call))
      case "argmax":
        return argmax(call, hostsOf(call))
      case "matmul":
        return matmulKernel(call, hostsOf(call))
      case "softmax":
        return softmax(call, hostsOf(call))
      case "softmaxBackward":
        return softmaxBackward(call, hostsOf(call))
      case "rmsnorm":
        return rmsnorm(call, hostsOf(call))
      case "rmsnormBackward":
        return rmsnormBackward(call, hostsOf(call))
      case "addRmsnorm":
        return addRmsnorm(call, hostsOf(call))
      case "siluMul":
        return siluMul(call, hostsOf(call))
      case "siluMulBackward":
        return siluMulBackward(call, hostsOf(call))
      case "rope":
        return rope(call, hostsOf(call))
      case "ropeKvWrite":
        return ropeKvWrite(call, hostsOf(call))
      case "attention":
        return attentionKernel(call, hostsOf(call))
      case "attentionBackward":
        return attentionBackwardKernel(call, hostsOf(call))
      case "embedding":
        return embedding(call, hostsOf(call))
      case "embeddingBackward":
        return embeddingBackward(call, hostsOf(call))
      case "scatterRows":
        return scatterRows(call, hostsOf(call))
      case "logprobGather":
        return logprobGather(call, hostsOf(call))
      case "logprobGatherBackward":
        return logprobGatherBackward(call, hostsOf(call))
      case "adamw":
        return adamw(call, hostsOf(call))
      case "random": {
        const dst = destination(hostsOf(call).out, call.out)
        philoxFill(call.distribution, call.key, call.counter, dst.data)
        return dst.commit()
      }
    }
  }

  const memory = (): MemoryStats => ({ liveBytes, pooledBytes: pool.pooledBytes(), liveBuffers: buffers.size })

  return {
    info: {
      name: "cpu",
      adapter: `cpu (typed arrays; gemm: ${gemm === undefined ? "javascript" : gemm.name})`,
      nativeF16: false,
      gemm: selection.reason,
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
      pool.clear()
      liveBytes = 0
      disposed = true
    }
  }
}
