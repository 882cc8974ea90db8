import { describe, expect, it } from 'vitest'
import {
  cellFromFlags,
  parseActionType,
  parseCellValue,
  parseChoice,
  parseChunkSizeMb,
  parseItemSpec,
  parsePair,
  parsePairs,
  parseSeconds,
} from './args.ts'
import { ExitCode, UsageError } from './exit-codes.ts'

describe('argument parsing', () => {
  it.each([
    ['import', 'import'],
    ['Imports', 'import'],
    ['export', 'export'],
    ['process', 'process'],
    ['processes', 'process'],
    ['action', 'action'],
    ['delete', 'action'],
  ])('action type %s -> %s', (input, expected) => {
    expect(parseActionType(input)).toBe(expected)
  })

  it('rejects an unknown action type with the choices', () => {
    expect(() => parseActionType('job')).toThrow(/unknown action type "job"; use one of: import, export/)
  })

  it('splits Dimension=Item at the first =', () => {
    expect(parsePair('--page', 'Products=Gadgets')).toEqual(['Products', 'Gadgets'])
    expect(parsePair('--page', ' Versions = Budget ')).toEqual(['Versions', 'Budget'])
    expect(parsePair('--page', 'Formula=a=b')).toEqual(['Formula', 'a=b'])
    for (const bad of ['Products', '=Gadgets', 'Products=', '']) {
      expect(() => parsePair('--page', bad)).toThrow(UsageError)
    }
  })

  it('refuses the same dimension twice (case-insensitively)', () => {
    expect(parsePairs('--item', ['Regions=APAC', 'Products=Widgets'])).toEqual({
      Regions: 'APAC',
      Products: 'Widgets',
    })
    expect(() => parsePairs('--item', ['Regions=APAC', 'regions=EMEA'])).toThrow(
      /names the dimension "regions" twice/,
    )
  })

  it('reads name[:code] with an escaped colon', () => {
    expect(parseItemSpec('Doohickeys')).toEqual({ name: 'Doohickeys' })
    expect(parseItemSpec('Doohickeys:DOO', 'All Products')).toEqual({
      name: 'Doohickeys',
      code: 'DOO',
      parent: 'All Products',
    })
    expect(parseItemSpec('Ratio 1\\:2:R12')).toEqual({ name: 'Ratio 1:2', code: 'R12' })
    expect(() => parseItemSpec(':DOO')).toThrow(/--add expects name\[:code\]/)
  })

  it('validates seconds and chunk sizes', () => {
    expect(parseSeconds('--timeout', '1.5')).toBe(1500)
    expect(parseSeconds('--poll-interval', '0.05')).toBe(50)
    for (const bad of ['0', '-1', 'abc', '']) expect(() => parseSeconds('--timeout', bad)).toThrow(UsageError)
    expect(parseChunkSizeMb('1')).toBe(1024 * 1024)
    expect(parseChunkSizeMb('50')).toBe(50 * 1024 * 1024)
    for (const bad of ['0', '51', '2.5', 'x']) expect(() => parseChunkSizeMb(bad)).toThrow(/between 1 and 50/)
  })

  it('parses choices case-insensitively', () => {
    expect(parseChoice('--format', 'CSV', ['table', 'csv', 'json'] as const)).toBe('csv')
    expect(() => parseChoice('--format', 'xml', ['table', 'csv'] as const)).toThrow(
      '--format must be one of table, csv; got "xml"',
    )
  })

  it('types cell values like a person means them', () => {
    expect(parseCellValue('500')).toBe(500)
    expect(parseCellValue('-12.5')).toBe(-12.5)
    expect(parseCellValue('1e3')).toBe(1000)
    expect(parseCellValue('TRUE')).toBe(true)
    expect(parseCellValue('false')).toBe(false)
    // Leading zeros are usually codes: keep them as text.
    expect(parseCellValue('007')).toBe('007')
    expect(parseCellValue('Mar 26')).toBe('Mar 26')
  })

  it('builds a cell write from flags, period and version as Time and Versions', () => {
    expect(
      cellFromFlags({
        lineItem: 'Units',
        item: ['Regions=APAC', 'Products=Widgets'],
        period: 'Mar 26',
        version: 'Forecast',
        value: '500',
      }),
    ).toEqual({
      lineItemName: 'Units',
      dimensions: [
        { dimensionName: 'Regions', itemName: 'APAC' },
        { dimensionName: 'Products', itemName: 'Widgets' },
        { dimensionName: 'Time', itemName: 'Mar 26' },
        { dimensionName: 'Versions', itemName: 'Forecast' },
      ],
      value: 500,
    })
    expect(() => cellFromFlags({ value: '1' })).toThrow(/needs --line-item/)
    expect(() => cellFromFlags({ lineItem: 'Units' })).toThrow(/needs --value/)
  })

  it('usage errors exit 2', () => {
    try {
      parseActionType('nope')
      expect.unreachable()
    } catch (e) {
      expect((e as UsageError).exitCode).toBe(ExitCode.USAGE)
    }
  })
})
