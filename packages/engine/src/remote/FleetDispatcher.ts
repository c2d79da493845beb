/**
 * Sends independent jobs (one HTTP request each) to a fleet of servers: at most
 * `maxConcurrentPerServer` in flight per server, a timeout per attempt (the attempt is
 * aborted), and a failed or timed-out attempt puts its job back at the head of the queue
 * while its server cools down with exponential backoff, so another server picks the job
 * up. A job is in flight at most once and its result is kept once: nothing is lost or
 * duplicated. Client errors (4xx other than 404 / 408 / 429) are not retried: they would
 * fail anywhere.
 *
 * @since 0.1.0
 */

/**
 * Per-server counters.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerMetrics {
  readonly url: string
  /** Attempts that returned a result. */
  succeeded: number
  /** Attempts that failed (network, 5xx, 404, bad body), timeouts excluded. */
  failed: number
  timedOut: number
  /** Completion tokens received. */
  tokens: number
  /** Milliseconds with at least one request in flight. */
  busyMs: number
  /** tokens / busy second. */
  tokensPerSecond: number
  /** The last failure's message. */
  lastError: string | null
}

/**
 * How the fleet is used.
 *
 * @since 0.1.0
 * @category models
 */
export interface FleetOptions {
  readonly urls: ReadonlyArray<string>
  /** Requests in flight per server. Default 4. */
  readonly maxConcurrentPerServer?: number
  /** One attempt's limit (ms). Default 120000. */
  readonly timeoutMs?: number
  /** Attempts per job across all servers before the batch fails. Default 5. */
  readonly maxAttempts?: number
  /** First cool-down of a failing server (ms), doubled per consecutive failure, capped at 30 s. Default 200. */
  readonly backoffMs?: number
  /** Injectable for tests. */
  readonly fetch?: typeof globalThis.fetch
}

/**
 * A job: a path and body; `tokens` counts the result's completion tokens for metrics.
 *
 * @since 0.1.0
 * @category models
 */
export interface FleetJob<A> {
  readonly path: string
  readonly body: unknown
  readonly parse: (json: unknown) => A
  readonly tokens: (a: A) => number
}

/**
 * A job failed on every attempt, or was refused as invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class FleetError extends Error {
  override readonly name = "FleetError"
}

class NonRetryable extends Error {}

interface ServerState {
  readonly url: string
  inFlight: number
  coolUntil: number
  consecutiveFailures: number
  busySince: number
  readonly metrics: ServerMetrics
}

/**
 * The dispatcher: `run` sends a batch of jobs and resolves with their results in order.
 *
 * @since 0.1.0
 * @category models
 */
export interface FleetDispatcher {
  readonly run: <A>(jobs: ReadonlyArray<FleetJob<A>>) => Promise<Array<A>>
  /** A snapshot of every server's counters. */
  readonly metrics: () => Array<ServerMetrics>
  /** POSTs to every server (policy sync); resolves when all answered 2xx, else rejects naming the failures. */
  readonly broadcast: (path: string, body: unknown) => Promise<void>
}

const trimSlash = (u: string) => u.replace(/\/+$/, "")

/**
 * Makes a dispatcher over `options.urls`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeFleetDispatcher = (options: FleetOptions): FleetDispatcher => {
  if (options.urls.length === 0) throw new FleetError("a remote engine needs at least one server URL")
  const maxConcurrent = options.maxConcurrentPerServer ?? 4
  const timeoutMs = options.timeoutMs ?? 120_000
  const maxAttempts = options.maxAttempts ?? 5
  const backoffMs = options.backoffMs ?? 200
  const doFetch = options.fetch ?? globalThis.fetch
  const servers: Array<ServerState> = options.urls.map((u) => ({
    url: trimSlash(u),
    inFlight: 0,
    coolUntil: 0,
    consecutiveFailures: 0,
    busySince: 0,
    metrics: { url: trimSlash(u), succeeded: 0, failed: 0, timedOut: 0, tokens: 0, busyMs: 0, tokensPerSecond: 0, lastError: null }
  }))

  const post = async (server: ServerState, path: string, body: unknown, signal: AbortSignal): Promise<unknown> => {
    const res = await doFetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal
    })
    const text = await res.text()
    if (!res.ok) {
      let message = text
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text
      } catch {}
      const err = `${server.url}${path}: HTTP ${res.status}: ${message}`
      if (res.status >= 400 && res.status < 500 && ![404, 408, 429].includes(res.status)) throw new NonRetryable(err)
      throw new Error(err)
    }
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }

  const run = <A>(jobs: ReadonlyArray<FleetJob<A>>): Promise<Array<A>> =>
    new Promise((resolve, reject) => {
      const results: Array<A> = new Array(jobs.length)
      const done: Array<boolean> = new Array(jobs.length).fill(false)
      const attempts: Array<number> = new Array(jobs.length).fill(0)
      const errors: Array<Array<string>> = jobs.map(() => [])
      const failedOn: Array<ServerState | undefined> = new Array(jobs.length).fill(undefined)
      const queue: Array<number> = jobs.map((_, i) => i)
      let remaining = jobs.length
      let finished = false
      let timer: ReturnType<typeof setTimeout> | undefined

      const finish = (e?: Error) => {
        if (finished) return
        finished = true
        if (timer !== undefined) clearTimeout(timer)
        if (e === undefined) resolve(results)
        else reject(e)
      }

      const release = (s: ServerState) => {
        s.inFlight--
        if (s.inFlight === 0) s.metrics.busyMs += Date.now() - s.busySince
        s.metrics.tokensPerSecond = s.metrics.busyMs > 0 ? s.metrics.tokens / (s.metrics.busyMs / 1000) : 0
      }

      const attempt = (s: ServerState, i: number) => {
        if (s.inFlight === 0) s.busySince = Date.now()
        s.inFlight++
        attempts[i]!++
        const controller = new AbortController()
        let timedOut = false
        const t = setTimeout(() => {
          timedOut = true
          controller.abort()
        }, timeoutMs)
        const job = jobs[i]!
        post(s, job.path, job.body, controller.signal)
          .then((json) => job.parse(json))
          .then(
            (a) => {
              clearTimeout(t)
              release(s)
              s.consecutiveFailures = 0
              s.metrics.succeeded++
              s.metrics.tokens += job.tokens(a)
              if (!done[i]) {
                done[i] = true
                results[i] = a
                if (--remaining === 0) return finish()
              }
              pump()
            },
            (e: unknown) => {
              clearTimeout(t)
              release(s)
              const message = timedOut ? `${s.url}${job.path}: no answer within ${timeoutMs} ms` : e instanceof Error ? e.message : String(e)
              s.metrics.lastError = message
              if (timedOut) s.metrics.timedOut++
              else s.metrics.failed++
              errors[i]!.push(message)
              if (e instanceof NonRetryable) return finish(new FleetError(message))
              s.consecutiveFailures++
              s.coolUntil = Date.now() + Math.min(30_000, backoffMs * 2 ** (s.consecutiveFailures - 1))
              if (attempts[i]! >= maxAttempts) {
                return finish(new FleetError(`a request failed ${attempts[i]} times: ${errors[i]!.join("; ")}`))
              }
              // Back at the head: the next free server that is not cooling down takes it.
              failedOn[i] = s
              queue.unshift(i)
              pump()
            }
          )
      }

      const pump = () => {
        if (finished) return
        const now = Date.now()
        for (;;) {
          if (queue.length === 0) return
          // Healthy servers first, then the least loaded; a server that failed last time
          // (probation) gets one request at a time until one succeeds.
          let best: ServerState | undefined
          for (const s of servers) {
            const capacity = s.consecutiveFailures > 0 ? 1 : maxConcurrent
            if (s.inFlight >= capacity || s.coolUntil > now) continue
            if (
              best === undefined ||
              Math.sign(s.consecutiveFailures) < Math.sign(best.consecutiveFailures) ||
              (Math.sign(s.consecutiveFailures) === Math.sign(best.consecutiveFailures) && s.inFlight < best.inFlight)
            ) best = s
          }
          if (best === undefined) break
          // Prefer a job that did not just fail on this server.
          const k = queue.findIndex((i) => failedOn[i] !== best)
          const [i] = queue.splice(k < 0 ? 0 : k, 1)
          attempt(best, i!)
        }
        // Every server is busy or cooling: wake when the first cool-down ends (busy ones call pump when they finish).
        const cooling = servers.filter((s) => s.coolUntil > now)
        if (cooling.length > 0 && timer === undefined) {
          const wake = Math.min(...cooling.map((s) => s.coolUntil)) - now
          timer = setTimeout(() => {
            timer = undefined
            pump()
          }, Math.max(1, wake))
        }
      }

      if (jobs.length === 0) return finish()
      pump()
    })

  const broadcast = async (path: string, body: unknown): Promise<void> => {
    const outcomes = await Promise.allSettled(
      servers.map((s) => {
        const controller = new AbortController()
        const t = setTimeout(() => controller.abort(), timeoutMs)
        return post(s, path, body, controller.signal).finally(() => clearTimeout(t))
      })
    )
    const failures = outcomes.flatMap((o, i) => (o.status === "rejected" ? [`${servers[i]!.url}: ${o.reason instanceof Error ? o.reason.message : String(o.reason)}`] : []))
    if (failures.length > 0) throw new FleetError(`${path} failed on ${failures.length} of ${servers.length} servers: ${failures.join("; ")}`)
  }

  return { run, broadcast, metrics: () => servers.map((s) => ({ ...s.metrics })) }
}
