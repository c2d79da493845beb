/**
 * Whether operations record the autograd graph.
 *
 * @since 0.1.0
 */

let enabled = true

/** @since 0.1.0 @category autograd */
export const isGradEnabled = (): boolean => enabled

/** Runs `fn` with recording set to `on`, restoring the previous setting afterwards (even on a throw). */
const withGradEnabled = <A>(on: boolean, fn: () => A): A => {
  const prev = enabled
  enabled = on
  try {
    return fn()
  } finally {
    enabled = prev
  }
}

/**
 * Runs `fn` without recording gradients (inference, optimizer updates, backward rules).
 *
 * @since 0.1.0
 * @category autograd
 */
export const noGrad = <A>(fn: () => A): A => withGradEnabled(false, fn)

/**
 * Runs `fn` with recording on (e.g. a gradient-needing block inside `noGrad`).
 *
 * @since 0.1.0
 * @category autograd
 */
export const enableGrad = <A>(fn: () => A): A => withGradEnabled(true, fn)
