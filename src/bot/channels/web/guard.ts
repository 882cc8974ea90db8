/**
 * The one identity check in front of every web route (`/api/chat`, `/api/nlu`, `/api/events`,
 * `/downloads/*`), and the CSRF checks in front of the ones that change state: a JSON body, an
 * `Origin` of the bot's own site, and the session's CSRF token in `x-csrf-token`.
 */
import type { Context } from 'hono'
import { jsonError, safeEqual } from '../http.ts'
import type { WebAuthenticator, WebPrincipal } from './principal.ts'
import type { SessionCookies, WebSession } from './session-cookie.ts'

export const CSRF_HEADER = 'x-csrf-token'

export type Guarded = { ok: true; session: WebSession } | { ok: false; response: Response }

export interface WebGuardOptions {
  auth: WebAuthenticator
  cookies: SessionCookies
  /** The configured public URL: the only allowed `Origin` when set; else the request's own host. */
  publicUrl?: string
}

function samePrincipal(a: WebPrincipal, b: WebPrincipal): boolean {
  return a.issuer === b.issuer && a.subject === b.subject && a.userId === b.userId
}

export class WebGuard {
  readonly #o: WebGuardOptions

  constructor(options: WebGuardOptions) {
    this.#o = options
  }

  get mode(): WebAuthenticator['mode'] {
    return this.#o.auth.mode
  }

  /**
   * The caller's session, started when the caller is entitled to one (a valid IAP assertion, the
   * local demo mode) and `start` is set; only `GET /api/session` starts sessions.
   */
  async #session(c: Context, start: boolean): Promise<WebSession | undefined> {
    const { auth, cookies } = this.#o
    const cookie = await cookies.read(c)
    if (auth.fromRequest) {
      const proven = await auth.fromRequest(c.req.raw)
      if (!proven) return undefined
      if (cookie && samePrincipal(cookie.principal, proven)) return cookie
      // The proxy now vouches for someone else: their session starts over with a new CSRF token.
      return start ? cookies.start(c, proven) : undefined
    }
    if (cookie) return cookie
    const anonymous = auth.anonymous?.()
    return anonymous && start ? cookies.start(c, anonymous) : undefined
  }

  #unauthenticated(c: Context): Response {
    const login = this.#o.auth.loginPath
    return c.json(
      {
        error: {
          code: 'unauthenticated',
          message: login ? 'Sign in first.' : 'This request is not from a signed-in user.',
          ...(login ? { login } : {}),
        },
      },
      401,
    )
  }

  /** `GET /api/session`: who the caller is, and the CSRF token the page sends back. */
  async describe(c: Context): Promise<Response> {
    const session = await this.#session(c, true)
    if (!session) return this.#unauthenticated(c)
    c.header('Cache-Control', 'no-store')
    return c.json({
      user: { name: session.principal.displayName, mode: this.#o.auth.mode },
      csrfToken: session.csrf,
      ...(this.#o.auth.loginPath ? { logout: '/auth/logout' } : {}),
    })
  }

  /** For reads (`GET`): a signed-in caller. */
  async reader(c: Context): Promise<Guarded> {
    const session = await this.#session(c, false)
    return session ? { ok: true, session } : { ok: false, response: this.#unauthenticated(c) }
  }

  /** For `POST`s: a signed-in caller, a JSON body, our own Origin and the session's CSRF token. */
  async writer(c: Context): Promise<Guarded> {
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return {
        ok: false,
        response: jsonError(c, 415, 'unsupported_media_type', 'Send the request as application/json.'),
      }
    }
    if (!this.#originAllowed(c)) {
      return {
        ok: false,
        response: jsonError(c, 403, 'forbidden_origin', 'Requests must come from the bot’s own page.'),
      }
    }
    const guarded = await this.reader(c)
    if (!guarded.ok) return guarded
    if (!safeEqual(c.req.header(CSRF_HEADER) ?? '', guarded.session.csrf)) {
      return {
        ok: false,
        response: jsonError(c, 403, 'csrf', 'The page’s session token is missing or stale; reload the page.'),
      }
    }
    return guarded
  }

  #originAllowed(c: Context): boolean {
    const origin = c.req.header('origin')
    if (!origin) return false
    let parsed: URL
    try {
      parsed = new URL(origin)
    } catch {
      return false
    }
    if (this.#o.publicUrl) return parsed.origin === new URL(this.#o.publicUrl).origin
    return parsed.host === (c.req.header('host') ?? new URL(c.req.url).host)
  }
}
