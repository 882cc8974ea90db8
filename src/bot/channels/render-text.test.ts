import { describe, expect, it } from 'vitest'
import { matchChoice } from './choices.ts'
import { columnGroups, renderMessage, renderTable } from './render-text.ts'

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

describe('renderTable at a terminal width', () => {
  const columns = ['Regions', 'Jan 26', 'Feb 26', 'Mar 26', 'Q1 FY26', 'Apr 26', 'May 26']
  const rows = [
    ['North America', '1,200,000', '1,250,000', '1,300,000', '3,750,000', '1,310,000', '1,320,000'],
    ['EMEA', '900', '950', '1,000', '2,850', '1,010', '1,020'],
  ]

  it('splits a wide table into column groups that fit, repeating the row labels', () => {
    const out = renderTable(columns, rows, { width: 50 })
    const lines = out.split('\n')
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(50)
    const blocks = out.split('\n\n')
    expect(blocks.length).toBeGreaterThan(1)
    for (const b of blocks) {
      expect(b).toContain('North America')
      expect(b).toContain('EMEA')
    }
    expect(blocks[0]!.split('\n')[0]).toBe('(columns 2–4 of 7)')
    // Every figure is printed once, whole.
    for (const cell of rows.flat().slice(1)) expect(out).toContain(cell)
    expect(out.match(/3,750,000/g)).toHaveLength(1)
  })

  it('keeps one block when the table fits, and groups greedily otherwise', () => {
    expect(renderTable(columns, rows, { width: 200 })).toBe(renderTable(columns, rows))
    expect(columnGroups([10, 5, 5, 5], 24)).toEqual([
      [0, 1, 2],
      [0, 3],
    ])
    // A column wider than the screen still gets a block of its own rather than vanishing.
    expect(columnGroups([10, 30, 5], 24)).toEqual([
      [0, 1],
      [0, 2],
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
