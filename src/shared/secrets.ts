/**
 * Turns a {@link CredentialSource} into `AnaplanCredentials`, reading secret managers and PEM files
 * once per process. The cloud SDK clients are injected (`deps`), so tests pass fakes of their
 * interfaces; by default the real SDKs are loaded lazily, only when that source is configured.
 *
 * Every secret value learnt here is registered with the logger's masker. Errors name the secret
 * (its resource name, variable or path), never its value.
 */
import { createHash } from 'node:crypto'
import { readFile as fsReadFile } from 'node:fs/promises'
import type { AnaplanClientOptions, AnaplanCredentials } from '../anaplan/index.ts'
import { ConfigError } from '../anaplan/index.ts'
import type { AnaplanConfig, CredentialSource } from './config.ts'
import { registerSecret } from './logger.ts'

/** The slice of `@google-cloud/secret-manager`'s `SecretManagerServiceClient` we use. */
export interface SecretManagerLike {
  accessSecretVersion(request: {
    name: string
  }): Promise<readonly [{ payload?: { data?: Uint8Array | string | null } | null }, ...unknown[]]>
}

/** The slice of `@google-cloud/kms`'s `KeyManagementServiceClient` we use. */
export interface KmsLike {
  decrypt(request: {
    name: string
    ciphertext: Uint8Array
  }): Promise<readonly [{ plaintext?: Uint8Array | string | null }, ...unknown[]]>
}

/** AWS Secrets Manager `GetSecretValue`, reduced to a function (wraps `client.send(new GetSecretValueCommand(...))`). */
export type AwsGetSecretValue = (
  secretId: string,
) => Promise<{ SecretString?: string; SecretBinary?: Uint8Array }>

export interface SecretDeps {
  secretManager?: SecretManagerLike
  kms?: KmsLike
  awsGetSecretValue?: AwsGetSecretValue
  /** @default fs.promises.readFile as UTF-8 */
  readFile?: (path: string) => Promise<string>
}

let memo: { key: string; value: Promise<AnaplanCredentials> } | undefined

/**
 * Resolves the configured credentials, once per process (later calls with the same source share the
 * promise; a failure is not memoised, so the next call retries).
 * @throws {ConfigError} When nothing is configured, or a secret or file cannot be read or parsed.
 * @example const creds = await loadCredentials(loadAnaplanConfig())
 */
export function loadCredentials(
  config: Pick<AnaplanConfig, 'credentials'>,
  deps: SecretDeps = {},
): Promise<AnaplanCredentials> {
  const source = config.credentials
  if (!source) {
    return Promise.reject(
      new ConfigError(
        'No Anaplan credentials configured: set ANAPLAN_USERNAME/ANAPLAN_PASSWORD, ANAPLAN_CERTIFICATE/ANAPLAN_PRIVATE_KEY, ANAPLAN_CREDENTIALS_SECRET or ANAPLAN_CREDENTIALS_AWS_SECRET',
      ),
    )
  }
  const key = memoKey(source)
  if (memo?.key === key) return memo.value
  const value = resolve(source, deps)
  const entry = { key, value }
  memo = entry
  value.catch(() => {
    if (memo === entry) memo = undefined
  })
  return value
}

/** Forgets the memoised credentials (tests; or after rotating a secret). */
export function resetCredentialsCache(): void {
  memo = undefined
}

/**
 * Client options for a config: URLs plus a credentials provider backed by {@link loadCredentials}.
 * @example const client = new AnaplanClient({ ...anaplanClientOptions(loadAnaplanConfig()), logger })
 */
export function anaplanClientOptions(
  config: AnaplanConfig,
  deps: SecretDeps = {},
): Pick<AnaplanClientOptions, 'authUrl' | 'apiUrl' | 'credentialsProvider'> {
  return {
    authUrl: config.authUrl,
    apiUrl: config.apiUrl,
    credentialsProvider: () => loadCredentials(config, deps),
  }
}

/**
 * The memo key covers the whole source, secret values included (hashed, never kept in clear), so a
 * second password or key for the same user is not answered with the first one's credentials.
 */
function memoKey(s: CredentialSource): string {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex')
}

async function resolve(s: CredentialSource, deps: SecretDeps): Promise<AnaplanCredentials> {
  const readFile = deps.readFile ?? ((p: string) => fsReadFile(p, 'utf8'))
  switch (s.source) {
    case 'basic':
      registerSecret(s.password)
      return { kind: 'basic', username: s.username, password: s.password }
    case 'certificate': {
      const certificate = await pemOrFile('ANAPLAN_CERTIFICATE', s.certificate, readFile)
      const privateKey = await pemOrFile('ANAPLAN_PRIVATE_KEY', s.privateKey, readFile)
      registerSecret(privateKey)
      return { kind: 'certificate', certificate, privateKey, encodedDataFormat: s.format }
    }
    case 'oauth':
      registerSecret(s.refreshToken)
      registerSecret(s.clientSecret)
      return {
        kind: 'oauth',
        clientId: s.clientId,
        refreshToken: s.refreshToken,
        ...(s.clientSecret ? { clientSecret: s.clientSecret } : {}),
        ...(s.oauthUrl ? { oauthUrl: s.oauthUrl } : {}),
      }
    case 'gcp-secret': {
      const sm = deps.secretManager ?? (await defaultSecretManager())
      let payload: Uint8Array
      try {
        const [res] = await sm.accessSecretVersion({ name: s.secretVersion })
        payload = toBytes(res.payload?.data)
      } catch (cause) {
        throw new ConfigError(`Could not read the secret ${s.secretVersion}`, { cause: safeCause(cause) })
      }
      if (s.kmsKey) payload = await kmsDecrypt(s.kmsKey, s.secretVersion, payload, deps)
      return parseSecret(Buffer.from(payload).toString('utf8'), s.secretVersion, s.format)
    }
    case 'aws-secret': {
      const get = deps.awsGetSecretValue ?? (await defaultAwsGetSecretValue())
      let text: string
      try {
        const res = await get(s.secretId)
        text = res.SecretString ?? Buffer.from(res.SecretBinary ?? new Uint8Array()).toString('utf8')
      } catch (cause) {
        throw new ConfigError(`Could not read the AWS secret ${s.secretId}`, { cause: safeCause(cause) })
      }
      return parseSecret(text, s.secretId, s.format)
    }
  }
}

async function kmsDecrypt(keyName: string, secretName: string, payload: Uint8Array, deps: SecretDeps) {
  const kms = deps.kms ?? (await defaultKms())
  // The ciphertext may be stored raw or as base64 text (what `gcloud kms encrypt | base64` gives).
  const text = Buffer.from(payload).toString('utf8').trim()
  const ciphertext =
    text.length > 0 && /^[A-Za-z0-9+/=\s]+$/.test(text)
      ? new Uint8Array(Buffer.from(text, 'base64'))
      : payload
  try {
    const [res] = await kms.decrypt({ name: keyName, ciphertext })
    return toBytes(res.plaintext)
  } catch (cause) {
    throw new ConfigError(`Could not decrypt the secret ${secretName} with the KMS key ${keyName}`, {
      cause: safeCause(cause),
    })
  }
}

/**
 * A secret holds `username:password`, or JSON: `{username, password}` or
 * `{certificate, privateKey, encodedDataFormat?}` (PEM text).
 */
export function parseSecret(text: string, name: string, format: 'v1' | 'v2' = 'v2'): AnaplanCredentials {
  registerSecret(text.trim())
  const t = text.trim()
  if (t.startsWith('{')) {
    let j: Record<string, unknown>
    try {
      j = JSON.parse(t) as Record<string, unknown>
    } catch {
      throw new ConfigError(`The secret ${name} is not valid JSON`)
    }
    const str = (...keys: string[]) => {
      for (const k of keys) if (typeof j[k] === 'string' && j[k]) return j[k] as string
      return undefined
    }
    const certificate = str('certificate', 'cert', 'certificatePem')
    const privateKey = str('privateKey', 'private_key', 'key', 'privateKeyPem')
    if (certificate && privateKey) {
      registerSecret(privateKey)
      const f = str('encodedDataFormat', 'format')
      return {
        kind: 'certificate',
        certificate: unescapePem(certificate),
        privateKey: unescapePem(privateKey),
        encodedDataFormat: f === 'v1' || f === 'v2' ? f : format,
      }
    }
    const username = str('username', 'user', 'email')
    const password = str('password')
    if (username && password) {
      registerSecret(password)
      return { kind: 'basic', username, password }
    }
    throw new ConfigError(`The secret ${name} has neither username/password nor certificate/privateKey`)
  }
  const colon = t.indexOf(':')
  if (colon <= 0 || colon === t.length - 1) {
    throw new ConfigError(`The secret ${name} must hold "username:password" or a JSON object`)
  }
  const password = t.slice(colon + 1)
  registerSecret(password)
  return { kind: 'basic', username: t.slice(0, colon), password }
}

async function pemOrFile(variable: string, value: string, readFile: (p: string) => Promise<string>) {
  if (value.includes('-----BEGIN')) return unescapePem(value)
  try {
    const text = await readFile(value)
    if (!text.includes('-----BEGIN')) throw new Error('not PEM')
    return text
  } catch (cause) {
    throw new ConfigError(`${variable} is neither PEM text nor a readable PEM file (${value})`, {
      cause: safeCause(cause),
    })
  }
}

/** PEM pasted into an env var often carries literal `\n`. */
function unescapePem(s: string): string {
  return s.includes('\n') ? s : s.replace(/\\n/g, '\n')
}

function toBytes(data: Uint8Array | string | null | undefined): Uint8Array {
  if (data == null) throw new Error('empty payload')
  return typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : data
}

/** SDK errors can quote request fields; keep only their class and code. */
function safeCause(cause: unknown): Error {
  const e = cause as { name?: unknown; code?: unknown }
  return new Error(
    `${typeof e?.name === 'string' ? e.name : 'Error'}${e?.code !== undefined ? ` (code ${String(e.code)})` : ''}`,
  )
}

async function defaultSecretManager(): Promise<SecretManagerLike> {
  const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager')
  return new SecretManagerServiceClient() as unknown as SecretManagerLike
}

async function defaultKms(): Promise<KmsLike> {
  const { KeyManagementServiceClient } = await import('@google-cloud/kms')
  return new KeyManagementServiceClient() as unknown as KmsLike
}

async function defaultAwsGetSecretValue(): Promise<AwsGetSecretValue> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
  const client = new SecretsManagerClient({})
  return async (secretId) => {
    const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }))
    return {
      ...(res.SecretString !== undefined ? { SecretString: res.SecretString } : {}),
      ...(res.SecretBinary !== undefined ? { SecretBinary: res.SecretBinary } : {}),
    }
  }
}
