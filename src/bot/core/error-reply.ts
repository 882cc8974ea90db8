/**
 * The one place that turns errors into words for the user (HOUSE-STYLE §9.3 rule 4). Anaplan's
 * errors become explanations with a way forward; internals never leak (no URLs, no stack traces).
 */
import {
  AbortError,
  AnaplanError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
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
} from './anaplan.ts'
import { encodeChoice } from './context.ts'
import { dumpInWords } from './dump.ts'
import { BotError, type BotErrorCode } from './errors.ts'
import type { Message } from './types.ts'

export interface ErrorReplyContext {
  /** Connected (or targeted) model name, to name it in the reply. */
  model?: string
  /** The intent being handled and its parameters, to offer corrected retries. */
  intent?: string
  parameters?: Record<string, unknown>
  /** What the user was trying to do, in words ("read Revenue", "run Load Actuals"). */
  doing?: string
}

/** Parameter of each intent that a name of this kind fills, for "Did you mean" choices. */
const KIND_PARAM: Record<string, string> = {
  model: 'model',
  workspace: 'workspace',
  view: 'view',
  list: 'list',
  lineItem: 'lineItem',
  'line item': 'lineItem',
  import: 'action',
  export: 'action',
  process: 'action',
  action: 'action',
}

const CODES: ReadonlySet<string> = new Set<BotErrorCode>([
  'rate_limited',
  'not_found',
  'no_access',
  'auth_failed',
  'unavailable',
  'timeout',
  'invalid_input',
  'task_failed',
  'conflict',
  'locked',
  'archived',
  'aborted',
  'ambiguous',
  'not_permitted',
  'not_connected',
  'confirmation_required',
  'internal',
])

/**
 * Stable code for an error, for the audit trail, logs and every edge's table (user text here,
 * HTTP status and exit code at theirs). The client's own `code`, when it carries one of ours, is
 * taken as is; otherwise the class decides.
 */
export function errorCode(err: unknown): BotErrorCode {
  if (err instanceof BotError) return err.code
  const own = (err as { code?: unknown } | null)?.code
  if (err instanceof AnaplanError && typeof own === 'string' && CODES.has(own)) return own as BotErrorCode
  if (err instanceof ModelLockedError) return 'locked'
  if (err instanceof ModelArchivedError) return 'archived'
  if (err instanceof ConflictError) return 'conflict'
  if (err instanceof RateLimitError) return 'rate_limited'
  if (err instanceof TaskFailedError) return 'task_failed'
  if (err instanceof NameResolutionError) return err.reason === 'ambiguous' ? 'ambiguous' : 'not_found'
  if (err instanceof PermissionDeniedError) return 'no_access'
  if (err instanceof NotFoundError) return 'not_found'
  if (err instanceof AuthenticationError) return 'auth_failed'
  if (err instanceof AbortError) return 'aborted'
  if (err instanceof TimeoutError) return 'timeout'
  if (err instanceof ConnectionError || err instanceof ServerError) return 'unavailable'
  if (err instanceof ValidationError) return 'invalid_input'
  return 'internal'
}

type Words = (err: unknown, ctx: ErrorReplyContext, model: string) => string

/** The one table from error code to what the user reads. */
const WORDS: Record<BotErrorCode, Words> = {
  rate_limited: (err) => {
    const ms = err instanceof RateLimitError ? err.retryAfterMs : undefined
    const wait = ms ? ` (about ${Math.max(1, Math.round(ms / 1000))} s)` : ''
    return `Anaplan is asking us to slow down. Please try again in a moment${wait}.`
  },
  not_found: (_e, _c, model) =>
    `Anaplan says ${model} or what you asked for is not there, or your Anaplan user has no access to it.`,
  no_access: (_e, ctx, model) =>
    `Anaplan refused: your Anaplan user is not allowed to ${ctx.doing ?? 'do that'} in ${model}.`,
  auth_failed: () =>
    "I couldn't sign in to Anaplan with the configured credentials. Ask an admin to check them.",
  unavailable: () => "I can't reach Anaplan right now. Please try again in a minute.",
  timeout: () => 'Anaplan is taking too long to answer. Please try again in a moment.',
  invalid_input: () => "Anaplan didn't accept that request. Please check the names and the value.",
  task_failed: (err, ctx) => {
    const e = err as TaskFailedError
    const lines = (e.dumps ?? []).flatMap((d) => dumpInWords(d.csv))
    const detail = e.task?.details?.[0]?.localMessageText
    return lines.length
      ? `${ctx.doing ?? 'The action'} failed. ${lines.join('; ')}.`
      : `${ctx.doing ?? 'The action'} failed in Anaplan${detail ? `: ${detail}` : '.'}`
  },
  conflict: (_e, _c, model) => `${model} is busy running another action. Try again in a minute.`,
  locked: (_e, _c, model) => `${model} is locked right now, so it can't be changed or read. Try again later.`,
  archived: (_e, _c, model) => `${model} is archived. Ask a workspace admin to unarchive it first.`,
  aborted: () => 'Stopped.',
  ambiguous: () => 'That name matches more than one thing; please say which one.',
  not_permitted: () => "The bot policy doesn't allow that. Ask an admin to grant it in the bot policy.",
  not_connected: () => 'You are not connected to a model yet. Say "list models" or "connect to <model>".',
  confirmation_required: () => 'That change needs your confirmation first.',
  internal: () => 'Something went wrong on my side. It has been logged; please try again.',
}

/** Messages explaining `err` to the user. */
export function errorReply(err: unknown, ctx: ErrorReplyContext = {}): Message[] {
  const model = ctx.model ?? 'the model'
  const text = (t: string): Message[] => [{ type: 'text', text: t }]
  if (err instanceof BotError) {
    // The bot's own errors carry their sentence (it names what was asked); the table is the fallback.
    const out = text(err.message || WORDS[err.code](err, ctx, model))
    if (err.candidates.length) {
      out.push({
        type: 'choices',
        prompt: 'Did you mean:',
        options: err.candidates.map((c) => ({ label: c, value: c })),
      })
    }
    return out
  }
  if (err instanceof NameResolutionError) {
    const kind = err.kind === 'lineItem' ? 'line item' : err.kind
    const param = KIND_PARAM[err.kind]
    const options =
      param && ctx.intent
        ? err.candidates.slice(0, 5).map((c) => ({
            label: c,
            value: encodeChoice(ctx.intent ?? '', { ...ctx.parameters, [param]: c }),
          }))
        : []
    const head =
      err.reason === 'ambiguous'
        ? `More than one ${kind} is called '${err.query}'.`
        : `I couldn't find a ${kind} called '${err.query}'${ctx.model ? ` in ${ctx.model}` : ''}.`
    const tail = err.candidates.length ? ` Did you mean ${err.candidates.slice(0, 3).join(' or ')}?` : ''
    const out = text(head + tail)
    if (options.length) out.push({ type: 'choices', prompt: 'Did you mean:', options })
    return out
  }
  return text(WORDS[errorCode(err)](err, ctx, model))
}
