/**
 * The `msdrg` command, free of Node APIs: the caller supplies the input lines, the
 * output sinks and a table loader (bin/msdrg.ts wires them to the process).
 */
import type { GrouperResult, LabelSpace } from "@sapphire-rl/spec"
import { labelSpaceV34 } from "../catalog/index.ts"
import { makeGrouper } from "../grouper/createGrouper.ts"
import { builtinTablesV34 } from "../tables/builtinV34.ts"
import type { Tables } from "../tables/types.ts"
import { familyJson, familyLine } from "./familiesText.ts"
import { parseCaseLine } from "./parseCase.ts"

/** What the command needs from its host. */
export interface CliIo {
  readonly lines: () => AsyncIterable<string>
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  /** Loads CMS text files from a directory over the built-in tables, saying per file what it parsed; rejects when a file yields nothing. */
  readonly loadTables: (dir: string) => Promise<{ readonly tables: Tables; readonly parsed: ReadonlyArray<string> }>
}

// Failed lines beyond this many are only counted on stderr (each still gets its JSON line).
const MAX_ERRORS_SHOWN = 10

/** Usage text. */
export const USAGE = `msdrg: MS-DRG v34 grouper

Usage:
  msdrg group [--tables DIR]     read JSON Lines cases on stdin, write one JSON result per line
  msdrg resolve "<title text>"   resolve free text to a v34 DRG title (exit 1 if it does not resolve)
  msdrg families [--json]        list the v34 DRG families (range, MDC, type, split pattern, text)
  msdrg --help                   this text

Case line: {"id", "pdx", "sdx", "poaN", "procedures", "age", "sex", "dischargeStatus"}
  sex: M/F/U, male/female or 1/2/0; dischargeStatus: "07" or 7; sdx items: "N17.9" or {"code": "I26.99", "poa": "N"}
  poaN: SDX codes not present on admission (as sapphire-data records write them). A record's
  text, drg, title, family, tier and difficulty are accepted and not used; its drg is echoed
  as "expected". Any other field is an error.
  A code listed twice with different POA counts as present on admission if any occurrence is
  (Y, W, 1 or unreported); it is HAC-excluded only when every occurrence is N or U.
  A malformed line yields {"line": n, "error": "..."} (the first ${MAX_ERRORS_SHOWN} also on stderr); counts go to stderr.
  --tables DIR loads the CMS "Definitions Manual Text Files" (appendix_A.txt, appendix_B.txt,
  appendix_C.txt, appendix_D_E.txt, appendix_F_J.txt) over the built-in tables.
`

const resultLine = (id: unknown, r: GrouperResult, expected: unknown): string =>
  JSON.stringify({
    id,
    drg: r.drg,
    ...(expected === undefined ? {} : { expected }),
    title: r.title,
    mdc: r.mdc,
    type: r.type,
    severity: r.severity,
    family: r.family,
    tier: r.tier,
    trace: r.trace,
    coverage: r.coverage,
    ...(r.error === undefined ? {} : { error: r.error })
  })

const group = async (args: ReadonlyArray<string>, io: CliIo, labelSpace: LabelSpace): Promise<number> => {
  const at = args.indexOf("--tables")
  let tables: Tables
  if (at >= 0) {
    const dir = args[at + 1]
    if (dir === undefined) {
      io.err("msdrg group: --tables needs a directory\n")
      return 2
    }
    const loaded = await io.loadTables(dir)
    for (const line of loaded.parsed) io.err(`msdrg group: --tables ${line}\n`)
    tables = loaded.tables
  } else {
    tables = builtinTablesV34()
  }
  const grouper = makeGrouper(tables, labelSpace)
  let n = 0
  let failed = 0
  let cases = 0
  let mismatched = 0
  for await (const raw of io.lines()) {
    n += 1
    if (raw.trim() === "") continue
    const parsed = parseCaseLine(raw)
    if (!parsed.ok) {
      failed += 1
      io.out(JSON.stringify({ line: n, error: parsed.error }) + "\n")
      if (failed <= MAX_ERRORS_SHOWN) io.err(`msdrg group: line ${n}: ${parsed.error}\n`)
      continue
    }
    cases += 1
    const result = grouper.group(parsed.input)
    if (parsed.expected !== undefined && parsed.expected !== result.drg) mismatched += 1
    io.out(resultLine(parsed.id, result, parsed.expected) + "\n")
  }
  io.err(
    `msdrg group: ${cases} case(s) grouped, ${failed} line(s) failed` +
      (mismatched > 0 ? `, ${mismatched} differ from the record's own drg` : "") + "\n"
  )
  return 0
}

// Quote pairs a title may be pasted in: straight, typographic double and single.
const QUOTES: ReadonlyArray<readonly [string, string]> = [["\"", "\""], ["'", "'"], ["\u201c", "\u201d"], ["\u2018", "\u2019"]]

/**
 * The title text of `msdrg resolve`'s argument: surrounding quotes and a trailing period
 * (as a title pasted from a sentence or a CSV cell has) are not part of any title.
 */
export const resolveArgument = (raw: string): string => {
  let text = raw.trim()
  for (let changed = true; changed;) {
    changed = false
    if (text.endsWith(".")) {
      text = text.slice(0, -1).trimEnd()
      changed = true
    }
    const pair = QUOTES.find(([open, close]) => text.length >= 2 && text.startsWith(open) && text.endsWith(close))
    if (pair !== undefined) {
      text = text.slice(pair[0].length, text.length - pair[1].length).trim()
      changed = true
    }
  }
  return text
}

/** Runs the command; resolves to the exit code. */
export const runCli = async (argv: ReadonlyArray<string>, io: CliIo): Promise<number> => {
  const [command, ...rest] = argv
  const labelSpace = labelSpaceV34
  switch (command) {
    case "group":
      return group(rest, io, labelSpace)
    case "resolve": {
      const text = resolveArgument(rest.join(" "))
      const r = labelSpace.resolve(text)
      if (r.ok) {
        io.out(JSON.stringify({ drg: r.drg, title: r.title, method: r.method }) + "\n")
        return 0
      }
      io.out(JSON.stringify({ reason: r.reason, candidates: r.candidates }) + "\n")
      return 1
    }
    case "families": {
      const json = rest.includes("--json")
      for (const f of labelSpace.families) io.out((json ? JSON.stringify(familyJson(f)) : familyLine(f)) + "\n")
      return 0
    }
    case undefined:
    case "--help":
    case "-h":
    case "help":
      io.out(USAGE)
      return command === undefined ? 2 : 0
    default:
      io.err(`msdrg: unknown command ${JSON.stringify(command)}\n\n${USAGE}`)
      return 2
  }
}
