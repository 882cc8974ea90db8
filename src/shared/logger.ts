/**
 * Structured logging for every process of the project (bot server, functions, CLI, simulator host).
 *
 * Lines are JSON in the shape Cloud Logging reads (`severity`, `message`,
 * `logging.googleapis.com/trace`), so the same output works locally and on Cloud Run functions.
 * Secrets never reach a line: well-known secret fields are censored by pino's `redact`, and every
 * secret value the process learns (passwords, tokens, private keys, signing secrets) is registered
 * with {@link registerSecret} and masked wherever it appears in a message or a field.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino'

export type { Logger } from 'pino'

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
}

/** Field paths whose values are always censored, whatever they contain. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'tokenValue',
  '*.tokenValue',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'privateKey',
  '*.privateKey',
  'signingSecret',
  '*.signingSecret',
  'secret',
  '*.secret',
  'refreshToken',
  '*.refreshToken',
]

const secrets = new Set<string>()

/**
 * Registers a secret value so that it is masked in every log line and in {@link redactSecrets}.
 * Values shorter than 6 characters are ignored: masking them would mangle ordinary words.
 */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6) return
  secrets.add(value)
  // A PEM key is also masked line by line, in case a fragment is printed.
  if (value.includes('\n')) {
    for (const line of value.split('\n')) if (line.trim().length >= 16) secrets.add(line.trim())
  }
}

/** Replaces every registered secret value, and Authorization header values, in `text`. */
export function redactSecrets(text: string): string {
  let out = text
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]')
  return out.replace(
    /\b(AnaplanAuthToken|Bearer|Basic|CACertificate)\s+[A-Za-z0-9+/=._~-]{8,}/g,
    '$1 [REDACTED]',
  )
}

function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value)
  if (depth > 6 || value === null || typeof value !== 'object') return value
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactSecrets(value.message),
      stack: redactSecrets(value.stack ?? ''),
    }
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1)
  return out
}

/**
 * A destination that prints each line as `HH:MM:SS SEVERITY message key=value…` for a person at a
 * terminal (a laptop demo), instead of the JSON that log collectors read.
 */
export function textDestination(out: { write(text: string): unknown } = process.stdout): DestinationStream {
  return {
    write(line: string) {
      let rec: Record<string, unknown>
      try {
        rec = JSON.parse(line) as Record<string, unknown>
      } catch {
        out.write(line)
        return
      }
      const { time, severity, message, component: _c, err, ...rest } = rec
      const clock = typeof time === 'string' ? time.slice(11, 19) : ''
      const fields = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ')
      const error = err && typeof err === 'object' ? ` (${(err as { message?: string }).message ?? ''})` : ''
      out.write(`${[clock, severity, `${message ?? ''}${error}`, fields].filter(Boolean).join(' ')}\n`)
    },
  }
}

export interface CreateLoggerOptions {
  /** Component name, written as `component` on each line. */
  name?: string
  /** @default process.env.LOG_LEVEL ?? 'info' */
  level?: string
  /** Where lines go. @default stdout */
  destination?: DestinationStream
}

/** Creates a logger that writes Cloud Logging JSON with secrets masked. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    messageKey: 'message',
    base: options.name ? { component: options.name } : {},
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: {
      level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
      log: (obj) => redactDeep(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const mapped = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<
          typeof method
        >
        method.apply(this, mapped)
      },
    },
  }
  return options.destination ? pino(opts, options.destination) : pino(opts)
}

/** A logger that drops everything; the default for library code and tests. */
export const silentLogger: Logger = pino({ level: 'silent' })
