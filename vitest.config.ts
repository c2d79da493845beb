import { defineConfig } from "vitest/config"

// One run over every workspace, so `npm test` prints one summary for the whole repo.
export default defineConfig({
  test: {
    projects: ["packages/*", "plugins/*", "test"],
    reporters: ["default", "./test/support/countReporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
