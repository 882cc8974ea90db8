/**
 * The bot's one error class. `code` is stable: it crosses process boundaries (audit trail, JSON
 * API, logs) where `instanceof` does not, after bolt's `CodedError`.
 */
export type BotErrorCode =
  // Shared with the client's errors and the CLI's `--json` codes (one vocabulary, R5).
  | 'rate_limited'
  | 'not_found'
  | 'no_access'
  | 'auth_failed'
  | 'unavailable'
  | 'timeout'
  | 'invalid_input'
  | 'task_failed'
  | 'conflict'
  | 'locked'
  | 'archived'
  | 'aborted'
  | 'ambiguous'
  // The bot's own.
  | 'not_permitted'
  | 'not_connected'
  | 'confirmation_required'
  | 'internal'

/** An error the bot turns into words; `code` is stable, `message` is for logs. */
export class BotError extends Error {
  override name = 'BotError'
  readonly code: BotErrorCode
  /** Options offered to the user (e.g. "Did you mean …?"), when the error has any. */
  readonly candidates: string[]
  constructor(code: BotErrorCode, message: string, options?: ErrorOptions & { candidates?: string[] }) {
    super(message, options)
    this.code = code
    this.candidates = options?.candidates ?? []
  }
}
