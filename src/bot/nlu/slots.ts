/**
 * Slot values the model's names do not cover: numbers to write ("500", "1.2k", "12%") and time
 * periods in the many ways people say them ("Q3", "March", "mar-26", "Q3 FY26", "FY 2026").
 */
import { Coverage } from './text.ts'

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH_RE =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?'
const YEAR_RE = "(?:fy\\s?)?'?(?:20)?(\\d{2})\\b"
const ORDINAL: Record<string, number> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
  last: 4,
}

/** A period independent of how a model spells it. `year` is two digits, absent when not said. */
export interface PeriodKey {
  kind: 'month' | 'quarter' | 'year'
  n: number
  year?: number
}

export interface PeriodMatch {
  key: PeriodKey
  start: number
  end: number
  text: string
}

const PATTERNS: { re: RegExp; make: (m: RegExpExecArray) => PeriodKey | undefined }[] = [
  {
    // Q3, Q3 FY26, q3-2026, Q3 '26
    re: new RegExp(`\\bq([1-4])(?:[\\s\\-/]*${YEAR_RE})?`, 'gi'),
    make: (m) => withYear({ kind: 'quarter', n: Number(m[1]) }, m[2]),
  },
  {
    // third quarter (of FY26)
    re: new RegExp(
      `\\b(first|1st|second|2nd|third|3rd|fourth|4th|last)\\s+quarter(?:\\s+(?:of\\s+)?${YEAR_RE})?`,
      'gi',
    ),
    make: (m) => withYear({ kind: 'quarter', n: ORDINAL[(m[1] ?? '').toLowerCase()] ?? 1 }, m[2]),
  },
  {
    // quarter 3
    re: new RegExp(`\\bquarter\\s+([1-4])(?:\\s+${YEAR_RE})?`, 'gi'),
    make: (m) => withYear({ kind: 'quarter', n: Number(m[1]) }, m[2]),
  },
  {
    // March, Mar 26, mar-26, March 2026, Mar '26
    re: new RegExp(`\\b(${MONTH_RE})\\.?(?:[\\s\\-/]*'?(?:20)?(\\d{2})(?!\\d))?\\b`, 'gi'),
    make: (m) =>
      withYear({ kind: 'month', n: MONTHS.indexOf((m[1] ?? '').slice(0, 3).toLowerCase()) + 1 }, m[2]),
  },
  {
    // FY26, FY 2026, fiscal year 2026, full year
    re: /\b(?:fy\s?'?(?:20)?(\d{2})|fiscal\s+(?:year\s+)?(?:20)?(\d{2})|(?:the\s+)?full\s+year|year\s+total|whole\s+year|annual|yearly(?=\s+(?:[\w-]+\s+){0,2}(?:total|sum|amount|figure|number)s?\b))\b/gi,
    make: (m) => withYear({ kind: 'year', n: 0 }, m[1] ?? m[2]),
  },
  {
    // "in 2026" / "for 2026": a bare four-digit year only after a preposition, so values stay values.
    re: /\b(?:in|for|during)\s+(20(\d{2}))\b/gi,
    make: (m) => withYear({ kind: 'year', n: 0 }, m[2]),
  },
  {
    // "2026 instead", "and 2026", "2025 vs 2026": a year set beside another or in its place.
    re: /(?:\b(?:and|vs\.?|versus|than|or|about)\s+(20(\d{2}))\b|\b(20(\d{2}))(?=\s+(?:instead|then|too|only|vs\.?|versus|as\s+well)\b))/gi,
    make: (m) => withYear({ kind: 'year', n: 0 }, m[2] ?? m[4]),
  },
]

function withYear(key: PeriodKey, year: string | undefined): PeriodKey {
  return year ? { ...key, year: Number(year) } : key
}

/** Words after which "may" is the month ("in may", "to may", "last may", "april and may"). */
const MAY_MONTH_BEFORE_RE =
  /\b(?:in|for|during|of|from|to|until|till|thru|through|since|between|and|or|vs\.?|versus|last|next|this|early|mid|late|end\s+of)\s+$/i

/** Finds every period mention in text (non-overlapping, earliest pattern wins on overlap). */
export function findPeriods(text: string): PeriodMatch[] {
  const found: PeriodMatch[] = []
  const taken = new Coverage(text.length)
  for (const { re, make } of PATTERNS) {
    re.lastIndex = 0
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const key = make(m)
      // "may" is also a verb: only a month when a year follows, it is capitalised, or a word of
      // time comes before it ("units in may", "from april to may", "this may").
      if (
        key?.kind === 'month' &&
        /^may$/i.test(m[0].trim()) &&
        !/^May$/.test(m[0].trim()) &&
        !MAY_MONTH_BEFORE_RE.test(text.slice(0, m.index))
      )
        continue
      if (key?.kind === 'month' && key.n < 1) continue
      let start = m.index
      let matched = m[0]
      // The "in/for" of "in 2026" is not part of the period.
      const pre = /^(in|for|during)\s+/i.exec(matched)
      if (pre) {
        start += pre[0].length
        matched = matched.slice(pre[0].length)
      }
      const end = start + matched.length
      if (key && !taken.overlaps({ start, end })) {
        found.push({ key, start, end, text: matched })
        taken.add({ start, end })
      }
    }
  }
  return found.sort((a, b) => a.start - b.start)
}

/** Parses a model's own period name ("Mar 26", "Q3 FY26", "FY26") into a key. */
export function periodKeyOf(name: string): PeriodKey | undefined {
  const m = findPeriods(name)[0]
  return m && m.end - m.start >= name.trim().length - 1 ? m.key : undefined
}

/**
 * Maps a mentioned period to the model's period name. A missing year takes the model's year when it
 * has one year only, or the first year that has the period.
 */
export function resolvePeriod(key: PeriodKey, periods: readonly string[]): string | undefined {
  return periodResolver(periods)(key)
}

/**
 * {@link resolvePeriod} for one model's periods, parsed once: the NLU keeps one per vocabulary
 * instead of parsing every period name at every mention.
 */
export function periodResolver(periods: readonly string[]): (key: PeriodKey) => string | undefined {
  const keyed = periods.map((p) => ({ p, k: periodKeyOf(p) }))
  return (key) =>
    keyed.find(
      ({ k }) => k && k.kind === key.kind && k.n === key.n && (key.year === undefined || k.year === key.year),
    )?.p
}

/** Formats a key the way the demo model names periods, for models whose periods are unknown. */
export function formatPeriod(key: PeriodKey): string {
  const y = key.year !== undefined ? String(key.year).padStart(2, '0') : ''
  if (key.kind === 'month') {
    const m = MONTHS[key.n - 1] ?? ''
    return `${m.charAt(0).toUpperCase()}${m.slice(1)}${y ? ` ${y}` : ''}`
  }
  if (key.kind === 'quarter') return `Q${key.n}${y ? ` FY${y}` : ''}`
  return `FY${y}`
}

export interface NumberMatch {
  value: number
  /** Percent values keep their meaning: 12% → 0.12 with `percent` set. */
  percent: boolean
  start: number
  end: number
  text: string
}

const NUMBER_RE =
  /(?<![\p{L}\d.])([-+−]?)\s?[$€£]?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|m|bn|b|thousand|million|billion|%|percent)?(?![\p{L}\d])/giu
const SCALE: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
}

/** Finds numbers ("500", "1,200", "1.2k", "-3.5", "12%", "$2 million"). */
export function findNumbers(text: string): NumberMatch[] {
  const out: NumberMatch[] = []
  NUMBER_RE.lastIndex = 0
  for (let m = NUMBER_RE.exec(text); m; m = NUMBER_RE.exec(text)) {
    const sign = m[1] === '-' || m[1] === '−' ? -1 : 1
    const base = Number(`${(m[2] ?? '').replace(/,/g, '')}${m[3] ?? ''}`)
    const unit = (m[4] ?? '').toLowerCase()
    const percent = unit === '%' || unit === 'percent'
    const value = sign * (percent ? base / 100 : base * (SCALE[unit] ?? 1))
    out.push({ value: round(value), percent, start: m.index, end: m.index + m[0].length, text: m[0].trim() })
  }
  return out
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9
}
