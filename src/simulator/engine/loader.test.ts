import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { TIME_DIMENSION_ID, VERSIONS_DIMENSION_ID } from './dimension.ts'
import { BENCH_MODEL_FILE, loadTenant } from './loader.ts'
import { demo, idOf } from './test-helpers.ts'

describe('loadTenant (demo model)', () => {
  it('has the demo users with the roles PRODUCT.md describes', () => {
    const { tenant, sales, workforce, budget } = demo()
    const analyst = tenant.users.find((u) => u.email === 'analyst@example.com')!
    const viewer = tenant.users.find((u) => u.email === 'viewer@example.com')!
    expect(analyst.password).toBe('demo-password')
    expect(viewer.password).toBe('viewer-password')
    expect(analyst.modelRoles[sales.info.id]).toBe('admin')
    expect(analyst.modelRoles[workforce.info.id]).toBe('admin')
    expect(analyst.adminWorkspaces).toEqual([tenant.workspaces[0]!.id])
    expect(viewer.modelRoles[sales.info.id]).toBe('read')
    expect(viewer.modelRoles[workforce.info.id]).toBe('none')
    expect(viewer.modelRoles[budget.info.id]).toBe('read')
    expect(viewer.adminWorkspaces).toEqual([])
    expect(viewer.workspaces).toEqual([tenant.workspaces[0]!.id])
  })

  it('has one workspace with four models, Budget 2024 archived', () => {
    const { tenant } = demo()
    expect(tenant.workspaces.map((w) => w.name)).toEqual(['FP&A Demo'])
    expect(tenant.models.map((m) => [m.info.name, m.info.activeState])).toEqual([
      ['Sales Forecast', 'UNLOCKED'],
      ['Workforce Plan', 'UNLOCKED'],
      ['Budget 2024', 'ARCHIVED'],
      ['Retail Demand', 'UNLOCKED'],
    ])
    for (const m of tenant.models) expect(m.info.workspaceId).toBe(tenant.workspaces[0]!.id)
  })

  it("assigns ids in Anaplan's formats", () => {
    const { tenant, sales } = demo()
    expect(tenant.workspaces[0]!.id).toMatch(/^[0-9a-f]{32}$/)
    for (const u of tenant.users) {
      expect(u.id).toMatch(/^[0-9a-f]{32}$/)
      expect(u.customerId).toMatch(/^[0-9a-f]{32}$/)
    }
    for (const m of tenant.models) expect(m.info.id).toMatch(/^[0-9A-F]{32}$/)
    for (const l of sales.lists()) expect(l.id).toMatch(/^101\d{9}$/)
    for (const m of sales.modules()) expect(m.id).toMatch(/^102\d{9}$/)
    for (const li of sales.lineItems()) expect(li.id).toMatch(/^206\d{9}$/)
    for (const v of sales.versions()) expect(v.id).toMatch(/^107\d{9}$/)
    for (const i of sales.imports()) {
      expect(i.id).toMatch(/^112\d{9}$/)
      expect(i.importDataSourceId).toMatch(/^113\d{9}$/)
    }
    for (const e of sales.exports()) expect(e.id).toMatch(/^116\d{9}$/)
    for (const a of sales.actions()) expect(a.id).toMatch(/^117\d{9}$/)
    for (const p of sales.processes()) expect(p.id).toMatch(/^118\d{9}$/)
    const views = sales.views()
    expect(views.filter((v) => v.id.length === 13).map((v) => v.name)).toEqual([
      'REV01 Revenue.Revenue by Region',
      'REV01 Revenue.Units by Product',
      'OPX01 Expenses.Expenses Summary',
    ])
    // A module's default view has the module's id and name.
    const rev = idOf(sales.modules(), 'REV01 Revenue')
    expect(views.find((v) => v.id === rev)?.name).toBe('REV01 Revenue')
    const dims = sales.lineItemDimensions(idOf(sales.lineItems(rev), 'Units')).map((d) => d.id)
    expect(dims).toContain(TIME_DIMENSION_ID)
    expect(dims).toContain(VERSIONS_DIMENSION_ID)
    for (const item of sales.listItems(idOf(sales.lists(), 'Products'))) expect(item.id).toMatch(/^\d+$/)
  })

  it('gives the same ids for the same file, and a fresh independent tenant each call', () => {
    const a = loadTenant()
    const b = loadTenant()
    const ids = (t: typeof a) =>
      t.models.flatMap((m) => [m.info.id, ...m.lineItems().map((l) => l.id), ...m.views().map((v) => v.id)])
    expect(ids(a)).toEqual(ids(b))
    expect(a.users.map((u) => u.id)).toEqual(b.users.map((u) => u.id))
    const products = idOf(a.models[0]!.lists(), 'Products')
    a.models[0]!.addListItems(products, [{ name: 'Doohickeys', code: 'DOH' }])
    expect(a.models[0]!.listItems(products)).toHaveLength(5)
    expect(b.models[0]!.listItems(products)).toHaveLength(4)
  })

  it('has the demo lists, modules, views and actions by name', () => {
    const { sales, workforce } = demo()
    expect(sales.lists().map((l) => l.name)).toEqual(['Regions', 'Products', 'Channels'])
    expect(sales.modules().map((m) => m.name)).toEqual(['REV01 Revenue', 'OPX01 Expenses', 'SYS01 Settings'])
    expect(sales.imports().map((i) => i.name)).toEqual(['Load Actuals', 'Load Products'])
    expect(sales.exports().map((i) => i.name)).toEqual(['Revenue Export', 'Expenses Export'])
    expect(sales.processes().map((i) => i.name)).toEqual(['Monthly Refresh'])
    expect(sales.actions().map((i) => i.name)).toEqual(['Delete Discontinued Products'])
    const products = sales.listItems(idOf(sales.lists(), 'Products'))
    expect(products.map((p) => [p.name, p.code, p.parent])).toEqual([
      ['Widgets', 'WID', 'All Products'],
      ['Gadgets', 'GAD', 'All Products'],
      ['Gizmos', 'GIZ', 'All Products'],
      ['Sprockets', 'SPR', 'All Products'],
    ])
    expect(sales.listItems(idOf(sales.lists(), 'Channels')).map((c) => c.name)).toEqual([
      'Direct',
      'Partner',
      'Online',
    ])
    expect(workforce.lists().map((l) => l.name)).toEqual(['Departments', 'Employees'])
    expect(workforce.modules().map((m) => m.name)).toEqual(['EMP01 Headcount'])
    expect(workforce.imports().map((m) => m.name)).toEqual(['Load Employees'])
    expect(workforce.exports().map((m) => m.name)).toEqual(['Headcount Export'])
  })

  it('reads a model file from disk and reports an unreadable one', () => {
    expect(() => loadTenant({ file: '/nonexistent/model.yaml' })).toThrow(/cannot read the file/)
  })

  it('exposes versions, current period and calendar', () => {
    const { sales } = demo()
    expect(sales.versions().map((v) => [v.name, v.isActual, v.isCurrent])).toEqual([
      ['Actual', true, false],
      ['Forecast', false, true],
      ['Budget', false, false],
    ])
    expect(sales.currentPeriod()).toEqual({
      periodText: 'Jun 26',
      lastDay: '2026-06-30',
      calendarType: 'Calendar Months/Quarters/Years',
    })
    expect(sales.modelCalendar()).toMatchObject({
      calendarType: 'Calendar Months/Quarters/Years',
      fiscalYear: { year: 'FY26', startDate: '2026-01-01', endDate: '2026-12-31' },
      currentPeriod: { periodText: 'Jun 26', lastDay: '2026-06-30' },
    })
    expect(sales.setCurrentPeriod('2026-09-15').periodText).toBe('Sep 26')
    expect(() => sales.setCurrentPeriod('2030-01-01')).toThrow(
      "Specified date '2030-01-01' is out of timescale range 2026-01-01 - 2026-12-31",
    )
    expect(sales.setCurrentPeriod('').periodText).toBe('')
  })

  it('looks up items of any dimension by name or code, Time included', () => {
    const { sales } = demo()
    const products = idOf(sales.lists(), 'Products')
    expect(sales.lookupDimensionItems(products, ['widgets'], ['GIZ']).map((i) => i.name)).toEqual([
      'Widgets',
      'Gizmos',
    ])
    expect(
      sales.lookupDimensionItems(TIME_DIMENSION_ID, ['q1 fy26', 'Jan 26'], []).map((i) => i.name),
    ).toEqual(['Jan 26', 'Q1 FY26'])
    expect(() => sales.lookupDimensionItems(VERSIONS_DIMENSION_ID, [], ['X'])).toThrow(/no codes/)
    expect(() => sales.dimensionItems(TIME_DIMENSION_ID)).toThrow(expect.objectContaining({ status: 400 }))
    expect(sales.dimensionItems(VERSIONS_DIMENSION_ID).map((v) => v.name)).toEqual([
      'Actual',
      'Forecast',
      'Budget',
    ])
    expect(sales.dimensionItems(idOf(sales.lists(), 'Regions')).map((v) => v.name)).toEqual([
      'North America',
      'EMEA',
      'APAC',
      'LATAM',
      'Total Regions',
    ])
  })

  it('loads the bench model with its 1 GiB synthetic export', () => {
    const bench = loadTenant({ file: fileURLToPath(BENCH_MODEL_FILE) }).models[0]!
    const exp = bench.exports().find((e) => e.name === 'Bench Export')!
    const meta = bench.exportMetadata(exp.id)
    expect(meta.rowCount).toBe(1_048_576)
    expect(bench.modules().map((m) => m.name)).toEqual(['BEN01 Amounts'])
  })
})
