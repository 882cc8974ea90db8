/**
 * The auth service (`/token/*`) and the OAuth refresh-token grant. These calls carry their own
 * Authorization header, so they go through `request()` with `auth: 'none'`.
 */
import type { AnaplanCredentials, AuthTokenInfo, RequestOptions, TokenValidation } from '../api.ts'
import type { Transport } from '../core/transport.ts'
import { ConfigError, ProtocolError } from '../errors.ts'
import { basicAuthorization, certificateAuthentication } from './credentials.ts'

/** Anaplan tokens live 35 minutes; used when a token arrives without an expiry. */
export const TOKEN_LIFETIME_MS = 35 * 60_000

export const DEFAULT_OAUTH_URL = 'https://us1a.app.anaplan.com'

interface TokenEnvelope {
  tokenInfo?: Partial<AuthTokenInfo>
  userInfo?: { userGuid?: string; userId?: string; customerGuid?: string }
}

export class AuthApi {
  constructor(
    private readonly transport: Transport,
    private readonly opts: { randomBytes?: (n: number) => Uint8Array } = {},
  ) {}

  /** Obtains a token for any kind of credentials. */
  async authenticate(creds: AnaplanCredentials, ctx: { now: () => number }): Promise<AuthTokenInfo> {
    switch (creds.kind) {
      case 'basic': {
        const res = await this.transport.request<TokenEnvelope>({
          method: 'POST',
          service: 'auth',
          path: '/token/authenticate',
          auth: 'none',
          idempotent: true,
          headers: { authorization: basicAuthorization(creds.username, creds.password) },
        })
        return tokenInfo(res.data, 'authenticate')
      }
      case 'certificate': {
        const { authorization, body } = certificateAuthentication(creds.certificate, creds.privateKey, {
          format: creds.encodedDataFormat ?? 'v2',
          now: ctx.now,
          ...(this.opts.randomBytes ? { randomBytes: this.opts.randomBytes } : {}),
        })
        const res = await this.transport.request<TokenEnvelope>({
          method: 'POST',
          service: 'auth',
          path: '/token/authenticate',
          auth: 'none',
          idempotent: true,
          headers: { authorization },
          body,
        })
        return tokenInfo(res.data, 'authenticate')
      }
      case 'oauth':
        return this.oauthRefresh(creds, ctx)
      case 'token':
        return {
          tokenId: '',
          tokenValue: creds.tokenValue,
          expiresAt: creds.expiresAt ?? ctx.now() + TOKEN_LIFETIME_MS,
          refreshTokenId: '',
        }
      default:
        throw new ConfigError(`Unknown credential kind "${(creds as { kind?: string }).kind}"`)
    }
  }

  /** `POST /token/refresh`: extends the token; whatever `tokenValue` comes back is the one to use. */
  async refresh(token: string, options?: RequestOptions): Promise<AuthTokenInfo> {
    const res = await this.transport.request<TokenEnvelope>(
      {
        method: 'POST',
        service: 'auth',
        path: '/token/refresh',
        auth: 'none',
        idempotent: true,
        headers: { authorization: `AnaplanAuthToken ${token}` },
      },
      options,
    )
    return tokenInfo(res.data, 'refresh')
  }

  /** `GET /token/validate`. */
  async validate(token: string, options?: RequestOptions): Promise<TokenValidation> {
    const res = await this.transport.request<TokenEnvelope>(
      {
        method: 'GET',
        service: 'auth',
        path: '/token/validate',
        auth: 'none',
        headers: { authorization: `AnaplanAuthToken ${token}` },
      },
      options,
    )
    const t = res.data?.tokenInfo
    const u = res.data?.userInfo
    if (!t || typeof t.expiresAt !== 'number') throw new ProtocolError('validate returned no tokenInfo')
    return {
      expiresAt: t.expiresAt,
      tokenId: t.tokenId ?? '',
      userGuid: u?.userGuid ?? '',
      userId: u?.userId ?? '',
      customerGuid: u?.customerGuid ?? '',
    }
  }

  /** `POST /token/logout` (204). */
  async logout(token: string, options?: RequestOptions): Promise<void> {
    await this.transport.request(
      {
        method: 'POST',
        service: 'auth',
        path: '/token/logout',
        auth: 'none',
        idempotent: true,
        parse: 'none',
        headers: { authorization: `AnaplanAuthToken ${token}` },
      },
      { maxRetries: 1, ...options },
    )
  }

  /**
   * OAuth 2.0 refresh-token grant (`POST /oauth/token`). With a rotatable refresh token the new one
   * replaces the old in `creds` (a rotated token is single-use).
   */
  async oauthRefresh(
    creds: Extract<AnaplanCredentials, { kind: 'oauth' }>,
    ctx: { now: () => number },
  ): Promise<AuthTokenInfo> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: creds.clientId,
      refresh_token: creds.refreshToken,
    })
    if (creds.clientSecret) form.set('client_secret', creds.clientSecret)
    const base = (creds.oauthUrl ?? DEFAULT_OAUTH_URL).replace(/\/+$/, '')
    const res = await this.transport.request<{
      access_token?: string
      refresh_token?: string
      expires_in?: number
    }>({
      method: 'POST',
      url: `${base}/oauth/token`,
      path: '',
      auth: 'none',
      idempotent: false,
      rawBody: form.toString(),
      contentType: 'application/x-www-form-urlencoded',
    })
    const d = res.data
    if (!d?.access_token) throw new ProtocolError('The OAuth token endpoint returned no access_token')
    if (d.refresh_token) creds.refreshToken = d.refresh_token
    return {
      tokenId: '',
      tokenValue: d.access_token,
      expiresAt: ctx.now() + (d.expires_in ?? TOKEN_LIFETIME_MS / 1000) * 1000,
      refreshTokenId: '',
      ...(d.refresh_token ? { refreshToken: d.refresh_token } : {}),
    }
  }
}

function tokenInfo(body: TokenEnvelope | undefined, op: string): AuthTokenInfo {
  const t = body?.tokenInfo
  if (!t || typeof t.tokenValue !== 'string' || typeof t.expiresAt !== 'number') {
    throw new ProtocolError(`${op} returned no tokenInfo`)
  }
  return {
    tokenId: t.tokenId ?? '',
    tokenValue: t.tokenValue,
    expiresAt: t.expiresAt,
    refreshTokenId: t.refreshTokenId ?? '',
    ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
  }
}
