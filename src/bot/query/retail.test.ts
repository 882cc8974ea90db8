/**
 * The question engine on Retail Demand's shape (`retailCatalog`): singular list names asked in the
 * plural, levels of composite hierarchies, a calendar of two years, and how the cells are read.
 */
import { describe, expect, it } from 'vitest'
import type { ModelScope, PageSelection, ViewData, ViewMetadata } from '../core/anaplan.ts'
import { axisSize, MAX_LARGE_READ_CELLS, planViews, readCells } from './cells.ts'
import { refusal } from './guard.ts'
import { itemsUnder, levelBelow } from './names.ts'
import { parseQuestion } from './parse.ts'
import { TIME_ID } from './read.ts'
import { retailCatalog } from './test-catalog.ts'

const catalog = retailCatalog()
const list = (id: string) => catalog.lists.find((l) => l.id === id) ?? (null as never)

describe('parseQuestion on a model with singular list names and two years', () => {
  it('a plural of a list name is the ranking dimension, in any case', () => {
    for (const text of ['top 3 SKUs by net sales in FY25', 'top 3 skus by net sales in FY25']) {
      const p = parseQuestion(text, catalog)
      expect(p.kind).toBe('question')
      if (p.kind === 'question')
        expect(p.question.shape).toMatchObject({ kind: 'ranking', by: { id: 'sku' }, limit: 3 })
    }
  })
  it('"store 0002" names the one store whose name it begins; an unknown number or code is named back', () => {
    const p = parseQuestion('net sales for store 0002 in FY25', catalog)
    expect(p.kind).toBe('question')
    if (p.kind === 'question') {
      expect(p.question.unresolved ?? []).toEqual([])
      expect(p.question.slice.store).toEqual({
        kind: 'items',
        items: [{ id: 's2', name: 'Store 0002 Bergen' }],
      })
    }
    for (const [text, word] of <[string, string][]>[
      ['net sales for store 0099 in FY25', '0099'],
      ['units of SKU99999 in FY25', 'SKU99999'],
      ['units of SKU00009 in FY25', 'SKU00009'],
    ]) {
      const q = parseQuestion(text, catalog)
      // Never a figure for a near code: SKU99999 is no typo of SKU00009.
      const unresolved = q.kind === 'question' ? (q.question.unresolved ?? []).map((u) => u.text) : []
      expect(q.kind === 'question' && unresolved.includes(word), `${text} → ${q.kind} ${unresolved}`).toBe(
        true,
      )
    }
    // A code's shape says which list it would be in: the refusal names that list.
    const sku = parseQuestion('units of SKU99999 in FY25', catalog)
    if (sku.kind !== 'question') throw new Error(sku.kind)
    expect(refusal(sku.question, catalog)).toMatch(/^There is no SKU 'SKU99999' in .*; SKUs are /)
  })
  it('a first word shortened to its letter ("r shoes") names the one item it fits', () => {
    const p = parseQuestion('net sales for r shoes in FY25', catalog)
    if (p.kind !== 'question') throw new Error(p.kind)
    expect(p.question.unresolved ?? []).toEqual([])
    expect(Object.values(p.question.slice)).toContainEqual({
      kind: 'items',
      items: [{ id: 'rs', name: 'Running Shoes' }],
    })
  })
  it('who contributed most to a change is an explain, not a ranking; contributing to a total is a ranking', () => {
    const shape = (text: string) => {
      const p = parseQuestion(text, catalog)
      return p.kind === 'question' ? p.question.shape.kind : p.kind
    }
    expect(shape('who contributed most to the net sales change from Q1 FY25 to Q2 FY25 in the north')).toBe(
      'explain',
    )
    expect(shape('which category contributed most to net sales in FY25')).toBe('ranking')
  })
  it('a level of a hierarchy named by its list picks that level', () => {
    const by = (text: string) => {
      const p = parseQuestion(text, catalog)
      return p.kind === 'question' ? p.question.shape : undefined
    }
    expect(by('net sales by country for Q1 FY26')).toMatchObject({ kind: 'breakdown', by: { id: 'country' } })
    expect(by('net sales per subcategory in FY26')).toMatchObject({
      kind: 'breakdown',
      by: { id: 'subcategory' },
    })
    expect(by('best region by units in FY25')).toMatchObject({
      kind: 'ranking',
      by: { id: 'region' },
      limit: 1,
    })
  })
  it('no period in a calendar of several years: asked back with one option per year', () => {
    const p = parseQuestion('net sales in the south', catalog)
    expect(p.kind).toBe('ask')
    if (p.kind !== 'ask') return
    expect(p.options.map((o) => o.label)).toEqual(['FY25', 'FY26'])
    expect(p.options[1]?.question.slice[TIME_ID]).toEqual({
      kind: 'items',
      items: [{ id: 'fy26', name: 'FY26' }],
    })
  })
  it('a month with a two-digit year is that month, not the current year\'s ("from May 25")', () => {
    const p = parseQuestion('why did net sales fall from May 25 to Jun 25 in Spain?', catalog)
    expect(p.kind).toBe('question')
    if (p.kind === 'question')
      expect(p.question.slice[TIME_ID]).toMatchObject({ items: [{ name: 'May 25' }, { name: 'Jun 25' }] })
  })
})

describe('hierarchy levels', () => {
  it('items under an item of a list above, and the level just below an item', () => {
    expect(itemsUnder(catalog, list('store'), 'south').map((i) => i.name)).toEqual([
      'Store 0003 Madrid',
      'Store 0004 Seville',
    ])
    expect(itemsUnder(catalog, list('subcategory'), 'fw').map((i) => i.name)).toEqual([
      'Running Shoes',
      'Hiking Boots',
    ])
    expect(levelBelow(catalog, list('store'), 'ar').map((i) => i.name)).toEqual(['North', 'South'])
    expect(levelBelow(catalog, list('store'), 'es').map((i) => i.name)).toEqual([
      'Store 0003 Madrid',
      'Store 0004 Seville',
    ])
    expect(levelBelow(catalog, list('store'), 's1')).toEqual([])
  })
})

/**
 * A scope over fixed view metadata; reads are recorded, cells are the row and column names. A
 * view's Line Items dimension shows `shown[viewId]` (default: Net Sales alone).
 */
function fakeScope(metas: ViewMetadata[], large?: string, shown: Record<string, string[]> = {}) {
  const reads: { viewId: string; pages: PageSelection }[] = []
  const scope = {
    viewMetadata: async (id: string) => metas.find((m) => m.viewId === id) as ViewMetadata,
    viewDimensionItems: async (id: string, dimensionId: string) =>
      dimensionId === LINE_ITEMS.id ? (shown[id] ?? ['Net Sales']).map((name) => ({ id: name, name })) : [],
    readView: async (viewId: string, pages: PageSelection = {}): Promise<ViewData> => {
      reads.push({ viewId, pages })
      return {
        columnCoordinates: [['FY25'], ['FY26']],
        rows: ['Spain', 'Norway'].map((r) => ({ rowCoordinates: [r], cells: ['1', '2'] })),
      } as ViewData
    },
    async *readViewLarge() {
      reads.push({ viewId: 'large', pages: {} })
      yield large ?? ''
    },
  }
  return { scope: scope as unknown as ModelScope, reads }
}

const STORE = { id: 'store', name: 'Store' }
const SKU = { id: 'sku', name: 'SKU' }
const TIME = { id: TIME_ID, name: 'Time' }
const VERSIONS = { id: '20000000020', name: 'Versions' }
const LINE_ITEMS = { id: '101999999999', name: 'Line Items' }

describe('readCells: which view answers', () => {
  const li = catalog.lineItems.find((x) => x.id === 'ns') ?? (null as never)
  const wants = new Map([
    ['store', new Set(['Spain'])],
    ['sku', new Set(['All Categories'])],
    [TIME_ID, new Set(['FY26'])],
    ['20000000020', new Set(['Forecast'])],
  ])
  it('the view with the fewest cells that fits a plain read, not the first listed', async () => {
    const withViews = {
      ...catalog,
      views: [
        { id: 'big', name: 'RD01 Demand.Net Sales everywhere', moduleId: 'rd', moduleName: 'RD01 Demand' },
        { id: 'small', name: 'RD01 Demand.Net Sales by Store', moduleId: 'rd', moduleName: 'RD01 Demand' },
      ],
    }
    const { scope, reads } = fakeScope([
      {
        viewId: 'rd',
        viewName: 'RD01 Demand',
        rows: [STORE, SKU, LINE_ITEMS],
        columns: [TIME],
        pages: [VERSIONS],
      },
      {
        viewId: 'big',
        viewName: 'Net Sales everywhere',
        rows: [STORE, SKU],
        columns: [TIME],
        pages: [VERSIONS, LINE_ITEMS],
      },
      {
        viewId: 'small',
        viewName: 'Net Sales by Store',
        rows: [STORE],
        columns: [TIME],
        pages: [SKU, VERSIONS, LINE_ITEMS],
      },
    ])
    const plans = await planViews(scope, li, wants, withViews)
    expect(plans.map((p) => p.viewId)).toEqual(['rd', 'big', 'small'])
    const grid = await readCells(scope, li, wants, { catalog: withViews })
    expect(reads.map((r) => r.viewId)).toEqual(['small'])
    expect(reads[0]?.pages).toEqual({
      SKU: 'All Categories',
      Versions: 'Forecast',
      'Line Items': 'Net Sales',
    })
    expect([...grid.cells.values()]).toEqual(['2'])
  })
  it("a saved view answers by its Line Items page, whatever its name; one that doesn't offer the line item is skipped", async () => {
    const withViews = {
      ...catalog,
      views: [
        { id: 'ranking', name: 'RD01 Demand.SKU Ranking', moduleId: 'rd', moduleName: 'RD01 Demand' },
        { id: 'units', name: 'RD01 Demand.Net Sales Units', moduleId: 'rd', moduleName: 'RD01 Demand' },
      ],
    }
    const saved = (viewId: string, viewName: string): ViewMetadata => ({
      viewId,
      viewName,
      rows: [STORE],
      columns: [TIME],
      pages: [SKU, VERSIONS, LINE_ITEMS],
    })
    const { scope, reads } = fakeScope(
      [
        {
          viewId: 'rd',
          viewName: 'RD01 Demand',
          rows: [STORE, SKU, LINE_ITEMS],
          columns: [TIME],
          pages: [VERSIONS],
        },
        saved('ranking', 'SKU Ranking'),
        // Its name says Net Sales, its Line Items page offers Units only: not Net Sales' cells.
        saved('units', 'Net Sales Units'),
      ],
      undefined,
      { ranking: ['Net Sales', 'Units'], units: ['Units'] },
    )
    const plans = await planViews(scope, li, wants, withViews)
    expect(plans.map((p) => p.viewId)).toEqual(['rd', 'ranking'])
    // Two line items on its page: every page of the view holds twice the cells of one read.
    const ranking = plans[1]
    const pages = axisSize(SKU, li, catalog) * axisSize(VERSIONS, li, catalog)
    expect(ranking?.allCells).toBe(2 * (ranking?.cellsPerRead ?? 0) * pages)
    await readCells(scope, li, wants, { catalog: withViews })
    expect(reads).toEqual([
      {
        viewId: 'ranking',
        pages: { SKU: 'All Categories', Versions: 'Forecast', 'Line Items': 'Net Sales' },
      },
    ])
  })
  it('no view fits a plain read: a large read request of a view within the large-read budget', async () => {
    const csv =
      'Versions,Store,Time,Value\nForecast,Spain,FY26,42\nForecast,Norway,FY26,7\nBudget,Spain,FY26,9\n'
    const { scope, reads } = fakeScope(
      [{ viewId: 'rd', viewName: 'RD01 Demand', rows: [STORE], columns: [TIME], pages: [VERSIONS] }],
      csv,
    )
    // 2,000 stores × 40 periods is past one plain read's limit, within the large read's.
    const wide = {
      ...catalog,
      periods: catalog.periods,
      lists: catalog.lists.map((l) => (l.id === 'store' ? { ...l, itemCount: 30_000 } : l)),
    }
    const plans = await planViews(scope, li, wants, wide)
    expect(plans[0]?.cellsPerRead).toBeGreaterThan(1_000_000)
    expect(plans[0]?.allCells).toBeLessThanOrEqual(MAX_LARGE_READ_CELLS)
    const grid = await readCells(scope, li, new Map([...wants].filter(([d]) => d !== 'sku')), {
      catalog: wide,
    })
    expect(reads.map((r) => r.viewId)).toEqual(['large'])
    expect([...grid.cells.values()]).toEqual(['42'])
  })
  it('too large even for a large read: the user is asked to narrow it, nothing is read', async () => {
    const { scope, reads } = fakeScope([
      { viewId: 'rd', viewName: 'RD01 Demand', rows: [STORE, SKU], columns: [TIME], pages: [VERSIONS] },
    ])
    const huge = {
      ...catalog,
      lists: catalog.lists.map((l) => (l.id === 'sku' ? { ...l, itemCount: 100_000 } : l)),
    }
    await expect(readCells(scope, li, wants, { catalog: huge })).rejects.toThrow(/name fewer items/)
    expect(reads).toEqual([])
  })
})
