import { describe, expect, it } from 'vitest'
import { viewMessages } from './views.ts'

describe('viewMessages', () => {
  const data = {
    pages: ['Widgets'],
    columnCoordinates: [['Jan 26'], ['Feb 26'], ['Q1 FY26']],
    rows: [
      { rowCoordinates: ['North'], cells: ['1000', '2500.5', ''] },
      { rowCoordinates: ['South'], cells: ['-300', 'n/a', '7'] },
    ],
  }

  it('renders a table and charts the months only when the columns are periods', () => {
    // Twice: the second render answers from the parsed-label cache and must not differ.
    for (let i = 0; i < 2; i++) {
      const [table, chart] = viewMessages('Revenue', [{ id: 'd', name: 'Regions' }], data, [])
      expect(table).toEqual({
        type: 'table',
        title: 'Revenue (Widgets)',
        columns: ['Regions', 'Jan 26', 'Feb 26', 'Q1 FY26'],
        rows: [
          ['North', '1,000', '2,500.5', 'empty'],
          ['South', '-300', 'n/a', '7'],
        ],
        columnPeriods: [null, 'month', 'month', 'quarter'],
      })
      expect(chart).toMatchObject({
        type: 'chart',
        labels: ['Jan 26', 'Feb 26'],
        series: [
          { name: 'North', values: [1000, 2500.5] },
          { name: 'South', values: [-300, null] },
        ],
      })
    }
  })

  it('charts columns the model names as periods, and nothing when columns are not periods', () => {
    const custom = { columnCoordinates: [['Period A'], ['Period B']], rows: data.rows }
    expect(viewMessages('V', [], custom, ['period a', 'Period B']).map((m) => m.type)).toEqual([
      'table',
      'chart',
    ])
    expect(viewMessages('V', [], custom, []).map((m) => m.type)).toEqual(['table'])
  })
})
