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

  it('stamps its contents: the version moves on every change, until is the first expiry', async () => {
    let t = 0
    const cache = new TtlCache(1000, () => t)
    const empty = cache.stamp()
    expect(empty.until).toBe(Number.POSITIVE_INFINITY)
    await cache.get('a', async () => 1)
    t = 500
    await cache.get('b', async () => 2)
    const both = cache.stamp()
    expect(both.version).toBeGreaterThan(empty.version)
    expect(both.until).toBe(1000)
    // Hits change nothing.
    await cache.get('a', async () => 9)
    expect(cache.stamp()).toEqual(both)
    // 'a' reloads on expiry: the first expiry is now b's.
    t = 1000
    expect(await cache.get('a', async () => 3)).toBe(3)
    const reloaded = cache.stamp()
    expect(reloaded.version).toBeGreaterThan(both.version)
    expect(reloaded.until).toBe(1500)
    cache.set('c', 4)
    expect(cache.stamp().version).toBeGreaterThan(reloaded.version)
    const set = cache.stamp()
    cache.invalidate('nothing-matches')
    expect(cache.stamp()).toEqual(set)
    cache.invalidate('b')
    expect(cache.stamp().version).toBeGreaterThan(set.version)
    expect(cache.stamp().until).toBe(2000)
    const failed = cache.stamp()
    await expect(cache.get('bad', () => Promise.reject(new Error('x')))).rejects.toThrow('x')
    expect(cache.stamp().version).toBeGreaterThan(failed.version)
    expect(cache.peek('bad')).toBeUndefined()
  })
})
