/**
 * Attention forward, one invocation per query row with online softmax (O(D) registers, no
 * score matrix): the vec4 variant (keys in blocks of 4) and the scalar fallback.
 *
 * @since 0.1.0
 */
import { KVL_AT, view4 } from "./callLayout.ts"
import { el, lseAt, queryRowEntry, range, visible } from "./wgsl.ts"
import { NEG_INF } from "../wgslHeader.ts"

/** vec4 forward: keys in blocks of 4 share one max/rescale step. */
export const forwardVec4 = (names: ReadonlyArray<string | undefined>, D: number): string => {
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

/** Scalar forward (D not a multiple of 4, or views not 4-aligned). */
export const forwardScalar = ([qs, ks, vs, os, ls, kls]: ReadonlyArray<string | undefined>, D: number): string => `
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
