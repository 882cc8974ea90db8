/**
 * The bot's one error class. `code` is stable: it crosses process boundaries (audit trail, JSON
 * API, logs) where `instanceof` does not, after bolt's `CodedError`.
 */
export type BotErrorCode =
  | 'anaplan_unavailable'
  | 'confirmation_required'
  | 'not_permitted'
  | 'not_connected'
  | 'not_found'
  | 'ambiguous'
  | 'model_busy'
  | 'rate_limited'
  | 'task_failed'
  | 'no_access'
  | 'invalid_input'
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
