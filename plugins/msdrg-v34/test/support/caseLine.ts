/**
 * The worked-example fixture's lines carry their gold labels (`expected`, `expectedInitial`,
 * `seedLabel`) and a `note` beside the case; `msdrg group` rejects fields it does not know,
 * so the tests feed it the case alone.
 */
const GOLD_FIELDS = ["expected", "expectedInitial", "seedLabel", "note"]

/** `line` without the fixture's gold-label fields. */
export const caseLine = (line: string): string =>
  JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line) as Record<string, unknown>).filter(([k]) => !GOLD_FIELDS.includes(k))))

/** Every line of a fixture file's text, without the gold-label fields. */
export const caseLines = (text: string): string => text.trim().split("\n").map(caseLine).join("\n") + "\n"
