import { describe, expect, it } from 'vitest'
import { TIME_DIMENSION_ID, VERSIONS_DIMENSION_ID } from './dimension.ts'
import { cell, demo, idOf } from './test-helpers.ts'

function setup() {
  const { sales } = demo()
  const rev = idOf(sales.modules(), 'REV01 Revenue')
  const regions = idOf(sales.lists(), 'Regions')
  const products = idOf(sales.lists(), 'Products')
  const at = (region: string, month = 'Mar 26', version = 'Forecast') => [
    { dimensionName: 'Regions', itemName: region },
    { dimensionName: 'Products', itemCode: 'GAD' },
    { dimensionName: 'Time', itemName: month },
    { dimensionName: 'Versions', itemName: version },
  ]
  return { sales, rev, regions, products, at }
}

describe('writeCells', () => {
  it('writes by ids and by names/codes (case-insensitive), visible on the next read', () => {
    const { sales, rev, regions, products, at } = setup()
    const units = idOf(sales.lineItems(rev), 'Units')
    const result = sales.writeCells(rev, [
      {
        lineItemId: units,
        dimensions: [
          { dimensionId: regions, itemId: idOf(sales.dimensionItems(regions), 'APAC') },
          { dimensionId: products, itemId: idOf(sales.dimensionItems(products), 'Gadgets') },
          {
            dimensionId: TIME_DIMENSION_ID,
            itemId: sales.lookupDimensionItems(TIME_DIMENSION_ID, ['Mar 26'], [])[0]!.id,
          },
          {
            dimensionId: VERSIONS_DIMENSION_ID,
            itemId: idOf(sales.dimensionItems(VERSIONS_DIMENSION_ID), 'Forecast'),
          },
        ],
        value: 11,
      },
      { lineItemName: 'units', dimensions: at('emea'), value: '12' },
      {
        lineItemName: 'Units',
        dimensions: [...at('LATAM').slice(0, 3), { dimensionName: 'Version', itemName: 'Forecast' }],
        value: 13,
      },
    ])
    expect(result).toEqual({ numberOfCellsChanged: 3, failures: [] })
    const pages = {
      [products]: idOf(sales.dimensionItems(products), 'Gadgets'),
      [VERSIONS_DIMENSION_ID]: idOf(sales.dimensionItems(VERSIONS_DIMENSION_ID), 'Forecast'),
    }
    const grid = sales.readView(idOf(sales.views(), 'Revenue by Region'), pages)
    expect(cell(grid, 'APAC', 'Mar 26')).toBe('440')
    expect(cell(grid, 'EMEA', 'Mar 26')).toBe('480')
    expect(cell(grid, 'LATAM', 'Mar 26')).toBe('520')
  })

  it('fails per cell with requestIndex and keeps the good cells', () => {
    const { sales, rev, at } = setup()
    const result = sales.writeCells(rev, [
      { lineItemName: 'Units', dimensions: at('EMEA'), value: 1 },
      { lineItemName: 'Revenue', dimensions: at('EMEA'), value: 1 },
      { lineItemName: 'Units', dimensions: at('Total Regions'), value: 1 },
      { lineItemName: 'Units', dimensions: at('EMEA', 'Q1 FY26'), value: 1 },
      { lineItemName: 'Units', dimensions: at('Atlantis'), value: 1 },
      { lineItemName: 'Units', dimensions: at('EMEA').slice(0, 2), value: 1 },
      {
        lineItemName: 'Units',
        dimensions: [...at('EMEA'), { dimensionName: 'Channels', itemName: 'Direct' }],
        value: 1,
      },
      { lineItemName: 'Units', dimensions: at('EMEA'), value: 'lots' },
      { lineItemName: 'Units', dimensions: at('EMEA'), value: null },
      { lineItemName: 'Bogus', dimensions: at('EMEA'), value: 1 },
    ])
    expect(result.numberOfCellsChanged).toBe(1)
    expect(result.failures.map((f) => [f.requestIndex, f.failureType])).toEqual([
      [1, 'READ_ONLY_CELL'],
      [2, 'READ_ONLY_CELL'],
      [3, 'READ_ONLY_CELL'],
      [4, 'INVALID_DIMENSION'],
      [5, 'INVALID_DIMENSION'],
      [6, 'INVALID_DIMENSION'],
      [7, 'INCORRECT_FORMAT'],
      [8, 'INCORRECT_FORMAT'],
      [9, 'INVALID_LINE_ITEM'],
    ])
    expect(result.failures[3]!.failureMessageDetails).toBe('Item not found in Regions: Atlantis')
    expect(result.failures[4]!.failureMessageDetails).toBe('Missing dimensions: Time, Versions')
  })

  it('validates values against the line item format', () => {
    const { sales } = setup()
    const settings = idOf(sales.modules(), 'SYS01 Settings')
    const r = sales.writeCells(settings, [
      { lineItemName: 'Forecast Start Month', value: 'Sep 26' },
      { lineItemName: 'Forecast Start Month', value: 'Smarch 26' },
      { lineItemName: 'Target Margin %', value: 0.4 },
    ])
    expect(r.numberOfCellsChanged).toBe(2)
    expect(r.failures).toEqual([
      {
        requestIndex: 1,
        failureType: 'INCORRECT_FORMAT',
        failureMessageDetails: 'Invalid time period for Forecast Start Month: Smarch 26',
      },
    ])
    expect(sales.readView(settings, {}).rows.map((row) => row.cells[0])).toEqual(['Sep 26', '0.4'])
  })

  it('refuses more than 100,000 cells in one call', () => {
    const { sales, rev, at } = setup()
    const writes = Array.from({ length: 100_001 }, () => ({
      lineItemName: 'Units',
      dimensions: at('EMEA'),
      value: 1,
    }))
    expect(() => sales.writeCells(rev, writes)).toThrow(expect.objectContaining({ status: 400 }))
    expect(sales.writeCells(rev, writes.slice(1)).numberOfCellsChanged).toBe(100_000)
  })

  it('answers 404 for an unknown module', () => {
    const { sales } = setup()
    expect(() => sales.writeCells('102999999999', [])).toThrow(expect.objectContaining({ status: 404 }))
  })
})
