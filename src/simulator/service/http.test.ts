import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { type HttpError, pagedEnvelope, parseSort, searchItems, sortItems } from './http.ts'

function pagedApp(items: object[]) {
  const app = new Hono()
  app.get('/2/0/things', (c) => pagedEnvelope(c, 'schema', 'things', items))
  app.onError((e, c) => c.json({ message: e.message }, (e as HttpError).status as 400))
  return app
}

describe('pagedEnvelope', () => {
  const items = Array.from({ length: 7 }, (_, i) => ({ id: String(i), name: `n${6 - i}` }))

  it('pages with offset/limit and absolute next/previous links', async () => {
    const res = await pagedApp(items).request('http://sim/2/0/things?offset=2&limit=2')
    const body = await res.json()
    expect(body.things.map((t: { id: string }) => t.id)).toEqual(['2', '3'])
    expect(body.meta.paging).toEqual({
      currentPageSize: 2,
      offset: 2,
      totalSize: 7,
      next: 'http://sim/2/0/things?offset=4&limit=2',
      previous: 'http://sim/2/0/things?offset=0&limit=2',
    })
    expect(body.status).toEqual({ code: 200, message: 'Success' })
  })

  it('omits the key of an empty page and has no next on the last page', async () => {
    const res = await pagedApp([]).request('http://sim/2/0/things')
    const body = await res.json()
    expect(body).not.toHaveProperty('things')
    expect(body.meta.paging).toEqual({ currentPageSize: 0, offset: 0, totalSize: 0 })
  })

  it('defaults to 5000 per page', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => ({ id: String(i) }))
    const body = await (await pagedApp(many).request('http://sim/2/0/things')).json()
    expect(body.things).toHaveLength(5000)
    expect(body.meta.paging.next).toBe('http://sim/2/0/things?limit=5000&offset=5000')
  })

  it('rejects a non-numeric offset', async () => {
    const res = await pagedApp(items).request('http://sim/2/0/things?offset=x')
    expect(res.status).toBe(400)
  })
})

describe('sorting', () => {
  const rows = [
    { name: 'b', n: 2 },
    { name: 'a', n: 3 },
    { name: 'c', n: 1 },
  ]
  it('sorts by several keys with +/- prefixes', () => {
    expect(sortItems(rows, parseSort('-n', { strict: false })).map((r) => r.n)).toEqual([3, 2, 1])
    expect(sortItems(rows, parseSort('+name', { strict: false })).map((r) => r.name)).toEqual(['a', 'b', 'c'])
  })
  it('keeps the default order for an unknown field on lenient lists', () => {
    expect(sortItems(rows, parseSort('bogus', { strict: false }))).toEqual(rows)
  })
  it('requires the prefix and a known field on strict lists', () => {
    expect(() => parseSort('name', { strict: true, fields: ['name'] })).toThrow(
      /Bad sort order format: 'name'/,
    )
    expect(() => parseSort('+bogus', { strict: true, fields: ['name'] })).toThrow(
      'Failed to parse sort parameter',
    )
    expect(parseSort(' name', { strict: true, fields: ['name'] })).toEqual([
      { field: 'name', descending: false },
    ])
  })
})

describe('searchItems', () => {
  const rows = [{ name: 'Sales Forecast' }, { name: 'Workforce Plan' }, { name: '100% Budget' }]
  it('filters case-insensitively with % and _ wildcards', () => {
    expect(searchItems(rows, 'forecast')).toEqual([{ name: 'Sales Forecast' }])
    expect(searchItems(rows, 'S%Fore')).toEqual([{ name: 'Sales Forecast' }])
    expect(searchItems(rows, 'W_rk')).toEqual([{ name: 'Workforce Plan' }])
    expect(searchItems(rows, '(')).toEqual([])
    expect(searchItems(rows, undefined)).toHaveLength(3)
  })
})
