/**
 * The slice of the Anaplan client the bot uses, imported in one place so the bot depends on the
 * client's public surface (`src/anaplan/index.ts`) only.
 */
import type {
  ModelRef,
  ModelScope,
  ModelsApi,
  RequestOptions,
  UsersApi,
  WorkspacesApi,
} from '../../anaplan/index.ts'

export type * from '../../anaplan/index.ts'
export {
  AbortError,
  AnaplanError,
  APIError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  isAmbiguousFailure,
  ModelArchivedError,
  ModelLockedError,
  NameResolutionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TaskFailedError,
  TimeoutError,
  ValidationError,
} from '../../anaplan/index.ts'

/**
 * What the bot needs from an Anaplan client. `AnaplanClient` satisfies it structurally; tests and
 * other hosts may pass anything with the same shape.
 */
export interface BotAnaplanClient {
  readonly users: UsersApi
  readonly workspaces: WorkspacesApi
  readonly models: ModelsApi
  model(ref: ModelRef, options?: RequestOptions): Promise<ModelScope>
  close?(): Promise<void>
}

/**
 * Picks the Anaplan client for a chat identity, so the bot does not act as one technical user for
 * everyone. `profile` is the credentials profile the bot policy maps the identity to (`anaplanUser`).
 */
export interface AnaplanClientProvider {
  clientFor(identity: import('./types.ts').Identity, options?: { profile?: string }): BotAnaplanClient
  close?(): Promise<void>
}
