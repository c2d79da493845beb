import type { ChildProcess } from "node:child_process"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../../bin/sapphire-serve.ts", import.meta.url))

export interface ServerProcess {
  readonly url: string
  readonly proc: ChildProcess
  readonly stop: () => Promise<void>
}

/** Starts `sapphire-serve` on a free 127.0.0.1 port (Node 22 type stripping, like `npx sapphire-serve`). */
export const startServer = (args: ReadonlyArray<string>, timeoutMs = 60_000): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, "--host", "127.0.0.1", "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    const timer = setTimeout(() => {
      proc.kill("SIGKILL")
      reject(new Error(`sapphire-serve did not start within ${timeoutMs} ms: ${err}`))
    }, timeoutMs)
    proc.stderr!.on("data", (c: Buffer) => (err += c.toString()))
    proc.on("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`sapphire-serve exited with ${code}: ${err}`))
    })
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString()
      const line = out.split("\n").find((l) => l.startsWith("{"))
      if (line === undefined) return
      clearTimeout(timer)
      const { url } = JSON.parse(line) as { url: string }
      resolve({
        url,
        proc,
        stop: () =>
          new Promise((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return done()
            proc.once("exit", () => done())
            proc.kill("SIGTERM")
          })
      })
    })
  })
