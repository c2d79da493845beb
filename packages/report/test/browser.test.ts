import { existsSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { chromium } from "playwright-core"
import { describe, expect, it } from "vitest"
import { renderReport } from "../src/index.ts"
import { fixtureInput } from "./fixture.ts"

// The report is looked at in a real browser: Debian's chromium, which .ci/run installs.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const missing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`

describe.skipIf(missing !== undefined && process.env["CI"] === undefined)(`report in headless Chromium${missing === undefined ? "" : ` (skipped: ${missing})`}`, () => {
  it("shows every chart with drawn paths and logs no console error", async () => {
    if (missing !== undefined) throw new Error(`CI is set but ${missing}`)
    const dir = await mkdtemp(join(tmpdir(), "sapphire-report-"))
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    })
    try {
      const file = join(dir, "report.html")
      await writeFile(file, await renderReport(fixtureInput()))
      const page = await browser.newPage()
      const problems: Array<string> = []
      page.on("console", (msg) => { if (msg.type() === "error") problems.push(msg.text()) })
      page.on("pageerror", (error) => problems.push(error.message))
      page.on("request", (request) => { if (!request.url().startsWith("file:")) problems.push(`network request ${request.url()}`) })
      await page.goto(pathToFileURL(file).href)
      const charts = await page.$$eval("figure.chart svg", (svgs) =>
        svgs.map((svg) => ({
          paths: svg.querySelectorAll("path").length,
          width: svg.getBoundingClientRect().width
        }))
      )
      expect(charts.length).toBe(7)
      for (const chart of charts) {
        expect(chart.paths).toBeGreaterThan(0)
        expect(chart.width).toBeGreaterThan(100)
      }
      // Each line chart draws its series as a path with a real "d" attribute.
      const lineData = await page.$$eval("figure.chart svg path.mark-line, figure.chart svg g.mark-line path", (paths) =>
        paths.map((p) => p.getAttribute("d") ?? ""))
      expect(lineData.length).toBeGreaterThan(0)
      expect(lineData.every((d) => /^M[\d.-]/.test(d))).toBe(true)
      await page.screenshot({ path: join(dir, "report.png"), fullPage: true })
      expect(problems).toEqual([])
    } finally {
      await browser.close()
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
