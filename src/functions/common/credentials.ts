/**
 * Where the functions' Anaplan credentials come from, chosen from the environment:
 *
 * 1. `ANAPLAN_CREDENTIALS_SECRET`: a secret manager entry read once per instance.
 *    - `projects/P/secrets/S[/versions/V]` (or a bare secret name with `GOOGLE_CLOUD_PROJECT`):
 *      GCP Secret Manager; with `ANAPLAN_CREDENTIALS_KMS_KEY` the payload is KMS ciphertext.
 *    - `arn:aws:secretsmanager:...` (or any name when running on Lambda): AWS Secrets Manager.
 * 2. `ANAPLAN_CERTIFICATE` + `ANAPLAN_PRIVATE_KEY` (PEM text or file paths).
 * 3. `ANAPLAN_USERNAME` + `ANAPLAN_PASSWORD`.
 *
 * A payload is `username:password`, or JSON `{username, password}` or
 * `{certificate, privateKey, encodedDataFormat?}`. Cloud SDKs are imported only when used, so an
 * instance that reads the environment does not pay for loading them at cold start.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { AnaplanCredentials } from './anaplan.ts'
import type { Env } from './config.ts'
import type { CredentialsLoader } from './runtime.ts'

/** A failure whose message is safe to show: it never quotes the secret's content. */
export class SecretFormatError extends Error {
  override name = 'SecretFormatError'
  /** Read by the runtime: this message may be passed on to the caller. */
  readonly safeMessage = true
}

/** The secret-manager calls, injectable so tests run without a cloud. */
export interface SecretClients {
  /** GCP Secret Manager `accessSecretVersion(name)`: the payload bytes. */
  gcpAccess?: (versionName: string) => Promise<Uint8Array>
  /** Cloud KMS `decrypt(key, ciphertext)`: the plaintext bytes. */
  gcpDecrypt?: (keyName: string, ciphertext: Uint8Array) => Promise<Uint8Array>
  /** AWS Secrets Manager `GetSecretValue(id)`: `SecretString`, or `SecretBinary`. */
  awsGetSecret?: (secretId: string) => Promise<string | Uint8Array>
}

/** Picks the credential source configured in `env`; undefined when none is. */
export function credentialsLoaderFromEnv(
  env: Env,
  clients: SecretClients = {},
): CredentialsLoader | undefined {
  const secret = nonEmpty(env.ANAPLAN_CREDENTIALS_SECRET)
  const format = env.ANAPLAN_CERTIFICATE_FORMAT === 'v1' ? 'v1' : 'v2'
  if (secret) {
    const isAws =
      secret.startsWith('arn:aws:') ||
      (!secret.startsWith('projects/') && Boolean(env.AWS_LAMBDA_FUNCTION_NAME))
    if (isAws) {
      return {
        source: `AWS Secrets Manager secret ${secret}`,
        load: async () => {
          const get = clients.awsGetSecret ?? awsGetSecret
          const value = await get(secret)
          return parseCredentialsPayload(typeof value === 'string' ? value : utf8(value), format)
        },
      }
    }
    const name = gcpVersionName(secret, env)
    const kmsKey = nonEmpty(env.ANAPLAN_CREDENTIALS_KMS_KEY)
    return {
      source: `secret ${name}${kmsKey ? ` (KMS key ${kmsKey})` : ''}`,
      load: async () => {
        let bytes = await (clients.gcpAccess ?? gcpAccess)(name)
        if (kmsKey) bytes = await (clients.gcpDecrypt ?? gcpDecrypt)(kmsKey, bytes)
        return parseCredentialsPayload(utf8(bytes), format)
      },
    }
  }
  const cert = nonEmpty(env.ANAPLAN_CERTIFICATE)
  const key = nonEmpty(env.ANAPLAN_PRIVATE_KEY)
  if (cert || key) {
    return {
      source: 'environment (ANAPLAN_CERTIFICATE, ANAPLAN_PRIVATE_KEY)',
      load: async () => {
        if (!cert || !key) throw new SecretFormatError('certificate authentication needs both variables')
        return {
          kind: 'certificate',
          certificate: readPem('ANAPLAN_CERTIFICATE', cert),
          privateKey: readPem('ANAPLAN_PRIVATE_KEY', key),
          encodedDataFormat: format,
        }
      },
    }
  }
  const username = nonEmpty(env.ANAPLAN_USERNAME)
  if (username) {
    const password = env.ANAPLAN_PASSWORD
    return {
      source: 'environment (ANAPLAN_USERNAME, ANAPLAN_PASSWORD)',
      load: async () => {
        if (!password) throw new SecretFormatError('ANAPLAN_USERNAME is set but ANAPLAN_PASSWORD is not')
        return { kind: 'basic', username, password }
      },
    }
  }
  return undefined
}

/**
 * Reads a secret payload: `username:password`, or JSON with `username` + `password` or
 * `certificate` + `privateKey`.
 * @throws {SecretFormatError} describing the expected shape, never quoting the payload.
 */
export function parseCredentialsPayload(text: string, format: 'v1' | 'v2' = 'v2'): AnaplanCredentials {
  const t = text.trim()
  if (t.startsWith('{')) {
    let json: unknown
    try {
      json = JSON.parse(t)
    } catch {
      throw new SecretFormatError('the secret starts with "{" but is not valid JSON')
    }
    const o = json as Record<string, unknown>
    if (typeof o.certificate === 'string' && typeof o.privateKey === 'string') {
      const f = o.encodedDataFormat === 'v1' || o.encodedDataFormat === 'v2' ? o.encodedDataFormat : format
      return {
        kind: 'certificate',
        certificate: o.certificate,
        privateKey: o.privateKey,
        encodedDataFormat: f,
      }
    }
    if (typeof o.username === 'string' && typeof o.password === 'string' && o.username && o.password) {
      return { kind: 'basic', username: o.username, password: o.password }
    }
    throw new SecretFormatError(
      'the JSON secret needs "username" and "password", or "certificate" and "privateKey" (PEM text)',
    )
  }
  const colon = t.indexOf(':')
  if (colon > 0 && colon < t.length - 1 && !t.includes('\n')) {
    return { kind: 'basic', username: t.slice(0, colon), password: t.slice(colon + 1) }
  }
  throw new SecretFormatError('the secret must be "username:password" or a JSON object')
}

/** `projects/P/secrets/S/versions/V`, completing a bare name or a version-less path with `latest`. */
export function gcpVersionName(secret: string, env: Env): string {
  if (/^projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+$/.test(secret)) return secret
  if (/^projects\/[^/]+\/secrets\/[^/]+$/.test(secret)) return `${secret}/versions/latest`
  const project = env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || env.GCP_PROJECT
  if (!project || secret.includes('/')) {
    throw new SecretFormatError(
      `ANAPLAN_CREDENTIALS_SECRET must be projects/P/secrets/S[/versions/V], or a bare name with GOOGLE_CLOUD_PROJECT set (got "${secret}")`,
    )
  }
  return `projects/${project}/secrets/${secret}/versions/latest`
}

async function gcpAccess(versionName: string): Promise<Uint8Array> {
  const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager')
  const client = new SecretManagerServiceClient()
  try {
    const [res] = await client.accessSecretVersion({ name: versionName })
    const data = res.payload?.data
    if (data === null || data === undefined) throw new SecretFormatError('the secret version has no payload')
    return typeof data === 'string' ? new TextEncoder().encode(data) : data
  } finally {
    await client.close()
  }
}

async function gcpDecrypt(keyName: string, ciphertext: Uint8Array): Promise<Uint8Array> {
  const { KeyManagementServiceClient } = await import('@google-cloud/kms')
  const client = new KeyManagementServiceClient()
  try {
    const [res] = await client.decrypt({ name: keyName, ciphertext })
    const p = res.plaintext
    if (p === null || p === undefined) throw new SecretFormatError('KMS returned no plaintext')
    return typeof p === 'string' ? new Uint8Array(Buffer.from(p, 'base64')) : p
  } finally {
    await client.close()
  }
}

async function awsGetSecret(secretId: string): Promise<string | Uint8Array> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
  const client = new SecretsManagerClient({})
  try {
    const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }))
    if (res.SecretString !== undefined) return res.SecretString
    if (res.SecretBinary !== undefined) return res.SecretBinary
    throw new SecretFormatError('the secret has neither SecretString nor SecretBinary')
  } finally {
    client.destroy()
  }
}

/** A PEM value is either the text itself (with `\n` escapes allowed) or a path to a file holding it. */
function readPem(what: string, value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n')
  if (!existsSync(value)) throw new SecretFormatError(`${what} is neither PEM text nor the path of a file`)
  const text = readFileSync(value, 'utf8')
  if (!text.includes('-----BEGIN')) throw new SecretFormatError(`${what}: the file is not in PEM format`)
  return text
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes)
}

function nonEmpty(s: string | undefined): string | undefined {
  return s?.trim() ? s.trim() : undefined
}
