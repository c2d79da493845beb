/**
 * The prefix of every conformance test name, in its own file so the count reporter (which runs
 * in vitest's main process) can read it without importing the test API.
 *
 * @since 0.1.0
 * @category naming
 */
export const CONFORMANCE_PREFIX = "conformance:"
