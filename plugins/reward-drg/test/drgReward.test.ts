import { labelSpaceV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { spawn, spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { runDrgReward } from "../src/index.ts"
import { completion } from "./support/context.ts"

const T871 = labelSpaceV34.get(871)!.title
const T872 = labelSpaceV34.get(872)!.title

const run = async (args: ReadonlyArray<string>, input: ReadonlyArray<string>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const code = await runDrgReward(args, {
    lines: async function* () {
      yield* input
    },
    out: (t) => (out.push(t), true),
    err: (t) => void err.push(t),
    loadLabelSpace: async () => labelSpaceV34
  })
  return { code, out: out.join("").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)), err: err.join("") }
}

const line = (c: string, s: string) => JSON.stringify({ completion: c, solution: s })

describe("drg-reward (library part)", () => {
  it("writes one {format, accuracy, total} per line, in order", async () => {
    const r = await run(["--reward", "dense"], [line(completion(T871), T871), line(completion(T872), T871), line("no tags", T871)])
    expect(r.code).toBe(0)
    expect(r.out).toEqual([
      { format: 0, accuracy: 2, total: 2 },
      { format: 0, accuracy: 1.5, total: 1.5 },
      { format: -2, accuracy: null, total: -2 }
    ])
  })
  it("answers a bad line with an error naming its number, and goes on", async () => {
    const r = await run(["--reward=strict"], [line(completion(T872), T871), "{not json", JSON.stringify({ completion: 3, solution: T871 }), line(completion(T871), T871)])
    expect(r.code).toBe(1)
    expect(r.out[0]).toEqual({ format: 0, accuracy: 0, total: 0 })
    expect(r.out[1]).toMatchObject({ line: 2, error: expect.stringMatching(/^not JSON/) })
    expect(r.out[2]).toEqual({ line: 3, error: "completion: expected a string" })
    expect(r.out[3]).toEqual({ format: 0, accuracy: 2, total: 2 })
  })
  it("passes --split naive through", async () => {
    const t870 = labelSpaceV34.get(870)!.title
    expect((await run(["--reward", "dense", "--split", "naive"], [line(completion(t870), T871)])).out).toEqual([{ format: 0, accuracy: 1.5, total: 1.5 }])
    expect((await run(["--reward", "dense", "--split", "exact"], [line(completion(t870), T871)])).out).toEqual([{ format: 0, accuracy: -0.5, total: -0.5 }])
  })
  it.each([
    [[], "--reward is required"],
    [["--reward", "loose"], "--reward: expected strict | dense | balanced, got \"loose\""],
    [["--reward", "strict", "--split", "first"], "--split: expected exact | naive, got \"first\""],
    [["--reward", "strict", "--verbose"], "unknown argument \"--verbose\""]
  ])("rejects arguments %j with exit 2", async (args, message) => {
    const r = await run(args, [])
    expect(r.code).toBe(2)
    expect(r.err).toContain(message)
  })
})

describe("drg-reward (the Node bin)", () => {
  const bin = join(import.meta.dirname, "..", "bin", "drgRewardNode.ts")
  it("scores stdin to stdout", () => {
    const r = spawnSync(process.execPath, [bin, "--reward", "strict"], {
      input: `${line(completion(T871), T871)}\r\n${line(completion(T872), T871)}\n`,
      encoding: "utf8"
    })
    expect(r.stderr).toBe("")
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(`{"format":0,"accuracy":2,"total":2}\n{"format":0,"accuracy":0,"total":0}\n`)
  })
  it("stops quietly when its reader goes away (EPIPE)", async () => {
    const child = spawn(process.execPath, [bin, "--reward", "strict"], { stdio: ["pipe", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += String(d)))
    const first = new Promise<string>((resolve) => child.stdout.once("data", (d) => resolve(String(d))))
    const many = `${line(completion(T871), T871)}\n`.repeat(20_000)
    child.stdin.on("error", () => {})
    child.stdin.end(many)
    expect((await first).startsWith(`{"format":0,"accuracy":2,"total":2}`)).toBe(true)
    child.stdout.destroy()
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(stderr).toBe("")
    expect(code).toBe(0)
  })
})
