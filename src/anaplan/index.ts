/**
 * @module anaplan
 * The Anaplan client: auth service, token management, retries, and the Integration API v2 (bulk and
 * transactional) with names-or-ids everywhere. Node built-ins only; imports nothing from the other
 * areas of the project (bot, CLI, functions, simulator, shared).
 */
export * from './api.ts'
export { AuthApi, DEFAULT_OAUTH_URL, TOKEN_LIFETIME_MS } from './auth/auth-api.ts'
export {
  basicAuthorization,
  type CertificateAuthBody,
  type CertificateAuthOptions,
  certificateAuthentication,
  NONCE_BYTES,
} from './auth/credentials.ts'
export {
  type ClientLogger,
  noopLogger,
  TokenManager,
  type TokenManagerOptions,
  type TokenStore,
} from './auth/token-manager.ts'
export type * from './catalog.ts'
export { AnaplanClient, type AnaplanClientOptions, type ClientStats } from './client.ts'
export { normalizeSummary } from './core/catalog-build.ts'
export { closeMatches, levenshtein, normalizeName, resolveName } from './core/names.ts'
export { collectPages } from './core/pagination.ts'
export { parsePeriodName } from './core/periods.ts'
export { isTerminal, pollTask } from './core/polling.ts'
export {
  type AttemptOutcome,
  BACKOFF,
  backoff,
  parseRetryAfter,
  RETRY_AFTER_CAP_MS,
  type RetryDecision,
  shouldRetry,
} from './core/retry.ts'
export type { ApiResponse, BodyStream, HttpMethod, RequestSpec, ResponseHeaders } from './core/transport.ts'
export {
  AbortError,
  AnaplanError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  ConnectionError,
  isAnaplanError,
  ModelArchivedError,
  ModelLockedError,
  NameResolutionError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ReadLimitError,
  ReadRequestFailedError,
  ServerError,
  TaskFailedError,
  TimeoutError,
  ValidationError,
} from './errors.ts'
export { path } from './internal/path.ts'
export { redactHeaders, redactUrl } from './internal/redact.ts'
export { MAX_CHUNK, MIN_CHUNK } from './resources/files.ts'
export {
  CELL_BATCH,
  CELL_BATCH_BYTES,
  cellBatches,
  isAmbiguousFailure,
  LINE_ITEMS_DIMENSION_ID,
  LIST_BATCH,
  TIME_DIMENSION_ID,
  VERSIONS_DIMENSION_ID,
} from './resources/model-scope.ts'
