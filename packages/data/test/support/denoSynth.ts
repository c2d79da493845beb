// Run by test/deno.test.ts under Deno: prints the first records of a seeded run as JSONL.
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { generateCases } from "../../src/Generator.ts"
import { recordToJson } from "../../src/Record.ts"

const lines: Array<string> = []
for (const c of generateCases(msdrgV34().grouper, { n: 40, seed: 19 })) lines.push(recordToJson(c.record))
console.log(lines.join("\n"))
