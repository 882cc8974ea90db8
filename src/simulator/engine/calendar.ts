/**
 * The Time dimension of a "Calendar Months/Quarters/Years" model: months roll up into quarters and
 * quarters into fiscal years, named as Anaplan names them (`Jan 26`, `Q1 FY26`, `FY26`).
 */
import { Dimension, TIME_DIMENSION_ID } from './dimension.ts'

export const CALENDAR_TYPE = 'Calendar Months/Quarters/Years'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
// Time period ids are plain numbers in Anaplan (e.g. 5438300031); any stable numbers do.
const TIME_ID_BASE = 5_438_300_000

export interface CalendarInfo {
  dimension: Dimension
  /** Fiscal years in order, with their first and last day. */
  years: { name: string; startDate: string; endDate: string }[]
  startDate: string
}

const pad = (n: number): string => String(n).padStart(2, '0')
const lastDayOf = (year: number, month0: number): string =>
  `${year}-${pad(month0 + 1)}-${pad(new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate())}`

/** Builds the Time dimension for `years` fiscal years starting at `start` (YYYY-MM). */
export function buildCalendar(start: string, years: number): CalendarInfo {
  const [y0, m0] = start.split('-').map(Number) as [number, number]
  const dim = new Dimension('time', TIME_DIMENSION_ID, 'Time')
  let seq = 0
  const nextId = (): string => String(TIME_ID_BASE + ++seq)
  const info: CalendarInfo = { dimension: dim, years: [], startDate: `${y0}-${pad(m0)}-01` }
  for (let fy = 0; fy < years; fy++) {
    const firstMonthIndex = y0 * 12 + (m0 - 1) + fy * 12
    const lastMonthIndex = firstMonthIndex + 11
    // Anaplan names a fiscal year after the calendar year it ends in.
    const fyName = `FY${pad(Math.floor(lastMonthIndex / 12) % 100)}`
    const yearStart = `${Math.floor(firstMonthIndex / 12)}-${pad((firstMonthIndex % 12) + 1)}-01`
    const yearEnd = lastDayOf(Math.floor(lastMonthIndex / 12), lastMonthIndex % 12)
    const yearItem = dim.add({
      id: nextId(),
      name: fyName,
      level: 'year',
      firstDay: yearStart,
      lastDay: yearEnd,
    })
    info.years.push({ name: fyName, startDate: yearStart, endDate: yearEnd })
    for (let q = 0; q < 4; q++) {
      const qFirst = firstMonthIndex + q * 3
      const qItem = dim.add({
        id: nextId(),
        name: `Q${q + 1} ${fyName}`,
        parentId: yearItem.id,
        level: 'quarter',
        firstDay: `${Math.floor(qFirst / 12)}-${pad((qFirst % 12) + 1)}-01`,
        lastDay: lastDayOf(Math.floor((qFirst + 2) / 12), (qFirst + 2) % 12),
      })
      for (let m = 0; m < 3; m++) {
        const idx = qFirst + m
        const year = Math.floor(idx / 12)
        dim.add({
          id: nextId(),
          name: `${MONTHS[idx % 12]} ${pad(year % 100)}`,
          parentId: qItem.id,
          level: 'month',
          firstDay: `${year}-${pad((idx % 12) + 1)}-01`,
          lastDay: lastDayOf(year, idx % 12),
        })
      }
    }
  }
  return info
}
