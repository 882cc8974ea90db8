import { describe, expect, it } from 'vitest'
import { editDistance } from './edit-distance.ts'

/** The textbook full-matrix recurrence, to check the banded, early-exit one against. */
function reference(a: string, b: string, swaps: boolean): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[]
      const up = d[i - 1] as number[]
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost)
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1)
      row[j] = v
    }
  return (d[a.length] as number[])[b.length] as number
}

describe('editDistance', () => {
  it('agrees with the full recurrence on random strings, with and without a bound', () => {
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const word = () =>
      Array.from({ length: Math.floor(random() * 8) }, () => 'abc'[Math.floor(random() * 3)]).join('')
    for (let n = 0; n < 3000; n++) {
      const [a, b, swaps] = [word(), word(), random() < 0.5]
      const full = reference(a, b, swaps)
      expect(editDistance(a, b, { swaps })).toBe(full)
      for (const max of [0, 1, 2]) expect(editDistance(a, b, { max, swaps })).toBe(Math.min(full, max + 1))
    }
  })

  it('counts a swap as one edit unless told not to', () => {
    expect(editDistance('emae', 'emea')).toBe(1)
    expect(editDistance('emae', 'emea', { swaps: false })).toBe(2)
  })

  it('answers max + 1 for a very long string against a short one', () => {
    expect(editDistance('1.'.repeat(10_000), 'revenue', { max: 2 })).toBe(3)
    expect(editDistance('a'.repeat(20_000), 'a'.repeat(19_999), { max: 2 })).toBe(1)
  })
})
