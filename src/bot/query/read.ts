/**
 * Reads a question's words against the catalog: which measures, items, versions and periods it
 * names, which dimensions it asks per, which shape words it uses, and which words name something
 * the catalog does not have. No decision about the plan is taken here (see `parse.ts`).
 */
import type {
  CatalogLineItem,
  CatalogListItem,
  CatalogPeriod,
  CatalogVersion,
  ModelCatalog,
} from '../../anaplan/catalog.ts'
import { abbreviationTier, STOPWORDS, type Token, tokenize } from '../nlu/text.ts'
import {
  defaultVersion,
  entityIndex,
  itemOf,
  lineItemByName,
  listByName,
  nearNames,
  singular,
} from './names.ts'
import { defaultYear, type PeriodReading, readPeriods, type Span } from './periods.ts'
import type { DimensionRef, Question, TimeLevel } from './question.ts'
import { FILLER, MEASURE_SYNONYMS, NUMBER_WORDS, VERSION_SYNONYMS } from './words.ts'

/** "which is bigger", "which of them was lower?", "which one has more". */
const WHICH_COMPARATIVE_RE =
  /^(?:and\s+|so\s+)?which(?:\s+one|\s+of\s+(?:them|those|these|the\s+two))?\s+(?:is|was|has|had|did|does)\s+(?:the\s+)?(bigger|larger|higher|greater|more|better|smaller|lower|less|fewer|worse)\??$/

/** A percent sign or word right after a measure's word. */
const PERCENT_AFTER_RE = /^\s*(?:%|percent\b|pct\b|percentage\b)/i

/** Verbs of trade that, after "how many", count what was sold. */
const COUNT_VERBS = new Set([
  'move',
  'moved',
  'shift',
  'shifted',
  'ship',
  'push',
  'pushed',
  'shifting',
  'moving',
])

/** "end of the year", "start of q2": the edge of a period the words around it name. */
const PERIOD_EDGE_RE =
  /^(?:end|start|beginning)\s+of\s+(?:the\s+)?(?:(?:fiscal|financial|calendar)\s+)?(?:year|quarter|month|period|fy|q[1-4]|h[12]|[a-z]{3,9}\b)/

/** Verbs of money that, after "how much" or a subject ("did APAC make"), ask what was made. */
const MONEY_VERBS = new Set([
  'make',
  'made',
  'makes',
  'earn',
  'earned',
  'earns',
  'generate',
  'generated',
  'generates',
  'gross',
  'grossed',
])
const MONEY_SUBJECT_RE = /\bhow\s+much\b|\bwhat\s+did\s+(?:we|they)\s+$/

/** "how many" right before an item ("how many of our widgets"). */
const HOW_MANY_RE = /\bhow\s+many\s+(?:of\s+(?:the|our|my)\s+)?$/

/** An object pronoun right after a phrase ("go for it"). */
const PRONOUN_RE = /^\s+(?:it|that|this|them|those|these)\b/
/** "do/does/did <a thing> cost": the verb, ending the question or before its slice. */
const COST_VERB_RE = /\b(?:do|does|did|will|would)\s+(?:\S+\s+){1,4}cost$/

export const TIME_ID = '20000000003'
export const VERSIONS_ID = '20000000020'
/** The Line Items dimension of a view's axes (Anaplan's own examples label `101999999999` so). */
export const LINE_ITEMS_ID = '101999999999'
export const TIME_REF: DimensionRef = { id: TIME_ID, name: 'Time', kind: 'time' }
export const VERSIONS_REF: DimensionRef = { id: VERSIONS_ID, name: 'Versions', kind: 'version' }

export type Unresolved = NonNullable<Question['unresolved']>[number]

export interface Cues {
  explain: boolean
  compare: boolean
  share: boolean
  trend: boolean
  /** "by/per/each/split by/break down" seen (with or without a dimension after it). */
  breakdown: boolean
  total: boolean
  ranking?: { order: 'asc' | 'desc'; limit?: number; explicitOrder: boolean }
  presentation?: 'text' | 'table' | 'chart'
  followUp: boolean
  /** Sounds like a question or a request for figures ("what", "how much", "show", "?"). */
  asking: boolean
  /**
   * A ranking of a change ("which region grew the most from Q1 to Q2"): answered as the change
   * split over what is ranked, never as a ranking of the totals.
   */
  changeRanking?: 'rise' | 'fall' | 'change'
  /** "flip it", "reverse the ranking", "the other way round": the order turned over. */
  flip?: boolean
  /**
   * A move between two points said with a word of change, not of comparing ("what changed
   * between jan and feb"): with a list to split it by, the change explained over that list.
   */
  moveSpan?: boolean
  /** "combined", "together", "the total of both": the named points (or measures) added up. */
  combine?: boolean
  /** Asked "when": of a ranking, the period; otherwise the time of an event, no figure. */
  when?: boolean
}

export interface Reading {
  /** The text, lower-cased. */
  lc: string
  measures: CatalogLineItem[]
  /** One synonym that fits several line items ("sales" with Revenue and Net Sales). */
  measureChoices?: CatalogLineItem[]
  /** `typo`: matched only with letters forgiven or left out ("sprokets", "spkts" for Sprockets). */
  items: { listId: string; item: CatalogListItem; start: number; typo?: boolean }[]
  /** The same words name items of two lists: ask. */
  itemChoices?: { text: string; options: { listId: string; item: CatalogListItem }[] }
  versions: CatalogVersion[]
  periods: PeriodReading
  /** Dimensions the words ask per or rank ("by product", "which region", "months"), in order. */
  dims: { ref: DimensionRef; plural: boolean; start: number; level?: TimeLevel; afterBy: boolean }[]
  cues: Cues
  unresolved: Unresolved[]
  /** Words that name something of the catalog (anything at all). */
  named: number
  /** A version read from an everyday word ("outlook", "real"), not its name. */
  versionWords?: boolean
  /** The first version was not said but added to measure the one said against ("vs budget"). */
  versionAdded?: boolean
  /**
   * "for the whole company" in a model with no list of that name, or "overall" with no item named:
   * every list at its total.
   */
  whole?: boolean
  /**
   * Items the words leave out ("excluding EMEA", "drop gizmos"), taken out of `items`, with the
   * words that said so (named back when the leaving out cannot be computed).
   */
  excluded?: { listId: string; items: CatalogListItem[]; text: string }
  /**
   * "vs plan" in a model with no version called Plan: Budget and Forecast are both plans. Asked,
   * with `against` when said against the current version.
   */
  versionChoices?: { text: string; options: CatalogVersion[]; against: boolean }
}

const DETERMINERS = new Set([
  'the',
  'a',
  'an',
  'our',
  'my',
  'their',
  'its',
  'your',
  'this',
  'that',
  'those',
  'these',
])
/** Words that end a name read backwards from "version". */
const NAME_BREAKS = new Set([
  'by',
  'per',
  'each',
  'every',
  'and',
  'or',
  'vs',
  'versus',
  'against',
  'which',
  'what',
])
const ITEM_PREPOSITIONS = new Set(['in', 'at', 'for', 'from', 'within', 'of', 'across', 'to'])
/** A word of a period on its own: a month, a quarter, a half, a fiscal year. */
const PERIOD_WORD_RE =
  /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*$|^(?:q[1-4]|h[12]|fy'?\d{2,4}|ytd|qtd|mtd)$/
/** Words before a channel or a partner a name would stand after ("ship via amazon"). */
const ROUTE_PREPOSITIONS = new Set(['via', 'through', 'thru', 'among', 'amongst'])

const EXPLAIN_RE =
  /\bwhy\b|\bwhat\s+(?:got|took|brought|moved|pushed|pulled)\s+(?:us|it|them|\w+)\s+from\b|\bhow\s+did\s+(?:we|it)\s+get\s+from\b|\b(?:which|what)\s+\w+\s+(?:drove|drive|caused|cause|explains?)\s+(?:that|it|this|the)\b|\bwhat\s+(?:drove|drives|caused|causes|explains|happened)\b|\bwhat'?s?\s+(?:behind|driving)\b|\bwhat\s+is\s+(?:behind|driving)\b|\bdrivers?\s+of\b|\bexplain\b|\b(?:which|what)\s+\w+\s+(?:are|is|were|was)\s+(?:driving|behind|causing)\b|\baccount(?:s|ed)?\s+for\s+the\s+(?:change|drop|fall|increase|decline|rise)\b|\bcontribut\w*\b[^.?!]{0,40}\b(?:change|drop|fall|increase|decline|rise|growth|gap|swing|movement)\b/i
/** Words of a rise or a fall between periods, in a ranking ("grew the most", "fell the least"). */
const RISE_RE =
  /\b(?:gr[eo]w(?:n|s|ing|th)?|increas(?:e|ed|es|ing)|r[io]se|risen|rising|gain(?:ed|s|ing)?|improv(?:e|ed|es|ing|ement)|jump(?:ed|s)?|climb(?:ed|s)?)\b/
const FALL_RE =
  /\b(?:fell|fall(?:en|s|ing)?|drop(?:ped|s|ping)?|declin(?:e|ed|es|ing)|decreas(?:e|ed|es|ing)|shr[aiu]nk(?:s|ing)?|slipp?(?:ed|s)?|lost|los(?:e|es|ing))\b/
const CHANGE_RE =
  /\bchang(?:e|ed|es|ing)\b|\bmoved?\b(?!\s+(?:the\s+)?(?:most|least|fewest|more|fewer|\d))|\bmovement\b|\bsw(?:ing|ung)\b|\bshift(?:ed)?\b(?!\s+(?:the\s+)?(?:most|least|fewest|more|fewer|\d))|\b(?:went|go)\s+(?:up|down)\b/
/** Any word of a change: a rise, a fall, or a change of either sign. */
const moves = (lc: string) => RISE_RE.test(lc) || FALL_RE.test(lc) || CHANGE_RE.test(lc)
/** A figure measured against one version: "ahead of budget", "variance to plan", "vs target". */
const AGAINST_VERSION_RE =
  /\b(?:ahead\s+of|behind|above|below|over|under|beat(?:ing)?|miss(?:ed|ing)?|short\s+of|against|vs\.?|versus|compared?\s+(?:to|with)|relative\s+to|variance\s+(?:to|from|against|vs)|gap\s+to|on\s+track\s+(?:for|with|against))\s+(?:the\s+|our\s+)?(?:\w+\s+)?(?:budget|budgets|bud|plan|planned|target|targets|forecast|fcst|actuals?)\b/
/** Two points of a span: "from … to …", "between … and …", "Q1 to Q2". */
const SPAN_RE =
  /\bfrom\b.+\bto\b|\bbetween\b.+\band\b|\b(?:q[1-4]|h[12]|[a-z]{3}\s?\d{2}|fy\s?\d{2})\s+to\s+(?:q[1-4]|h[12]|[a-z]{3}|fy)/
/** "did gadgets or gizmos move more units": two things set against each other. */
const OR_MORE_RE =
  /\b\w+\s+or\s+\w+\b[^?.]*\b(?:more|less|fewer|higher|lower|bigger|smaller|better|worse)\b|\b(?:more|less|fewer|higher|lower|bigger|smaller|better|worse)\b[^?.]*\b\w+\s+or\s+\w+\b/
const MORE_THAN_RE = /\b(?:more|less|fewer|higher|lower|bigger|smaller)\b(?:\s+[\w']+){0,6}\s+than\b/
const COMPARE_RE =
  /\bvs\.?(?=\s|$)|\bv\.?\s|\bversus\b|\bagainst\b|\bcompar(?:e|es|ed|ing|isons?)\b|\bdifference\b|\bgap\b|\bvariance\b|\bdelta\b|\brelative\s+to\b|\bstack(?:s|ed)?\s+up\b|\bhow\s+far\s+(?:off|apart|out|behind|ahead)\b|\bside\s+by\s+side\b|\b(?:the|a|w\/|with|and|show|what'?s|whats)\s+diffs?\b(?!\s+(?:topic|subject|question|thing|matter|note))|\bhow\s+far\s+(?:is|are|was|were|r)\b[^?.,;]{0,40}?\s(?:off|out|behind|ahead|above|below|under|over)\b|\bhow\s+much\s+(?:are|r|were|is|was)\s+\w+\s+(?:off|short|ahead|behind|above|below|under|over)\b|\b(?:up|down|higher|lower|better|worse|bigger|smaller)\s+(?:from|on|vs\.?|versus|compared\s+(?:to|with))\s+(?!the\s+(?:top|bottom)\b)|\bhow\s+(?:big|large|wide)\s+(?:is|was)\s+the\s+(?:gap|difference)\b/i
const SHARE_RE =
  /\bas\s+(?:an?\s+)?(?:%|percent(?:age)?|pct|share|proportion)(?=\W|$)|\bin\s+%|\bhow\s+much\s+of\s+(?:our|the|all|total)\b[^?]*\b(?:comes?|came|is|was|sits?|lies|falls?|belongs?)\s+(?:from|in|to|with)\b|\bhow\s+much\s+of\s+(?:that|this|it|those|these)\s+(?:is|was|are|were|comes?|came|c[ao]me\s+from)\b|\bshare\b|\bslice\s+of\s+(?:that|this|it|the|total)\b|%\s*of\b|\bpercent(?:age)?\s+of\b|\bwhat\s+percent(?:age)?\b|\bwhat\s+%|\bproportion\b|\bportion\b|\bfraction\b|\bhow\s+much\s+of\s+(?:the\s+)?total\b|\bcontribut(?:e|es|ed|ion)\s+to\s+(?:the\s+)?total\b|\bmix\b/i
const TREND_RE =
  /\btrend(?:s|ing|ed)?\b|\bover\s+time\b|\b(?:month|quarter|mth|mo|qtr|q|m)[\s-](?:by|over|on|to)[\s-](?:month|quarter|mth|mo|qtr|q|m)\b|\b(?:qoq|mom)\b|\b(?:over|through(?:out)?|across)\s+the\s+(?:year|months|quarters)\b|\bhistory\b|\bprogress(?:ion|ed)?\b|\bevolv(?:e|ed|ing)\b|\bevolution\b|\btrajectory\b|\b(?:going|trending|moving|heading)\s+(?:up|down)\b|\bup\s+or\s+down\b|\b(?:rising|growing|increasing|climbing)\s+or\s+(?:falling|shrinking|decreasing|declining|dropping)\b|\bdirection\b|\bdevelop(?:ed|ing|ment)?\s+over\b/i
/** "over the year", "throughout the year": a series, unless a total is asked of it. */
const OVER_THE_YEAR_RE = /\b(?:over|through(?:out)?|across)\s+the\s+(?:whole\s+|full\s+|entire\s+)?year\b/g
const BREAKDOWN_RE =
  /\bbreak(?:ing)?\s+(?:(?:it|that|this|them|those|these)\s+)?(?:down|out)\b|\bbroken\s+(?:down|out)\b|\bbreakdown\b|\bsplit\b|\bby\b|\bper\b|\beach\b|\bevery\b|\bitemi[sz]e/i
/** Words of adding up what was named: "emea and apac combined", "the total of both". */
const COMBINE_RE =
  /\b(?:combined|together|altogether|summed|added\s+up|add(?:ing)?\s+(?:them|those|these|both|it\s+all)\s+up|sum\s+of|total\s+of|(?:total|sum)\s+for\s+(?:both|the\s+two|them|those|these))\b/
/** "when did …", "any idea when …", "btw when …": a question asking for a time. */
const WHEN_RE =
  /(?:^|[.?!;,]\s*|\b(?:idea|know|tell\s+(?:me|us)|sure|wondering|wonder|ask(?:ing)?|remind\s+me)\s+)(?:(?:so|and|but|btw|ok|okay|hey|also|quick\s+q(?:uestion)?)[\s,]+)*when\b/
/** Words that refer to the last two things said: "both", "the two", "those two". */
export const BOTH_RE = /\b(?:both|the\s+two|those\s+two|these\s+two|the\s+pair)\b/
const TOTAL_RE =
  /\ball[\s-]in\b(?!\s+(?:the|our|a|an)\b)|\btotal\b|\boverall\b|\bcombined\b|\baltogether\b|\ball\s+together\b|\bin\s+sum\b|\bgrand\b|\bsum\s+of\b/i
const DESC_RE =
  /\b(?:top|best|highest|most|strongest|biggest|largest|greatest|leading|leads?|maximum|high\s+point|max|peak(?:ed|s|ing)?|top[\s-]selling|best[\s-]selling|bestselling|top[\s-]performing|best[\s-]performing|priciest|costliest|dearest)\b/i
const ASC_RE =
  /\b(?:bottom|worst|lowest|least|weakest|smallest|fewest|minimum|min|poorest|low\s+point|trough|slowest|worst[\s-]selling|worst[\s-]performing|underperform\w*|cheapest)\b/i
const PLACE_RE =
  /\b(?:who|which|what)(?:'s|s|\s+(?:is|was|came|comes|one|one's|ones))?\s+(?:\w+\s+)?(last|first)\b(?!\s+(?:month|quarter|year|week|half|time))/
const RANK_WORD_RE = /^(?:top|tops|bottom|bottoms|best|worst|highest|lowest|most|least)$/
/** Doing against a plan: over, under, ahead of, behind, beat, missed. */
const PERFORMANCE_RE =
  /\b(?:over|under|above|below|ahead\s+of|behind|beat|beating|missed|miss|exceed(?:ed|ing)?|short\s+of)\s+(?:the\s+|our\s+)?(?:budget|bud|plan|target|forecast|fcst)\b|\b(?:doing|tracking|performing|landing|coming\s+in)\b[^.?!]{0,20}\b(?:vs\.?|versus|against|compared\s+(?:to|with)|relative\s+to)\s+(?:the\s+|our\s+)?(?:budget|bud|plan|target)\b/
const FLIP_RE =
  /\b(?:flip|flipped|reverse|reversed|invert|inverted|upside\s+down)\b|\bthe\s+other\s+way(?:\s+a?round)?\b|\bturn\s+(?:it|that|them)\s+(?:a?round|over)\b/i
const ORDER_RE = /\b(?:rank|ranked|ranking|order|ordered|sort|sorted|league\s+table)\b/i
const ASCENDING_RE =
  /\bascending\b|\b(?:lowest|smallest|worst|least|low)\s+(?:first|to\s+(?:highest|largest|biggest|best|most|high))\b|\bbottom\s+up\b/i
const NOT_RANKING_RE =
  /\bat\s+(?:least|most)\b|\bmost\s+recent\b|\btop\s+line\b|\b(?:best|worst)[\s-]case\b|\bmost\s+likely\b/gi
const CHART_RE =
  /\b(?:as|in|on|into)\s+(?:a\s+)?(?:line\s+|bar\s+|pie\s+|column\s+)?(?:graph|chart|plot|visual)\b|\b(?:graph|chart|plot|visuali[sz]e|draw)\s+(?:it|that|this|them)\b|\b(?:it|that|this|them)\s+an?\s+(?:line\s+|bar\s+)?(?:graph|chart|plot)\b|\bgraphically\b/i
const TABLE_RE =
  /\b(?:as|in|into)\s+(?:a\s+)?table\b|\b(?:it|that|this|them)\s+a\s+table\b|\btabular\b|\btabulate\b/i
const TEXT_RE = /\b(?:as|in)\s+(?:text|words|a\s+sentence)\b|\bjust\s+the\s+number\b/i
const FOLLOW_UP_RE =
  /^(?:and|what\s+about|how\s+about|now|ok|okay|also|then|same|but|what\s+if|and\s+what\s+about|for)\b|\binstead\b|\bsame\b|\b(?:that|the\s+same)\s+(?:one|region|product|period|month|mth|quarter|qtr|year|yr|version|figure|number|list|item)\b|\bthose\b|\b(?:break|split)\s+(?:that|it|this|them)\b|\b(?:show|make|turn|put|give)\s+(?:it|that|this|them)\b|\b(?:for|of)\s+(?:that|it|those)\s*[?.!]*$|\bthe\s+other\s+way\b|\bflip\b|\breverse\b/i
// A question may follow a first sentence or a word of chat: "ugh mondays. whats the time in
// tokyo", "also whats the weather in london".
const ASKING_RE =
  /\?|(?:^|[.!;,]\s+|\s[-–—]+\s+)(?:(?:also|and|ok|okay|so|btw|hey|um|oh|quick\s+one)[\s,]+)?(?:what|whats|what's|which|who|whos|how|hows|wheres|show|give|tell|list|get|display|pull|compare|rank|order|sort|break|split|why|where|when|is|are|was|were|did|do|does|can|could|would|will|has|have|had)\b|\b(?:how\s+(?:much|many|did|does|is|are|was|were)|what\s+(?:is|was|are|were|did)|tell\s+me|show\s+me|give\s+me|i\s+need|i\s+want|let\s+me\s+see)\b/i
const PERIOD_DETERMINER_RE =
  /\b(?:(?:for|in|over|during|of|across|through(?:out)?)\s+the|this|that|next|last|full|whole|entire|current|same)\s+$/i
/** Words of spending money: of several measures a vague word fits, the cost one. */
const COST_WORD_RE = /\b(?:spend|spends|spending|spent|cost|costs|costing|bill|bills)\b/
const LEVEL_WORD_RE =
  /\b(months?|mths?|monthly|quarters?|qtrs?|quarterly|halves|half|years?|yrs?|fy|yearly|weeks?)\b/gi

function levelOf(word: string): TimeLevel {
  const w = word.toLowerCase()
  if (w.startsWith('quarter') || w.startsWith('qtr')) return 'quarter'
  if (w.startsWith('hal')) return 'half'
  if (w.startsWith('year') || w.startsWith('yr') || w === 'fy') return 'year'
  return 'month'
}

function covered(t: Span, spans: readonly Span[]): boolean {
  return spans.some((s) => t.start < s.end && t.end > s.start)
}

const LIMIT_NUMBER = '(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twenty)'
const LIMIT_AFTER_RE = new RegExp(
  `\\b(?:top|bottom|best|worst|highest|lowest|biggest|smallest|largest|weakest|strongest|first|last)\\s+${LIMIT_NUMBER}\\b`,
  'i',
)
/** "all four, best to worst": every one of that many. */
const LIMIT_ALL_RE = new RegExp(`\\ball\\s+(?:the\\s+)?${LIMIT_NUMBER}\\b`, 'i')
const LIMIT_BEFORE_RE = new RegExp(
  `\\b${LIMIT_NUMBER}\\s+(?:best|worst|top|bottom|highest|lowest|biggest|smallest|largest|weakest|strongest|leading|most|least)\\b`,
  'i',
)

function limitOf(lc: string): number | undefined {
  const m = LIMIT_AFTER_RE.exec(lc) ?? LIMIT_BEFORE_RE.exec(lc) ?? LIMIT_ALL_RE.exec(lc)
  if (!m?.[1]) return undefined
  const n = /^\d+$/.test(m[1]) ? Number(m[1]) : NUMBER_WORDS[m[1].toLowerCase()]
  return n && n > 0 ? n : undefined
}

export function readText(
  text: string,
  catalog: ModelCatalog,
  options: { anchor?: CatalogPeriod } = {},
): Reading {
  const lc = text.toLowerCase()
  const cues = readCues(lc)
  const periods = readPeriods(text, catalog, {
    pairs: cues.explain || cues.compare,
    ...(options.anchor ? { anchor: options.anchor } : {}),
  })
  const spans: Span[] = [...periods.spans]
  const tokens = tokenize(text)
  const reading: Reading = {
    lc,
    measures: [],
    items: [],
    versions: [],
    periods,
    dims: [],
    cues,
    unresolved: periods.unresolved.map((p) => ({ text: p, expected: 'period' as const })),
    named: periods.points.length,
  }
  const typos: { li: CatalogLineItem; text: string }[] = []
  const measureSpans: { li: CatalogLineItem; start: number; end: number }[] = []
  const addMeasure = (li: CatalogLineItem) => {
    if (!reading.measures.some((m) => m.id === li.id)) reading.measures.push(li)
  }
  const addVersion = (v: CatalogVersion) => {
    if (!reading.versions.some((x) => x.id === v.id)) reading.versions.push(v)
  }
  for (const m of entityIndex(catalog).find(text, periods.spans)) {
    const words = lc.slice(m.start, m.end)
    // A typo reading of an everyday word ("most" for a line item "Cost") is no name.
    if (m.score < 1 && words.split(/\s+/).every((w) => FILLER.has(w) || STOPWORDS.has(w))) continue
    // "alice martin's salary": a possessive is somebody's name, never a typo of a measure
    // ("martin's" is no Margin).
    if (m.score < 1 && m.kind === 'lineItem' && /['’]s\b/.test(text.slice(m.start, m.end + 2))) continue
    // "top 3 stores": neither "top" (a list item "Tops") nor "3" (an item "#3") names an item.
    if (m.kind === 'listItem' && (/^\d+$/.test(words) || (cues.ranking && RANK_WORD_RE.test(words)))) continue
    if (m.kind === 'lineItem') {
      const li = lineItemByName(catalog, m.value)
      if (m.score < 1 && li) typos.push({ li, text: lc.slice(m.start, m.end) })
      // "margin %" typed with its sign, or "margin percent": the percentage, not a rival.
      const asPercent = li && /%/.test(li.name) && PERCENT_AFTER_RE.test(lc.slice(m.end))
      const rivals = li && !asPercent ? rivalsOf(li, words, catalog) : []
      // "margin" folds onto "Margin %" but is also the Gross Margin: ask which, never pick one.
      if (li && rivals.length && !reading.measureChoices) reading.measureChoices = [li, ...rivals]
      else if (li) {
        addMeasure(li)
        measureSpans.push({ li, start: m.start, end: m.end })
      }
    } else if (m.kind === 'listItem' && m.dimension) {
      const list = listByName(catalog, m.dimension)
      const item = list ? itemOf(list, m.value) : undefined
      if (!list || !item) continue
      const others = m.alternatives
        .filter((a) => a.kind === 'listItem' && a.dimension && a.dimension !== m.dimension)
        .map((a) => {
          const l = listByName(catalog, a.dimension as string)
          const i = l ? itemOf(l, a.value) : undefined
          return l && i ? { listId: l.id, item: i } : undefined
        })
        .filter((x) => x !== undefined)
      if (others.length && !reading.itemChoices)
        reading.itemChoices = { text: m.text, options: [{ listId: list.id, item }, ...others] }
      reading.items.push({ listId: list.id, item, start: m.start, ...(m.score < 1 ? { typo: true } : {}) })
    } else if (m.kind === 'version') {
      const v = catalog.versions.find((x) => x.name === m.value)
      if (v) addVersion(v)
    } else if (m.kind === 'list') {
      const list = listByName(catalog, m.value)
      if (list)
        reading.dims.push({
          ref: { id: list.id, name: list.name, kind: 'list' },
          plural: /s\b/i.test(m.text) && !/ss\b/i.test(m.text),
          start: m.start,
          afterBy: /\b(?:by|per|each|every|split|down)\s+(?:the\s+)?$/i.test(lc.slice(0, m.start)),
        })
    } else if (m.kind === 'dimension' && m.value === 'Versions') {
      reading.dims.push({ ref: VERSIONS_REF, plural: true, start: m.start, afterBy: false })
    } else continue
    spans.push({ start: m.start, end: m.end })
    reading.named++
  }
  if (!reading.measures.length && !reading.measureChoices) scatteredName(tokens, spans, reading, catalog)
  // "how many widgets in emea": the things themselves counted, their units.
  if (
    !reading.measures.length &&
    !reading.measureChoices &&
    reading.items.some((i) => HOW_MANY_RE.test(lc.slice(0, i.start)))
  ) {
    const units = MEASURE_SYNONYMS.find((g) => g.names.includes('Units'))
    const fits = new Set(units?.names.map((n) => lineItemByName(catalog, n)).filter((x) => x !== undefined))
    if (fits.size === 1) addMeasure([...fits][0] as CatalogLineItem)
  }
  // "unit price", "revenue growth target": a name right before another only qualifies it; the
  // last of the run is the one meant, as in any English compound.
  for (const a of measureSpans)
    if (measureSpans.some((b) => b.li.id !== a.li.id && b.start > a.end && !lc.slice(a.end, b.start).trim()))
      reading.measures = reading.measures.filter((x) => x.id !== a.li.id)
  topLevelWords(tokens, spans, reading, catalog)
  numberedItems(tokens, spans, reading, catalog)
  initialledItems(tokens, spans, reading, catalog)
  abbreviations(tokens, spans, reading, catalog)
  // Everyday words for measures and versions, for what the names did not cover.
  const free = tokens.filter((t) => !covered(t, spans))
  // Everyday words for measures this model lacks ("spend" in a plan with only Salary Cost): named
  // back only if no measure is named at all ("how much did finance spend on salaries" names one).
  const vagueMisses: Unresolved[] = []
  let vagueWord = ''
  for (const t of free) {
    const parts = t.raw.toLowerCase().split('-')
    const next = free.find((x) => x.start > t.end && lc.slice(t.end, x.start).trim() === '')
    const bigram = next ? `${parts.at(-1)} ${next.raw.toLowerCase()}` : ''
    // "what do widgets go for" is a price; "go for it" is an idiom, not one.
    const idiom = /\bfor$/.test(bigram) && PRONOUN_RE.test(lc.slice(next?.end ?? 0))
    const group = idiom ? undefined : MEASURE_SYNONYMS.find((g) => g.words.includes(bigram))
    // "what do sprockets cost" asks a price: cost as the verb of a thing, not the costs of a plan.
    const costVerb = t.norm === 'cost' && COST_VERB_RE.test(lc.slice(0, t.end))
    // "how many sprockets did LATAM move": a trade verb after "how many" counts units sold.
    const countVerb = COUNT_VERBS.has(t.raw.toLowerCase()) && /\bhow\s+many\b/.test(lc.slice(0, t.start))
    // "how much more did APAC make than EMEA": money made is revenue, unless "make it a chart".
    // Said of something the model sells or a place it sells in ("did APAC make"), or after "how
    // much": "how do i make a good risotto" makes nothing of the model.
    const moneyVerb =
      MONEY_VERBS.has(t.raw.toLowerCase()) &&
      !PRONOUN_RE.test(lc.slice(t.end)) &&
      (MONEY_SUBJECT_RE.test(lc.slice(0, t.start)) ||
        reading.items.some(
          (i) => i.start < t.start && /^[\w\s-]*$/.test(lc.slice(i.start, t.start)) && t.start - i.start < 40,
        ))
    // "what does engineering cost" in a plan with no price: what it costs is its cost.
    const priced = catalog.lineItems.some((li) => /\bprice\b/i.test(li.name))
    const single =
      costVerb && priced
        ? MEASURE_SYNONYMS.find((g) => g.names.includes('Price'))
        : countVerb
          ? MEASURE_SYNONYMS.find((g) => g.names.includes('Units'))
          : moneyVerb
            ? MEASURE_SYNONYMS.find((g) => g.names.includes('Revenue'))
            : MEASURE_SYNONYMS.find((g) => parts.some((p) => g.words.includes(p)))
    const hit = group ?? single
    if (hit) {
      let fits = hit.names.map((n) => lineItemByName(catalog, n)).filter((x) => x !== undefined)
      // "total cost for sales" in a plan whose only cost is Salary Cost: the line items that
      // carry the broad word in their name.
      if (!fits.length && hit.broad)
        fits = catalog.lineItems.filter(
          (li) =>
            li.format.toUpperCase() === 'NUMBER' &&
            // An amount that adds up (Salary Cost), never a rate (Cost Rate).
            li.summary === 'SUM' &&
            li.name
              .toLowerCase()
              .split(/[^\p{L}]+/u)
              .some((w) => hit.words.includes(w)),
        )
      let unique = [...new Map(fits.map((f) => [f.id, f])).values()]
      // "sales" in a plan with no line item called sales is the money or the units sold: asked,
      // never guessed (three of four hand-written sets' writers read it as ambiguous).
      if (
        !group &&
        /^sales?$/i.test(t.raw) &&
        unique.length === 1 &&
        !/\bsales?\b/i.test(unique[0]?.name ?? '') &&
        // "sales channels", "sales team": a word describing a list, no measure asked.
        !catalog.lists.some((l) =>
          lc.slice(t.end).trimStart().startsWith(l.name.toLowerCase().replace(/s$/, '')),
        )
      ) {
        const units = MEASURE_SYNONYMS.find((g) => g.names.includes('Units'))
        const sold = units?.names.map((n) => lineItemByName(catalog, n)).find((x) => x !== undefined)
        if (sold) unique = [...unique, sold]
      }
      if (unique.length === 1)
        unique = [...unique, ...alsoMeant(unique[0] as CatalogLineItem, t.raw, hit, catalog, cues.total)]
      if (unique.length > 1) unique = narrowedBy(tokens[tokens.indexOf(t) - 1], unique)
      // "margin %", "margin percent": the line item that is the percentage.
      if (unique.length > 1 && PERCENT_AFTER_RE.test(lc.slice(t.end))) {
        const pct = unique.filter((li) => /%|percent/i.test(li.name))
        if (pct.length === 1) unique = pct
      }
      // A line item named outright wins: "spend on travel" is Travel, not Total Expenses too.
      const direct = reading.measures.length > 0
      if (direct) {
        // the everyday word only describes the named measure
      } else if (unique.length === 1) addMeasure(unique[0] as CatalogLineItem)
      else if (unique.length > 1 && !reading.measures.length) {
        reading.measureChoices = unique
        vagueWord = t.raw.toLowerCase()
      } else if (!unique.length && !parts.some((p) => FILLER.has(p)))
        vagueMisses.push({
          text: t.raw,
          expected: 'measure',
          near: nearNames(
            catalog.lineItems.map((l) => l.name),
            t.raw,
          ),
        })
      spans.push({ start: t.start, end: group && next ? next.end : t.end })
      if (unique.length) reading.named++
      continue
    }
    const vg = VERSION_SYNONYMS.find((g) => g.words.includes(t.norm) || g.words.includes(t.raw.toLowerCase()))
    // "actually, forget it": the adverb that opens a sentence or a clause names no version.
    const discourse =
      /^actually$/i.test(t.raw) &&
      (/(?:^|[,.;:!?])\s*$/.test(lc.slice(0, t.start)) || /^\s*,/.test(lc.slice(t.end)))
    // "plan" names no version of a model without one: of its plans (Budget, Forecast), asked which.
    const plans = /^plans?$/i.test(t.raw) && !catalog.versions.some((x) => /^plans?$/i.test(x.name))
    const planned = plans ? catalog.versions.filter((x) => !x.isActual) : []
    // "the Outlook version": a capitalised word for a version, called a version, names one by its
    // name; a model without it has none, so it is named back, not read as Forecast.
    const named =
      vg &&
      /^\p{Lu}/u.test(t.raw) &&
      /^\s+(?:version|scenario)\b/i.test(lc.slice(t.end)) &&
      !catalog.versions.some((x) => x.name.toLowerCase() === t.raw.toLowerCase())
    if (named) {
      reading.unresolved.push({ text: t.raw, expected: 'version' })
      spans.push({ start: t.start, end: t.end })
    } else if (vg && !discourse && planned.length >= 2) {
      reading.versionChoices = { text: t.raw, options: planned, against: false }
      spans.push({ start: t.start, end: t.end })
      reading.named++
    } else if (vg && !discourse) {
      const v = vg.names
        .map((n) => catalog.versions.find((x) => x.name.toLowerCase() === n.toLowerCase()))
        .find((x) => x !== undefined)
      if (v) {
        addVersion(v)
        if (v.name.toLowerCase() !== t.raw.toLowerCase()) reading.versionWords = true
        spans.push({ start: t.start, end: t.end })
        reading.named++
      }
    }
  }
  if (!reading.measures.length && !reading.measureChoices) reading.unresolved.push(...vagueMisses)
  // "how much are we spending on salaries": of Salary Cost and Average Salary, the cost.
  // Only when the cost is said apart from the vague word: "spend" alone still asks which cost.
  if (
    reading.measureChoices &&
    !reading.measures.length &&
    COST_WORD_RE.test(lc) &&
    !COST_WORD_RE.test(vagueWord)
  ) {
    const costs = reading.measureChoices.filter((li) => /\b(?:costs?|expenses?|spend)\b/i.test(li.name))
    if (costs.length === 1) {
      addMeasure(costs[0] as CatalogLineItem)
      delete reading.measureChoices
    }
  }
  for (const m of text.matchAll(LEVEL_WORD_RE)) {
    const span = { start: m.index, end: m.index + m[0].length }
    if (covered(span, periods.spans)) continue
    const word = m[1] ?? ''
    if (/^weeks?$/i.test(word)) continue
    // "for the year", "this quarter": a period named, not a level asked per.
    const before = lc.slice(0, span.start)
    const periodNamed = /^(?:year|yr|fy)$/i.test(word)
      ? !/\b(?:by|per|each|every|which|what|over|on)\s+$/i.test(before) &&
        !/^\s*(?:by|over|on)\s+year\b/i.test(lc.slice(span.end))
      : /^(?:quarter|qtr|month|mth|half)$/i.test(word) && PERIOD_DETERMINER_RE.test(before)
    if (periodNamed) {
      spans.push(span)
      // "for the yr" in a calendar of one year is that year (a follow-up then leaves Q1 for it).
      const year = /^(?:year|yr|fy)$/i.test(word) && !periods.selector ? defaultYear(catalog) : undefined
      if (year) {
        periods.selector = { kind: 'items', items: [{ id: year.id, name: year.name }] }
        periods.points.push(year)
        reading.named++
      }
      continue
    }
    reading.dims.push({
      ref: TIME_REF,
      plural: /s$/i.test(word) || /ly$/i.test(word),
      start: span.start,
      level: levelOf(word),
      afterBy: /\b(?:by|per|each|every|across|split|down)\s+(?:the\s+)?$/i.test(lc.slice(0, span.start)),
    })
    spans.push(span)
  }
  // "budget version": the word after a named version is no breakdown by version.
  if (reading.versions.length)
    reading.dims = reading.dims.filter(
      (d) => d.ref.kind !== 'version' || d.afterBy || !/^version\b/i.test(text.slice(d.start)),
    )
  reading.dims.sort((a, b) => a.start - b.start)
  // "are we ahead of budget", "variance to plan": the current version against the one named.
  if (reading.versionChoices) reading.versionChoices.against = AGAINST_VERSION_RE.test(lc)
  const only = reading.versions.length === 1 ? reading.versions[0] : undefined
  if (only && AGAINST_VERSION_RE.test(lc)) {
    const base = defaultVersion(catalog)
    // "is sales over budget" where Budget is the current version: how Actual did against it
    // (a plain "vs fcst" in a Forecast model still compares with the last answer's version).
    // "why did sprockets revenue come in under budget": what came in is Actual.
    const came = /\bc[ao]me\s+in\b|\bland(?:ed|ing)\b|\bended\s+up\b/.test(lc)
    const version =
      came && !only.isActual
        ? catalog.versions.find((v) => v.isActual)
        : base && base.id === only.id
          ? PERFORMANCE_RE.test(lc)
            ? catalog.versions.find((v) => v.isActual)
            : undefined
          : base && catalog.versions.find((v) => v.id === base.id)
    if (version && version.id !== only.id) {
      reading.versions.unshift(version)
      reading.versionAdded = true
      cues.compare = true
    }
  }
  // "total expenses split across the regions": "total" in a measure's own name asks no total.
  if (cues.total && reading.measures.some((li) => /\btotal\b/i.test(li.name))) {
    let rest = lc
    for (const li of reading.measures) rest = rest.split(li.name.toLowerCase()).join(' ')
    if (!TOTAL_RE.test(rest)) cues.total = false
  }
  // "is emea travel actual running over budget": the two versions named, compared.
  if (reading.versions.length >= 2 && PERFORMANCE_RE.test(lc)) cues.compare = true
  reading.unresolved.push(...leftovers(tokens, spans, reading, catalog))
  // "revenue excluding emea", "drop gizmos": the items left out, never the figure with them in.
  excludedItems(reading, text)
  if (!reading.whole && !reading.items.length && OVERALL_RE.test(lc)) reading.whole = true
  const strays = tokens.filter(
    (t) => !covered(t, spans) && !FILLER.has(t.raw.toLowerCase()) && !STOPWORDS.has(t.raw.toLowerCase()),
  )
  if (!cues.followUp && !cues.presentation && strays.length >= 2) onlyTypos(reading, typos, tokens.length)
  return reading
}

/** Words right before an item that leave it out: "excluding", "without", "drop", "take out". */
const LEAVE_OUT_RE =
  /\b(?:excluding|exclude|excl\.?|except(?:\s+for)?|without|minus|other\s+than|apart\s+from|but\s+not|not\s+counting|leaving\s+out|leave\s+out|ex|drop|remove|take\s+out|hide|get\s+rid\s+of|skip|ignore|cut\s+out|strip\s+out)\s+(?:the\s+|out\s+)?$/
/** Between two items left out together: "without emea and apac". */
const ALSO_OUT_RE = /^\s*(?:,|and|or|&|nor)\s+(?:the\s+)?$/

function excludedItems(reading: Reading, text: string): void {
  const sorted = [...reading.items].filter((i) => i.start >= 0).sort((a, b) => a.start - b.start)
  const out: typeof sorted = []
  for (const i of sorted) {
    const last = out.at(-1)
    const before = reading.lc.slice(0, i.start)
    const chained =
      last &&
      last.listId === i.listId &&
      ALSO_OUT_RE.test(reading.lc.slice(last.start + last.item.name.length, i.start).replace(/^\S*/, ''))
    if (LEAVE_OUT_RE.test(before) || chained) out.push(i)
  }
  const first = out[0]
  if (!first) return
  const same = out.filter((i) => i.listId === first.listId)
  const at = reading.lc.slice(0, first.start).search(LEAVE_OUT_RE)
  reading.excluded = {
    listId: first.listId,
    items: same.map((i) => i.item),
    text:
      text
        .slice(Math.max(0, at))
        .trim()
        .split(/[,.;?!]/)[0] ?? '',
  }
  reading.items = reading.items.filter((i) => !same.includes(i))
}

/**
 * A line item of several words named with its words apart or in another order ("what month does
 * the forecast start from" is Forecast Start Month): every word of its name is in the sentence.
 * Taken only when one name fits so, and its words then name nothing else (Forecast is no version
 * there).
 */
function scatteredName(
  tokens: readonly Token[],
  spans: Span[],
  reading: Reading,
  catalog: ModelCatalog,
): void {
  const words = new Map<string, Token[]>()
  for (const t of tokens) words.set(t.norm, [...(words.get(t.norm) ?? []), t])
  const nameWords = (name: string) =>
    tokenize(name)
      .map((t) => t.norm)
      .filter((w) => !STOPWORDS.has(w))
  const fits = catalog.lineItems.filter((li) => {
    const ws = nameWords(li.name)
    return ws.length >= 2 && ws.every((w) => words.has(w))
  })
  const longest = Math.max(0, ...fits.map((li) => nameWords(li.name).length))
  const best = fits.filter((li) => nameWords(li.name).length === longest)
  const li = best.length === 1 ? best[0] : undefined
  if (!li) return
  const own = new Set(nameWords(li.name))
  const taken = [...own].flatMap((w) => words.get(w) ?? [])
  reading.measures.push(li)
  reading.named++
  spans.push(...taken.map((t) => ({ start: t.start, end: t.end })))
  const mine = (name: string) => tokenize(name).every((t) => own.has(t.norm))
  reading.versions = reading.versions.filter((v) => !mine(v.name))
  reading.items = reading.items.filter((i) => !mine(i.item.name))
}

/**
 * A sentence whose only tie to the model is a misspelt measure ("who wrote pride and prejudice"
 * for Price) is not about the model: the typo is an everyday word, named back, never a figure.
 */
function onlyTypos(reading: Reading, typos: { li: CatalogLineItem; text: string }[], words: number): void {
  if (!typos.length || words < 3 || reading.named > typos.length || reading.periods.points.length) return
  if (reading.items.length || reading.versions.length || reading.dims.length) return
  const ids = new Set(typos.map((x) => x.li.id))
  reading.measures = reading.measures.filter((m) => !ids.has(m.id))
  if (reading.measureChoices?.some((m) => ids.has(m.id))) delete reading.measureChoices
  if (reading.measures.length) return
  reading.named = 0
  for (const x of typos) reading.unresolved.push({ text: x.text, expected: 'measure', near: [x.li.name] })
}

/**
 * Other line items a synonym may mean as well: those that carry the typed word in their name
 * ("salary" is the Average Salary and the Salary Cost), and for a broad word on a total, the
 * line items beside it in its module summed the same way ("costs": Salaries, Travel).
 */
function alsoMeant(
  li: CatalogLineItem,
  typed: string,
  group: (typeof MEASURE_SYNONYMS)[number],
  catalog: ModelCatalog,
  total: boolean,
): CatalogLineItem[] {
  const word = typed.toLowerCase()
  const stems = [word, word.replace(/ies$/, 'y'), word.replace(/s$/, '')]
  const inName = (o: CatalogLineItem) =>
    o.name
      .toLowerCase()
      .split(/[^\p{L}]+/u)
      .some((w) => stems.includes(w))
  const carry = catalog.lineItems.filter(
    (o) => o.id !== li.id && o.format.toUpperCase() === 'NUMBER' && inName(o),
  )
  if (carry.length) return carry
  // "total costs", "all our spend": the total it falls on.
  if (!group.broad || inName(li) || total) return []
  return catalog.lineItems.filter(
    (o) =>
      o.id !== li.id &&
      o.moduleId === li.moduleId &&
      o.format.toUpperCase() === 'NUMBER' &&
      o.summary === li.summary &&
      o.timeSummary === li.timeSummary,
  )
}

function readCues(lc: string): Cues {
  const rankText = lc.replace(NOT_RANKING_RE, ' ')
  const desc = DESC_RE.test(rankText)
  const asc = ASC_RE.test(rankText)
  const order = ORDER_RE.test(rankText)
  const cues: Cues = {
    explain: EXPLAIN_RE.test(lc),
    // "revenue growth q1 to q2", "how did units change from may to june": the difference between
    // two points, never their sum; "how much more … than …" likewise.
    compare:
      COMPARE_RE.test(lc) || (moves(lc) && SPAN_RE.test(lc)) || MORE_THAN_RE.test(lc) || OR_MORE_RE.test(lc),
    share: SHARE_RE.test(lc),
    // "total salary cost … over the year": the year's total, not a series through it.
    trend: TREND_RE.test(TOTAL_RE.test(lc) || COMBINE_RE.test(lc) ? lc.replace(OVER_THE_YEAR_RE, ' ') : lc),
    breakdown: BREAKDOWN_RE.test(lc),
    total: TOTAL_RE.test(lc),
    followUp: FOLLOW_UP_RE.test(lc.trim()),
    asking: ASKING_RE.test(lc.trim()),
  }
  if (moves(lc) && SPAN_RE.test(lc) && !COMPARE_RE.test(lc)) cues.moveSpan = true
  if (COMBINE_RE.test(lc) || (cues.total && BOTH_RE.test(lc))) cues.combine = true
  if (WHEN_RE.test(lc)) cues.when = true
  // "headcount dropped between feb and mar - which departments?": the move split over them.
  if (!cues.explain && moves(lc) && SPAN_RE.test(lc) && /\b(?:which|what)\s+[a-z]+s\b/.test(lc)) {
    cues.explain = true
    cues.compare = false
  }
  // "ok flip it, whos last": the bottom one; "who came first": the top one.
  const place = PLACE_RE.exec(rankText)?.[1]
  if (place && !desc && !asc) {
    cues.ranking = { order: place === 'last' ? 'asc' : 'desc', explicitOrder: true, limit: 1 }
  } else if (desc || asc || order) {
    // "lowest to highest" says both words and one order.
    const ascOrder = ASCENDING_RE.test(lc) || (asc && !desc)
    const limit = limitOf(rankText)
    cues.ranking = {
      order: ascOrder ? 'asc' : 'desc',
      explicitOrder: desc || asc,
      ...(limit ? { limit } : {}),
    }
  }
  // "which is bigger", "which one was lower": the one of the named items, as a ranking of them.
  const which = WHICH_COMPARATIVE_RE.exec(lc.trim())
  if (which && !cues.ranking) {
    cues.ranking = {
      order: /^(?:smaller|lower|less|fewer|worse)$/.test(which[1] ?? '') ? 'asc' : 'desc',
      explicitOrder: true,
      limit: 1,
    }
    cues.compare = false
  }
  if (FLIP_RE.test(lc)) cues.flip = true
  if (CHART_RE.test(lc)) cues.presentation = 'chart'
  else if (TABLE_RE.test(lc)) cues.presentation = 'table'
  else if (TEXT_RE.test(lc)) cues.presentation = 'text'
  if (cues.ranking && !cues.explain) {
    const rise = RISE_RE.test(rankText)
    const fall = FALL_RE.test(rankText)
    const moved = rise || fall || CHANGE_RE.test(rankText)
    if (moved) {
      cues.explain = true
      cues.changeRanking = rise && !fall ? 'rise' : fall && !rise ? 'fall' : 'change'
    }
  }
  return cues
}

/**
 * Words no name, period, synonym or everyday word accounts for, where a name would stand: after
 * "in/for/at…", next to a list's word ("the Narnia region"), or capitalised mid-sentence.
 */
/**
 * "across the company", "for the whole region": the word a list's top item is named after ("Total
 * Company", "All Regions") after "the", with no item of that list named, is that top item.
 */
/** Words of the whole plan, after a question about one part of it ("how's it trending overall"). */
const OVERALL_RE =
  /\b(?:overall|across\s+the\s+board|company[\s-]wide|all\s+up|for\s+everything|in\s+general)\b/

/** Words for the whole of a plan, when no list is named so. */
const WHOLE_WORDS = new Set(['company', 'business', 'org', 'organisation', 'organization', 'firm', 'group'])

function topLevelWords(
  tokens: readonly Token[],
  spans: Span[],
  reading: Reading,
  catalog: ModelCatalog,
): void {
  let matchedWhole = false
  for (const l of catalog.lists) {
    const top = l.topLevelItem
    const rest = top && /^(?:total|all)\s+(.+)$/i.exec(top.name)?.[1]?.toLowerCase()
    if (!top || !rest || reading.items.some((i) => i.listId === l.id)) continue
    const t = tokens.find(
      (x) =>
        !covered(x, spans) &&
        (x.raw.toLowerCase().replace(/'s$/, '') === rest ||
          x.raw.toLowerCase().replace(/-?wide$/, '') === rest) &&
        (/\b(?:the|whole|entire|our)\s+$/.test(reading.lc.slice(0, x.start)) ||
          /-?wide$/i.test(x.raw) ||
          Boolean(wide(tokens, x))),
    )
    // "what % is gadgets, across all regions": a share or a total over all of a list is of its
    // top item (Total Regions), as "all products" is All Products; never a breakdown of it.
    const all =
      (reading.cues.share || reading.cues.total) &&
      reading.dims.find(
        (d) =>
          d.ref.id === l.id &&
          // "across every product and region": each list of the run at its top ("across" reads
          // as a breakdown word, but not after "all" or "every" in a total).
          // "for each region" stays one figure per region; "all in, every product every region"
          // is the total over both.
          (!d.afterBy ||
            /\b(?:all|every)\s+(?:the\s+|our\s+)?(?:[\w-]+\s*(?:and|&|,)\s+)?$/.test(
              reading.lc.slice(0, d.start),
            )) &&
          (/\b(?:across|over|for|in|of)\s+(?:all|every)\s+(?:the\s+|of\s+the\s+|our\s+)?(?:[\w-]+\s*(?:and|&|,)\s+)?$/.test(
            reading.lc.slice(0, d.start),
          ) ||
            /(?:^|[,;]\s*|\bevery\s+[\w-]+\s+)every\s+(?:[\w-]+\s*(?:and|&|,)\s+)?$/.test(
              reading.lc.slice(0, d.start),
            )),
      )
    if (all) {
      reading.dims = reading.dims.filter((d) => d !== all)
      reading.items.push({ listId: l.id, item: top, start: all.start })
      continue
    }
    if (!t) continue
    matchedWhole = true
    reading.items.push({ listId: l.id, item: top, start: t.start })
    spans.push({ start: t.start, end: wide(tokens, t)?.end ?? t.end })
    reading.named++
  }
  // "total opex for the company" where no list's top is the company (Sales Forecast has Total
  // Regions): the model as a whole, every list at its total. Named, so never named back.
  if (matchedWhole) return
  const whole = tokens.find(
    (x) =>
      !covered(x, spans) &&
      ((WHOLE_WORDS.has(x.raw.toLowerCase().replace(/'s$/, '')) &&
        (/\b(?:the|whole|entire|our|all|total)\s+$/.test(reading.lc.slice(0, x.start)) ||
          Boolean(wide(tokens, x)))) ||
        WHOLE_WORDS.has(x.raw.toLowerCase().replace(/-?wide$/, ''))),
  )
  if (whole) {
    reading.whole = true
    spans.push({ start: whole.start, end: wide(tokens, whole)?.end ?? whole.end })
    reading.named++
  }
}

/** "company wide", "org-wide": the token "wide" right after the whole's word. */
function wide(tokens: readonly Token[], x: Token): Token | undefined {
  const next = tokens[tokens.indexOf(x) + 1]
  return next && next.norm === 'wide' && next.start - x.end <= 1 ? next : undefined
}

/**
 * A misspelt everyday word ("wich", "waht", "pleae"): one slip (a letter missed, added, changed or
 * two swapped) from a filler word of five letters or more. It names nothing, so it is not named
 * back. Symmetric deletions, one deep: the name index allows no typo in a word of four letters
 * and two in long ones ("flanges" would pass for "changes"), so it is not the right tool here.
 */
function fillerTypo(w: string): boolean {
  if (w.length < 3) return false
  // Two letters swapped ("lsit", "waht", "teh"): a slip no deletion reaches.
  for (let i = 0; i + 1 < w.length; i++) {
    const swapped = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)
    if (swapped !== w && (FILLER.has(swapped) || STOPWORDS.has(swapped))) return true
  }
  if (w.length < 4) return false
  if (FILLER_SLIPS.has(w)) return true
  for (let i = 0; i < w.length; i++) if (FILLER_SLIPS.has(w.slice(0, i) + w.slice(i + 1))) return true
  return false
}

/** Long filler words and each of them with one letter deleted. */
const FILLER_SLIPS = new Set<string>()
for (const f of [...FILLER, ...STOPWORDS]) {
  if (f.length < 5 || !/^[a-z]+$/.test(f)) continue
  FILLER_SLIPS.add(f)
  for (let i = 0; i < f.length; i++) FILLER_SLIPS.add(f.slice(0, i) + f.slice(i + 1))
}

function leftovers(tokens: Token[], spans: Span[], reading: Reading, catalog: ModelCatalog): Unresolved[] {
  const out: Unresolved[] = []
  const listWords = new Map<string, string>()
  for (const l of catalog.lists) {
    listWords.set(l.name.toLowerCase(), l.name)
    listWords.set(singular(l.name), l.name)
  }
  const known = (t: Token, i: number) => {
    const w = t.raw.toLowerCase().replace(/'s$/, '')
    const after = (tokens[i - 1]?.raw ?? '').toLowerCase()
    if (/^\d+$/.test(w) && listWords.has(after)) return false
    // "at the end of the year", "year-end": when in the period, which the period words say.
    // "the total of both": the last two things said, never a name.
    if (w === 'both') return true
    if ((w === 'end' || w === 'start' || w === 'beginning') && PERIOD_EDGE_RE.test(reading.lc.slice(t.start)))
      return true
    if (w === 'end' && /\b(?:year|quarter|month|period)[\s-]$/.test(reading.lc.slice(0, t.start))) return true
    return (
      FILLER.has(w) ||
      FILLER.has(t.norm) ||
      STOPWORDS.has(w) ||
      fillerTypo(w) ||
      listWords.has(w) ||
      listWords.has(t.norm) ||
      /^[\d.,%$€£k]+$/.test(w) ||
      w.length < 2
    )
  }
  // "best case scenario version" in a model without it: the words before "version", as one name.
  if (!reading.versions.length)
    for (let i = 1; i < tokens.length; i++) {
      const t = tokens[i] as Token
      // "the stretch scenario": "scenario" is the kind word, unless "version" follows it.
      if (!/^(?:versions?|scenarios?)$/i.test(t.raw)) continue
      if (/^scenarios?$/i.test(t.raw) && /^versions?$/i.test(tokens[i + 1]?.raw ?? '')) continue
      // "version" read as the Versions dimension still ends the name before it.
      const asDim = reading.dims.findIndex((d) => d.start === t.start && d.ref.kind === 'version')
      if ((covered(t, spans) && asDim < 0) || reading.dims[asDim]?.afterBy) continue
      let j = i
      while (j > 0) {
        const w = tokens[j - 1] as Token
        const lw = w.raw.toLowerCase()
        if (
          covered(w, spans) ||
          NAME_BREAKS.has(lw) ||
          ITEM_PREPOSITIONS.has(lw) ||
          DETERMINERS.has(lw) ||
          // "compare versions", "across all versions": no name before "versions".
          /^(?:compare[ds]?|comparing|show|list|see|view|across|between|both|all|different|two|three|each|every|other|any)$/.test(
            lw,
          ) ||
          /[,;:]/.test(reading.lc.slice(w.end, (tokens[j] as Token).start))
        )
          break
        j--
      }
      if (j === i) continue
      if (asDim >= 0) reading.dims.splice(asDim, 1)
      const words = tokens.slice(j, i)
      out.push({ text: words.map((w) => w.raw).join(' '), expected: 'version' })
      for (const w of [...words, t]) spans.push({ start: w.start, end: w.end })
    }
  /** The last of the unknown words in a row from `i`. */
  const runEnd = (i: number): number => {
    let k = i
    while (
      k + 1 < tokens.length &&
      !covered(tokens[k + 1] as Token, spans) &&
      !known(tokens[k + 1] as Token, k + 1)
    )
      k++
    return k
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (covered(t, spans) || known(t, i)) continue
    if (/^(?:q\d|h\d|fy\s?\d{2,4})$/i.test(t.raw)) {
      out.push({ text: t.raw, expected: 'period' })
      continue
    }
    let j = i - 1
    while (j >= 0 && DETERMINERS.has((tokens[j] as Token).raw.toLowerCase())) j--
    const prev = j >= 0 ? (tokens[j] as Token).raw.toLowerCase() : ''
    const prevList = listWords.get(prev)
    const nextRaw = (tokens[i + 1]?.raw ?? '').toLowerCase()
    // "legal dept": a list's word the reading took as its dimension ("dept") names it too.
    const nextDim = reading.dims.find((d) => d.start === tokens[i + 1]?.start && d.ref.kind === 'list')
    const nextList =
      listWords.get(nextRaw) ??
      (nextDim ? catalog.lists.find((l) => l.id === nextDim.ref.id)?.name : undefined)
    // "travel costs canada jan": a word standing between the measure and a period, as a place
    // would; a verb or adverb there ("shipped", "running", "only") names nothing.
    const beforePeriod =
      reading.measures.length > 0 &&
      t.raw.length >= 3 &&
      !/(?:ed|ing|ly)$/i.test(t.raw) &&
      PERIOD_WORD_RE.test(nextRaw) &&
      (tokens[i - 1] ? covered(tokens[i - 1] as Token, spans) : false)
    if (['by', 'per', 'each', 'every'].includes(prev) && !reading.periods.perLevel) {
      // "by department" in a model without Departments: a dimension it does not have.
      out.push({
        text: t.raw,
        expected: 'dimension',
        near: nearNames(
          catalog.lists.map((l) => l.name),
          t.raw,
        ),
      })
      continue
    }
    const capitalised = i > 0 && /^\p{Lu}/u.test(t.raw) && t.raw !== t.raw.toUpperCase()
    const acronym = i > 0 && t.raw.length >= 2 && t.raw === t.raw.toUpperCase() && /\p{L}/u.test(t.raw)
    // "marketing spend", "how many doohickeys": a word where a name would stand next to the measure.
    const modifier = prev === 'many' || prev === 'much' || namesMeasure(nextRaw, catalog)
    const itemSlot =
      ITEM_PREPOSITIONS.has(prev) ||
      ROUTE_PREPOSITIONS.has(prev) ||
      beforePeriod ||
      prevList ||
      nextList ||
      capitalised ||
      acronym ||
      modifier
    if (itemSlot) {
      // Several unknown words in a row are one name ("New Zealand").
      const k = runEnd(i)
      const phrase = tokens
        .slice(i, k + 1)
        .map((w) => w.raw)
        .join(' ')
      const listName =
        nextList ?? prevList ?? codeShapedList(phrase, catalog) ?? soleOpenList(reading, catalog)
      const list = listName ? listByName(catalog, listName) : undefined
      const pool = list
        ? [...(list.items ?? []).map((x) => x.name)]
        : catalog.lists.flatMap((l) => (l.items ?? []).map((x) => x.name))
      out.push({
        text: phrase,
        expected: 'item',
        ...(list ? { dimension: list.name } : {}),
        near: nearNames(pool, phrase),
      })
      i = k
      continue
    }
    if (!reading.measures.length && !reading.measureChoices) {
      // Several unknown words in a row are one name ("bonus pool").
      const k = runEnd(i)
      const phrase = tokens
        .slice(i, k + 1)
        .map((w) => w.raw)
        .join(' ')
      i = k
      out.push({
        text: phrase,
        expected: 'measure',
        near: nearNames(
          catalog.lineItems.map((l) => l.name),
          phrase,
        ),
      })
    }
  }
  return out
}

/**
 * The word before a synonym may say which of its line items: "avg salary" is the Average Salary
 * (a word of one candidate's name, or its short form). Otherwise all remain, to be asked.
 */
function narrowedBy(prev: Token | undefined, candidates: CatalogLineItem[]): CatalogLineItem[] {
  const w = prev?.raw.toLowerCase() ?? ''
  if (w.length < 2) return candidates
  const fits = candidates.filter((li) =>
    li.name
      .toLowerCase()
      .split(/[^\p{L}]+/u)
      .some((x) => x === w || (w.length >= 3 && abbreviationTier(w, x) > 0)),
  )
  return fits.length === 1 ? fits : candidates
}

/** Whether a word is a measure's word: a synonym, or a word of a line item's name. */
function namesMeasure(word: string, catalog: ModelCatalog): boolean {
  if (!word || FILLER.has(word) || STOPWORDS.has(word)) return false
  if (MEASURE_SYNONYMS.some((g) => g.words.includes(word))) return true
  return catalog.lineItems.some((li) => li.name.toLowerCase().split(/\s+/).includes(word))
}

/**
 * Other line items the typed words name as well, when they are not the matched name as written
 * (folding dropped a sign or a typo was forgiven): "margin" for "Margin %" beside "Gross Margin".
 */
function rivalsOf(li: CatalogLineItem, typed: string, catalog: ModelCatalog): CatalogLineItem[] {
  const t = typed.trim().toLowerCase()
  const stem = t.replace(/s$/, '')
  // The name as written, or its plural ("revenues"), is that line item and no other.
  if (li.name.toLowerCase() === t || li.name.toLowerCase() === stem) return []
  const word = new RegExp(`\\b${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}s?\\b`, 'i')
  const seen = new Set<string>([li.id])
  return catalog.lineItems.filter((o) => {
    if (seen.has(o.id) || !word.test(o.name)) return false
    seen.add(o.id)
    return true
  })
}

/**
 * "store 0007" for an item named "Store 0007 Bergen": a list's word and a number that begin
 * exactly one of its items' names name that item. Several or none: left for the guard, which
 * names the words back (a number after a list's word is never dropped as a mere figure).
 */
function numberedItems(tokens: Token[], spans: Span[], reading: Reading, catalog: ModelCatalog): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const word = tokens[i] as Token
    const num = tokens[i + 1] as Token
    if (!/^\d+$/.test(num.raw) || covered(num, spans)) continue
    // The list's word may have been read as the list itself ("store" → Store): then it names one.
    const asList = reading.dims.findIndex((d) => d.start === word.start && d.ref.kind === 'list')
    if (covered(word, spans) && asList < 0) continue
    const prefix = `${word.raw.toLowerCase()} ${num.raw}`
    const lists = catalog.lists.filter((l) => {
      const names = [l.name.toLowerCase(), singular(l.name)]
      return names.includes(word.raw.toLowerCase()) || names.includes(word.norm)
    })
    const hits = lists.flatMap((l) =>
      (l.items ?? [])
        .filter((x) => {
          const n = x.name.toLowerCase()
          return n === prefix || n.startsWith(`${prefix} `)
        })
        .map((item) => ({ listId: l.id, item })),
    )
    if (hits.length !== 1) continue
    const hit = hits[0] as { listId: string; item: CatalogListItem }
    if (asList >= 0) reading.dims.splice(asList, 1)
    reading.items.push({ ...hit, start: word.start })
    spans.push({ start: word.start, end: num.end })
    reading.named++
    i++
  }
}

/**
 * "n america" for North America: a single letter and the words after it that begin exactly one
 * item's name, the letter standing for its first word. Several or none: left for the guard.
 */
interface Worded {
  listId: string
  item: CatalogListItem
  words: string[]
}
const secondWords = new WeakMap<ModelCatalog, Map<string, Worded[]>>()

/** Items of several words by their second word, lower-cased (built once per catalog). */
function bySecondWord(catalog: ModelCatalog): Map<string, Worded[]> {
  let index = secondWords.get(catalog)
  if (!index) {
    index = new Map()
    for (const l of catalog.lists)
      for (const item of l.items ?? []) {
        const words = item.name.toLowerCase().split(/\s+/)
        const key = words[1]
        if (key === undefined) continue
        const at = index.get(key)
        if (at) at.push({ listId: l.id, item, words })
        else index.set(key, [{ listId: l.id, item, words }])
      }
    secondWords.set(catalog, index)
  }
  return index
}

function initialledItems(tokens: Token[], spans: Span[], reading: Reading, catalog: ModelCatalog): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const letter = (tokens[i] as Token).raw.toLowerCase().replace(/\.$/, '')
    // "a" and "i" are words, not initials.
    if (!/^\p{L}$/u.test(letter) || STOPWORDS.has(letter) || covered(tokens[i] as Token, spans)) continue
    let k = i + 1
    while (k < tokens.length && !covered(tokens[k] as Token, spans) && k - i <= 3) k++
    const after = tokens.slice(i + 1, k).map((t) => t.raw.toLowerCase())
    // The longest run of the words after the letter that fits one name ("n america in" → 2 words).
    const candidates = bySecondWord(catalog).get(after[0] ?? '') ?? []
    let rest: string[] = []
    let hits: { listId: string; item: CatalogListItem }[] = []
    for (let n = after.length; n >= 1 && hits.length === 0; n--) {
      rest = after.slice(0, n)
      hits = candidates.filter(
        ({ words }) =>
          words.length === n + 1 &&
          words[0]?.startsWith(letter) &&
          words[0] !== letter &&
          rest.every((w, j) => words[j + 1] === w),
      )
    }
    if (hits.length !== 1) continue
    const hit = hits[0] as Worded
    const last = tokens[i + rest.length] as Token
    reading.items.push({ listId: hit.listId, item: hit.item, start: (tokens[i] as Token).start })
    spans.push({ start: (tokens[i] as Token).start, end: last.end })
    reading.named++
    i += rest.length
  }
}

/**
 * The list whose codes look like the word ("SKU99999" beside codes SKU00001…: a SKU), when one
 * list's codes share its letters and length, so the refusal names the right list.
 */
function codeShapedList(word: string, catalog: ModelCatalog): string | undefined {
  const m = /^(\p{L}+)\d+$/u.exec(word)
  if (!m) return undefined
  const letters = (m[1] as string).toLowerCase()
  const fits = catalog.lists.filter((l) =>
    (l.items ?? []).some(
      (x) =>
        x.code !== undefined && x.code.length === word.length && x.code.toLowerCase().startsWith(letters),
    ),
  )
  return fits.length === 1 ? fits[0]?.name : undefined
}

/** The one list of the named measures' dimensions the words give no item of, when there is one. */
function soleOpenList(reading: Reading, catalog: ModelCatalog): string | undefined {
  const dims = new Set(reading.measures.flatMap((m) => m.dimensionIds))
  const open = catalog.lists.filter((l) => dims.has(l.id) && !reading.items.some((i) => i.listId === l.id))
  return open.length === 1 ? open[0]?.name : undefined
}

/** Lists small enough that an abbreviation of one of their items can be told apart. */
const ABBREVIABLE_LIST_MAX = 500

/**
 * Short forms of line items and of items of small lists ("rev", "unts", "mktg", "ns") for words
 * that name nothing else: taken when exactly one name fits best, several line items are asked
 * back, and anything else is left for the guard to name back.
 */
function abbreviations(tokens: Token[], spans: Span[], reading: Reading, catalog: ModelCatalog): void {
  for (const t of tokens) {
    const w = t.raw.toLowerCase()
    if (covered(t, spans) || !/^\p{L}{2,}$/u.test(w) || FILLER.has(w) || STOPWORDS.has(w)) continue
    if (
      MEASURE_SYNONYMS.some((g) => g.words.includes(w)) ||
      VERSION_SYNONYMS.some((g) => g.words.includes(w))
    )
      continue
    let best = 0
    let hits: {
      lineItem?: CatalogLineItem
      listId?: string
      item?: CatalogListItem
      list?: ModelCatalog['lists'][number]
    }[] = []
    const consider = (name: string, hit: (typeof hits)[number]) => {
      const tier = abbreviationTier(w, name)
      if (tier > best) {
        best = tier
        hits = [hit]
      } else if (tier > 0 && tier === best) hits.push(hit)
    }
    for (const li of catalog.lineItems) consider(li.name, { lineItem: li })
    for (const l of catalog.lists) consider(l.name, { list: l })
    for (const l of catalog.lists) {
      if ((l.items?.length ?? 0) > ABBREVIABLE_LIST_MAX) continue
      for (const item of l.items ?? []) consider(item.name, { listId: l.id, item })
    }
    const lineItems = [
      ...new Map(hits.flatMap((h) => (h.lineItem ? [[h.lineItem.id, h.lineItem]] : []))).values(),
    ]
    const list = hits.length === 1 ? hits[0]?.list : undefined
    if (hits.length === 1 && hits[0]?.item && hits[0].listId) {
      reading.items.push({ listId: hits[0].listId, item: hits[0].item, start: t.start, typo: true })
    } else if (list) {
      // "which dept is biggest": the Departments list, short.
      reading.dims.push({
        ref: { id: list.id, name: list.name, kind: 'list' },
        plural: /s$/i.test(w),
        start: t.start,
        afterBy: /\b(?:by|per|each|every|split|down)\s+(?:the\s+)?$/i.test(reading.lc.slice(0, t.start)),
      })
    } else if (lineItems.length === hits.length && lineItems.length === 1) {
      const li = lineItems[0] as CatalogLineItem
      if (!reading.measures.some((m) => m.id === li.id)) reading.measures.push(li)
    } else if (lineItems.length === hits.length && lineItems.length > 1 && !reading.measures.length) {
      reading.measureChoices ??= lineItems
    } else continue
    spans.push({ start: t.start, end: t.end })
    reading.named++
  }
}
