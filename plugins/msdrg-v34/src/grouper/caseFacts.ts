/**
 * The facts of one case that DRG logic reads, after normalization.
 */
import type { Sex } from "@sapphire-rl/spec"

/** A normalized case. */
export interface CaseFacts {
  readonly pdx: string
  /** Secondary diagnoses in effect (valid shape, not the PDX, no duplicates). */
  readonly sdx: ReadonlyArray<string>
  /** Procedures (valid shape, no duplicates). */
  readonly procedures: ReadonlyArray<string>
  readonly age: number
  readonly sex: Sex
  readonly status: string
  /** The case's MDC once chosen. */
  readonly mdc: string | null
  /** The PDX's default medical family (or the MDC rule's family). */
  readonly pdxFamily: string | null
}
