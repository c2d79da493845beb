/**
 * Mean, population standard deviation, min and max of a metric's values.
 *
 * @since 0.1.0
 */

/**
 * Summarises values for a metrics line (an empty list gives mean 0).
 *
 * @since 0.1.0
 * @category utils
 */
export const summary = (values: ReadonlyArray<number>) => {
  const n = Math.max(1, values.length)
  const mean = values.reduce((a, b) => a + b, 0) / n
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n)
  return { mean, std, min: Math.min(...values), max: Math.max(...values) }
}
