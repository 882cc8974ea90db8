/**
 * Google Cloud Identity-Aware Proxy: every request IAP lets through carries
 * `x-goog-iap-jwt-assertion`, an ES256 JWT signed by IAP. It is verified on every request (issuer,
 * audience, expiry, signature against IAP's published keys); the unsigned
 * `x-goog-authenticated-user-*` headers are never trusted, since anything that reaches the service
 * around the proxy can set them.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { WebAuthenticator, WebPrincipal } from './principal.ts'

export const IAP_ISSUER = 'https://cloud.google.com/iap'
export const IAP_JWKS_URL = 'https://www.gstatic.com/iap/verify/public_key-jwk'
export const IAP_HEADER = 'x-goog-iap-jwt-assertion'

export interface IapOptions {
  /**
   * The expected `aud`: `/projects/<number>/global/backendServices/<id>` (load balancer) or
   * `/projects/<number>/apps/<project-id>` (App Engine).
   */
  audience: string
  /** Where IAP's public keys are. Tests serve their own on loopback. @default {@link IAP_JWKS_URL} */
  jwksUrl?: string
  /** @default {@link IAP_ISSUER} */
  issuer?: string
}

export function iapAuthenticator(options: IapOptions): WebAuthenticator {
  const issuer = options.issuer ?? IAP_ISSUER
  const keys = createRemoteJWKSet(new URL(options.jwksUrl ?? IAP_JWKS_URL))
  return {
    mode: 'iap',
    async fromRequest(req: Request): Promise<WebPrincipal | undefined> {
      const assertion = req.headers.get(IAP_HEADER)
      if (!assertion || assertion.length > 8192) return undefined
      try {
        const { payload } = await jwtVerify(assertion, keys, {
          issuer,
          audience: options.audience,
          algorithms: ['ES256'],
          requiredClaims: ['sub', 'exp', 'iat'],
        })
        const sub = payload.sub as string
        const email = typeof payload.email === 'string' && payload.email ? payload.email : undefined
        return { issuer, subject: sub, userId: email ?? sub, displayName: email ?? sub, via: 'iap' }
      } catch {
        return undefined
      }
    },
  }
}
