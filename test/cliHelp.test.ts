import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")
const tsx = join(root, "node_modules", ".bin", "tsx")
const run = (...args: Array<string>) => spawnSync(tsx, ["run.ts", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } })

// The options each parser of run.ts accepts, read from its source, against what help says.
const parsedOptions = (source: string, after: string): Array<string> => {
  const at = source.indexOf(after)
  const block = source.slice(source.indexOf("options: {", at), source.indexOf("\n      }\n", at))
  return [...block.matchAll(/^\s{8}(\w+): \{ type/gm)].map((m) => m[1]!).filter((o) => o !== "help").sort()
}

describe("run.ts help and plugins", () => {
  it("help documents every option the run and eval parsers accept, and nothing else", () => {
    const source = readFileSync(join(root, "run.ts"), "utf8")
    const help = run("help")
    expect(help.status).toBe(0)
    const runSection = help.stdout.slice(help.stdout.indexOf("Run options:"))
    const documented = [...runSection.matchAll(/^ {2}--(\w+)/gm)].map((m) => m[1]!).sort()
    expect(documented).toEqual(parsedOptions(source, "const run = async"))
    const evalUsage = help.stdout.slice(help.stdout.indexOf("run.ts eval"), help.stdout.indexOf("evaluate RUN_DIR"))
    expect([...evalUsage.matchAll(/--(\w+)/g)].map((m) => m[1]!).sort()).toEqual(parsedOptions(source, "const evaluate = async"))
    // --help after a subcommand is help, not an unknown option.
    for (const args of [["eval", "--help"], ["--preset", "quick", "-h"]]) {
      const r = run(...args)
      expect(r.status, args.join(" ")).toBe(0)
      expect(r.stdout).toBe(help.stdout)
    }
  })
  it("plugins lists the preset's plugins with their options, and the slots filled by default", () => {
    const r = run("plugins")
    expect(r.status).toBe(0)
    for (const name of ["format-reward", "strict-reward", "dapo-loss", "cosine-kl", "remove-hard"]) expect(r.stdout).toMatch(new RegExp(`^${name} `, "m"))
    expect(r.stdout).toMatch(/^cosine-kl +kl +@sapphire-rl\/plugin-kl@\S+ .*\n +options \{"beta":0\.04/m)
    expect(r.stdout).toMatch(/when a run names none: grouper @sapphire-rl\/plugin-msdrg-v34/)
  })
})
