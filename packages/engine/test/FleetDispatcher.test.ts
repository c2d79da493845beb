import { describe, expect, it } from "vitest"
import { FleetError, makeFleetDispatcher } from "../src/index.ts"

// A fake fleet: each URL's behaviour decides per call; calls are logged.
const fakeFetch = (behaviour: Record<string, (body: { i: number }) => "ok" | "fail" | "hang" | "bad-request">) => {
  const calls: Array<{ url: string; i: number }> = []
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input)
    const host = new URL(url).origin
    const body = JSON.parse(String(init!.body)) as { i: number }
    calls.push({ url: host, i: body.i })
    const mode = behaviour[host]!(body)
    await new Promise((r) => setTimeout(r, 2))
    if (mode === "hang") {
      return new Promise((_, reject) => init!.signal!.addEventListener("abort", () => reject(new Error("aborted"))))
    }
    if (mode === "fail") throw new TypeError("fetch failed (connection refused)")
    if (mode === "bad-request") return new Response(JSON.stringify({ error: { message: "n too large" } }), { status: 400 })
    return new Response(JSON.stringify({ echo: body.i, by: host }), { status: 200 })
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

const jobs = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    path: "/v1/completions",
    body: { i },
    parse: (json: unknown) => json as { echo: number; by: string },
    tokens: () => 1
  }))

describe("fleet dispatcher", () => {
  it("spreads jobs over servers within the concurrency bound and keeps results in order", async () => {
    let inFlight = 0
    let peak = 0
    const fetch = (async (_: string | URL | Request, init?: RequestInit) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, 5))
      inFlight--
      return new Response(JSON.stringify({ echo: (JSON.parse(String(init!.body)) as { i: number }).i, by: "" }))
    }) as typeof globalThis.fetch
    const d = makeFleetDispatcher({ urls: ["http://a", "http://b"], maxConcurrentPerServer: 3, fetch })
    const out = await d.run(jobs(20))
    expect(out.map((o) => o.echo)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(peak).toBe(6)
    expect(d.metrics().map((m) => m.succeeded).reduce((a, b) => a + b)).toBe(20)
  })

  it("re-sends a failing server's jobs elsewhere: every job answered exactly once", async () => {
    const { fetch, calls } = fakeFetch({ "http://a": () => "ok", "http://b": () => "fail" })
    const d = makeFleetDispatcher({ urls: ["http://a", "http://b"], maxConcurrentPerServer: 2, backoffMs: 5, fetch })
    const out = await d.run(jobs(12))
    expect(out.map((o) => o.echo)).toEqual(Array.from({ length: 12 }, (_, i) => i))
    expect(out.every((o) => o.by === "http://a")).toBe(true)
    const [a, b] = d.metrics()
    expect(a!.succeeded).toBe(12)
    expect(b!.failed).toBeGreaterThan(0)
    expect(calls.filter((c) => c.url === "http://a").length).toBe(12)
  })

  it("times out a hung server, aborts the attempt and re-sends the job", async () => {
    const { fetch } = fakeFetch({ "http://a": () => "ok", "http://hung": () => "hang" })
    const d = makeFleetDispatcher({ urls: ["http://hung", "http://a"], timeoutMs: 50, backoffMs: 1000, fetch })
    const out = await d.run(jobs(6))
    expect(out.map((o) => o.echo)).toEqual([0, 1, 2, 3, 4, 5])
    expect(d.metrics()[0]!.timedOut).toBeGreaterThan(0)
    expect(d.metrics()[0]!.succeeded).toBe(0)
  })

  it("fails the batch after maxAttempts when every server fails, and does not retry a 400", async () => {
    const dead = makeFleetDispatcher({ urls: ["http://a"], maxAttempts: 3, backoffMs: 1, fetch: fakeFetch({ "http://a": () => "fail" }).fetch })
    await expect(dead.run(jobs(2))).rejects.toThrow(/failed 3 times/)
    const bad = fakeFetch({ "http://a": () => "bad-request", "http://b": () => "bad-request" })
    const d = makeFleetDispatcher({ urls: ["http://a", "http://b"], fetch: bad.fetch })
    await expect(d.run(jobs(1))).rejects.toThrow(FleetError)
    expect(bad.calls.length).toBe(1)
  })
})
