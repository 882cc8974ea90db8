/**
 * Charts of a view that can be read: rows of very different scale (Headcount beside Salaries) go to
 * separate charts, and a row that is the sum of the others (Total Regions, Total Expenses) is drawn
 * as a bar on its own axis instead of flattening its parts. Both facts come from the cells read.
 */
import type { Message } from '../types.ts'

type ChartMessage = Extract<Message, { type: 'chart' }>
type Series = ChartMessage['series'][number]

/** Rows further apart than this factor in size do not share an axis. */
const SCALE_GAP = 20

function magnitude(s: Series): number {
  let m = 0
  for (const v of s.values) if (v !== null && Math.abs(v) > m) m = Math.abs(v)
  return m
}

/**
 * Whether `series[k]` equals the sum of the other series in every column where all of them have a
 * value (summed in their order; no arrays are made per column, this runs for every view chart).
 */
function isSumOfOthers(series: Series[], k: number): boolean {
  const total = series[k] as Series
  if (series.length < 3) return false
  let compared = 0
  columns: for (let i = 0; i < total.values.length; i++) {
    const t = total.values[i]
    if (t === null || t === undefined) continue
    let sum = 0
    for (let j = 0; j < series.length; j++) {
      if (j === k) continue
      const v = (series[j] as Series).values[i]
      if (v === null || v === undefined) continue columns
      sum += v
    }
    if (Math.abs(sum - t) > Math.max(0.01, Math.abs(t) * 1e-6)) return false
    compared++
  }
  return compared > 0
}

/** The index of the series that is the sum of all the others, if one is. */
function totalIndex(series: Series[]): number {
  for (let i = 0; i < series.length; i++) {
    const s = series[i]
    if (s && magnitude(s) > 0 && isSumOfOthers(series, i)) return i
  }
  return -1
}

/** Groups series of similar size, keeping the model's order inside each group. */
function scaleGroups(series: Series[]): Series[][] {
  const order = [...series].sort((a, b) => magnitude(a) - magnitude(b))
  const groups: Series[][] = []
  let floor = 0
  for (const s of order) {
    const m = magnitude(s)
    const current = groups.at(-1)
    if (current && (floor === 0 ? m === 0 : m <= floor * SCALE_GAP)) current.push(s)
    else {
      groups.push([s])
      floor = m
    }
  }
  return groups.map((g) => series.filter((s) => g.includes(s)))
}

/** Marks the total at index `t` of `series` (if any) as a bar on the right axis. */
function withTotal(series: Series[], t: number = totalIndex(series)): Series[] {
  return t < 0 ? series : series.map((s, i) => (i === t ? { ...s, total: true, axis: 'right' } : s))
}

/** One chart, or several when rows differ in scale; totals drawn apart from their parts. */
export function readableCharts(base: Omit<ChartMessage, 'series'>, series: Series[]): ChartMessage[] {
  const whole = totalIndex(series)
  // A total of every other row is larger than each of them but belongs with them.
  const groups = whole >= 0 ? [series] : scaleGroups(series)
  return groups.map((g) => ({
    ...base,
    ...(groups.length > 1 && base.title
      ? { title: `${base.title}: ${g.map((s) => s.name).join(', ')}` }
      : {}),
    // The one group of a whole is `series` itself: its total is already known.
    series: whole >= 0 ? withTotal(g, whole) : withTotal(g),
  }))
}
