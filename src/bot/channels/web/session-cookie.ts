/**
 * The web chat's session cookie: the signed-in principal and the session's CSRF token, encrypted
 * and authenticated (JWE, `dir` + A256GCM) under a key derived from the configured secret, so any
 * instance with the same secret reads it and nobody else can read or forge it. Short-lived state of
 * an OpenID sign-in (state, nonce, PKCE verifier) travels the same way in its own cookie.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { EncryptJWT, jwtDecrypt } from 'jose'
import type { WebPrincipal } from './principal.ts'

export const SESSION_COOKIE = 'anaplan_bot_session'
export const LOGIN_COOKIE = 'anaplan_bot_login'

/** @default 8 h: a working day, after which the user signs in again. */
export const DEFAULT_SESSION_TTL_S = 8 * 3600

export interface WebSession {
  principal: WebPrincipal
  csrf: string
}

export interface CookieSealer {
  seal(claims: Record<string, unknown>, ttlSeconds: number): Promise<string>
  /** The claims, or undefined for a cookie that is missing, forged, tampered with or expired. */
  open(value: string | undefined): Promise<Record<string, unknown> | undefined>
}

/** Opened cookies kept per process: each page request would otherwise decrypt the same value again. */
const OPENED_CACHE = 1000

/** A sealer keyed by `secret` (any length; hashed to 256 bits). */
export function cookieSealer(secret: string): CookieSealer {
  const raw = createHash('sha256').update(`anaplan-bot web session\0${secret}`).digest()
  // Imported once: jose would import a raw key again on every call.
  const key = globalThis.crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
  // Only values that decrypted and verified are kept, keyed by the whole value, and each hit checks
  // the expiry again, so a cached open answers exactly as a fresh one would. (The cookie is
  // stateless: signing out deletes it on the client, as before.)
  const opened = new Map<string, { payload: Record<string, unknown>; expMs: number }>()
  return {
    seal: async (claims, ttl) =>
      new EncryptJWT(claims)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(`${ttl}s`)
        .encrypt(await key),
    async open(value) {
      if (!value || value.length > 4096) return undefined
      const hit = opened.get(value)
      if (hit) {
        if (hit.expMs > Date.now()) return copyClaims(hit.payload)
        opened.delete(value)
        return undefined
      }
      try {
        const { payload } = await jwtDecrypt(value, await key, { clockTolerance: 0 })
        if (typeof payload.exp === 'number') {
          if (opened.size >= OPENED_CACHE) opened.delete(opened.keys().next().value as string)
          opened.set(value, { payload: copyClaims(payload), expMs: payload.exp * 1000 })
        }
        return payload as Record<string, unknown>
      } catch {
        return undefined
      }
    },
  }
}

/**
 * A deep copy of decrypted claims, which are JSON (objects, arrays, strings, numbers, booleans,
 * null): the same result as `structuredClone` for them at a fraction of its cost, on every page
 * request.
 */
function copyClaims<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(copyClaims) as T
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) out[k] = copyClaims((v as Record<string, unknown>)[k])
  return out as T
}

/** A random token for CSRF headers and sign-in state. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

function isPrincipal(v: unknown): v is WebPrincipal {
  const p = v as WebPrincipal | undefined
  return (
    !!p &&
    typeof p.issuer === 'string' &&
    typeof p.subject === 'string' &&
    typeof p.userId === 'string' &&
    typeof p.displayName === 'string' &&
    typeof p.via === 'string'
  )
}

/** Reads and writes {@link WebSession}s on a Hono context. */
export class SessionCookies {
  readonly #sealer: CookieSealer
  readonly #ttl: number
  readonly #secure: (c: Context) => boolean

  constructor(options: { secret: string; ttlSeconds?: number; secure: (c: Context) => boolean }) {
    this.#sealer = cookieSealer(options.secret)
    this.#ttl = options.ttlSeconds ?? DEFAULT_SESSION_TTL_S
    this.#secure = options.secure
  }

  async read(c: Context): Promise<WebSession | undefined> {
    const claims = await this.#sealer.open(getCookie(c, SESSION_COOKIE))
    if (!claims || !isPrincipal(claims.p) || typeof claims.csrf !== 'string') return undefined
    return { principal: claims.p, csrf: claims.csrf }
  }

  /** Starts a session for `principal` with a fresh CSRF token (sign-in, or a new local visitor). */
  async start(c: Context, principal: WebPrincipal): Promise<WebSession> {
    const session = { principal, csrf: randomToken() }
    const value = await this.#sealer.seal({ p: principal, csrf: session.csrf }, this.#ttl)
    setCookie(c, SESSION_COOKIE, value, this.#options(c, this.#ttl))
    return session
  }

  end(c: Context): void {
    deleteCookie(c, SESSION_COOKIE, this.#options(c, 0))
  }

  /** Keeps sign-in state (state, nonce, PKCE verifier, where to return) for 10 minutes. */
  async putLogin(c: Context, state: Record<string, string>): Promise<void> {
    setCookie(c, LOGIN_COOKIE, await this.#sealer.seal(state, 600), {
      ...this.#options(c, 600),
      path: '/auth',
    })
  }

  /** Takes the sign-in state back (once: the cookie is cleared). */
  async takeLogin(c: Context): Promise<Record<string, unknown> | undefined> {
    const claims = await this.#sealer.open(getCookie(c, LOGIN_COOKIE))
    deleteCookie(c, LOGIN_COOKIE, { ...this.#options(c, 0), path: '/auth' })
    return claims
  }

  #options(c: Context, maxAge: number) {
    // Lax: the cookie goes with top-level navigations (the provider's redirect back) but not
    // with cross-site POSTs or fetches.
    return { httpOnly: true, secure: this.#secure(c), sameSite: 'Lax' as const, path: '/', maxAge }
  }
}
