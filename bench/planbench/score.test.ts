import { describe, expect, it } from 'vitest'
import type { ExpectedAnswer } from './expected.ts'
import type { Reply } from './figures.ts'
import { scoreTurn } from './score.ts'

const text = (t: string, intent = 'read_cell'): Reply => ({
  intent: { name: intent },
  messages: [{ type: 'text', text: t }],
})
const one = (value: number): ExpectedAnswer => ({
  kind: 'figures',
  required: [{ value, label: 'x' }],
  allowed: [],
  names: [],
  ordered: false,
})

describe('scoreTurn: figures', () => {
  it('marks the expected figure right at the displayed precision', () => {
    expect(scoreTurn(text('Revenue for EMEA · Q3 FY26 is 51,200.'), one(51200.4)).verdict).toBe('right')
    expect(scoreTurn(text('Revenue is 51.2k'), one(51_230)).verdict).toBe('right')
    expect(scoreTurn(text('Revenue is 51.3k'), one(51_230)).verdict).not.toBe('right')
  })

  it('marks another figure for the asked thing confidently wrong', () => {
    const s = scoreTurn(text('Units for Widgets · Forecast is 5,748 (total over all Regions).'), one(1526))
    expect(s.verdict).toBe('confidently-wrong')
    expect(s.unexpected).toEqual(['5,748'])
  })

  it('marks a reply with no figure, or only allowed ones, wrong but not confidently', () => {
    expect(scoreTurn(text('Which line item? Units or Revenue.'), one(10)).verdict).toBe('wrong')
    const compare: ExpectedAnswer = {
      kind: 'figures',
      required: [
        { value: 100, label: 'Forecast' },
        { value: 80, label: 'Budget' },
        { value: 20, label: 'difference' },
      ],
      allowed: [{ value: 0.25, percent: true, label: '%' }],
      names: [],
      ordered: false,
    }
    expect(scoreTurn(text('Forecast is 100.'), compare).verdict).toBe('wrong')
    expect(scoreTurn(text('Forecast 100 vs Budget 80: down 20 (-25%)'), compare).verdict).toBe('right')
    expect(scoreTurn(text('Forecast 100 vs Budget 80: up 30'), compare).verdict).toBe('confidently-wrong')
  })

  it('checks ranking names and their order', () => {
    const ranking: ExpectedAnswer = {
      kind: 'figures',
      required: [
        { value: 500, label: 'APAC' },
        { value: 400, label: 'EMEA' },
      ],
      allowed: [{ value: 300, label: 'LATAM' }],
      names: ['APAC', 'EMEA'],
      ordered: true,
    }
    const table = (rows: string[][]): Reply => ({
      messages: [{ type: 'table', columns: ['Region', 'Revenue'], rows }],
    })
    expect(
      scoreTurn(
        table([
          ['APAC', '500'],
          ['EMEA', '400'],
          ['LATAM', '300'],
        ]),
        ranking,
      ).verdict,
    ).toBe('right')
    expect(
      scoreTurn(
        table([
          ['EMEA', '400'],
          ['APAC', '500'],
        ]),
        ranking,
      ).verdict,
    ).toBe('wrong')
  })
})

describe('scoreTurn: no-figure rules', () => {
  it('unknown names: named back and no figure', () => {
    const u: ExpectedAnswer = { kind: 'unknown', name: 'Narnia' }
    expect(
      scoreTurn(text("There is no region 'Narnia' in Sales Forecast; regions are EMEA, APAC."), u).verdict,
    ).toBe('right')
    expect(scoreTurn(text('I could not find that.'), u).verdict).toBe('wrong')
    expect(scoreTurn(text('Units for Widgets is 5,748.'), u).verdict).toBe('confidently-wrong')
  })

  it('off-topic: the fallback with no figure', () => {
    const f: ExpectedAnswer = { kind: 'fallback' }
    expect(scoreTurn(text('Sorry, I didn\'t understand "weather in 2026".', 'fallback'), f).verdict).toBe(
      'right',
    )
    expect(scoreTurn(text('Which model?', 'connect_model'), f).verdict).toBe('wrong')
    expect(scoreTurn(text('Revenue is 12', 'fallback'), f).verdict).toBe('confidently-wrong')
  })

  it('ambiguous: a question back offering the choices', () => {
    const a: ExpectedAnswer = { kind: 'askBack', choices: ['Units', 'Headcount'] }
    const asked: Reply = {
      messages: [
        { type: 'text', text: 'Units or Headcount?' },
        {
          type: 'choices',
          options: [
            { label: 'Units', value: 'a' },
            { label: 'Headcount', value: 'b' },
          ],
        },
      ],
    }
    expect(scoreTurn(asked, a).verdict).toBe('right')
    expect(scoreTurn(text('Which one?'), a).verdict).toBe('wrong')
    expect(scoreTurn(text('Units for APAC is 1,200.'), a).verdict).toBe('confidently-wrong')
  })
})
