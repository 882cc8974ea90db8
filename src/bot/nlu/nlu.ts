/**
 * Understanding one utterance against one model's vocabulary: names, periods and numbers first,
 * then the intent (NLP.js over the placeholder text), then the intent's parameters. Pure: no
 * Anaplan calls, no session changes.
 *
 * Understanding is deterministic, so results are kept in a bounded LRU cache keyed by the
 * normalised text and the vocabulary's version; what depends on the vocabulary alone (the name
 * index, the period names) is prepared once per vocabulary object.
 */
import { createHash } from 'node:crypto'
import type { IntentMatch } from '../core/types.ts'
import {
  ENTITY_TYPES,
  INTENT_CATALOG,
  type IntentParameter,
  intentByName,
  parsePhrase,
} from '../intents/index.ts'
import {
  type Classification,
  classify,
  getClassifier,
  MODEL_FILE_FORMAT,
  type TrainingDocument,
  type TrainingSet,
} from './classifier.ts'
import { DEMO_VOCABULARY } from './demo-vocabulary.ts'
import { EntityIndex, type EntityMatch, type NameKind, type PartialSpan, partialMatch } from './entities.ts'
import { LruCache } from './lru.ts'
import { correctPhrasing, cuedIntent, spokenLike } from './phrasing.ts'
import {
  findNumbers,
  findPeriods,
  formatPeriod,
  type NumberMatch,
  type PeriodKey,
  type PeriodMatch,
  periodResolver,
} from './slots.ts'
import { Coverage, GENERAL_KNOWLEDGE_RE, type Token, tokenize, VALUE_SIGN_RE } from './text.ts'
import type { Vocabulary } from './vocabulary.ts'

/** Below this the bot asks instead of acting. */
export const MIN_CONFIDENCE = 0.55

/** A sentence that opens with a connection command. */
const CONNECT_COMMAND_RE = /^\s*(?:please\s+)?(?:connect|conect)(?:\s+me)?\s+to\s+\S/i
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

/** Results kept by {@link Nlu.understand}. @default 2000 */
export const DEFAULT_RESULT_CACHE_SIZE = 2000

/**
 * Below this many variants, every reading of words that may abbreviate names is classified;
 * beyond it the remaining words take their most likely kind only.
 */
const MAX_SHAPE_VARIANTS = 8
/** Weight of "the names fit the intent" against the classifier's confidence, between readings. */
const FIT_BONUS = 0.05

/** A sentence asking for something ("what are …", "how much …"). */
const QUESTION = /^(?:what|what's|whats|how|which|tell me|give me)\b/i
/** Smaller than {@link FIT_BONUS}: it only breaks ties between readings that fit alike. */
const QUESTION_BONUS = 0.01

/** What an NLU needs from a vocabulary, computed once per vocabulary object. */
interface Prepared {
  /** Distinguishes vocabularies in the result cache. */
  version: number
  index: EntityIndex
  period: (key: PeriodKey) => string | undefined
}

const preparedVocabularies = new WeakMap<Vocabulary, Prepared>()
let vocabularyVersions = 0

/**
 * The prepared form of a vocabulary. Vocabularies are treated as immutable: a changed one must be
 * a new object (the metadata cache builds a new one on every load).
 */
function prepare(vocabulary: Vocabulary): Prepared {
  let p = preparedVocabularies.get(vocabulary)
  if (!p) {
    p = {
      version: ++vocabularyVersions,
      index: new EntityIndex(vocabulary),
      period: periodResolver(vocabulary.periods),
    }
    preparedVocabularies.set(vocabulary, p)
  }
  return p
}

const results = new LruCache<string, NluResult>(DEFAULT_RESULT_CACHE_SIZE)
const inflight = new Map<string, Promise<NluResult>>()

/** Hits, misses and size of the shared result cache (for benchmarks and tests). */
export function understandingCacheStats(): { hits: number; misses: number; size: number } {
  return { hits: results.hits, misses: results.misses, size: results.size }
}

/** Empties the shared result cache (benchmarks measure the uncached path with it). */
export function clearUnderstandingCache(): void {
  results.clear()
}

/** The text as the NLU reads it: Unicode NFC, one space between words. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim()
}

/**
 * One NLU per vocabulary. Cheap to construct: the name index is built once per vocabulary
 * object and the classifier once per process.
 */
export class Nlu {
  readonly vocabulary: Vocabulary
  readonly #prepared: Prepared

  constructor(vocabulary: Vocabulary) {
    this.vocabulary = vocabulary
    this.#prepared = prepare(vocabulary)
  }

  /**
   * Finds names (whole, or parts next to a kind word: "the revenue view"), periods and numbers,
   * and the placeholder shape of the sentence. Words that might abbreviate a name on their own
   * ("expenses") are read by {@link understand} and {@link parameters}, which know the intent.
   */
  analyse(text: string): Analysis {
    return analyse(normaliseText(text), this.#prepared, true).analysis
  }

  /**
   * The parameters of `intent` found in `text`, without classifying it: for intents a channel
   * (Dialogflow) has already recognised. Needs no classifier, so it never loads or trains one.
   */
  parameters(intent: string, text: string): Record<string, unknown> {
    const { analysis, partials } = analyse(normaliseText(text), this.#prepared, true)
    if (!partials.length) return extractParameters(intent, analysis)
    // Words that may abbreviate names take the kind this intent asks for.
    const wanted = parameterKinds(intent)
    const kinds = partials.map((p) => [...p.byKind.keys()].find((k) => wanted.has(k)))
    return extractParameters(intent, withPartials(analysis, partials, kinds))
  }

  /** Intent, confidence and parameters of one utterance (cached; the result is the caller's). */
  async understand(text: string): Promise<NluResult> {
    const normalised = normaliseText(text)
    const key = `${this.#prepared.version}\u0000${normalised}`
    let result = results.get(key)
    if (!result) {
      // Concurrent turns saying the same thing share one computation.
      let pending = inflight.get(key)
      if (!pending) {
        pending = this.#understand(normalised)
        inflight.set(key, pending)
        void pending
          .then((r) => results.set(key, r))
          .catch(() => {})
          .finally(() => inflight.delete(key))
      }
      result = await pending
    }
    // Callers may change what they get (parameters become the turn's): the cached one stays intact.
    return structuredClone(result)
  }

  async #understand(text: string): Promise<NluResult> {
    const nlp = await getClassifier(trainingSet())
    const found = analyse(text, this.#prepared, true)
    let analysis = found.analysis
    // Misspelt command words are read as the phrase words they are typos of.
    const read = (shape: string) => classify(nlp, withoutContainer(correctPhrasing(shape)))
    const cue = cuedIntent(withoutContainer(correctPhrasing(analysis.shape)))
    let c: Classification
    if (cue) {
      // A registry cue is a whole-utterance match of high precision: no classifier needed. Words
      // that may abbreviate names take the kind the cued intent asks for ("is the refresh done").
      c = { intent: cue, score: 1, ranking: [] }
      const wanted = parameterKinds(cue)
      // A kind already named in full takes no abbreviation as well: "pro" in "widgets pro needs to
      // go in the product list" is no second list.
      const named = new Set(analysis.entities.map((e) => e.kind as string))
      const single = singleKinds(cue)
      const kinds = found.partials.map((p) =>
        [...p.byKind.keys()].find((k) => wanted.has(k) && !(single.has(k) && named.has(k))),
      )
      if (kinds.some(Boolean)) analysis = withPartials(analysis, found.partials, kinds)
    } else if (found.partials.length) {
      // Each reading of the words that may abbreviate names is classified, and so is the sentence
      // with them as plain words. A reading counts only when its intent takes a name of the kind
      // it gave them, and must be surer than the plain one ("refresh my memory" is no request to
      // run Monthly Refresh); of two readings about as sure, the one whose names fit more wins.
      let best = { analysis, c: await read(analysis.shape), rank: 0 }
      best.rank = best.c.score
      for (const kinds of kindVariants(found.partials)) {
        const a = withPartials(found.analysis, found.partials, kinds)
        const ca = await read(a.shape)
        // Taking words for a name must leave a sentence in the intent's own words.
        if (!spokenLike(ca.intent, correctPhrasing(a.shape), freeWords(ca.intent, a), true)) continue
        const wanted = parameterKinds(ca.intent)
        const fit = kinds.filter((k) => wanted.has(k)).length / kinds.length
        // Between readings about as sure, a question reads figures ("what are the expenses …").
        const question = ca.intent === 'read_cell' && QUESTION.test(text) ? QUESTION_BONUS : 0
        const rank = ca.score + FIT_BONUS * fit + question
        if (fit > 0 && rank > best.rank) best = { analysis: a, c: ca, rank }
      }
      analysis = best.analysis
      c = best.c
    } else {
      c = await read(analysis.shape)
    }
    let name = c.intent
    let confidence = c.score
    // "connect to <name>" is a connection whatever the name's words resemble (an unknown model
    // whose words fuzzy-match an item must not become a page change or a follow-up).
    const forcedConnect = CONNECT_COMMAND_RE.test(text) && name !== 'connect_model'
    if (forcedConnect) {
      name = 'connect_model'
      confidence = Math.max(confidence, 0.9)
    }
    // "can you disconnect me from sales forecast": the model named is the one to leave.
    if (name === 'connect_model' && DISCONNECT_RE.test(text)) name = 'disconnect'
    // Leaving takes words of leaving: "the $ figure" classified as a disconnect is no request.
    // "when will we hit 1m revenue", "will we reach 500 units": asked, never a value to write.
    if (name === 'write_cell' && !cue && (ASKED_WHEN_RE.test(text) || ASKED_IF_RE.test(text))) {
      name = 'fallback'
      confidence = 0
    }
    // "when do we close the books": asked when something happens, not told to leave.
    if (name === 'disconnect' && !cue && (!LEAVING_RE.test(text) || ASKED_WHEN_RE.test(text))) {
      name = 'fallback'
      confidence = 0
    }
    // "open headcount by department in workforce plan": a view named with the model it is in is
    // the view, shown there (connecting says so).
    if (
      name === 'connect_model' &&
      !forcedConnect &&
      analysis.entities.some((e) => e.kind === 'view') &&
      analysis.entities.some((e) => e.kind === 'model')
    ) {
      name = 'show_view'
      confidence = Math.max(confidence, 0.9)
    }
    // An utterance that is nothing but a period, number or punctuation carries no intent, nor
    // does a sum on numbers alone, nor general knowledge asked with no measure named.
    if (
      (!cue && !/[a-z]/i.test(analysis.shape.replace(/zz\w+/g, '')) && analysis.entities.length === 0) ||
      ARITHMETIC_RE.test(text) ||
      (!cue &&
        GENERAL_KNOWLEDGE_RE.test(text) &&
        !analysis.entities.some((e) => e.kind === 'lineItem' && e.score === 1))
    ) {
      name = 'fallback'
      confidence = 0
    } else if (!cue && name !== 'fallback' && namesNothing(analysis, name)) {
      // A sentence that names nothing in the model must be said in the intent's own words: the
      // weather or a recipe classified as a request is not one.
      const free = freeWords(name, analysis)
      if (!spokenLike(name, correctPhrasing(analysis.shape), free, false, confidence)) {
        name = 'fallback'
        confidence = 0
      }
    }
    // "bring up revenue by region with gizmos and actual": a page change that names a saved view
    // in full is that view shown with those pages.
    if (name === 'set_page' && analysis.entities.some((e) => e.kind === 'view' && !e.partial)) {
      name = 'show_view'
      confidence = Math.max(confidence, 0.9)
    }
    // "update hc latam jan 26 budget = 12": a line item and a value given it is a change of a
    // cell, whatever page words are in it; no page change takes a number.
    if (
      name === 'set_page' &&
      (VALUE_SIGN_RE.test(text) ||
        (TO_VALUE_RE.test(text) && analysis.entities.some((e) => e.kind === 'lineItem' && !e.partial)))
    ) {
      name = 'write_cell'
      confidence = Math.max(confidence, 0.9)
    }
    // "list all products": the list's items, not a page change to its total ("All Products").
    let listed: string | undefined
    if (name === 'set_page' && LIST_VERB_RE.test(correctPhrasing(text))) {
      const total = pageItem(analysis)
      if (total?.kind === 'listItem' && total.dimension && /^(?:all|total)\s/i.test(total.value)) {
        name = 'list_items'
        listed = total.dimension
      }
    }
    const alternatives = c.ranking
      .filter((r) => r.intent !== name && !forcedConnect)
      .slice(0, 3)
      .map((r) => ({ name: r.intent, confidence: round(r.score) }))
    const parameters = listed ? { list: listed } : extractParameters(name, analysis)
    const result: NluResult = {
      intent: { name, confidence: round(confidence) },
      parameters,
      alternatives,
      analysis,
    }
    const amb = analysis.entities.find((e) => e.alternatives.length > 0)
    if (amb) {
      const self = {
        kind: amb.kind,
        value: amb.value,
        ...(amb.dimension ? { dimension: amb.dimension } : {}),
      }
      // An ambiguous part of a name is no name itself: only its candidates are options.
      result.ambiguity = {
        text: amb.text,
        options: amb.partial ? amb.alternatives : [self, ...amb.alternatives],
      }
    }
    return result
  }
}

/**
 * "show all actions in this model", "what views are in the model": the connected model is where
 * the things asked for are, not what is asked about (no listing of models). The words go when
 * something is left to ask.
 */
const CONTAINER_RE =
  /\s+(?:(?:are|is)\s+)?(?:in|within|inside|of)\s+(?:this|the|my|our|current|that)\s+model\b/g

function withoutContainer(shape: string): string {
  const rest = shape.replace(CONTAINER_RE, '')
  return rest !== shape && rest.trim().split(/\s+/).length >= 2 ? rest : shape
}

/**
 * Sums on numbers alone ("what is 17 times 23", "whats 12% of 80", "calc 3+4"): arithmetic, no
 * question about the model, whatever command the classifier took it for.
 */
const ARITHMETIC_RE =
  /^\s*(?:(?:hey|ok|so|quick q|quick one)[\s,]+)?(?:(?:what(?:'s|s| is)|how much is|calc(?:ulate)?|compute|work out|can you (?:calc(?:ulate)?|work out|compute|tell me))\s+)?-?[\d.,]+\s*(?:times|x|\*|×|plus|\+|minus|-|divided\s+by|over|\/|percent\s+of|%\s*of|to\s+the\s+power\s+of|\^)\s*-?[\d.,]+\s*(?:please|pls)?\s*[?!.]*\s*$/i

/** A value given at the end in words: "… to 140". */
const TO_VALUE_RE = /\bto\s*-?[\d.,]*\d\s*[km%]?\s*$/i

/**
 * A listing asked in its own verb ("list all products", or "show me all the products" and nothing
 * more), which no page change of a view takes.
 */
const LIST_VERB_RE =
  /^\s*(?:(?:pls|please|can\s+(?:you|u)|could\s+(?:you|u)|just)\s+)*(?:list\b|(?:show|give)(?:\s+me)?\s+(?:all|every)(?:\s+(?:of\s+)?the)?(?:\s+[\w&-]+){1,2}\s*(?:pls|please)?[\s?.!]*$)/i

/** Any word of leaving or being done: without one, nothing is disconnected. */
const LEAVING_RE =
  /\b(?:disconnect\w*|log\s*(?:me\s+)?(?:out|off)|sign\s*(?:me\s+)?(?:out|off)|close|closing|leave|leaving|exit|quit|drop|end|bye|goodbye|unplug|detach|done|finished|through|switch\s+off|disengage|stop|get\s+(?:me\s+)?out)\b/i

/** A question about when, why or where something happens. */
const ASKED_WHEN_RE =
  /^\s*(?:(?:so|and|but|btw|ok|okay|hey|hi|also|quick\s+q(?:uestion)?|any\s+idea|do\s+you\s+know)[\s,]+)*(?:when|why|where|what\s+time)\b/i

/** A yes-or-no question about what happens ("will we hit …", "are we at …", "did it reach …"). */
const ASKED_IF_RE =
  /^\s*(?:(?:so|and|but|btw|ok|okay|hey|hi|also|quick\s+q(?:uestion)?)[\s,]+)*(?:will|are|did|do|does|is|was|were|have|has|had)\s+(?:we|they|it|our|us)\b/i

/** Words of leaving a model, which a model's name next to them does not turn into connecting. */
const DISCONNECT_RE =
  /\b(?:disconnect\w*|log\s*(?:me\s+)?(?:out|off)|sign\s*(?:me\s+)?(?:out|off)|unplug|detach|get\s+(?:me\s+)?out\s+of|leave|exit|quit|close)\b/i

/**
 * No name, period or number was found. For a write, a number alone names nothing: a value needs
 * a cell to go in ("my vpn drops every 10 mins" writes nowhere).
 */
function namesNothing(a: Analysis, intent = ''): boolean {
  return !a.entities.length && !a.periods.length && (intent === 'write_cell' || !a.numbers.length)
}

/** Folded words of the values typed for parameters the model may not know (a new item's name). */
function freeWords(intent: string, a: Analysis): Set<string> {
  const params = extractParameters(intent, a)
  const free = new Set<string>()
  for (const p of intentByName(intent)?.parameters ?? []) {
    const v = params[p.name]
    if (typeof v === 'string' && (p.entity === 'any' || p.typedAfter))
      for (const t of tokenize(v)) free.add(t.norm)
  }
  return free
}

/** Kinds of names an intent takes one of (no parameter of that kind takes a list). */
function singleKinds(intent: string): Set<string> {
  const params = intentByName(intent)?.parameters ?? []
  const many = new Set(params.filter((p) => p.isList).map((p) => p.entity as string))
  return new Set(params.map((p) => p.entity as string).filter((k) => !many.has(k)))
}

/** Kinds of names an intent takes as parameters. */
function parameterKinds(intent: string): Set<string> {
  return new Set(intentByName(intent)?.parameters.map((p) => p.entity as string))
}

/** Every combination of kinds for the partial spans, most likely first, at most {@link MAX_SHAPE_VARIANTS}. */
function kindVariants(partials: readonly PartialSpan[]): NameKind[][] {
  let variants: NameKind[][] = [[]]
  for (const p of partials) {
    const kinds = [...p.byKind.keys()]
    const next: NameKind[][] = []
    for (const v of variants) {
      const choices = variants.length * kinds.length <= MAX_SHAPE_VARIANTS ? kinds : kinds.slice(0, 1)
      for (const k of choices) next.push([...v, k])
    }
    variants = next
  }
  return variants
}

/** The analysis with each partial span read as a name of the given kind (undefined: not a name). */
function withPartials(
  a: Analysis,
  partials: readonly PartialSpan[],
  kinds: readonly (NameKind | undefined)[],
): Analysis {
  const added: EntityMatch[] = []
  partials.forEach((p, i) => {
    const kind = kinds[i]
    const options = kind && p.byKind.get(kind)
    if (!kind || !options) return
    const { rank: _r, ...m } = partialMatch(a.text, [p], options, kind)
    added.push(m)
  })
  if (!added.length) return a
  const entities = [...a.entities, ...added].sort((x, y) => x.start - y.start)
  return { ...a, entities, shape: shapeOf(a.text, a.periods, entities, a.numbers) }
}

/**
 * Placeholder shape of a training phrase, using the demo model's names. Whole names only: the
 * phrases spell names out, and reading parts of names here would change what the shipped model
 * was trained on.
 */
function trainingShape(text: string): string {
  return analyse(text, prepare(DEMO_VOCABULARY), false).analysis.shape
}

let intentWords: Set<string> | undefined

/**
 * Folded words the training phrases use around names ("show", "start", "load"): they carry
 * intent, so on their own they are never read as part of a name.
 */
function wordsOfIntents(): Set<string> {
  if (intentWords) return intentWords
  intentWords = new Set(
    INTENT_CATALOG.flatMap((intent) =>
      intent.phrases.flatMap((phrase) =>
        parsePhrase(intent, phrase)
          .filter((part) => !part.entity)
          .flatMap((part) => tokenize(part.text).map((t) => t.norm)),
      ),
    ),
  )
  return intentWords
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

function analyse(
  text: string,
  prepared: Prepared,
  partial: boolean,
): { analysis: Analysis; partials: PartialSpan[] } {
  const periods = findPeriods(text).map((p) => ({
    ...p,
    name: prepared.period(p.key) ?? formatPeriod(p.key),
  }))
  const entities = prepared.index.find(text, periods, { partial })
  const taken = [...periods, ...entities]
  const covered = new Coverage(text.length, taken)
  // "Budget 2024", "Q3 FY26": digits inside a name or period are not values.
  const numbers = findNumbers(text).filter((n) => !covered.overlaps(n))
  // A misspelt word of an action's type ("show me the exprots") is that type, no part of a name.
  const partials = partial
    ? prepared.index.partials(text, [...taken, ...numbers], wordsOfIntents()).filter((p) => !typeTypo(p.text))
    : []
  return {
    analysis: { text, entities, periods, numbers, shape: shapeOf(text, periods, entities, numbers) },
    partials,
  }
}

/** The text with names, periods and numbers replaced by their placeholders. */
function shapeOf(
  text: string,
  periods: readonly { start: number; end: number }[],
  entities: readonly EntityMatch[],
  numbers: readonly NumberMatch[],
): string {
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
  return shape.replace(/\s+/g, ' ').trim()
}

/** Words that name a kind of action, from the registry's `actionType` entity (its one owner). */
const ACTION_TYPE_WORDS: [RegExp, string][] = (
  ENTITY_TYPES.find((e) => e.name === 'actionType')?.values ?? []
).map((v) => [
  new RegExp(
    String.raw`\b(?:${[...v.synonyms]
      .sort((a, b) => b.length - a.length)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|')})\b`,
    'i',
  ),
  v.value,
])

/** A word that is a typo of an action type's word ("exprots", "imprts"). */
function typeTypo(text: string): boolean {
  const fixed = correctPhrasing(text)
  return fixed.toLowerCase() !== text.toLowerCase() && actionTypeOf(fixed) !== undefined
}

/** The action type named by a word in the text ("imports" → import). */
export function actionTypeOf(text: string): string | undefined {
  return ACTION_TYPE_WORDS.find(([re]) => re.test(text))?.[1]
}

/** The first name of a kind, one named in full before a part of one ("total revenue" is Revenue). */
function first(a: Analysis, kind: NameKind): EntityMatch | undefined {
  return a.entities.find((e) => e.kind === kind && !e.partial) ?? a.entities.find((e) => e.kind === kind)
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

/**
 * Reads the intent's parameters from the analysis, as its registry row describes them. Only
 * parameters found are present.
 */
export function extractParameters(intent: string, a: Analysis): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const row = intentByName(intent)
  for (const param of row?.parameters ?? []) {
    const v = extractOne(param, row?.parameters ?? [], a)
    if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[param.name] = v
  }
  return out
}

const HEX_ID = /\b[0-9A-F]{32}\b/i

/** The first list item or version, the coordinates a page can take. */
function pageItem(a: Analysis): EntityMatch | undefined {
  return a.entities.find((e) => e.kind === 'listItem' || e.kind === 'version')
}

function extractOne(param: IntentParameter, all: readonly IntentParameter[], a: Analysis): unknown {
  if (param.extract === 'pages') {
    const pages: Record<string, string> = {}
    for (const e of a.entities)
      if ((e.kind === 'listItem' || e.kind === 'version') && e.dimension) pages[e.dimension] = e.value
    return Object.keys(pages).length ? pages : undefined
  }
  if (param.extract === 'pageItem') return pageItem(a)?.value
  const typed = () => (param.typedAfter ? remainder(a, param.typedAfter) : undefined)
  switch (param.entity) {
    case 'listItem':
      return param.isList
        ? [...new Set(a.entities.filter((e) => e.kind === 'listItem').map((e) => e.value))]
        : first(a, 'listItem')?.value
    case 'period':
      return a.periods[0]?.name
    case 'number': {
      const after = a.numbers.find((n) => /\b(to|=|as|at|be)\s*$/i.test(a.text.slice(0, n.start)))
      return (after ?? a.numbers[a.numbers.length - 1])?.value
    }
    case 'actionType': {
      // The named action's own type, else a type word outside its name ("the Load Actuals import").
      const action = all.some((p) => p.entity === 'action') ? first(a, 'action') : undefined
      // A misspelt type word is read as the word it is a typo of ("list the imprts").
      const rest = a.text.replace(action?.text ?? '\u0000', '')
      return action?.actionType ?? actionTypeOf(rest) ?? actionTypeOf(correctPhrasing(rest))
    }
    case 'dimension': {
      const item = all.some((p) => p.extract === 'pageItem') ? pageItem(a) : undefined
      return (first(a, 'dimension') ?? first(a, 'list'))?.value ?? item?.dimension
    }
    case 'model':
      return first(a, 'model')?.value ?? HEX_ID.exec(a.text)?.[0] ?? typed()
    case 'any':
      return properName(newItemName(a))
    default:
      return first(a, param.entity)?.value ?? typed()
  }
}

/** Verbs that introduce a new item ("add Benelux", "put Oceania in"). */
const ADD_VERB =
  /\b(?:add|insert|put|append|create|include|register|enter|introduce|set\s+up|new item|new entry)\s+(.*)$/i
/** "Nordics needs to be added to Regions" */
const PASSIVE_ADD =
  /^(?:please\s+)?(.+?)\s+(?:(?:needs?|has|have|is|are|ought) to |should |must |can |could |will )?be\s+(?:added|created|inserted|included|put|entered)\b/i
/** "Widgets Pro needs to go in the product list" */
const GOES_IN =
  /^(?:please\s+)?(.+?)\s+(?:(?:needs?|has|have|ought|is going) to |should |must |will |can )go\s+(?:in|into|on|onto)\b/i
const LEADING_FILLER = /^(?:(?:a|an|the|new|another|item|entry|list|called|named|for|to|in|into)\s+)+/i
const TRAILING_FILLER =
  /(?:\s+(?:to|into|in|under|on|as|a|an|the|new|another|extra|our|my|list|item|entry|too|also|please|pls|then|added|created|included|inserted|put\s+in|now))+\s*$/i
const PRONOUN = /^(?:that|this|it|them|those|these|one|that one|this one)$/i

/**
 * The name of a new list item, as typed: "add Doohickeys to Products", "… called Thingamajigs",
 * "put Benelux in as a new region", "Nordics needs to be added", and "we now sell Brackets, add
 * that product" (a pronoun stands for the capitalised word the user introduced before it).
 */
/**
 * A new item's name typed all in lower case, as chat is ("add benelux"), capitalised as list items
 * are named ("Benelux"); any other casing is the user's own and kept. The confirmation shows it.
 */
function properName(name: string | undefined): string | undefined {
  if (!name || !/^[\p{Ll}\s'-]+$/u.test(name)) return name
  return name.replace(/(^|[\s-])(\p{Ll})/gu, (_, sep: string, c: string) => sep + c.toUpperCase())
}

function newItemName(a: Analysis): string | undefined {
  const list = first(a, 'list')
  // "we need a Retail channel added": the name before the list word, added.
  if (list && /^s?\s+(?:added|created|included|put in)\b/i.test(a.text.slice(list.end))) {
    const wanted = /\b(?:need|needs|want|wants|like|get|have)\s+(.+)$/i.exec(a.text.slice(0, list.start))?.[1]
    const name = clean(wanted)
    if (name && !PRONOUN.test(name)) return name
  }
  // "i need Marketplace added under channels": the name before "added", the list after it.
  if (list) {
    const wanted = ADDED_TO_RE.exec(a.text.slice(0, list.start))?.[1]
    const name = clean(wanted)
    if (name && !PRONOUN.test(name)) return name
  }
  // "… called Thingamajigs", "…, call it Cogs" names the item wherever the list word sits.
  const called = /\b(?:called|named|call\s+it|name\s+it)\s+["'“]?([^"'”]+?)["'”]?\s*[.!?]?$/i.exec(
    a.text,
  )?.[1]
  const head = list ? a.text.slice(0, list.start) : a.text
  const passive = PASSIVE_ADD.exec(head)?.[1] ?? GOES_IN.exec(head)?.[1]
  const before = list ? a.text.slice(0, list.start) : a.text
  const verb = ADD_VERB.exec(before)
  // "we're launching widgets pro next month so it needs to go in": the name the clause before the
  // pronoun brought in.
  const subject = passive && SUBJECT_PRONOUN_RE.test(passive) ? broughtIn(passive) : passive
  const name = clean(called ?? subject ?? verb?.[1])
  if (name && !PRONOUN.test(name) && !/^(an? )?(list )?item$/i.test(name)) return name
  // The name after the list word: "add region DACH", "create product Bolts", "new product: Flanges".
  const after = list && (verb || NEW_LEAD.test(before)) ? afterList(a, list.end) : undefined
  if (after) return after
  if (!verb && !passive) return undefined
  return introduced(a, verb ? verb.index : a.text.length)
}

/** "need Marketplace added under", "want Oceania put in": the name, then where it goes. */
const ADDED_TO_RE =
  /\b(?:need|needs|want|wants|like|get|have)\s+(.+?)\s+(?:added|created|included|put|inserted)\s+(?:to|under|in|into|on|onto)\s+(?:the\s+|our\s+)?$/i

/** A subject that ends in a pronoun after a clause: "… so it", "…, and they". */
const SUBJECT_PRONOUN_RE = /(?:^|\s|,)(?:so|and|but|then|now)?\s*(?:it|they|that|this|them)$/i
/** What a sentence brings in: "we're launching Widgets Pro next month", "we now sell Brackets". */
const BROUGHT_IN_RE =
  /\b(?:launch(?:ing|ed)?|sell(?:ing)?|introduc(?:e|ing|ed)|releas(?:e|ing|ed)|roll(?:ing)?\s+out|open(?:ing|ed)?|start(?:ing)?\s+(?:selling|offering)|offer(?:ing)?|acquir(?:e|ing|ed)|bought|got)\s+(?:a\s+|an\s+|the\s+|our\s+|new\s+)*(.+?)(?=\s+(?:next|this|in|on|from|at|soon|today|tomorrow|so|and|as|because)\b|\s*[,;.]|$)/i

function broughtIn(clause: string): string | undefined {
  return BROUGHT_IN_RE.exec(clause)?.[1]
}

/** "new product: Flanges", "a new region, Caribbean" */
const NEW_LEAD = /^\s*(?:(?:please|pls)\s+)?(?:an?\s+)?new\s*$/i

/** What follows the list word, when it is a name the model does not have yet. */
function afterList(a: Analysis, from: number): string | undefined {
  const rest = a.text
    .slice(from)
    .replace(/^[\s,:;–—-]+/, '')
    .replace(/^(?:(?:called|named|item|entry|of|for)\s+)+/i, '')
  const name = clean(rest.split(/\s+(?:to|into|please|pls|thanks|now)\b|[,;]/i)[0])
  if (!name || PRONOUN.test(name) || name.split(/\s+/).length > 4) return undefined
  // A name the model already knows is no new item ("add region EMEA" stays unresolved).
  if (a.entities.some((e) => e.start >= from && e.kind !== 'list')) return undefined
  return name
}

function clean(typed: string | undefined): string | undefined {
  const name = typed
    ?.replace(/[?.!,;:]+$/, '')
    .replace(LEADING_FILLER, '')
    .replace(TRAILING_FILLER, '')
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .trim()
  return name || undefined
}

/** The last run of capitalised words before `end` that is no name the model knows ("Brackets"). */
function introduced(a: Analysis, end: number): string | undefined {
  const tokens = tokenize(a.text.slice(0, end))
  let run: Token[] = []
  let best: Token[] = []
  tokens.forEach((t, i) => {
    const known = a.entities.some((e) => t.start < e.end && t.end > e.start)
    const fresh = i > 0 && /^\p{Lu}/u.test(t.raw) && t.raw !== 'I' && !known
    if (fresh && run.length && /^[\s-]*$/.test(a.text.slice((run[run.length - 1] as Token).end, t.start)))
      run.push(t)
    else run = fresh ? [t] : []
    if (run.length) best = run
  })
  if (!best.length) return undefined
  return a.text.slice((best[0] as Token).start, (best[best.length - 1] as Token).end)
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
