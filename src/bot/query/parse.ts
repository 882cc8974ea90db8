/**
 * Text + catalog (+ the session's focus) → a typed `Question`, an ask-back with choices, or "not a
 * question" for the classifier. Deterministic; no figure is computed here. Unknown names are kept
 * in `unresolved` for the guard to name back.
 */
import type { CatalogLineItem, ModelCatalog } from '../../anaplan/catalog.ts'
import { LruCache } from '../nlu/lru.ts'
import { GENERAL_KNOWLEDGE_RE } from '../nlu/text.ts'
import { applyFollowUp } from './follow-up.ts'
import { listChain, nearNames } from './names.ts'
import { defaultYear, yearsOf } from './periods.ts'
import type { DimensionRef, Measure, Question, Selector, Shape } from './question.ts'
import { type Reading, readText, TIME_ID, TIME_REF, VERSIONS_ID, VERSIONS_REF } from './read.ts'

export type Parsed =
  /**
   * Not a question about the numbers; `offTopic` when no word of it names anything in the model,
   * `everyday` when it is a question about everyday life (the weather, lunch, the time in Tokyo),
   * `aside` when its subject is everyday life or general knowledge, asked or told.
   */
  | { kind: 'none'; offTopic?: boolean; everyday?: boolean; aside?: boolean }
  | { kind: 'question'; question: Question; followUp: boolean; strong: boolean }
  | {
      kind: 'ask'
      prompt: string
      options: { label: string; question: Question }[]
      strong: boolean
      /**
       * What was asked about with the unclear part at its default (the plan left out), for the
       * next words to edit ("actual vs budget" after "which plan?"). Never answered as it is.
       */
      focus?: Question
    }

/** Words after an unknown name that are not part of it ("marketing for emea"). */
const STOP_AFTER = new Set(['for', 'in', 'of', 'at', 'by', 'and', 'or', 'vs', 'to', 'from', 'on', 'per'])
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Commands that change or navigate: never read as a question. */
const COMMAND_RE =
  /^(?:please\s+)?(?:set|change|update|put(?![^.?!]*\bside\s+by\s+side\b)|write|enter|make\s+\w+\s+(?:=|equal)|increase|decrease|raise|lower|add|insert|create|delete|remove|run|execute|start|launch|trigger|cancel|abort|stop|connect|disconnect|log\s*(?:out|off)|sign\s*(?:out|off)|switch|export|import|upload|download)\b/i

export function measureOf(li: CatalogLineItem): Measure {
  return { lineItemId: li.id, lineItem: li.name, moduleId: li.moduleId, module: li.moduleName }
}

/**
 * Asking for an amount without saying of what ("how many in apac", "total for q4", "the numbers
 * for widgets"). After an answer this is a new question, not a follow-up: it is asked back, the
 * last measure first. With a view on screen it is about the view ("what's the total?").
 */
const AMOUNT_RE =
  /\bhow\s+(?:many|much)\b|\btotals?\b|\b(?:the|our|any|my)\s+(?:[\w-]+\s+){0,2}(?:numbers?|figures?|amounts?|stats|metrics)\b|\b(?:numbers?|figures?|stats|metrics)\s+(?:for|on|of|in)\b|\bhow\s+(?:are|did|do|is|were)\s+(?:we|things|it)\s+(?:doing|going|looking|perform\w*|tracking|trending|faring|shaping\s+up|do)\b/i

/** "how are we doing", "how are things tracking": how the plan goes, on no figure said. */
const DOING_RE =
  /\bhow\s+(?:are|r|were|is)\s+(?:we|things|business|the\s+numbers)\s+(?:doing|going|looking|perform\w*|tracking|trending|faring|shaping\s+up)\b/i

export interface ParseOptions {
  /** The focus is the view on screen (not the last answer). */
  focusOnScreen?: boolean
  /** The question answered before the focus ("the gap between those two"). */
  prior?: Question
  /** The questions the last reply offered as choices ("the $ one" picks the money one). */
  offered?: readonly Question[]
  /** The focus is the choice the words answer: they edit it, whatever else they ask. */
  answering?: boolean
}

/** Words of money, of a percentage, and of a plain count, for telling offered measures apart. */
const MONEY_RE =
  /[$€£¥]|\b(?:dollars?|usd|eur|euros?|gbp|pounds?|money|monetary|currency|cash|revenue\s+terms|in\s+value)\b/i
const PERCENT_UNIT_RE = /%|\b(?:percent(?:age)?|pct|ratio|rate)\b/i
const COUNT_UNIT_RE = /\b(?:count|volume|quantity|qty|how\s+many|number\s+of|#)\b/i

/**
 * The one offered question whose measure is counted as the words say: "the $ number" of Revenue
 * or Units is Revenue (its units are currency); "the volume one" is Units.
 */
function offeredByUnits(
  text: string,
  offered: readonly Question[],
  catalog: ModelCatalog,
): Question | undefined {
  const want = MONEY_RE.test(text)
    ? 'currency'
    : PERCENT_UNIT_RE.test(text)
      ? 'percentage'
      : COUNT_UNIT_RE.test(text)
        ? 'none'
        : undefined
  if (!want || text.trim().split(/\s+/).length > 6) return undefined
  const fits = offered.filter((q) => {
    if (q.measures.length !== 1) return false
    const li = catalog.lineItems.find((x) => x.id === q.measures[0]?.lineItemId)
    return li && li.format.toUpperCase() === 'NUMBER' && (li.units ?? 'none') === want
  })
  // Only a choice between measures: every option one measure, on the same slice.
  const measuresOnly = offered.every(
    (q) => q.measures.length === 1 && JSON.stringify(q.slice) === JSON.stringify(offered[0]?.slice),
  )
  return measuresOnly && fits.length === 1 ? fits[0] : undefined
}

/** The one offered measure the words name, when the choice was only between measures. */
function offeredByMeasure(
  text: string,
  offered: readonly Question[],
  catalog: ModelCatalog,
): Question | undefined {
  const sameSlice = offered.every(
    (q) => q.measures.length === 1 && JSON.stringify(q.slice) === JSON.stringify(offered[0]?.slice),
  )
  if (!sameSlice) return undefined
  const r = readText(text.trim(), catalog)
  // A question of its own ("smallest month for units in GIZ") names its own slice or shape.
  if (r.measures.length !== 1 || r.items.length || r.periods.points.length || r.cues.ranking || r.dims.length)
    return undefined
  const id = r.measures[0]?.id
  const fits = offered.filter((q) => q.measures[0]?.lineItemId === id)
  return fits.length === 1 ? fits[0] : undefined
}

export function parseQuestion(
  text: string,
  catalog: ModelCatalog,
  lastFocus?: Question,
  options: ParseOptions = {},
): Parsed {
  // A parse depends only on its inputs: the same words on the same focus, as when a turn is
  // repeated or many users ask alike, are read once per catalog (the result is the caller's).
  let cache = parsed.get(catalog)
  if (!cache) {
    cache = new LruCache<string, Parsed>(PARSE_CACHE_SIZE)
    parsed.set(catalog, cache)
  }
  const key = `${text}\u0000${lastFocus ? JSON.stringify(lastFocus) : ''}\u0000${JSON.stringify(options)}`
  const hit = cache.get(key)
  if (hit) return structuredClone(hit)
  const result = parse(text, catalog, lastFocus, options)
  cache.set(key, structuredClone(result))
  return result
}

const PARSE_CACHE_SIZE = 500
/** Per catalog: a new catalog (its TTL over) reads everything anew. */
const parsed = new WeakMap<ModelCatalog, LruCache<string, Parsed>>()

function parse(
  text: string,
  catalog: ModelCatalog,
  lastFocus: Question | undefined,
  options: ParseOptions,
): Parsed {
  const picked = options.offered?.length ? offeredByUnits(text, options.offered, catalog) : undefined
  if (picked) return { kind: 'question', question: picked, followUp: true, strong: true }
  // "hc", "salary cost, actual vs budget" to "Which measure do you mean?": the offered question of
  // that measure, edited by the rest of the words.
  const chosen = options.offered?.length ? offeredByMeasure(text, options.offered, catalog) : undefined
  if (chosen) return parse(text, catalog, chosen, { answering: true })
  // "different question - who are the top products": a new question, nothing carried over.
  const focus = NEW_TOPIC_RE.test(text) ? undefined : lastFocus
  // "q1 -> q2": an arrow is "to". "what about hc, same months": the same periods, no months.
  // The words that say so are no part of the question ("ok real q: …" names no Actual).
  const trimmed = text
    .trim()
    .replace(NEW_TOPIC_RE, ' ')
    .trim()
    .replace(/\s*(?:-+>|→|=>)\s*/g, ' to ')
    .replace(
      /\b(?:the\s+)?same\s+(?:months?|quarters?|periods?|dates?|timeframe|time\s+frame|time|years?)\b/gi,
      'same',
    )
  // "remove emea" with a ranking on screen takes EMEA out of it (the bot deletes no list items).
  const removal =
    /^(?:please\s+)?(?:remove|delete)\b/i.test(trimmed) &&
    ['breakdown', 'ranking', 'compare', 'share'].includes(focus?.shape.kind ?? '')
  if (!trimmed || (COMMAND_RE.test(trimmed) && !removal)) return { kind: 'none' }
  // The last answer's one period, for "and the previous quarter?".
  const focusTime = focus?.slice[TIME_ID]
  const anchorId =
    focusTime?.kind === 'items' && focusTime.items.length === 1 ? focusTime.items[0]?.id : undefined
  const anchor = anchorId ? catalog.periods.find((p) => p.id === anchorId) : undefined
  const r = readText(trimmed, catalog, anchor ? { anchor } : {})
  if (removal && !r.excluded) return { kind: 'none' }
  // "can u also book my flight to the emea offsite": an errand, whatever place it names; "also
  // whats the weather in london tmrw": everyday life, whatever the last question was.
  if (!r.measures.length && !r.measureChoices && ERRAND_RE.test(r.lc)) return { kind: 'none', offTopic: true }
  if (
    !r.measures.length &&
    !r.measureChoices &&
    ((EVERYDAY_RE.test(r.lc) && r.items.every((i) => i.typo)) || GENERAL_KNOWLEDGE_RE.test(r.lc))
  ) {
    const asked = r.cues.asking || GENERAL_KNOWLEDGE_RE.test(r.lc)
    return { kind: 'none', offTopic: true, aside: true, ...(asked ? { everyday: true } : {}) }
  }
  // "which model is open right now": "right now" alone, with nothing to edit, asks no figure.
  if (
    !focus &&
    !r.measures.length &&
    !r.measureChoices &&
    !r.items.length &&
    !r.versions.length &&
    !r.dims.length &&
    r.periods.points.length <= 1 &&
    /\b(?:right\s+now|at\s+the\s+moment|atm|rn|at\s+present|presently|as\s+of\s+(?:now|today)|as\s+we\s+speak)\b/.test(
      r.lc,
    ) &&
    !/\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q[1-4]|fy|h[12])/.test(r.lc)
  )
    return { kind: 'none' }
  // "any idea when payroll runs": the time of an event, which no cell holds; "when did revenue
  // peak" ranks the months instead, and a date line item answers "when" itself.
  const c0 = r.cues
  if (
    c0.when &&
    !c0.ranking &&
    !c0.explain &&
    !c0.compare &&
    !c0.trend &&
    !r.measures.some((li) => /DATE|TIME/.test(li.format.toUpperCase()))
  )
    return { kind: 'none', offTopic: true }
  // "gross margin" with no such line item: named back as the one name it is, not 'margin' and
  // 'gross' apart; "attrition rate" with its word of measuring.
  r.unresolved = mergedMisses(r)
  // "whats the Attrition rate for marketing": an unknown word before a word of measuring is the
  // measure asked for, named back as one.
  if (!r.measures.length && !r.measureChoices)
    r.unresolved = r.unresolved.map((u) => {
      const after = new RegExp(
        `\\b${escapeRe(u.text.toLowerCase())}\\s+(rates?|ratios?|counts?|levels?|scores?|index|percentages?|pct|%)(?=\\W|$)`,
      ).exec(r.lc)?.[1]
      return u.expected === 'item' && after ? { text: `${u.text} ${after}`, expected: 'measure' as const } : u
    })
  const c = r.cues
  const shapeCue =
    c.explain || c.compare || c.share || c.trend || Boolean(c.ranking) || r.dims.some((d) => d.afterBy)
  const coordinates = r.items.length > 0 || r.versions.length > 0 || r.periods.points.length > 0
  const strong = r.measures.length > 0 || Boolean(r.measureChoices) || shapeCue
  const unresolvedOnly = !r.named && !r.measureChoices && !r.dims.length && !r.periods.perLevel
  // Nothing of the model named, and nothing to edit: not a question about the numbers.
  // "break it down" with no figure before it: which figure, asked back (never a guess).
  // "how are we tracking?" with nothing asked before: on which figure, asked back.
  if (unresolvedOnly && !focus && !r.unresolved.length && DOING_RE.test(r.lc)) {
    const asked = noMeasure(r, catalog, true, undefined, true)
    if (asked.kind === 'ask') return asked
  }
  if (unresolvedOnly && !focus && !r.unresolved.length && BREAK_WORD_RE.test(r.lc)) {
    const options = catalog.lineItems
      .filter((li) => li.format.toUpperCase() === 'NUMBER')
      .slice(0, 8)
      .map((li) => ({
        label: li.name,
        question: {
          ...build({ ...r, measures: [li] }, catalog, undefined).question,
          shape: { kind: 'value' as const },
        },
      }))
    if (options.length)
      return {
        kind: 'ask',
        prompt: 'Break down which figure? Pick one, then say by what (for example "by region").',
        options,
        strong: true,
      }
  }
  // "whats our churn": a figure of ours asked for by a name the model lacks, named back as the
  // measure (a short question with one unknown name and a word of the business's own).
  if (
    unresolvedOnly &&
    c.asking &&
    r.unresolved.length === 1 &&
    r.unresolved[0]?.expected === 'measure' &&
    OURS_RE.test(r.lc) &&
    r.lc.trim().split(/\s+/).length <= 6
  )
    return namedBack(r, catalog)
  if (
    unresolvedOnly &&
    !(
      focus &&
      (c.followUp || c.presentation || c.ranking || c.total || c.trend || c.compare || c.explain || c.share)
    )
  )
    return { kind: 'none', offTopic: r.unresolved.length > 0 }
  // "how do i reset my outlook password": an everyday word for a version, and nothing else of the
  // model, is no question about it.
  if (
    r.versionWords &&
    r.named === r.versions.length &&
    !r.dims.length &&
    !r.measureChoices &&
    r.unresolved.length > 0
  )
    return { kind: 'none', offTopic: true }
  if (r.itemChoices) {
    const options = r.itemChoices.options.map((o) => {
      const list = catalog.lists.find((l) => l.id === o.listId)
      const fixed: Reading = {
        ...r,
        items: r.items.map((i) =>
          i.start >= 0 && i.item.name === o.item.name ? { ...i, listId: o.listId, item: o.item } : i,
        ),
      }
      delete fixed.itemChoices
      return {
        label: `${o.item.name} (${list?.name ?? ''})`,
        question: build(fixed, catalog, focus).question,
      }
    })
    return {
      kind: 'ask',
      prompt: `'${r.itemChoices.text}' is in several lists. Which did you mean?`,
      options,
      strong: true,
    }
  }
  if (r.versionChoices && !r.unresolved.length) {
    // "emea rev q3 vs plan?": which plan, never guessed.
    const { text: said, options, against } = r.versionChoices
    const base = catalog.versions.find((v) => v.isCurrent) ?? options[0]
    const actual = catalog.versions.find((v) => v.isActual)
    // "march actuals vs plan": the version said is the one each plan is compared with.
    const named = r.versions.find((x) => !options.some((o) => o.id === x.id))
    const asked = options.map((v) => {
      const first = named ?? (v.id === base?.id ? actual : base)
      const versions = (against || named) && first ? [first, v] : [v]
      const fixed: Reading = {
        ...r,
        versions,
        cues: { ...r.cues, compare: r.cues.compare || versions.length > 1 },
      }
      delete fixed.versionChoices
      const question = fixed.measures.length
        ? build(fixed, catalog, focus).question
        : focus
          ? applyFollowUp(focus, fixed, catalog)
          : undefined
      return question ? [{ label: v.name, question }] : []
    })
    const opts = asked.flat()
    const plain: Reading = { ...r, versions: [] }
    delete plain.versionChoices
    const pending = plain.measures.length ? build(plain, catalog, focus).question : undefined
    if (opts.length >= 2)
      return {
        kind: 'ask',
        prompt: `Which plan do you mean by '${said}'?`,
        options: opts,
        strong: true,
        ...(pending ? { focus: pending } : {}),
      }
  }
  if (r.measureChoices && !r.measures.length && r.unresolved.length) {
    // "marketing spend" with no Marketing: the unknown words are named back before any choice,
    // as the measure they ask for when the vague word ("spend") follows them.
    const first = r.measureChoices[0] as CatalogLineItem
    const unresolved = r.unresolved.map((u) => {
      const next = new RegExp(`\\b${escapeRe(u.text.toLowerCase())}\\s+([a-z]+)\\b`).exec(r.lc)?.[1]
      return u.expected === 'item' && next && !STOP_AFTER.has(next)
        ? { text: `${u.text} ${next}`, expected: 'measure' as const }
        : u
    })
    return {
      kind: 'question',
      question: build({ ...r, measures: [first], unresolved }, catalog, undefined).question,
      followUp: false,
      strong: true,
    }
  }
  if (r.measureChoices && !r.measures.length) {
    const options = r.measureChoices.map((li) => ({
      label: li.name,
      question: build({ ...r, measures: [li] }, catalog, focus).question,
    }))
    return { kind: 'ask', prompt: 'Which measure did you mean?', options, strong: true }
  }
  // "what's the total?" names nothing: the total of the last answer, not a new question.
  const focusTotal = Boolean(focus) && c.total && !r.named && !coordinates
  // "how many regions are there" counts a list's items: a listing, not an amount of a measure.
  const countsList = r.dims.some(
    (d) => d.ref.kind === 'list' && /\bhow\s+many\s+(?:\w+\s+)?$/.test(r.lc.slice(0, d.start)),
  )
  if (countsList && !r.measures.length && !r.items.length) return { kind: 'none' }
  const amountOnly =
    !r.measures.length &&
    !c.followUp &&
    !options.focusOnScreen &&
    !focusTotal &&
    AMOUNT_RE.test(r.lc) &&
    !shapeCue
  // "whats the budget number": the last figure in another version.
  // A period is not: "total for q4" after a ranking of months may be another measure's.
  const sameFigure = r.versions.length > 0 && !r.periods.points.length && !r.items.length
  if (focus && amountOnly && !r.unresolved.length && !sameFigure) {
    const asked = noMeasure(r, catalog, true, focus, true)
    if (asked.kind === 'ask') return asked
  }
  // "top product in apac" after a figure of Travel, which has no Products: not an edit of that
  // figure. Which measure, among those that have the lists named?
  if (focus && !r.measures.length && !r.unresolved.length && !fitsFocus(r, focus, catalog)) {
    const asked = noMeasure(r, catalog, true, undefined, true)
    if (asked.kind === 'ask') return asked
  }
  // "ok revenue then" after "the churn rate in emea" was named back: the measure it lacked.
  // A measure with more (a slice, a shape) is a new question.
  const measureLacked =
    Boolean(focus?.unresolved?.some((u) => u.expected === 'measure')) && !coordinates && !shapeCue
  // "salaries too", "and units while ur at it", "whats actual headcount there in sept", or a
  // measure alone ("revenue"): the last question with that measure, its slice kept.
  const elliptical =
    r.measures.length > 0 &&
    !r.whole &&
    (ELLIPSIS_RE.test(r.lc.replace(EXISTENTIAL_THERE_RE, ' ')) ||
      // ("units, actuals": a version said with it is an edit too)
      (!r.items.length &&
        !r.periods.points.length &&
        !shapeCue &&
        !r.unresolved.length &&
        !r.dims.length &&
        r.lc.trim().split(/\s+/).length <= 3) ||
      // "only the top 2, and in revenue terms" after a ranking: that ranking, of revenue.
      (Boolean(c.ranking) && !r.dims.length && Boolean(focus && 'by' in focus.shape)))
  // "ok and compare the versions for apac gadgets revenue": a comparison naming its axis and its
  // measure is a question of its own, not the last one's items paired with new ones.
  // Likewise one naming its measure and both sides: "how does emea revenue in budget compare to
  // forecast for q4" after a units comparison for gadgets is about all products.
  const bothSides =
    (r.versions.length >= 2 ||
      r.periods.points.length >= 2 ||
      r.items.some((a, i) => r.items.some((b, j) => j > i && a.listId === b.listId))) &&
    r.items.length + r.periods.points.length + r.versions.length >= 3
  const ownComparison = c.compare && r.measures.length > 0 && (r.dims.some((d) => !d.afterBy) || bothSides)
  // "which dept is the most expensive" after Salary Cost in Q1: the same measure in other words,
  // nothing else named, asks again of the same slice.
  const sameMeasure =
    Boolean(focus) &&
    !r.items.length &&
    !r.periods.points.length &&
    !r.versions.length &&
    !r.whole &&
    r.measures.length > 0 &&
    r.measures.every((m) => focus?.measures.some((f) => f.lineItemId === m.id)) &&
    !r.measures.some((m) => r.lc.includes(m.name.toLowerCase()))
  const followUp =
    Boolean(focus) &&
    (Boolean(options.answering) ||
      ((!r.measures.length || c.followUp || measureLacked || elliptical || sameMeasure) &&
        !ownComparison &&
        !(c.explain && !focus)))
  if (followUp && focus) {
    // "what is the total?" about the figures on screen: the focus itself, as one figure.
    let question =
      applyFollowUp(focus, r, catalog, options.prior) ??
      (c.total && !r.named ? { ...focus, shape: { kind: 'value' as const } } : undefined)
    // "drop gizmos" after a breakdown by product: the same breakdown without Gizmos.
    if (r.excluded) {
      question ??= structuredClone(focus)
      leaveOut(question, r, catalog)
    }
    if (question) chronological(question, r, catalog)
    // "break it down" after a figure, saying not by what: asked, over the last answer's dimensions.
    if (!question && !r.dims.length && BREAK_WORD_RE.test(r.lc)) {
      const options = dimensionChoices(focus.measures, catalog).map((d) => ({
        label: d.name,
        question: { ...focus, shape: { kind: 'breakdown' as const, by: d } },
      }))
      if (options.length) return { kind: 'ask', prompt: 'Break it down by what?', options, strong: true }
    }
    if (!question) return { kind: 'none' }
    // "and the least?" after a single figure (a view on screen read as one): ranked by what, asked.
    const asked = byWhat(question, catalog)
    if (asked) return asked
    // "show it as a table" re-draws the last answer: as strong as naming a measure.
    const redraw = Boolean(c.presentation) && !r.named
    return {
      kind: 'question',
      question,
      followUp: true,
      strong: strong || coordinates || c.followUp || redraw || Boolean(r.excluded),
    }
  }
  if (!r.measures.length && r.unresolved.some((u) => u.expected === 'measure' || u.expected === 'version')) {
    // "the gross margin for Gizmos" in a model without a margin: named back, never substituted.
    return namedBack(r, catalog)
  }
  // An unknown name in a question that names no measure is named back first, never dropped for a
  // question which measure ("how are gizmos doing in atlantis"). With no item of the model named,
  // an unknown word of no list is the measure asked for ("whats our EBITDA for q2").
  if (!r.measures.length && !r.measureChoices && c.asking && r.unresolved.length) {
    if (!r.items.length)
      r.unresolved = r.unresolved.map((u) =>
        u.expected === 'item' && !u.dimension
          ? {
              text: u.text,
              expected: 'measure' as const,
              near: nearNames(
                catalog.lineItems.map((l) => l.name),
                u.text,
              ),
            }
          : u,
      )
    return namedBack(r, catalog)
  }
  if (!r.measures.length) {
    if (!coordinates && !shapeCue)
      return r.unresolved.length && c.asking && r.named ? noMeasure(r, catalog, strong) : { kind: 'none' }
    // "gadgets in apac for june", with nothing on screen and nothing asked before: figures of
    // those coordinates, of a measure not said. Asked which, never a page change of no view.
    const bare =
      !focus && !options.focusOnScreen && !r.unresolved.length && r.named >= 2 && r.items.length > 0
    return noMeasure(r, catalog, strong || amountOnly || bare, undefined, amountOnly || bare)
  }
  const built = build(r, catalog, undefined)
  if (built.ask) return { ...built.ask, strong }
  return { kind: 'question', question: built.question, followUp: false, strong }
}

/** The question with its unmatched names, to be named back (never answered with a substitute). */
function namedBack(r: Reading, catalog: ModelCatalog): Parsed {
  return { kind: 'question', question: build(r, catalog, undefined).question, followUp: false, strong: true }
}

/** The lists a reading names: its items' lists and the lists it breaks down or ranks by. */
function namedLists(r: Reading): Set<string> {
  const lists = new Set(r.items.map((i) => i.listId))
  for (const d of r.dims) if (d.ref.kind === 'list') lists.add(d.ref.id)
  return lists
}

/** Whether the focus's measure has every list the reading names (so it can take the edit). */
function fitsFocus(r: Reading, focus: Question, catalog: ModelCatalog): boolean {
  const li = catalog.lineItems.find((l) => l.id === focus.measures[0]?.lineItemId)
  if (!li) return true
  return [...namedLists(r)].every((l) => hasList(li, l, catalog))
}

/** Whether a line item is dimensioned by a list or by a list below it (Stores under Region). */
function hasList(li: CatalogLineItem, listId: string, catalog: ModelCatalog): boolean {
  return li.dimensionIds.some((d) => {
    if (d === listId) return true
    const list = catalog.lists.find((l) => l.id === d)
    return list ? listChain(catalog, list).some((l) => l.id === listId) : false
  })
}

/** Names were given but no measure: ask which, among measures that have those dimensions. */
function noMeasure(
  r: Reading,
  catalog: ModelCatalog,
  strong: boolean,
  focus?: Question,
  amount = false,
): Parsed {
  const lists = namedLists(r)
  const fits = catalog.lineItems.filter(
    (li) => li.format.toUpperCase() === 'NUMBER' && [...lists].every((l) => hasList(li, l, catalog)),
  )
  // A shape asked for ("top product in apac", "units by region") asks as much as a question does.
  const shaped = Boolean(r.cues.ranking) || r.cues.share || r.cues.trend || r.dims.some((d) => d.afterBy)
  if (!fits.length || !(r.cues.asking || amount || shaped)) return { kind: 'none' }
  // The last answer's measure first: the likeliest reading, still a choice.
  const last = focus?.measures[0]?.lineItemId
  fits.sort((a, b) => Number(b.id === last) - Number(a.id === last))
  const options = fits.slice(0, 8).map((li) => ({
    label: li.name,
    question: build({ ...r, measures: [li] }, catalog, undefined).question,
  }))
  return { kind: 'ask', prompt: 'Which measure do you mean?', options, strong }
}

function ref(x: { id: string; name: string }): { id: string; name: string } {
  return { id: x.id, name: x.name }
}

/** The slice the words give: items per list, versions, periods. */
export function sliceOf(r: Reading): Record<string, Selector> {
  const slice: Record<string, Selector> = {}
  for (const { listId, item } of r.items) {
    const s = slice[listId]
    if (s?.kind === 'items') {
      if (!s.items.some((x) => x.id === item.id)) s.items.push(ref(item))
    } else slice[listId] = { kind: 'items', items: [ref(item)] }
  }
  if (r.versions.length) slice[VERSIONS_ID] = { kind: 'items', items: r.versions.map(ref) }
  if (r.periods.selector) slice[TIME_ID] = r.periods.selector
  return slice
}

function pointCount(s: Selector | undefined): number {
  return s?.kind === 'items' ? s.items.length : s?.kind === 'range' ? 1 : 0
}

/** The dimension the words ask per ("by product", "which month"), first one that the measures have. */
export function askedDim(
  r: Reading,
  measures: readonly Measure[],
  catalog: ModelCatalog,
): Reading['dims'][number] | undefined {
  const dimsOf = new Set(
    measures.flatMap((m) => catalog.lineItems.find((li) => li.id === m.lineItemId)?.dimensionIds ?? []),
  )
  const hasTime = measures.some((m) => catalog.lineItems.find((li) => li.id === m.lineItemId)?.timeScale)
  const usable = r.dims.filter((d) =>
    d.ref.kind === 'time'
      ? hasTime
      : d.ref.kind === 'version'
        ? true
        : dimsOf.has(d.ref.id) || isAncestorList(catalog, d.ref.id, dimsOf),
  )
  return usable.find((d) => d.afterBy) ?? usable[0]
}

function askedDimUsable(
  d: Reading['dims'][number],
  measures: readonly Measure[],
  catalog: ModelCatalog,
): boolean {
  const dims = new Set(
    measures.flatMap((m) => catalog.lineItems.find((li) => li.id === m.lineItemId)?.dimensionIds ?? []),
  )
  return dims.has(d.ref.id) || isAncestorList(catalog, d.ref.id, dims)
}

/** A list above one of the dimensions in a composite hierarchy (Country above Stores). */
export function isAncestorList(catalog: ModelCatalog, listId: string, dims: ReadonlySet<string>): boolean {
  for (const d of dims) {
    let l = catalog.lists.find((x) => x.id === d)
    for (let depth = 0; l?.parentListId && depth < 8; depth++) {
      if (l.parentListId === listId) return true
      l = catalog.lists.find((x) => x.id === l?.parentListId)
    }
  }
  return false
}

/** The axis of a comparison or explanation: the dimension with two or more points named. */
function axisOf(slice: Record<string, Selector>, r: Reading): DimensionRef | undefined {
  if (pointCount(slice[VERSIONS_ID]) >= 2) return VERSIONS_REF
  if (pointCount(slice[TIME_ID]) >= 2) return TIME_REF
  for (const [id, s] of Object.entries(slice)) {
    if (id === TIME_ID || id === VERSIONS_ID || pointCount(s) < 2) continue
    const dim = r.items.find((i) => i.listId === id)
    if (dim) return { id, name: '', kind: 'list' }
  }
  return undefined
}

/** Builds the question the words ask (no focus: a new question). */
export function build(
  r: Reading,
  catalog: ModelCatalog,
  _focus: Question | undefined,
): {
  question: Question
  ask?: { kind: 'ask'; prompt: string; options: { label: string; question: Question }[]; focus?: Question }
} {
  const measures = r.measures.map(measureOf)
  const slice = sliceOf(r)
  for (const d of r.dims) {
    // "revenue by channel" where Revenue has no Channels: named back, not dropped.
    if (d.afterBy && d.ref.kind === 'list' && measures.length && !askedDimUsable(d, measures, catalog))
      r.unresolved.push({ text: d.ref.name, expected: 'dimension' })
  }
  // "how much revenue did online bring in" where Revenue has no Channels: the item cannot slice
  // it, so it is named back with what Revenue is by, never left out of a total.
  const dims = new Set(r.measures.flatMap((li) => [...li.dimensionIds, ...(li.timeScale ? [TIME_ID] : [])]))
  const lacking = new Set<string>()
  for (const i of r.items) {
    if (!measures.length || dims.has(i.listId) || isAncestorList(catalog, i.listId, dims)) continue
    if (lacking.has(i.listId)) continue
    lacking.add(i.listId)
    const list = catalog.lists.find((l) => l.id === i.listId)
    if (list && !r.unresolved.some((u) => u.text === list.name))
      r.unresolved.push({ text: list.name, expected: 'dimension' })
  }
  const question: Question = {
    modelId: catalog.modelId,
    measures,
    slice,
    shape: shapeOf(r, slice, measures, catalog),
  }
  combined(question, catalog)
  leaveOut(question, r, catalog)
  chronological(question, r, catalog)
  if (r.cues.presentation) question.presentation = r.cues.presentation
  if (r.unresolved.length) question.unresolved = r.unresolved
  const shape = question.shape
  crossBy(question, r, catalog)
  const period = periodAsk(question, catalog)
  if (period && !((shape.kind === 'ranking' || shape.kind === 'breakdown') && !shape.by.id))
    return { question, ask: period }
  // "can you compare headcount" names nothing to compare: asked back, never one figure.
  if (r.cues.compare && shape.kind === 'value' && !r.unresolved.length && measures.length === 1) {
    const options = compareChoices(question, catalog)
    if (options.length >= 2)
      return {
        question,
        // Kept for the words that settle it ("against forecast").
        ask: {
          kind: 'ask',
          prompt: `Compare ${measures[0]?.lineItem} across what?`,
          options,
          focus: question,
        },
      }
  }
  // "compare the versions for apac gadgets revenue": which versions, asked (each pair, or all).
  if (
    r.cues.compare &&
    shape.kind === 'breakdown' &&
    shape.by.id === VERSIONS_ID &&
    !r.dims.find((d) => d.ref.id === VERSIONS_ID)?.afterBy &&
    !r.unresolved.length &&
    measures.length === 1
  ) {
    const pairs = compareChoices({ ...question, shape: { kind: 'value' } }, catalog).filter(
      (o) => o.question.shape.kind === 'compare',
    )
    if (pairs.length)
      return {
        question,
        ask: {
          kind: 'ask',
          prompt: `Compare ${measures[0]?.lineItem} for which versions?`,
          options: [...pairs, { label: 'All versions', question }],
          focus: { ...question, shape: { kind: 'value' } },
        },
      }
  }
  const ask = r.unresolved.length ? undefined : byWhat(question, catalog)
  return ask ? { question, ask } : { question }
}

/**
 * A ranking or breakdown that does not say of what: asked, offering the measure's list dimensions
 * and months (undefined when the question has a dimension, or there is none to offer).
 */
function byWhat(question: Question, catalog: ModelCatalog): Extract<Parsed, { kind: 'ask' }> | undefined {
  const shape = question.shape
  if ((shape.kind !== 'ranking' && shape.kind !== 'breakdown') || shape.by.id) return undefined
  const options = dimensionChoices(question.measures, catalog).map((d) => ({
    label: d.name,
    question: { ...question, shape: { ...shape, by: d } },
  }))
  if (!options.length) return undefined
  return {
    kind: 'ask',
    prompt: shape.kind === 'ranking' ? 'Rank which?' : 'Break it down by what?',
    options,
    strong: true,
  }
}

/** At most this many items of a second "by" list, each its own breakdown. */
const MAX_CROSS = 6

/**
 * "units by product and region": one breakdown by the first list for each item of the second
 * (the executor answers once per item named), never the second list silently dropped.
 */
function crossBy(q: Question, r: Reading, catalog: ModelCatalog): void {
  const s = q.shape
  if ((s.kind !== 'breakdown' && s.kind !== 'ranking') || !s.by.id || r.cues.total) return
  const first = r.dims.find((d) => d.ref.id === s.by.id)
  for (const d of r.dims) {
    // "by product and region", "by product by region", "by product x region".
    const joined =
      first !== undefined &&
      d.start > first.start &&
      /^\S+\s*(?:and|&|,|\/|x|×|by|then)\s*(?:by\s+)?$/.test(r.lc.slice(first.start, d.start))
    if (!(d.afterBy || joined) || d.ref.kind !== 'list' || d.ref.id === s.by.id || q.slice[d.ref.id]) continue
    if (!askedDimUsable(d, q.measures, catalog)) continue
    const list = catalog.lists.find((l) => l.id === d.ref.id)
    const all = list?.items ?? []
    const top = list?.topLevelItem
    const items = top ? all.filter((i) => i.parentId === top.id) : all.filter((i) => !i.parentId)
    if (items.length >= 2 && items.length <= MAX_CROSS)
      q.slice[d.ref.id] = { kind: 'items', items: items.map((i) => ({ id: i.id, name: i.name })) }
  }
}

/**
 * What a comparison that names nothing to compare could be: the version of the question against
 * each other version, then the measure's items of each list side by side.
 */
function compareChoices(q: Question, catalog: ModelCatalog): { label: string; question: Question }[] {
  const named = q.slice[VERSIONS_ID]
  const first =
    (named?.kind === 'items' && named.items.length === 1 ? named.items[0] : undefined) ??
    catalog.versions.find((v) => v.isCurrent) ??
    catalog.versions.find((v) => !v.isActual)
  const out: { label: string; question: Question }[] = []
  for (const v of first ? catalog.versions : []) {
    if (v.id === first?.id) continue
    const slice = {
      ...q.slice,
      [VERSIONS_ID]: { kind: 'items' as const, items: [ref(first as { id: string; name: string }), ref(v)] },
    }
    out.push({
      label: `${first?.name} vs ${v.name}`,
      question: { ...q, slice, shape: { kind: 'compare', axis: VERSIONS_REF } },
    })
  }
  for (const d of dimensionChoices(q.measures, catalog))
    if (d.kind === 'list' && !(q.slice[d.id]?.kind === 'items'))
      out.push({ label: `by ${d.name}`, question: { ...q, shape: { kind: 'breakdown', by: d } } })
  return out
}

/**
 * A question over a timed measure that names no period, in a calendar of several years: which
 * period is asked back (one option per year), never guessed. A question per year ("by year") or
 * with unresolved words (named back first) needs no period.
 */
export function periodAsk(
  q: Question,
  catalog: ModelCatalog,
): { kind: 'ask'; prompt: string; options: { label: string; question: Question }[] } | undefined {
  if (q.slice[TIME_ID] || q.unresolved?.length || defaultYear(catalog)) return undefined
  const timed = q.measures.some((m) => catalog.lineItems.find((li) => li.id === m.lineItemId)?.timeScale)
  const years = yearsOf(catalog)
  if (!timed || years.length < 2) return undefined
  const s = q.shape
  if ((s.kind === 'trend' || s.kind === 'breakdown' || s.kind === 'ranking') && s.level === 'year')
    return undefined
  return {
    kind: 'ask',
    prompt: `For which period? ${catalog.modelName ?? 'The model'} covers ${years.map((y) => y.name).join(', ')}.`,
    options: years.map((y) => ({
      label: y.name,
      question: { ...q, slice: { ...q.slice, [TIME_ID]: { kind: 'items', items: [ref(y)] } } },
    })),
  }
}

export function dimensionChoices(measures: readonly Measure[], catalog: ModelCatalog): DimensionRef[] {
  const li = catalog.lineItems.find((x) => x.id === measures[0]?.lineItemId)
  const out: DimensionRef[] = []
  for (const id of li?.dimensionIds ?? []) {
    const list = catalog.lists.find((l) => l.id === id)
    if (list) out.push({ id: list.id, name: list.name, kind: 'list' })
  }
  if (li?.timeScale) out.push({ ...TIME_REF, name: 'Months' })
  return out
}

function listRef(catalog: ModelCatalog, id: string): DimensionRef {
  const l = catalog.lists.find((x) => x.id === id)
  return { id, name: l?.name ?? id, kind: 'list' }
}

export function shapeOf(
  r: Reading,
  slice: Record<string, Selector>,
  measures: readonly Measure[],
  catalog: ModelCatalog,
): Shape {
  const c = r.cues
  const dim = askedDim(r, measures, catalog)
  const fix = (d: DimensionRef): DimensionRef => (d.kind === 'list' ? listRef(catalog, d.id) : d)
  if (c.explain) {
    const axis = axisOf(slice, r) ?? (pointCount(slice[TIME_ID]) === 1 ? TIME_REF : undefined)
    // "which region grew the most": the change split over the regions, largest first.
    if (axis && c.changeRanking && dim?.ref.kind === 'list') {
      const shape: Shape = { kind: 'explain', axis: fix(axis), over: [fix(dim.ref)] }
      // "grew the most" ranks the largest rise first, "fell the most" the largest fall; "least"
      // the other way. "changed the most" splits the change without ranking a direction.
      const most = c.ranking?.order !== 'asc'
      if (c.changeRanking !== 'change') shape.rank = (c.changeRanking === 'rise') === most ? 'desc' : 'asc'
      return shape
    }
    // "what got us from bud to act? by product", "which regions drove it": split over that list.
    if (axis && dim?.ref.kind === 'list' && (dim.afterBy || dim.plural))
      return { kind: 'explain', axis: fix(axis), over: [fix(dim.ref)] }
    if (axis) return { kind: 'explain', axis: fix(axis) }
  }
  // "what changed between jan and feb, by product": each product's share of the move.
  if (c.moveSpan && !c.ranking && dim?.ref.kind === 'list' && dim.afterBy) {
    const axis = axisOf(slice, r)
    if (axis && axis.kind !== 'list') return { kind: 'explain', axis, over: [fix(dim.ref)] }
  }
  if (c.ranking) {
    // "who's spending the most on travel": the measure's one list, when it has only one.
    const who = !dim && WHO_RE.test(r.lc) ? soleList(measures, catalog) : undefined
    // "when did revenue peak": the month it did.
    const when =
      !dim &&
      c.when &&
      measures.some((m) => catalog.lineItems.find((li) => li.id === m.lineItemId)?.timeScale)
    const by = dim?.ref ?? (when ? TIME_REF : undefined) ?? rankedItems(slice, catalog) ?? who
    const shape: Shape = {
      kind: 'ranking',
      by: by ? fix(by) : { id: '', name: '', kind: 'list' },
      order: c.ranking.order,
    }
    // "which region had the most", "our top-selling product": one; "order the regions": all.
    const single = dim ? !dim.plural : when || (Boolean(who) && !/\bwho\s+(?:are|were)\b/.test(r.lc))
    const limit = c.ranking.limit ?? (single && c.ranking.explicitOrder ? 1 : undefined)
    if (limit) shape.limit = limit
    if (dim?.level && by?.kind === 'time') shape.level = dim.level
    return shape
  }
  if (c.share) {
    // "what % is gadgets, across all regions": the share of the item named, within its list; of
    // two, the one the share is said of ("what share of emea revenue is widgets").
    const items = r.items.filter(
      (i) => catalog.lists.find((l) => l.id === i.listId)?.topLevelItem?.id !== i.item.id,
    )
    const named = items.find((i) => SHARE_SUBJECT_RE.test(r.lc.slice(0, i.start))) ?? items[0]
    const by =
      (dim?.afterBy ? dim.ref : undefined) ??
      (named ? { id: named.listId, name: '', kind: 'list' as const } : undefined) ??
      dim?.ref ??
      firstSlicedList(slice)
    if (by) return { kind: 'share', by: fix(by) }
  }
  if (c.compare) {
    const axis = axisOf(slice, r)
    if (axis) return { kind: 'compare', axis: fix(axis) }
  }
  if (dim?.ref.kind === 'time' && (dim.afterBy || c.trend || dim.plural))
    return { kind: 'trend', level: dim.level ?? 'month' }
  if (c.trend || r.periods.perLevel) return { kind: 'trend', level: r.periods.perLevel ?? 'month' }
  if (
    dim &&
    dim.ref.kind !== 'time' &&
    (dim.afterBy || (c.breakdown && !c.total) || (dim.plural && !c.total))
  )
    return { kind: 'breakdown', by: fix(dim.ref) }
  if (c.compare) {
    const axis = axisOf(slice, r)
    if (axis) return { kind: 'compare', axis: fix(axis) }
  }
  // "break down revenue for q2" names no dimension: asked back, never answered as one total.
  if (!dim && !c.total && BREAK_WORD_RE.test(r.lc)) {
    // "split across all the regions": the list whose top level was named is the one split.
    const top = r.items.find(
      (i) => catalog.lists.find((l) => l.id === i.listId)?.topLevelItem?.id === i.item.id,
    )
    const list = top ? catalog.lists.find((l) => l.id === top.listId) : undefined
    if (list) return { kind: 'breakdown', by: { id: list.id, name: list.name, kind: 'list' } }
    return { kind: 'breakdown', by: { id: '', name: '', kind: 'list' } }
  }
  // "emea and apac revenue combined", "total for q1 and q2": the points added up as well.
  if ((c.combine || c.total) && combinable(slice, measures)) return { kind: 'value', combine: true }
  return { kind: 'value' }
}

/**
 * "which dept grew most since q1" after Q3: a change over time runs from the earlier period to the
 * later one, whichever was said first; "from dec back to jan" says its own order.
 */
export function chronological(q: Question, r: Reading, catalog: ModelCatalog): void {
  const s = q.shape
  const t = q.slice[TIME_ID]
  if (s.kind !== 'explain' || s.axis.id !== TIME_ID || t?.kind !== 'items' || t.items.length !== 2) return
  if (/\bfrom\b[^.?!]*\b(?:to|back\s+to)\b/.test(r.lc)) return
  const start = (id: string) => catalog.periods.find((p) => p.id === id)?.start ?? ''
  const [a, b] = t.items as [{ id: string; name: string }, { id: string; name: string }]
  if (start(a.id) > start(b.id)) q.slice[TIME_ID] = { kind: 'items', items: [b, a] }
}

/** The most items a question leaving some out may keep (their siblings, named one by one). */
const MAX_KEPT = 60

/**
 * "revenue excluding EMEA": the other regions added up; "drop gizmos" from a breakdown, ranking or
 * comparison over products: the same without Gizmos. Otherwise (a series over another dimension,
 * a summary that does not add up) the leaving out is named back, never the figure with them in.
 */
export function leaveOut(q: Question, r: Reading, catalog: ModelCatalog): void {
  const ex = r.excluded
  if (!ex) return
  const refuse = () => {
    q.unresolved = [...(q.unresolved ?? []), { text: ex.text, expected: 'operation' }]
  }
  const list = catalog.lists.find((l) => l.id === ex.listId)
  const gone = new Set(ex.items.map((i) => i.id))
  const had = q.slice[ex.listId]
  let pool: { id: string; name: string }[] | undefined
  if (had?.kind === 'items' && had.items.length >= 2) pool = had.items
  else {
    // The items beside those left out: the children of their parent (or of the item sliced).
    const parentId =
      had?.kind === 'items' && had.items.length === 1 ? had.items[0]?.id : ex.items[0]?.parentId
    const children = (list?.items ?? []).filter((i) => i.parentId === parentId)
    if (children.some((i) => gone.has(i.id))) pool = children
  }
  const kept = (pool ?? []).filter((i) => !gone.has(i.id)).map((i) => ({ id: i.id, name: i.name }))
  const s = q.shape
  const onList = ('by' in s && s.by.id === ex.listId) || (s.kind === 'compare' && s.axis.id === ex.listId)
  if (!kept.length || kept.length > MAX_KEPT || (s.kind !== 'value' && !onList)) {
    refuse()
    return
  }
  q.slice[ex.listId] = { kind: 'items', items: kept }
  if (s.kind === 'value' && kept.length > 1) q.shape = { kind: 'value', combine: true }
  if (s.kind === 'compare' && kept.length < 2) q.shape = { kind: 'value' }
}

/**
 * "salaries and travel combined": the line item that is their sum, when the model has one; two
 * measures no line item adds up stay apart (their units may differ: Units and Revenue).
 */
export function combined(q: Question, catalog: ModelCatalog): void {
  if (q.shape.kind !== 'value' || !q.shape.combine || q.measures.length < 2) return
  const sum = sumLineItem(q.measures, catalog)
  if (!sum) return
  q.measures = [measureOf(sum)]
}

/** Several points of one list or of Time, or several measures: something to add up. */
export function combinable(slice: Record<string, Selector>, measures: readonly Measure[]): boolean {
  if (measures.length >= 2) return true
  return Object.entries(slice).some(([id, s]) => id !== VERSIONS_ID && pointCount(s) >= 2)
}

/**
 * The line item whose formula adds up exactly these measures ("Total Expenses" is Salaries +
 * Travel): the figure Anaplan computes for their sum, rather than one added up here.
 */
export function sumLineItem(
  measures: readonly Measure[],
  catalog: ModelCatalog,
): CatalogLineItem | undefined {
  if (measures.length < 2) return undefined
  const want = new Set(measures.map((m) => m.lineItem.toLowerCase()))
  const moduleId = measures[0]?.moduleId
  return catalog.lineItems.find((li) => {
    if (li.moduleId !== moduleId || !li.formula || /[-*/^(),<>=]/.test(li.formula)) return false
    const terms = li.formula.split('+').map((t) =>
      t
        .trim()
        .replace(/^'(.*)'$/, '$1')
        .replace(/^.*\./, '')
        .toLowerCase(),
    )
    return terms.length === want.size && terms.every((t) => want.has(t))
  })
}

const WHO_RE = /\bwho(?:'s|s|\s+is|\s+was|\s+has|\s+had|\s+did)?\b/

function soleList(measures: readonly Measure[], catalog: ModelCatalog): DimensionRef | undefined {
  const lists = dimensionChoices(measures, catalog).filter((d) => d.kind === 'list')
  return lists.length === 1 ? lists[0] : undefined
}

/** Right before the item a share is of: "… is widgets", "… comes from gizmos". */
const SHARE_SUBJECT_RE = /\b(?:is|are|from)\s+(?:the\s+|our\s+)?$/

/** Unknown words next to an unknown measure, joined to it; a word of measuring after it kept. */
function mergedMisses(r: Reading): Reading['unresolved'] {
  const out = [...r.unresolved]
  for (const u of out) {
    if (u.expected !== 'measure') continue
    const lc = u.text.toLowerCase()
    const before = out.find(
      (x) =>
        x !== u &&
        x.expected !== 'measure' &&
        new RegExp(`\\b${escapeRe(x.text.toLowerCase())}\\s+${escapeRe(lc)}\\b`).test(r.lc),
    )
    if (before) {
      u.text = `${before.text} ${u.text}`
      out.splice(out.indexOf(before), 1)
    }
    const tail = new RegExp(
      `\\b${escapeRe(u.text.toLowerCase())}\\s+(rates?|ratios?|counts?|levels?|scores?|percentages?|pct)\\b`,
    ).exec(r.lc)?.[1]
    if (tail) u.text = `${u.text} ${tail}`
  }
  return out
}

/** Words that start a question of its own. */
const NEW_TOPIC_RE =
  /^\s*(?:(?:ok|okay|so|right|also|btw)[\s,]+)?(?:(?:a\s+)?(?:different|new|separate|unrelated|other|another|real|actual|proper)\s+(?:question|q|qn|thing|topic)|(?:changing|switching)\s+(?:topic|topics|gears)|on\s+another\s+note|unrelated)\b/i

/** Personal errands: a booking, an order, a message to send. */
export const ERRAND_RE =
  /\b(?:book|reserve|order|buy|schedule|arrange|organi[sz]e|get)\s+(?:me\s+|us\s+)?(?:(?:a|an|my|our|the|more|some|new|extra|few|a\s+few)\s+)?(?:flights?|hotels?|rooms?|taxis?|cabs?|ubers?|tables?|tickets?|lunch|dinner|coffee|cars?|trains?|desks?|appointments?|holidays?|vacations?|pizza|food)\b|\b(?:send|write)\s+(?:an?\s+)?(?:email|e-mail|text|message|invite)\b|\bremind\s+me\s+(?:to|at|in|on|tomorrow|tonight|later|next|about\s+(?:the|my|our)\s+(?:meeting|call|appointment|dentist|flight))\b|\bset\s+(?:a\s+|an\s+|up\s+a\s+)?(?:reminder|alarm|timer|meeting)\b|\bmeeting\s+rooms?\b/

/** Words of the business's own figures: "our", "we", "company". */
const OURS_RE = /\b(?:our|ours|we|us|company'?s?|total)\b/

/** Everyday subjects no planning model has a figure for (when no measure of it is named). */
const EVERYDAY_RE =
  /\b(?:weather|raining|snowing|temperature|sunny|what\s+time\s+is\s+it|time\s+is\s+it|the\s+time\s+in|netflix|spotify|youtube|tv\s+shows?|lunch|breakfast|near\s+(?:the\s+)?office|time\s*zone|news|headlines|joke|jokes|recipe|recipes|movie|movies|film|song|songs|lyrics|football|soccer|cricket|basketball|traffic|stock\s+price|bitcoin|crypto|horoscope|restaurant|restaurants|canteen|cafeteria|parking|wi-?fi|password|printer|laptop|vpn|outlook|payslip|birthday|gym|dentist|vacation|holidays?|pto|annual\s+leave|sick\s+days?|days\s+off|mute|unmute|calendar|reminder|alarm|teams\s+(?:channel|chat|call|meeting)|zoom\s+(?:call|meeting|link)|super\s+bowl|world\s+cup|champions\s+league|premier\s+league|playoffs?|nfl|nba|all[\s-]hands|town\s+hall|stand-?ups?|offsite|monday|tuesday|wednesday|thursday|friday|saturday|sunday|vlookup|xlookup|polic(?:y|ies)|wfh|remote\s+work(?:ing)?|pivot\s+tables?|excel\s+(?:formulas?|macros?|shortcuts?)|spreadsheet\s+formulas?)\b/

/** Words that lean on the last question: "too", "as well", "there", "while ur at it". */
const ELLIPSIS_RE =
  /\b(?:(?:what'?s|whats|what\s+is|what\s+was|how\s+much\s+is|how'?s|hows)\s+(?:that|this|it)|in\s+[\w$%]+(?:\s+[\w$%]+)?\s+terms|just|only|too|also|they|them|their|as\s+well|while\s+(?:you'?re|youre|ur|u'?re|ure|we'?re|i'?m)\s+at\s+it|there|likewise|instead|again|same|for\s+(?:that|it|them|those|this)|(?:that|this|the\s+same)\s+(?:region|product|dept|department|team|month|quarter|qtr|period|year|version|one|channel|store|sku))\b/
/** "are there", "is there": no place referred back to. */
const EXISTENTIAL_THERE_RE = /\b(?:is|are|was|were|any)\s+there\b|\bthere\s+(?:is|are|was|were)\b/g

/** Words of breaking a figure down, without the "by" that would name what by. */
const BREAK_WORD_RE =
  /\bbreak(?:ing)?\s+(?:(?:it|that|this|them|those|these)\s+)?(?:down|out)\b|\bbroken\s+(?:down|out)\b|\bbreakdown\b|\bsplit\b|\bitemi[sz]e/

/** "which is higher, EMEA or APAC": the dimension with several named items. */
function rankedItems(slice: Record<string, Selector>, _catalog: ModelCatalog): DimensionRef | undefined {
  for (const [id, s] of Object.entries(slice))
    if (s.kind === 'items' && s.items.length >= 2)
      return id === TIME_ID ? TIME_REF : id === VERSIONS_ID ? VERSIONS_REF : { id, name: '', kind: 'list' }
  return undefined
}

function firstSlicedList(slice: Record<string, Selector>): DimensionRef | undefined {
  const id = Object.keys(slice).find((k) => k !== TIME_ID && k !== VERSIONS_ID)
  return id ? { id, name: '', kind: 'list' } : undefined
}
