/**
 * Understanding one utterance against one model's vocabulary: names, periods and numbers first,
 * then the intent (NLP.js over the placeholder text), then the intent's parameters. Pure: no
 * Anaplan calls, no session changes.
 */
import { createHash } from 'node:crypto'
import { INTENT_CATALOG, parsePhrase } from '../core/catalog.ts'
import type { IntentMatch } from '../core/types.ts'
import {
  classify,
  getClassifier,
  MODEL_FILE_FORMAT,
  type TrainingDocument,
  type TrainingSet,
} from './classifier.ts'
import { DEMO_VOCABULARY } from './demo-vocabulary.ts'
import { EntityIndex, type EntityMatch, type NameKind } from './entities.ts'
import {
  findNumbers,
  findPeriods,
  formatPeriod,
  type NumberMatch,
  type PeriodMatch,
  resolvePeriod,
} from './slots.ts'
import type { Vocabulary } from './vocabulary.ts'

/** Below this the bot asks instead of acting. */
export const MIN_CONFIDENCE = 0.55
/** Two intents closer than this are a tie: the bot asks which was meant. */
export const TIE_MARGIN = 0.12

const PLACEHOLDER: Record<NameKind | 'period' | 'number', string> = {
  model: 'zzmodel',
  workspace: 'zzworkspace',
  view: 'zzview',
  action: 'zzaction',
  list: 'zzlist',
  listItem: 'zzitem',
  lineItem: 'zzlineitem',
  version: 'zzversion',
  dimension: 'zzlist',
  period: 'zzperiod',
  number: 'zznumber',
}

export interface Analysis {
  text: string
  entities: EntityMatch[]
  periods: (PeriodMatch & { name: string })[]
  numbers: NumberMatch[]
  /** The utterance with names, periods and numbers replaced by placeholders. */
  shape: string
}

export interface NluResult {
  intent: IntentMatch
  parameters: Record<string, unknown>
  /** Runner-up intents, best first (for "Did you mean …?"). */
  alternatives: IntentMatch[]
  /** A name that reads as two things equally well. */
  ambiguity?: { text: string; options: { kind: string; value: string; dimension?: string }[] }
  analysis: Analysis
}

/** One NLU per vocabulary; cheap to build, the classifier is shared. */
export class Nlu {
  readonly vocabulary: Vocabulary
  readonly #index: EntityIndex

  constructor(vocabulary: Vocabulary) {
    this.vocabulary = vocabulary
    this.#index = new EntityIndex(vocabulary)
  }

  /** Finds names, periods and numbers, and the placeholder shape of the sentence. */
  analyse(text: string): Analysis {
    return analyse(text, this.#index, this.vocabulary)
  }

  /**
   * The parameters of `intent` found in `text`, without classifying it: for intents a channel
   * (Dialogflow) has already recognised. Needs no classifier, so it never loads or trains one.
   */
  parameters(intent: string, text: string): Record<string, unknown> {
    return extractParameters(intent, this.analyse(text))
  }

  /** Intent, confidence and parameters of one utterance. */
  async understand(text: string): Promise<NluResult> {
    const nlp = await getClassifier(trainingSet())
    const analysis = this.analyse(text)
    const c = await classify(nlp, analysis.shape)
    let name = c.intent
    let confidence = c.score
    // An utterance that is nothing but a period, number or punctuation carries no intent.
    if (!/[a-z]/i.test(analysis.shape.replace(/zz\w+/g, '')) && analysis.entities.length === 0) {
      name = 'fallback'
      confidence = 0
    }
    const alternatives = c.ranking
      .filter((r) => r.intent !== name)
      .slice(0, 3)
      .map((r) => ({ name: r.intent, confidence: round(r.score) }))
    const parameters = extractParameters(name, analysis)
    const result: NluResult = {
      intent: { name, confidence: round(confidence) },
      parameters,
      alternatives,
      analysis,
    }
    const amb = analysis.entities.find((e) => e.alternatives.length > 0)
    if (amb) {
      result.ambiguity = {
        text: amb.text,
        options: [
          { kind: amb.kind, value: amb.value, ...(amb.dimension ? { dimension: amb.dimension } : {}) },
          ...amb.alternatives,
        ],
      }
    }
    return result
  }
}

let demoIndex: EntityIndex | undefined

/** Placeholder shape of a training phrase, using the demo model's names. */
function trainingShape(text: string): string {
  demoIndex ??= new EntityIndex(DEMO_VOCABULARY)
  return analyse(text, demoIndex, DEMO_VOCABULARY).shape
}

let training: TrainingSet | undefined

/**
 * The classifier's training set: the catalog's phrases in placeholder form. Its key hashes the
 * raw inputs (phrases and the demo names that shape them), not the shapes: shaping every phrase
 * costs tens of milliseconds, too much to spend at each cold start just to check the model file.
 * A change to the shaping code itself is caught by the build, which retrains every time.
 */
export function trainingSet(): TrainingSet {
  if (training) return training
  const texts = INTENT_CATALOG.flatMap((intent) =>
    intent.phrases.map((phrase) => ({
      intent: intent.name,
      // Free-text parameters (new item names) are dropped: at run time they are unknown words.
      text: parsePhrase(intent, phrase)
        .map((part) => (part.entity === 'any' ? ' ' : part.text))
        .join(''),
    })),
  )
  const key = createHash('sha256')
    .update(JSON.stringify({ format: MODEL_FILE_FORMAT, texts, vocabulary: DEMO_VOCABULARY }))
    .digest('hex')
  let docs: TrainingDocument[] | undefined
  training = {
    key,
    documents: () => {
      docs ??= texts.map((t) => ({ utterance: trainingShape(t.text), intent: t.intent }))
      return docs
    },
  }
  return training
}

function analyse(text: string, index: EntityIndex, vocabulary: Vocabulary): Analysis {
  const periods = findPeriods(text).map((p) => ({
    ...p,
    name: resolvePeriod(p.key, vocabulary.periods) ?? formatPeriod(p.key),
  }))
  const entities = index.find(text, periods)
  const taken = [...periods, ...entities]
  // "Budget 2024", "Q3 FY26": digits inside a name or period are not values.
  const numbers = findNumbers(text).filter((n) => !taken.some((t) => n.start < t.end && n.end > t.start))
  const spans = [
    ...periods.map((p) => ({ start: p.start, end: p.end, ph: PLACEHOLDER.period })),
    ...entities.map((e) => ({ start: e.start, end: e.end, ph: PLACEHOLDER[e.kind] })),
    ...numbers.map((n) => ({ start: n.start, end: n.end, ph: PLACEHOLDER.number })),
  ].sort((a, b) => a.start - b.start)
  let shape = ''
  let pos = 0
  for (const s of spans) {
    if (s.start < pos) continue
    shape += `${text.slice(pos, s.start)} ${s.ph} `
    pos = s.end
  }
  shape += text.slice(pos)
  shape = shape.replace(/\s+/g, ' ').trim()
  return { text, entities, periods, numbers, shape }
}

const ACTION_TYPE_WORDS: [RegExp, string][] = [
  [/\b(imports?|loads?)\b/i, 'import'],
  [/\b(exports?|extracts?)\b/i, 'export'],
  [/\b(process|processes|jobs?)\b/i, 'process'],
  [/\b(delete actions?|actions?)\b/i, 'action'],
]

/** The action type named by a word in the text ("imports" → import). */
export function actionTypeOf(text: string): string | undefined {
  return ACTION_TYPE_WORDS.find(([re]) => re.test(text))?.[1]
}

function first(a: Analysis, kind: NameKind): EntityMatch | undefined {
  return a.entities.find((e) => e.kind === kind)
}

/** Text left once every recognised name is removed, for names the model does not know yet. */
function remainder(a: Analysis, lead: RegExp): string | undefined {
  const m = lead.exec(a.text)
  if (!m) return undefined
  const rest = a.text
    .slice(m.index + m[0].length)
    .replace(/[?.!]+$/, '')
    .replace(/^\s*(the|a|an|model|view|called|named)\s+/i, '')
    .replace(/\s+(model|view|please)$/i, '')
    .trim()
  return rest || undefined
}

/** Reads the intent's parameters from the analysis. Only parameters found are present. */
export function extractParameters(intent: string, a: Analysis): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const set = (k: string, v: unknown) => {
    if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[k] = v
  }
  const items = () => a.entities.filter((e) => e.kind === 'listItem').map((e) => e.value)
  const pages = () => {
    const p: Record<string, string> = {}
    for (const e of a.entities)
      if ((e.kind === 'listItem' || e.kind === 'version') && e.dimension) p[e.dimension] = e.value
    return p
  }
  switch (intent) {
    case 'connect_model': {
      const id = /\b[0-9A-F]{32}\b/i.exec(a.text)?.[0]
      set(
        'model',
        first(a, 'model')?.value ??
          id ??
          remainder(
            a,
            /\b(connect(?:ed)?(?: me)? to|open|use|switch to|select model|work (?:on|in)|load)\s+/i,
          ),
      )
      set('workspace', first(a, 'workspace')?.value)
      break
    }
    case 'show_view': {
      set('view', first(a, 'view')?.value)
      const p = pages()
      if (Object.keys(p).length) out.pages = p
      break
    }
    case 'set_page': {
      const item = a.entities.find((e) => e.kind === 'listItem' || e.kind === 'version')
      set('item', item?.value)
      set('dimension', (first(a, 'dimension') ?? first(a, 'list'))?.value ?? item?.dimension)
      break
    }
    case 'list_actions':
      set('actionType', actionTypeOf(a.text))
      break
    case 'run_action': {
      const action = first(a, 'action')
      set('action', action?.value ?? remainder(a, /\b(run|start|execute|launch|trigger|kick off)\s+/i))
      set('actionType', action?.actionType ?? actionTypeOf(a.text.replace(action?.text ?? '\u0000', '')))
      break
    }
    case 'task_status':
    case 'cancel_task':
      set('action', first(a, 'action')?.value)
      break
    case 'read_cell':
    case 'write_cell': {
      set('lineItem', first(a, 'lineItem')?.value)
      set('items', [...new Set(items())])
      set('period', a.periods[0]?.name)
      set('version', first(a, 'version')?.value)
      if (intent === 'write_cell') {
        const after = a.numbers.find((n) => /\b(to|=|as|at|be)\s*$/i.test(a.text.slice(0, n.start)))
        set('value', (after ?? a.numbers[a.numbers.length - 1])?.value)
      }
      break
    }
    case 'list_items':
      set('list', first(a, 'list')?.value)
      break
    case 'add_list_item': {
      const list = first(a, 'list')
      set('list', list?.value)
      const before = list ? a.text.slice(0, list.start) : a.text
      const m =
        /\b(?:add|insert|put|append|create|new item|called|named)\s+(?:(?:a|an)\s+)?(?:new\s+)?(?:(?:item|product|region|channel)\s+)?(?:called\s+|named\s+)?["'“]?(.+?)["'”]?\s*(?:\b(?:to|into|in|under)\b\s*(?:the\s*)?)?$/i.exec(
          before,
        )
      // "… called Thingamajigs" names the item wherever the list word sits.
      const called = /\b(?:called|named)\s+["'“]?([^"'”]+?)["'”]?\s*[.!?]?$/i.exec(a.text)?.[1]?.trim()
      const name = called ?? m?.[1]?.trim()
      if (name && !/^(an? )?(list )?item$/i.test(name)) set('item', name)
      break
    }
    default:
      break
  }
  return out
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
