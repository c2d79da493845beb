/**
 * Recording an op into the autograd graph: called by every differentiable op after it
 * computed its output.
 *
 * @since 0.1.0
 */
import type { Tensor } from "../tensor/Tensor.ts"
import { isGradEnabled } from "./mode.ts"
import { Node } from "./Node.ts"
import type { OpName } from "./rules.ts"

/**
 * Attaches a node to `out` when recording is on and some input requires a gradient.
 * `saved` tensors get their own storage references (the caller may dispose its handles).
 *
 * @since 0.1.0
 * @category autograd
 */
export const record = (
  op: OpName,
  out: Tensor,
  inputs: ReadonlyArray<Tensor | null>,
  saved: ReadonlyArray<Tensor> = [],
  attrs?: unknown
): Tensor => {
  if (!isGradEnabled() || !inputs.some((t) => t?.requiresGrad === true)) return out
  const nodeInputs = inputs.map((t) =>
    t !== null && t.requiresGrad ? { node: t.node, leaf: t.node === null ? t : null, shape: t.shape, dtype: t.dtype } : null
  )
  out.attachNode(new Node(op, nodeInputs, saved.map((s) => s.handle()), attrs, out.shape, out.dtype))
  return out
}
