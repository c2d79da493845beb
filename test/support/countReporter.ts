import { join } from "node:path"
import type { Reporter, TestModule } from "vitest/node"
import { CONFORMANCE_PREFIX } from "./conformanceName.ts"

const root = join(import.meta.dirname, "..", "..")

/**
 * Prints the language-neutral closing line `N passed, N failed, N skipped` that CI
 * reads, after vitest's own summary, preceded by one line per conformance check that was
 * skipped because the reference folder is absent (see conformance.ts), so a run says what
 * it did not check.
 */
export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    const notChecked: Array<string> = []
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else {
          skipped++
          if (test.name.startsWith(CONFORMANCE_PREFIX)) notChecked.push(`${module.moduleId.slice(root.length + 1)}: ${test.name}`)
        }
      }
      // A module that failed to load has no tests but is a failure.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++
    }
    if (notChecked.length > 0) process.stdout.write(`\n${notChecked.join("\n")}\n`)
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
