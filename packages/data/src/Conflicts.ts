/**
 * Which codes cannot sit together in one synthetic case, and which secondary codes need a
 * companion. Keeps cases clinically coherent and keeps distractor text (negated, ruled-out,
 * history-only mentions) away from any condition the case actually has.
 */

// Codes whose prefixes share a group describe the same clinical problem: a case holds at most
// one of them, and a distractor about the group never appears beside a coded member.
const GROUPS: ReadonlyArray<ReadonlyArray<string>> = [
  ["I50", "I11", "I13"],
  ["J96", "J80", "J95.821"],
  ["A40", "A41", "R78.81", "R65.1", "T82.7"],
  ["J18", "J15", "J13", "J12", "J69", "J10", "J11", "J44.0"],
  ["N17", "N18.6", "Z99.2", "N18.5", "I12"],
  ["N18"],
  ["E10", "E11"],
  ["I48"],
  ["I63", "I61", "I60", "G45", "I69", "S06", "I65"],
  ["F10", "F11", "T40", "T51"],
  ["K70", "K74", "K72", "K76.7"],
  ["G93.4", "G92", "R41.82", "F05", "R40", "G30", "F03"],
  ["D62", "D64", "D61"],
  ["E43", "E44", "R62.7"],
  ["K92", "K25", "K26", "K57.31", "K62.5", "I85"],
  ["R57", "R65.21", "I46", "I49.01", "T78.2"],
  ["I10", "I11", "I12", "I13", "I95"],
  ["I21", "I25.2", "I20", "R07"],
  ["I26", "I82", "I80"],
  ["N39", "N10", "N30"],
  ["K85", "K86"],
  ["K80", "K81", "K83"],
  ["G40", "R56"],
  ["L03", "L02", "T81.4"],
  ["J44", "J45", "J20"],
  ["C34", "J91"],
  ["K56", "K63"],
  ["K57"],
  ["E87", "E86"],
  ["C78", "C79", "C71"],
  ["D69", "D68", "D65", "D61"],
  ["G81", "I69"],
  ["R09", "J96"]
]

// Sampling asks for the keys of the same few hundred codes again and again (most of the
// generator's time went here), so each code's keys are computed once.
const keysByCode = new Map<string, ReadonlyArray<string>>()

/** The conflict keys of a code: its 3-character category plus every group it belongs to. */
export const conflictKeys = (code: string): ReadonlyArray<string> => {
  const cached = keysByCode.get(code)
  if (cached !== undefined) return cached
  const keys = [`cat:${code.slice(0, 3)}`]
  GROUPS.forEach((group, i) => {
    if (group.some((prefix) => code.startsWith(prefix))) keys.push(`group:${i}`)
  })
  keysByCode.set(code, keys)
  return keys
}

/** True when two codes describe the same clinical problem. */
export const conflicts = (a: string, b: string): boolean => {
  const ka = conflictKeys(a)
  return conflictKeys(b).some((k) => ka.includes(k))
}

/** True when the code conflicts with any code of the list. */
export const conflictsWithAny = (code: string, codes: ReadonlyArray<string>): boolean =>
  codes.some((c) => conflicts(code, c))

// Secondary codes that only make sense beside another code of the case.
const REQUIRES: Readonly<Record<string, ReadonlyArray<string>>> = {
  "R65.20": ["A40", "A41"],
  "R65.21": ["A40", "A41"],
  "Z99.2": ["N18.6"],
  "Z68.41": ["E66"],
  "D70.1": ["C"],
  "C78.7": ["C"],
  "C79.51": ["C"],
  "K76.6": ["K70", "K74"],
  "I85.11": ["K70", "K74"],
  "K65.2": ["K70", "K74"],
  "R65.10": ["K85", "M62", "T39", "T42"],
  "R65.11": ["K85", "M62", "T39", "T42"],
  "J95.821": ["0"]
}

// Secondary codes that sampling never picks (they need history the generator does not model).
const NEVER_SECONDARY: ReadonlySet<string> = new Set(["Z51.11"])

/** True when a secondary code may be added to a case with these codes (companion rule). */
export const companionsPresent = (code: string, caseCodes: ReadonlyArray<string>): boolean => {
  if (NEVER_SECONDARY.has(code)) return false
  const needs = REQUIRES[code]
  if (needs === undefined) return true
  return needs.some((prefix) => caseCodes.some((c) => c.startsWith(prefix)))
}
