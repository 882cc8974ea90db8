import { describe, expect, it } from 'vitest'
import { SimError } from './contract.ts'
import { LINE_ITEMS_DIMENSION_ID, TIME_DIMENSION_ID, VERSIONS_DIMENSION_ID } from './dimension.ts'
import { demo, idOf } from './test-helpers.ts'

describe('views', () => {
  it('describes a saved view by its axes', () => {
    const { sales } = demo()
    const id = idOf(sales.views(), 'Revenue by Region')
    expect(sales.viewMetadata(id)).toEqual({
      id,
      name: 'Revenue by Region',
      moduleId: idOf(sales.modules(), 'REV01 Revenue'),
      rows: [{ id: idOf(sales.lists(), 'Regions'), name: 'Regions' }],
      columns: [{ id: TIME_DIMENSION_ID, name: 'Time' }],
      pages: [
        { id: idOf(sales.lists(), 'Products'), name: 'Products' },
        { id: VERSIONS_DIMENSION_ID, name: 'Versions' },
        { id: LINE_ITEMS_DIMENSION_ID, name: 'Line Items' },
      ],
    })
  })

  it('lists saved views as Module.View at model level and by their own name within a module', () => {
    const { sales } = demo()
    const rev = idOf(sales.modules(), 'REV01 Revenue')
    expect(sales.views(rev).map((v) => v.name)).toEqual([
      'REV01 Revenue',
      'Revenue by Region',
      'Units by Product',
    ])
    expect(sales.views().map((v) => v.name)).toContain('REV01 Revenue.Revenue by Region')
    expect(sales.views(rev).every((v) => v.moduleId === rev)).toBe(true)
  })

  it('reads JSON format=v1: pages, column coordinates and string cells', () => {
    const { sales } = demo()
    const grid = sales.readView(idOf(sales.views(), 'Revenue by Region'), {})
    expect(grid.pages).toEqual(['Widgets', 'Actual', 'Revenue'])
    expect(grid.columnCoordinates).toHaveLength(17)
    expect(grid.columnCoordinates.slice(0, 4)).toEqual([['Jan 26'], ['Feb 26'], ['Mar 26'], ['Q1 FY26']])
    expect(grid.columnCoordinates.at(-1)).toEqual(['FY26'])
    expect(grid.rows.map((r) => r.rowCoordinates)).toEqual([
      ['North America'],
      ['EMEA'],
      ['APAC'],
      ['LATAM'],
      ['Total Regions'],
    ])
    for (const r of grid.rows) {
      expect(r.cells).toHaveLength(17)
      for (const c of r.cells) expect(c).toMatch(/^-?\d+(\.\d+)?$/)
    }
  })

  it('selects page items by id', () => {
    const { sales } = demo()
    const id = idOf(sales.views(), 'Revenue by Region')
    const products = idOf(sales.lists(), 'Products')
    const gadgets = idOf(sales.dimensionItems(products), 'Gadgets')
    const budget = idOf(sales.dimensionItems(VERSIONS_DIMENSION_ID), 'Budget')
    const grid = sales.readView(id, { [products]: gadgets, [VERSIONS_DIMENSION_ID]: budget })
    expect(grid.pages).toEqual(['Gadgets', 'Budget', 'Revenue'])
    expect(grid).not.toEqual(sales.readView(id, {}))
  })

  it('refuses a page selector for a dimension that is not on pages', () => {
    const { sales } = demo()
    const id = idOf(sales.views(), 'Revenue by Region')
    const regions = idOf(sales.lists(), 'Regions')
    const err = (() => {
      try {
        sales.readView(id, { [regions]: idOf(sales.dimensionItems(regions), 'EMEA') })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(SimError)
    expect(err).toMatchObject({ status: 400, message: `Invalid page selector [${regions}]` })
    expect(() => sales.readViewCsv(id, { [TIME_DIMENSION_ID]: '1' })).toThrow(
      `Invalid page selector [${TIME_DIMENSION_ID}]`,
    )
    expect(() => sales.readView(id, { [VERSIONS_DIMENSION_ID]: 'nope' })).toThrow(/Invalid page selector/)
  })

  it('writes the CSV grid: page line, column header line, row labels', () => {
    const { sales } = demo()
    const id = idOf(sales.views(), 'Revenue by Region')
    const grid = sales.readView(id, {})
    const lines = sales.readViewCsv(id, {}).trimEnd().split('\n')
    expect(lines[0]).toBe('Widgets,Actual,Revenue')
    expect(lines[1]).toBe(`,${grid.columnCoordinates.map((c) => c[0]).join(',')}`)
    expect(lines[2]).toBe(`North America,${grid.rows[0]!.cells.join(',')}`)
    expect(lines).toHaveLength(2 + 5)
  })

  it('shows line items where the view puts them, and two row dimensions as two label columns', () => {
    const { sales } = demo()
    const summary = sales.readView(idOf(sales.views(), 'Expenses Summary'), {})
    expect(summary.rows.map((r) => r.rowCoordinates[0])).toEqual([
      'Headcount',
      'Salaries',
      'Travel',
      'Total Expenses',
    ])
    const rev = idOf(sales.modules(), 'REV01 Revenue')
    const meta = sales.viewMetadata(rev)
    expect(meta.rows.map((r) => r.name)).toEqual(['Regions', 'Products', 'Line Items'])
    expect(meta.rows[2]!.id).toBe(LINE_ITEMS_DIMENSION_ID)
    const csv = sales.readViewCsv(rev, {}).split('\n')
    expect(csv[1]!.startsWith(',,,Jan 26,')).toBe(true)
    expect(csv[2]!.startsWith('North America,Widgets,Units,')).toBe(true)
  })

  it('reads a dimensionless module and a line item (subsidiary) view', () => {
    const { sales } = demo()
    const settings = sales.readView(idOf(sales.modules(), 'SYS01 Settings'), {})
    expect(settings.pages).toBeUndefined()
    expect(settings.rows).toEqual([
      { rowCoordinates: ['Forecast Start Month'], cells: ['Jul 26'] },
      { rowCoordinates: ['Target Margin %'], cells: ['0.35'] },
    ])
    const revenue = idOf(sales.lineItems(), 'Revenue')
    const grid = sales.readView(revenue, {})
    expect(new Set(grid.rows.map((r) => r.rowCoordinates[2]))).toEqual(new Set(['Revenue']))
  })

  it('lists the items of a view dimension, line items included', () => {
    const { sales } = demo()
    const id = idOf(sales.views(), 'Expenses Summary')
    expect(sales.viewDimensionItems(id, LINE_ITEMS_DIMENSION_ID).map((i) => i.name)).toEqual([
      'Headcount',
      'Salaries',
      'Travel',
      'Total Expenses',
    ])
    expect(sales.viewDimensionItems(id, TIME_DIMENSION_ID)).toHaveLength(17)
    expect(() => sales.viewDimensionItems(id, idOf(sales.lists(), 'Products'))).toThrow(SimError)
  })

  it('answers 404 for unknown views', () => {
    const { sales } = demo()
    expect(() => sales.readView('999', {})).toThrow(expect.objectContaining({ status: 404 }))
  })

  it('writes the tabular and all-pages CSV layouts over every page', () => {
    const { sales } = demo()
    const id = idOf(sales.views(), 'Revenue by Region')
    const grid = sales.readView(id, {})
    const single = sales.readViewCsv(id, {}, 'TABULAR_SINGLE_COLUMN').trimEnd().split('\n')
    expect(single[0]).toBe('Products,Versions,Line Items,Regions,Time,Value')
    // 4 products + All Products, 3 versions, 5 regions, 17 periods.
    expect(single).toHaveLength(1 + 5 * 3 * 5 * 17)
    expect(single[1]).toBe(`Widgets,Actual,Revenue,North America,Jan 26,${grid.rows[0]!.cells[0]}`)
    const multi = sales.readViewCsv(id, {}, 'TABULAR_MULTI_COLUMN').trimEnd().split('\n')
    expect(multi[0]!.startsWith('Products,Versions,Line Items,Regions,Jan 26,Feb 26,')).toBe(true)
    expect(multi[1]).toBe(`Widgets,Actual,Revenue,North America,${grid.rows[0]!.cells.join(',')}`)
    expect(multi).toHaveLength(1 + 5 * 3 * 5)
    const all = sales.readViewCsv(id, {}, 'GRID_ALL_PAGES').trimEnd().split('\n')
    expect(all).toHaveLength(15 * 7)
    expect(all[7]).toBe('Widgets,Forecast,Revenue')
    expect(() => sales.readViewCsv(id, {}, 'PIVOT')).toThrow(expect.objectContaining({ status: 400 }))
  })

  it('takes the cell limit as a parameter: lower for tests, none for read requests', () => {
    const { sales } = demo()
    const id = idOf(sales.views(), 'Revenue by Region')
    // 5 products × 3 versions × 5 regions × 17 periods = 1275 cells over all pages, 85 per page.
    expect(() => sales.readViewCsv(id, {}, 'TABULAR_SINGLE_COLUMN', 1000)).toThrow(
      'The view has more than 1000 cells over all its pages: use a read request',
    )
    expect(() => sales.readViewCsv(id, {}, 'GRID_CURRENT_PAGE', 80)).toThrow(
      'The view has more than 80 cells: use a read request or page selectors',
    )
    const unlimited = sales.readViewCsv(id, {}, 'TABULAR_SINGLE_COLUMN', Number.POSITIVE_INFINITY)
    expect(unlimited).toBe(sales.readViewCsv(id, {}, 'TABULAR_SINGLE_COLUMN'))
  })
})
