import { describe, expect, it } from 'vitest'
import { FaultTable, globToRegExp, parseFaultSpec } from './faults.ts'

describe('globToRegExp', () => {
  it('matches * as one segment and ** as any', () => {
    expect(globToRegExp('/2/0/models/*/views').test('/2/0/models/ABC/views')).toBe(true)
    expect(globToRegExp('/2/0/models/*/views').test('/2/0/models/ABC/x/views')).toBe(false)
    expect(globToRegExp('/2/0/**').test('/2/0/models/ABC/views/1/data')).toBe(true)
    expect(globToRegExp('/2/0/**').test('/2/0')).toBe(true)
    expect(globToRegExp('/token/authenticate').test('/token/authenticate')).toBe(true)
    expect(globToRegExp('/token/authenticate').test('/token/refresh')).toBe(false)
    expect(globToRegExp('/2/0/**/data').test('/2/0/models/A/views/1/data')).toBe(true)
  })
})

describe('FaultTable', () => {
  it('hits count times then disappears, filtered by method', () => {
    const table = new FaultTable()
    table.add(parseFaultSpec({ method: 'get', path: '/2/0/**', count: 2, status: 429, retryAfter: '2' }))
    expect(table.take('POST', '/2/0/models')).toBeUndefined()
    expect(table.take('GET', '/2/0/models')?.status).toBe(429)
    expect(table.take('GET', '/2/0/models')?.retryAfter).toBe('2')
    expect(table.take('GET', '/2/0/models')).toBeUndefined()
  })
  it('rejects faults that do nothing or are malformed', () => {
    expect(() => parseFaultSpec({ path: '/x' })).toThrow(/status/)
    expect(() => parseFaultSpec({ path: 'x', status: 500 })).toThrow(/path/)
    expect(() => parseFaultSpec({ path: '/x', status: 500, count: 0 })).toThrow(/count/)
  })
})
