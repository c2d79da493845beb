/**
 * `--set key=value` overrides, applied to a config as written (before decoding, so the
 * result is checked like any config): `seed=3`, `data.n=500`, `grpo.steps=50` (every stage
 * of that kind), `dapo-loss.epsilonHigh=0.28` or `loss.epsilonHigh=0.28` (the plugin entry
 * named so, or the one entry whose factory is of that kind).
 *
 * @since 0.1.0
 */
import type { ConfigIssue } from "./ConfigIssue.ts"
import type { PluginCatalog } from "./PluginCatalog.ts"

const STAGE_KINDS = new Set(["sft", "grpo", "dpo", "eval"])

/**
 * A value as JSON when it parses (`0.28`, `true`, `[1,2]`, `"x"`), else the plain string.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseSettingValue = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

type Json = Record<string, unknown>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const setPath = (target: Json, path: ReadonlyArray<string>, value: unknown): Json => {
  const [head, ...rest] = path
  if (head === undefined) return target
  const current = target[head]
  return { ...target, [head]: rest.length === 0 ? value : setPath(isRecord(current) ? current : {}, rest, value) }
}

/**
 * Applies `settings` (`key=value` strings) to `input`; unknown targets are issues (path
 * `--set <key>`), reported with the rest before any work starts.
 *
 * @since 0.1.0
 * @category config
 */
export const applySettings = (
  input: unknown,
  settings: ReadonlyArray<string>,
  catalog?: PluginCatalog
): { readonly config: Json; readonly issues: ReadonlyArray<ConfigIssue> } => {
  let config: Json = isRecord(input) ? input : {}
  const issues: Array<ConfigIssue> = []
  for (const setting of settings) {
    const eq = setting.indexOf("=")
    const key = eq > 0 ? setting.slice(0, eq) : ""
    const path = key.split(".").filter((p) => p !== "")
    if (eq <= 0 || path.length === 0) {
      issues.push({ path: `--set ${setting}`, message: `expected key=value, e.g. grpo.steps=50 or loss.epsilonHigh=0.28` })
      continue
    }
    const value = parseSettingValue(setting.slice(eq + 1))
    const [head = "", ...rest] = path
    if (STAGE_KINDS.has(head) && rest.length > 0) {
      const stages = Array.isArray(config.stages) ? config.stages : [{ kind: "sft" }, { kind: "grpo" }, { kind: "eval" }]
      if (!stages.some((s) => isRecord(s) && s.kind === head)) {
        issues.push({ path: `--set ${key}`, message: `the run has no ${head} stage` })
        continue
      }
      config = { ...config, stages: stages.map((s) => (isRecord(s) && s.kind === head ? setPath(s, rest, value) : s)) }
      continue
    }
    const plugins = Array.isArray(config.plugins) ? config.plugins : []
    const nameOf = (entry: unknown): string | undefined =>
      typeof entry === "string" ? entry : isRecord(entry) && typeof entry.use === "string" ? entry.use : undefined
    const byName = plugins.flatMap((entry, i) => (nameOf(entry) === head ? [i] : []))
    const byKind = plugins.flatMap((entry, i) => {
      const name = nameOf(entry)
      return name !== undefined && catalog?.byName.get(name)?.factory.kind === head ? [i] : []
    })
    const matches = byName.length > 0 ? byName : byKind
    if (matches.length > 0) {
      if (matches.length > 1) {
        issues.push({ path: `--set ${key}`, message: `${head} matches ${matches.length} plugins (plugins[${matches.join("], plugins[")}]); name one` })
        continue
      }
      if (rest.length === 0) {
        issues.push({ path: `--set ${key}`, message: `name an option: ${head}.<option>=value` })
        continue
      }
      const i = matches[0]!
      const entry = plugins[i]
      const ref = typeof entry === "string" ? { use: entry } : (entry as Json)
      const options = isRecord(ref.options) ? ref.options : {}
      config = { ...config, plugins: plugins.map((e, j) => (j === i ? { ...ref, options: setPath(options, rest, value) } : e)) }
      continue
    }
    if (["name", "seed", "out", "backend", "model", "training", "engine", "data", "split", "prompt", "pluginPackages"].includes(head)) {
      config = setPath(config, path, value)
      continue
    }
    issues.push({
      path: `--set ${key}`,
      message: `${head} is not a config field, a stage kind (sft, grpo, dpo, eval), or a plugin of the run (${
        plugins.map(nameOf).filter((n) => n !== undefined).join(", ") || "none listed"
      })`
    })
  }
  return { config, issues }
}
