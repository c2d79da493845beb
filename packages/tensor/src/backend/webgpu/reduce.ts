/**
 * Reductions over one axis (sum, max, min) and argmax, keepdims, on strided views. Short
 * axes run one thread per output; long axes with few outputs one workgroup per output.
 * Accumulation is f32.
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./KernelContext.ts"
import { numel } from "../../tensor/shape.ts"
import { coalesce, offsetsCode, packViews } from "./stridedIndex.ts"
import { NEG_INF } from "./wgslHeader.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

const WG = 64
const SHAPE_AT = 8

const INIT = { sum: "0.0", max: NEG_INF, min: "bitcast<f32>(0x7f800000u + min(u(0u), 0u))" }
const COMBINE = { sum: (a: string, b: string) => `${a} + ${b}`, max: (a: string, b: string) => `max(${a}, ${b})`, min: (a: string, b: string) => `min(${a}, ${b})` }

const run = (ctx: KernelContext, c: Call<"reduce"> | Call<"argmax">): void => {
  const { rt } = ctx
  const { x, out, axis } = c
  const r = x.shape.length
  if (axis < 0 || axis >= r || out.shape.length !== r || out.shape[axis] !== 1) {
    throw invalidCall(c.kernel, "out must have x's shape with the reduced axis of size 1")
  }
  const nOut = numel(out.shape)
  if (nOut === 0) return
  const len = x.shape[axis]!
  const rest = x.shape.filter((_, d) => d !== axis)
  const cz = coalesce(rest, [x.strides.filter((_, d) => d !== axis), out.strides.filter((_, d) => d !== axis)])
  const rank = cz.shape.length
  const words: Array<number> = [nOut, len, x.strides[axis]!, 0, 0, 0, 0, 0]
  const bases = packViews(words, SHAPE_AT, cz.shape, [x.offset, out.offset], cz.strides)
  const isArg = c.kernel === "argmax"
  const op = c.kernel === "argmax" ? "max" : c.op
  const perGroup = len >= 256 && nOut < 2048
  const store = (o: string | undefined, v: string, k: string) => (isArg ? `sti_${o}(o1, ${k});` : `st_${o}(o1, ${v});`)
  const better = (v: string, best: string) => (op === "max" ? `${v} > ${best}` : `${v} < ${best}`)
  rt.run({
    kernel: c.kernel,
    key: `${op}|r${rank}|${perGroup ? "wg" : "t"}`,
    bindings: [{ buffer: x.buffer, dtype: x.dtype, write: false }, { buffer: out.buffer, dtype: out.dtype, write: true }],
    uniforms: words,
    groups: perGroup ? nOut : Math.ceil(nOut / WG),
    source: ([xs, os]) =>
      perGroup
        ? `
var<workgroup> rv: array<f32, ${WG}>;
var<workgroup> rk: array<i32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = i32(wid.x + wid.y * nwg.x);
  if (i >= ui(0u)) { return; }
  let l = i32(lid.x);
  ${offsetsCode(rank, SHAPE_AT, bases, "i", "o")}
  let n = ui(1u); let st = ui(2u);
  var acc = ${INIT[op]};
  var key = n;
  for (var k = l; k < n; k += ${WG}) {
    let v = ld_${xs}(o0 + k * st);
    ${isArg ? `if (${better("v", "acc")} || key == n) { acc = v; key = k; }` : `acc = ${COMBINE[op]("acc", "v")};`}
  }
  rv[l] = acc; rk[l] = key;
  workgroupBarrier();
  for (var s = ${WG / 2}; s > 0; s >>= 1u) {
    if (l < s) {
      ${
          isArg
            ? `let v = rv[l + s]; let kk = rk[l + s];
      if (${better("v", "rv[l]")} || (v == rv[l] && kk < rk[l]) || rk[l] == n) { if (kk != n) { rv[l] = v; rk[l] = kk; } }`
            : `rv[l] = ${COMBINE[op]("rv[l]", "rv[l + s]")};`
        }
    }
    workgroupBarrier();
  }
  if (l == 0) { ${store(os, "rv[0]", "rk[0]")} }
}`
        : `
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = i32(gid.x + gid.y * nwg.x * ${WG}u);
  if (i >= ui(0u)) { return; }
  ${offsetsCode(rank, SHAPE_AT, bases, "i", "o")}
  let n = ui(1u); let st = ui(2u);
  var acc = ${INIT[op]};
  var key = 0;
  for (var k = 0; k < n; k++) {
    let v = ld_${xs}(o0 + k * st);
    ${isArg ? `if (${better("v", "acc")} || k == 0) { acc = v; key = k; }` : `acc = ${COMBINE[op]("acc", "v")};`}
  }
  ${store(os, "acc", "key")}
}`
  })
}

/** @since 0.1.0 @category kernels */
export const reduce = (ctx: KernelContext, c: Call<"reduce">): void => run(ctx, c)

/** @since 0.1.0 @category kernels */
export const argmax = (ctx: KernelContext, c: Call<"argmax">): void => run(ctx, c)
