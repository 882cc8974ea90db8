import { describe, expect, it } from 'vitest'
import type { AuthTokenInfo } from '../api.ts'
import { AuthenticationError, ServerError } from '../errors.ts'
import { TokenManager, type TokenStore } from './token-manager.ts'

const TTL = 35 * 60_000

function setup(opts: { refreshFails?: 'auth' | 'server' } = {}) {
  let t = 1_000_000
  const clock = { now: () => t, advance: (ms: number) => (t += ms) }
  let n = 0
  const calls: string[] = []
  const gates: (() => void)[] = []
  const info = (): AuthTokenInfo => {
    n++
    return { tokenId: `i${n}`, tokenValue: `token-${n}`, expiresAt: t + TTL, refreshTokenId: 'r' }
  }
  const manager = new TokenManager({
    now: clock.now,
    authenticate: async () => {
      calls.push('authenticate')
      await new Promise<void>((r) => gates.push(r))
      return info()
    },
    refresh: async (token) => {
      calls.push(`refresh ${token}`)
      await new Promise<void>((r) => gates.push(r))
      if (opts.refreshFails === 'auth')
        throw new AuthenticationError(
          401,
          new Headers(),
          {},
          { method: 'POST', url: 'http://a/token/refresh' },
        )
      if (opts.refreshFails === 'server')
        throw new ServerError(503, new Headers(), {}, { method: 'POST', url: 'http://a/token/refresh' })
      return info()
    },
    logout: async (token) => {
      calls.push(`logout ${token}`)
    },
  })
  /** Lets every pending auth call finish, including ones started by earlier ones. */
  const settle = async () => {
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setImmediate(r))
      while (gates.length) gates.shift()!()
    }
  }
  return { manager, clock, calls, settle }
}

describe('TokenManager', () => {
  it('concurrent callers share one authenticate', async () => {
    const { manager, calls, settle } = setup()
    const all = Promise.all([manager.getToken(), manager.getToken(), manager.getToken()])
    await settle()
    expect(await all).toEqual(['token-1', 'token-1', 'token-1'])
    expect(calls).toEqual(['authenticate'])
    expect(manager.stats).toMatchObject({ authenticate: 1, refresh: 0 })
  })

  it('10,000 calls within a token lifetime authenticate once', async () => {
    const { manager, clock, calls, settle } = setup()
    const first = manager.getToken()
    await settle()
    await first
    for (let i = 0; i < 10_000; i++) {
      clock.advance(100) // 1,000 s in total: well inside 35 minutes minus the eager window
      expect(await manager.getToken()).toBe('token-1')
    }
    expect(calls).toEqual(['authenticate'])
  })

  it('refreshes in the background inside the eager window and keeps handing out the current token', async () => {
    const { manager, clock, calls, settle } = setup()
    const p = manager.getToken()
    await settle()
    await p
    clock.advance(TTL - 4 * 60_000) // 4 minutes left: inside the 5-minute eager window
    expect(await manager.getToken()).toBe('token-1')
    expect(await manager.getToken()).toBe('token-1') // still one refresh in flight, not two
    expect(calls).toEqual(['authenticate', 'refresh token-1'])
    await settle()
    expect(await manager.getToken()).toBe('token-2')
    expect(manager.current()?.expiresAt).toBe(clock.now() + TTL)
  })

  it('blocks for a renewal past the safety margin, and re-authenticates when refresh says 401', async () => {
    const { manager, clock, calls, settle } = setup({ refreshFails: 'auth' })
    const p = manager.getToken()
    await settle()
    await p
    clock.advance(TTL - 10_000) // 10 s left: inside the 30 s safety margin
    const q = manager.getToken()
    await settle()
    expect(await q).toBe('token-2')
    expect(calls).toEqual(['authenticate', 'refresh token-1', 'authenticate'])
  })

  it('a failed background refresh is swallowed; an expired token authenticates again', async () => {
    const { manager, clock, calls, settle } = setup({ refreshFails: 'server' })
    const p = manager.getToken()
    await settle()
    await p
    clock.advance(TTL - 60_000)
    expect(await manager.getToken()).toBe('token-1')
    await settle()
    clock.advance(120_000) // now expired: refresh is pointless
    const q = manager.getToken()
    await settle()
    expect(await q).toBe('token-2')
    expect(calls).toEqual(['authenticate', 'refresh token-1', 'authenticate'])
  })

  it('invalidate(rejected) ignores a stale token but drops the current one', async () => {
    const { manager, calls, settle } = setup()
    const p = manager.getToken()
    await settle()
    await p
    manager.invalidate('token-0')
    expect(manager.current()).not.toBeNull()
    manager.invalidate('token-1')
    expect(manager.current()).toBeNull()
    // Many requests rejected with the same stale token cause one re-authentication.
    const again = Promise.all([manager.getToken(), manager.getToken()])
    manager.invalidate('token-1')
    await settle()
    expect(await again).toEqual(['token-2', 'token-2'])
    expect(calls.filter((c) => c === 'authenticate')).toHaveLength(2)
  })

  it('logout revokes the held token once and forgets it', async () => {
    const { manager, calls, settle } = setup()
    const p = manager.getToken()
    await settle()
    await p
    await manager.logout()
    await manager.logout()
    expect(calls).toEqual(['authenticate', 'logout token-1'])
    expect(manager.current()).toBeNull()
  })

  it('scales the windows down for short-lived tokens', async () => {
    const { manager, clock, calls, settle } = setup()
    const m2 = new TokenManager({
      now: clock.now,
      authenticate: async () => ({
        tokenId: '',
        tokenValue: 'short',
        expiresAt: clock.now() + 2000,
        refreshTokenId: '',
      }),
    })
    expect(await m2.getToken()).toBe('short')
    clock.advance(500)
    expect(await m2.getToken()).toBe('short')
    expect(calls).toEqual([])
    expect(m2.stats.authenticate).toBe(1)
    await settle()
    void manager
  })
})

describe('TokenManager with a shared TokenStore', () => {
  function memoryStore() {
    const map = new Map<string, { value: string; expiresAt: number }>()
    const store: TokenStore = {
      get: async (k) => map.get(k) ?? null,
      set: async (k, v) => {
        map.set(k, v)
      },
      delete: async (k) => {
        map.delete(k)
      },
    }
    return { store, map }
  }

  it('a second instance adopts the stored token instead of authenticating; close forgets without revoking', async () => {
    let t = 1_000_000
    const now = () => t
    const { store, map } = memoryStore()
    let auths = 0
    const logouts: string[] = []
    const make = () =>
      new TokenManager({
        now,
        store,
        storeKey: 'k',
        authenticate: async () => {
          auths++
          return { tokenId: '', tokenValue: `shared-${auths}`, expiresAt: now() + TTL, refreshTokenId: '' }
        },
        logout: async (v) => {
          logouts.push(v)
        },
      })
    const a = make()
    const b = make()
    expect(await a.getToken()).toBe('shared-1')
    expect(await b.getToken()).toBe('shared-1')
    expect(auths).toBe(1)
    await a.logout()
    expect(logouts).toEqual([])
    expect(map.get('k')?.value).toBe('shared-1')
    // A 401 on the shared token drops it from the store, so nobody adopts it again.
    b.invalidate('shared-1')
    await new Promise((r) => setImmediate(r))
    expect(map.has('k')).toBe(false)
    t += 1000
    expect(await a.getToken()).toBe('shared-2')
    expect(map.get('k')?.value).toBe('shared-2')
  })

  it('ignores a stored token inside the safety margin', async () => {
    const t = 1_000_000
    const { store, map } = memoryStore()
    map.set('k', { value: 'almost-dead', expiresAt: t + 5_000 })
    const m = new TokenManager({
      now: () => t,
      store,
      storeKey: 'k',
      authenticate: async () => ({
        tokenId: '',
        tokenValue: 'fresh',
        expiresAt: t + TTL,
        refreshTokenId: '',
      }),
    })
    expect(await m.getToken()).toBe('fresh')
  })
})
