#!/usr/bin/env node
// The `msdrg` command: Node wiring around src/cli/main.ts (runs under Node 22 type stripping).
import { createInterface } from "node:readline"
import { loadCmsTablesReport } from "../src/cms/loadNode.ts"
import { runCli } from "../src/cli/main.ts"

// A reader that stops early (`msdrg group < big.jsonl | head -1`) closes the pipe: that is
// not an error, so exit quietly instead of printing an EPIPE stack.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0)
  process.stderr.write(`msdrg: cannot write output: ${e.message}\n`)
  process.exit(1)
})

const lines = (): AsyncIterable<string> => createInterface({ input: process.stdin, crlfDelay: Infinity })

try {
  const code = await runCli(process.argv.slice(2), {
    lines,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    loadTables: (dir) => loadCmsTablesReport(dir)
  })
  process.exitCode = code
} catch (e) {
  process.stderr.write(`msdrg: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
}
