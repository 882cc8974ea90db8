import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../anaplan/index.ts'
import { redactSecrets } from './logger.ts'
import {
  type KmsLike,
  loadCredentials,
  parseSecret,
  resetCredentialsCache,
  type SecretManagerLike,
} from './secrets.ts'

afterEach(() => resetCredentialsCache())

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n'
const KEY =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCfakefakefake\n-----END PRIVATE KEY-----\n'

function fakeSecretManager(payloads: Record<string, string | Uint8Array>) {
  const calls: string[] = []
  const sm: SecretManagerLike = {
    async accessSecretVersion({ name }) {
      calls.push(name)
      const data = payloads[name]
      if (data === undefined)
        throw Object.assign(new Error(`NOT_FOUND: ${name} payload=nothing`), { code: 5 })
      return [{ payload: { data: typeof data === 'string' ? new TextEncoder().encode(data) : data } }]
    },
  }
  return { sm, calls }
}

describe('loadCredentials', () => {
  it('reads a GCP secret once per process and masks its values in logs', async () => {
    const name = 'projects/p/secrets/anaplan/versions/latest'
    const { sm, calls } = fakeSecretManager({ [name]: 'bot@example.com:s3cret:with:colons' })
    const config = {
      credentials: { source: 'gcp-secret' as const, secretVersion: name, format: 'v2' as const },
    }
    const [a, b] = await Promise.all([
      loadCredentials(config, { secretManager: sm }),
      loadCredentials(config, { secretManager: sm }),
    ])
    expect(a).toEqual({ kind: 'basic', username: 'bot@example.com', password: 's3cret:with:colons' })
    expect(b).toBe(a)
    expect(await loadCredentials(config, { secretManager: sm })).toBe(a)
    expect(calls).toEqual([name])
    expect(redactSecrets('login with s3cret:with:colons')).toBe('login with [REDACTED]')
  })

  it('decrypts a KMS-encrypted payload (base64 text) before parsing JSON certificate credentials', async () => {
    const name = 'projects/p/secrets/enc/versions/3'
    const plaintext = JSON.stringify({ certificate: CERT, privateKey: KEY })
    const ciphertext = Buffer.from(`enc:${plaintext}`)
    const { sm } = fakeSecretManager({ [name]: ciphertext.toString('base64') })
    const seen: { name: string; ciphertext: string }[] = []
    const kms: KmsLike = {
      async decrypt(req) {
        seen.push({ name: req.name, ciphertext: Buffer.from(req.ciphertext).toString() })
        return [{ plaintext: new Uint8Array(Buffer.from(Buffer.from(req.ciphertext).toString().slice(4))) }]
      },
    }
    const creds = await loadCredentials(
      {
        credentials: {
          source: 'gcp-secret',
          secretVersion: name,
          kmsKey: 'projects/p/locations/g/keyRings/r/cryptoKeys/k',
          format: 'v1',
        },
      },
      { secretManager: sm, kms },
    )
    expect(seen).toEqual([
      { name: 'projects/p/locations/g/keyRings/r/cryptoKeys/k', ciphertext: ciphertext.toString() },
    ])
    expect(creds).toEqual({
      kind: 'certificate',
      certificate: CERT,
      privateKey: KEY,
      encodedDataFormat: 'v1',
    })
    expect(
      redactSecrets(`key line MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCfakefakefake`),
    ).not.toContain('fakefake')
  })

  it('names the secret but never its value when it cannot be read or parsed, and retries after a failure', async () => {
    const name = 'projects/p/secrets/missing/versions/latest'
    const { sm, calls } = fakeSecretManager({})
    const config = {
      credentials: { source: 'gcp-secret' as const, secretVersion: name, format: 'v2' as const },
    }
    const err = (await loadCredentials(config, { secretManager: sm }).catch((e: unknown) => e)) as ConfigError
    expect(err).toBeInstanceOf(ConfigError)
    expect(err.message).toContain(name)
    await loadCredentials(config, { secretManager: sm }).catch(() => undefined)
    expect(calls).toHaveLength(2)
    expect(() => parseSecret('just-a-password-without-user', 'S')).toThrow(/username:password/)
    try {
      parseSecret('{"password": "pw-never-shown"}', 'S')
    } catch (e) {
      expect((e as Error).message).not.toContain('pw-never-shown')
    }
  })

  it('reads an AWS secret (SecretString JSON)', async () => {
    const creds = await loadCredentials(
      { credentials: { source: 'aws-secret', secretId: 'anaplan/creds', format: 'v2' } },
      {
        awsGetSecretValue: async (id) => ({
          SecretString: JSON.stringify({ username: `u-${id}`, password: 'aws-password' }),
        }),
      },
    )
    expect(creds).toEqual({ kind: 'basic', username: 'u-anaplan/creds', password: 'aws-password' })
  })

  it('reads PEM files for certificate credentials, and PEM text with escaped newlines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anaplan-secrets-'))
    try {
      await writeFile(join(dir, 'c.pem'), CERT)
      const creds = await loadCredentials({
        credentials: {
          source: 'certificate',
          certificate: join(dir, 'c.pem'),
          privateKey: KEY.replace(/\n/g, '\\n'),
          format: 'v2',
        },
      })
      expect(creds).toEqual({
        kind: 'certificate',
        certificate: CERT,
        privateKey: KEY,
        encodedDataFormat: 'v2',
      })
      resetCredentialsCache()
      await expect(
        loadCredentials({
          credentials: {
            source: 'certificate',
            certificate: join(dir, 'nope.pem'),
            privateKey: KEY,
            format: 'v2',
          },
        }),
      ).rejects.toThrow(/ANAPLAN_CERTIFICATE is neither PEM text nor a readable PEM file/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('does not answer a second password for the same user with the first one', async () => {
    const first = await loadCredentials({
      credentials: { source: 'basic', username: 'ops@example.com', password: 'first-password' },
    })
    const second = await loadCredentials({
      credentials: { source: 'basic', username: 'ops@example.com', password: 'second-password' },
    })
    expect(first).toMatchObject({ password: 'first-password' })
    expect(second).toMatchObject({ password: 'second-password' })
  })

  it('rejects when nothing is configured', async () => {
    await expect(loadCredentials({ credentials: undefined })).rejects.toBeInstanceOf(ConfigError)
  })
})
