import { describe, expect, it } from 'vitest'
import { NameResolutionError } from '../errors.ts'
import { closeMatches, levenshtein, resolveName, TtlCache } from './names.ts'

const views = [
  { id: '102000000001', name: 'REV01 Revenue' },
  { id: '207000000001', name: 'Revenue by Region' },
  { id: '207000000002', name: 'Units by Product' },
  { id: '207000000003', name: 'Expenses Summary', code: 'EXP' },
  { id: '207000000004', name: 'Duplicate' },
  { id: '207000000005', name: 'duplicate' },
]

describe('resolveName', () => {
  it('matches ids, names case-insensitively with collapsed whitespace, and codes', () => {
    expect(resolveName('view', views, '207000000002').name).toBe('Units by Product')
    expect(resolveName('view', views, '  revenue   BY region ').id).toBe('207000000001')
    expect(resolveName('view', views, 'exp').id).toBe('207000000003')
  })

  it('rejects an ambiguous name and lists the conflicting objects', () => {
    let e: NameResolutionError | undefined
    try {
      resolveName('view', views, 'DUPLICATE')
    } catch (error) {
      e = error as NameResolutionError
    }
    if (!e) throw new Error('expected a NameResolutionError')
    expect(e).toBeInstanceOf(NameResolutionError)
    expect(e.reason).toBe('ambiguous')
    expect(e.kind).toBe('view')
    expect(e.candidates).toEqual(['Duplicate (207000000004)', 'duplicate (207000000005)'])
  })

  it('rejects an unknown name with close matches, nearest first', () => {
    try {
      resolveName('view', views, 'Revenue by Regoin')
      expect.unreachable()
    } catch (error) {
      const e = error as NameResolutionError
      expect(e.reason).toBe('not_found')
      expect(e.candidates[0]).toBe('Revenue by Region (207000000001)')
      expect(e.message).toContain('Did you mean')
    }
  })

  it('offers no candidates when nothing is close', () => {
    expect(closeMatches(views, 'zzzzzzzzzzzz')).toEqual([])
    expect(closeMatches(views, 'units').map((v) => v.name)).toEqual(['Units by Product'])
  })
})

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['emea', 'emae', 2],
  ])('%s / %s = %d', (a, b, d) => expect(levenshtein(a, b)).toBe(d))
})

describe('TtlCache', () => {
  it('shares one load per key until the entry expires, and does not cache failures', async () => {
    let t = 0
    const cache = new TtlCache(1000, () => t)
    let loads = 0
    const load = async () => ++loads
    expect(await Promise.all([cache.get('k', load), cache.get('k', load)])).toEqual([1, 1])
    t = 999
    expect(await cache.get('k', load)).toBe(1)
    t = 1000
    expect(await cache.get('k', load)).toBe(2)
    await expect(cache.get('bad', () => Promise.reject(new Error('x')))).rejects.toThrow('x')
    expect(await cache.get('bad', async () => 'ok')).toBe('ok')
    cache.invalidate('k')
    expect(await cache.get('k', load)).toBe(3)
  })

  it('keeps a derived value while its entries stay as they were, and rebuilds after any change', async () => {
    let t = 0
    const cache = new TtlCache(1000, () => t)
    let builds = 0
    const derive = () =>
      cache.derived('d', async () => {
        builds++
        return (await cache.get('a', async () => 1)) + (await cache.get('b', async () => 2))
      })
    expect(await derive()).toBe(3) // loaded its entries while building: not kept
    expect(await derive()).toBe(3)
    expect(await derive()).toBe(3)
    expect(builds).toBe(2)
    t = 999
    await derive()
    expect(builds).toBe(2)
    t = 1000 // 'a' expires: the value is rebuilt
    await derive()
    expect(builds).toBe(3)
    const settled = async () => {
      await derive()
      return builds
    }
    const before = await settled()
    cache.set('c', 4) // any change
    await derive()
    expect(builds).toBe(before + 1)
    const again = await settled()
    cache.invalidate('nothing-matches') // no change
    await derive()
    expect(builds).toBe(again)
    cache.invalidate('b')
    await derive()
    expect(builds).toBeGreaterThan(again)
    await expect(cache.get('bad', () => Promise.reject(new Error('x')))).rejects.toThrow('x')
    expect(cache.peek('bad')).toBeUndefined()
  })
})
