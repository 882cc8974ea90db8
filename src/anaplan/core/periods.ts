/**
 * Time periods from their names. Anaplan lists Time items as `{id, name}` only, so a period's level,
 * months and parent are read from its name (`Jan 26`, `Q1 FY26`, `H1 FY26`, `FY26`) and the model
 * calendar's fiscal year, which says which months a named fiscal year covers.
 */
import type { ModelCalendar, NamedObject } from '../api.ts'
import type { CatalogPeriod, PeriodLevel } from '../catalog.ts'

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const LEVEL_ORDER: PeriodLevel[] = ['day', 'week', 'month', 'quarter', 'half', 'year', 'all']
/** Names Anaplan uses for the total of all periods. */
const ALL_PERIODS = /^(all periods|total of all periods|all time|total)$/i

/** Months since year 0, from `YYYY-MM`; and back. */
const monthNumber = (year: number, month1: number): number => year * 12 + month1 - 1
const monthText = (n: number): string => `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`

/** Where fiscal year `FYnn` starts, from the calendar's one known year (default: calendar years). */
export interface FiscalReference {
  /** The year number in the reference fiscal year's name (`FY26` → 2026). */
  year: number
  /** Month number ({@link monthNumber}) of its first month. */
  start: number
}

/** A two-digit year read in the century nearest `near` (default 2000s). */
function fullYear(digits: string, near = 2000): number {
  const n = Number(digits)
  if (digits.length >= 4) return n
  const base = near - (near % 100)
  const candidates = [base - 100 + n, base + n, base + 100 + n]
  return candidates.reduce((a, b) => (Math.abs(b - near) < Math.abs(a - near) ? b : a))
}

/** The fiscal reference of a model calendar; calendar years when it has no fiscal year. */
export function fiscalReference(calendar?: ModelCalendar): FiscalReference {
  const fy = calendar?.fiscalYear
  const digits = fy?.year ? /(\d{2,4})\s*$/.exec(fy.year)?.[1] : undefined
  const start = fy?.startDate ? /^(\d{4})-(\d{2})/.exec(fy.startDate) : null
  if (digits && start) {
    const startYear = Number(start[1])
    return { year: fullYear(digits, startYear), start: monthNumber(startYear, Number(start[2])) }
  }
  return { year: 2000, start: monthNumber(2000, 1) }
}

interface Parsed {
  level: PeriodLevel
  start: number
  end: number
}

/** Reads one period name; undefined for names it does not know (weeks, days, YTD items). */
export function parsePeriodName(name: string, ref: FiscalReference): Parsed | undefined {
  const s = name.trim()
  if (ALL_PERIODS.test(s))
    return { level: 'all', start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY }
  const month = /^([A-Za-z]{3})[a-z]*\.?\s+'?(\d{2}|\d{4})$/.exec(s)
  if (month) {
    const m = MONTHS.indexOf(month[1]!.toLowerCase())
    if (m < 0) return undefined
    const n = monthNumber(fullYear(month[2]!, Math.floor(ref.start / 12)), m + 1)
    return { level: 'month', start: n, end: n }
  }
  const fyStart = (digits: string): number => ref.start + (fullYear(digits, ref.year) - ref.year) * 12
  const year = /^FY\s?'?(\d{2}|\d{4})$/i.exec(s)
  if (year) {
    const start = fyStart(year[1]!)
    return { level: 'year', start, end: start + 11 }
  }
  const part = /^([QH])([1-4])\s+FY\s?'?(\d{2}|\d{4})$/i.exec(s)
  if (part) {
    const size = part[1]!.toUpperCase() === 'Q' ? 3 : 6
    const k = Number(part[2])
    if (size === 6 && k > 2) return undefined
    const start = fyStart(part[3]!) + (k - 1) * size
    return { level: size === 3 ? 'quarter' : 'half', start, end: start + size - 1 }
  }
  return undefined
}

/**
 * Catalog periods of a Time dimension's items: each item whose name is understood, with its level,
 * months and the id of the next level up that contains it. Sorted by level, then calendar order.
 */
export function buildPeriods(items: readonly NamedObject[], calendar?: ModelCalendar): CatalogPeriod[] {
  const ref = fiscalReference(calendar)
  const parsed: (Parsed & { id: string; name: string })[] = []
  for (const item of items) {
    const p = parsePeriodName(item.name, ref)
    if (p) parsed.push({ ...p, id: item.id, name: item.name })
  }
  const rank = (l: PeriodLevel) => LEVEL_ORDER.indexOf(l)
  parsed.sort((a, b) => rank(a.level) - rank(b.level) || a.start - b.start)
  const levels = [...new Set(parsed.map((p) => p.level))]
  const first = Math.min(...parsed.filter((p) => p.level !== 'all').map((p) => p.start))
  const last = Math.max(...parsed.filter((p) => p.level !== 'all').map((p) => p.end))
  const index = new Map<PeriodLevel, number>()
  return parsed.map((p) => {
    const i = index.get(p.level) ?? 0
    index.set(p.level, i + 1)
    const start = p.level === 'all' ? first : p.start
    const end = p.level === 'all' ? last : p.end
    const out: CatalogPeriod = {
      id: p.id,
      name: p.name,
      level: p.level,
      index: i,
      start: Number.isFinite(start) ? monthText(start) : '',
      end: Number.isFinite(end) ? monthText(end) : '',
    }
    // The parent is the smallest period of a higher level that covers this one.
    for (const up of levels.filter((l) => rank(l) > rank(p.level))) {
      const parent = parsed.find((q) => q.level === up && q.start <= p.start && p.end <= q.end)
      if (parent) {
        out.parentId = parent.id
        break
      }
    }
    return out
  })
}
