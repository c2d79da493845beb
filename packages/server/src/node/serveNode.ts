/**
 * The completions server on `node:http`: the listener is a scoped resource (closed, and
 * the model store disposed, when the scope ends); request bodies are capped; every
 * response goes through the portable `handleRequest`.
 *
 * @since 0.0.0
 */
import type { Server } from "node:http"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Schema } from "effect"
import type { Scope } from "effect"
import { badRequest, errorBody } from "../ApiError.ts"
import type { HandlerContext } from "../CompletionsHandler.ts"
import { handleRequest } from "../CompletionsHandler.ts"

/**
 * The server could not listen.
 *
 * @since 0.0.0
 * @category errors
 */
export class ServeError extends Schema.TaggedError<ServeError>()("ServeError", {
  message: Schema.String
}) {}

/**
 * A listening server.
 *
 * @since 0.0.0
 * @category models
 */
export interface ListeningServer {
  readonly url: string
  readonly port: number
  readonly server: Server
}

const MAX_BODY_BYTES = 64 << 20

/**
 * Starts a node:http server over a handler context without Effect (the listener and a close function).
 *
 * @since 0.0.0
 * @category constructors
 */
export const listenNode = (ctx: HandlerContext, host: string, port: number): Promise<ListeningServer> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      let size = 0
      let tooLarge = false
      req.on("data", (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY_BYTES) tooLarge = true
        else chunks.push(c)
      })
      req.on("end", () => {
        const respond = (status: number, json: unknown, text?: string) => {
          if (res.destroyed) return
          const body = text ?? JSON.stringify(json)
          res.writeHead(status, { "content-type": text === undefined ? "application/json" : "text/plain; charset=utf-8" })
          res.end(body)
        }
        if (tooLarge) return respond(413, errorBody(badRequest(`the body is larger than ${MAX_BODY_BYTES} bytes`)))
        handleRequest(ctx, req.method ?? "GET", req.url ?? "/", Buffer.concat(chunks).toString("utf8")).then(
          (r) => respond(r.status, r.json, r.text),
          (e: unknown) => respond(500, errorBody(badRequest(String(e))))
        )
      })
      // A client that hangs up mid-request must not take the server down.
      req.on("error", () => res.destroy())
      res.on("error", () => {})
    })
    server.on("error", reject)
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo
      resolve({ url: `http://${host}:${bound}`, port: bound, server })
    })
  })

/**
 * The server as a scoped resource: listening while the scope is open.
 *
 * @since 0.0.0
 * @category resources
 */
export const serveNode = (ctx: HandlerContext, host: string, port: number): Effect.Effect<ListeningServer, ServeError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => listenNode(ctx, host, port),
      catch: (e) => new ServeError({ message: `cannot listen on ${host}:${port}: ${e instanceof Error ? e.message : String(e)}` })
    }),
    (s) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            s.server.closeAllConnections()
            s.server.close(() => resolve())
          })
      ).pipe(Effect.ensuring(Effect.sync(() => ctx.store.dispose())))
  )
