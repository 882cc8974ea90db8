import { afterEach, describe, expect, it, vi } from 'vitest'
import { cookieSealer } from './session-cookie.ts'

afterEach(() => {
  vi.useRealTimers()
})

describe('cookieSealer', () => {
  it('opens what it sealed, again and again, until it expires', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-03T09:00:00Z'), toFake: ['Date'] })
    const sealer = cookieSealer('a secret of some length')
    const value = await sealer.seal({ p: { subject: 'u1' }, csrf: 'c1' }, 60)
    const first = await sealer.open(value)
    expect(first).toMatchObject({ p: { subject: 'u1' }, csrf: 'c1' })
    // A caller changing what it got changes nothing for the next request.
    ;(first as { csrf: string }).csrf = 'changed'
    expect(await sealer.open(value)).toMatchObject({ csrf: 'c1' })
    vi.setSystemTime(new Date('2026-12-03T09:01:01Z'))
    expect(await sealer.open(value)).toBeUndefined()
  })

  it('refuses a value under another key, a tampered one, and an oversized one', async () => {
    const value = await cookieSealer('key one').seal({ csrf: 'x' }, 60)
    expect(await cookieSealer('key two').open(value)).toBeUndefined()
    const sealer = cookieSealer('key one')
    expect(await sealer.open(value)).toMatchObject({ csrf: 'x' })
    const parts = value.split('.')
    const cipher = parts[3] as string
    parts[3] = (cipher[0] === 'A' ? 'B' : 'A') + cipher.slice(1)
    expect(await sealer.open(parts.join('.'))).toBeUndefined()
    expect(await sealer.open('x'.repeat(5000))).toBeUndefined()
    expect(await sealer.open(undefined)).toBeUndefined()
  })
})
