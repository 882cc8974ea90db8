/**
 * The one place that turns errors into words for the user (HOUSE-STYLE §9.3 rule 4). Anaplan's
 * errors become explanations with a way forward; internals never leak (no URLs, no stack traces).
 */
import {
  AbortError,
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

/** Stable code for an error, for the audit trail and logs. */
export function errorCode(err: unknown): BotErrorCode {
  if (err instanceof BotError) return err.code
  if (err instanceof ConflictError || err instanceof ModelLockedError) return 'model_busy'
  if (err instanceof RateLimitError) return 'rate_limited'
  if (err instanceof TaskFailedError) return 'task_failed'
  if (err instanceof NameResolutionError) return err.reason === 'ambiguous' ? 'ambiguous' : 'not_found'
  if (err instanceof PermissionDeniedError || err instanceof NotFoundError) return 'no_access'
  if (err instanceof ConnectionError || err instanceof ServerError || err instanceof AuthenticationError) {
    return 'anaplan_unavailable'
  }
  return 'internal'
}

/** Messages explaining `err` to the user. */
export function errorReply(err: unknown, ctx: ErrorReplyContext = {}): Message[] {
  const model = ctx.model ?? 'the model'
  const text = (t: string): Message[] => [{ type: 'text', text: t }]
  if (err instanceof BotError) {
    const out = text(err.message)
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
  if (err instanceof ModelLockedError)
    return text(`${model} is locked right now, so it can't be changed or read. Try again later.`)
  if (err instanceof ConflictError) {
    return text(`${model} is busy running another action. Try again in a minute.`)
  }
  if (err instanceof ModelArchivedError)
    return text(`${model} is archived. Ask a workspace admin to unarchive it first.`)
  if (err instanceof RateLimitError) {
    const wait = err.retryAfterMs ? ` (about ${Math.max(1, Math.round(err.retryAfterMs / 1000))} s)` : ''
    return text(`Anaplan is asking us to slow down. Please try again in a moment${wait}.`)
  }
  if (err instanceof TaskFailedError) {
    const lines = err.dumps.flatMap((d) => dumpInWords(d.csv))
    return text(
      lines.length
        ? `${ctx.doing ?? 'The action'} failed. ${lines.join('; ')}.`
        : `${ctx.doing ?? 'The action'} failed in Anaplan${err.task.details?.[0]?.localMessageText ? `: ${err.task.details[0].localMessageText}` : '.'}`,
    )
  }
  if (err instanceof PermissionDeniedError) {
    return text(`Anaplan refused: your Anaplan user is not allowed to ${ctx.doing ?? 'do that'} in ${model}.`)
  }
  if (err instanceof NotFoundError) {
    return text(
      `Anaplan says ${model} or what you asked for is not there, or your Anaplan user has no access to it.`,
    )
  }
  if (err instanceof AbortError) return text('Stopped.')
  if (err instanceof TimeoutError)
    return text('Anaplan is taking too long to answer. Please try again in a moment.')
  if (err instanceof AuthenticationError)
    return text("I couldn't sign in to Anaplan with the configured credentials. Ask an admin to check them.")
  if (err instanceof ConnectionError || err instanceof ServerError) {
    return text("I can't reach Anaplan right now. Please try again in a minute.")
  }
  return text('Something went wrong on my side. It has been logged; please try again.')
}
