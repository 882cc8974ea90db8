/**
 * Web sign-in with OpenID Connect (`openid-client`): authorization code flow with PKCE, state and
 * nonce, the ID token verified by the library (signature, issuer, audience, expiry, nonce). Routes:
 * `GET /auth/login?next=/path`, `GET /auth/callback` (the redirect URI to register with the
 * provider: `<public URL>/auth/callback`), `GET|POST /auth/logout`.
 */
import type { Context, Hono } from 'hono'
import * as oidc from 'openid-client'
import type { WebAuthenticator, WebPrincipal } from './principal.ts'
import type { SessionCookies } from './session-cookie.ts'

export interface OidcOptions {
  /** The provider's issuer URL (discovery reads `<issuer>/.well-known/openid-configuration`). */
  issuer: string
  clientId: string
  /** Confidential clients; without it the client is public (PKCE only). */
  clientSecret?: string
  /** The public URL of the bot; the redirect URI is `<publicUrl>/auth/callback`. */
  publicUrl: string
  /** @default 'openid email profile' */
  scope?: string
  /** Plain-http issuers, for tests against a provider on loopback only. @default false */
  allowHttpIssuer?: boolean
}

export const CALLBACK_PATH = '/auth/callback'

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length <= 512 ? next : '/'
}

export function oidcAuthenticator(options: OidcOptions): WebAuthenticator {
  let config: Promise<oidc.Configuration> | undefined
  const configuration = () => {
    if (!config) {
      const p = oidc.discovery(
        new URL(options.issuer),
        options.clientId,
        options.clientSecret ? { client_secret: options.clientSecret } : {},
        options.clientSecret ? oidc.ClientSecretPost(options.clientSecret) : oidc.None(),
        options.allowHttpIssuer ? { execute: [oidc.allowInsecureRequests] } : {},
      )
      config = p
      // A provider that was down at the first sign-in is asked again at the next.
      p.catch(() => {
        if (config === p) config = undefined
      })
    }
    return config
  }
  const redirectUri = `${options.publicUrl}${CALLBACK_PATH}`
  const problem = (c: Context, status: 400 | 502, message: string) =>
    c.json({ error: { code: status === 400 ? 'sign_in_failed' : 'provider_unavailable', message } }, status)

  return {
    mode: 'oidc',
    loginPath: '/auth/login',
    routes(app: Hono, cookies: SessionCookies) {
      app.get('/auth/login', async (c) => {
        let cfg: oidc.Configuration
        try {
          cfg = await configuration()
        } catch {
          return problem(c, 502, 'The sign-in provider could not be reached. Try again shortly.')
        }
        const verifier = oidc.randomPKCECodeVerifier()
        const state = oidc.randomState()
        const nonce = oidc.randomNonce()
        await cookies.putLogin(c, { verifier, state, nonce, next: safeNext(c.req.query('next')) })
        const url = oidc.buildAuthorizationUrl(cfg, {
          redirect_uri: redirectUri,
          scope: options.scope ?? 'openid email profile',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        })
        return c.redirect(url.href, 302)
      })

      app.get(CALLBACK_PATH, async (c) => {
        const login = await cookies.takeLogin(c)
        if (!login || typeof login.state !== 'string' || typeof login.verifier !== 'string') {
          return problem(c, 400, 'This sign-in link has expired or was not started here. Sign in again.')
        }
        let principal: WebPrincipal
        try {
          const cfg = await configuration()
          // The URL the provider redirected to, on the public origin the provider knows.
          const current = new URL(`${redirectUri}${new URL(c.req.url).search}`)
          const tokens = await oidc.authorizationCodeGrant(cfg, current, {
            pkceCodeVerifier: login.verifier,
            expectedState: login.state,
            expectedNonce: String(login.nonce),
            idTokenExpected: true,
          })
          const claims = tokens.claims()
          if (!claims) throw new Error('no ID token')
          const email =
            typeof claims.email === 'string' && claims.email_verified !== false ? claims.email : undefined
          const name = typeof claims.name === 'string' && claims.name ? claims.name : undefined
          principal = {
            issuer: claims.iss,
            subject: claims.sub,
            userId: email ?? claims.sub,
            displayName: name ?? email ?? claims.sub,
            via: 'oidc',
          }
        } catch {
          return problem(c, 400, 'Sign-in failed: the provider did not confirm who you are. Sign in again.')
        }
        await cookies.start(c, principal)
        return c.redirect(safeNext(typeof login.next === 'string' ? login.next : undefined), 302)
      })

      const logout = (c: Context) => {
        cookies.end(c)
        return c.redirect('/', 302)
      }
      app.get('/auth/logout', logout)
      app.post('/auth/logout', logout)
    },
  }
}
