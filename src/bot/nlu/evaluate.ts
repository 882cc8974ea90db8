/**
 * Scores the NLU on the labelled set (`labelled.yaml`): intent accuracy overall and per intent,
 * and parameter accuracy (an utterance counts when every expected parameter came out equal).
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { INTENT_CATALOG, intentByName, parsePhrase } from '../intents/index.ts'
import { DEMO_VOCABULARY, POOLED_DEMO_VOCABULARY } from './demo-vocabulary.ts'
import { Nlu } from './nlu.ts'

export interface LabelledUtterance {
  t: string
  i: string
  p?: Record<string, unknown>
  /**
   * `pooled`: said with no model connected (`/api/nlu` without a session), understood with the
   * names of every model the user can open. Otherwise connected to Sales Forecast.
   */
  v?: 'pooled'
}

export interface NluReport {
  utterances: number
  intentAccuracy: number
  /** Over utterances whose intent was right and that expect parameters. */
  parameterAccuracy: number
  /** Over all utterances: the intent right and every expected parameter equal. */
  intentAndParameterAccuracy: number
  perIntent: Record<string, { total: number; correct: number; accuracy: number }>
  /** Intent accuracy connected to Sales Forecast and with no model connected. */
  perVocabulary: Record<'connected' | 'pooled', { total: number; correct: number; accuracy: number }>
  errors: {
    text: string
    expected: string
    got: string
    confidence: number
    parameters?: Record<string, unknown>
    expectedParameters?: Record<string, unknown>
  }[]
}

/**
 * The labelled sets, kept apart: the project's own, and the everyday set written independently of
 * the training phrases by someone who had not read them (`labelled-everyday.yaml`).
 */
export const LABELLED_SETS = {
  labelled: new URL('./labelled.yaml', import.meta.url),
  'labelled-everyday': new URL('./labelled-everyday.yaml', import.meta.url),
  /** A second independent set, written later and kept as a check on the changes the first guided. */
  'labelled-fresh': new URL('./labelled-fresh.yaml', import.meta.url),
  /** A third, written after the changes the second guided: the clean check of those. */
  'labelled-fresh-2': new URL('./labelled-fresh-2.yaml', import.meta.url),
  /**
   * Two more by writers who had not read the phrases. -3 was all right through /api/nlu when first
   * run, so -4 guided the changes of that day.
   */
  'labelled-fresh-3': new URL('./labelled-fresh-3.yaml', import.meta.url),
  'labelled-fresh-4': new URL('./labelled-fresh-4.yaml', import.meta.url),
  /** Written after the changes -4 guided, and checked them; then it guided the day's last ones. */
  'labelled-fresh-5': new URL('./labelled-fresh-5.yaml', import.meta.url),
  /** Written after the changes -5 guided: their clean check. */
  'labelled-fresh-6': new URL('./labelled-fresh-6.yaml', import.meta.url),
  /** Written after the changes -6 and planbench-fresh-4 guided, and checked them; then it guided. */
  'labelled-fresh-7': new URL('./labelled-fresh-7.yaml', import.meta.url),
  /** Written after the changes -7 and planbench-fresh-5 guided, and checked them; then it guided. */
  'labelled-fresh-8': new URL('./labelled-fresh-8.yaml', import.meta.url),
  /** Written after the changes -8 and planbench-fresh-6 guided: their clean check. */
  'labelled-fresh-9': new URL('./labelled-fresh-9.yaml', import.meta.url),
  /** Written after the changes -9 guided nothing yet and planbench-fresh-7 guided: the clean check. */
  'labelled-fresh-10': new URL('./labelled-fresh-10.yaml', import.meta.url),
  /** Written after the changes -9 and -10 guided: their clean check, until it guided. */
  'labelled-fresh-11': new URL('./labelled-fresh-11.yaml', import.meta.url),
  /** Written beside -11, run once after the changes -11 and planbench-fresh-9 guided; then it guided. */
  'labelled-fresh-12': new URL('./labelled-fresh-12.yaml', import.meta.url),
  /** Written after the changes -11, -12 and planbench-fresh-10 guided, run once on the final code: the clean check. */
  'labelled-fresh-13': new URL('./labelled-fresh-13.yaml', import.meta.url),
  /** Written on 2026-12-04 after -13's clean check, run once on that day's final code; then it guided. */
  'labelled-fresh-14': new URL('./labelled-fresh-14.yaml', import.meta.url),
  /** Written beside -16 on 2026-12-04, run once; then it guided. */
  'labelled-fresh-15': new URL('./labelled-fresh-15.yaml', import.meta.url),
  /** Written with -15, kept unrun until the final code: the clean check. */
  'labelled-fresh-16': new URL('./labelled-fresh-16.yaml', import.meta.url),
  /** Written after the fixes -15 guided, run once; then it guided. */
  'labelled-fresh-17': new URL('./labelled-fresh-17.yaml', import.meta.url),
} as const

/** The newest set, run only after the changes the others guided: the check that is still clean. */
export const CLEAN_CHECK = 'labelled-fresh-16' satisfies keyof typeof LABELLED_SETS

export function loadLabelled(path: URL = LABELLED_SETS.labelled): LabelledUtterance[] {
  return parse(readFileSync(path, 'utf8')) as LabelledUtterance[]
}

function interfaceParameters(
  intent: string,
  p: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const names = new Set(intentByName(intent)?.parameters.map((x) => x.name) ?? [])
  const kept = Object.entries(p).filter(([k]) => names.has(k))
  return kept.length ? Object.fromEntries(kept) : undefined
}

function same(expected: unknown, got: unknown): boolean {
  if (Array.isArray(expected)) {
    // Pages written as the items alone ("pages: [Sprockets]") say what a dimension → item map
    // does: the items are compared, the dimensions they are on follow from them.
    if (got && typeof got === 'object' && !Array.isArray(got)) got = Object.values(got)
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

/** What is scored: the intent and parameters one utterance was understood as. */
export type Understander = (
  u: LabelledUtterance,
) => Promise<{ intent: { name: string; confidence: number }; parameters: Record<string, unknown> }>

/**
 * Runs every labelled utterance through the NLU: by default the classifier in process, over Sales
 * Forecast's vocabulary or the pooled demo vocabulary for those marked `v: pooled`; or through
 * `understand` (the benchmark passes `/api/nlu`, which also reads questions).
 */
export async function evaluate(
  set: LabelledUtterance[] = loadLabelled(),
  understand?: Understander,
): Promise<NluReport> {
  const connected = understand ? undefined : new Nlu(DEMO_VOCABULARY)
  const pooled = understand ? undefined : new Nlu(POOLED_DEMO_VOCABULARY)
  const run: Understander =
    understand ?? ((u) => ((u.v === 'pooled' ? pooled : connected) as Nlu).understand(u.t))
  const perIntent: NluReport['perIntent'] = {}
  const perVocabulary: NluReport['perVocabulary'] = {
    connected: { total: 0, correct: 0, accuracy: 0 },
    pooled: { total: 0, correct: 0, accuracy: 0 },
  }
  const errors: NluReport['errors'] = []
  let correct = 0
  let paramTotal = 0
  let paramCorrect = 0
  for (const u of set) {
    const r = await run(u)
    const slot = perIntent[u.i] ?? { total: 0, correct: 0, accuracy: 0 }
    perIntent[u.i] = slot
    const byVocabulary = perVocabulary[u.v ?? 'connected']
    slot.total++
    byVocabulary.total++
    const ok = r.intent.name === u.i
    if (ok) {
      slot.correct++
      byVocabulary.correct++
      correct++
    }
    let paramsOk = true
    // Only parameters of the intent's public interface (PRODUCT.md) are scored: a writer's label
    // of one it does not have ("list_models" takes no workspace) cannot be met by any reply.
    const expected = u.p ? interfaceParameters(u.i, u.p) : undefined
    if (ok && expected) {
      paramTotal++
      paramsOk = same(expected, r.parameters)
      if (paramsOk) paramCorrect++
    }
    if (!ok || !paramsOk) {
      errors.push({
        text: u.v ? `${u.t} [${u.v}]` : u.t,
        expected: u.i,
        got: r.intent.name,
        confidence: r.intent.confidence,
        parameters: r.parameters,
        ...(u.p ? { expectedParameters: u.p } : {}),
      })
    }
  }
  for (const s of [...Object.values(perIntent), ...Object.values(perVocabulary)])
    s.accuracy = round(s.total ? s.correct / s.total : 1)
  return {
    utterances: set.length,
    intentAccuracy: round(correct / set.length),
    parameterAccuracy: round(paramTotal ? paramCorrect / paramTotal : 1),
    intentAndParameterAccuracy: round((set.length - errors.length) / set.length),
    perIntent,
    perVocabulary,
    errors,
  }
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000
}

/** The texts that are also training phrases (compared without case or punctuation). */
export function trainingCopies(texts: readonly string[]): string[] {
  const norm = (x: string) =>
    x
      .toLowerCase()
      .replace(/[^a-z0-9 ]/g, '')
      .trim()
  const training = new Set(
    INTENT_CATALOG.flatMap((i) =>
      i.phrases.map((p) =>
        norm(
          parsePhrase(i, p)
            .map((x) => x.text)
            .join(''),
        ),
      ),
    ),
  )
  return texts.filter((t) => training.has(norm(t)))
}
