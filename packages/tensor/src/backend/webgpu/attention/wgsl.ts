/**
 * WGSL snippets shared by the attention shaders: element addresses from the uniform view
 * layout, the visible-key count of a query row, the per-thread entry points, and the key
 * tile staging of the tiled kernels.
 *
 * @since 0.1.0
 */
import { BC, KVL_AT, LSE_AT, view4, WG } from "./callLayout.ts"

/** WGSL: element offset of view i at (b, h, t, d). @since 0.1.0 @category utils */
export const el = (i: number, b: string, h: string, t: string, d: string) => {
  const at = view4(i)
  return `(ui(${at}u) + ${b} * ui(${at + 1}u) + ${h} * ui(${at + 2}u) + ${t} * ui(${at + 3}u) + ${d} * ui(${at + 4}u))`
}
/** WGSL: element offset of lse at (b, h, t). @since 0.1.0 @category utils */
export const lseAt = (b: string, h: string, t: string) =>
  `(ui(${LSE_AT}u) + ${b} * ui(${LSE_AT + 1}u) + ${h} * ui(${LSE_AT + 2}u) + ${t} * ui(${LSE_AT + 3}u))`

/** WGSL: number of keys query row `t` sees (`kvLen` and `S` defined before).
 * @since 0.1.0 @category utils */
export const visible = (t: string) => `max(0, select(min(kvLen, S), min(min(kvLen, S), ui(7u) + ${t} + 1), u(6u) != 0u))`

/** Entry of the per-thread kernels (one invocation per row; `dn` is the D loop bound) up to
 * the row's coordinates, for as many rows as uniform word `countAt` holds.
 * @since 0.1.0 @category utils */
export const threadEntry = (countAt: number, coordinates: string): string =>
  `@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = i32(gid.x + gid.y * nwg.x * ${WG}u);
  if (idx >= ui(${countAt}u)) { return; }
  // Loop bound from the uniforms: a constant bound makes LLVM (llvmpipe) unroll for minutes.
  let dn = ui(10u);
  let Hq = ui(1u); let Hkv = ui(2u); let T = ui(3u); let S = ui(4u); let scale = uf(5u);
  ${coordinates}`

/** Per-thread entry over query rows (b, h, t), with hk the KV head of h's group. @since 0.1.0 @category utils */
export const queryRowEntry = threadEntry(9, `let t = idx % T; let h = (idx / T) % Hq; let b = idx / (T * Hq);
  let hk = h / (Hq / Hkv);`)

/** Per-thread entry over key rows (b, hk, s); the row count sits at KVL_AT in the backward.
 * @since 0.1.0 @category utils */
export const keyRowEntry = threadEntry(KVL_AT, "let s = idx % S; let hk = (idx / S) % Hkv; let b = idx / (S * Hkv);")

/** 0, 1, …, n - 1 (unrolled WGSL lines). @since 0.1.0 @category utils */
export const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/** WGSL (tiled kernels): the workgroup stages keys s0..s0+BC-1 and their values into Ks, Vs
 * (clamped to the last key; callers mask keys past their visible count). @since 0.1.0 @category utils */
export const stageKeyTile = (ks: string | undefined, vs: string | undefined, D4: number): string =>
  `for (var e = i32(lid.x); e < ${BC * D4}; e += ${WG}) {
      let j = e / ${D4}; let d = e % ${D4};
      let s = min(s0 + j, S - 1);
      Ks[e] = ld4_${ks}(((kb + s * kst) >> 2) + d);
      Vs[e] = ld4_${vs}(((vb + s * vst) >> 2) + d);
    }
    workgroupBarrier();`
