/**
 * @sapphire-rl/report: a run's self-contained HTML report.
 *
 * @since 0.1.0
 */
export * from "./ReportInput.ts"
export * from "./Charts.ts"
export * from "./renderSvg.ts"
export * from "./renderReport.ts"
