/**
 * The backend new tensors use when none is given. Tensors carry their backend, so ops
 * follow their inputs; this only decides where creation functions allocate.
 *
 * @since 0.1.0
 */
import type { Backend } from "../backend/Backend.ts"
import { makeCpuBackend } from "../backend/cpu/CpuBackend.ts"

let current: Backend | undefined

/**
 * The default backend (a CPU backend, made on first use, unless one was set).
 *
 * @since 0.1.0
 * @category backends
 */
export const getDefaultBackend = (): Backend => {
  if (current === undefined) current = makeCpuBackend()
  return current
}

/**
 * Sets the default backend; returns the previous one (undefined if none was made yet).
 *
 * @since 0.1.0
 * @category backends
 */
export const setDefaultBackend = (backend: Backend | undefined): Backend | undefined => {
  const prev = current
  current = backend
  return prev
}

/**
 * Runs `fn` with `backend` as the default, restoring the previous default afterwards.
 *
 * @since 0.1.0
 * @category backends
 */
export const withBackend = <A>(backend: Backend, fn: () => A): A => {
  const prev = current
  current = backend
  try {
    return fn()
  } finally {
    current = prev
  }
}
