/**
 * PlanBench's data: conversations over the demo models, each turn labelled with its category and
 * an expected-answer specification (what is measured, on which slice, in which shape), never a
 * figure. The figures are computed at run time from the simulator's cells (`expected.ts`).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const CATEGORIES = [
  'lookup',
  'follow-up',
  'aggregate',
  'breakdown',
  'ranking',
  'comparison',
  'variance',
  'trend',
  'unknown',
  'off-topic',
  'ambiguous',
] as const
export type Category = (typeof CATEGORIES)[number]

/** Dimension name → item name ("Regions: EMEA", "Time: Q3 FY26", "Versions: Budget"). */
export type Coordinates = Record<string, string>

/**
 * What a turn must answer. `at` pins dimensions; a list dimension left out is its top-level
 * total, Versions left out is the model's current version, Time left out is the model's only year
 * (a model with several years names its period). `by` breaks a dimension down: the items directly
 * below the slice's item of that dimension, or with `level` the items of that list below it.
 */
export type Expect =
  | { shape: 'value'; lineItem: string; at?: Coordinates }
  | { shape: 'compare'; lineItem: string; at?: Coordinates; axis: string; items: [string, string] }
  | { shape: 'breakdown'; lineItem: string; at?: Coordinates; by: string; level?: string }
  | {
      shape: 'ranking'
      lineItem: string
      at?: Coordinates
      by: string
      level?: string
      order: 'desc' | 'asc'
      limit: number
    }
  | { shape: 'share'; lineItem: string; at?: Coordinates; by: string; item: string }
  | { shape: 'trend'; lineItem: string; at?: Coordinates; level: 'month' | 'quarter' }
  | {
      shape: 'explain'
      lineItem: string
      at?: Coordinates
      axis: string
      from: string
      to: string
      over: string
      level?: string
    }
  /** A name the model does not have: it must be named back and no figure stated. */
  | { shape: 'unknown'; name: string }
  /** Not about the model: the fallback, with no figures. */
  | { shape: 'fallback' }
  /** Two readings are plausible: a question back offering choices (at least two of `choices`). */
  | { shape: 'askBack'; choices?: string[] }

export interface Turn {
  say: string
  category: Category
  expect: Expect
}

export interface Conversation {
  id: string
  model: string
  turns: Turn[]
}

export const CONVERSATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'conversations')
/** The hand-written set (`npm run bench -- planbench-fresh`), kept apart from the generated one. */
export const FRESH_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh')
/** The third hand-written set: the check on the fixes the second (fresh/) guided. */
export const FRESH2_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-2')
/** The fourth, by a writer who read only spec.ts and PRODUCT.md; it then guided fixes. */
export const FRESH3_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-3')
/** The fifth, by another such writer, after the fixes fresh-3 guided: their clean check. */
export const FRESH4_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-4')
/** The sixth, after the fixes fresh-4 guided: their clean check, until it guided the next. */
export const FRESH5_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-5')
/** The seventh, after the fixes fresh-5 guided: their clean check, until it guided the next. */
export const FRESH6_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-6')
/** The eighth, after the fixes fresh-6 guided: their clean check, until it guided the next. */
export const FRESH7_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-7')
/** The ninth, after the fixes fresh-7 guided: their clean check. */
export const FRESH8_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-8')
/** The tenth, after the fixes fresh-8 guided: their clean check. */
export const FRESH9_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-9')
/** The eleventh, written beside the tenth, run once after the fixes it guided; then it guided. */
export const FRESH10_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-10')
/** The twelfth, written after the fixes fresh-10 guided, run once; then it guided. */
export const FRESH11_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-11')
/** The thirteenth, written after the fixes fresh-11 guided, run once on the final code: the clean check. */
export const FRESH12_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-12')
/** The fourteenth, written beside the fifteenth after fresh-12's fixes, run once; then it guided. */
export const FRESH13_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-13')
/** The fifteenth, written with the fourteenth, run once on the final code: the clean check. */
export const FRESH14_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-14')
/** The sixteenth, written on 2026-12-04 beside the seventeenth, run once; then it guided. */
export const FRESH15_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-15')
/** The seventeenth, written with the sixteenth, run once on the final code: the clean check. */
export const FRESH16_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-16')
/** The eighteenth, written after the fixes fresh-15 guided, run once; then it guided. */
export const FRESH17_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-17')
/** The nineteenth, written after the fixes fresh-15 guided, run once after fresh-17's; then it guided. */
export const FRESH18_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fresh-18')

/** Every conversation file under `conversations/`, in file order. */
export function loadConversations(dir = CONVERSATIONS_DIR): Conversation[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => {
      const list = parse(readFileSync(join(dir, f), 'utf8')) as Conversation[]
      for (const c of list) checkConversation(c, f)
      return list
    })
}

/** Refuses a malformed entry by name, so a typo in the data cannot silently score as a miss. */
function checkConversation(c: Conversation, file: string): void {
  const where = `${file}: ${c?.id ?? '(no id)'}`
  if (!c?.id || !c.model || !Array.isArray(c.turns) || c.turns.length === 0 || c.turns.length > 6)
    throw new Error(`${where}: a conversation needs an id, a model and 1-6 turns`)
  for (const t of c.turns) {
    if (typeof t.say !== 'string' || !t.say) throw new Error(`${where}: a turn without text`)
    if (!CATEGORIES.includes(t.category)) throw new Error(`${where}: unknown category ${t.category}`)
    const shapes = ['value', 'compare', 'breakdown', 'ranking', 'share', 'trend', 'explain', 'unknown']
    if (!t.expect || ![...shapes, 'fallback', 'askBack'].includes(t.expect.shape))
      throw new Error(`${where}: "${t.say}" has no valid expect.shape`)
  }
}
