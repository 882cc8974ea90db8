import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../anaplan/index.ts'
import { UsageError } from './exit-codes.ts'
import { credentialsOf, DEFAULT_API_URL, DEFAULT_AUTH_URL, resolveSettings } from './settings.ts'

const noStdin = () => Promise.reject(new Error('stdin must not be read'))

describe('settings: flags over environment over defaults', () => {
  it('uses the defaults and no credentials when nothing is set', async () => {
    const s = await resolveSettings({}, {}, noStdin)
    expect(s).toMatchObject({ authUrl: DEFAULT_AUTH_URL, apiUrl: DEFAULT_API_URL, credentials: undefined })
    expect(s.credentialSource).toBe('none')
  })

  it('takes the environment, then lets flags win', async () => {
    const env = {
      ANAPLAN_AUTH_URL: 'http://env-auth',
      ANAPLAN_API_URL: 'http://env-api/2/0',
      ANAPLAN_WORKSPACE: 'FP&A Demo',
      ANAPLAN_MODEL: 'Sales Forecast',
      ANAPLAN_USERNAME: 'env@example.com',
      ANAPLAN_PASSWORD: 'env-password',
    }
    const fromEnv = await resolveSettings({}, env, noStdin)
    expect(fromEnv).toMatchObject({
      authUrl: 'http://env-auth',
      apiUrl: 'http://env-api/2/0',
      workspace: 'FP&A Demo',
      model: 'Sales Forecast',
      credentials: { source: 'basic', username: 'env@example.com', password: 'env-password' },
      credentialSource: 'password (ANAPLAN_PASSWORD)',
    })
    const flags = await resolveSettings(
      { authUrl: 'http://flag-auth', model: 'Workforce Plan', user: 'flag@example.com', timeout: '5' },
      env,
      noStdin,
    )
    expect(flags).toMatchObject({
      authUrl: 'http://flag-auth',
      model: 'Workforce Plan',
      timeoutMs: 5000,
      credentials: { source: 'basic', username: 'flag@example.com', password: 'env-password' },
    })
    await expect(credentialsOf(flags.credentials!)).resolves.toEqual({
      kind: 'basic',
      username: 'flag@example.com',
      password: 'env-password',
    })
  })

  it('reads the password from stdin with --password-stdin, without the trailing newline', async () => {
    const s = await resolveSettings(
      { user: 'a@example.com', passwordStdin: true },
      { ANAPLAN_PASSWORD: 'ignored' },
      async () => 'from-stdin\n',
    )
    expect(s.credentials).toEqual({ source: 'basic', username: 'a@example.com', password: 'from-stdin' })
    expect(s.credentialSource).toBe('password (stdin)')
  })

  it('explains missing or conflicting pieces', async () => {
    await expect(resolveSettings({ user: 'a@example.com' }, {}, noStdin)).rejects.toThrow(/no password/)
    await expect(resolveSettings({ cert: 'c.pem' }, {}, noStdin)).rejects.toThrow(/both --cert and --key/)
    await expect(resolveSettings({ passwordStdin: true }, {}, noStdin)).rejects.toThrow(UsageError)
    await expect(resolveSettings({}, { ANAPLAN_USERNAME: 'x' }, noStdin)).rejects.toThrow(ConfigError)
    await expect(resolveSettings({ apiUrl: 'ftp://x' }, {}, noStdin)).rejects.toThrow(ConfigError)
  })

  it('reads certificate and key files from flags, v2 by default, --cert-format wins over the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anaplan-cli-'))
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'
    writeFileSync(join(dir, 'c.pem'), cert)
    writeFileSync(join(dir, 'k.pem'), key)
    const s = await resolveSettings({ cert: join(dir, 'c.pem'), key: join(dir, 'k.pem') }, {}, noStdin)
    expect(s.credentials).toEqual({ source: 'certificate', certificate: cert, privateKey: key, format: 'v2' })
    const e = await resolveSettings(
      { certFormat: 'v1' },
      {
        ANAPLAN_CERTIFICATE: join(dir, 'c.pem'),
        ANAPLAN_PRIVATE_KEY: join(dir, 'k.pem'),
        ANAPLAN_CERT_FORMAT: 'v2',
      },
      noStdin,
    )
    expect(e.credentials).toMatchObject({ source: 'certificate', format: 'v1' })
    await expect(credentialsOf(e.credentials!)).resolves.toEqual({
      kind: 'certificate',
      certificate: cert,
      privateKey: key,
      encodedDataFormat: 'v1',
    })
    writeFileSync(join(dir, 'bad.pem'), 'not pem')
    await expect(
      resolveSettings({ cert: join(dir, 'c.pem'), key: join(dir, 'bad.pem') }, {}, noStdin),
    ).rejects.toThrow('--key: the file is not in PEM format')
  })

  it('names a Secret Manager source without reading it', async () => {
    const s = await resolveSettings({}, { ANAPLAN_CREDENTIALS_SECRET: 'projects/p/secrets/anaplan' }, noStdin)
    expect(s.credentialSource).toBe('Secret Manager (projects/p/secrets/anaplan/versions/latest)')
  })
})
