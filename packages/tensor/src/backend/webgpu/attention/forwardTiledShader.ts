/**
 * Attention forward for real GPUs: 64 query rows per workgroup share key/value tiles staged
 * in workgroup memory.
 *
 * @since 0.1.0
 */
import { BC, KVL_AT, view4, WG } from "./callLayout.ts"
import { el, lseAt, stageKeyTile, visible } from "./wgsl.ts"
import { NEG_INF } from "../wgslHeader.ts"

/**
 * Tiled forward for real GPUs: a workgroup takes 64 query rows of one (b, h); key/value
 * tiles of BC rows are staged in workgroup memory and read by all 64 rows, so each K/V
 * element is loaded from global memory once per 64 queries instead of once per query.
 * Loop bounds are constants (fast on GPU compilers; llvmpipe uses the per-thread kernel).
 */
export const forwardTiled = (names: ReadonlyArray<string | undefined>, D: number): string => {
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
