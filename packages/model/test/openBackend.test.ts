import { describe, expect, it } from "vitest"
import type { BackendName } from "../src/index.ts"
import { openBackend } from "../src/index.ts"

describe("openBackend", () => {
  it("opens the CPU backend by name and rejects a name that is not a backend", async () => {
    const cpu = await openBackend("cpu")
    expect(cpu.backend.info.name).toBe("cpu")
    await cpu.close()
    // A typo from a command line must not silently become "auto".
    await expect(openBackend("gpu" as BackendName)).rejects.toThrow(/unknown backend gpu \(cpu, webgpu or auto\)/)
  })
})
