import { generateCase, promptMessages, sftCompletion } from "@sapphire-rl/data"
import { drgTinyTokenizer } from "@sapphire-rl/model"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
const plugin = msdrgV34()
const tok = drgTinyTokenizer()
const n = 600
const lens: Record<string, number[]> = { prompt: [], cot: [], af: [], diff: [], title: [] }
const drgs = new Map<number, number>(); const fams = new Map<string, number>()
for (let i = 0; i < n; i++) {
  const c = generateCase(plugin.grouper, { n, seed: 1, noteLength: "short" } as any, i)
  const r = c.record
  drgs.set(r.drg, (drgs.get(r.drg) ?? 0) + 1); fams.set(r.family, (fams.get(r.family) ?? 0) + 1)
  lens.prompt!.push(tok.encode(tok.applyChatTemplate(promptMessages(r.text), { addGenerationPrompt: true } as any)).length)
  lens.cot!.push(tok.encode(sftCompletion("cot-first", r, c.result, plugin.labelSpace)).length)
  lens.af!.push(tok.encode(sftCompletion("answer-first", r, c.result, plugin.labelSpace)).length)
  lens.title!.push(tok.encode(r.title).length)
  if (i === 0) { console.log(r.text); console.log(sftCompletion("answer-first", r, c.result, plugin.labelSpace)); console.log(r.tier, r.family) }
}
const q = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return `med ${s[Math.floor(s.length / 2)]} p90 ${s[Math.floor(s.length * 0.9)]} max ${s[s.length - 1]}` }
for (const [k, v] of Object.entries(lens)) console.log(k, q(v))
console.log("drgs", drgs.size, "families", fams.size)
console.log([...fams.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
