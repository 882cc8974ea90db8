import { describe, expect, it } from 'vitest'
import { formatValue } from './util.ts'

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
