/**
 * The reverse-mode pass: walks the graph from a tensor in reverse topological order,
 * applies each node's rule from `rules.ts`, sums gradients that meet, and accumulates
 * into leaves' `.grad`. Saved tensors are released as each node finishes unless the
 * graph is retained.
 *
 * @since 0.1.0
 */
import { tidy } from "../tensor/scope.ts"
import { isRowMajor, sameShape, showShape } from "../tensor/shape.ts"
import type { Tensor } from "../tensor/Tensor.ts"
import { add } from "../ops/elementwise.ts"
import { cast, contiguous } from "../ops/views.ts"
import { full } from "../tensor/creation.ts"
import { noGrad } from "./mode.ts"
import type { Node } from "./Node.ts"
import { gradRules, type OpName } from "./rules.ts"

/** Options of `backward`. @since 0.1.0 @category models */
export interface BackwardOptions {
  /** Keep saved tensors so the graph can be differentiated again. Default false. */
  readonly retainGraph?: boolean
}

/** Nodes reachable from `root`, each after every node that consumes it. */
const topoOrder = (root: Node): Array<Node> => {
  const visited = new Set<Node>()
  const post: Array<Node> = []
  const stack: Array<[Node, number]> = [[root, 0]]
  visited.add(root)
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    const [node, i] = top
    if (i < node.inputs.length) {
      top[1]++
      const next = node.inputs[i]?.node
      if (next != null && !visited.has(next)) {
        visited.add(next)
        stack.push([next, 0])
      }
    } else {
      stack.pop()
      post.push(node)
    }
  }
  return post.reverse()
}

/** Adds `g` into a leaf's `.grad` (in place after the first time); consumes `g`. */
const accumulate = (leaf: Tensor, g: Tensor): void => {
  if (leaf.isDisposed) {
    g.dispose()
    return
  }
  if (leaf.grad === null) {
    // Own a contiguous copy in the leaf's dtype; the gradient outlives every scope.
    const owned = g.dtype === leaf.dtype && g.storage.refs === 1 && isRowMajor(g.shape, g.strides) && g.size > 0
      ? g
      : g.dtype === leaf.dtype
      ? contiguous(g)
      : cast(g, leaf.dtype)
    if (owned !== g) g.dispose()
    leaf.grad = owned.keep()
    return
  }
  const gv = g.dtype === leaf.dtype ? g : cast(g, leaf.dtype)
  leaf.backend.dispatch({ kernel: "binary", op: "add", a: leaf.grad.view, b: gv.view, out: leaf.grad.view })
  if (gv !== g) gv.dispose()
  g.dispose()
}

/**
 * Backpropagates from `root`. Without `grad`, root must have one element (seeded with 1).
 *
 * @since 0.1.0
 * @category autograd
 */
export const backward = (root: Tensor, grad?: Tensor, options: BackwardOptions = {}): void =>
  noGrad(() => {
    if (!root.requiresGrad) throw new Error("backward: tensor does not require grad")
    if (grad === undefined && root.size !== 1) throw new Error("backward: grad needed for a non-scalar tensor")
    if (grad !== undefined && !sameShape(grad.shape, root.shape)) {
      throw new Error(`backward: grad ${showShape(grad.shape)} for ${showShape(root.shape)}`)
    }
    const seed = grad === undefined ? full(root.shape, 1, { dtype: root.dtype, backend: root.backend }) : grad.detach()
    const rootNode = root.node
    if (rootNode === null) {
      accumulate(root, seed)
      return
    }
    const grads = new Map<Node, Tensor>([[rootNode, seed]])
    for (const node of topoOrder(rootNode)) {
      const g = grads.get(node)
      grads.delete(node)
      if (g === undefined) {
        if (options.retainGraph !== true) node.freeSaved()
        continue
      }
      const rule = gradRules[node.op as OpName]
      const inGrads = tidy(() => [...rule(node, g)])
      g.dispose()
      if (options.retainGraph !== true) node.freeSaved()
      node.inputs.forEach((input, i) => {
        const gi = inGrads[i] ?? null
        if (input === null || gi === null) {
          gi?.dispose()
          return
        }
        if (!sameShape(gi.shape, input.shape)) {
          throw new Error(`autograd: rule "${node.op}" gave ${showShape(gi.shape)} for input ${showShape(input.shape)}`)
        }
        const typed = gi.dtype === input.dtype ? gi : cast(gi, input.dtype)
        if (typed !== gi) gi.dispose()
        if (input.node !== null) {
          const prev = grads.get(input.node)
          if (prev === undefined) grads.set(input.node, typed)
          else {
            grads.set(input.node, add(prev, typed))
            prev.dispose()
            typed.dispose()
          }
        } else if (input.leaf !== null) {
          accumulate(input.leaf as Tensor, typed)
        }
      })
    }
    for (const g of grads.values()) g.dispose()
  })
