/**
 * A recorded operation in the autograd graph. A node lives while its output tensor or a
 * downstream node refers to it; when the last reference goes, it releases the tensors it
 * saved for backward and its references to upstream nodes, so an abandoned graph frees
 * its memory without a backward pass.
 *
 * @since 0.1.0
 */
import type { DType } from "../backend/Kernel.ts"
import type { Shape } from "../tensor/shape.ts"

/** The minimal view of a tensor the graph needs. @since 0.1.0 @category models */
export interface GraphTensor {
  readonly shape: Shape
  readonly dtype: DType
  readonly node: Node | null
  readonly requiresGrad: boolean
  dispose(): void
}

/**
 * Where an input's gradient goes: an upstream node, or a leaf tensor's `.grad`.
 * `null` inputs need no gradient.
 *
 * @since 0.1.0
 * @category models
 */
export interface NodeInput {
  readonly node: Node | null
  readonly leaf: GraphTensor | null
  readonly shape: Shape
  readonly dtype: DType
}

/** @since 0.1.0 @category models */
export class Node {
  readonly op: string
  readonly inputs: ReadonlyArray<NodeInput | null>
  readonly attrs: unknown
  readonly outShape: Shape
  readonly outDtype: DType
  #saved: ReadonlyArray<GraphTensor>
  #refs = 1
  #savedFreed = false

  constructor(
    op: string,
    inputs: ReadonlyArray<NodeInput | null>,
    saved: ReadonlyArray<GraphTensor>,
    attrs: unknown,
    outShape: Shape,
    outDtype: DType
  ) {
    this.op = op
    this.inputs = inputs
    this.#saved = saved
    this.attrs = attrs
    this.outShape = outShape
    this.outDtype = outDtype
    for (const i of inputs) i?.node?.retain()
  }

  /** The tensors saved for backward; throws once they were released. */
  get saved(): ReadonlyArray<GraphTensor> {
    if (this.#savedFreed) {
      throw new Error(`autograd: the graph through "${this.op}" was already freed by a backward pass (use retainGraph)`)
    }
    return this.#saved
  }

  retain(): void {
    this.#refs++
  }

  /** Releases the saved tensors (after a backward pass, unless the graph is retained). */
  freeSaved(): void {
    if (this.#savedFreed) return
    this.#savedFreed = true
    for (const t of this.#saved) t.dispose()
    this.#saved = []
  }

  /** Drops one reference; the last one frees this node and releases its inputs in turn. */
  release(): void {
    // A loop, not recursion: a graph tens of thousands of ops deep would overflow the stack.
    const pending: Array<Node> = [this]
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (--node.#refs > 0) continue
      node.freeSaved()
      for (const i of node.inputs) if (i?.node != null) pending.push(i.node)
    }
  }
}
