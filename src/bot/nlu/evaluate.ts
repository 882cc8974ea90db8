/**
 * Scores the NLU on the labelled set (`labelled.yaml`): intent accuracy overall and per intent,
 * and parameter accuracy (an utterance counts when every expected parameter came out equal).
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { DEMO_VOCABULARY } from './demo-vocabulary.ts'
import { Nlu } from './nlu.ts'

export interface LabelledUtterance {
  t: string
  i: string
  p?: Record<string, unknown>
}

export interface NluReport {
  utterances: number
  intentAccuracy: number
  /** Over utterances whose intent was right and that expect parameters. */
  parameterAccuracy: number
  perIntent: Record<string, { total: number; correct: number; accuracy: number }>
  errors: {
    text: string
    expected: string
    got: string
    confidence: number
    parameters?: Record<string, unknown>
    expectedParameters?: Record<string, unknown>
  }[]
}

export function loadLabelled(path = new URL('./labelled.yaml', import.meta.url)): LabelledUtterance[] {
  return parse(readFileSync(path, 'utf8')) as LabelledUtterance[]
}

function same(expected: unknown, got: unknown): boolean {
  if (Array.isArray(expected)) {
    if (!Array.isArray(got) || got.length !== expected.length) return false
    const a = [...expected].map(String).sort()
    const b = [...got].map(String).sort()
    return a.every((x, i) => x === b[i])
  }
  if (expected && typeof expected === 'object') {
    if (!got || typeof got !== 'object') return false
    return Object.entries(expected).every(([k, v]) => same(v, (got as Record<string, unknown>)[k]))
  }
  return String(expected) === String(got)
}

/** Runs every labelled utterance through the NLU over the demo vocabulary. */
export async function evaluate(set: LabelledUtterance[] = loadLabelled()): Promise<NluReport> {
  const nlu = new Nlu(DEMO_VOCABULARY)
  const perIntent: NluReport['perIntent'] = {}
  const errors: NluReport['errors'] = []
  let correct = 0
  let paramTotal = 0
  let paramCorrect = 0
  for (const u of set) {
    const r = await nlu.understand(u.t)
    const slot = perIntent[u.i] ?? { total: 0, correct: 0, accuracy: 0 }
    perIntent[u.i] = slot
    slot.total++
    const ok = r.intent.name === u.i
    if (ok) {
      slot.correct++
      correct++
    }
    let paramsOk = true
    if (ok && u.p) {
      paramTotal++
      paramsOk = same(u.p, r.parameters)
      if (paramsOk) paramCorrect++
    }
    if (!ok || !paramsOk) {
      errors.push({
        text: u.t,
        expected: u.i,
        got: r.intent.name,
        confidence: r.intent.confidence,
        parameters: r.parameters,
        ...(u.p ? { expectedParameters: u.p } : {}),
      })
    }
  }
  for (const s of Object.values(perIntent)) s.accuracy = round(s.correct / s.total)
  return {
    utterances: set.length,
    intentAccuracy: round(correct / set.length),
    parameterAccuracy: round(paramTotal ? paramCorrect / paramTotal : 1),
    perIntent,
    errors,
  }
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000
}
