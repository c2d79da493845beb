/**
 * The report page: one self-contained HTML file (inline SVG and CSS, no script, no network).
 *
 * @since 0.1.0
 */
import { chartPoints, confusionChart, DEFAULT_CHARTS, lineChart, type ChartSpec } from "./Charts.ts"
import type { ReportInput, TargetScores } from "./ReportInput.ts"
import { renderSvg } from "./renderSvg.ts"

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[ch] ?? ch)

const percent = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}` : "–")

const TARGETS = ["drg", "family", "tier"] as const
const SCORES: ReadonlyArray<readonly [keyof TargetScores, string]> = [["pass1", "Pass@1"], ["pass8", "Pass@8"], ["maj8", "Maj@8"]]

const resultsTable = (input: ReportInput): string => {
  if (input.results.length === 0) return `<p class="empty">No evaluation results in this run.</p>`
  const head = `<tr><th>target</th><th>metric</th>${input.results.map((r) => `<th>${escapeHtml(r.name)}</th>`).join("")}</tr>`
  const rows = TARGETS.flatMap((target) =>
    SCORES.map(([key, label], i) =>
      `<tr>${i === 0 ? `<th rowspan="3">${target.toUpperCase() === "DRG" ? "DRG" : target}</th>` : ""}<td>${label}</td>${
        input.results.map((r) => `<td>${percent(r.scores[target][key])}</td>`).join("")
      }</tr>`
    )
  )
  const invalid = `<tr><th colspan="2">invalid answers</th>${input.results.map((r) => `<td>${percent(r.scores.invalid)}</td>`).join("")}</tr>`
  return `<table class="results"><thead>${head}</thead><tbody>${rows.join("")}${invalid}</tbody></table><p class="note">Percent of held-out cases.</p>`
}

// The held-out curve's ends are the pipeline's own evaluations: the SFT model at GRPO step 0,
// the GRPO model at its last step (the periodic ones, evalEvery, lie between).
const heldOutEnds = (chart: ChartSpec, input: ReportInput): Array<{ x: number; series: string; value: number }> => {
  if (!chart.fields.test("eval/drg/pass1")) return []
  const steps = input.metrics.filter((m) => m.phase === "grpo" && typeof m.step === "number").map((m) => m.step as number)
  if (steps.length === 0) return []
  const at = { sft: 0, grpo: Math.max(...steps) } as Record<string, number>
  return input.results.flatMap((r) =>
    at[r.name] === undefined
      ? []
      : (["drg", "family", "tier"] as const).map((t) => ({ x: at[r.name]!, series: `eval/${t}/pass1`, value: r.scores[t].pass1 }))
  )
}

const chartSection = async (chart: ChartSpec, input: ReportInput): Promise<string> => {
  const points = [...heldOutEnds(chart, input), ...chartPoints(chart, input.metrics)].sort((a, b) => a.x - b.x)
  if (points.length === 0) return `<figure class="chart"><figcaption>${escapeHtml(chart.title)}</figcaption><p class="empty">Not recorded in this run.</p></figure>`
  return `<figure class="chart">${await renderSvg(lineChart(chart.title, chart.x, points))}</figure>`
}

const splitCompletion = (completion: string): { think: string; rest: string } => {
  const m = /<think>([\s\S]*?)<\/think>/.exec(completion)
  return m === null ? { think: "", rest: completion } : { think: (m[1] ?? "").trim(), rest: completion.replace(m[0], "").trim() }
}

const sampleSection = (input: ReportInput): string => {
  if (input.samples.length === 0) return `<p class="empty">No completions were sampled.</p>`
  return input.samples
    .map((s) => {
      const { think, rest } = splitCompletion(s.completion)
      const rewards = Object.entries(s.rewards)
        .map(([name, value]) => `<span class="reward">${escapeHtml(name)}: ${value === null ? "n/a" : value.toFixed(2)}</span>`)
        .join(" ")
      return `<article class="sample"><header><b>${escapeHtml(s.exampleId)}</b> · ${escapeHtml(s.source)} · gold: <i>${escapeHtml(s.gold)}</i> ${rewards}</header>${
        think === "" ? "" : `<details><summary>reasoning</summary><pre>${escapeHtml(think)}</pre></details>`
      }<pre class="answer">${escapeHtml(rest)}</pre></article>`
    })
    .join("\n")
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1b1f24;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;color:#57606a}dl.facts dt{font-weight:600}
table.results{border-collapse:collapse}table.results td,table.results th{border:1px solid #d0d7de;padding:.25em .7em;text-align:right}
table.results th{background:#f6f8fa}.charts{display:flex;flex-wrap:wrap;gap:1em}figure.chart{margin:0}
.empty,.note{color:#57606a;font-style:italic}article.sample{border:1px solid #d0d7de;border-radius:6px;padding:.5em .8em;margin:.6em 0}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em;border-radius:4px;margin:.3em 0}.reward{background:#ddf4ff;border-radius:4px;padding:0 .4em;margin-left:.3em}`

/**
 * Renders the whole report.
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderReport = async (input: ReportInput, charts: ReadonlyArray<ChartSpec> = DEFAULT_CHARTS): Promise<string> => {
  const chartHtml = await Promise.all(charts.map((chart) => chartSection(chart, input)))
  const confusion = input.confusion.filter((c) => c.count > 0)
  const confusionHtml = confusion.length === 0
    ? `<p class="empty">No family confusion recorded.</p>`
    : `<figure class="chart">${await renderSvg(confusionChart(confusion))}</figure>`
  const facts = input.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<dl class="facts">${facts}</dl>
<h2>Results on the held-out split</h2>
${resultsTable(input)}
<h2>Training</h2>
<div class="charts">${chartHtml.join("\n")}</div>
<h2>Confusion between families</h2>
${confusionHtml}
<h2>Sample completions</h2>
${sampleSection(input)}
</body></html>
`
}
