/**
 * Errors a function answers with, and the one mapping from any thrown value to a JSON error
 * response. Bodies are `{ error: { code, message, details? } }`; messages never carry secret values.
 */
import { redactSecrets } from '../../shared/logger.ts'
import {
  AbortError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  ConnectionError,
  ModelArchivedError,
  ModelLockedError,
  NameResolutionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from './anaplan.ts'

/** An error with the HTTP status and stable `code` it should be answered with. */
export class FunctionError extends Error {
  override name = 'FunctionError'
  readonly status: number
  /** Stable machine-readable code (`invalid_input`, `unauthorized`, `credentials_unavailable`...). */
  readonly code: string
  readonly details: unknown
  readonly headers: Record<string, string>

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.status = status
    this.code = code
    this.details = options.details
    this.headers = options.headers ?? {}
  }
}

/**
 * The credentials could not be read from their source. The message names the source (secret
 * version, ARN or environment variables), never the value.
 */
export class CredentialsUnavailableError extends FunctionError {
  override name = 'CredentialsUnavailableError'
  /** The secret (or environment variable names) that failed. */
  readonly source: string

  constructor(source: string, reason: string, cause?: unknown) {
    super(
      500,
      'credentials_unavailable',
      `Could not load the Anaplan credentials from ${source}: ${reason}`,
      {
        cause,
      },
    )
    this.source = source
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown }
}

export interface ErrorResponse {
  status: number
  body: ErrorBody
  headers: Record<string, string>
  /** Whether the failure is ours or upstream's (logged at ERROR) rather than the caller's (WARNING). */
  serverSide: boolean
}

/**
 * Maps anything thrown by a handler to the status and JSON body to answer with. Client errors keep
 * Anaplan's own message (it names the missing object); unexpected errors get a generic message so
 * internals do not leak.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  const r = (status: number, code: string, message: string, headers: Record<string, string> = {}) => ({
    status,
    body: { error: { code, message: redactSecrets(message) } },
    headers,
    serverSide: status >= 500,
  })
  if (error instanceof FunctionError) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: redactSecrets(error.message),
          ...(error.details !== undefined ? { details: error.details } : {}),
        },
      },
      headers: error.headers,
      serverSide: error.status >= 500,
    }
  }
  if (error instanceof NameResolutionError) {
    const status = error.reason === 'ambiguous' ? 409 : 404
    return {
      status,
      body: {
        error: {
          code: error.reason === 'ambiguous' ? 'ambiguous_name' : 'not_found',
          message: redactSecrets(error.message),
          details: { kind: error.kind, query: error.query, candidates: error.candidates },
        },
      },
      headers: {},
      serverSide: false,
    }
  }
  if (error instanceof ValidationError) return r(400, 'invalid_input', error.message)
  if (error instanceof APIError) {
    const upstream = error.statusMessage ? `: ${error.statusMessage}` : ''
    if (error instanceof AuthenticationError) {
      // The caller did nothing wrong: our technical user was refused by Anaplan.
      return r(502, 'anaplan_authentication_failed', `Anaplan refused the configured credentials${upstream}`)
    }
    if (error instanceof BadRequestError)
      return r(400, 'anaplan_bad_request', `Anaplan rejected the request${upstream}`)
    if (error instanceof PermissionDeniedError)
      return r(403, 'anaplan_forbidden', `Anaplan denied access${upstream}`)
    if (error instanceof NotFoundError)
      return r(404, 'not_found', `Anaplan found no such object or gave no access${upstream}`)
    if (error instanceof ModelArchivedError)
      return r(409, 'model_archived', `The model is archived${upstream}`)
    if (error instanceof ModelLockedError) return r(423, 'model_locked', `The model is locked${upstream}`)
    if (error instanceof ConflictError) return r(409, 'model_busy', `The model is busy${upstream}`)
    if (error instanceof RateLimitError) {
      const after = error.retryAfterMs ?? retryAfterFromHeaders(error.headers)
      return r(
        429,
        'anaplan_rate_limited',
        `Anaplan is rate limiting requests${upstream}`,
        after !== undefined ? { 'retry-after': String(Math.ceil(after / 1000)) } : {},
      )
    }
    return r(502, 'anaplan_unavailable', `Anaplan answered ${error.status}${upstream}`)
  }
  if (error instanceof TimeoutError) return r(504, 'anaplan_timeout', 'Anaplan did not answer in time')
  if (error instanceof ConnectionError) return r(502, 'anaplan_unreachable', 'Anaplan could not be reached')
  if (error instanceof AbortError) return r(499, 'aborted', 'The request was aborted')
  if (error instanceof ConfigError) return r(500, 'configuration_error', error.message)
  return r(500, 'internal', 'Internal error')
}

function retryAfterFromHeaders(headers: { get(name: string): string | null }): number | undefined {
  const v = headers.get('retry-after')
  if (!v) return undefined
  const s = Number(v)
  if (Number.isFinite(s)) return s * 1000
  const d = Date.parse(v)
  return Number.isNaN(d) ? undefined : Math.max(0, d - Date.now())
}
