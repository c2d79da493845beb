/**
 * Fused attention with grouped-query heads: forward with online softmax (one thread per
 * query row, O(D) registers, no score matrix) and backward in two deterministic passes
 * (per query row: dq and Di = dout·out; per key row: dk and dv summed over the query heads
 * of its group), recomputing probabilities from the saved log-sum-exp.
 * Visible keys for batch b, query row t: s < min(kvLength_b, S, causal ? qOffset + t + 1 : S);
 * a row that sees no key gets out = 0 and lse = -inf (as the CPU reference).
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../Kernel.ts"
import { attentionBackwardMatmul, attentionBackwardMatmulApplies } from "./attentionBackwardMatmul.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./kernelTable.ts"
import { f32bits } from "./Runtime.ts"
import { NEG_INF } from "./wgslHeader.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

/** Largest head dimension (private arrays are sized by D). */
const MAX_D = 256
const WG = 64

// Uniforms: 0 B, 1 Hq, 2 Hkv, 3 T, 4 S, 5 scale, 6 causal, 7 qOffset, 8 kvLength, 9 rows,
// 10 the D loop bound (D or D/4);
// 4-D views (offset, 4 strides) from 12, 5 words each; lse (offset, 3 strides) at 52;
// at 56, kvLengths (offset, stride) in the forward, the key-row count B·Hkv·S in the backward.
const view4 = (i: number) => 12 + 5 * i
const LSE_AT = 52
const KVL_AT = 56

const pack = (words: Array<number>, i: number, v: View) => {
  const at = view4(i)
  words[at] = v.offset
  for (let d = 0; d < 4; d++) words[at + 1 + d] = v.strides[d] ?? 0
}

const header = (c: Call<"attention"> | Call<"attentionBackward">, rows: number): Array<number> => {
  const [B, Hq, T] = c.q.shape as [number, number, number, number]
  const [, Hkv, S] = c.k.shape as [number, number, number, number]
  const words = new Array<number>(60).fill(0)
  words.splice(0, 10, B, Hq, Hkv, T, S, f32bits(c.scale), c.causal ? 1 : 0, c.qOffset, c.kvLength, rows)
  words[LSE_AT] = c.lse.offset
  for (let d = 0; d < 3; d++) words[LSE_AT + 1 + d] = c.lse.strides[d] ?? 0
  return words
}

const validate = (kernel: string, c: Call<"attention"> | Call<"attentionBackward">): number => {
  if (c.q.shape.length !== 4 || c.k.shape.length !== 4 || c.v.shape.length !== 4) {
    throw invalidCall(kernel, "q, k, v must be [B, H, T, D]")
  }
  const D = c.q.shape[3]!
  const Hq = c.q.shape[1]!
  const Hkv = c.k.shape[1]!
  if (Hkv === 0 || Hq % Hkv !== 0) throw invalidCall(kernel, "Hq must be a multiple of Hkv")
  if (D > MAX_D) throw invalidCall(kernel, `head dimension ${D} exceeds ${MAX_D}`)
  return D
}

/** WGSL: element offset of view i at (b, h, t, d). */
const el = (i: number, b: string, h: string, t: string, d: string) => {
  const at = view4(i)
  return `(ui(${at}u) + ${b} * ui(${at + 1}u) + ${h} * ui(${at + 2}u) + ${t} * ui(${at + 3}u) + ${d} * ui(${at + 4}u))`
}
const lseAt = (b: string, h: string, t: string) =>
  `(ui(${LSE_AT}u) + ${b} * ui(${LSE_AT + 1}u) + ${h} * ui(${LSE_AT + 2}u) + ${t} * ui(${LSE_AT + 3}u))`

/** WGSL: number of keys query row `t` sees (`kvLen` and `S` defined before). */
const visible = (t: string) => `max(0, select(min(kvLen, S), min(min(kvLen, S), ui(7u) + ${t} + 1), u(6u) != 0u))`

/** Whether q, k, v (and dout) can be read as vec4 along D (contiguous D, 4-aligned). */
const vec4Ok = (D: number, views: ReadonlyArray<View>): boolean =>
  D % 4 === 0 &&
  views.every((v) =>
    (v.dtype === "f32" || v.dtype === "f16") && v.strides[3] === 1 && v.offset % 4 === 0 &&
    v.strides.slice(0, 3).every((x) => x % 4 === 0)
  )

/** Entry of the per-thread kernels (one invocation per row; `dn` is the D loop bound) up to
 * the row's coordinates, for as many rows as uniform word `countAt` holds. */
const threadEntry = (countAt: number, coordinates: string): string =>
  `@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = i32(gid.x + gid.y * nwg.x * ${WG}u);
  if (idx >= ui(${countAt}u)) { return; }
  // Loop bound from the uniforms: a constant bound makes LLVM (llvmpipe) unroll for minutes.
  let dn = ui(10u);
  let Hq = ui(1u); let Hkv = ui(2u); let T = ui(3u); let S = ui(4u); let scale = uf(5u);
  ${coordinates}`

/** Per-thread entry over query rows (b, h, t), with hk the KV head of h's group. */
const queryRowEntry = threadEntry(9, `let t = idx % T; let h = (idx / T) % Hq; let b = idx / (T * Hq);
  let hk = h / (Hq / Hkv);`)

/** Per-thread entry over key rows (b, hk, s); the row count sits at KVL_AT in the backward. */
const keyRowEntry = threadEntry(KVL_AT, "let s = idx % S; let hk = (idx / S) % Hkv; let b = idx / (S * Hkv);")

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/** vec4 forward: keys in blocks of 4 share one max/rescale step. */
const forwardVec4 = (names: ReadonlyArray<string | undefined>, D: number): string => {
  const [qs, ks, vs, os, ls, kls] = names
  const D4 = D / 4
  const J = range(4)
  return `
${queryRowEntry}
  ${kls === undefined ? "let kvLen = ui(8u);" : `let kvLen = ldi_${kls}(ui(${KVL_AT}u) + b * ui(${KVL_AT + 1}u));`}
  let n = ${visible("t")};
  var q: array<vec4<f32>, ${D4}>;
  var acc: array<vec4<f32>, ${D4}>;
  let qb = ${el(0, "b", "h", "t", "0")} >> 2;
  for (var d = 0; d < dn; d++) { q[d] = ld4_${qs}(qb + d) * scale; acc[d] = vec4<f32>(0.0); }
  let kb = ${el(1, "b", "hk", "0", "0")}; let kst = ui(${view4(1) + 3}u);
  let vb = ${el(2, "b", "hk", "0", "0")}; let vst = ui(${view4(2) + 3}u);
  let one = vec4<f32>(1.0);
  var m = ${NEG_INF};
  var l = 0.0;
  for (var s = 0; s < n; s += 4) {
    ${J.map((j) => `let s${j} = min(s + ${j}, n - 1);`).join(" ")}
    ${J.map((j) => `let kr${j} = (kb + s${j} * kst) >> 2; var d${j} = vec4<f32>(0.0);`).join("\n    ")}
    for (var d = 0; d < dn; d++) {
      let qq = q[d];
      ${J.map((j) => `d${j} = fma(qq, ld4_${ks}(kr${j} + d), d${j});`).join(" ")}
    }
    let raw = vec4<f32>(${J.map((j) => `dot(d${j}, one)`).join(", ")});
    let sc = select(raw, vec4<f32>(${NEG_INF}), vec4<i32>(s, s + 1, s + 2, s + 3) >= vec4<i32>(n));
    let mNew = max(m, max(max(sc.x, sc.y), max(sc.z, sc.w)));
    let corr = exp(m - mNew);
    let p = exp(sc - vec4<f32>(mNew));
    l = l * corr + dot(p, one);
    ${J.map((j) => `let vr${j} = (vb + s${j} * vst) >> 2;`).join(" ")}
    for (var d = 0; d < dn; d++) {
      acc[d] = acc[d] * corr + p.x * ld4_${vs}(vr0 + d) + p.y * ld4_${vs}(vr1 + d) + p.z * ld4_${vs}(vr2 + d) + p.w * ld4_${vs}(vr3 + d);
    }
    m = mNew;
  }
  let inv = select(0.0, 1.0 / l, n > 0);
  for (var d = 0; d < dn; d++) {
    let o = acc[d] * inv;
    ${J.map((j) => `st_${os}(${el(3, "b", "h", "t", `(4 * d + ${j})`)}, o[${j}]);`).join(" ")}
  }
  st_${ls}(${lseAt("b", "h", "t")}, select(${NEG_INF}, m + log(l), n > 0));
}`
}

/** vec4 backward, pass 1: dq and Di per query row. */
const dqVec4 = (names: ReadonlyArray<string | undefined>, D: number): string => {
  const [qs, ks, vs, os, dos, ls, dqs, dl] = names
  const D4 = D / 4
  const J = range(4)
  return `
${queryRowEntry}
  let kvLen = ui(8u);
  let n = ${visible("t")};
  var q: array<vec4<f32>, ${D4}>;
  var g: array<vec4<f32>, ${D4}>;
  var dq: array<vec4<f32>, ${D4}>;
  let one = vec4<f32>(1.0);
  var di = 0.0;
  let qb = ${el(0, "b", "h", "t", "0")} >> 2;
  let gb = ${el(4, "b", "h", "t", "0")} >> 2;
  for (var d = 0; d < dn; d++) {
    q[d] = ld4_${qs}(qb + d);
    g[d] = ld4_${dos}(gb + d);
    let o = vec4<f32>(${J.map((j) => `ld_${os}(${el(3, "b", "h", "t", `(4 * d + ${j})`)})`).join(", ")});
    di += dot(g[d], o);
    dq[d] = vec4<f32>(0.0);
  }
  let lse = ld_${ls}(${lseAt("b", "h", "t")});
  let kb = ${el(1, "b", "hk", "0", "0")}; let kst = ui(${view4(1) + 3}u);
  let vb = ${el(2, "b", "hk", "0", "0")}; let vst = ui(${view4(2) + 3}u);
  for (var s = 0; s < n; s++) {
    let kr = (kb + s * kst) >> 2;
    let vr = (vb + s * vst) >> 2;
    var dd = vec4<f32>(0.0);
    var pp = vec4<f32>(0.0);
    for (var d = 0; d < dn; d++) {
      dd = fma(q[d], ld4_${ks}(kr + d), dd);
      pp = fma(g[d], ld4_${vs}(vr + d), pp);
    }
    let ds = exp(dot(dd, one) * scale - lse) * (dot(pp, one) - di);
    for (var d = 0; d < dn; d++) { dq[d] = fma(vec4<f32>(ds), ld4_${ks}(kr + d), dq[d]); }
  }
  for (var d = 0; d < dn; d++) {
    let o = dq[d] * scale;
    ${J.map((j) => `st_${dqs}(${el(5, "b", "h", "t", `(4 * d + ${j})`)}, o[${j}]);`).join(" ")}
  }
  st_${dl}(idx, di);
}`
}

/** vec4 backward, pass 2: dk and dv per key row, over the query heads of its group. */
const dkvVec4 = (names: ReadonlyArray<string | undefined>, D: number): string => {
  const [qs, ks, vs, dos, ls, dl, dks, dvs] = names
  const D4 = D / 4
  const J = range(4)
  return `
${keyRowEntry}
  let group = Hq / Hkv;
  let kvLen = min(ui(8u), S);
  var kr: array<vec4<f32>, ${D4}>;
  var vr: array<vec4<f32>, ${D4}>;
  var dk: array<vec4<f32>, ${D4}>;
  var dv: array<vec4<f32>, ${D4}>;
  let one = vec4<f32>(1.0);
  let kb = ${el(1, "b", "hk", "s", "0")} >> 2;
  let vb = ${el(2, "b", "hk", "s", "0")} >> 2;
  for (var d = 0; d < dn; d++) {
    kr[d] = ld4_${ks}(kb + d);
    vr[d] = ld4_${vs}(vb + d);
    dk[d] = vec4<f32>(0.0); dv[d] = vec4<f32>(0.0);
  }
  if (s < kvLen) {
    let t0 = select(0, max(0, s - ui(7u)), u(6u) != 0u);
    for (var hh = 0; hh < group; hh++) {
      let h = hk * group + hh;
      for (var t = t0; t < T; t++) {
        let qr = ${el(0, "b", "h", "t", "0")} >> 2;
        let gr = ${el(4, "b", "h", "t", "0")} >> 2;
        var dd = vec4<f32>(0.0);
        var pp = vec4<f32>(0.0);
        for (var d = 0; d < dn; d++) {
          dd = fma(ld4_${qs}(qr + d), kr[d], dd);
          pp = fma(ld4_${dos}(gr + d), vr[d], pp);
        }
        let p = exp(dot(dd, one) * scale - ld_${ls}(${lseAt("b", "h", "t")}));
        let ds = p * (dot(pp, one) - ld_${dl}((b * Hq + h) * T + t));
        for (var d = 0; d < dn; d++) {
          dv[d] = fma(vec4<f32>(p), ld4_${dos}(gr + d), dv[d]);
          dk[d] = fma(vec4<f32>(ds), ld4_${qs}(qr + d), dk[d]);
        }
      }
    }
  }
  for (var d = 0; d < dn; d++) {
    let a = dk[d] * scale; let c = dv[d];
    ${J.map((j) => `st_${dks}(${el(6, "b", "hk", "s", `(4 * d + ${j})`)}, a[${j}]); st_${dvs}(${el(7, "b", "hk", "s", `(4 * d + ${j})`)}, c[${j}]);`).join("\n    ")}
  }
}`
}

/** Keys per shared-memory tile of the tiled forward. */
const BC = 16

/** WGSL (tiled kernels): the workgroup stages keys s0..s0+BC-1 and their values into Ks, Vs
 * (clamped to the last key; callers mask keys past their visible count). */
const stageKeyTile = (ks: string | undefined, vs: string | undefined, D4: number): string =>
  `for (var e = i32(lid.x); e < ${BC * D4}; e += ${WG}) {
      let j = e / ${D4}; let d = e % ${D4};
      let s = min(s0 + j, S - 1);
      Ks[e] = ld4_${ks}(((kb + s * kst) >> 2) + d);
      Vs[e] = ld4_${vs}(((vb + s * vst) >> 2) + d);
    }
    workgroupBarrier();`

/**
 * Tiled forward for real GPUs: a workgroup takes 64 query rows of one (b, h); key/value
 * tiles of BC rows are staged in workgroup memory and read by all 64 rows, so each K/V
 * element is loaded from global memory once per 64 queries instead of once per query.
 * Loop bounds are constants (fast on GPU compilers; llvmpipe uses the per-thread kernel).
 */
const forwardTiled = (names: ReadonlyArray<string | undefined>, D: number): string => {
  const [qs, ks, vs, os, ls, kls] = names
  const D4 = D / 4
  return `
var<workgroup> Ks: array<vec4<f32>, ${BC * D4}>;
var<workgroup> kvShared: i32;
var<workgroup> Vs: array<vec4<f32>, ${BC * D4}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let Hq = ui(1u); let Hkv = ui(2u); let T = ui(3u); let S = ui(4u); let scale = uf(5u);
  let b = i32(wid.z); let h = i32(wid.y);
  let t0 = i32(wid.x) * ${WG};
  let t = t0 + i32(lid.x);
  let hk = h / (Hq / Hkv);
  ${
    kls === undefined
      ? "let kvLen = ui(8u);"
      : `if (lid.x == 0u) { kvShared = ldi_${kls}(ui(${KVL_AT}u) + b * ui(${KVL_AT + 1}u)); }
  // The loop bound below must be workgroup-uniform: a storage load is not, this is.
  let kvLen = workgroupUniformLoad(&kvShared);`
  }
  // Keys the last row of this block sees: the workgroup-uniform loop bound.
  let tLast = min(t0 + ${WG - 1}, T - 1);
  let nMax = ${visible("tLast")};
  var n = ${visible("t")};
  if (t >= T) { n = 0; }
  var q: array<vec4<f32>, ${D4}>;
  var acc: array<vec4<f32>, ${D4}>;
  let qb = ${el(0, "b", "h", "min(t, T - 1)", "0")} >> 2;
  for (var d = 0; d < ${D4}; d++) { q[d] = ld4_${qs}(qb + d) * scale; acc[d] = vec4<f32>(0.0); }
  let kb = ${el(1, "b", "hk", "0", "0")}; let kst = ui(${view4(1) + 3}u);
  let vb = ${el(2, "b", "hk", "0", "0")}; let vst = ui(${view4(2) + 3}u);
  let one = vec4<f32>(1.0);
  var m = ${NEG_INF};
  var l = 0.0;
  for (var s0 = 0; s0 < nMax; s0 += ${BC}) {
    ${stageKeyTile(ks, vs, D4)}
    var sc: array<f32, ${BC}>;
    var mt = m;
    for (var j = 0; j < ${BC}; j++) {
      var dd = vec4<f32>(0.0);
      for (var d = 0; d < ${D4}; d++) { dd = fma(q[d], Ks[j * ${D4} + d], dd); }
      sc[j] = select(${NEG_INF}, dot(dd, one), s0 + j < n);
      mt = max(mt, sc[j]);
    }
    if (mt > ${NEG_INF}) {
      let corr = exp(m - mt);
      l = l * corr;
      for (var d = 0; d < ${D4}; d++) { acc[d] = acc[d] * corr; }
      for (var j = 0; j < ${BC}; j++) {
        let p = exp(sc[j] - mt);
        l += p;
        for (var d = 0; d < ${D4}; d++) { acc[d] = fma(vec4<f32>(p), Vs[j * ${D4} + d], acc[d]); }
      }
      m = mt;
    }
    workgroupBarrier();
  }
  if (t < T) {
    let inv = select(0.0, 1.0 / l, n > 0);
    for (var d = 0; d < ${D4}; d++) {
      let o = acc[d] * inv;
      ${[0, 1, 2, 3].map((j) => `st_${os}(${el(3, "b", "h", "t", `(4 * d + ${j})`)}, o[${j}]);`).join(" ")}
    }
    st_${ls}(${lseAt("b", "h", "t")}, select(${NEG_INF}, m + log(l), n > 0));
  }
}`
}

/** @since 0.1.0 @category kernels */
export const attention = ({ attention: variant, maxWorkgroupStorage, rt }: KernelContext, c: Call<"attention">): void => {
  const D = validate("attention", c)
  const [B, Hq, T] = c.q.shape as [number, number, number, number]
  const rows = B * Hq * T
  if (rows === 0) return
  const words = header(c, rows)
  pack(words, 0, c.q)
  pack(words, 1, c.k)
  pack(words, 2, c.v)
  pack(words, 3, c.out)
  const kvl = c.kvLengths
  if (kvl !== undefined) {
    words[KVL_AT] = kvl.offset
    words[KVL_AT + 1] = kvl.strides[0] ?? 1
  }
  const bindings = [
    { buffer: c.q.buffer, dtype: c.q.dtype, write: false },
    { buffer: c.k.buffer, dtype: c.k.dtype, write: false },
    { buffer: c.v.buffer, dtype: c.v.dtype, write: false },
    { buffer: c.out.buffer, dtype: c.out.dtype, write: true },
    { buffer: c.lse.buffer, dtype: c.lse.dtype, write: true }
  ]
  if (kvl !== undefined) bindings.push({ buffer: kvl.buffer, dtype: kvl.dtype, write: false })
  const vec = vec4Ok(D, [c.q, c.k, c.v])
  words[10] = vec ? D / 4 : D
  if (vec && variant === "tiled" && 2 * BC * D * 4 <= maxWorkgroupStorage && B <= 65535 && Hq <= 65535) {
    rt.run({
      kernel: "attention-tiled",
      key: `D${D}|${kvl !== undefined ? "kvl" : ""}`,
      bindings: bindings.map((b, i) => (i < 3 ? { ...b, vec4: true } : b)),
      uniforms: words,
      groups: [Math.ceil(T / WG), Hq, B],
      source: (names) => forwardTiled(names, D)
    })
    return
  }
  rt.run({
    kernel: "attention",
    key: `D${D}|${kvl !== undefined ? "kvl" : ""}|${vec ? "v4" : ""}`,
    bindings: bindings.map((b, i) => (vec && i < 3 ? { ...b, vec4: true } : b)),
    uniforms: words,
    groups: Math.ceil(rows / WG),
    source: (names) => vec ? forwardVec4(names, D) : forwardScalar(names, D)
  })
}

const forwardScalar = ([qs, ks, vs, os, ls, kls]: ReadonlyArray<string | undefined>, D: number): string => `
${queryRowEntry}
  ${kls === undefined ? "let kvLen = ui(8u);" : `let kvLen = ldi_${kls}(ui(${KVL_AT}u) + b * ui(${KVL_AT + 1}u));`}
  let n = ${visible("t")};
  var q: array<f32, ${D}>;
  var acc: array<f32, ${D}>;
  for (var d = 0; d < dn; d++) { q[d] = ld_${qs}(${el(0, "b", "h", "t", "d")}) * scale; acc[d] = 0.0; }
  var m = ${NEG_INF};
  var l = 0.0;
  for (var s = 0; s < n; s++) {
    var dot = 0.0;
    for (var d = 0; d < dn; d++) { dot = fma(q[d], ld_${ks}(${el(1, "b", "hk", "s", "d")}), dot); }
    if (dot > m) {
      let corr = exp(m - dot);
      l = l * corr;
      for (var d = 0; d < dn; d++) { acc[d] = acc[d] * corr; }
      m = dot;
    }
    let p = exp(dot - m);
    l += p;
    for (var d = 0; d < dn; d++) { acc[d] = fma(p, ld_${vs}(${el(2, "b", "hk", "s", "d")}), acc[d]); }
  }
  let inv = select(0.0, 1.0 / l, n > 0);
  for (var d = 0; d < dn; d++) { st_${os}(${el(3, "b", "h", "t", "d")}, acc[d] * inv); }
  st_${ls}(${lseAt("b", "h", "t")}, select(${NEG_INF}, m + log(l), n > 0));
}`

/** Tiled backward pass 1 (real GPUs): 64 query rows share K/V tiles; dq and Di per row. */
const dqTiled = (names: ReadonlyArray<string | undefined>, D: number): string => {
  const [qs, ks, vs, os, dos, ls, dqs, dl] = names
  const D4 = D / 4
  return `
var<workgroup> Ks: array<vec4<f32>, ${BC * D4}>;
var<workgroup> Vs: array<vec4<f32>, ${BC * D4}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let Hq = ui(1u); let Hkv = ui(2u); let T = ui(3u); let S = ui(4u); let scale = uf(5u);
  let b = i32(wid.z); let h = i32(wid.y);
  let t0 = i32(wid.x) * ${WG};
  let t = t0 + i32(lid.x);
  let tc = min(t, T - 1);
  let hk = h / (Hq / Hkv);
  let kvLen = ui(8u);
  let tLast = min(t0 + ${WG - 1}, T - 1);
  let nMax = ${visible("tLast")};
  var n = ${visible("t")};
  if (t >= T) { n = 0; }
  var q: array<vec4<f32>, ${D4}>;
  var g: array<vec4<f32>, ${D4}>;
  var dq: array<vec4<f32>, ${D4}>;
  let one = vec4<f32>(1.0);
  var di = 0.0;
  let qb = ${el(0, "b", "h", "tc", "0")} >> 2;
  let gb = ${el(4, "b", "h", "tc", "0")} >> 2;
  for (var d = 0; d < ${D4}; d++) {
    q[d] = ld4_${qs}(qb + d);
    g[d] = ld4_${dos}(gb + d);
    let o = vec4<f32>(${[0, 1, 2, 3].map((j) => `ld_${os}(${el(3, "b", "h", "tc", `(4 * d + ${j})`)})`).join(", ")});
    di += dot(g[d], o);
    dq[d] = vec4<f32>(0.0);
  }
  let lse = ld_${ls}(${lseAt("b", "h", "tc")});
  let kb = ${el(1, "b", "hk", "0", "0")}; let kst = ui(${view4(1) + 3}u);
  let vb = ${el(2, "b", "hk", "0", "0")}; let vst = ui(${view4(2) + 3}u);
  for (var s0 = 0; s0 < nMax; s0 += ${BC}) {
    ${stageKeyTile(ks, vs, D4)}
    for (var j = 0; j < ${BC}; j++) {
      if (s0 + j < n) {
        var dd = vec4<f32>(0.0);
        var pp = vec4<f32>(0.0);
        for (var d = 0; d < ${D4}; d++) {
          dd = fma(q[d], Ks[j * ${D4} + d], dd);
          pp = fma(g[d], Vs[j * ${D4} + d], pp);
        }
        let ds = exp(dot(dd, one) * scale - lse) * (dot(pp, one) - di);
        for (var d = 0; d < ${D4}; d++) { dq[d] = fma(vec4<f32>(ds), Ks[j * ${D4} + d], dq[d]); }
      }
    }
    workgroupBarrier();
  }
  if (t < T) {
    for (var d = 0; d < ${D4}; d++) {
      let o = dq[d] * scale;
      ${[0, 1, 2, 3].map((j) => `st_${dqs}(${el(5, "b", "h", "t", `(4 * d + ${j})`)}, o[${j}]);`).join(" ")}
    }
    st_${dl}((b * Hq + h) * T + t, di);
  }
}`
}

/**
 * Tiled backward pass 2 (real GPUs): 64 key rows of one (b, kv head) share tiles of BC query
 * rows (q, dout, lse, Di) of every query head in the group; dk and dv per key row.
 */
const dkvTiled = (names: ReadonlyArray<string | undefined>, D: number): string => {
  const [qs, ks, vs, dos, ls, dl, dks, dvs] = names
  const D4 = D / 4
  return `
var<workgroup> Qs: array<vec4<f32>, ${BC * D4}>;
var<workgroup> Gs: array<vec4<f32>, ${BC * D4}>;
var<workgroup> Ls: array<f32, ${BC}>;
var<workgroup> Ds: array<f32, ${BC}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let Hq = ui(1u); let Hkv = ui(2u); let T = ui(3u); let S = ui(4u); let scale = uf(5u);
  let b = i32(wid.z); let hk = i32(wid.y);
  let sFirst = i32(wid.x) * ${WG};
  let s = sFirst + i32(lid.x);
  let sc = min(s, S - 1);
  let group = Hq / Hkv;
  let kvLen = min(ui(8u), S);
  let causal = u(6u) != 0u;
  var kr: array<vec4<f32>, ${D4}>;
  var vr: array<vec4<f32>, ${D4}>;
  var dk: array<vec4<f32>, ${D4}>;
  var dv: array<vec4<f32>, ${D4}>;
  let one = vec4<f32>(1.0);
  let kb = ${el(1, "b", "hk", "sc", "0")} >> 2;
  let vb = ${el(2, "b", "hk", "sc", "0")} >> 2;
  for (var d = 0; d < ${D4}; d++) {
    kr[d] = ld4_${ks}(kb + d);
    vr[d] = ld4_${vs}(vb + d);
    dk[d] = vec4<f32>(0.0); dv[d] = vec4<f32>(0.0);
  }
  let live = s < kvLen;
  // Causal: query rows before tStart see none of this block's keys.
  let tStart = select(0, max(0, sFirst - ui(7u)), causal);
  for (var hh = 0; hh < group; hh++) {
    let h = hk * group + hh;
    for (var t0 = tStart; t0 < T; t0 += ${BC}) {
      for (var e = i32(lid.x); e < ${BC * D4}; e += ${WG}) {
        let i = e / ${D4}; let d = e % ${D4};
        let t = min(t0 + i, T - 1);
        Qs[e] = ld4_${qs}((${el(0, "b", "h", "t", "0")} >> 2) + d);
        Gs[e] = ld4_${dos}((${el(4, "b", "h", "t", "0")} >> 2) + d);
      }
      if (i32(lid.x) < ${BC}) {
        let t = min(t0 + i32(lid.x), T - 1);
        Ls[lid.x] = ld_${ls}(${lseAt("b", "h", "t")});
        Ds[lid.x] = ld_${dl}((b * Hq + h) * T + t);
      }
      workgroupBarrier();
      for (var i = 0; i < ${BC}; i++) {
        let t = t0 + i;
        // Key s is visible to row t iff s < min(kvLen, S, causal ? qOffset + t + 1 : S).
        if (live && t < T && (!causal || s <= ui(7u) + t)) {
          var dd = vec4<f32>(0.0);
          var pp = vec4<f32>(0.0);
          for (var d = 0; d < ${D4}; d++) {
            dd = fma(Qs[i * ${D4} + d], kr[d], dd);
            pp = fma(Gs[i * ${D4} + d], vr[d], pp);
          }
          let p = exp(dot(dd, one) * scale - Ls[i]);
          let ds = p * (dot(pp, one) - Ds[i]);
          for (var d = 0; d < ${D4}; d++) {
            dv[d] = fma(vec4<f32>(p), Gs[i * ${D4} + d], dv[d]);
            dk[d] = fma(vec4<f32>(ds), Qs[i * ${D4} + d], dk[d]);
          }
        }
      }
      workgroupBarrier();
    }
  }
  if (s < S) {
    for (var d = 0; d < ${D4}; d++) {
      let a = dk[d] * scale; let c = dv[d];
      ${[0, 1, 2, 3].map((j) => `st_${dks}(${el(6, "b", "hk", "s", `(4 * d + ${j})`)}, a[${j}]); st_${dvs}(${el(7, "b", "hk", "s", `(4 * d + ${j})`)}, c[${j}]);`).join("\n      ")}
    }
  }
}`
}

/** @since 0.1.0 @category kernels */
export const attentionBackward = (ctx: KernelContext, c: Call<"attentionBackward">): void => {
  const { attention: variant, maxWorkgroupStorage, rt } = ctx
  const D = validate("attentionBackward", c)
  // CPU rasterizers: the register matmuls outrun the per-thread passes several times over.
  if (variant === "thread" && attentionBackwardMatmulApplies(ctx, c)) return attentionBackwardMatmul(ctx, c)
  const [B, Hq, T] = c.q.shape as [number, number, number, number]
  const [, Hkv, S] = c.k.shape as [number, number, number, number]
  const rows = B * Hq * T
  const keyRows = B * Hkv * S
  const views = [c.q, c.k, c.v, c.out, c.dout, c.dq, c.dk, c.dv]
  const words = header(c, rows)
  views.forEach((v, i) => pack(words, i, v))
  const delta = rt.allocate(Math.max(1, rows) * 4)
  words[KVL_AT] = keyRows
  const vec = vec4Ok(D, [c.q, c.k, c.v, c.dout])
  words[10] = vec ? D / 4 : D
  const ro = (v: View, v4 = false) => ({ buffer: v.buffer, dtype: v.dtype, write: false, vec4: vec && v4 })
  const rw = (v: View) => ({ buffer: v.buffer, dtype: v.dtype, write: true })
  const dqBindings = [ro(c.q, true), ro(c.k, true), ro(c.v, true), ro(c.out), ro(c.dout, true), ro(c.lse), rw(c.dq), {
    buffer: delta,
    dtype: "f32" as const,
    write: true
  }]
  const dkvBindings = [ro(c.q, true), ro(c.k, true), ro(c.v, true), ro(c.dout, true), ro(c.lse), {
    buffer: delta,
    dtype: "f32" as const,
    write: false
  }, rw(c.dk), rw(c.dv)]
  const tiled = vec && variant === "tiled" && 2 * BC * D * 4 + 2 * BC * 4 <= maxWorkgroupStorage && B <= 65535 &&
    Hq <= 65535
  if (tiled && rows > 0 && keyRows > 0) {
    rt.run({
      kernel: "attentionBackward-dq-tiled",
      key: `D${D}`,
      bindings: dqBindings,
      uniforms: words,
      groups: [Math.ceil(T / WG), Hq, B],
      source: (names) => dqTiled(names, D)
    })
    rt.run({
      kernel: "attentionBackward-dkv-tiled",
      key: `D${D}`,
      bindings: dkvBindings,
      uniforms: words,
      groups: [Math.ceil(S / WG), Hkv, B],
      source: (names) => dkvTiled(names, D)
    })
    rt.free(delta)
    return
  }
  if (rows > 0) {
    rt.run({
      kernel: "attentionBackward-dq",
      key: `D${D}|${vec ? "v4" : ""}`,
      bindings: dqBindings,
      uniforms: words,
      groups: Math.ceil(rows / WG),
      source: (names) => vec ? dqVec4(names, D) : dqScalar(names, D)
    })
  }
  if (keyRows > 0) {
    rt.run({
      kernel: "attentionBackward-dkv",
      key: `D${D}|${vec ? "v4" : ""}`,
      bindings: dkvBindings,
      uniforms: words,
      groups: Math.ceil(keyRows / WG),
      source: (names) => vec ? dkvVec4(names, D) : dkvScalar(names, D)
    })
  }
  rt.free(delta)
}

const dqScalar = ([qs, ks, vs, os, dos, ls, dqs, dl]: ReadonlyArray<string | undefined>, D: number): string => `
${queryRowEntry}
  let kvLen = ui(8u);
  let n = ${visible("t")};
  var q: array<f32, ${D}>;
  var g: array<f32, ${D}>;
  var dq: array<f32, ${D}>;
  var di = 0.0;
  for (var d = 0; d < dn; d++) {
    q[d] = ld_${qs}(${el(0, "b", "h", "t", "d")});
    g[d] = ld_${dos}(${el(4, "b", "h", "t", "d")});
    di = fma(g[d], ld_${os}(${el(3, "b", "h", "t", "d")}), di);
    dq[d] = 0.0;
  }
  let lse = ld_${ls}(${lseAt("b", "h", "t")});
  for (var s = 0; s < n; s++) {
    var dot = 0.0;
    var dp = 0.0;
    for (var d = 0; d < dn; d++) {
      dot = fma(q[d], ld_${ks}(${el(1, "b", "hk", "s", "d")}), dot);
      dp = fma(g[d], ld_${vs}(${el(2, "b", "hk", "s", "d")}), dp);
    }
    let ds = exp(dot * scale - lse) * (dp - di);
    for (var d = 0; d < dn; d++) { dq[d] = fma(ds, ld_${ks}(${el(1, "b", "hk", "s", "d")}), dq[d]); }
  }
  for (var d = 0; d < dn; d++) { st_${dqs}(${el(5, "b", "h", "t", "d")}, dq[d] * scale); }
  st_${dl}(idx, di);
}`

const dkvScalar = ([qs, ks, vs, dos, ls, dl, dks, dvs]: ReadonlyArray<string | undefined>, D: number): string => `
${keyRowEntry}
  let group = Hq / Hkv;
  let kvLen = min(ui(8u), S);
  var kr: array<f32, ${D}>;
  var vr: array<f32, ${D}>;
  var dk: array<f32, ${D}>;
  var dv: array<f32, ${D}>;
  for (var d = 0; d < dn; d++) {
    kr[d] = ld_${ks}(${el(1, "b", "hk", "s", "d")});
    vr[d] = ld_${vs}(${el(2, "b", "hk", "s", "d")});
    dk[d] = 0.0; dv[d] = 0.0;
  }
  if (s < kvLen) {
    // Causal rows before t0 cannot see key s.
    let t0 = select(0, max(0, s - ui(7u)), u(6u) != 0u);
    for (var hh = 0; hh < group; hh++) {
      let h = hk * group + hh;
      for (var t = t0; t < T; t++) {
        var dot = 0.0;
        var dp = 0.0;
        for (var d = 0; d < dn; d++) {
          dot = fma(ld_${qs}(${el(0, "b", "h", "t", "d")}), kr[d], dot);
          dp = fma(ld_${dos}(${el(4, "b", "h", "t", "d")}), vr[d], dp);
        }
        let p = exp(dot * scale - ld_${ls}(${lseAt("b", "h", "t")}));
        let ds = p * (dp - ld_${dl}((b * Hq + h) * T + t));
        for (var d = 0; d < dn; d++) {
          dv[d] = fma(p, ld_${dos}(${el(4, "b", "h", "t", "d")}), dv[d]);
          dk[d] = fma(ds, ld_${qs}(${el(0, "b", "h", "t", "d")}), dk[d]);
        }
      }
    }
  }
  for (var d = 0; d < dn; d++) {
    st_${dks}(${el(6, "b", "hk", "s", "d")}, dk[d] * scale);
    st_${dvs}(${el(7, "b", "hk", "s", "d")}, dv[d]);
  }
}`
