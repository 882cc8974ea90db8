import { describe, expect, it } from 'vitest'
import { matchChoice } from './choices.ts'
import { renderMessage, renderTable } from './render-text.ts'

describe('renderTable', () => {
  it('pads text left and numbers right, and reports cut rows', () => {
    const out = renderTable(
      ['Region', 'Jan 26'],
      [
        ['North America', '1,200'],
        ['EMEA', '900'],
        ['APAC', '75'],
      ],
      { maxRows: 2 },
    )
    expect(out.split('\n')).toEqual([
      'Region         Jan 26',
      '-------------  ------',
      'North America   1,200',
      'EMEA              900',
      '… 1 more rows',
    ])
  })
})

describe('renderMessage', () => {
  it('numbers choices and summarises charts', () => {
    expect(
      renderMessage({
        type: 'choices',
        prompt: 'Which?',
        options: [
          { label: 'A', value: 'a' },
          { label: 'B', value: 'b' },
        ],
      }),
    ).toBe('Which?\n  1. A\n  2. B')
    expect(
      renderMessage({
        type: 'chart',
        kind: 'line',
        title: 'Rev',
        labels: ['Jan 26', 'Dec 26'],
        series: [{ name: 'EMEA', values: [1, 2] }],
      }),
    ).toBe('[line chart: Rev: EMEA, Jan 26 to Dec 26]')
  })
})

describe('matchChoice', () => {
  const options = [
    { label: 'Revenue by Region', value: 'v1' },
    { label: 'Units by Product', value: 'v2' },
  ]
  it('accepts a number or the label in any case and punctuation', () => {
    expect(matchChoice('2', options)).toBe('v2')
    expect(matchChoice('  revenue BY region! ', options)).toBe('v1')
    expect(matchChoice('3', options)).toBeUndefined()
    expect(matchChoice('revenue', options)).toBeUndefined()
    // A quick reply's 20-character cut of a label
    expect(matchChoice('Units by Product'.slice(0, 12), options)).toBe('v2')
    expect(matchChoice('by', options)).toBeUndefined()
  })
})
