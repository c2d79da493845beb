/**
 * The `drg-reward` command, without Node: arguments, lines in, lines out.
 *
 * @since 0.1.0
 */
import type { LabelSpace } from "@sapphire-rl/spec"
import type { AccuracyOptions, AccuracyScheme, GoldMatch, TitleSplit } from "../accuracy.ts"
import { scoreCompletion } from "../scoreCompletion.ts"

/**
 * The usage text.
 *
 * @since 0.1.0
 * @category constants
 */
export const DRG_REWARD_USAGE = `usage: drg-reward --reward strict|dense|balanced [--split exact|naive] [--gold-match equal|substring]

Reads JSON Lines {"completion": string, "solution": string} on stdin and writes one line
{"format", "accuracy", "total"} per input line, in order (accuracy null when the format fails).
A bad line gets {"line": n, "error": "..."} and the rest go on; the exit code is then 1.
`

/**
 * What the command needs from its host.
 *
 * @since 0.1.0
 * @category models
 */
export interface DrgRewardIo {
  readonly lines: () => AsyncIterable<string>
  /** Writes text; resolves to false when the reader has gone (the command stops quietly). */
  readonly out: (text: string) => boolean | Promise<boolean>
  readonly err: (text: string) => void
  readonly loadLabelSpace: () => Promise<LabelSpace>
}

const parseArgs = (args: ReadonlyArray<string>): AccuracyOptions | string => {
  let scheme: AccuracyScheme | undefined
  let split: TitleSplit = "exact"
  let goldMatch: GoldMatch = "equal"
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined]
    const value = inline ?? args[++i]
    if (flag === "--reward") {
      if (value !== "strict" && value !== "dense" && value !== "balanced") return `--reward: expected strict | dense | balanced, got ${JSON.stringify(value ?? null)}`
      scheme = value
    } else if (flag === "--split") {
      if (value !== "exact" && value !== "naive") return `--split: expected exact | naive, got ${JSON.stringify(value ?? null)}`
      split = value
    } else if (flag === "--gold-match") {
      if (value !== "equal" && value !== "substring") return `--gold-match: expected equal | substring, got ${JSON.stringify(value ?? null)}`
      goldMatch = value
    } else {
      return `unknown argument ${JSON.stringify(arg)}`
    }
  }
  if (scheme === undefined) return "--reward is required"
  return { scheme, split, goldMatch }
}

const decodeLine = (line: string): { completion: string; solution: string } | string => {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (e) {
    return `not JSON (${e instanceof Error ? e.message : String(e)})`
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "expected an object {\"completion\", \"solution\"}"
  const { completion, solution } = value as Record<string, unknown>
  if (typeof completion !== "string") return "completion: expected a string"
  if (typeof solution !== "string") return "solution: expected a string"
  return { completion, solution }
}

/**
 * Runs the command; resolves to its exit code (0; 1 when some line was bad; 2 on bad
 * arguments).
 *
 * @since 0.1.0
 * @category cli
 */
export const runDrgReward = async (args: ReadonlyArray<string>, io: DrgRewardIo): Promise<number> => {
  if (args.includes("--help") || args.includes("-h")) {
    await io.out(DRG_REWARD_USAGE)
    return 0
  }
  const options = parseArgs(args)
  if (typeof options === "string") {
    io.err(`drg-reward: ${options}\n${DRG_REWARD_USAGE}`)
    return 2
  }
  const labelSpace = await io.loadLabelSpace()
  let lineNumber = 0
  let bad = 0
  for await (const raw of io.lines()) {
    lineNumber++
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    const decoded = decodeLine(line)
    let text: string
    if (typeof decoded === "string") {
      bad++
      text = JSON.stringify({ line: lineNumber, error: decoded })
    } else {
      text = JSON.stringify(scoreCompletion(decoded.completion, decoded.solution, labelSpace, options))
    }
    if (!(await io.out(`${text}\n`))) break
  }
  return bad > 0 ? 1 : 0
}
