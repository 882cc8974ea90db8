import { describe, expect, it } from 'vitest'
import { AnaplanClient, type AnaplanClientOptions } from './client.ts'
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './errors.ts'
import {
  authRoutes,
  createFakeFetch,
  envelope,
  hang,
  jsonResponse,
  networkError,
} from './testing/fake-fetch.ts'

const API = 'https://api.example.test/2/0'
const AUTH = 'https://auth.example.test'
const me = () => envelope({ user: { id: 'u1', email: 'analyst@example.com' } })

function setup(extra: Partial<AnaplanClientOptions> = {}) {
  let t = 1_700_000_000_000
  const clock = { now: () => t, advance: (ms: number) => (t += ms) }
  const fake = createFakeFetch(authRoutes(clock.now))
  const delays: number[] = []
  const client = new AnaplanClient({
    authUrl: AUTH,
    apiUrl: API,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    fetch: fake.fetch,
    now: clock.now,
    random: () => 1,
    sleep: async (ms) => {
      delays.push(ms)
      clock.advance(ms)
    },
    ...extra,
  })
  return { client, fake, delays, clock }
}

describe('AnaplanClient.request', () => {
  it('authenticates once with Basic and sends AnaplanAuthToken', async () => {
    const { client, fake } = setup()
    fake.on('GET', '/2/0/users/me', me)
    expect((await client.users.me()).email).toBe('analyst@example.com')
    await client.users.me()
    const auth = fake.callsTo('POST', '/token/authenticate')
    expect(auth).toHaveLength(1)
    expect(auth[0]!.headers.get('authorization')).toMatch(/^Basic /)
    expect(fake.callsTo('GET', '/2/0/users/me').map((c) => c.headers.get('authorization'))).toEqual([
      'AnaplanAuthToken token-1',
      'AnaplanAuthToken token-1',
    ])
    expect(client.stats).toMatchObject({ requests: 3, retries: 0, authenticate: 1 })
  })

  it('10,000 calls within one token lifetime authenticate once', async () => {
    const { client, fake, clock } = setup()
    fake.on('GET', '/2/0/users/me', me)
    for (let i = 0; i < 100; i++) {
      await Promise.all(Array.from({ length: 100 }, () => client.users.me()))
      clock.advance(10_000) // 1,000 s in all: inside 35 minutes minus the eager window
    }
    expect(fake.callsTo('GET', '/2/0/users/me')).toHaveLength(10_000)
    expect(fake.callsTo('POST', '/token/authenticate')).toHaveLength(1)
    expect(fake.callsTo('POST', '/token/refresh')).toHaveLength(0)
  })

  it('on 401 invalidates the token, re-authenticates and replays once', async () => {
    const { client, fake } = setup()
    fake.on('GET', '/2/0/users/me', (_req, n) =>
      n === 1 ? jsonResponse({ status: { code: 401, message: 'Unauthorized' } }, 401) : me(),
    )
    expect((await client.users.me()).id).toBe('u1')
    expect(fake.callsTo('POST', '/token/authenticate')).toHaveLength(2)
    expect(fake.callsTo('GET', '/2/0/users/me')[1]!.headers.get('authorization')).toBe(
      'AnaplanAuthToken token-2',
    )
  })

  it('replays a 401 only once, then throws AuthenticationError', async () => {
    const { client, fake } = setup()
    fake.on('GET', '/2/0/users/me', () =>
      jsonResponse({ status: { code: 401, message: 'Unauthorized' } }, 401),
    )
    await expect(client.users.me()).rejects.toBeInstanceOf(AuthenticationError)
    expect(fake.callsTo('GET', '/2/0/users/me')).toHaveLength(2)
  })

  it('honours Retry-After (seconds and HTTP-date) without jitter', async () => {
    const { client, fake, delays, clock } = setup()
    fake.on('GET', '/2/0/users/me', (_req, n) => {
      if (n === 1) return jsonResponse({}, 429, { 'retry-after': '2' })
      if (n === 2) return jsonResponse({}, 429, { 'retry-after': new Date(clock.now() + 5000).toUTCString() })
      return me()
    })
    await client.users.me()
    expect(delays[0]).toBe(2000)
    expect(delays[1]).toBeGreaterThan(4000)
    expect(delays[1]).toBeLessThanOrEqual(5000)
    expect(client.stats.retriesByReason).toEqual({ rate_limit: 2 })
  })

  it('backs off exponentially on 5xx for reads and gives up after maxRetries', async () => {
    const { client, fake, delays } = setup()
    fake.on('GET', '/2/0/users/me', () => jsonResponse({ status: { code: 503, message: 'Down' } }, 503))
    const err = await client.users.me().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ServerError)
    expect((err as ServerError).message).toBe('GET /2/0/users/me failed with 503 Service Unavailable: Down')
    expect(delays).toEqual([1000, 2000, 4000])
    expect(fake.callsTo('GET', '/2/0/users/me')).toHaveLength(4)
  })

  it('never re-sends a non-idempotent call after a 5xx or a dropped connection', async () => {
    const { client, fake } = setup()
    const m = client.modelById('ws1', 'M1')
    fake.on('GET', '/2/0/models/M1/modules', () =>
      envelope({ modules: [{ id: '102000000001', name: 'REV01' }] }),
    )
    fake.on('POST', '/2/0/models/M1/modules/*/data', () => jsonResponse({}, 503))
    await expect(m.writeCells('REV01', [{ lineItemName: 'Units', value: 1 }])).rejects.toBeInstanceOf(
      ServerError,
    )
    fake.on('POST', '/2/0/models/M1/modules/*/data', () => {
      throw networkError('UND_ERR_SOCKET')
    })
    await expect(m.writeCells('REV01', [{ lineItemName: 'Units', value: 1 }])).rejects.toMatchObject({
      name: 'ConnectionError',
      phase: 'response',
    })
    expect(fake.callsTo('POST', '/2/0/models/M1/modules/*/data')).toHaveLength(2)
  })

  it('re-sends a non-idempotent call refused before it was written', async () => {
    const { client, fake } = setup()
    const m = client.modelById('ws1', 'M1')
    fake.on('GET', '/2/0/models/M1/modules', () =>
      envelope({ modules: [{ id: '102000000001', name: 'REV01' }] }),
    )
    fake.on('POST', '/2/0/models/M1/modules/*/data', (_r, n) => {
      if (n === 1) throw networkError('ECONNREFUSED')
      return jsonResponse({ numberOfCellsChanged: 1 })
    })
    expect(await m.writeCells('REV01', [{ lineItemName: 'Units', value: 1 }])).toEqual({
      numberOfCellsChanged: 1,
    })
    expect(client.stats.retriesByReason).toEqual({ connect: 1 })
  })

  it('throws RateLimitError with retryAfterMs at once when the wait would pass the deadline', async () => {
    const { client, fake, delays, clock } = setup()
    fake.on('GET', '/2/0/users/me', () => jsonResponse({}, 429, { 'retry-after': '10' }))
    const err = await client.users.me({ deadline: clock.now() + 5000 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RateLimitError)
    expect((err as RateLimitError).retryAfterMs).toBe(10_000)
    expect(delays).toEqual([])
  })

  it('times out each attempt with its own timer and retries idempotent calls', async () => {
    const { client, fake } = setup({ sleep: async () => {} })
    fake.on('GET', '/2/0/users/me', hang)
    const err = await client.users.me({ timeoutMs: 20, maxRetries: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(err).toBeInstanceOf(ConnectionError)
    expect(fake.callsTo('GET', '/2/0/users/me')).toHaveLength(2)
  })

  it('turns a caller abort into AbortError and never retries it', async () => {
    const { client, fake } = setup()
    fake.on('GET', '/2/0/users/me', hang)
    const ac = new AbortController()
    const p = client.users.me({ signal: ac.signal })
    setTimeout(() => ac.abort(), 10)
    await expect(p).rejects.toBeInstanceOf(AbortError)
    expect(fake.callsTo('GET', '/2/0/users/me')).toHaveLength(1)
  })

  it('keeps tokens and passwords out of error messages', async () => {
    const { client, fake } = setup()
    fake.on('GET', '/2/0/workspaces/*', () =>
      jsonResponse({ status: { code: 404, message: 'Not Found' }, path: '/2/0/workspaces/x' }, 404),
    )
    const err = (await client.workspaces.get('abc').catch((e: unknown) => e)) as NotFoundError
    expect(err).toBeInstanceOf(NotFoundError)
    expect(err.statusMessage).toBe('Not Found')
    const text = `${err.message} ${err.url} ${JSON.stringify(err.body)}`
    expect(text).not.toContain('token-1')
    expect(text).not.toContain('demo-password')
    fake.on('POST', '/token/authenticate', () =>
      jsonResponse({ status: 'FAILURE_BAD_CREDENTIAL', statusMessage: 'Bad credentials' }, 401),
    )
    client.tokens.invalidate()
    const authErr = (await client.users.me().catch((e: unknown) => e)) as AuthenticationError
    expect(authErr).toBeInstanceOf(AuthenticationError)
    expect(authErr.statusCode).toBe('FAILURE_BAD_CREDENTIAL')
    expect(authErr.message).not.toContain('demo-password')
  })

  it('withOptions shares the token manager and stats; close() logs out once', async () => {
    const { client, fake } = setup()
    fake.on('GET', '/2/0/users/me', me)
    await client.users.me()
    const derived = client.withOptions({ timeoutMs: 5000, userAgent: 'bot/1' })
    await derived.users.me()
    expect(derived.tokens).toBe(client.tokens)
    expect(fake.callsTo('POST', '/token/authenticate')).toHaveLength(1)
    expect(fake.callsTo('GET', '/2/0/users/me')[1]!.headers.get('user-agent')).toBe('bot/1')
    expect(client.stats.requests).toBe(derived.stats.requests)
    await client.close()
    await client.close()
    expect(fake.callsTo('POST', '/token/logout')).toHaveLength(1)
    expect(fake.callsTo('POST', '/token/logout')[0]!.headers.get('authorization')).toBe(
      'AnaplanAuthToken token-1',
    )
  })

  it('validates tokens, uses the credentials provider once, and never logs out a borrowed token', async () => {
    let provided = 0
    const { client, fake } = setup({
      credentials: undefined as never,
      credentialsProvider: async () => {
        provided++
        return { kind: 'token', tokenValue: 'borrowed-token' }
      },
    })
    fake.on('GET', '/token/validate', () =>
      jsonResponse({
        status: 'SUCCESS',
        tokenInfo: { expiresAt: 5, tokenId: 't' },
        userInfo: { userGuid: 'g', userId: 'analyst@example.com', customerGuid: 'c' },
      }),
    )
    fake.on('GET', '/2/0/users/me', me)
    expect((await client.auth.validate()).userId).toBe('analyst@example.com')
    await client.users.me()
    await client.close()
    expect(provided).toBe(1)
    expect(fake.callsTo('GET', '/token/validate')[0]!.headers.get('authorization')).toBe(
      'AnaplanAuthToken borrowed-token',
    )
    expect(fake.callsTo('POST', '/token/logout')).toHaveLength(0)
  })

  it('uses the OAuth refresh-token grant and keeps a rotated refresh token', async () => {
    const creds = {
      kind: 'oauth' as const,
      clientId: 'cid',
      refreshToken: 'rt-1',
      oauthUrl: 'https://oauth.example.test',
    }
    const { client, fake } = setup({ credentials: creds })
    fake.on('POST', '/oauth/token', (req) => {
      const form = new URLSearchParams(new TextDecoder().decode(req.body))
      return jsonResponse({
        access_token: `at-for-${form.get('refresh_token')}`,
        refresh_token: 'rt-2',
        expires_in: 2100,
      })
    })
    fake.on('GET', '/2/0/users/me', me)
    await client.users.me()
    expect(fake.callsTo('GET', '/2/0/users/me')[0]!.headers.get('authorization')).toBe(
      'AnaplanAuthToken at-for-rt-1',
    )
    expect(creds.refreshToken).toBe('rt-2')
  })
})

describe('token store wiring', () => {
  it('derives a store key from the auth URL and the user, never the password', async () => {
    const keys: string[] = []
    const { client, fake } = setup({
      tokenStore: {
        get: async (k) => {
          keys.push(k)
          return null
        },
        set: async (k) => {
          keys.push(k)
        },
        delete: async () => {},
      },
    })
    fake.on('GET', '/2/0/users/me', me)
    await client.users.me()
    expect(new Set(keys)).toEqual(new Set(['anaplan-token:https://auth.example.test:analyst@example.com']))
    await client.close()
    expect(fake.callsTo('POST', '/token/logout')).toHaveLength(0)
  })
})
