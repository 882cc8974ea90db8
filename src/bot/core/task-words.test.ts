import { describe, expect, it } from 'vitest'
import { detailInWords, failedRows } from './task-words.ts'

describe('detailInWords', () => {
  it('says row counts in words from the named values, and keeps other texts', () => {
    const all = {
      localMessageText: 'REV01 Revenue: 36 (0/36) rows successful, 0 ignored',
      values: [
        'moduleName',
        'REV01 Revenue',
        'successRowCount',
        '36',
        'failedCount',
        '0',
        'ignoredCount',
        '0',
        'totalRowCount',
        '36',
      ],
    }
    expect(detailInWords(all)).toBe('REV01 Revenue: 36 of 36 rows loaded')
    const some = {
      values: [
        'hierarchyName',
        'Products',
        'successRowCount',
        '3',
        'failedCount',
        '3',
        'ignoredCount',
        '1',
        'totalRowCount',
        '7',
      ],
    }
    expect(detailInWords(some)).toBe('Products: 3 of 7 rows loaded, 3 failed, 1 ignored')
    expect(failedRows([all, some])).toBe(3)
    expect(detailInWords({ localMessageText: 'Export complete. ' })).toBe('Export complete.')
    expect(detailInWords({})).toBeUndefined()
  })
})
