import { execFile, spawn } from "node:child_process"
import { rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { writeTinySnapshot } from "./support/tinySnapshot.ts"

const serveBin = fileURLToPath(new URL("../bin/sapphire-serve.ts", import.meta.url))
const modelBin = fileURLToPath(new URL("../../model/bin/sapphire-model.ts", import.meta.url))
const run = promisify(execFile)

describe("sapphire-serve / sapphire-model serve command line", () => {
  let dir = ""
  beforeAll(async () => {
    dir = await writeTinySnapshot(31)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("refuses bad flags with exit code 2 and the reason, before loading anything", async () => {
    for (const [args, message] of [
      [[], /--model DIR is required/],
      [["--model", dir, "--max-n", "0"], /--max-n must be an integer ≥ 1, got 0/],
      [["--model", dir, "--backend", "tpu"], /unknown backend tpu/],
      [["--model", dir, "--bogus"], /Unknown option '--bogus'/]
    ] as const) {
      const err = await run(process.execPath, [serveBin, ...args]).then(() => undefined, (e: { code: number; stderr: string }) => e)
      expect(err?.code).toBe(2)
      expect(err?.stderr).toMatch(message)
    }
  })

  it("`sapphire-model serve` starts the same server, which stops on SIGTERM", async () => {
    const proc = spawn(process.execPath, [modelBin, "serve", "--model", dir, "--port", "0", "--served-model-name", "m"], { stdio: ["ignore", "pipe", "pipe"] })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ""
      proc.stdout.on("data", (c: Buffer) => {
        out += c.toString()
        const line = out.split("\n").find((l) => l.startsWith("{"))
        if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url)
      })
      proc.on("exit", (code) => reject(new Error(`exited with ${code}`)))
    })
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> }
    expect(models.data.map((m) => m.id)).toEqual(["m"])
    const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)))
    proc.kill("SIGTERM")
    expect(await exited).toBe(0)
  })
})
