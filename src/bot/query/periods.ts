/**
 * Periods in a question, resolved against the model's calendar: months, quarters, halves and years
 * in everyday forms ("Q2", "q2 fy26", "June", "Jun 26", "H1", "first half", "the first quarter"),
 * runs ("Q1 to Q3"), pairs ("between Q3 and Q4") and periods relative to the model's current period
 * ("last month", "this quarter", "YTD"). A period the calendar does not have is reported, not dropped.
 */
import type { CatalogPeriod, ModelCatalog } from '../../anaplan/catalog.ts'
import { findPeriods, type PeriodKey, periodKeyOf } from '../nlu/slots.ts'
import type { Selector } from './question.ts'

export interface Span {
  start: number
  end: number
}

interface Atom extends Span {
  /** Resolved periods: one, or a run (`from`..`to`) for halves without their own total and YTD. */
  from?: CatalogPeriod
  to?: CatalogPeriod
  text: string
  /** What to call a run ("H1 FY26"). */
  label?: string
}

export interface PeriodReading {
  /** The time selector, when the text names periods. */
  selector?: Selector
  /** The named points in order (for comparisons and explanations: the first two). */
  points: CatalogPeriod[]
  /** Text covered by period words (so names are not looked for there). */
  spans: Span[]
  /** Period words the calendar has no period for ("Q3 FY31"). */
  unresolved: string[]
  /** Periods of a level the question asks per ("by month", "each quarter"). */
  perLevel?: 'month' | 'quarter' | 'half' | 'year'
}

const RELATIVE_RE =
  /\b(last|previous|prior|preceding|this|current|next|following|past)\s+(month|quarter|year)\b(?!\s+of\b)/gi
/** "the year before", "the month after": a step from the last answer's period (or from today). */
const BEFORE_AFTER_RE =
  /\b(month|quarter|year)\s+(before|after)(?!\s+(?:the|that|this|last|next|q[1-4]|[a-z]{3}\s?\d{2})\b)/gi
/** Steps that, in a follow-up, count from the period of the last answer ("and the previous quarter?"). */
const FROM_ANCHOR_RE = /^(?:previous|prior|preceding|next|following)$/i
/**
 * "right now", "at the moment", "current headcount": the model's current period. Not "today" nor
 * "currently": chat says them of everything ("done for today", "hope you're well today").
 */
const NOW_RE =
  /\b(?:right\s+now|at\s+the\s+moment|atm|rn|as\s+of\s+(?:now|today)|at\s+present|presently|as\s+we\s+speak|current(?=\s+(?!(?:forecast|budget|actuals?|plan|version|month|quarter|year|period|model|view|page|fy)\b)[a-z]))\b/gi
const YTD_RE = /\b(ytd|year[\s-]to[\s-]date|so far this year)\b/gi
const HALF_RE =
  /\b(?:h([12])|(first|1st|second|2nd)\s+half)(?:\s*(?:of\s+)?(?:fy\s?'?(?:20)?(\d{2})|(?:20)(\d{2})))?\b/gi
const MAY_BEFORE_MONTH_RE =
  /\bmay(?=\s*(?:vs\.?|versus|v|to|and|through|thru|until|till|against|or|-|–)\s*(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)/gi
const LOWER_MAY_RE =
  /\b(in|for|of|from|to|and|between|vs|until|through|since|than|during|with|about|on|by)\s+(may)\b(?!\s+(?:i|we|you|be|have|not)\b|\s*'?(?:20)?\d{2}\b)/gi
const PER_LEVEL_RE =
  /\b(?:by|per|each|every|for\s+each|for\s+every|month\s+by|quarter\s+by)\s+(month|mth|mo|quarter|quater|quartr|qaurter|qtr|half|year|yr)s?\b|\b(monthly|quarterly|quaterly|quartely|qtrly|yearly(?!\s+(?:[\w-]+\s+){0,2}(?:total|sum|amount|figure|number)s?\b)|annually)\b|\bmonth[\s-](?:by|over|on|to)[\s-]month\b|\b(quarter)[\s-](?:by|over|on|to)[\s-]quarter\b|\b(q|qtr)[\s-](?:by|over|on)[\s-](?:q|qtr)\b|\b(qoq)\b/i

function yy(p: CatalogPeriod): number {
  return Number(p.end.slice(2, 4))
}

/** The model's period for a key ("Q2" → "Q2 FY26"), the current period's year first when not said. */
function resolveKey(
  key: PeriodKey,
  catalog: ModelCatalog,
  current?: CatalogPeriod,
): CatalogPeriod | undefined {
  const of = catalog.periods.filter((p) => {
    const k = periodKeyOf(p.name)
    return k && k.kind === key.kind && k.n === key.n
  })
  if (key.year !== undefined) return of.find((p) => periodKeyOf(p.name)?.year === key.year)
  if (current) {
    const year = yearOf(current, catalog)
    const inYear = of.find((p) => year && p.start >= year.start && p.end <= year.end)
    if (inYear) return inYear
  }
  return of[0]
}

function yearOf(p: CatalogPeriod, catalog: ModelCatalog): CatalogPeriod | undefined {
  return catalog.periods.find((y) => y.level === 'year' && y.start <= p.start && y.end >= p.end)
}

function atLevel(catalog: ModelCatalog, level: CatalogPeriod['level']): CatalogPeriod[] {
  return catalog.periods.filter((p) => p.level === level).sort((a, b) => a.start.localeCompare(b.start))
}

/** The model's current period (the reference of "last month", "YTD"). */
export function currentPeriodOf(catalog: ModelCatalog): CatalogPeriod | undefined {
  const id = catalog.currentPeriodId
  return id ? catalog.periods.find((p) => p.id === id) : undefined
}

function relative(
  which: string,
  level: 'month' | 'quarter' | 'year',
  catalog: ModelCatalog,
  current: CatalogPeriod | undefined,
): CatalogPeriod | undefined {
  if (!current) return undefined
  const all = atLevel(catalog, level)
  const here = all.findIndex((p) => p.start <= current.start && p.end >= current.end)
  const w = which.toLowerCase()
  const step = w === 'next' || w === 'following' ? 1 : w === 'this' || w === 'current' ? 0 : -1
  if (here < 0) {
    // From a longer period ("the next month" after Q2): the one just after its end, or before its start.
    if (step > 0) return all.find((p) => p.start > current.end)
    if (step < 0) return all.filter((p) => p.end < current.start).at(-1)
    return undefined
  }
  return all[here + step]
}

function half(
  n: number,
  year: number | undefined,
  catalog: ModelCatalog,
  current?: CatalogPeriod,
): { from?: CatalogPeriod; to?: CatalogPeriod } {
  const years = atLevel(catalog, 'year')
  const fy =
    (year !== undefined ? years.find((y) => yy(y) === year) : undefined) ??
    (year === undefined ? ((current ? yearOf(current, catalog) : undefined) ?? years[0]) : undefined)
  if (!fy) return {}
  const own = atLevel(catalog, 'half').filter((h) => h.start >= fy.start && h.end <= fy.end)[n - 1]
  if (own) return { from: own, to: own }
  const qs = atLevel(catalog, 'quarter').filter((q) => q.start >= fy.start && q.end <= fy.end)
  const from = qs[(n - 1) * 2]
  const to = qs[(n - 1) * 2 + 1]
  return from && to ? { from, to } : {}
}

function overlaps(a: Span, spans: readonly Span[]): boolean {
  return spans.some((s) => a.start < s.end && a.end > s.start)
}

/** Finds and resolves the period words of `text`; `pairs` reads "X to Y" as two points, not a run. */
export function readPeriods(
  text: string,
  catalog: ModelCatalog,
  options: {
    pairs?: boolean
    /** The period of the last answer: "previous"/"next" count from it, "last"/"this" from today. */
    anchor?: CatalogPeriod
  } = {},
): PeriodReading {
  const current = currentPeriodOf(catalog)
  const atoms: Atom[] = []
  const unresolved: string[] = []
  const add = (a: Atom, missing: boolean) => {
    if (overlaps(a, atoms)) return
    if (missing) unresolved.push(a.text)
    atoms.push(a)
  }
  for (const m of text.matchAll(NOW_RE)) {
    const span = { start: m.index, end: m.index + m[0].length, text: m[0] }
    add({ ...span, ...(current ? { from: current, to: current } : {}) }, !current)
  }
  for (const m of text.matchAll(YTD_RE)) {
    const span = { start: m.index, end: m.index + m[0].length, text: m[0] }
    const fy = current ? yearOf(current, catalog) : undefined
    const first = fy ? atLevel(catalog, 'month').find((p) => p.start === fy.start) : undefined
    add({ ...span, ...(first && current ? { from: first, to: current } : {}) }, !(first && current))
  }
  for (const m of text.matchAll(RELATIVE_RE)) {
    const level = (m[2] ?? 'month').toLowerCase() as 'month' | 'quarter' | 'year'
    const fromAnchor = options.anchor && FROM_ANCHOR_RE.test(m[1] ?? '') ? options.anchor : undefined
    const p = relative(m[1] ?? '', level, catalog, fromAnchor ?? current)
    add({ start: m.index, end: m.index + m[0].length, text: m[0], ...(p ? { from: p, to: p } : {}) }, !p)
  }
  for (const m of text.matchAll(BEFORE_AFTER_RE)) {
    const level = (m[1] ?? 'month').toLowerCase() as 'month' | 'quarter' | 'year'
    const which = (m[2] ?? '').toLowerCase() === 'after' ? 'next' : 'previous'
    const p = relative(which, level, catalog, options.anchor ?? current)
    add({ start: m.index, end: m.index + m[0].length, text: m[0], ...(p ? { from: p, to: p } : {}) }, !p)
  }
  for (const m of text.matchAll(HALF_RE)) {
    const n = m[1] ? Number(m[1]) : /^(first|1st)$/i.test(m[2] ?? '') ? 1 : 2
    const year = m[3] ?? m[4]
    const r = half(n, year ? Number(year) : undefined, catalog, current)
    const fy = r.to ? yearOf(r.to, catalog) : undefined
    const label = fy ? `H${n} ${fy.name}` : undefined
    add(
      { start: m.index, end: m.index + m[0].length, text: m[0], ...r, ...(label ? { label } : {}) },
      !r.from,
    )
  }
  const mays = new Set<number>()
  for (const m of text.matchAll(LOWER_MAY_RE)) mays.add(m.index + m[0].length - 3)
  // "may vs jun 26", "may to july": a month beside another month.
  for (const m of text.matchAll(MAY_BEFORE_MONTH_RE)) mays.add(m.index)
  for (const start of [...mays].sort((a, b) => a - b)) {
    const p = resolveKey({ kind: 'month', n: 5 }, catalog, current)
    add({ start, end: start + 3, text: 'may', ...(p ? { from: p, to: p } : {}) }, !p)
  }
  for (const f of findPeriods(text)) {
    // "the last quarter of the year" is Q4; a bare "last quarter" was read as relative above.
    const p = resolveKey(f.key, catalog, current)
    add({ start: f.start, end: f.end, text: f.text, ...(p ? { from: p, to: p } : {}) }, !p)
  }
  atoms.sort((a, b) => a.start - b.start)
  const spans: Span[] = atoms.map((a) => ({ start: a.start, end: a.end }))
  const perMatch = PER_LEVEL_RE.exec(text)
  const perWord = (
    perMatch?.[1] ??
    perMatch?.[2] ??
    perMatch?.[3] ??
    perMatch?.[4] ??
    perMatch?.[5] ??
    perMatch?.[0] ??
    ''
  ).toLowerCase()
  const perLevel = perMatch
    ? // Every word of the pattern that starts with a q is of quarters ("qtr", "qoq", "quaterly").
      perWord.startsWith('q')
      ? 'quarter'
      : perWord.startsWith('half')
        ? 'half'
        : perWord.startsWith('year') || perWord === 'yr' || perWord.startsWith('annual')
          ? 'year'
          : 'month'
    : undefined
  const resolved = atoms.filter((a) => a.from && a.to) as (Atom & {
    from: CatalogPeriod
    to: CatalogPeriod
  })[]
  const out: PeriodReading = { points: [], spans, unresolved }
  if (perLevel) out.perLevel = perLevel
  if (!resolved.length) return out
  // Two periods joined by "to"/"through"/"-" (not "and", unless after "between" for a run) form a run.
  if (resolved.length === 2 && !options.pairs) {
    const [a, b] = resolved as [(typeof resolved)[number], (typeof resolved)[number]]
    const between = text.slice(a.end, b.start)
    if (/^\s*(to|through|thru|till|until|up to|-|–)\s*(the\s+end\s+of\s+)?$/i.test(between)) {
      const from = a.from
      const to = b.to
      if (from.start <= to.end) {
        out.selector = sameRun(from, to, catalog)
        out.points = [from, to]
        return out
      }
    }
  }
  for (const a of resolved) {
    if (a.from.id === a.to.id) out.points.push(a.from)
    else if (!options.pairs || resolved.length === 1) {
      out.selector = sameRun(a.from, a.to, catalog)
      out.points = [a.from, a.to]
      return out
    } else out.points.push(runPoint(a.from, a.to, a.label))
  }
  const seen = new Set<string>()
  const items = out.points.filter((p) => !seen.has(p.id) && seen.add(p.id))
  out.selector = { kind: 'items', items: items.map((p) => ({ id: p.id, name: p.name })) }
  return out
}

/**
 * A run compared with another ("first half vs second half") as one point: its id is
 * `fromId..toId`, which the executor reads as the run's months.
 */
function runPoint(from: CatalogPeriod, to: CatalogPeriod, label?: string): CatalogPeriod {
  return {
    id: `${from.id}..${to.id}`,
    name: label ?? `${from.name} to ${to.name}`,
    level: from.level,
    index: from.index,
    start: from.start,
    end: to.end,
  }
}

/** A run's two ends from a {@link runPoint} id. */
/** The period just before `p` at its own level ("a jump in April" is from March), if the model has it. */
export function previousPeriod(catalog: ModelCatalog, p: CatalogPeriod): CatalogPeriod | undefined {
  if (p.level !== 'month' && p.level !== 'quarter' && p.level !== 'year') return undefined
  return relative('previous', p.level, catalog, p)
}

export function runOf(catalog: ModelCatalog, id: string): [CatalogPeriod, CatalogPeriod] | undefined {
  const [a, b] = id.split('..')
  const from = a ? periodById(catalog, a) : undefined
  const to = b ? periodById(catalog, b) : undefined
  return from && to ? [from, to] : undefined
}

/** A run of one level: a month-to-quarter run ("Jan to Q2") is read in months. */
function sameRun(from: CatalogPeriod, to: CatalogPeriod, catalog: ModelCatalog): Selector {
  if (from.level === to.level) return { kind: 'range', from: ref(from), to: ref(to) }
  const months = atLevel(catalog, 'month')
  const a = months.find((m) => m.start === from.start) ?? from
  const b = [...months].reverse().find((m) => m.end === to.end) ?? to
  return { kind: 'range', from: ref(a), to: ref(b) }
}

function ref(p: CatalogPeriod): { id: string; name: string } {
  return { id: p.id, name: p.name }
}

/** Leaf months of a period or run, in order. */
export function monthsOf(
  catalog: ModelCatalog,
  from: CatalogPeriod,
  to: CatalogPeriod = from,
): CatalogPeriod[] {
  return atLevel(catalog, 'month').filter((m) => m.start >= from.start && m.end <= to.end)
}

/** Periods of `level` inside a period or run. */
export function periodsWithin(
  catalog: ModelCatalog,
  level: CatalogPeriod['level'],
  from: CatalogPeriod,
  to: CatalogPeriod = from,
): CatalogPeriod[] {
  return atLevel(catalog, level).filter((m) => m.start >= from.start && m.end <= to.end)
}

export function periodById(catalog: ModelCatalog, id: string): CatalogPeriod | undefined {
  return catalog.periods.find((p) => p.id === id)
}

/**
 * The year a question means when it names no period: the calendar's only year. With several
 * years there is none (the question is asked back, never answered for a guessed year).
 */
export function defaultYear(catalog: ModelCatalog): CatalogPeriod | undefined {
  const years = atLevel(catalog, 'year')
  return years.length === 1 ? years[0] : undefined
}

/** The calendar's years, in order. */
export function yearsOf(catalog: ModelCatalog): CatalogPeriod[] {
  return atLevel(catalog, 'year')
}
