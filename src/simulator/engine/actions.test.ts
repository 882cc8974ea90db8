import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { VERSIONS_DIMENSION_ID } from './dimension.ts'
import { syntheticContent } from './export-runner.ts'
import { loadTenant } from './loader.ts'
import { cell, chunks, collect, demo, idOf } from './test-helpers.ts'

const BAD_AND_GOOD = `Region,Product,Month,Version,Units,Price
North America,Widgets,Jan 26,Actual,1000,25
North Amerika,Widgets,Jan 26,Actual,5,25
EMEA,GAD,Feb 26,Actual,2000,
EMEA,Gadgets,Q1 FY26,Actual,5,40
APAC,Gizmos,Mar 26,Actual,many,60
LATAM,Gizmos,Mar 26,Actual,,
"LATAM",Widgets,Mar 26,Actual,3000,26.5
`

describe('imports', () => {
  it('imports the default actuals.csv cleanly', async () => {
    const { sales } = demo()
    const load = idOf(sales.imports(), 'Load Actuals')
    const file = sales.dataSourceFiles().find((f) => f.id === sales.imports()[0]!.importDataSourceId)!
    expect(file).toMatchObject({ name: 'actuals.csv', headerRow: 1, firstDataRow: 2, separator: ',' })
    const outcome = await sales.runImport(load, chunks(file.defaultContent!))
    expect(outcome.successful).toBe(true)
    expect(outcome.dump).toBeUndefined()
    expect(outcome.details[0]!.localMessageText).toBe('REV01 Revenue: 36 (0/36) rows successful, 0 ignored ')
  })

  it('applies good rows, dumps bad rows in Anaplan format, and the view shows the change', async () => {
    const { sales } = demo()
    const outcome = await sales.runImport(idOf(sales.imports(), 'Load Actuals'), chunks(BAD_AND_GOOD, 5))
    expect(outcome).toMatchObject({ successful: true, objectName: 'Load Actuals' })
    expect(outcome.details[0]).toMatchObject({
      type: 'moduleRowsProcessedWithFailures',
      localMessageText:
        'REV01 Revenue: 3 (0/3) rows successful, 0 (0/0) rows has warnings, 3 failed, 1 ignored',
    })
    // Every counter of Anaplan Connect's recorded task result, in its order.
    expect(outcome.details[0]!.values).toEqual(
      // biome-ignore format: key/value pairs
      ['moduleName', 'REV01 Revenue', 'successRowCount', '3', 'successCreateCount', '0', 'successUpdateCount', '3',
        'warningsRowCount', '0', 'warningsCreateCount', '0', 'warningsUpdateCount', '0', 'failedCount', '3',
        'ignoredCount', '1', 'totalRowCount', '7', 'totalCreateCount', '0', 'totalUpdateCount', '3',
        'invalidCount', '0', 'updatedCount', '3', 'renamedCount', '0', 'createdCount', '0'],
    )
    const dump = parse(outcome.dump!, { relax_quotes: false }) as string[][]
    expect(outcome.dump!.split('\n')[0]).toBe(
      '"_Status_","Region","Product","Month","Version","Units","Price","_Line_","_Error_1_"',
    )
    expect(dump.slice(1)).toEqual([
      [
        'E',
        'North Amerika',
        'Widgets',
        'Jan 26',
        'Actual',
        '5',
        '25',
        '3',
        'Item not found in Regions: North Amerika',
      ],
      [
        'E',
        'EMEA',
        'Gadgets',
        'Q1 FY26',
        'Actual',
        '5',
        '40',
        '5',
        'Q1 FY26 is an aggregate of Time and cannot be imported into',
      ],
      ['E', 'APAC', 'Gizmos', 'Mar 26', 'Actual', 'many', '60', '6', 'Invalid number for Units: many'],
    ])
    const products = idOf(sales.lists(), 'Products')
    const view = idOf(sales.views(), 'Revenue by Region')
    const actual = idOf(sales.dimensionItems(VERSIONS_DIMENSION_ID), 'Actual')
    const widgets = sales.readView(view, {
      [products]: idOf(sales.dimensionItems(products), 'Widgets'),
      [VERSIONS_DIMENSION_ID]: actual,
    })
    expect(cell(widgets, 'North America', 'Jan 26')).toBe('25000')
    expect(cell(widgets, 'LATAM', 'Mar 26')).toBe('79500')
    const gadgets = sales.readView(view, {
      [products]: idOf(sales.dimensionItems(products), 'Gadgets'),
      [VERSIONS_DIMENSION_ID]: actual,
    })
    // Price was left empty, so it kept the model's 40.
    expect(cell(gadgets, 'EMEA', 'Feb 26')).toBe('80000')
  })

  it('fails the whole import when a mapped column is missing, and when every row fails', async () => {
    const { sales } = demo()
    const load = idOf(sales.imports(), 'Load Actuals')
    const missing = await sales.runImport(load, chunks('Region,Product,Month,Units\nEMEA,Widgets,Jan 26,5\n'))
    expect(missing.successful).toBe(false)
    expect(missing.details[0]!.localMessageText).toContain('Column not found in the file: Version')
    const allBad = await sales.runImport(
      load,
      chunks('Region,Product,Month,Version,Units,Price\nMars,Widgets,Jan 26,Actual,1,1\n'),
    )
    expect(allBad.successful).toBe(false)
    expect(allBad.dump).toContain('Item not found in Regions: Mars')
    const empty = await sales.runImport(load, chunks(''))
    expect(empty.successful).toBe(false)
  })

  it('takes mapping parameters for dimensions no column provides', async () => {
    const text = `users: [{ email: a@example.com, password: pw, workspaceAdmin: [W] }]
workspaces: [W]
models:
  - name: M
    workspace: W
    versions: [Actual, Forecast]
    lists: [{ name: R, items: [A, B] }]
    modules:
      - name: MOD
        dimensions: [R, Versions]
        lineItems: [{ name: X }]
    imports:
      - { name: Load, file: x.csv, module: MOD, columns: { R: R, X: X }, fixed: { Versions: Actual } }
`
    const m = loadTenant({ text }).models[0]!
    const load = m.imports()[0]!.id
    const csv = 'R,X\nA,5\n'
    await m.runImport(load, chunks(csv), {
      mappingParameters: [{ entityType: 'Version', entityName: 'Forecast' }],
    })
    await m.runImport(load, chunks('R,X\nA,7\n'))
    const g = m.readView(m.modules()[0]!.id, {})
    expect(g.columnCoordinates).toEqual([['X']])
    const forecast = m.readView(m.modules()[0]!.id, {
      [VERSIONS_DIMENSION_ID]: idOf(m.dimensionItems(VERSIONS_DIMENSION_ID), 'Forecast'),
    })
    expect(cell(forecast, 'A', 'X')).toBe('5')
    expect(cell(g, 'A', 'X')).toBe('7')
    const bad = await m.runImport(load, chunks(csv), {
      mappingParameters: [{ entityType: 'Version', entityName: 'Plan' }],
    })
    expect(bad.successful).toBe(false)
    expect(bad.details[0]!.localMessageText).toContain('Plan')
  })

  it('lets a mapping parameter supply a dimension the file has no column for (Load Actuals → Budget)', async () => {
    const { sales } = demo()
    const load = idOf(sales.imports(), 'Load Actuals')
    const rev = idOf(sales.modules(), 'REV01 Revenue')
    const versions = sales.dimensionItems(VERSIONS_DIMENSION_ID)
    // The default view has Regions × Products × Line Items on rows and Versions on pages.
    const page = (version: string) => ({ [VERSIONS_DIMENSION_ID]: idOf(versions, version) })
    const before = {
      actual: cell(sales.readView(rev, page('Actual')), 'EMEA|Widgets|Units', 'Jan 26'),
      forecast: cell(sales.readView(rev, page('Forecast')), 'EMEA|Widgets|Units', 'Jan 26'),
    }
    expect(before.actual).toMatch(/^\d+$/)
    const noVersion = 'Region,Product,Month,Units,Price\nEMEA,Widgets,Jan 26,4321,25\n'

    // Without the parameter the file lacks a column the import maps: nothing is loaded.
    const refused = await sales.runImport(load, chunks(noVersion))
    expect(refused.successful).toBe(false)
    expect(refused.details[0]!.localMessageText).toMatch(/Column not found in the file: Version/)

    const loaded = await sales.runImport(load, chunks(noVersion), {
      mappingParameters: [{ entityType: 'Version', entityName: 'Budget' }],
    })
    expect(loaded.successful).toBe(true)
    expect(loaded.details[0]!.localMessageText).toBe('REV01 Revenue: 1 (0/1) rows successful, 0 ignored ')
    expect(cell(sales.readView(rev, page('Budget')), 'EMEA|Widgets|Units', 'Jan 26')).toBe('4321')
    expect(cell(sales.readView(rev, page('Actual')), 'EMEA|Widgets|Units', 'Jan 26')).toBe(before.actual)
    expect(cell(sales.readView(rev, page('Forecast')), 'EMEA|Widgets|Units', 'Jan 26')).toBe(before.forecast)

    // The parameter wins over a Version column the file does have; names match case-insensitively.
    const withColumn = 'Region,Product,Month,Version,Units,Price\nEMEA,Widgets,Jan 26,Actual,99,25\n'
    await sales.runImport(load, chunks(withColumn), {
      mappingParameters: [{ entityType: 'versions', entityName: 'forecast' }],
    })
    expect(cell(sales.readView(rev, page('Forecast')), 'EMEA|Widgets|Units', 'Jan 26')).toBe('99')
    expect(cell(sales.readView(rev, page('Actual')), 'EMEA|Widgets|Units', 'Jan 26')).toBe(before.actual)
  })

  it('fails a run whose mapping parameter names an unknown dimension, item or an aggregate', async () => {
    const { sales } = demo()
    const load = idOf(sales.imports(), 'Load Actuals')
    const csv = 'Region,Product,Month,Units,Price\nEMEA,Widgets,Jan 26,1,25\n'
    const run = async (entityType: string, entityName: string) => {
      const o = await sales.runImport(load, chunks(csv), { mappingParameters: [{ entityType, entityName }] })
      expect(o.successful).toBe(false)
      expect(o.details[0]!.type).toBe('importFailed')
      return o.details[0]!.localMessageText
    }
    expect(await run('Scenario', 'Budget')).toBe(
      'Mapping parameter for an unknown dimension: Scenario (REV01 Revenue has Regions, Products, Time, Versions)',
    )
    expect(await run('Version', 'Stretch')).toBe('Mapping parameter item not found in Versions: Stretch')
    expect(await run('Regions', 'Total Regions')).toMatch(/Total Regions is an aggregate of Regions/)
    const products = sales.imports().find((i) => i.name === 'Load Products')!.id
    const list = await sales.runImport(products, chunks('Name\nX\n'), {
      mappingParameters: [{ entityType: 'Version', entityName: 'Budget' }],
    })
    expect(list.details[0]!.localMessageText).toBe('Mapping parameters apply to module imports only')
  })

  it('decodes UTF-8 split across chunks, a BOM and quoted fields', async () => {
    const { sales } = demo()
    const products = idOf(sales.lists(), 'Products')
    const csv =
      '\uFEFFName,Code,Parent,Discontinued,Category\n"Zähler, groß",ZAH,All Products,false,"Ünits ""Deluxe"""\n'
    const outcome = await sales.runImport(idOf(sales.imports(), 'Load Products'), chunks(csv, 1))
    expect(outcome.successful).toBe(true)
    const item = sales.listItems(products).find((i) => i.code === 'ZAH')!
    expect(item.name).toBe('Zähler, groß')
    expect(item.properties?.Category).toBe('Ünits "Deluxe"')
  })

  it('Load Products adds new products and updates existing ones; bad rows are dumped', async () => {
    const { sales } = demo()
    const products = idOf(sales.lists(), 'Products')
    const load = idOf(sales.imports(), 'Load Products')
    const def = sales.dataSourceFiles().find((f) => f.name === 'products.csv')!.defaultContent!
    const outcome = await sales.runImport(load, chunks(def))
    expect(outcome.details[0]).toMatchObject({
      type: 'hierarchyRowsProcessed',
      localMessageText: 'Products: 4 (1/3) rows successful, 0 ignored ',
    })
    const counters = Object.fromEntries(
      outcome.details[0]!.values!.flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])),
    )
    expect(counters).toEqual({
      hierarchyName: 'Products',
      ...{ successRowCount: '4', successCreateCount: '1', successUpdateCount: '3' },
      ...{ warningsRowCount: '0', warningsCreateCount: '0', warningsUpdateCount: '0' },
      ...{ failedCount: '0', ignoredCount: '0', invalidCount: '0' },
      ...{ totalRowCount: '4', totalCreateCount: '1', totalUpdateCount: '3' },
      ...{ updatedCount: '3', renamedCount: '3', createdCount: '1' },
    })
    expect(sales.listItems(products).map((i) => i.name)).toContain('Thingamajigs')
    const bad = await sales.runImport(
      load,
      chunks(
        'Name,Code,Parent,Discontinued,Category\nNew One,NEW,Nowhere,false,X\nOther,OTH,All Products,perhaps,X\n',
      ),
    )
    expect(bad.successful).toBe(false)
    expect(parse(bad.dump!).map((r: string[]) => r.at(-1))).toEqual([
      '_Error_1_',
      'Parent not found in Products: Nowhere',
      'Property Discontinued must be true or false: perhaps',
    ])
  })

  it('Load Employees upserts Workforce Plan employees', async () => {
    const { workforce } = demo()
    const employees = idOf(workforce.lists(), 'Employees')
    const def = workforce.dataSourceFiles()[0]!.defaultContent!
    const outcome = await workforce.runImport(idOf(workforce.imports(), 'Load Employees'), chunks(def))
    expect(outcome.successful).toBe(true)
    const items = workforce.listItems(employees)
    expect(items.find((i) => i.code === 'E001')?.properties?.Title).toBe('Senior Account Executive')
    expect(items.map((i) => i.code)).toEqual(['E001', 'E002', 'E003', 'E004', 'E005', 'E006', 'E007', 'E008'])
  })
})

describe('exports', () => {
  it('Revenue Export is one row per Region × Product × Month × Version with Units, Price, Revenue', async () => {
    const { sales } = demo()
    const id = idOf(sales.exports(), 'Revenue Export')
    const { outcome, content } = sales.runExport(id)
    expect(outcome.successful).toBe(true)
    const rows = parse(await collect(content)) as string[][]
    expect(rows[0]).toEqual(['Regions', 'Products', 'Time', 'Versions', 'Units', 'Price', 'Revenue'])
    expect(rows).toHaveLength(1 + 4 * 4 * 12 * 3)
    for (const r of rows.slice(1)) expect(Number(r[6])).toBeCloseTo(Number(r[4]) * Number(r[5]), 6)
    expect(new Set(rows.slice(1).map((r) => r[2]))).toEqual(
      new Set([
        'Jan 26',
        'Feb 26',
        'Mar 26',
        'Apr 26',
        'May 26',
        'Jun 26',
        'Jul 26',
        'Aug 26',
        'Sep 26',
        'Oct 26',
        'Nov 26',
        'Dec 26',
      ]),
    )
    expect(sales.exportMetadata(id)).toMatchObject({
      columnCount: 7,
      headerNames: rows[0],
      listNames: ['Regions', 'Products'],
      rowCount: 192 * 3,
      dataTypes: ['ENTITY', 'ENTITY', 'TIME_ENTITY', 'ENTITY', 'NUMBER', 'NUMBER', 'NUMBER'],
      exportFormat: 'text/csv',
    })
  })

  it('a process-like sequence: the export after an import sees the imported data', async () => {
    const { sales } = demo()
    const proc = sales.processes()[0]!
    expect(proc.actions).toEqual([
      idOf(sales.imports(), 'Load Actuals'),
      idOf(sales.exports(), 'Revenue Export'),
    ])
    expect(sales.processMetadata(proc.id)).toMatchObject({
      name: 'Monthly Refresh',
      actions: [
        {
          name: 'Load Actuals',
          actionType: 'IMPORT',
          importDataSourceId: sales.imports()[0]!.importDataSourceId,
        },
        { name: 'Revenue Export', actionType: 'EXPORT', exportType: 'TABULAR_MULTI_COLUMN' },
      ],
    })
    await sales.runImport(proc.actions[0]!, chunks(BAD_AND_GOOD))
    const rows = parse(await collect(sales.runExport(proc.actions[1]!).content)) as string[][]
    const na = rows.find((r) => r.slice(0, 4).join('|') === 'North America|Widgets|Jan 26|Actual')
    expect(na).toEqual(['North America', 'Widgets', 'Jan 26', 'Actual', '1000', '25', '25000'])
  })

  it('streams a large synthetic export in chunks of exact size', async () => {
    const text = `users: [{ email: a@example.com, password: pw, workspaceAdmin: [W] }]
workspaces: [W]
models:
  - name: Bench
    workspace: W
    exports:
      - name: Bench Export
        synthetic: { rows: 30000, rowBytes: 100 }
`
    const m = loadTenant({ text }).models[0]!
    const id = idOf(m.exports(), 'Bench Export')
    let bytes = 0
    let pieces = 0
    let first = ''
    for await (const c of m.runExport(id).content) {
      if (!first) first = c.slice(0, 100)
      bytes += Buffer.byteLength(c)
      pieces++
    }
    expect(bytes).toBe(3_000_000)
    expect(pieces).toBeGreaterThan(1)
    expect(first).toMatch(/^000000000001,[a-z0-9]+\n$/)
    expect(m.exportMetadata(id)).toMatchObject({ rowCount: 30000 })
    const again = await collect(syntheticContent(3, 20))
    expect(again).toBe(await collect(syntheticContent(3, 20)))
    expect(
      again
        .split('\n')
        .slice(0, 3)
        .map((l) => l.length + 1),
    ).toEqual([20, 20, 20])
  })

  it('Headcount Export and Expenses Export produce module data', async () => {
    const { sales, workforce } = demo()
    const hc = parse(
      await collect(workforce.runExport(idOf(workforce.exports(), 'Headcount Export')).content),
    ) as string[][]
    expect(hc[0]).toEqual(['Departments', 'Time', 'Versions', 'Headcount', 'Average Salary', 'Salary Cost'])
    expect(hc).toHaveLength(1 + 4 * 12 * 2)
    const ex = parse(
      await collect(sales.runExport(idOf(sales.exports(), 'Expenses Export')).content),
    ) as string[][]
    expect(ex[0]).toEqual([
      'Regions',
      'Time',
      'Versions',
      'Headcount',
      'Salaries',
      'Travel',
      'Total Expenses',
    ])
  })
})

describe('delete actions', () => {
  it('Delete Discontinued Products deletes Sprockets and its cells', async () => {
    const { sales } = demo()
    const products = idOf(sales.lists(), 'Products')
    const outcome = sales.runAction(idOf(sales.actions(), 'Delete Discontinued Products'))
    expect(outcome).toMatchObject({ successful: true, objectName: 'Delete Discontinued Products' })
    expect(outcome.details[0]!.localMessageText).toBe('Products: 1 items deleted')
    expect(sales.listItems(products).map((i) => i.name)).toEqual(['Widgets', 'Gadgets', 'Gizmos'])
    const rows = parse(
      await collect(sales.runExport(idOf(sales.exports(), 'Revenue Export')).content),
    ) as string[][]
    expect(rows.some((r) => r[1] === 'Sprockets')).toBe(false)
    // Running it again finds nothing more to delete.
    expect(
      sales.runAction(idOf(sales.actions(), 'Delete Discontinued Products')).details[0]!.values,
    ).toContain('0')
  })

  it('an item marked discontinued later is deleted by the next run', () => {
    const { sales } = demo()
    const products = idOf(sales.lists(), 'Products')
    sales.updateListItems(products, [{ code: 'GIZ', properties: { Discontinued: 'true' } }])
    sales.runAction(idOf(sales.actions(), 'Delete Discontinued Products'))
    expect(sales.listItems(products).map((i) => i.code)).toEqual(['WID', 'GAD'])
  })
})
