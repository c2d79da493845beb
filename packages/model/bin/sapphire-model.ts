#!/usr/bin/env node
/**
 * sapphire-model: run a Qwen2 HF snapshot directory from the command line.
 *
 *   sapphire-model logits   --model DIR --ids 1,5,9 [--backend cpu|webgpu]
 *   sapphire-model generate --model DIR --ids 1,5,9 --max-new-tokens 8 --greedy [--backend cpu|webgpu]
 *   sapphire-model chat     --model DIR [--max-new-tokens 64] [--system TEXT] "text"
 *
 * Every command takes --adapter DIR (a PEFT LoRA adapter) and --f16 (half-precision weights).
 * Stdout holds only the JSON result (chat: the reply text); logs go to stderr.
 * Sampling with temperature / top-p lives in @sapphire-rl/engine; this tool decodes greedily.
 */
import { parseArgs } from "node:util"
import * as tensor from "@sapphire-rl/tensor"
import type { OpenBackend } from "../src/index.ts"
import { openBackend } from "../src/index.ts"
import type { Qwen2Model } from "../src/index.ts"
import { loadQwen2Node, loadTokenizerNode } from "../src/node/index.ts"

const usage = `usage:
  sapphire-model logits   --model DIR --ids 1,5,9 [--backend cpu|webgpu]
  sapphire-model generate --model DIR --ids 1,5,9 --max-new-tokens 8 --greedy [--backend cpu|webgpu]
  sapphire-model chat     --model DIR [--max-new-tokens 64] [--system TEXT] [--backend cpu|webgpu] "text"
  sapphire-model serve    --model DIR [--port 8000] ...   (OpenAI-compatible server: @sapphire-rl/server)
options for all: --adapter DIR (PEFT LoRA adapter), --f16 (store weights in half precision)`

const SERVER_CLI = "@sapphire-rl/server/cli"

// A reader that stops early (`| head -c 100`) closes the pipe: that is not an error, so
// exit quietly instead of printing an EPIPE stack.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0)
  process.stderr.write(`sapphire-model: cannot write output: ${e.message}\n`)
  process.exit(1)
})

const fail = (message: string): never => {
  process.stderr.write(`sapphire-model: ${message}\n`)
  process.exit(2)
}

const makeBackend = async (name: string): Promise<OpenBackend> => {
  if (name !== "cpu" && name !== "webgpu") return fail(`unknown backend ${name} (cpu or webgpu)`)
  try {
    return await openBackend(name)
  } catch (e) {
    return fail(`${name} backend unavailable: ${e instanceof Error ? e.message : String(e)}`)
  }
}

const parseIds = (text: string | undefined, vocab: number): Array<number> => {
  if (text === undefined) return fail("--ids is required")
  return text.split(",").map((part) => {
    const s = part.trim()
    // Number("") is 0: an empty entry must not become token 0.
    const id = s === "" ? NaN : Number(s)
    if (!Number.isInteger(id) || id < 0 || id >= vocab) fail(`bad token id ${s === "" ? "(empty)" : s} (vocabulary ${vocab})`)
    return id
  })
}

const greedy = async (model: Qwen2Model, prompt: ReadonlyArray<number>, maxNew: number, stopIds: ReadonlyArray<number>) => {
  const out: Array<number> = []
  if (maxNew === 0) return out
  const session = model.openSession(1, prompt.length + maxNew)
  try {
    let logits = await session.prefill(prompt, [0])
    for (;;) {
      let best = 0
      for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i
      out.push(best)
      if (out.length >= maxNew || stopIds.includes(best)) return out
      logits = await session.step([best])
    }
  } finally {
    session.dispose()
  }
}

const main = async (): Promise<void> => {
  // `serve` is @sapphire-rl/server's (which depends on this package), loaded only when asked for.
  if (process.argv[2] === "serve") return (await import(SERVER_CLI) as { main: (argv: Array<string>) => Promise<void> }).main(process.argv.slice(3))
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: "string" },
      ids: { type: "string" },
      backend: { type: "string", default: "cpu" },
      "max-new-tokens": { type: "string" },
      greedy: { type: "boolean", default: false },
      system: { type: "string" },
      adapter: { type: "string" },
      f16: { type: "boolean", default: false },
      help: { type: "boolean", default: false }
    }
  })
  const [command, ...rest] = positionals
  if (values.help || command === undefined) {
    process.stderr.write(`${usage}\n`)
    process.exit(values.help ? 0 : 2)
  }
  if (!["logits", "generate", "chat"].includes(command)) fail(`unknown command ${command}\n${usage}`)
  const dir = values.model ?? fail("--model DIR is required")
  // Argument errors first: loading a model can take long.
  const maxNew = Number(values["max-new-tokens"] ?? (command === "chat" ? 64 : 16))
  if (!Number.isInteger(maxNew) || maxNew < 0) fail("--max-new-tokens must be a non-negative integer")
  if (command === "generate" && !values.greedy) {
    fail("generate decodes greedily here: pass --greedy (sampling lives in @sapphire-rl/engine)")
  }
  const text = rest.join(" ")
  if (command === "chat" && text === "") fail("chat needs the user's text")
  const opened = await makeBackend(values.backend)
  const backend = opened.backend
  process.stderr.write(`sapphire-model: ${backend.info.name} (${backend.info.adapter}), loading ${dir}\n`)
  const model = await loadQwen2Node(dir, {
    backend,
    ...(values.adapter === undefined ? {} : { adapterDir: values.adapter }),
    weightDtype: values.f16 ? "f16" : "f32"
  })

  if (command === "logits") {
    const ids = parseIds(values.ids, model.config.vocabSize)
    const logits = tensor.tidy(() => model.forward(tensor.fromArray(Int32Array.from(ids), [1, ids.length], { backend, dtype: "i32" })))
    const flat = (await logits.toArray()) as Float32Array
    const V = model.config.vocabSize
    const rows = ids.map((_, t) => Array.from(flat.subarray(t * V, (t + 1) * V)))
    process.stdout.write(`${JSON.stringify({ logits: rows })}\n`)
  } else if (command === "generate") {
    const ids = parseIds(values.ids, model.config.vocabSize)
    const out = await greedy(model, ids, maxNew, [])
    process.stdout.write(`${JSON.stringify({ ids: out })}\n`)
  } else {
    const tok = await loadTokenizerNode(dir)
    const messages = [
      ...(values.system === undefined ? [] : [{ role: "system", content: values.system }]),
      { role: "user", content: text }
    ]
    const prompt = tok.encode(tok.applyChatTemplate(messages, { addGenerationPrompt: true }))
    const stop = [...new Set([...model.config.eosTokenIds, ...tok.eosTokenIds])]
    const out = await greedy(model, prompt, maxNew, stop)
    process.stdout.write(`${tok.decode(out, { skipSpecialTokens: true })}\n`)
  }
  model.dispose()
  await opened.close()
}

main().catch((e: unknown) => {
  process.stderr.write(`sapphire-model: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exit(1)
})
