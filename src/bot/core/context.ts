/**
 * What a middleware or an intent handler gets: the turn, the session, the understanding, the
 * Anaplan client acting for this identity, and the reply being built.
 */
import type { Logger } from '../../shared/logger.ts'
import type { Nlu } from '../nlu/nlu.ts'
import type { Vocabulary } from '../nlu/vocabulary.ts'
import type { Question } from '../query/question.ts'
import type { BotAnaplanClient, ModelScope } from './anaplan.ts'
import type { AuditEntry } from './audit.ts'
import type { DownloadStore } from './downloads.ts'
import type { BotPolicy, Permission } from './policy.ts'
import type { SessionState } from './session.ts'
import type { IntentMatch, Message, Turn } from './types.ts'

export interface TurnContext {
  readonly turn: Turn
  readonly now: () => number
  /** Epoch ms by which the reply must be returned. */
  readonly deadline: number
  session: SessionState
  intent: IntentMatch
  parameters: Record<string, unknown>
  /** Alternatives and ambiguities from the NLU, for asking back. */
  alternatives: IntentMatch[]
  ambiguity?: { text: string; options: { kind: string; value: string; dimension?: string }[] }
  /** The typed question the turn asks about the numbers (set by the question engine). */
  question?: Question
  /**
   * The options the last reply offered, when the words did not pick one by number or label: the
   * question engine may still tell which one they mean ("the $ one" of Revenue or Units).
   */
  offered?: readonly { label: string; value: string }[]
  /** True when the user already confirmed this change (the confirm intent replays it). */
  confirmed: boolean
  /**
   * The model a change targets when it is not the connected one (a task started in another
   * model): set by a handler's `summarize`, checked against the policy instead of the connection.
   */
  target?: { name: string; id: string }
  readonly messages: Message[]
  readonly client: BotAnaplanClient
  readonly services: BotServices
  /** The connected model's scope (throws `not_connected` when none). */
  scope(): Promise<ModelScope>
  /** The NLU bound to this session's vocabulary. */
  nlu(): Promise<Nlu>
  vocabulary(): Promise<Vocabulary>
  permission(model: { name: string; id?: string }): Permission
  audit(entry: Omit<AuditEntry, 'ts' | 'identity' | 'sessionId'>): Promise<void>
  say(text: string): void
  /** Request options for Anaplan calls of this turn: the turn's signal (and the bot's on close). */
  readonly requestOptions: { signal: AbortSignal }
  /** Work that continues after the reply (long tasks); tracked so `close()` can stop it. */
  background(work: (signal: AbortSignal) => Promise<void>): void
  /** Sends follow-up messages (listeners and the session outbox); `update` also changes the session. */
  notify(messages: Message[], update?: (s: SessionState) => void): Promise<void>
}

export interface BotServices {
  policy: BotPolicy
  downloads: DownloadStore
  logger: Logger
  /** Poll interval for long tasks. */
  pollIntervalMs: number
  /** Forgets cached metadata of a model (after a list change). */
  invalidate?: (modelId: string) => void
}

export type Next = () => Promise<void>
export type Middleware = (ctx: TurnContext, next: Next) => Promise<void>

/** Runs middlewares in order; each calls `next()` to continue (bolt's `processMiddleware`, hono's compose). */
export async function runMiddleware(chain: readonly Middleware[], ctx: TurnContext): Promise<void> {
  let index = -1
  const dispatch = async (i: number): Promise<void> => {
    if (i <= index) throw new Error('next() called twice')
    index = i
    const mw = chain[i]
    if (mw) await mw(ctx, () => dispatch(i + 1))
  }
  await dispatch(0)
}

/** An intent handler. `summarize` makes the confirmation text of changing intents. */
export interface IntentHandler {
  run(ctx: TurnContext): Promise<void>
  /** For changes: resolves the parameters and returns the question to confirm (and the model). */
  summarize?(ctx: TurnContext): Promise<string>
}

export { decodeChoice, encodeChoice, encodeChoiceEach } from './choices.ts'
