/**
 * Global options and environment turned into what the client needs. Flags override the
 * environment, which overrides the defaults. Passwords never come from a flag (it would land in
 * shell history and `ps`): only from `ANAPLAN_PASSWORD` or `--password-stdin`.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { AnaplanCredentials } from '../anaplan/index.ts'
import { registerSecret } from '../shared/logger.ts'
import { parseChoice, parseSeconds } from './args.ts'
import { UsageError } from './exit-codes.ts'

export const DEFAULT_AUTH_URL = 'https://auth.anaplan.com'
export const DEFAULT_API_URL = 'https://api.anaplan.com/2/0'

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
  /** Undefined when no credentials were given: commands that need none still work. */
  credentials: AnaplanCredentials | undefined
  /** Where the credentials came from, for `whoami` (never the secret itself). */
  credentialSource: string
  workspace: string | undefined
  model: string | undefined
  timeoutMs: number | undefined
}

export type Env = Readonly<Record<string, string | undefined>>

/**
 * Resolves the settings. `readStdin` is called only for `--password-stdin`.
 * @throws {UsageError} For contradictory or incomplete credential options.
 */
export async function resolveSettings(
  o: GlobalOptions,
  env: Env,
  readStdin: () => Promise<string>,
): Promise<Settings> {
  const authUrl = o.authUrl ?? nonEmpty(env.ANAPLAN_AUTH_URL) ?? DEFAULT_AUTH_URL
  const apiUrl = o.apiUrl ?? nonEmpty(env.ANAPLAN_API_URL) ?? DEFAULT_API_URL
  const timeoutMs = o.timeout !== undefined ? parseSeconds('--timeout', o.timeout) : undefined
  const { credentials, source } = await resolveCredentials(o, env, readStdin)
  return {
    authUrl,
    apiUrl,
    credentials,
    credentialSource: source,
    workspace: o.workspace ?? nonEmpty(env.ANAPLAN_WORKSPACE),
    model: o.model ?? nonEmpty(env.ANAPLAN_MODEL),
    timeoutMs,
  }
}

async function resolveCredentials(
  o: GlobalOptions,
  env: Env,
  readStdin: () => Promise<string>,
): Promise<{ credentials: AnaplanCredentials | undefined; source: string }> {
  const format = certFormat(o.certFormat ?? nonEmpty(env.ANAPLAN_CERTIFICATE_FORMAT))
  if (o.cert || o.key) {
    if (!o.cert || !o.key) throw new UsageError('certificate authentication needs both --cert and --key')
    if (o.user || o.passwordStdin) throw new UsageError('use either --user or --cert/--key, not both')
    return {
      credentials: certificate(readPem('--cert', o.cert, true), readPem('--key', o.key, true), format),
      source: 'certificate (--cert/--key)',
    }
  }
  if (o.user || o.passwordStdin) {
    const username = o.user ?? nonEmpty(env.ANAPLAN_USERNAME)
    if (!username) throw new UsageError('--password-stdin needs --user or ANAPLAN_USERNAME')
    const password = o.passwordStdin ? stripNewline(await readStdin()) : env.ANAPLAN_PASSWORD
    if (!password) {
      throw new UsageError('no password: set ANAPLAN_PASSWORD or pipe it in with --password-stdin')
    }
    registerSecret(password)
    return {
      credentials: { kind: 'basic', username, password },
      source: `password (${o.passwordStdin ? 'stdin' : 'ANAPLAN_PASSWORD'})`,
    }
  }
  if (nonEmpty(env.ANAPLAN_CERTIFICATE) || nonEmpty(env.ANAPLAN_PRIVATE_KEY)) {
    // Not trimmed: PEM text keeps its final newline.
    const cert = nonEmpty(env.ANAPLAN_CERTIFICATE) ? env.ANAPLAN_CERTIFICATE : undefined
    const key = nonEmpty(env.ANAPLAN_PRIVATE_KEY) ? env.ANAPLAN_PRIVATE_KEY : undefined
    if (!cert || !key) {
      throw new UsageError(
        'certificate authentication needs both ANAPLAN_CERTIFICATE and ANAPLAN_PRIVATE_KEY',
      )
    }
    return {
      credentials: certificate(
        readPem('ANAPLAN_CERTIFICATE', cert, false),
        readPem('ANAPLAN_PRIVATE_KEY', key, false),
        format,
      ),
      source: 'certificate (ANAPLAN_CERTIFICATE)',
    }
  }
  const username = nonEmpty(env.ANAPLAN_USERNAME)
  if (username) {
    const password = env.ANAPLAN_PASSWORD
    if (!password) throw new UsageError('ANAPLAN_USERNAME is set but ANAPLAN_PASSWORD is not')
    registerSecret(password)
    return { credentials: { kind: 'basic', username, password }, source: 'password (ANAPLAN_PASSWORD)' }
  }
  if (nonEmpty(env.ANAPLAN_CREDENTIALS_SECRET)) {
    throw new UsageError(
      'ANAPLAN_CREDENTIALS_SECRET is not supported by the command line; set ANAPLAN_USERNAME/ANAPLAN_PASSWORD or use --cert/--key',
    )
  }
  return { credentials: undefined, source: 'none' }
}

function certificate(cert: string, key: string, format: 'v1' | 'v2'): AnaplanCredentials {
  registerSecret(key)
  return { kind: 'certificate', certificate: cert, privateKey: key, encodedDataFormat: format }
}

function certFormat(value: string | undefined): 'v1' | 'v2' {
  return value === undefined ? 'v2' : parseChoice('--cert-format', value, ['v1', 'v2'] as const)
}

/**
 * A PEM value is either the text itself (environment) or a path to it. Flags always name files.
 * The PEM content is never echoed in errors.
 */
function readPem(what: string, value: string, mustBeFile: boolean): string {
  if (!mustBeFile && value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n')
  if (!existsSync(value.trim()))
    throw new UsageError(`${what}: no such file "${mustBeFile ? value : '(path hidden)'}"`)
  let text: string
  try {
    text = readFileSync(value.trim(), 'utf8')
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
