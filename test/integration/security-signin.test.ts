/**
 * Issue 11, finding 2 (anyone could claim any web identity): the web chat signs people in with
 * OpenID Connect against a real provider (`oidc-provider`, on loopback), or takes them from signed
 * IAP assertions checked against a key set served on loopback. Forged, expired, mis-addressed or
 * unsigned claims get nobody in, and the local demo mode is refused against real Anaplan.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import Provider from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBotService } from '../../src/bot/channels/runtime.ts'
import { IAP_HEADER, IAP_ISSUER, iapAuthenticator } from '../../src/bot/channels/web/iap.ts'
import { oidcAuthenticator } from '../../src/bot/channels/web/oidc.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { ScriptedBot } from './channel-helpers.ts'

const BOT = 'http://bot.localhost'
const CLIENT_SECRET = 'oidc-client-secret-5b0e9a1c'

/** A cookie jar per host and manual redirects: what a browser does, step by step. */
class Browser {
  readonly jar = new Map<string, Map<string, string>>()

  cookieHeader(url: URL): string {
    return [...(this.jar.get(url.host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  keep(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (!pair || eq < 0) continue
      const jar = this.jar.get(url.host) ?? new Map<string, string>()
      const value = pair.slice(eq + 1)
      if (value === '' || /max-age=0/i.test(line)) jar.delete(pair.slice(0, eq))
      else jar.set(pair.slice(0, eq), value)
      this.jar.set(url.host, jar)
    }
  }

  /** Requests `href` through the bot app (its host) or over the network (the provider). */
  async go(app: ReturnType<typeof createBotServer>, href: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(href)
    const headers = { ...(init.headers as Record<string, string>), cookie: this.cookieHeader(url) }
    const res =
      url.origin === BOT
        ? await app.request(`${url.pathname}${url.search}`, { ...init, headers })
        : await fetch(url, { ...init, headers, redirect: 'manual' })
    this.keep(url, res)
    return res
  }
}

describe('OpenID Connect sign-in against a real provider', () => {
  let server: Server
  let issuer: string

  beforeAll(async () => {
    server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'anaplan-bot',
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${BOT}/auth/callback`],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      // The profile claims in the ID token itself, as most company providers send them.
      conformIdTokenClaims: false,
      findAccount: async (_ctx: unknown, id: string) => ({
        accountId: id,
        claims: async () => ({
          sub: id,
          email: `${id}@example.com`,
          email_verified: true,
          name: `User ${id}`,
        }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    })
    server.on('request', provider.callback())
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const app = (bot = new ScriptedBot()) =>
    createBotServer(bot, {
      web: {
        auth: oidcAuthenticator({
          issuer,
          clientId: 'anaplan-bot',
          clientSecret: CLIENT_SECRET,
          publicUrl: BOT,
          allowHttpIssuer: true,
        }),
        publicUrl: BOT,
        sessionSecret: 'session-secret-for-the-oidc-test',
      },
    })

  /** Signs `login` in through the provider's login and consent pages; returns the bot's redirect. */
  async function signIn(bot: ReturnType<typeof createBotServer>, browser: Browser, login: string) {
    let res = await browser.go(bot, `${BOT}/auth/login?next=/`)
    expect(res.status).toBe(302)
    const authorize = new URL(res.headers.get('location') ?? '')
    expect(authorize.origin).toBe(issuer)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('state')).toBeTruthy()
    expect(authorize.searchParams.get('nonce')).toBeTruthy()
    let next = authorize.href
    for (let hop = 0; hop < 12; hop++) {
      res = await browser.go(bot, next)
      const location = res.headers.get('location')
      if (location) {
        next = new URL(location, next).href
        if (next.startsWith(`${BOT}/auth/callback`)) return browser.go(bot, next)
        continue
      }
      // A provider page: the login form, then the consent form.
      const html = await res.text()
      const form = /prompt" value="(login|consent)"/.exec(html)?.[1]
      expect(form, html.slice(0, 300)).toBeDefined()
      const body = new URLSearchParams(
        form === 'login' ? { prompt: 'login', login, password: 'any' } : { prompt: 'consent' },
      )
      res = await browser.go(bot, next, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      })
      next = new URL(res.headers.get('location') ?? '', next).href
      if (next.startsWith(`${BOT}/auth/callback`)) return browser.go(bot, next)
    }
    throw new Error('the sign-in did not come back to the bot')
  }

  it('signs a user in with code + PKCE, and the chat turn carries the verified principal', async () => {
    const bot = new ScriptedBot()
    const server = app(bot)
    const browser = new Browser()
    // Before signing in, every route answers 401 (downloads send the browser to sign in).
    for (const path of ['/api/session', '/api/events?sessionId=s1']) {
      expect((await browser.go(server, `${BOT}${path}`)).status, path).toBe(401)
    }
    expect((await browser.go(server, `${BOT}/downloads/abc`)).headers.get('location')).toBe(
      '/auth/login?next=%2Fdownloads%2Fabc',
    )
    const back = await signIn(server, browser, 'alice')
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe('/')
    const cookie = back.headers.getSetCookie().find((c) => c.startsWith('anaplan_bot_session='))
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/Secure/i)
    expect(cookie).toMatch(/SameSite=Lax/i)

    const session = await browser.go(server, `${BOT}/api/session`)
    const { user, csrfToken } = (await session.json()) as { user: { name: string }; csrfToken: string }
    expect(user.name).toBe('User alice')
    const res = await browser.go(server, `${BOT}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BOT, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ sessionId: 's1', text: 'hello' }),
    })
    expect(res.status).toBe(200)
    expect(bot.turns[0]?.identity).toMatchObject({
      channel: 'web',
      userId: 'alice@example.com',
      verified: true,
      verifiedBy: 'oidc',
      issuer,
      subject: 'alice',
    })

    // Signed out, the same cookie jar gets nobody in.
    await browser.go(server, `${BOT}/auth/logout`)
    expect((await browser.go(server, `${BOT}/api/session`)).status).toBe(401)
  })

  it('refuses a callback with a forged state or without the sign-in it belongs to', async () => {
    const server = app()
    const browser = new Browser()
    await browser.go(server, `${BOT}/auth/login`)
    const forged = await browser.go(server, `${BOT}/auth/callback?code=stolen&state=guessed`)
    expect(forged.status).toBe(400)
    expect((await forged.json()).error.code).toBe('sign_in_failed')
    const stranger = await new Browser().go(server, `${BOT}/auth/callback?code=stolen&state=guessed`)
    expect(stranger.status).toBe(400)
    expect((await new Browser().go(server, `${BOT}/api/session`)).status).toBe(401)
  })

  it('does not redirect anywhere but its own paths after sign-in', async () => {
    const browser = new Browser()
    const server = app()
    await browser.go(server, `${BOT}/auth/login?next=//evil.example/x`)
    const back = await signIn(server, browser, 'bob')
    expect(back.headers.get('location')).toBe('/')
  })
})

describe('Identity-Aware Proxy assertions', () => {
  const AUDIENCE = '/projects/123456/global/backendServices/987654'
  let jwks: Server
  let jwksUrl: string
  let key: CryptoKey
  let otherKey: CryptoKey

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    key = pair.privateKey as CryptoKey
    otherKey = (await generateKeyPair('ES256')).privateKey as CryptoKey
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'iap-test-1', alg: 'ES256' }
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ keys: [jwk] }))
    })
    jwks.listen(0, '127.0.0.1')
    await once(jwks, 'listening')
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwk`
  })
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())))

  const assertion = (
    over: { aud?: string; iss?: string; exp?: string; signWith?: CryptoKey; email?: string } = {},
  ) =>
    new SignJWT({ email: over.email ?? 'carol@example.com' })
      .setProtectedHeader({ alg: 'ES256', kid: 'iap-test-1' })
      .setIssuer(over.iss ?? IAP_ISSUER)
      .setAudience(over.aud ?? AUDIENCE)
      .setSubject('accounts.google.com:1122334455')
      .setIssuedAt()
      .setExpirationTime(over.exp ?? '5m')
      .sign(over.signWith ?? key)

  it('admits a valid assertion and refuses forged, expired, mis-addressed and unsigned ones', async () => {
    const bot = new ScriptedBot()
    const server = createBotServer(bot, {
      web: { auth: iapAuthenticator({ audience: AUDIENCE, jwksUrl }), sessionSecret: 'iap-session-key' },
    })
    const session = (headers: Record<string, string>) => server.request('/api/session', { headers })
    const ok = await session({ [IAP_HEADER]: await assertion() })
    expect(ok.status).toBe(200)
    const { csrfToken } = (await ok.json()) as { csrfToken: string }
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0] ?? ''

    const refused = {
      'another key': await assertion({ signWith: otherKey }),
      'another audience': await assertion({ aud: '/projects/1/global/backendServices/2' }),
      'another issuer': await assertion({ iss: 'https://evil.example' }),
      expired: await assertion({ exp: '-1m' }),
      'not a JWT': 'carol@example.com',
    }
    for (const [what, jwt] of Object.entries(refused)) {
      expect((await session({ [IAP_HEADER]: jwt })).status, what).toBe(401)
    }
    // IAP's unsigned headers are no identity, and a cookie alone does not outlive the proxy's word.
    expect(
      (await session({ 'x-goog-authenticated-user-email': 'accounts.google.com:admin@x.com' })).status,
    ).toBe(401)
    const chat = (headers: Record<string, string>) =>
      server.request('/api/chat', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: 'http://localhost',
          'x-csrf-token': csrfToken,
          cookie,
          ...headers,
        },
        body: JSON.stringify({ sessionId: 's', text: 'hi' }),
      })
    expect((await chat({})).status).toBe(401)
    expect((await chat({ [IAP_HEADER]: await assertion({ signWith: otherKey }) })).status).toBe(401)
    // Another user behind the proxy with carol's cookie and token: not carol's session.
    expect((await chat({ [IAP_HEADER]: await assertion({ email: 'mallory@example.com' }) })).status).toBe(401)
    expect(bot.turns).toHaveLength(0)

    const res = await chat({ [IAP_HEADER]: await assertion() })
    expect(res.status).toBe(200)
    expect(bot.turns[0]?.identity).toMatchObject({
      userId: 'carol@example.com',
      verified: true,
      verifiedBy: 'iap',
      issuer: IAP_ISSUER,
      subject: 'accounts.google.com:1122334455',
    })
  })
})

describe('local demo mode', () => {
  it('is refused at start against real Anaplan unless explicitly enabled, naming the variable', async () => {
    await expect(
      startBotService({
        port: 0,
        env: { ANAPLAN_USERNAME: 'svc@example.com', ANAPLAN_PASSWORD: 'pw-not-used-9' },
      }),
    ).rejects.toThrow(/WEB_ALLOW_LOCAL_DEMO=true/)
  })

  it('is shown as the local demo user', async () => {
    const server = createBotServer(new ScriptedBot())
    const res = await server.request('/api/session')
    expect(await res.json()).toMatchObject({ user: { name: 'local demo user', mode: 'local-demo' } })
  })
})
