/**
 * Attention backward for real GPUs: the two passes with query (pass 1) or key (pass 2) rows
 * in 64-row workgroups sharing tiles in workgroup memory.
 *
 * @since 0.1.0
 */
import { BC, view4, WG } from "./callLayout.ts"
import { el, lseAt, stageKeyTile, visible } from "./wgsl.ts"

/** Tiled backward pass 1 (real GPUs): 64 query rows share K/V tiles; dq and Di per row. */
export const dqTiled = (names: ReadonlyArray<string | undefined>, D: number): string => {
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
export const dkvTiled = (names: ReadonlyArray<string | undefined>, D: number): string => {
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
