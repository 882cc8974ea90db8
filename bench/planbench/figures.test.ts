import { describe, expect, it } from 'vitest'
import { figuresInText, replyFigures } from './figures.ts'

const values = (text: string) => figuresInText(text).map((f) => (f.percent ? `${f.value}%` : f.value))

describe('figuresInText', () => {
  it('reads en-US figures, negatives, percentages and suffixes', () => {
    expect(values('Revenue is 1,234,567 and Price 25.5; change -3,210 or (1,200), up 12.3%')).toEqual([
      1234567,
      25.5,
      -3210,
      -1200,
      '12.3%',
    ])
    expect(values('about 1.2M this year, 12.5k last')).toEqual([1_200_000, 12_500])
  })

  it('keeps the displayed precision as the tolerance', () => {
    const [a, b, c] = figuresInText('51,200 and 25.5 and 1.2M')
    expect(a?.tolerance).toBe(0.5)
    expect(b?.tolerance).toBeCloseTo(0.05)
    expect(c?.tolerance).toBe(50_000)
  })

  it('skips period names, years, codes, counts, numbering and quoted echoes', () => {
    expect(values('Revenue · EMEA · Q3 FY26 · Forecast')).toEqual([])
    expect(values('Jan 26 to Mar 26, FY25 and H1 FY26, in 2026')).toEqual([])
    expect(values('S0001 and SKU00042 are stores/SKUs')).toEqual([])
    expect(
      values('stores are for example Store 0001 Oslo, Store 0002 Bergen; 0.5 and 0 are figures'),
    ).toEqual([0.5, 0])
    expect(values('It has 3 views and 6 actions; the top 5 of 4 regions')).toEqual([])
    expect(values('1. North America 500\n2. EMEA 400')).toEqual([500, 400])
    expect(values('Sorry, I didn\'t understand "whats 17 times 23".')).toEqual([])
    expect(values("There is no region 'Narnia 7' here")).toEqual([])
    expect(values("EMEA's revenue is 5,000 and APAC's is 3,000")).toEqual([5000, 3000])
  })
})

describe('replyFigures', () => {
  it('reads text, table cells after the first column, and chart values', () => {
    const { figures, text } = replyFigures({
      messages: [
        { type: 'text', text: 'Revenue by region · Q3 FY26' },
        {
          type: 'table',
          columns: ['Region', 'Revenue'],
          rows: [
            ['EMEA', '51,200'],
            ['APAC', '40,000'],
          ],
        },
        { type: 'chart', labels: ['Jan 26'], series: [{ name: 'Revenue', values: [123.5, null] }] },
        { type: 'choices', prompt: 'Which one?', options: [{ label: 'Units', value: 'u' }] },
      ],
    })
    expect(figures.map((f) => f.value)).toEqual([51200, 40000, 123.5])
    expect(text).toContain('EMEA')
    expect(text).toContain('Units')
  })
})
