/**
 * The name index on a large model: typo-tolerant lookup through the deletion index finds the same
 * names a scan of every name would, and the LRU used for results stays bounded.
 */
import { describe, expect, it } from 'vitest'
import { EntityIndex } from './entities.ts'
import { LruCache } from './lru.ts'
import { periodResolver } from './slots.ts'
import { emptyVocabulary, type Vocabulary } from './vocabulary.ts'

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'tor', 'vas', 'qui', 'ber', 'dun', 'fel', 'gri', 'hox']

/** A model with 3,000 customers and 500 cost centres, names made of syllables (deterministic). */
function bigVocabulary(): Vocabulary {
  const word = (n: number, parts: number) => {
    let s = ''
    for (let k = 0; k < parts; k++) {
      s += SYLLABLES[n % SYLLABLES.length]
      n = Math.floor(n / SYLLABLES.length) + k * 7
    }
    return s.charAt(0).toUpperCase() + s.slice(1)
  }
  const customers = Array.from({ length: 3000 }, (_, i) => ({
    id: `c${i}`,
    name: `${word(i, 3)} ${word(i * 31 + 5, 2)} Ltd`,
    code: `C${String(i).padStart(5, '0')}`,
  }))
  const centres = Array.from({ length: 500 }, (_, i) => ({ id: `cc${i}`, name: `Centre ${word(i * 17, 3)}` }))
  return {
    ...emptyVocabulary(),
    lists: [
      { id: 'L1', name: 'Customers', items: customers },
      { id: 'L2', name: 'Cost Centres', items: centres },
    ],
    lineItems: [{ id: 'x', name: 'Net Revenue', moduleName: 'REV' }],
  }
}

/** One letter of the longest word swapped with its neighbour (a transposition typo). */
function typo(name: string): string {
  const words = name.split(' ')
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a))
  const i = Math.floor(longest.length / 2)
  const swapped = longest.slice(0, i - 1) + longest[i] + longest[i - 1] + longest.slice(i + 1)
  return words.map((w) => (w === longest ? swapped : w)).join(' ')
}

describe('entity index on a large model', () => {
  const vocabulary = bigVocabulary()
  const index = new EntityIndex(vocabulary)

  it('finds names exactly, by code and with typos', () => {
    const items = vocabulary.lists[0]?.items ?? []
    for (const item of items.filter((_, i) => i % 150 === 0)) {
      const exact = index.find(`net revenue for ${item.name} in Q3`)
      expect(exact.map((e) => e.value)).toContain(item.name)
      expect(index.find(`net revenue for ${item.code}`).map((e) => e.value)).toContain(item.name)
      const wrong = typo(item.name)
      expect(wrong).not.toBe(item.name)
      const found = index.find(`net revenue for ${wrong}`).find((e) => e.kind === 'listItem')
      // A typo'd name may read as two equally close names; the right one is among them.
      expect([found?.value, ...(found?.alternatives.map((a) => a.value) ?? [])]).toContain(item.name)
      expect(found?.score).toBeLessThan(1)
    }
  })

  it('does not stretch typos beyond the allowance', () => {
    // Two edits in a six-letter word are too many.
    expect(index.find('the zzntre of it').filter((e) => e.kind === 'list')).toEqual([])
    expect(index.find('show me net revenu').map((e) => e.value)).toEqual(['Net Revenue'])
    // Words of three letters or less match exactly only ("nett" is a spelling of "net", not a typo).
    expect(index.find('show me neet revenue')).toEqual([])
    expect(index.find('show me nett revenue').map((e) => e.value)).toEqual(['Net Revenue'])
  })
})

describe('LRU cache', () => {
  it('evicts the least recently used entry', () => {
    const lru = new LruCache<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1)
    lru.set('c', 3)
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toBe(1)
    expect(lru.get('c')).toBe(3)
    expect(lru.size).toBe(2)
    expect({ hits: lru.hits, misses: lru.misses }).toEqual({ hits: 3, misses: 1 })
  })

  it('keeps nothing with size 0', () => {
    const lru = new LruCache<string, number>(0)
    lru.set('a', 1)
    expect(lru.get('a')).toBeUndefined()
  })
})

describe('period resolver', () => {
  it('maps mentions to the model’s own period names, parsed once', () => {
    const resolve = periodResolver(['Jan 27', 'Q1 FY27', 'FY27'])
    expect(resolve({ kind: 'month', n: 1 })).toBe('Jan 27')
    expect(resolve({ kind: 'quarter', n: 1, year: 27 })).toBe('Q1 FY27')
    expect(resolve({ kind: 'quarter', n: 2 })).toBeUndefined()
  })
})

describe('codes that are everyday words', () => {
  const idx = new EntityIndex({
    ...emptyVocabulary(),
    lists: [
      {
        id: 'L',
        name: 'Country',
        items: [
          { id: 'n', name: 'Norway', code: 'NO' },
          { id: 'd', name: 'Denmark', code: 'DK' },
        ],
      },
    ],
  })
  const found = (t: string) => idx.find(t).map((m) => m.value)

  it('reads "no" as a word, and NO as typed for Norway', () => {
    expect(found('no thanks')).toEqual([])
    expect(found('sales in NO')).toEqual(['Norway'])
  })

  it('reads other codes in any case', () => {
    expect(found('sales in dk')).toEqual(['Denmark'])
  })
})
