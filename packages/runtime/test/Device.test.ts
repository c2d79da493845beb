import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Device } from "../src/index.ts"

describe("Device", () => {
  it.live("one user at a time: concurrent users never overlap, and all of them run", () =>
    Effect.gen(function*() {
      const device = yield* Device
      let inside = 0
      let most = 0
      const use = (i: number) =>
        device.use(Effect.gen(function*() {
          inside++
          most = Math.max(most, inside)
          yield* Effect.sleep(3)
          inside--
          return i
        }))
      const out = yield* Effect.forEach([0, 1, 2, 3, 4, 5], use, { concurrency: "unbounded" })
      expect(out).toEqual([0, 1, 2, 3, 4, 5])
      expect(most).toBe(1)
      expect(yield* device.busy).toBe(false)
    }).pipe(Effect.provide(Device.layer)))

  it.live("a failing user releases the device", () =>
    Effect.gen(function*() {
      const device = yield* Device
      const failed = yield* Effect.flip(device.use(Effect.fail("boom")))
      expect(failed).toBe("boom")
      expect(yield* device.use(Effect.succeed(1))).toBe(1)
    }).pipe(Effect.provide(Device.layer)))
})
