/**
 * Anaplan connection settings from the environment (the only place besides `secrets.ts` that reads
 * `ANAPLAN_*`). Precedence is flag > env > default: callers pass flags as `overrides`.
 *
 * Credential sources, exactly one of:
 * - `ANAPLAN_USERNAME` + `ANAPLAN_PASSWORD` (basic);
 * - `ANAPLAN_CERTIFICATE` + `ANAPLAN_PRIVATE_KEY` (PEM text or a file path; `ANAPLAN_CERT_FORMAT` v1|v2);
 * - `ANAPLAN_CREDENTIALS_SECRET` (GCP Secret Manager version name), optionally encrypted once more
 *   with Cloud KMS (`ANAPLAN_CREDENTIALS_KMS_KEY`);
 * - `ANAPLAN_CREDENTIALS_AWS_SECRET` (AWS Secrets Manager id or ARN, for Lambda);
 * - `ANAPLAN_OAUTH_CLIENT_ID` + `ANAPLAN_OAUTH_REFRESH_TOKEN` (+ `ANAPLAN_OAUTH_CLIENT_SECRET`, `ANAPLAN_OAUTH_URL`).
 */
import { ConfigError } from '../anaplan/index.ts'

export type Env = Record<string, string | undefined>

/** Where the Anaplan credentials come from. Secret values are resolved later, by `loadCredentials`. */
export type CredentialSource =
  | { source: 'basic'; username: string; password: string }
  | { source: 'certificate'; certificate: string; privateKey: string; format: 'v1' | 'v2' }
  | { source: 'gcp-secret'; secretVersion: string; kmsKey?: string; format: 'v1' | 'v2' }
  | { source: 'aws-secret'; secretId: string; format: 'v1' | 'v2' }
  | { source: 'oauth'; clientId: string; refreshToken: string; clientSecret?: string; oauthUrl?: string }

export interface AnaplanConfig {
  /** @default 'https://auth.anaplan.com' */
  authUrl: string
  /** @default 'https://api.anaplan.com/2/0' */
  apiUrl: string
  /** Undefined when no credentials are configured (then `npm start` uses the simulator). */
  credentials: CredentialSource | undefined
}

export const DEFAULT_AUTH_URL = 'https://auth.anaplan.com'
export const DEFAULT_API_URL = 'https://api.anaplan.com/2/0'

function val(env: Env, name: string): string | undefined {
  const v = env[name]?.trim()
  return v ? v : undefined
}

function certFormat(env: Env): 'v1' | 'v2' {
  const f = val(env, 'ANAPLAN_CERT_FORMAT')?.toLowerCase()
  if (f === undefined || f === 'v2') return 'v2'
  if (f === 'v1') return 'v1'
  throw new ConfigError(`ANAPLAN_CERT_FORMAT must be v1 or v2, got "${f}"`)
}

function url(name: string, value: string): string {
  try {
    const u = new URL(value)
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol')
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL`)
  }
  return value.replace(/\/+$/, '')
}

/** True when any Anaplan credential source is configured (so `npm start` talks to real Anaplan). */
export function hasAnaplanCredentials(env: Env = process.env): boolean {
  return (
    (!!val(env, 'ANAPLAN_USERNAME') && !!val(env, 'ANAPLAN_PASSWORD')) ||
    (!!val(env, 'ANAPLAN_CERTIFICATE') && !!val(env, 'ANAPLAN_PRIVATE_KEY')) ||
    !!val(env, 'ANAPLAN_CREDENTIALS_SECRET') ||
    !!val(env, 'ANAPLAN_CREDENTIALS_AWS_SECRET') ||
    (!!val(env, 'ANAPLAN_OAUTH_CLIENT_ID') && !!val(env, 'ANAPLAN_OAUTH_REFRESH_TOKEN'))
  )
}

/**
 * Reads the Anaplan settings. `overrides` (command-line flags) win over the environment.
 * @throws {ConfigError} On half-configured or conflicting credential sources, or bad URLs.
 * @example const config = loadAnaplanConfig(process.env, { apiUrl: flags.apiUrl })
 */
export function loadAnaplanConfig(
  env: Env = process.env,
  overrides: Partial<Pick<AnaplanConfig, 'authUrl' | 'apiUrl'>> & { credentials?: CredentialSource } = {},
): AnaplanConfig {
  const authUrl = url(
    'ANAPLAN_AUTH_URL',
    overrides.authUrl ?? val(env, 'ANAPLAN_AUTH_URL') ?? DEFAULT_AUTH_URL,
  )
  const apiUrl = url('ANAPLAN_API_URL', overrides.apiUrl ?? val(env, 'ANAPLAN_API_URL') ?? DEFAULT_API_URL)
  return { authUrl, apiUrl, credentials: overrides.credentials ?? credentialSource(env) }
}

function credentialSource(env: Env): CredentialSource | undefined {
  const found: CredentialSource[] = []
  const pair = (a: string, b: string): [string, string] | undefined => {
    const x = val(env, a)
    const y = val(env, b)
    if (!x && !y) return undefined
    if (!x || !y) throw new ConfigError(`${x ? b : a} is required when ${x ? a : b} is set`)
    return [x, y]
  }
  const basic = pair('ANAPLAN_USERNAME', 'ANAPLAN_PASSWORD')
  if (basic) found.push({ source: 'basic', username: basic[0], password: basic[1] })
  const cert = pair('ANAPLAN_CERTIFICATE', 'ANAPLAN_PRIVATE_KEY')
  if (cert)
    found.push({ source: 'certificate', certificate: cert[0], privateKey: cert[1], format: certFormat(env) })
  const kmsKey = val(env, 'ANAPLAN_CREDENTIALS_KMS_KEY')
  const gcp = val(env, 'ANAPLAN_CREDENTIALS_SECRET')
  if (gcp) {
    if (!/^projects\/[^/]+\/secrets\/[^/]+(\/versions\/[^/]+)?$/.test(gcp)) {
      throw new ConfigError(
        'ANAPLAN_CREDENTIALS_SECRET must be a Secret Manager name: projects/P/secrets/S[/versions/V]',
      )
    }
    found.push({
      source: 'gcp-secret',
      secretVersion: gcp.includes('/versions/') ? gcp : `${gcp}/versions/latest`,
      ...(kmsKey ? { kmsKey } : {}),
      format: certFormat(env),
    })
  }
  const aws = val(env, 'ANAPLAN_CREDENTIALS_AWS_SECRET')
  if (aws) found.push({ source: 'aws-secret', secretId: aws, format: certFormat(env) })
  const oauth = pair('ANAPLAN_OAUTH_CLIENT_ID', 'ANAPLAN_OAUTH_REFRESH_TOKEN')
  if (oauth) {
    const secret = val(env, 'ANAPLAN_OAUTH_CLIENT_SECRET')
    const oauthUrl = val(env, 'ANAPLAN_OAUTH_URL')
    found.push({
      source: 'oauth',
      clientId: oauth[0],
      refreshToken: oauth[1],
      ...(secret ? { clientSecret: secret } : {}),
      ...(oauthUrl ? { oauthUrl: url('ANAPLAN_OAUTH_URL', oauthUrl) } : {}),
    })
  }
  if (kmsKey && !gcp) {
    // AWS Secrets Manager encrypts with KMS itself; the extra layer is a Google Cloud KMS feature.
    throw new ConfigError('ANAPLAN_CREDENTIALS_KMS_KEY needs ANAPLAN_CREDENTIALS_SECRET')
  }
  if (found.length > 1) {
    throw new ConfigError(
      `Several Anaplan credential sources are configured (${found.map((f) => f.source).join(', ')}); set exactly one`,
    )
  }
  return found[0]
}
