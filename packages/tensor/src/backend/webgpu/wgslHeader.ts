/**
 * WGSL prelude shared by every kernel: the uniform block accessor and, per bound buffer,
 * typed load/store helpers that hide the storage format (f16 native or packed in u32).
 *
 * Kernels address elements with i32 indices and compute in f32; `ld_<name>(i)` returns
 * f32, `ldi_<name>(i)` returns i32 (for i32 buffers), `st_<name>(i, v)` stores f32 with
 * conversion, `sti_<name>(i, v)` stores i32. Buffers bound as `vec4` (f32 or f16, read-only)
 * expose `ld4_<name>(i)`: elements 4i..4i+3 as `vec4<f32>`.
 *
 * @since 0.1.0
 */
import type { DType } from "../Kernel.ts"

/** Uniform block size per dispatch, in 32-bit words (512 bytes, a multiple of 256). */
export const UNIFORM_WORDS = 128

/**
 * WGSL for negative infinity: WGSL rejects infinite constant expressions, so the bits go
 * through a uniform read (`u(0u)`, from the prelude) that the compiler cannot fold.
 *
 * @since 0.1.0
 * @category utils
 */
export const NEG_INF = "bitcast<f32>(0xff800000u + min(u(0u), 0u))"

/**
 * How a buffer is declared in a shader.
 *
 * @since 0.1.0
 * @category models
 */
export interface BindingDecl {
  readonly name: string
  readonly dtype: DType
  readonly write: boolean
  /** Read-only, loaded four elements at a time through `ld4_<name>` (f32 or f16). */
  readonly vec4: boolean
}

const f16Decl = (b: BindingDecl, slot: number, nativeF16: boolean): string => {
  const n = b.name
  if (nativeF16) {
    const access = b.write ? "read_write" : "read"
    return `@group(0) @binding(${slot}) var<storage, ${access}> ${n}: array<f16>;
fn ld_${n}(i: i32) -> f32 { return f32(${n}[i]); }
${b.write ? `fn st_${n}(i: i32, v: f32) { ${n}[i] = f16(v); }` : ""}`
  }
  if (!b.write) {
    return `@group(0) @binding(${slot}) var<storage, read> ${n}: array<u32>;
fn ld_${n}(i: i32) -> f32 { return unpack2x16float(${n}[u32(i) >> 1u])[u32(i) & 1u]; }`
  }
  // Without shader-f16, two f16 share a u32 word: a compare-and-swap loop keeps
  // neighbouring threads from overwriting each other's half.
  return `@group(0) @binding(${slot}) var<storage, read_write> ${n}: array<atomic<u32>>;
fn ld_${n}(i: i32) -> f32 { return unpack2x16float(atomicLoad(&${n}[u32(i) >> 1u]))[u32(i) & 1u]; }
fn st_${n}(i: i32, v: f32) {
  let w = u32(i) >> 1u;
  let sh = (u32(i) & 1u) * 16u;
  let h = (pack2x16float(vec2<f32>(v, 0.0)) & 0xffffu) << sh;
  let keep = ~(0xffffu << sh);
  var old = atomicLoad(&${n}[w]);
  loop {
    let r = atomicCompareExchangeWeak(&${n}[w], old, (old & keep) | h);
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`
}

const declare = (b: BindingDecl, slot: number, nativeF16: boolean): string => {
  const n = b.name
  const access = b.write ? "read_write" : "read"
  if (b.vec4) {
    // Read-only vec4 access for matmul operands: element i of `ld4_<name>` is a vec4 at
    // element offset 4i (the caller guarantees 4-element alignment).
    if (b.dtype === "f32") {
      return `@group(0) @binding(${slot}) var<storage, read> ${n}: array<vec4<f32>>;
fn ld4_${n}(i: i32) -> vec4<f32> { return ${n}[i]; }`
    }
    if (b.dtype === "f16" && nativeF16) {
      return `@group(0) @binding(${slot}) var<storage, read> ${n}: array<vec4<f16>>;
fn ld4_${n}(i: i32) -> vec4<f32> { return vec4<f32>(${n}[i]); }`
    }
    return `@group(0) @binding(${slot}) var<storage, read> ${n}: array<vec2<u32>>;
fn ld4_${n}(i: i32) -> vec4<f32> { let w = ${n}[i]; return vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y)); }`
  }
  switch (b.dtype) {
    case "f32":
      return `@group(0) @binding(${slot}) var<storage, ${access}> ${n}: array<f32>;
fn ld_${n}(i: i32) -> f32 { return ${n}[i]; }
${b.write ? `fn st_${n}(i: i32, v: f32) { ${n}[i] = v; }` : ""}`
    case "i32":
      return `@group(0) @binding(${slot}) var<storage, ${access}> ${n}: array<i32>;
fn ld_${n}(i: i32) -> f32 { return f32(${n}[i]); }
fn ldi_${n}(i: i32) -> i32 { return ${n}[i]; }
${b.write ? `fn st_${n}(i: i32, v: f32) { ${n}[i] = i32(v); }\nfn sti_${n}(i: i32, v: i32) { ${n}[i] = v; }` : ""}`
    case "f16":
      return f16Decl(b, slot, nativeF16)
  }
}

/**
 * The prelude for a kernel with the given bindings (slot 0 is the uniform block of
 * `uniformWords` words, a multiple of UNIFORM_WORDS).
 *
 * @since 0.1.0
 * @category utils
 */
export const wgslHeader = (
  bindings: ReadonlyArray<BindingDecl>,
  nativeF16: boolean,
  uniformWords: number = UNIFORM_WORDS
): string => {
  const parts = [
    nativeF16 ? "enable f16;" : "",
    `@group(0) @binding(0) var<uniform> U: array<vec4<u32>, ${uniformWords / 4}>;`,
    "fn u(i: u32) -> u32 { return U[i >> 2u][i & 3u]; }",
    "fn ui(i: u32) -> i32 { return bitcast<i32>(U[i >> 2u][i & 3u]); }",
    "fn uf(i: u32) -> f32 { return bitcast<f32>(U[i >> 2u][i & 3u]); }"
  ]
  bindings.forEach((b, i) => parts.push(declare(b, i + 1, nativeF16)))
  return parts.join("\n")
}

/**
 * The linear invocation index for a 1-D problem spread over a 2-D grid of workgroups
 * (one grid dimension is capped at 65535 groups).
 *
 * @since 0.1.0
 * @category utils
 */
export const linearIndex = (workgroupSize: number): string =>
  `i32(gid.x + gid.y * nwg.x * ${workgroupSize}u)`

/**
 * The entry-point parameters matching `linearIndex`.
 *
 * @since 0.1.0
 * @category utils
 */
export const entryParams =
  "@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>"
