import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AnaplanClient,
  BadRequestError,
  type CellWrite,
  ModelArchivedError,
  type ModelScope,
  NameResolutionError,
  PermissionDeniedError,
} from '../../src/anaplan/index.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

// Client ↔ simulator: modules, line items, views, cells, lists, versions, calendar.
let sim: RunningSimulator
let client: AnaplanClient
let model: ModelScope

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 30 })
  client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
  })
  model = await client.model({ model: 'Sales Forecast' })
})

afterAll(async () => {
  await client?.close()
  await sim?.close()
})

function cell(
  data: { rows: { rowCoordinates: string[]; cells: string[] }[]; columnCoordinates: string[][] },
  row: string,
  col: string,
) {
  const r = data.rows.find((x) => x.rowCoordinates.includes(row))
  const c = data.columnCoordinates.findIndex((x) => x.includes(col))
  return r?.cells[c]
}

describe('structure', () => {
  it('lists modules and line items (all, and per module by name)', async () => {
    expect((await model.listModules()).map((m) => m.name)).toEqual([
      'REV01 Revenue',
      'OPX01 Expenses',
      'SYS01 Settings',
    ])
    expect((await model.listLineItems('rev01 revenue')).map((l) => l.name)).toEqual([
      'Units',
      'Price',
      'Revenue',
    ])
    const all = await model.listLineItems()
    expect(all.map((l) => l.name)).toEqual(
      expect.arrayContaining(['Units', 'Headcount', 'Total Expenses', 'Target Margin %']),
    )
  })

  it('reads the dimensions of a line item, including Time and Versions', async () => {
    const dims = await model.lineItemDimensions('Units')
    expect(dims.map((d) => d.name)).toEqual(['Regions', 'Products', 'Time', 'Versions'])
  })

  it('lists views and reads view metadata by short or full name', async () => {
    const views = await model.listViews()
    expect(views.length).toBeGreaterThanOrEqual(3)
    const meta = await model.viewMetadata('revenue by region')
    expect(meta.rows?.map((r) => r.name)).toEqual(['Regions'])
    expect(meta.columns?.map((r) => r.name)).toEqual(['Time'])
    expect(meta.pages?.map((r) => r.name)).toEqual(['Products', 'Versions', 'Line Items'])
    const full = views.find((v) => v.name.endsWith('Revenue by Region'))!
    expect((await model.viewMetadata(full.name)).viewId).toBe(meta.viewId)
  })

  it('lists lists and dimension items, and looks items up by name or code', async () => {
    expect((await model.listLists()).map((l) => l.name)).toEqual(['Regions', 'Products', 'Channels'])
    const regions = await model.dimensionItems('regions')
    expect(regions.map((r) => r.name)).toEqual(
      expect.arrayContaining(['North America', 'EMEA', 'APAC', 'LATAM']),
    )
    const byCode = await model.lookupDimensionItems('Products', { codes: ['gad'] })
    expect(byCode).toEqual([expect.objectContaining({ name: 'Gadgets', code: 'GAD' })])
    const byName = await model.lookupDimensionItems('Products', { names: ['widgets'] })
    expect(byName.map((i) => i.code)).toEqual(['WID'])
  })

  it('reads versions and the current period', async () => {
    expect((await model.versions()).map((v) => v.name)).toEqual(['Actual', 'Forecast', 'Budget'])
    expect((await model.currentPeriod()).periodText).toMatch(/\w{3} 26/)
  })
})

describe('view data', () => {
  it('reads JSON with page selectors given as names and codes', async () => {
    const widgets = await model.readView('Revenue by Region', { Products: 'Widgets', Versions: 'Actual' })
    expect(widgets.pages).toEqual(['Widgets', 'Actual', 'Revenue'])
    expect(widgets.rows.map((r) => r.rowCoordinates[0])).toEqual(expect.arrayContaining(['EMEA', 'APAC']))
    const gadgets = await model.readView('Revenue by Region', { products: 'GAD', versions: 'actual' })
    expect(gadgets.pages?.[0]).toBe('Gadgets')
    expect(cell(gadgets, 'EMEA', 'Jan 26')).not.toBe(cell(widgets, 'EMEA', 'Jan 26'))
  })

  it('reads CSV with the page line first', async () => {
    const csv = await model.readViewCsv('Revenue by Region', { Products: 'Gizmos', Versions: 'Budget' })
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe('Gizmos,Budget,Revenue')
    expect(lines[1]).toContain('Jan 26')
    expect(lines.some((l) => l.startsWith('LATAM,'))).toBe(true)
  })

  it('rejects a page selector on a dimension that is not a page of the view', async () => {
    const err = await model.readView('Revenue by Region', { Regions: 'EMEA' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NameResolutionError)
    expect((err as NameResolutionError).kind).toBe('page dimension')
  })
})

describe('single cells', () => {
  it('reads one cell by names and codes through the module view', async () => {
    const view = await model.readView('Revenue by Region', { Products: 'Widgets', Versions: 'Actual' })
    const c = await model.readCell('REV01 Revenue', 'revenue', {
      Regions: 'emea',
      Products: 'WID',
      Time: 'Q3 FY26',
      Versions: 'Actual',
    })
    expect(c.value).toBe(cell(view, 'EMEA', 'Q3 FY26'))
    expect(c.coordinates).toMatchObject({
      Regions: 'EMEA',
      Products: 'Widgets',
      Time: 'Q3 FY26',
      Versions: 'Actual',
    })
    expect((await model.readCell('SYS01 Settings', 'Target Margin %', {})).value).toBe('0.35')
  })

  it('asks for every row and column dimension', async () => {
    const err = await model.readCell('REV01 Revenue', 'Units', { Regions: 'EMEA' }).catch((e: unknown) => e)
    expect((err as Error).name).toBe('ValidationError')
    expect((err as Error).message).toMatch(/Products|Time/)
  })
})

describe('writes', () => {
  it('writes cells by name; the calculated Revenue follows on the next read', async () => {
    const target: CellWrite = {
      lineItemName: 'Units',
      dimensions: [
        { dimensionName: 'Regions', itemName: 'APAC' },
        { dimensionName: 'Products', itemCode: 'WID' },
        { dimensionName: 'Time', itemName: 'Mar 26' },
        { dimensionName: 'Versions', itemName: 'Forecast' },
      ],
      value: 500,
    }
    const bad: CellWrite = { ...target, lineItemName: 'No Such Line Item' }
    const result = await model.writeCells('REV01 Revenue', [target, bad])
    expect(result.numberOfCellsChanged).toBe(1)
    expect(result.failures?.map((f) => f.requestIndex)).toEqual([1])
    const data = await model.readView('Revenue by Region', { Products: 'Widgets', Versions: 'Forecast' })
    const price = 25 // Widgets' price in the demo model
    expect(cell(data, 'APAC', 'Mar 26')).toBe(String(500 * price))
  })

  it('adds, updates and deletes list items with per-item failures', async () => {
    const added = await model.addListItems('Products', [
      { name: 'Doohickeys', code: 'DOO', parent: 'All Products' },
      { name: 'Widgets', code: 'WID' },
    ])
    expect(added.added).toBe(1)
    expect(added.failures?.map((f) => f.requestIndex)).toEqual([1])
    expect((await model.listItems('Products')).map((i) => i.code)).toContain('DOO')
    // The new item is usable as a page selector at once (cached names were invalidated).
    expect((await model.readView('Revenue by Region', { Products: 'Doohickeys' })).pages?.[0]).toBe(
      'Doohickeys',
    )
    const updated = await model.updateListItems('Products', [{ code: 'DOO', name: 'Doohickeys Deluxe' }])
    expect(updated.updated).toBe(1)
    const deleted = await model.deleteListItems('Products', [{ code: 'DOO' }])
    expect(deleted.deleted).toBe(1)
    expect((await model.listItems('Products', { includeAll: true })).map((i) => i.code)).not.toContain('DOO')
  })

  it('reads the model calendar and moves the current period (admin only, outside the timescale → 400)', async () => {
    const calendar = await model.modelCalendar()
    expect(calendar).toMatchObject({
      calendarType: 'Calendar Months/Quarters/Years',
      fiscalYear: { year: 'FY26', startDate: '2026-01-01', endDate: '2026-12-31' },
    })
    const original = await model.currentPeriod()
    expect(calendar.currentPeriod).toEqual({ periodText: original.periodText, lastDay: original.lastDay })
    try {
      expect(await model.setCurrentPeriod('2026-03-15')).toMatchObject({
        periodText: 'Mar 26',
        lastDay: '2026-03-31',
      })
      expect((await model.currentPeriod()).periodText).toBe('Mar 26')
      expect((await model.modelCalendar()).currentPeriod?.periodText).toBe('Mar 26')
      // A Date is read as its UTC day.
      expect((await model.setCurrentPeriod(new Date(Date.UTC(2026, 10, 30, 23, 0)))).periodText).toBe(
        'Nov 26',
      )

      const outside = await model.setCurrentPeriod('2031-01-01').catch((e: unknown) => e)
      expect(outside).toBeInstanceOf(BadRequestError)
      expect((outside as BadRequestError).statusMessage).toBe(
        "Specified date '2031-01-01' is out of timescale range 2026-01-01 - 2026-12-31",
      )
      const viewer = new AnaplanClient({
        authUrl: sim.authUrl,
        apiUrl: sim.apiUrl,
        credentials: { kind: 'basic', username: 'viewer@example.com', password: 'viewer-password' },
      })
      try {
        const denied = await viewer
          .modelById(model.workspaceId, model.modelId)
          .setCurrentPeriod('2026-05-01')
          .catch((e: unknown) => e)
        expect(denied).toBeInstanceOf(PermissionDeniedError)
      } finally {
        await viewer.close()
      }
      expect((await model.currentPeriod()).periodText).toBe('Nov 26')
      expect((await model.setCurrentPeriod('')).periodText).toBe('')
    } finally {
      await model.setCurrentPeriod(original.lastDay)
    }
    expect((await model.currentPeriod()).periodText).toBe(original.periodText)
  })

  it('reports an archived model with ModelArchivedError', async () => {
    const archived = await client.model({ model: 'Budget 2024' })
    await expect(archived.listModules()).rejects.toBeInstanceOf(ModelArchivedError)
  })
})
