import { describe, expect, it } from 'vitest'
import { readableCharts } from './view-charts.ts'

const base = { type: 'chart' as const, title: 'V', kind: 'line' as const, labels: ['Jan', 'Feb'] }

describe('readableCharts', () => {
  it('draws the row that sums the others as a bar on the right axis, in the same chart', () => {
    const charts = readableCharts(base, [
      { name: 'North', values: [1, 2] },
      { name: 'South', values: [3, null] },
      { name: 'Total', values: [4, 2] },
    ])
    expect(charts).toHaveLength(1)
    expect(charts[0]!.series.map((s) => [s.name, s.total ?? false, s.axis ?? 'left'])).toEqual([
      ['North', false, 'left'],
      ['South', false, 'left'],
      ['Total', true, 'right'],
    ])
  })

  it('splits rows of different scale into charts, and finds a total inside a group', () => {
    const charts = readableCharts(base, [
      { name: 'Headcount', values: [40, 50] },
      { name: 'Salaries', values: [200_000, 300_000] },
      { name: 'Travel', values: [20_000, 15_000] },
      { name: 'Total Expenses', values: [220_000, 315_000] },
    ])
    expect(charts.map((c) => c.title)).toEqual(['V: Headcount', 'V: Salaries, Travel, Total Expenses'])
    expect(charts[1]!.series.find((s) => s.total)?.name).toBe('Total Expenses')
  })

  it('leaves rows of one scale that do not add up alone', () => {
    const series = [
      { name: 'A', values: [1, 2] },
      { name: 'B', values: [3, 4] },
      { name: 'C', values: [5, 7] },
    ]
    expect(readableCharts(base, series)).toEqual([{ ...base, series }])
  })
})
