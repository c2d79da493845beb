import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { defineConfig } from "vitest/config"

const root = import.meta.dirname
const workspaces = [
  ...["packages", "plugins", "examples"].flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(dir, name))),
  "test"
]

// One run over every workspace, so `npm test` prints one summary for the whole repo. Each
// workspace is a project named after its package and inherits the settings below.
export default defineConfig({
  test: {
    projects: workspaces.map((dir) => ({
      extends: true,
      test: {
        name: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name as string,
        root: join(root, dir)
      }
    })),
    setupFiles: [join(root, "test/support/fastCheckSeed.ts")],
    reporters: ["default", "./test/support/countReporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
