/**
 * Batched matmul with strided operands, in five shader variants:
 * - `register`: each thread owns a TM×TN register tile and reads A and B straight from
 *   storage as vec4 (A along k, B along n). On CPU rasterizers (llvmpipe) this beats
 *   shared-memory tiling, whose barriers serialize the SIMD lanes.
 * - `nt` / `tn`: the register idea with B (resp. A) read transposed in place, for X·Wᵀ and
 *   dW = Xᵀ·dY in training.
 * - `tiled`: 64×64 shared-memory tiles, 4×4 per thread, for real GPUs.
 * - `generic`: scalar loads through arbitrary strides and any dtype (small problems).
 * Large problems with an operand none of these reads (odd sizes or strides) first copy that
 * operand into zero-padded contiguous f32 scratch, O(MK + KN) against O(MNK) of work.
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./KernelContext.ts"
import { pointwise } from "./pointwise.ts"
import type { Binding } from "./DispatchSpec.ts"
import { numel } from "../../tensor/shape.ts"
import { coalesce, offsetsCode, packViews } from "./stridedIndex.ts"

type Call = Extract<KernelCall, { kernel: "matmul" }>

/** Below this many multiply-adds, the generic kernel is cheaper than staging copies. */
const GENERIC_MAX_WORK = 1 << 18

// Uniform layout: 0 M, 1 N, 2 K, 3 batch, 4 aOff, 5 aRow, 6 aK, 7 bOff, 8 bK, 9 bCol,
// 10 outOff, 11 accumulate, 12 out row stride, 13 out batch stride, 14 triangle mode,
// 15 triangle offset (see Triangle); batch dims from 16.
const BATCH_AT = 16

const batchCode = (rank: number): string =>
  rank === 0
    ? "var bo0: i32 = 0; var bo1: i32 = 0;"
    : offsetsCode(rank, BATCH_AT, [BATCH_AT + rank, BATCH_AT + 2 * rank + 1], "batch", "bo")

const pad4 = (n: number): number => Math.ceil(n / 4) * 4

/**
 * Known-zero structure the register kernels may skip (internal callers only, e.g. causal
 * attention): `kUpTo` — A[m, k] = 0 for k > m + offset; `kFrom` — A[m, k] = 0 for
 * k < m - offset; `skipAbove` — out[m, n] for n > m + offset is never read (not written).
 * Other variants ignore it and compute the full product, which is equally correct.
 */
export interface Triangle {
  readonly mode: "kUpTo" | "kFrom" | "skipAbove"
  readonly offset: number
}
const TRIANGLE_MODE = { kUpTo: 1, kFrom: 2, skipAbove: 3 } as const

/** WGSL: the k range [kLo, kHi) of this thread's rows m0..m0+tm-1 (multiples of 4 inside [0, K]). */
const triangleCode = (tm: number): string => `
  var kLo = 0; var kHi = K;
  let tri = u(14u); let toff = ui(15u);
  if (tri == 1u) { kHi = min(K, ((max(0, m0 + ${tm} + toff) + 3) / 4) * 4); }
  if (tri == 2u) { kLo = (max(0, m0 - toff) / 4) * 4; }
  if (tri == 3u && n0 > m0 + ${tm - 1} + toff) { return; }`

interface Plan {
  readonly a: View
  readonly b: View
  readonly M: number
  readonly N: number
  readonly K: number
}

const splitBatch = (out: View, a: View, b: View) => {
  const r = out.shape.length
  const bs = out.shape.slice(0, r - 2)
  const c = coalesce(bs, [a.strides.slice(0, r - 2), b.strides.slice(0, r - 2)])
  const rank = numel(bs) === 1 ? 0 : c.shape.length
  return { count: numel(bs), rank, shape: c.shape, strides: c.strides }
}

/** Register-tile sizes: rows × columns of the output per thread. */
const TM = 8
const TN = 8
/** Fewer rows per thread for short A (decoding one token per sequence): no idle rows. */
const rowsPerThread = (M: number, max: number): number => (M >= max ? max : M >= 4 ? 4 : M >= 2 ? 2 : 1)
const WGX = 8
const WGY = 8
/** The A·Bᵀ variant keeps a 4×4 tile of vec4 partial sums (1×4 and 2×4 for short A: reading
 * B is the cost there, and more threads with fewer rows each stream it faster on llvmpipe). */
const TM_NT = 4
/** From this many rows of A, B read transposed is staged contiguous instead (see matmul). */
const NT_STAGE_M = 64
const TN_NT = 4


const storeTile = (o: string, rows: number, cols: number, value: (i: number, j: number) => string): string =>
  Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) =>
      `if (m0 + ${i} < M && n0 + ${j} < N) { let idx = oBase + (m0 + ${i}) * ldo + n0 + ${j}; var v = ${value(i, j)}; if (acc) { v += ld_${o}(idx); } st_${o}(idx, v); }`
    ).join("\n")
  ).join("\n")

const registerPrologue = (batchRank: number, tm: number, tn: number): string => `
  let M = ui(0u); let N = ui(1u); let K = ui(2u);
  let batch = i32(gid.z);
  let n0 = i32(gid.x) * ${tn};
  let m0 = i32(gid.y) * ${tm};
  if (n0 >= N || m0 >= M) { return; }
  ${batchCode(batchRank)}
  let aBase = ui(4u) + bo0; let aRow = ui(5u);
  let bBase = ui(7u) + bo1; let bK = ui(8u); let bCol = ui(9u);
  let oBase = ui(10u) + batch * ui(13u); let ldo = ui(12u);
  let acc = u(11u) != 0u;`

/** The wide register tile (`MatmulVariant` "wide", opt-in): 16×32 outputs per thread in
 * 2×4-thread workgroups (64×64 per workgroup; one 256-bit llvmpipe SIMD group of 8 lanes).
 * On llvmpipe this loop form measured 0.77-1.27× the 8×8 tile (load 9-12) and takes
 * ~16-20 s to compile each shader (benchmarks/matmulLayouts.ts --variants), so it is not
 * the default. */
const TM_WIDE = 16
const TN_WIDE = 32
const WGX_WIDE = 2
const WGY_WIDE = 4

/** The wide kernel: like `registerSource` with 8 vec4 of B per k (columns past N read
 * whatever the bounds-checked load gives and are not stored). The row loop runs to a bound
 * the compiler cannot fold: fully unrolled, the 16×32 tile took llvmpipe minutes to compile. */
const wideSource = (names: ReadonlyArray<string>, batchRank: number): string => {
  const [a, b, o] = names
  const V = TN_WIDE / 4
  return `
@compute @workgroup_size(${WGX_WIDE}, ${WGY_WIDE}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${registerPrologue(batchRank, TM_WIDE, TN_WIDE)}
  var c: array<vec4<f32>, ${TM_WIDE * V}>;
  // A bound the compiler cannot fold (rows past M are neither computed nor stored).
  let tm = min(${TM_WIDE}, M - m0);
  ${triangleCode(TM_WIDE)}
  for (var k = kLo; k < kHi; k += 4) {
    var bv: array<vec4<f32>, ${4 * V}>;
    for (var kk = 0; kk < 4; kk++) {
      let bRow = (bBase + (k + kk) * bK + n0) >> 2;
      ${Array.from({ length: V }, (_, j) => `bv[kk * ${V} + ${j}] = ld4_${b}(bRow + ${j});`).join(" ")}
    }
    for (var i = 0; i < tm; i++) {
      let av = ld4_${a}((aBase + min(m0 + i, M - 1) * aRow + k) >> 2);
      ${[0, 1, 2, 3].map((kk) => `let s${kk} = vec4<f32>(av[${kk}]);`).join(" ")}
      ${Array.from({ length: V }, (_, j) => `c[i * ${V} + ${j}] = fma(s3, bv[${3 * V + j}], fma(s2, bv[${2 * V + j}], fma(s1, bv[${V + j}], fma(s0, bv[${j}], c[i * ${V} + ${j}]))));`).join("\n      ")}
    }
  }
  for (var i = 0; i < tm; i++) {
    for (var j = 0; j < ${TN_WIDE}; j++) {
      if (m0 + i < M && n0 + j < N) {
        let idx = oBase + (m0 + i) * ldo + n0 + j;
        var v = c[i * ${V} + (j >> 2)][j & 3];
        if (acc) { v += ld_${o}(idx); }
        st_${o}(idx, v);
      }
    }
  }
}`
}

const registerSource = (names: ReadonlyArray<string>, batchRank: number, TM: number): string => {
  const [a, b, o] = names
  const accDecl = Array.from({ length: TM }, (_, i) => `var c${i}0 = vec4<f32>(0.0); var c${i}1 = vec4<f32>(0.0);`).join("\n")
  const aLoads = Array.from(
    { length: TM },
    (_, i) => `let a${i} = ld4_${a}((aBase + min(m0 + ${i}, M - 1) * aRow + k) >> 2);`
  ).join("\n")
  const fma = (comp: string) =>
    Array.from({ length: TM }, (_, i) =>
      `c${i}0 = fma(vec4<f32>(a${i}.${comp}), b0, c${i}0); c${i}1 = fma(vec4<f32>(a${i}.${comp}), b1, c${i}1);`
    ).join("\n")
  const body = ["x", "y", "z", "w"]
    .map((comp, j) =>
      `{ let bRow = (bBase + (k + ${j}) * bK + n0) >> 2;
  let b0 = ld4_${b}(bRow); let b1 = ld4_${b}(bRow + 1);
  ${fma(comp)} }`
    )
    .join("\n")
  const comps = ["x", "y", "z", "w"]
  return `
@compute @workgroup_size(${WGX}, ${WGY}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${registerPrologue(batchRank, TM, TN)}
  ${accDecl}
  ${triangleCode(TM)}
  for (var k = kLo; k < kHi; k += 4) {
    ${aLoads}
    ${body}
  }
  ${storeTile(o!, TM, TN, (i, j) => `c${i}${j >> 2}.${comps[j & 3]}`)}
}`
}

const ntSource = (names: ReadonlyArray<string>, batchRank: number, TM_NT: number): string => {
  const [a, b, o] = names
  const rows = Array.from({ length: TM_NT }, (_, i) => i)
  const cols = Array.from({ length: TN_NT }, (_, j) => j)
  return `
@compute @workgroup_size(${WGX}, ${WGY}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${registerPrologue(batchRank, TM_NT, TN_NT)}
  ${rows.map((i) => cols.map((j) => `var c${i}${j} = vec4<f32>(0.0);`).join(" ")).join("\n")}
  ${rows.map((i) => `let ar${i} = (aBase + min(m0 + ${i}, M - 1) * aRow) >> 2;`).join("\n")}
  ${cols.map((j) => `let br${j} = (bBase + min(n0 + ${j}, N - 1) * bCol) >> 2;`).join("\n")}
  for (var k4 = 0; k4 < (K >> 2); k4++) {
    ${rows.map((i) => `let a${i} = ld4_${a}(ar${i} + k4);`).join("\n")}
    ${cols.map((j) => `let b${j} = ld4_${b}(br${j} + k4);`).join("\n")}
    ${rows.map((i) => cols.map((j) => `c${i}${j} = fma(a${i}, b${j}, c${i}${j});`).join(" ")).join("\n")}
  }
  ${storeTile(o!, TM_NT, TN_NT, (i, j) => `dot(c${i}${j}, vec4<f32>(1.0))`)}
}`
}

/**
 * A·B with A read transposed in place (dW = Xᵀ·dY: A's unit stride runs along m). Each
 * thread owns a TM×8 tile; at each k it loads TM/4 vec4 of A along m and two of B along n,
 * the register kernel's load-to-FMA ratio without staging A (O(MK) copy per call).
 */
const tnSource = (names: ReadonlyArray<string>, batchRank: number, TM: number): string => {
  const [a, b, o] = names
  const av = TM / 4
  const comps = ["x", "y", "z", "w"]
  const fmas = Array.from({ length: TM }, (_, i) =>
    `c${i}0 = fma(vec4<f32>(a${i >> 2}.${comps[i & 3]}), b0, c${i}0); c${i}1 = fma(vec4<f32>(a${i >> 2}.${comps[i & 3]}), b1, c${i}1);`
  ).join("\n")
  return `
@compute @workgroup_size(${WGX}, ${WGY}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${registerPrologue(batchRank, TM, TN)}
  let aK = ui(6u);
  ${Array.from({ length: TM }, (_, i) => `var c${i}0 = vec4<f32>(0.0); var c${i}1 = vec4<f32>(0.0);`).join("\n")}
  ${Array.from({ length: av }, (_, v) => `let am${v} = min(m0 + ${4 * v}, M - 4);`).join(" ")}
  ${triangleCode(TM)}
  for (var k = kLo; k < kHi; k++) {
    let ak = aBase + k * aK;
    ${Array.from({ length: av }, (_, v) => `let a${v} = ld4_${a}((ak + am${v}) >> 2);`).join(" ")}
    let bRow = (bBase + k * bK + n0) >> 2;
    let b0 = ld4_${b}(bRow); let b1 = ld4_${b}(bRow + 1);
    ${fmas}
  }
  ${storeTile(o!, TM, TN, (i, j) => `c${i}${j >> 2}.${comps[j & 3]}`)}
}`
}

const TILE = 64
const TK = 16
const tiledSource = (names: ReadonlyArray<string>, batchRank: number): string => {
  const [a, b, o] = names
  return `
var<workgroup> As: array<array<f32, ${TILE}>, ${TK}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${TK}>;
@compute @workgroup_size(16, 16) fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = ui(0u); let N = ui(1u); let K = ui(2u);
  let batch = i32(wg.z);
  ${batchCode(batchRank)}
  let aBase = ui(4u) + bo0; let aRow = ui(5u); let aK = ui(6u);
  let bBase = ui(7u) + bo1; let bK = ui(8u); let bCol = ui(9u);
  let oBase = ui(10u) + batch * ui(13u); let ldo = ui(12u);
  let acc = u(11u) != 0u;
  let tm = i32(wg.y) * ${TILE}; let tn = i32(wg.x) * ${TILE};
  let tx = i32(lid.x); let ty = i32(lid.y);
  let flat = ty * 16 + tx;
  var c: array<array<f32, 4>, 4>;
  for (var k0 = 0; k0 < K; k0 += ${TK}) {
    for (var l = 0; l < 4; l++) {
      let e = flat + l * 256;
      let kk = e / ${TILE}; let mm = e % ${TILE};
      let gm = tm + mm; let gk = k0 + kk;
      var av = 0.0;
      if (gm < M && gk < K) { av = ld_${a}(aBase + gm * aRow + gk * aK); }
      As[kk][mm] = av;
      let gn = tn + mm;
      var bv = 0.0;
      if (gn < N && gk < K) { bv = ld_${b}(bBase + gk * bK + gn * bCol); }
      Bs[kk][mm] = bv;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${TK}; kk++) {
      var ar: array<f32, 4>; var br: array<f32, 4>;
      for (var i = 0; i < 4; i++) { ar[i] = As[kk][ty + i * 16]; br[i] = Bs[kk][tx + i * 16]; }
      for (var i = 0; i < 4; i++) { for (var j = 0; j < 4; j++) { c[i][j] = fma(ar[i], br[j], c[i][j]); } }
    }
    workgroupBarrier();
  }
  for (var i = 0; i < 4; i++) {
    for (var j = 0; j < 4; j++) {
      let gm = tm + ty + i * 16; let gn = tn + tx + j * 16;
      if (gm < M && gn < N) {
        let idx = oBase + gm * ldo + gn;
        var v = c[i][j];
        if (acc) { v += ld_${o}(idx); }
        st_${o}(idx, v);
      }
    }
  }
}`
}

const genericSource = (names: ReadonlyArray<string>, batchRank: number): string => {
  const [a, b, o] = names
  return `
@compute @workgroup_size(8, 8) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M = ui(0u); let N = ui(1u); let K = ui(2u);
  let n = i32(gid.x); let m = i32(gid.y); let batch = i32(gid.z);
  if (n >= N || m >= M) { return; }
  ${batchCode(batchRank)}
  let aBase = ui(4u) + bo0 + m * ui(5u); let aK = ui(6u);
  let bBase = ui(7u) + bo1 + n * ui(9u); let bK = ui(8u);
  var s = 0.0;
  for (var k = 0; k < K; k++) { s = fma(ld_${a}(aBase + k * aK), ld_${b}(bBase + k * bK), s); }
  let idx = ui(10u) + batch * ui(13u) + m * ui(12u) + n;
  if (u(11u) != 0u) { s += ld_${o}(idx); }
  st_${o}(idx, s);
}`
}

/**
 * Runs a matmul call.
 *
 * @since 0.1.0
 * @category kernels
 */
export const matmul = (ctx: KernelContext, c: Call, triangle?: Triangle): void => {
  const { rt } = ctx
  const r = c.out.shape.length
  if (r < 2 || c.a.shape.length !== r || c.b.shape.length !== r) {
    throw invalidCall("matmul", "a, b and out must have the same rank >= 2")
  }
  const M = c.out.shape[r - 2]!
  const N = c.out.shape[r - 1]!
  const K = c.a.shape[r - 1]!
  if (c.a.shape[r - 2] !== M || c.b.shape[r - 2] !== K || c.b.shape[r - 1] !== N) {
    throw invalidCall("matmul", `shape mismatch ${c.a.shape} x ${c.b.shape} -> ${c.out.shape}`)
  }
  const batch = splitBatch(c.out, c.a, c.b)
  if (numel(c.out.shape) === 0) return
  // out: unit column stride and batch dims that collapse to one stride (contiguous, or a
  // column block of a wider output when a large product is split).
  const ob = coalesce(c.out.shape.slice(0, r - 2), [c.out.strides.slice(0, r - 2)])
  if (c.out.strides[r - 1] !== 1 || (batch.count > 1 && ob.shape.length > 1)) {
    throw invalidCall("matmul", "out must have unit column stride and collapsible batch dims")
  }
  const outBatchStride = batch.count > 1 ? ob.strides[0]![0]! : 0
  if (K === 0) {
    if (c.accumulate !== true) pointwise(rt, { kernel: "fill", out: c.out, value: 0 })
    return
  }
  const work = batch.count * M * N * K
  const scratch: Array<ReturnType<typeof rt.allocate>> = []
  let plan: Plan = { a: c.a, b: c.b, M, N, K }
  let variant: "register" | "nt" | "tn" | "tiled" | "generic" = work <= GENERIC_MAX_WORK
    ? "generic"
    : ctx.matmul === "tiled"
    ? "tiled"
    : "register"
  let batchInfo = batch
  if (variant === "register") {
    const vec = (v: View, s: number) => (v.dtype === "f32" || v.dtype === "f16") && s % 4 === 0
    const batchOk = c.a.strides.slice(0, r - 2).every((s) => s % 4 === 0) &&
      c.b.strides.slice(0, r - 2).every((s) => s % 4 === 0)
    const aBase = batchOk && vec(c.a, c.a.offset)
    const aOk = aBase && c.a.strides[r - 1] === 1 && c.a.strides[r - 2]! % 4 === 0 && K % 4 === 0
    // A transposed in place: unit stride along m, whole vec4 along m.
    const aT = aBase && c.a.strides[r - 2] === 1 && c.a.strides[r - 1]! % 4 === 0 && M % 4 === 0
    const bBase = vec(c.b, c.b.offset)
    const nn = bBase && c.b.strides[r - 1] === 1 && c.b.strides[r - 2]! % 4 === 0 && N % 4 === 0
    const nt = bBase && c.b.strides[r - 2] === 1 && c.b.strides[r - 1]! % 4 === 0 && K % 4 === 0
    // Past a few rows the register kernel on a transposed copy of B beats reading it in place
    // (on llvmpipe 1.2-2× at the train-step shapes); the O(KN) copy is small against O(MKN).
    if (aOk && nt && !nn && M < NT_STAGE_M) variant = "nt"
    else if (aT && nn && !aOk) variant = "tn"
    else if (!aOk || !nn) {
      // Stage the awkward operands as contiguous, zero-padded f32 with the batch materialized
      // (both when K needs padding, since then both must see the same padded K).
      const Kp = pad4(K)
      const Np = pad4(N)
      const bshape = c.out.shape.slice(0, r - 2)
      const stage = (v: View, rows: number, cols: number, rowsP: number, colsP: number): View => {
        const buf = rt.allocate(batch.count * rowsP * colsP * 4)
        scratch.push(buf)
        const full: View = {
          buffer: buf,
          dtype: "f32",
          shape: [...bshape, rowsP, colsP],
          strides: [...bshape.map((_, i) => bshape.slice(i + 1).reduce((x, y) => x * y, 1) * rowsP * colsP), colsP, 1],
          offset: 0
        }
        if (rowsP !== rows || colsP !== cols) pointwise(rt, { kernel: "fill", out: full, value: 0 })
        pointwise(rt, { kernel: "copy", x: v, out: { ...full, shape: [...bshape, rows, cols] } })
        return full
      }
      const padK = Kp !== K
      plan = {
        a: aOk && !padK ? c.a : stage(c.a, M, K, M, Kp),
        b: nn && !padK ? c.b : stage(c.b, K, N, Kp, Np),
        M,
        N,
        K: Kp
      }
      batchInfo = splitBatch(c.out, plan.a, plan.b)
    }
  }
  const a = plan.a
  const b = plan.b
  const words: Array<number> = [
    M,
    N,
    plan.K,
    batchInfo.count,
    a.offset,
    a.strides[r - 2]!,
    a.strides[r - 1]!,
    b.offset,
    b.strides[r - 2]!,
    b.strides[r - 1]!,
    c.out.offset,
    c.accumulate === true ? 1 : 0,
    c.out.strides[r - 2]!,
    outBatchStride,
    triangle === undefined ? 0 : TRIANGLE_MODE[triangle.mode],
    triangle === undefined ? 0 : triangle.offset
  ]
  for (let i = words.length; i < BATCH_AT; i++) words.push(0)
  if (batchInfo.rank > 0) {
    packViews(words, BATCH_AT, batchInfo.shape, [0, 0], batchInfo.strides)
  }
  const vec4 = variant === "register" || variant === "nt" || variant === "tn"
  const bindings: Array<Binding> = [
    { buffer: a.buffer, dtype: a.dtype, write: false, vec4: vec4 },
    { buffer: b.buffer, dtype: b.dtype, write: false, vec4: vec4 },
    { buffer: c.out.buffer, dtype: c.out.dtype, write: true }
  ]
  const rank = batchInfo.rank
  const tmReg = rowsPerThread(M, TM)
  const tmNT = rowsPerThread(M, TM_NT)
  const tmTN = M >= TM ? TM : 4
  // The wide tile only where it fills: a short A (decoding) or a narrow B keep the 8×8 one.
  const wide = variant === "register" && ctx.matmul === "wide" && M >= TM_WIDE && N >= TN_WIDE
  const groups: [number, number, number] =
    wide
      ? [Math.ceil(N / TN_WIDE / WGX_WIDE), Math.ceil(M / TM_WIDE / WGY_WIDE), batchInfo.count]
      : variant === "register"
      ? [Math.ceil(N / TN / WGX), Math.ceil(M / tmReg / WGY), batchInfo.count]
      : variant === "nt"
      ? [Math.ceil(N / TN_NT / WGX), Math.ceil(M / tmNT / WGY), batchInfo.count]
      : variant === "tn"
      ? [Math.ceil(N / TN / WGX), Math.ceil(M / tmTN / WGY), batchInfo.count]
      : variant === "tiled"
      ? [Math.ceil(N / TILE), Math.ceil(M / TILE), batchInfo.count]
      : [Math.ceil(N / 8), Math.ceil(M / 8), batchInfo.count]
  rt.run({
    kernel: wide ? "matmul-wide" : `matmul-${variant}`,
    key: `b${rank}|${variant === "register" ? tmReg : variant === "nt" ? tmNT : variant === "tn" ? tmTN : ""}`,
    bindings,
    uniforms: words,
    groups,
    source: (names) =>
      wide
        ? wideSource(names, rank)
        : variant === "register"
        ? registerSource(names, rank, tmReg)
        : variant === "nt"
        ? ntSource(names, rank, tmNT)
        : variant === "tn"
        ? tnSource(names, rank, tmTN)
        : variant === "tiled"
        ? tiledSource(names, rank)
        : genericSource(names, rank)
  })
  for (const s of scratch) rt.free(s)
}

