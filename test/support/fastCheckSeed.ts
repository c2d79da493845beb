import * as fc from "fast-check"

// Property tests explore new random cases on every local run; in CI they replay a fixed
// seed so that a red build always points at a reproducible counterexample (set FC_SEED to
// replay another). fast-check prints the seed of any failure either way.
const seed = process.env["FC_SEED"] ?? (process.env["CI"] ? "20261126" : undefined)
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) })
