/**
 * Who is on the web chat, and how the server knows: a {@link WebPrincipal} comes only from a
 * verified source (an OpenID Connect ID token, a signed IAP assertion, or the local demo mode),
 * never from a request body. Session keys are made here from the principal and the channel.
 */
import { createHash } from 'node:crypto'
import type { Hono } from 'hono'
import type { Identity, IdentityProof } from '../../core/types.ts'
import type { SessionCookies } from './session-cookie.ts'

export interface WebPrincipal {
  /** The OpenID issuer, `https://cloud.google.com/iap`, or `local-demo`. */
  issuer: string
  /** The issuer's stable id of the user. */
  subject: string
  /** What the policy and audit see: the verified email when there is one, else the subject. */
  userId: string
  /** Shown on the page. */
  displayName: string
  via: IdentityProof
}

/** How the web chat signs people in. */
export interface WebAuthenticator {
  readonly mode: 'local-demo' | 'oidc' | 'iap' | 'custom'
  /**
   * The principal proven by the request itself (IAP's signed header): checked on every request,
   * so a session cookie never outlives the proxy's word. Undefined when the request proves nothing.
   */
  fromRequest?(req: Request): Promise<WebPrincipal | undefined>
  /** The principal a visitor gets without signing in (local demo mode only). */
  anonymous?(): WebPrincipal
  /** Where the page sends a visitor to sign in. */
  readonly loginPath?: string
  /** Sign-in routes (`/auth/login`, `/auth/callback`, `/auth/logout`). */
  routes?(app: Hono, cookies: SessionCookies): void
}

export const LOCAL_DEMO_PRINCIPAL: WebPrincipal = {
  issuer: 'local-demo',
  subject: 'local-demo',
  userId: 'local-demo',
  displayName: 'local demo user',
  via: 'local-demo',
}

/**
 * Zero-setup mode for `npm start` on the simulator: everyone is the one local demo user. The
 * configuration refuses it against real Anaplan unless explicitly enabled.
 */
export function localDemoAuthenticator(): WebAuthenticator {
  return { mode: 'local-demo', anonymous: () => LOCAL_DEMO_PRINCIPAL }
}

/** The core's identity for a verified web principal. */
export function webIdentity(p: WebPrincipal): Identity {
  return {
    channel: 'web',
    userId: p.userId,
    displayName: p.displayName,
    verified: true,
    verifiedBy: p.via,
    issuer: p.issuer,
    subject: p.subject,
  }
}

const prefixes = new Map<string, string>()

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('base64url').slice(0, 22)
}

/**
 * The bot session of a principal's web conversation. The client's id only picks among the
 * principal's own conversations: whatever it contains (`slack:T:C:U`, another user's id), the key
 * starts with the principal's own prefix.
 */
export function webSessionKey(p: WebPrincipal, clientSessionId: string): string {
  const who = `${p.issuer}\0${p.subject}`
  let prefix = prefixes.get(who)
  if (prefix === undefined) {
    prefix = `web:${digest(p.issuer, p.subject)}:`
    // Every request of a principal hashes the same pair: keep the last few thousand.
    if (prefixes.size >= 4096) prefixes.clear()
    prefixes.set(who, prefix)
  }
  const rest = prefix.length + clientSessionId.length <= 128 ? clientSessionId : digest(clientSessionId)
  return `${prefix}${rest}`
}
