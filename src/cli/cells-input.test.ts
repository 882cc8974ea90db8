import { describe, expect, it } from 'vitest'
import { parseCellsCsv, parseCellsFile, parseCellsJson } from './cells-input.ts'
import { UsageError } from './exit-codes.ts'

describe('write-cells --from', () => {
  it("reads the short JSON form and Anaplan's own form", () => {
    const cells = parseCellsJson(
      JSON.stringify([
        { lineItem: 'Units', items: { Regions: 'APAC' }, period: 'Mar 26', version: 'Forecast', value: 500 },
        { lineItemName: 'Price', dimensions: [{ dimensionName: 'Products', itemCode: 'WID' }], value: '9.5' },
      ]),
    )
    expect(cells).toEqual([
      {
        lineItemName: 'Units',
        dimensions: [
          { dimensionName: 'Regions', itemName: 'APAC' },
          { dimensionName: 'Time', itemName: 'Mar 26' },
          { dimensionName: 'Versions', itemName: 'Forecast' },
        ],
        value: 500,
      },
      { lineItemName: 'Price', dimensions: [{ dimensionName: 'Products', itemCode: 'WID' }], value: '9.5' },
    ])
  })

  it('names the entry that is wrong', () => {
    expect(() => parseCellsJson('[{"lineItem":"Units"}]', 'c.json')).toThrow('c.json entry 1 needs a "value"')
    expect(() => parseCellsJson('[{"value":1}]', 'c.json')).toThrow(/entry 1 needs "lineItem"/)
    expect(() => parseCellsJson('{"a":1}', 'c.json')).toThrow(/must contain a JSON array/)
    expect(() => parseCellsJson('[1,', 'c.json')).toThrow(/is not valid JSON/)
  })

  it('reads CSV with dimension columns, period and version shorthands, and empty cells', () => {
    const csv =
      'Line Item,Regions,Products,Period,Version,Value\nUnits,APAC,Widgets,Mar 26,Forecast,500\nTarget Margin %,,,,,0.25\n'
    expect(parseCellsCsv(csv)).toEqual([
      {
        lineItemName: 'Units',
        dimensions: [
          { dimensionName: 'Regions', itemName: 'APAC' },
          { dimensionName: 'Products', itemName: 'Widgets' },
          { dimensionName: 'Time', itemName: 'Mar 26' },
          { dimensionName: 'Versions', itemName: 'Forecast' },
        ],
        value: 500,
      },
      { lineItemName: 'Target Margin %', dimensions: [], value: 0.25 },
    ])
    expect(() => parseCellsCsv('Regions,Value\nAPAC,1\n', 'x.csv')).toThrow(
      /needs "lineItem" and "value" columns/,
    )
  })

  it('picks the parser by extension and refuses an empty file', () => {
    expect(parseCellsFile('cells.csv', 'lineItem,value\nUnits,1\n')).toHaveLength(1)
    expect(parseCellsFile('cells.txt', '[{"lineItem":"Units","value":1}]')).toHaveLength(1)
    expect(() => parseCellsFile('cells.json', '[]')).toThrow(UsageError)
  })
})
