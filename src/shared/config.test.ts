import { describe, expect, it } from 'vitest'
import { ConfigError } from '../anaplan/index.ts'
import { DEFAULT_API_URL, DEFAULT_AUTH_URL, hasAnaplanCredentials, loadAnaplanConfig } from './config.ts'

describe('loadAnaplanConfig', () => {
  it('defaults the URLs and reports no credentials', () => {
    expect(loadAnaplanConfig({})).toEqual({
      authUrl: DEFAULT_AUTH_URL,
      apiUrl: DEFAULT_API_URL,
      credentials: undefined,
    })
    expect(hasAnaplanCredentials({})).toBe(false)
  })

  it('lets flags override env and trims trailing slashes', () => {
    const c = loadAnaplanConfig(
      {
        ANAPLAN_API_URL: 'https://eu3.api.anaplan.com/2/0/',
        ANAPLAN_AUTH_URL: 'https://eu3.auth.anaplan.com',
      },
      { apiUrl: 'http://127.0.0.1:8089/2/0' },
    )
    expect(c.apiUrl).toBe('http://127.0.0.1:8089/2/0')
    expect(c.authUrl).toBe('https://eu3.auth.anaplan.com')
  })

  it.each([
    [
      { ANAPLAN_USERNAME: 'a@b.c', ANAPLAN_PASSWORD: 'pw' },
      { source: 'basic', username: 'a@b.c' },
    ],
    [
      { ANAPLAN_CERTIFICATE: '/etc/c.pem', ANAPLAN_PRIVATE_KEY: '/etc/k.pem', ANAPLAN_CERT_FORMAT: 'V1' },
      { source: 'certificate', format: 'v1' },
    ],
    [
      {
        ANAPLAN_CREDENTIALS_SECRET: 'projects/p/secrets/anaplan',
        ANAPLAN_CREDENTIALS_KMS_KEY: 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
      },
      { source: 'gcp-secret', secretVersion: 'projects/p/secrets/anaplan/versions/latest', format: 'v2' },
    ],
    [
      { ANAPLAN_CREDENTIALS_AWS_SECRET: 'anaplan/creds' },
      { source: 'aws-secret', secretId: 'anaplan/creds' },
    ],
    [
      { ANAPLAN_OAUTH_CLIENT_ID: 'cid', ANAPLAN_OAUTH_REFRESH_TOKEN: 'rt' },
      { source: 'oauth', clientId: 'cid', refreshToken: 'rt' },
    ],
  ])('reads a credential source from %j', (env, expected) => {
    expect(loadAnaplanConfig(env).credentials).toMatchObject(expected)
    expect(hasAnaplanCredentials(env)).toBe(true)
  })

  it.each([
    [{ ANAPLAN_USERNAME: 'a@b.c' }, /ANAPLAN_PASSWORD is required/],
    [{ ANAPLAN_PRIVATE_KEY: 'k' }, /ANAPLAN_CERTIFICATE is required/],
    [
      { ANAPLAN_USERNAME: 'a', ANAPLAN_PASSWORD: 'b', ANAPLAN_CREDENTIALS_SECRET: 'projects/p/secrets/s' },
      /Several/,
    ],
    [{ ANAPLAN_CREDENTIALS_SECRET: 'anaplan-creds' }, /Secret Manager name/],
    [{ ANAPLAN_CREDENTIALS_KMS_KEY: 'k' }, /needs ANAPLAN_CREDENTIALS_SECRET/],
    [{ ANAPLAN_CERT_FORMAT: 'v3', ANAPLAN_CERTIFICATE: 'c', ANAPLAN_PRIVATE_KEY: 'k' }, /v1 or v2/],
    [{ ANAPLAN_API_URL: 'ftp://x' }, /http\(s\) URL/],
  ])('rejects %j', (env, message) => {
    expect(() => loadAnaplanConfig(env)).toThrow(ConfigError)
    expect(() => loadAnaplanConfig(env)).toThrow(message)
  })

  it('never echoes a password in a config error', () => {
    try {
      loadAnaplanConfig({ ANAPLAN_PASSWORD: 'hunter2-secret' })
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2')
    }
    expect.assertions(1)
  })
})
