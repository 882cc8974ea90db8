import { describe, expect, it } from 'vitest'
import type { CatalogLineItem, ModelCatalog, SummaryMethod } from '../../anaplan/catalog.ts'
import type { ModelScope, PageSelection, ViewData } from '../core/anaplan.ts'
import { execute, type Result, summarise } from './execute.ts'
import type { Question, Selector } from './question.ts'
import { TIME_ID, TIME_REF, VERSIONS_ID, VERSIONS_REF } from './read.ts'
import { salesCatalog } from './test-catalog.ts'

/**
 * A module "M" (Regions × Time × Versions) with one line item per summary method, served by an
 * in-memory view like Anaplan's default view: rows Regions × Line Items, columns months, quarters
 * and the year, page Versions. Time totals are Anaplan's own and deliberately differ from what
 * re-summing the months gives, so a test can tell which one the engine used.
 */
const REGIONS = ['North America', 'EMEA', 'APAC', 'LATAM']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(
  (m) => `${m} 26`,
)
const COLUMNS = [
  ...MONTHS.slice(0, 3),
  'Q1 FY26',
  ...MONTHS.slice(3, 6),
  'Q2 FY26',
  ...MONTHS.slice(6, 9),
  'Q3 FY26',
  ...MONTHS.slice(9),
  'Q4 FY26',
  'FY26',
]
const ITEMS: { id: string; name: string; summary: SummaryMethod; timeSummary: SummaryMethod }[] = [
  { id: 'u', name: 'Units', summary: 'SUM', timeSummary: 'SUM' },
  { id: 'p', name: 'Price', summary: 'AVERAGE', timeSummary: 'AVERAGE' },
  { id: 'h', name: 'Headcount', summary: 'SUM', timeSummary: 'LAST' },
  { id: 'n', name: 'Rate', summary: 'NONE', timeSummary: 'NONE' },
]
const ANAPLAN_TOTAL = 7777

function month(region: string, m: number, li: string, version: string): number {
  return (REGIONS.indexOf(region) + 1) * 100 + m * 10 + li.length + (version === 'Budget' ? 5 : 0)
}

function cellOf(region: string, col: string, li: string, version: string): string {
  const regions = region === 'Total Regions' ? REGIONS : [region]
  const m = MONTHS.indexOf(col)
  if (m >= 0) {
    const vals = regions.map((r) => month(r, m, li, version))
    return String(li === 'Rate' && regions.length > 1 ? '' : vals.reduce((a, b) => a + b, 0))
  }
  return String(ANAPLAN_TOTAL)
}

function catalog(): ModelCatalog {
  const c = salesCatalog()
  const dims = ['regions', TIME_ID, VERSIONS_ID]
  const lineItems: CatalogLineItem[] = ITEMS.map((x) => ({
    id: x.id,
    name: x.name,
    moduleId: 'M',
    moduleName: 'M',
    format: 'NUMBER',
    summary: x.summary,
    timeSummary: x.timeSummary,
    timeScale: 'Month',
    dimensionIds: dims,
  }))
  return {
    ...c,
    modules: [{ id: 'M', name: 'M', dimensionIds: dims, lineItemIds: ITEMS.map((x) => x.id) }],
    lineItems,
  }
}

function fakeScope(): { scope: ModelScope; reads: PageSelection[] } {
  const reads: PageSelection[] = []
  const scope = {
    modelId: 'sales',
    async viewMetadata() {
      return {
        viewId: 'M',
        viewName: 'M',
        rows: [
          { id: 'regions', name: 'Regions' },
          { id: 'li', name: 'Line Items' },
        ],
        columns: [{ id: TIME_ID, name: 'Time' }],
        pages: [{ id: VERSIONS_ID, name: 'Versions' }],
      }
    },
    async readView(_view: string, pages: PageSelection = {}): Promise<ViewData> {
      reads.push(pages)
      const version = pages.Versions ?? 'Forecast'
      const rows = [...REGIONS, 'Total Regions'].flatMap((r) =>
        ITEMS.map((li) => ({
          rowCoordinates: [r, li.name],
          cells: COLUMNS.map((col) => cellOf(r, col, li.name, version)),
        })),
      )
      return { columnCoordinates: COLUMNS.map((c) => [c]), rows } as ViewData
    },
  }
  return { scope: scope as unknown as ModelScope, reads }
}

const cat = catalog()
const period = (name: string) => {
  const p = cat.periods.find((x) => x.name === name)
  if (!p) throw new Error(name)
  return { id: p.id, name: p.name }
}
const region = (name: string) => {
  const r = cat.lists[0]?.items?.find((x) => x.name === name)
  if (!r) throw new Error(name)
  return { id: r.id, name: r.name }
}
const measure = (id: string) => {
  const li = ITEMS.find((x) => x.id === id)
  return { lineItemId: id, lineItem: li?.name ?? id, moduleId: 'M', module: 'M' }
}

function question(
  ids: string[],
  slice: Record<string, Selector>,
  shape: Question['shape'] = { kind: 'value' },
): Question {
  return { modelId: 'sales', measures: ids.map(measure), slice, shape }
}

async function run(q: Question): Promise<{ results: Result[]; reads: PageSelection[] }> {
  const { scope, reads } = fakeScope()
  const { results } = await execute(q, scope, cat)
  return { results, reads }
}

function values(r: Result | undefined): (number | null)[] {
  if (!r || r.kind === 'explain') return []
  return r.figures.map((f) => f.value)
}

describe('summarise', () => {
  it('follows the summary method and refuses what it cannot compute exactly', () => {
    expect(summarise([1, 2, 3], 'SUM').value).toBe(6)
    expect(summarise([1, 2, 6], 'AVERAGE').value).toBe(3)
    expect(summarise([1, null, 6], 'AVERAGE').value).toBeNull()
    expect(summarise([4, 5, 6], 'LAST').value).toBe(6)
    expect(summarise([4, 5, 6], 'OPENING_BALANCE').value).toBe(4)
    expect(summarise([4, 5, 6], 'NONE')).toMatchObject({
      value: null,
      reason: expect.stringContaining('no total'),
    })
    expect(summarise([4, 5, 6], 'FORMULA').value).toBeNull()
  })
})

describe('execute', () => {
  it("uses Anaplan's own quarter total rather than re-summing months, in one read", async () => {
    const { results, reads } = await run(
      question(['u'], {
        regions: { kind: 'items', items: [region('EMEA')] },
        [TIME_ID]: { kind: 'items', items: [period('Q1 FY26')] },
      }),
    )
    expect(values(results[0])).toEqual([ANAPLAN_TOTAL])
    expect(reads).toEqual([{ Versions: 'Forecast' }])
  })

  it('aggregates a run of periods by each line item’s time summary', async () => {
    const range: Selector = { kind: 'range', from: period('Jan 26'), to: period('Jun 26') }
    const slice = { regions: { kind: 'items', items: [region('APAC')] } as Selector, [TIME_ID]: range }
    const months = [0, 1, 2, 3, 4, 5]
    const { results } = await run(question(['u', 'p', 'h', 'n'], slice))
    const sum = (li: string) => months.reduce((a, m) => a + month('APAC', m, li, 'Forecast'), 0)
    expect(values(results[0])).toEqual([sum('Units')])
    expect(values(results[1])).toEqual([sum('Price') / 6])
    expect(values(results[2])).toEqual([month('APAC', 5, 'Headcount', 'Forecast')])
    expect(values(results[3])).toEqual([null])
    expect(results[3]?.notes.join(' ')).toContain('Rate has no total')
  })

  it('ranks in order with a limit, and breaks down with the list total', async () => {
    const jun = { [TIME_ID]: { kind: 'items', items: [period('Jun 26')] } as Selector }
    const ranked = (
      await run(
        question(['u'], jun, {
          kind: 'ranking',
          by: { id: 'regions', name: 'Regions', kind: 'list' },
          order: 'asc',
          limit: 2,
        }),
      )
    ).results[0]
    expect(ranked?.kind === 'series' && ranked.figures.map((f) => f.label)).toEqual(['North America', 'EMEA'])
    const desc = (
      await run(
        question(['u'], jun, {
          kind: 'ranking',
          by: { id: 'regions', name: 'Regions', kind: 'list' },
          order: 'desc',
        }),
      )
    ).results[0]
    expect(desc?.kind === 'series' && desc.figures.map((f) => f.label)).toEqual([
      'LATAM',
      'APAC',
      'EMEA',
      'North America',
    ])
    const { results, reads } = await run(
      question(['u'], jun, { kind: 'breakdown', by: { id: 'regions', name: 'Regions', kind: 'list' } }),
    )
    const b = results[0]
    expect(b?.kind === 'series' && b.total?.value).toBe(
      REGIONS.reduce((a, r) => a + month(r, 5, 'Units', 'Forecast'), 0),
    )
    expect(reads).toHaveLength(1)
  })

  it('compares versions with difference and % change, one read per version page', async () => {
    const { results, reads } = await run(
      question(
        ['u'],
        {
          [VERSIONS_ID]: {
            kind: 'items',
            items: [
              { id: 'fc', name: 'Forecast' },
              { id: 'bud', name: 'Budget' },
            ],
          },
          [TIME_ID]: { kind: 'items', items: [period('Mar 26')] },
        },
        { kind: 'compare', axis: VERSIONS_REF },
      ),
    )
    const r = results[0]
    const f = REGIONS.reduce((a, x) => a + month(x, 2, 'Units', 'Forecast'), 0)
    expect(r?.kind === 'compare' && r.figures.map((x) => x.value)).toEqual([f, f + 20])
    expect(r?.kind === 'compare' && r.figures[1]?.diff).toBe(20)
    expect(r?.kind === 'compare' && r.figures[1]?.pct).toBeCloseTo((20 / f) * 100, 9)
    expect(reads).toHaveLength(2)
  })

  it('explains a change: the split over regions sums to the total change', async () => {
    const slice = { [TIME_ID]: { kind: 'items', items: [period('Feb 26'), period('May 26')] } as Selector }
    const r = (await run(question(['u'], slice, { kind: 'explain', axis: TIME_REF }))).results[0]
    if (r?.kind !== 'explain') throw new Error('no explanation')
    expect(r.change).toBe((r.to.value ?? 0) - (r.from.value ?? 0))
    const parts = r.splits[0]?.parts ?? []
    expect(parts).toHaveLength(4)
    expect(parts.reduce((a, p) => a + p.change, 0)).toBe(r.change)
    expect(parts.reduce((a, p) => a + (p.share ?? 0), 0)).toBeCloseTo(100, 9)
  })

  it('explains a change at one period as the change into it from the period before', async () => {
    const slice = { [TIME_ID]: { kind: 'items', items: [period('May 26')] } as Selector }
    const r = (await run(question(['u'], slice, { kind: 'explain', axis: TIME_REF }))).results[0]
    if (r?.kind !== 'explain') throw new Error('no explanation')
    expect([r.from.label, r.to.label]).toEqual(['Apr 26', 'May 26'])
    expect(r.change).toBe((r.to.value ?? 0) - (r.from.value ?? 0))
  })

  it('adds up named points only where the summary is a sum, and says why not otherwise', async () => {
    const two = { regions: { kind: 'items', items: [region('EMEA'), region('APAC')] } as Selector }
    const jun = { [TIME_ID]: { kind: 'items', items: [period('Jun 26')] } as Selector }
    const { results } = await run(question(['u', 'p'], { ...two, ...jun }, { kind: 'value', combine: true }))
    const [units, price] = results
    expect(units?.kind === 'value' && units.combined).toEqual({
      label: 'EMEA + APAC',
      value: month('EMEA', 5, 'Units', 'Forecast') + month('APAC', 5, 'Units', 'Forecast'),
    })
    expect(price?.kind === 'value' && price.combined).toBeUndefined()
    expect(price?.notes.join(' ')).toContain('Price is not added up (its summary is average)')
  })

  it('never runs a question with unresolved words', async () => {
    const q = { ...question(['u'], {}), unresolved: [{ text: 'Narnia', expected: 'item' as const }] }
    await expect(run(q)).rejects.toThrow(/does not have/)
  })
})
