/**
 * Exit codes a scheduler can rely on, and the one mapping from any thrown error to an exit code,
 * a machine-readable error code and a one-line message.
 */
import {
  AbortError,
  AnaplanError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  ModelArchivedError,
  NameResolutionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TaskFailedError,
  ValidationError,
} from '../anaplan/index.ts'
import { redactSecrets } from '../shared/logger.ts'

/** Process exit codes of `anaplan`. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** A task completed unsuccessfully, a write partially failed, or an unexpected error. */
  FAILED: 1,
  /** Usage or validation error: bad arguments, missing selection, refused write. */
  USAGE: 2,
  /** Authentication failed. */
  AUTH: 3,
  /** Not found, no access, or a name that resolved to nothing (or to several objects). */
  NOT_FOUND: 4,
  /** Anaplan unavailable or rate limited after retries, or another API error. */
  UNAVAILABLE: 5,
  /** Interrupted (Ctrl-C); a running task was cancelled. */
  INTERRUPTED: 130,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** Text for `anaplan --help` and docs/cli.md. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    a task completed unsuccessfully, or a write partially failed
  2    usage or validation error (bad arguments, missing --yes when not on a terminal)
  3    authentication failed
  4    not found, no access, an archived model, no export output yet, or a name that matched
       nothing (close matches are printed)
  5    Anaplan unavailable or rate limited after retries, or another API error
  130  interrupted (Ctrl-C cancels a running task first)`

/** An error raised by the CLI itself, carrying the exit code it should end with. */
export class CliError extends Error {
  override name = 'CliError'
  readonly exitCode: ExitCodeValue
  /** Machine-readable code for `--json` errors. */
  readonly code: string
  constructor(message: string, exitCode: ExitCodeValue, code: string) {
    super(message)
    this.exitCode = exitCode
    this.code = code
  }
}

/** A bad argument or option (exit 2). */
export class UsageError extends CliError {
  override name = 'UsageError'
  constructor(message: string) {
    super(message, ExitCode.USAGE, 'usage')
  }
}

/** What the CLI prints and returns for an error. */
export interface ErrorReport {
  exitCode: ExitCodeValue
  code: string
  message: string
}

/**
 * Maps any error to an exit code, a code and a single-line message without secrets.
 */
export function classifyError(error: unknown, context: { model?: string } = {}): ErrorReport {
  const [exitCode, code] = classify(error)
  if (error instanceof ModelArchivedError) {
    const model = context.model ? `The model "${context.model}"` : 'The model'
    return {
      exitCode,
      code,
      message: `${model} is archived: Anaplan serves no data from an archived model. Restore it in Anaplan, or choose another with --model.`,
    }
  }
  const raw = error instanceof Error ? error.message : String(error)
  return { exitCode, code, message: oneLine(redactSecrets(raw)) || 'unknown error' }
}

function classify(e: unknown): [ExitCodeValue, string] {
  if (e instanceof CliError) return [e.exitCode, e.code]
  if (e instanceof AbortError) return [ExitCode.INTERRUPTED, 'interrupted']
  if (e instanceof TaskFailedError) return [ExitCode.FAILED, 'task_failed']
  if (e instanceof ValidationError || e instanceof ConfigError) return [ExitCode.USAGE, 'usage']
  if (e instanceof AuthenticationError) return [ExitCode.AUTH, 'auth_failed']
  if (e instanceof NameResolutionError) return [ExitCode.NOT_FOUND, 'name_not_resolved']
  if (e instanceof NotFoundError) return [ExitCode.NOT_FOUND, 'not_found']
  if (e instanceof PermissionDeniedError) return [ExitCode.NOT_FOUND, 'no_access']
  if (e instanceof ModelArchivedError) return [ExitCode.NOT_FOUND, 'model_archived']
  if (e instanceof RateLimitError) return [ExitCode.UNAVAILABLE, 'rate_limited']
  if (e instanceof ConnectionError || e instanceof ServerError) return [ExitCode.UNAVAILABLE, 'unavailable']
  // Any other API or protocol error: 409 busy, 422 archived, 423 locked, 400 rejected...
  if (e instanceof AnaplanError) return [ExitCode.UNAVAILABLE, 'api_error']
  return [ExitCode.FAILED, 'internal']
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim()
}
