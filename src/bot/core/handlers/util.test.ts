import { describe, expect, it } from 'vitest'
import { type ModelCatalog, NameResolutionError } from '../anaplan.ts'
import { formatValue, pickIn } from './util.ts'

describe('formatValue', () => {
  const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

  it('formats numbers exactly as en-US Intl does, whole numbers included', () => {
    const cells = [
      '0',
      '7',
      '-7',
      '999',
      '1000',
      '-1000',
      '12800',
      '143700',
      '1234567',
      '-98765432',
      String(Number.MAX_SAFE_INTEGER),
      String(-Number.MAX_SAFE_INTEGER),
      '1e21',
      '9007199254740993',
      '-0',
      '0.5',
      '1234.567',
      '-0.004',
      '3975.0',
      ' 42 ',
      '0x10',
    ]
    for (const raw of cells) expect(formatValue(raw), raw).toBe(intl.format(Number(raw)))
  })

  it('leaves text, blanks and non-finite values alone and names empty cells', () => {
    expect(formatValue(undefined)).toBe('empty')
    expect(formatValue('')).toBe('empty')
    expect(formatValue('   ')).toBe('   ')
    expect(formatValue('North')).toBe('North')
    expect(formatValue('Infinity')).toBe('Infinity')
    expect(formatValue('NaN')).toBe('NaN')
  })
})

describe('pickIn (names resolved against the model catalog)', () => {
  const catalog: ModelCatalog = {
    workspaceId: 'W',
    modelId: 'M',
    fetchedAt: 0,
    dimensions: [],
    modules: [{ id: 'M1', name: 'REV01 Revenue', dimensionIds: [], lineItemIds: ['LI1'] }],
    lineItems: [
      {
        id: 'LI1',
        name: 'Units',
        moduleId: 'M1',
        moduleName: 'REV01 Revenue',
        format: 'NUMBER',
        summary: 'SUM',
        timeSummary: 'SUM',
        dimensionIds: [],
      },
    ],
    lists: [
      {
        id: 'L1',
        name: 'Regions',
        itemCount: 2,
        topLevelItem: { id: 'T', name: 'Total Regions' },
        items: [
          { id: 'R1', name: 'EMEA', code: 'EMEA', parentId: 'T' },
          { id: 'R2', name: 'North America', code: 'NA', parentId: 'T' },
        ],
      },
    ],
    periods: [{ id: 'P1', name: 'Q1 FY26', level: 'quarter', index: 0, start: '2026-01', end: '2026-03' }],
    versions: [{ id: 'V1', name: 'Forecast', isActual: false, isCurrent: true }],
    views: [
      { id: 'M1', name: 'REV01 Revenue', moduleId: 'M1', moduleName: 'REV01 Revenue', isDefault: true },
      {
        id: 'V9',
        name: 'REV01 Revenue.Revenue by Region',
        moduleId: 'M1',
        moduleName: 'REV01 Revenue',
        shortName: 'Revenue by Region',
      },
    ],
    actions: [],
  }

  it('finds items by name, code or typo, the top-level item included, and views by short name', () => {
    expect(pickIn(catalog, 'item', 'na', 'Regions').name).toBe('North America')
    expect(pickIn(catalog, 'item', 'total regions', 'regions').id).toBe('T')
    expect(pickIn(catalog, 'item', 'Nort America').id).toBe('R2')
    expect(pickIn(catalog, 'view', 'revenue by region').id).toBe('V9')
    expect(pickIn(catalog, 'lineItem', 'units').id).toBe('LI1')
    expect(pickIn(catalog, 'period', 'q1 fy26').id).toBe('P1')
  })

  it('names an unknown name back with the kind it was looked for as', () => {
    let error: unknown
    try {
      pickIn(catalog, 'item', 'Narnia', 'Regions')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(NameResolutionError)
    expect(error).toMatchObject({ kind: 'Regions item', query: 'Narnia', reason: 'not_found' })
  })
})
