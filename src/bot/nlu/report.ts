/**
 * `npm run nlu:report`: scores the NLU on each labelled set (the project's own and the everyday
 * set written apart from the training phrases), prints accuracy per set and per intent and writes
 * `bench/results/nlu-report.json` (the top level is the project's own set, as before; `sets` has
 * every set in full).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { evaluate, LABELLED_SETS, loadLabelled, type NluReport } from './evaluate.ts'

const sets: Record<string, NluReport> = {}
for (const [name, file] of Object.entries(LABELLED_SETS)) sets[name] = await evaluate(loadLabelled(file))
const own = sets.labelled as NluReport
const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/nlu-report.json')
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...own, sets }, null, 2)}\n`)

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const section = (name: string, report: NluReport) => [
  `${name}: ${report.utterances} labelled utterances (held out from training)`,
  `intent accuracy:               ${pct(report.intentAccuracy)}`,
  `intent and parameter accuracy: ${pct(report.intentAndParameterAccuracy)} (of all utterances)`,
  `parameter accuracy:            ${pct(report.parameterAccuracy)} (utterances with the right intent whose parameters all match)`,
  `connected to Sales Forecast: ${pct(report.perVocabulary.connected.accuracy)} of ${report.perVocabulary.connected.total}; no model connected (pooled names): ${pct(report.perVocabulary.pooled.accuracy)} of ${report.perVocabulary.pooled.total}`,
  '',
  'intent            n    accuracy',
  ...Object.entries(report.perIntent)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([intent, s]) => `${intent.padEnd(16)} ${String(s.total).padStart(3)}    ${pct(s.accuracy)}`),
  '',
  `misses (${report.errors.length}):`,
  ...report.errors.map(
    (e) =>
      `  "${e.text}" → ${e.got} (${e.confidence})${e.got === e.expected ? ` params ${JSON.stringify(e.parameters)} ≠ ${JSON.stringify(e.expectedParameters)}` : `, expected ${e.expected}`}`,
  ),
  '',
]
const lines = [
  ...Object.entries(sets).flatMap(([name, report]) => section(name, report)),
  'set                  n     intent  intent+parameters',
  ...Object.entries(sets).map(
    ([name, r]) =>
      `${name.padEnd(18)} ${String(r.utterances).padStart(4)}    ${pct(r.intentAccuracy).padStart(6)}  ${pct(r.intentAndParameterAccuracy).padStart(6)}`,
  ),
  '',
  `written to ${out}`,
]
process.stdout.write(`${lines.join('\n')}\n`)
