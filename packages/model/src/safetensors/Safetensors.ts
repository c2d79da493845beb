/**
 * The safetensors format, as bytes: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`, then the raw
 * tensor data. Pure parsing and writing, no file IO (see `node/` for that), so it runs
 * on Deno and in browsers. Every defect is reported with the file name and what was wrong.
 *
 * @since 0.1.0
 */
import { numel } from "@sapphire-rl/tensor"
import { modelFileError } from "../ModelFileError.ts"
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from "./floatBits.ts"

/**
 * The dtypes this package reads and writes. Checkpoints in other dtypes are rejected
 * with a clear error.
 *
 * @since 0.1.0
 * @category models
 */
export type SafetensorsDtype = "F32" | "F16" | "BF16"

const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = { F32: 4, F16: 2, BF16: 2 }

/**
 * One tensor of a parsed file; `bytes` is a view into the file's bytes (no copy).
 *
 * @since 0.1.0
 * @category models
 */
export interface SafetensorsEntry {
  readonly name: string
  readonly dtype: SafetensorsDtype
  readonly shape: ReadonlyArray<number>
  readonly bytes: Uint8Array
}

/**
 * A parsed safetensors file.
 *
 * @since 0.1.0
 * @category models
 */
export interface SafetensorsFile {
  readonly file: string
  readonly metadata: Readonly<Record<string, string>>
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>
}

/**
 * A host tensor in f32, the form the model code and the writer use.
 *
 * @since 0.1.0
 * @category models
 */
export interface HostTensor {
  readonly shape: ReadonlyArray<number>
  readonly data: Float32Array
}

// Guards against absurd header lengths before allocating a string for them.
const MAX_HEADER_BYTES = 100 * 1024 * 1024

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x)

const isNonNegInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0

/**
 * Parses a safetensors file held in memory. Throws `ModelFileError` naming `file` for a
 * truncated header, a header length beyond the file, bad JSON, a malformed entry, an
 * unsupported dtype, data offsets out of range, or a byte count that does not match the shape.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseSafetensors = (bytes: Uint8Array, file: string): SafetensorsFile => {
  if (bytes.byteLength < 8) {
    throw modelFileError(file, `truncated header: file has ${bytes.byteLength} bytes, the header length needs 8`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = Number(view.getBigUint64(0, true))
  if (headerLength > bytes.byteLength - 8) {
    throw modelFileError(
      file,
      `header length ${headerLength} is beyond the file (${bytes.byteLength - 8} bytes after the length field)`
    )
  }
  if (headerLength > MAX_HEADER_BYTES) {
    throw modelFileError(file, `header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit for a header`)
  }
  let header: unknown
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)))
  } catch (e) {
    throw modelFileError(file, `header is not valid JSON (${(e as Error).message})`)
  }
  if (!isRecord(header)) throw modelFileError(file, "header is not a JSON object")
  const dataStart = 8 + headerLength
  const dataLength = bytes.byteLength - dataStart
  const tensors = new Map<string, SafetensorsEntry>()
  let metadata: Record<string, string> = {}
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isRecord(raw) || !Object.values(raw).every((v) => typeof v === "string")) {
        throw modelFileError(file, "__metadata__ must map strings to strings")
      }
      metadata = raw as Record<string, string>
      continue
    }
    if (!isRecord(raw)) throw modelFileError(file, `tensor ${name}: entry is not an object`)
    const { dtype, shape, data_offsets: offsets } = raw
    if (typeof dtype !== "string") throw modelFileError(file, `tensor ${name}: missing dtype`)
    if (!(dtype in DTYPE_SIZE)) {
      throw modelFileError(file, `tensor ${name}: unsupported dtype ${dtype} (supported: F32, F16, BF16)`)
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) {
      throw modelFileError(file, `tensor ${name}: shape must be a list of non-negative integers`)
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
      throw modelFileError(file, `tensor ${name}: data_offsets must be two non-negative integers`)
    }
    const [begin, end] = offsets as [number, number]
    if (begin > end || end > dataLength) {
      throw modelFileError(
        file,
        `tensor ${name}: data offsets [${begin}, ${end}] out of range (data section has ${dataLength} bytes)`
      )
    }
    const dt = dtype as SafetensorsDtype
    const expected = numel(shape as Array<number>) * DTYPE_SIZE[dt]
    if (end - begin !== expected) {
      throw modelFileError(
        file,
        `tensor ${name}: shape [${shape.join(", ")}] ${dt} needs ${expected} bytes, data offsets span ${end - begin}`
      )
    }
    tensors.set(name, {
      name,
      dtype: dt,
      shape: shape as Array<number>,
      bytes: bytes.subarray(dataStart + begin, dataStart + end)
    })
  }
  return { file, metadata, tensors }
}

// Copies into a fresh, aligned buffer: entries may start at any byte offset of the file.
const aligned = (bytes: Uint8Array): ArrayBuffer => {
  const copy = new Uint8Array(bytes.byteLength)
  copy.set(bytes)
  return copy.buffer
}

/**
 * The values of an entry as f32 (F16 and BF16 are widened exactly).
 *
 * @since 0.1.0
 * @category conversions
 */
export const entryToFloat32 = (entry: SafetensorsEntry): Float32Array => {
  switch (entry.dtype) {
    case "F32":
      return new Float32Array(aligned(entry.bytes))
    case "F16":
      return f16ToF32(new Uint16Array(aligned(entry.bytes)))
    case "BF16":
      return bf16ToF32(new Uint16Array(aligned(entry.bytes)))
  }
}

/**
 * Reads one tensor of a file as a host f32 tensor, checking its shape when `shape` is
 * given. A missing tensor or a different shape throws `ModelFileError`.
 *
 * @since 0.1.0
 * @category getters
 */
export const readTensor = (
  st: SafetensorsFile,
  name: string,
  shape?: ReadonlyArray<number>
): HostTensor => {
  const entry = st.tensors.get(name)
  if (entry === undefined) throw modelFileError(st.file, `missing tensor ${name}`)
  if (shape !== undefined && (shape.length !== entry.shape.length || shape.some((d, i) => d !== entry.shape[i]))) {
    throw modelFileError(
      st.file,
      `tensor ${name}: shape mismatch, expected [${shape.join(", ")}], file has [${entry.shape.join(", ")}]`
    )
  }
  return { shape: entry.shape, data: entryToFloat32(entry) }
}

/**
 * A tensor to write: f32 values, stored as `dtype` (rounded to nearest even for 16-bit).
 *
 * @since 0.1.0
 * @category models
 */
export interface TensorToWrite {
  readonly name: string
  readonly shape: ReadonlyArray<number>
  readonly data: Float32Array
  readonly dtype?: SafetensorsDtype
}

const encodeData = (t: TensorToWrite): Uint8Array => {
  const dtype = t.dtype ?? "F32"
  const data = dtype === "F32" ? t.data : dtype === "F16" ? f32ToF16(t.data) : f32ToBf16(t.data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/**
 * Serializes tensors into safetensors bytes. Tensors are laid out in the given order;
 * the header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
 *
 * @since 0.1.0
 * @category encoding
 */
export const serializeSafetensors = (
  tensors: ReadonlyArray<TensorToWrite>,
  metadata?: Readonly<Record<string, string>>
): Uint8Array => {
  const header: Record<string, unknown> = {}
  if (metadata !== undefined) header["__metadata__"] = metadata
  const chunks: Array<Uint8Array> = []
  let offset = 0
  for (const t of tensors) {
    const count = numel(t.shape)
    if (count !== t.data.length) {
      throw new RangeError(`tensor ${t.name}: shape [${t.shape.join(", ")}] has ${count} elements, data has ${t.data.length}`)
    }
    if (t.name in header) throw new RangeError(`tensor ${t.name} appears twice`)
    const data = encodeData(t)
    header[t.name] = { dtype: t.dtype ?? "F32", shape: [...t.shape], data_offsets: [offset, offset + data.byteLength] }
    chunks.push(data)
    offset += data.byteLength
  }
  let json = JSON.stringify(header)
  const encoder = new TextEncoder()
  let headerBytes = encoder.encode(json)
  const padded = Math.ceil(headerBytes.byteLength / 8) * 8
  json += " ".repeat(padded - headerBytes.byteLength)
  headerBytes = encoder.encode(json)
  const out = new Uint8Array(8 + headerBytes.byteLength + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true)
  out.set(headerBytes, 8)
  let at = 8 + headerBytes.byteLength
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
