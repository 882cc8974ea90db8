/**
 * Global options and environment turned into what the client needs. Flags override the
 * environment, which overrides the defaults. Passwords never come from a flag (it would land in
 * shell history and `ps`): only from `ANAPLAN_PASSWORD` or `--password-stdin`.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { AnaplanCredentials } from '../anaplan/index.ts'
import { type CredentialSource, loadAnaplanConfig } from '../shared/config.ts'
import { registerSecret } from '../shared/logger.ts'
import { loadCredentials } from '../shared/secrets.ts'
import { parseChoice, parseSeconds } from './args.ts'
import { UsageError } from './exit-codes.ts'

export { DEFAULT_API_URL, DEFAULT_AUTH_URL } from '../shared/config.ts'

/** The global options as commander hands them over. */
export interface GlobalOptions {
  authUrl?: string
  apiUrl?: string
  user?: string
  passwordStdin?: boolean
  cert?: string
  key?: string
  certFormat?: string
  workspace?: string
  model?: string
  json?: boolean
  quiet?: boolean
  timeout?: string
  /** `--no-progress` sets this to false. */
  progress?: boolean
  yes?: boolean
}

/** Everything the commands need to connect. */
export interface Settings {
  authUrl: string
  apiUrl: string
  /** Where the credentials come from; undefined when none are configured. */
  credentials: CredentialSource | undefined
  /** Where the credentials came from, for `whoami` (never the secret itself). */
  credentialSource: string
  workspace: string | undefined
  model: string | undefined
  timeoutMs: number | undefined
}

export type Env = Readonly<Record<string, string | undefined>>

/**
 * Resolves the settings: credential flags first, then the environment as `src/shared/config.ts`
 * reads it (basic, certificate, Secret Manager, AWS, OAuth). `readStdin` is called only for
 * `--password-stdin`.
 * @throws {UsageError} For contradictory or incomplete credential options.
 * @throws {ConfigError} For half-configured environment sources or bad URLs (also exit 2).
 */
export async function resolveSettings(
  o: GlobalOptions,
  env: Env,
  readStdin: () => Promise<string>,
): Promise<Settings> {
  const timeoutMs = o.timeout !== undefined ? parseSeconds('--timeout', o.timeout) : undefined
  const format =
    o.certFormat === undefined ? undefined : parseChoice('--cert-format', o.certFormat, ['v1', 'v2'] as const)
  const flagged = await credentialsFromFlags(o, env, readStdin, format ?? 'v2')
  const config = loadAnaplanConfig(
    { ...env },
    {
      ...(o.authUrl !== undefined ? { authUrl: o.authUrl } : {}),
      ...(o.apiUrl !== undefined ? { apiUrl: o.apiUrl } : {}),
      ...(flagged ? { credentials: flagged.source } : {}),
    },
  )
  let credentials = config.credentials
  if (credentials && format && 'format' in credentials) credentials = { ...credentials, format }
  return {
    authUrl: config.authUrl,
    apiUrl: config.apiUrl,
    credentials,
    credentialSource: flagged?.label ?? describeSource(credentials),
    workspace: o.workspace ?? nonEmpty(env.ANAPLAN_WORKSPACE),
    model: o.model ?? nonEmpty(env.ANAPLAN_MODEL),
    timeoutMs,
  }
}

/**
 * The client's credentials for a source. Basic credentials are built here rather than through the
 * shared loader, whose per-process memo is keyed by user name only.
 */
export function credentialsOf(source: CredentialSource): Promise<AnaplanCredentials> {
  if (source.source === 'basic') {
    registerSecret(source.password)
    return Promise.resolve({ kind: 'basic', username: source.username, password: source.password })
  }
  return loadCredentials({ credentials: source })
}

async function credentialsFromFlags(
  o: GlobalOptions,
  env: Env,
  readStdin: () => Promise<string>,
  format: 'v1' | 'v2',
): Promise<{ source: CredentialSource; label: string } | undefined> {
  if (o.cert || o.key) {
    if (!o.cert || !o.key) throw new UsageError('certificate authentication needs both --cert and --key')
    if (o.user || o.passwordStdin) throw new UsageError('use either --user or --cert/--key, not both')
    const privateKey = readPem('--key', o.key)
    registerSecret(privateKey)
    return {
      source: { source: 'certificate', certificate: readPem('--cert', o.cert), privateKey, format },
      label: 'certificate (--cert/--key)',
    }
  }
  if (!o.user && !o.passwordStdin) return undefined
  const username = o.user ?? nonEmpty(env.ANAPLAN_USERNAME)
  if (!username) throw new UsageError('--password-stdin needs --user or ANAPLAN_USERNAME')
  const password = o.passwordStdin ? stripNewline(await readStdin()) : env.ANAPLAN_PASSWORD
  if (!password) throw new UsageError('no password: set ANAPLAN_PASSWORD or pipe it in with --password-stdin')
  registerSecret(password)
  return {
    source: { source: 'basic', username, password },
    label: `password (${o.passwordStdin ? 'stdin' : 'ANAPLAN_PASSWORD'})`,
  }
}

function describeSource(c: CredentialSource | undefined): string {
  if (!c) return 'none'
  switch (c.source) {
    case 'basic':
      return 'password (ANAPLAN_PASSWORD)'
    case 'certificate':
      return 'certificate (ANAPLAN_CERTIFICATE)'
    case 'gcp-secret':
      return `Secret Manager (${c.secretVersion})`
    case 'aws-secret':
      return `AWS Secrets Manager (${c.secretId})`
    case 'oauth':
      return 'OAuth refresh token'
  }
}

/** Reads a PEM file named by a flag. The content is never echoed in errors. */
function readPem(what: string, path: string): string {
  if (!existsSync(path)) throw new UsageError(`${what}: no such file "${path}"`)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new UsageError(`${what}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  if (!text.includes('-----BEGIN')) throw new UsageError(`${what}: the file is not in PEM format`)
  return text
}

function stripNewline(s: string): string {
  return s.replace(/\r?\n$/, '')
}

function nonEmpty(s: string | undefined): string | undefined {
  return s?.trim() ? s.trim() : undefined
}
