/**
 * The client's error taxonomy (HOUSE-STYLE §9.3). Every throw in `src/anaplan` uses one of these
 * classes; discriminate with `instanceof`, or with `name` once an error has crossed a process
 * boundary. Messages and fields never carry tokens, passwords or Authorization values.
 */
import type { ReadRequest, TaskResult } from './api.ts'
import type { ResponseHeaders } from './http/wire.ts'
import { redactUrl } from './internal/redact.ts'

/** Base class of every error the client throws. */
export class AnaplanError extends Error {
  override name: string = 'AnaplanError'
}

/** Missing or invalid client options, unreadable PEM, unknown credential kind. */
export class ConfigError extends AnaplanError {
  override name = 'ConfigError'
}

/** A caller-supplied argument was rejected before any request was sent (e.g. an id with `/`). */
export class ValidationError extends AnaplanError {
  override name = 'ValidationError'
}

/** The server answered 2xx but the body was not what the Anaplan API documents. */
export class ProtocolError extends AnaplanError {
  override name = 'ProtocolError'
}

/** Context of the request that failed, with the URL already redacted. */
export interface RequestInfo {
  method: string
  url: string
}

/** The server answered with a non-2xx status. */
export class APIError extends AnaplanError {
  override name = 'APIError'
  /** HTTP status. */
  readonly status: number
  /** Response headers. */
  readonly headers: ResponseHeaders
  /** Parsed JSON body, or the text when it was not JSON. */
  readonly body: unknown
  /** Anaplan's status message (`status.message` or `statusMessage`), when it sent one. */
  readonly statusMessage: string | undefined
  /** Anaplan's auth-service status code (`FAILURE_BAD_CREDENTIAL`...), when it sent one. */
  readonly statusCode: string | undefined
  readonly method: string
  /** The request URL with credentials and sensitive query values removed. */
  readonly url: string

  constructor(status: number, headers: ResponseHeaders, body: unknown, req: RequestInfo, message?: string) {
    const statusMessage = extractStatusMessage(body)
    const url = redactUrl(req.url)
    super(message ?? describe(req.method, url, status, statusMessage))
    this.status = status
    this.headers = headers
    this.body = body
    this.statusMessage = statusMessage
    this.statusCode = extractStatusCode(body)
    this.method = req.method
    this.url = url
  }

  /** Builds the subclass that matches the status. */
  static fromResponse(
    res: { status: number; headers: ResponseHeaders },
    body: unknown,
    req: RequestInfo,
  ): APIError {
    const { status, headers } = res
    if (status === 400) return new BadRequestError(status, headers, body, req)
    if (status === 401) return new AuthenticationError(status, headers, body, req)
    if (status === 403) return new PermissionDeniedError(status, headers, body, req)
    if (status === 404) return new NotFoundError(status, headers, body, req)
    if (status === 409) return new ConflictError(status, headers, body, req)
    if (status === 422) return new ModelArchivedError(status, headers, body, req)
    if (status === 423) return new ModelLockedError(status, headers, body, req)
    if (status === 429) return new RateLimitError(status, headers, body, req)
    if (status >= 500) return new ServerError(status, headers, body, req)
    return new APIError(status, headers, body, req)
  }
}

/** 400: malformed request, or a limit such as the 1,000,000-cell view read. */
export class BadRequestError extends APIError {
  override name = 'BadRequestError'
}
/**
 * 400 because the read is over Anaplan's limit (1,000,000 cells of a view, 1,000,000 items of a
 * list). `useInstead` names the client method that reads it in pages.
 */
export class ReadLimitError extends BadRequestError {
  override name = 'ReadLimitError'
  readonly useInstead: 'readViewLarge' | 'readListLarge'
  constructor(from: APIError, useInstead: 'readViewLarge' | 'readListLarge') {
    const what = useInstead === 'readViewLarge' ? 'view' : 'list'
    super(
      from.status,
      from.headers,
      from.body,
      { method: from.method, url: from.url },
      `${from.message}. The ${what} is too large for one read: use ${useInstead}() (an Anaplan read request, CSV in pages)${what === 'view' ? ', or select pages to read less' : ''}.`,
    )
    this.useInstead = useInstead
  }
}

/** 401 after the one refresh-and-retry, or bad credentials on authenticate. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError'
}
/** 403: the user lacks the role for this call. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError'
}
/** 404: unknown id, or (Anaplan masks it so) no access to the model. */
export class NotFoundError extends APIError {
  override name = 'NotFoundError'
}
/** 409: model busy or a conflicting action. */
export class ConflictError extends APIError {
  override name = 'ConflictError'
}
/** 422: the model is archived. */
export class ModelArchivedError extends APIError {
  override name = 'ModelArchivedError'
}
/** 423: the model is locked. */
export class ModelLockedError extends APIError {
  override name = 'ModelLockedError'
}
/** 429: too many requests. `retryAfterMs` is set when retrying would overrun the caller's deadline. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError'
  retryAfterMs?: number
}
/** 5xx. */
export class ServerError extends APIError {
  override name = 'ServerError'
}

/** No usable response arrived. `phase` tells whether the request may have reached the server. */
export class ConnectionError extends AnaplanError {
  override name: string = 'ConnectionError'
  /**
   * `connect`: failed before the request was written (refused, DNS) — safe to re-send.
   * `response`: failed after sending (reset, dropped) — the server may have acted on it.
   */
  readonly phase: 'connect' | 'response'
  readonly method: string
  readonly url: string
  constructor(message: string, req: RequestInfo, phase: 'connect' | 'response', options?: ErrorOptions) {
    super(message, options)
    this.phase = phase
    this.method = req.method
    this.url = redactUrl(req.url)
  }
}

/** Our own per-attempt timer or the caller's deadline fired. Always ambiguous for writes. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError'
}

/** The caller's `signal` fired. Never retried. */
export class AbortError extends AnaplanError {
  override name = 'AbortError'
}

/** A bulk task completed without success (`result.successful === false`). */
export class TaskFailedError extends AnaplanError {
  override name = 'TaskFailedError'
  /** The task's result, with nested results for processes. */
  readonly task: TaskResult
  readonly taskId: string
  readonly dumpAvailable: boolean
  /** Failure dumps fetched by `run()` before throwing. */
  readonly dumps: { objectId: string; csv: string }[]
  constructor(
    message: string,
    details: { task: TaskResult; taskId: string; dumps?: { objectId: string; csv: string }[] },
  ) {
    super(message)
    this.task = details.task
    this.taskId = details.taskId
    this.dumpAvailable = hasDump(details.task)
    this.dumps = details.dumps ?? []
  }
}

/** A view or list read request ended without its data: failed (`successful: false`) or cancelled. */
export class ReadRequestFailedError extends AnaplanError {
  override name = 'ReadRequestFailedError'
  readonly request: ReadRequest
  constructor(message: string, request: ReadRequest) {
    super(message)
    this.request = request
  }
}

/** A name or id matched nothing, or matched several objects. */
export class NameResolutionError extends AnaplanError {
  override name = 'NameResolutionError'
  /** What was looked up: `workspace`, `model`, `list`, `view`, `import`... */
  readonly kind: string
  /** The text the caller gave. */
  readonly query: string
  /** Close matches (unknown) or the conflicting matches (ambiguous), as display names. */
  readonly candidates: string[]
  readonly reason: 'not_found' | 'ambiguous'
  constructor(kind: string, query: string, reason: 'not_found' | 'ambiguous', candidates: string[]) {
    const list = candidates.length ? ` Did you mean: ${candidates.map((c) => `"${c}"`).join(', ')}?` : ''
    super(
      reason === 'ambiguous'
        ? `The ${kind} "${query}" is ambiguous; it matches ${candidates.length} objects.${list}`
        : `No ${kind} named "${query}" was found.${list}`,
    )
    this.kind = kind
    this.query = query
    this.reason = reason
    this.candidates = candidates
  }
}

/** True for any error thrown by this client. */
export function isAnaplanError(e: unknown): e is AnaplanError {
  return e instanceof AnaplanError
}

function hasDump(r: TaskResult): boolean {
  return r.failureDumpAvailable || (r.nestedResults ?? []).some((n) => hasDump(n))
}

function describe(method: string, url: string, status: number, statusMessage: string | undefined): string {
  let path = url
  try {
    const u = new URL(url)
    path = u.pathname + u.search
  } catch {
    // keep the raw (already redacted) text
  }
  const text = STATUS_TEXT[status] ?? ''
  return `${method} ${path} failed with ${status}${text ? ` ${text}` : ''}${statusMessage ? `: ${statusMessage}` : ''}`
}

function extractStatusMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') {
    // Non-JSON bodies (nginx HTML pages) are not echoed: they are noise in a message.
    return undefined
  }
  const b = body as {
    status?: unknown
    statusMessage?: unknown
    message?: unknown
    error_description?: unknown
  }
  if (typeof b.statusMessage === 'string') return b.statusMessage
  if (b.status && typeof b.status === 'object') {
    const m = (b.status as { message?: unknown }).message
    if (typeof m === 'string') return m
  }
  if (typeof b.error_description === 'string') return b.error_description
  if (typeof b.message === 'string') return b.message
  return undefined
}

function extractStatusCode(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined
  const b = body as { status?: unknown; error?: unknown }
  if (typeof b.status === 'string') return b.status
  if (typeof b.error === 'string') return b.error
  return undefined
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}
