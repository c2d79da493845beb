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
  /** Loads CMS text files from a directory and merges them over the built-in tables. */
  readonly loadTables: (dir: string) => Promise<Tables>
}

/** Usage text. */
export const USAGE = `msdrg: MS-DRG v34 grouper

Usage:
  msdrg group [--tables DIR]     read JSON Lines cases on stdin, write one JSON result per line
  msdrg resolve "<title text>"   resolve free text to a v34 DRG title (exit 1 if it does not resolve)
  msdrg families [--json]        list the v34 DRG families (range, MDC, type, split pattern, text)
  msdrg --help                   this text

Case line: {"id", "pdx", "sdx", "procedures", "age", "sex", "dischargeStatus"}
  sex: M/F/U, male/female or 1/2/0; dischargeStatus: "07" or 7; sdx items: "N17.9" or {"code": "I26.99", "poa": "N"}
  A malformed line yields {"line": n, "error": "..."}; the count of failed lines goes to stderr.
  --tables DIR loads the CMS "Definitions Manual Text Files" (appendix_A.txt, appendix_B.txt,
  appendix_C.txt, appendix_D_E.txt, appendix_F_J.txt) over the built-in tables.
`

const resultLine = (id: unknown, r: GrouperResult): string =>
  JSON.stringify({
    id,
    drg: r.drg,
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
    tables = await io.loadTables(dir)
  } else {
    tables = builtinTablesV34()
  }
  const grouper = makeGrouper(tables, labelSpace)
  let n = 0
  let failed = 0
  let cases = 0
  for await (const raw of io.lines()) {
    n += 1
    if (raw.trim() === "") continue
    const parsed = parseCaseLine(raw)
    if (!parsed.ok) {
      failed += 1
      io.out(JSON.stringify({ line: n, error: parsed.error }) + "\n")
      continue
    }
    cases += 1
    io.out(resultLine(parsed.id, grouper.group(parsed.input)) + "\n")
  }
  io.err(`msdrg group: ${cases} case(s) grouped, ${failed} line(s) failed\n`)
  return 0
}

/** Runs the command; resolves to the exit code. */
export const runCli = async (argv: ReadonlyArray<string>, io: CliIo): Promise<number> => {
  const [command, ...rest] = argv
  const labelSpace = labelSpaceV34
  switch (command) {
    case "group":
      return group(rest, io, labelSpace)
    case "resolve": {
      const text = rest.join(" ")
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
