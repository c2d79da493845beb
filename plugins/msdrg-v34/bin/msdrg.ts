#!/usr/bin/env node
// The `msdrg` command: Node wiring around src/cli/main.ts (runs under Node 22 type stripping).
import { createInterface } from "node:readline"
import { loadCmsTables } from "../src/cms/loadNode.ts"
import { runCli } from "../src/cli/main.ts"

const lines = (): AsyncIterable<string> => createInterface({ input: process.stdin, crlfDelay: Infinity })

try {
  const code = await runCli(process.argv.slice(2), {
    lines,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    loadTables: (dir) => loadCmsTables(dir)
  })
  process.exitCode = code
} catch (e) {
  process.stderr.write(`msdrg: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
}
