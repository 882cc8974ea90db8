import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UsageError } from './exit-codes.ts'
import { DEFAULT_API_URL, DEFAULT_AUTH_URL, resolveSettings } from './settings.ts'

const noStdin = () => Promise.reject(new Error('stdin must not be read'))

describe('settings: flags over environment over defaults', () => {
  it('uses the defaults and no credentials when nothing is set', async () => {
    const s = await resolveSettings({}, {}, noStdin)
    expect(s).toMatchObject({ authUrl: DEFAULT_AUTH_URL, apiUrl: DEFAULT_API_URL, credentials: undefined })
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
      credentials: { kind: 'basic', username: 'env@example.com', password: 'env-password' },
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
      credentials: { kind: 'basic', username: 'flag@example.com', password: 'env-password' },
    })
  })

  it('reads the password from stdin with --password-stdin, without the trailing newline', async () => {
    const s = await resolveSettings(
      { user: 'a@example.com', passwordStdin: true },
      { ANAPLAN_PASSWORD: 'ignored' },
      async () => 'from-stdin\n',
    )
    expect(s.credentials).toEqual({ kind: 'basic', username: 'a@example.com', password: 'from-stdin' })
    expect(s.credentialSource).toBe('password (stdin)')
  })

  it('explains missing pieces', async () => {
    await expect(resolveSettings({ user: 'a@example.com' }, {}, noStdin)).rejects.toThrow(/no password/)
    await expect(resolveSettings({ cert: 'c.pem' }, {}, noStdin)).rejects.toThrow(/both --cert and --key/)
    await expect(resolveSettings({}, { ANAPLAN_USERNAME: 'x' }, noStdin)).rejects.toThrow(
      /ANAPLAN_PASSWORD is not/,
    )
    await expect(resolveSettings({}, { ANAPLAN_CERTIFICATE: 'x' }, noStdin)).rejects.toThrow(UsageError)
  })

  it('reads certificate and key from files (flags) or PEM text (environment), v2 by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anaplan-cli-'))
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'
    writeFileSync(join(dir, 'c.pem'), cert)
    writeFileSync(join(dir, 'k.pem'), key)
    const s = await resolveSettings({ cert: join(dir, 'c.pem'), key: join(dir, 'k.pem') }, {}, noStdin)
    expect(s.credentials).toEqual({
      kind: 'certificate',
      certificate: cert,
      privateKey: key,
      encodedDataFormat: 'v2',
    })
    const e = await resolveSettings(
      { certFormat: 'v1' },
      { ANAPLAN_CERTIFICATE: cert, ANAPLAN_PRIVATE_KEY: join(dir, 'k.pem') },
      noStdin,
    )
    expect(e.credentials).toEqual({
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

  it('never puts a secret into an error message', async () => {
    const secretish = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'
    const err = await resolveSettings(
      {},
      { ANAPLAN_CERTIFICATE: secretish, ANAPLAN_PRIVATE_KEY: secretish },
      noStdin,
    ).catch((e: Error) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).not.toContain(secretish)
  })
})
