/**
 * `npm run nlu:report`: scores the NLU on the labelled set, prints accuracy per intent and writes
 * `bench/results/nlu-report.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { evaluate } from './evaluate.ts'

const report = await evaluate()
const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/nlu-report.json')
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...report }, null, 2)}\n`)

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const lines = [
  `NLU report: ${report.utterances} labelled utterances (held out from training)`,
  `intent accuracy:    ${pct(report.intentAccuracy)}`,
  `parameter accuracy: ${pct(report.parameterAccuracy)} (utterances with the right intent whose parameters all match)`,
  `connected to Sales Forecast: ${pct(report.perVocabulary.connected.accuracy)} of ${report.perVocabulary.connected.total}; no model connected (pooled names): ${pct(report.perVocabulary.pooled.accuracy)} of ${report.perVocabulary.pooled.total}`,
  '',
  'intent            n    accuracy',
  ...Object.entries(report.perIntent)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => `${name.padEnd(16)} ${String(s.total).padStart(3)}    ${pct(s.accuracy)}`),
  '',
  `misses (${report.errors.length}):`,
  ...report.errors.map(
    (e) =>
      `  "${e.text}" → ${e.got} (${e.confidence})${e.got === e.expected ? ` params ${JSON.stringify(e.parameters)} ≠ ${JSON.stringify(e.expectedParameters)}` : `, expected ${e.expected}`}`,
  ),
  '',
  `written to ${out}`,
]
process.stdout.write(`${lines.join('\n')}\n`)
