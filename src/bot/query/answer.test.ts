import { describe, expect, it } from 'vitest'
import { answerMessages, fmt, pct } from './answer.ts'
import type { Result } from './execute.ts'
import { refusal } from './guard.ts'
import { parseQuestion } from './parse.ts'
import type { Question } from './question.ts'
import { salesCatalog } from './test-catalog.ts'

const catalog = salesCatalog()
const measure = { lineItemId: 'revenue', lineItem: 'Revenue', moduleId: 'rev', module: 'REV01 Revenue' }
const where = [
  { dimension: 'Regions', label: 'EMEA', total: false },
  { dimension: 'Products', label: 'all Products', total: true },
  { dimension: 'Time', label: 'Q3 FY26', total: false },
  { dimension: 'Versions', label: 'Forecast', total: false },
]
const q: Question = { modelId: 'sales', measures: [measure], slice: {}, shape: { kind: 'value' } }

function texts(r: Result, question = q): string[] {
  return answerMessages(question, [r]).flatMap((m) => (m.type === 'text' ? [m.text] : []))
}

describe('figures', () => {
  it('en-US with separators, at most 2 decimals, tiny values keep their digits', () => {
    expect(fmt(1234567)).toBe('1,234,567')
    expect(fmt(25.5)).toBe('25.5')
    expect(fmt(-3210)).toBe('-3,210')
    expect(fmt(2 / 3)).toBe('0.67')
    expect(fmt(0.00123)).toBe('0.00123')
    expect(pct(12.345)).toBe('12.3%')
  })
})

describe('answers', () => {
  it('say what was computed, then lead with the figure', () => {
    const t = texts({
      kind: 'value',
      measure,
      where,
      notes: [],
      format: 'NUMBER',
      figures: [{ label: '', value: 123456 }],
    })
    expect(t[0]).toBe('Revenue · EMEA · Q3 FY26 · Forecast, all Products')
    expect(t[1]).toBe('Revenue for EMEA in Q3 FY26 (Forecast) is 123,456.')
  })

  it('a missing figure is said as missing, never as 0', () => {
    const t = texts({
      kind: 'value',
      measure,
      where,
      notes: ['Revenue has no total.'],
      format: 'NUMBER',
      figures: [{ label: '', value: null }],
    })
    expect(t.join(' ')).toContain('There is no value for Revenue')
    expect(t.join(' ')).not.toMatch(/\b0\b/)
  })

  it('comparisons give the difference and % change; rankings a table and a chart', () => {
    const cmp = texts({
      kind: 'compare',
      measure,
      where,
      notes: [],
      format: 'NUMBER',
      axis: 'Versions',
      figures: [
        { label: 'Forecast', value: 200 },
        { label: 'Budget', value: 150, diff: -50, pct: -25 },
      ],
    })
    // Two figures: one sentence says which is above and by how much, and no signed difference
    // beside it reads the other way round.
    expect(cmp[1]).toContain('Forecast 200, Budget 150. Forecast is 50 above Budget (+33.3%).')
    const three = texts({
      kind: 'compare',
      measure,
      where,
      notes: [],
      format: 'NUMBER',
      axis: 'Versions',
      figures: [
        { label: 'Forecast', value: 200 },
        { label: 'Budget', value: 150, diff: -50, pct: -25 },
        { label: 'Actual', value: 250, diff: 50, pct: 25 },
      ],
    })
    // Two periods: the later said against the earlier, as a change is.
    const periods = texts({
      kind: 'compare',
      measure,
      where,
      notes: [],
      format: 'NUMBER',
      axis: 'Time',
      figures: [
        { label: 'Q1 FY26', value: 100 },
        { label: 'Q4 FY26', value: 125, diff: 25, pct: 25 },
      ],
    })
    expect(periods[1]).toContain('Q4 FY26 is 25 above Q1 FY26 (+25.0%).')
    expect(three[1]).toContain('Budget 150 (-50 on Forecast, -25.0%), Actual 250 (+50 on Forecast, +25.0%).')
    const ranking = answerMessages(q, [
      {
        kind: 'series',
        shape: 'ranking',
        measure,
        where,
        notes: [],
        format: 'NUMBER',
        by: 'Regions',
        order: 'desc',
        figures: [
          { label: 'APAC', value: 3 },
          { label: 'EMEA', value: 2 },
        ],
      },
    ])
    expect(ranking.map((m) => m.type)).toEqual(['text', 'text', 'table', 'chart'])
  })
})

describe('guard', () => {
  it('names an unknown item back with the list and what it has', () => {
    const p = parseQuestion("what's Units for Widgets in Narnia?", catalog)
    if (p.kind !== 'question') throw new Error('expected a question')
    expect(refusal(p.question, catalog)).toBe(
      "There is no region 'Narnia' in Sales Forecast; regions are North America, EMEA, APAC and LATAM.",
    )
  })

  it('names an unknown measure back with the line items, and passes a clean question', () => {
    const p = parseQuestion('what is the margin on gizmos', catalog)
    if (p.kind !== 'question') throw new Error('expected a question')
    expect(refusal(p.question, catalog)).toMatch(
      /^There is no measure 'margin' in Sales Forecast; its line items are Units, Price, Revenue/,
    )
    expect(refusal(q, catalog)).toBeUndefined()
  })

  it('refuses what it does not compute, saying what to ask instead', () => {
    const p = parseQuestion('units by month for all regions except emea', catalog)
    if (p.kind !== 'question') throw new Error('expected a question')
    expect(refusal(p.question, catalog)).toMatch(
      /^I can't answer 'except emea': I don't compute figures with items left out/,
    )
  })
})
