/**
 * The authentication service under `/token/*` (reference §2): Basic and CA-certificate logins
 * (201), validate, refresh (same token value, later expiry), logout (204, immediate revocation).
 */

import { X509Certificate } from 'node:crypto'
import type { Context } from 'hono'
import type { SimUser } from '../../engine/contract.ts'
import {
  CertAuthError,
  issuedFor,
  parseCertBody,
  parseCertificateHeader,
  sameCertificate,
  verifyCertLogin,
} from '../cert-auth.ts'
import type { SimApp, SimEnv } from '../context.ts'
import type { SimState } from '../sim-state.ts'
import type { TokenRecord } from '../token-store.ts'

type AuthStatus = 'FAILURE_BAD_CREDENTIAL' | 'FAILURE_BAD_HEADER'

function authError(c: Context<SimEnv>, code: 400 | 401, status: AuthStatus, message: string): Response {
  return c.json({ status, statusMessage: message }, code)
}

const BAD_HEADER = 'Invalid header. Verify the header.'
const BAD_CREDENTIAL = 'Invalid credentials. Verify the user name and password or certificate.'

function tokenBody(c: Context<SimEnv>, record: TokenRecord, message: string): Record<string, unknown> {
  return {
    meta: { validationUrl: `${new URL(c.req.url).origin}/token/validate` },
    status: 'SUCCESS',
    statusMessage: message,
    tokenInfo: {
      expiresAt: record.expiresAt,
      refreshTokenId: record.refreshTokenId,
      tokenId: record.tokenId,
      tokenValue: record.value,
    },
  }
}

/** Splits `Scheme value`; undefined when the header is missing or has no value. */
function parseAuthorization(header: string | undefined): { scheme: string; value: string } | undefined {
  const match = /^\s*(\S+)\s+(\S.*?)\s*$/.exec(header ?? '')
  if (!match) return undefined
  return { scheme: match[1]!.toLowerCase(), value: match[2]! }
}

/**
 * A user's own certificate, or one issued by one of the user's CA certificates that names the
 * user's e-mail (subject or subject alternative name), as a tenant's uploaded CA works.
 */
function certMatches(user: SimUser, cert: X509Certificate): boolean {
  const parse = (pem: string): X509Certificate | undefined => {
    try {
      return new X509Certificate(pem)
    } catch {
      return undefined
    }
  }
  if (
    user.certificates.some((pem) => {
      const own = parse(pem)
      return own !== undefined && sameCertificate(own, cert)
    })
  )
    return true
  return (user.caCertificates ?? []).some((pem) => {
    const ca = parse(pem)
    return ca !== undefined && issuedFor(cert, ca, user.email)
  })
}

/** Registers `/token/authenticate|validate|refresh|logout`. */
export function registerAuthRoutes(app: SimApp, state: SimState): void {
  app.post('/token/authenticate', async (c) => {
    const world = c.get('world')
    world.stats.auth.authenticate++
    const auth = parseAuthorization(c.req.header('Authorization'))
    if (!auth) return authError(c, 400, 'FAILURE_BAD_HEADER', BAD_HEADER)
    let user: SimUser | undefined
    if (auth.scheme === 'basic') {
      const decoded = Buffer.from(auth.value, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon < 1) return authError(c, 400, 'FAILURE_BAD_HEADER', BAD_HEADER)
      const email = decoded.slice(0, colon).toLowerCase()
      const password = decoded.slice(colon + 1)
      user = world.tenant.users.find((u) => u.email.toLowerCase() === email && u.password === password)
      if (!user) return authError(c, 401, 'FAILURE_BAD_CREDENTIAL', BAD_CREDENTIAL)
    } else if (auth.scheme === 'cacertificate') {
      try {
        const cert = parseCertificateHeader(auth.value)
        let body: unknown
        try {
          body = JSON.parse(await c.req.text())
        } catch {
          throw new CertAuthError(
            'header',
            'Request body must be JSON with encodedData and encodedSignedData',
          )
        }
        const login = parseCertBody(body)
        user = world.tenant.users.find((u) => certMatches(u, cert))
        if (!user) throw new CertAuthError('credential', 'Certificate is not registered to any user')
        verifyCertLogin(cert, login, state.options.now())
      } catch (error) {
        if (error instanceof CertAuthError) {
          return error.kind === 'header'
            ? authError(c, 400, 'FAILURE_BAD_HEADER', error.message)
            : authError(c, 401, 'FAILURE_BAD_CREDENTIAL', error.message)
        }
        throw error
      }
    } else {
      return authError(c, 400, 'FAILURE_BAD_HEADER', BAD_HEADER)
    }
    const record = world.tokens.issue(user)
    return c.json(tokenBody(c, record, 'Login successful'), 201)
  })

  /** The token of an `AnaplanAuthToken` header; `Bearer` is refused here as Anaplan does. */
  const tokenOf = (c: Context<SimEnv>, bearerStatus: 400 | 401): Response | string => {
    const auth = parseAuthorization(c.req.header('Authorization'))
    if (auth?.scheme === 'bearer') {
      return bearerStatus === 400
        ? authError(c, 400, 'FAILURE_BAD_HEADER', BAD_HEADER)
        : authError(c, 401, 'FAILURE_BAD_CREDENTIAL', 'Bearer tokens are not accepted here')
    }
    if (auth?.scheme !== 'anaplanauthtoken') return authError(c, 400, 'FAILURE_BAD_HEADER', BAD_HEADER)
    return auth.value
  }

  app.get('/token/validate', (c) => {
    const world = c.get('world')
    world.stats.auth.validate++
    const token = tokenOf(c, 400)
    if (token instanceof Response) return token
    const record = world.tokens.get(token)
    const user = record && world.user(record.userId)
    if (!record || !user) return authError(c, 401, 'FAILURE_BAD_CREDENTIAL', 'Token is invalid or expired')
    return c.json({
      meta: { validationUrl: `${new URL(c.req.url).origin}/token/validate` },
      status: 'SUCCESS',
      statusMessage: 'Token validated',
      tokenInfo: { expiresAt: record.expiresAt, tokenId: record.tokenId },
      userInfo: { userGuid: user.id, userId: user.email, customerGuid: user.customerId },
    })
  })

  app.post('/token/refresh', (c) => {
    const world = c.get('world')
    world.stats.auth.refresh++
    const token = tokenOf(c, 400)
    if (token instanceof Response) return token
    const record = world.tokens.refresh(token)
    if (!record) return authError(c, 401, 'FAILURE_BAD_CREDENTIAL', 'Token is invalid or expired')
    return c.json(tokenBody(c, record, 'Token refreshed'))
  })

  app.post('/token/logout', (c) => {
    const world = c.get('world')
    world.stats.auth.logout++
    const token = tokenOf(c, 401)
    if (token instanceof Response) return token
    if (!world.tokens.get(token))
      return authError(c, 401, 'FAILURE_BAD_CREDENTIAL', 'Token is invalid or expired')
    world.tokens.revoke(token)
    return new Response(null, { status: 204 })
  })
}
