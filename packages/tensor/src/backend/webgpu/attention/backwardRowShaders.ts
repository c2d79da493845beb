/**
 * Attention backward, per-thread passes recomputing probabilities from the saved
 * log-sum-exp: pass 1 per query row (dq and Di = dout·out), pass 2 per key row (dk and dv
 * summed over the query heads of its group); vec4 and scalar variants.
 *
 * @since 0.1.0
 */
import { view4 } from "./callLayout.ts"
import { el, keyRowEntry, lseAt, queryRowEntry, range, visible } from "./wgsl.ts"

/** vec4 backward, pass 1: dq and Di per query row. */
export const dqVec4 = (names: ReadonlyArray<string | undefined>, D: number): string => {
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
export const dkvVec4 = (names: ReadonlyArray<string | undefined>, D: number): string => {
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

/** Scalar backward, pass 1 (D not a multiple of 4, or views not 4-aligned). */
export const dqScalar = ([qs, ks, vs, os, dos, ls, dqs, dl]: ReadonlyArray<string | undefined>, D: number): string => `
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

/** Scalar backward, pass 2. */
export const dkvScalar = ([qs, ks, vs, dos, ls, dl, dks, dvs]: ReadonlyArray<string | undefined>, D: number): string => `
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
