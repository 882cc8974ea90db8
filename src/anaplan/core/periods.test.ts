import { describe, expect, it } from 'vitest'
import { buildPeriods, fiscalReference, parsePeriodName } from './periods.ts'

const april = { fiscalYear: { year: 'FY27', startDate: '2026-04-01', endDate: '2027-03-31' } }

describe('parsePeriodName', () => {
  it('reads months, quarters, halves and years on a calendar-year model', () => {
    const ref = fiscalReference({ fiscalYear: { year: 'FY26', startDate: '2026-01-01', endDate: '' } })
    expect(parsePeriodName('Mar 26', ref)).toMatchObject({ level: 'month' })
    expect(parsePeriodName('FY26', ref)).toMatchObject({ level: 'year' })
    expect(parsePeriodName('H2 FY26', ref)).toMatchObject({ level: 'half' })
    expect(parsePeriodName('Q5 FY26', ref)).toBeUndefined()
    expect(parsePeriodName('H3 FY26', ref)).toBeUndefined()
    expect(parsePeriodName('Week 12 FY26', ref)).toBeUndefined()
    expect(parsePeriodName('All Periods', ref)).toMatchObject({ level: 'all' })
  })
})

describe('buildPeriods', () => {
  it('places quarters of a fiscal year that starts in April, named by the year it ends in', () => {
    const items = [
      'Apr 26',
      'May 26',
      'Jun 26',
      'Q1 FY27',
      'Jan 27',
      'Q4 FY27',
      'H1 FY27',
      'FY27',
      'FY2028',
    ].map((name, i) => ({ id: String(i), name }))
    const periods = buildPeriods(items, april)
    const get = (name: string) => periods.find((p) => p.name === name)!
    expect(get('Q1 FY27')).toMatchObject({ start: '2026-04', end: '2026-06', parentId: get('H1 FY27').id })
    expect(get('Q4 FY27')).toMatchObject({ start: '2027-01', end: '2027-03', parentId: get('FY27').id })
    expect(get('Jan 27').parentId).toBe(get('Q4 FY27').id)
    expect(get('Jun 26').parentId).toBe(get('Q1 FY27').id)
    expect(get('FY27')).toMatchObject({ start: '2026-04', end: '2027-03', index: 0 })
    expect(get('FY2028')).toMatchObject({ start: '2027-04', end: '2028-03', index: 1 })
    expect(periods.map((p) => p.level)).toEqual([
      'month',
      'month',
      'month',
      'month',
      'quarter',
      'quarter',
      'half',
      'year',
      'year',
    ])
  })

  it('skips names it cannot read and reads calendar years without a model calendar', () => {
    const periods = buildPeriods([
      { id: 'a', name: 'Dec 25' },
      { id: 'b', name: 'YTD' },
      { id: 'c', name: 'FY25' },
    ])
    expect(periods.map((p) => `${p.name}:${p.start}:${p.parentId ?? ''}`)).toEqual([
      'Dec 25:2025-12:c',
      'FY25:2025-01:',
    ])
  })
})
