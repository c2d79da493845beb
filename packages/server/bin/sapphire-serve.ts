#!/usr/bin/env node
/**
 * sapphire-serve: the project's engine as an OpenAI-compatible completions server.
 *
 *   sapphire-serve --model DIR [--port 8000] [--host 127.0.0.1] [--served-model-name NAME]
 *
 * Also reachable as `sapphire-model serve ...`. Prints one JSON line `{"url": ...}` on
 * stdout once listening; logs go to stderr.
 */
import { parseArgs } from "node:util"
import { runServerNode } from "../src/node/index.ts"

const usage = `usage: sapphire-serve --model DIR [options]
  --host H                          (default 127.0.0.1)
  --port P                          (default 8000; 0 picks a free port)
  --served-model-name NAME          (default: DIR, like vLLM)
  --backend cpu|webgpu|auto         (default cpu)
  --f16                             store base weights in half precision
  --batch-window-ms MS              how long a request waits for others to batch with (default 5)
  --max-batch-rows N                rows (prompts x n) per generate call (default 256)
  --max-model-len N                 prompt + completion tokens (default: the model's max positions)
  --max-n N                         completions per prompt (default 64)
  --max-prompts N                   prompts per request (default 256)
  --simulate-token-latency-ms MS    sleep per decode step of each batch (fleet tests)`

const fail = (message: string): never => {
  process.stderr.write(`sapphire-serve: ${message}\n${usage}\n`)
  process.exit(2)
}

const intOption = (values: Record<string, unknown>, key: string, fallback: number, min = 0): number => {
  const raw = values[key]
  if (raw === undefined) return fallback
  const v = Number(raw)
  if (!Number.isInteger(v) || v < min) fail(`--${key} must be an integer ≥ ${min}, got ${String(raw)}`)
  return v
}

export const main = async (argv: ReadonlyArray<string>) => {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        model: { type: "string" },
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string" },
        "served-model-name": { type: "string" },
        backend: { type: "string", default: "cpu" },
        f16: { type: "boolean", default: false },
        "batch-window-ms": { type: "string" },
        "max-batch-rows": { type: "string" },
        "max-model-len": { type: "string" },
        "max-n": { type: "string" },
        "max-prompts": { type: "string" },
        "simulate-token-latency-ms": { type: "string" },
        help: { type: "boolean", default: false }
      }
    })
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e))
  }
  const { values } = parsed
  if (values.help) {
    process.stderr.write(`${usage}\n`)
    process.exit(0)
  }
  const modelDir = values.model ?? fail("--model DIR is required")
  const backend = values.backend
  if (backend !== "cpu" && backend !== "webgpu" && backend !== "auto") return fail(`unknown backend ${backend}`)
  await runServerNode(
    {
      modelDir,
      servedModelName: values["served-model-name"] ?? modelDir,
      host: values.host,
      port: intOption(values, "port", 8000),
      backend,
      f16: values.f16,
      batchWindowMs: intOption(values, "batch-window-ms", 5),
      maxBatchRows: intOption(values, "max-batch-rows", 256, 1),
      maxModelLen: values["max-model-len"] === undefined ? undefined : intOption(values, "max-model-len", 0, 1),
      maxN: intOption(values, "max-n", 64, 1),
      maxPrompts: intOption(values, "max-prompts", 256, 1),
      simulateTokenLatencyMs: intOption(values, "simulate-token-latency-ms", 0)
    },
    (url) => {
      process.stderr.write(`sapphire-serve: listening on ${url}\n`)
      process.stdout.write(`${JSON.stringify({ url })}\n`)
    }
  )
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("sapphire-serve.ts")) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`sapphire-serve: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  })
}
