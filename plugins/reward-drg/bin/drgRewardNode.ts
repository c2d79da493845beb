#!/usr/bin/env node
// The `drg-reward` command: Node wiring around src/cli/drgRewardCli.ts (runs under Node 22 type
// stripping). The label space comes from @sapphire-rl/plugin-msdrg-v34, an optional peer loaded
// only here, so the library part of this package depends on the spec alone.
import { createInterface } from "node:readline"
import type { LabelSpace } from "@sapphire-rl/spec"
import { runDrgReward } from "../src/cli/drgRewardCli.ts"

let closed = false
// A reader that goes away (`drg-reward … | head -1`) is not an error: stop writing, exit 0.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") closed = true
  else throw e
})

const out = async (text: string): Promise<boolean> => {
  if (closed) return false
  if (!process.stdout.write(text)) {
    // Wait for room, or for the reader to go (an EPIPE then arrives as "error", handled above).
    await new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off("drain", done).off("close", done).off("error", done)
        resolve()
      }
      process.stdout.on("drain", done).on("close", done).on("error", done)
    })
  }
  return !closed
}

const loadLabelSpace = async (): Promise<LabelSpace> => {
  const name = "@sapphire-rl/plugin-msdrg-v34"
  try {
    const mod: { readonly labelSpaceV34: LabelSpace } = await import(name)
    return mod.labelSpaceV34
  } catch (e) {
    throw new Error(`needs the label space package ${name} (npm install ${name}): ${e instanceof Error ? e.message : String(e)}`)
  }
}

try {
  process.exitCode = await runDrgReward(process.argv.slice(2), {
    lines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
    out,
    err: (text) => process.stderr.write(text),
    loadLabelSpace
  })
  if (closed) process.exitCode = 0
} catch (e) {
  if (closed) process.exit(0)
  process.stderr.write(`drg-reward: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
}
