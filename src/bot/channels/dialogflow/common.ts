/**
 * Pieces shared by the Dialogflow ES and CX webhooks: caller authentication, session ids, mapping
 * Dialogflow parameters onto the catalog, rich content, and the deadline race.
 */
import { createHash } from 'node:crypto'
import type { Bot, BotReply, Identity, Message, Turn } from '../../core/types.ts'
import { safeEqual } from '../http.ts'
import { renderMessage } from '../render-text.ts'

/** The parts of a zod issue the webhooks report (zod and zod/mini issues both fit). */
export interface SchemaIssue {
  readonly code: string
  readonly path: readonly PropertyKey[]
  readonly message: string
  readonly expected?: string
  readonly minimum?: number | bigint
}

/**
 * Issues as `path: problem; …` for a 400. zod/mini loads no locale (that is part of why it is
 * small), so its messages are a bare "Invalid input": the common cases are worded here instead.
 */
export function describeIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .map((i) => {
      const where = i.path.map(String).join('.') || 'body'
      const what =
        i.code === 'invalid_type' && i.expected
          ? `expected ${i.expected}`
          : i.code === 'too_small' && i.minimum !== undefined
            ? Number(i.minimum) === 1
              ? 'must not be empty'
              : `must be at least ${i.minimum} long`
            : i.message
      return `${where}: ${what}`
    })
    .join('; ')
}

/**
 * How Dialogflow proves it is the caller, as configured on the agent's fulfillment:
 * HTTP basic auth (ES "username/password") or a custom header (ES "headers", CX `requestHeaders`).
 */
export type WebhookAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'header'; name: string; value: string }
  | { type: 'none' }

/**
 * True when the request carries the configured credentials (compared in constant time). Fails
 * closed: without configured credentials nobody is authorized.
 */
export function isAuthorized(req: Request, auth: WebhookAuth | undefined): boolean {
  if (!auth || auth.type === 'none') return false
  if (auth.type === 'header') return safeEqual(req.headers.get(auth.name) ?? '', auth.value)
  const header = req.headers.get('authorization') ?? ''
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (!match?.[1]) return false
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return false
  // Evaluate both comparisons so timing does not reveal which half was wrong.
  const userOk = safeEqual(decoded.slice(0, colon), auth.username)
  const passOk = safeEqual(decoded.slice(colon + 1), auth.password)
  return userOk && passOk
}

/** The part of a session path before `/sessions/`: project, location, agent, environment, user. */
export function sessionScope(dialogflowSession: string): string {
  const i = dialogflowSession.lastIndexOf('/sessions/')
  return i >= 0 ? dialogflowSession.slice(0, i) : ''
}

/**
 * Makes a bot session id (≤128 chars of `[A-Za-z0-9._:@-]`) from a Dialogflow session path. It
 * keys on the whole path (project, agent, environment, user and session), so two agents or two
 * environments never share a bot session because their session ids look alike.
 */
export function botSessionId(prefix: string, dialogflowSession: string): string {
  const scope = createHash('sha256').update(sessionScope(dialogflowSession)).digest('base64url').slice(0, 12)
  const last = dialogflowSession.split('/').filter(Boolean).pop() ?? 'unknown'
  return `${prefix}:${scope}:${last.replace(/[^A-Za-z0-9._@-]/g, '_')}`.slice(0, 128)
}

/**
 * The identity of a Dialogflow turn for the policy: the agent, which is what the webhook
 * credentials prove. The end user an integration names (a payload or session field that any
 * client of the agent can set) is kept as `displayName` for the audit trail, never matched by the
 * policy.
 */
export function agentIdentity(
  channel: 'dialogflow-es' | 'dialogflow-cx',
  dialogflowSession: string,
  claimedUser: string | undefined,
  teamId?: string,
): Identity {
  // The agent without the per-user part of ES session paths.
  const agent = sessionScope(dialogflowSession).replace(/\/users\/[^/]+$/, '') || 'unknown-agent'
  return {
    channel,
    userId: agent,
    ...(claimedUser ? { displayName: claimedUser } : {}),
    ...(teamId ? { teamId } : {}),
    verified: true,
    verifiedBy: 'dialogflow-webhook',
    issuer: 'dialogflow',
    subject: agent,
  }
}

/** The `users/<U>` segment of an ES session path (`…/environments/E/users/U/sessions/S`), if any. */
export function userFromSession(session: string): string | undefined {
  const m = /\/users\/([^/]+)\/sessions\//.exec(session)
  return m?.[1] && m[1] !== '-' ? m[1] : undefined
}

/** Intent names Dialogflow agents commonly use that mean a catalog intent. */
const BUILT_IN_INTENTS: Record<string, string | undefined> = {
  'default welcome intent': 'greeting',
  // The fallback is better served by the core's own NLU, which knows the connected model's names.
  'default fallback intent': undefined,
}

/** Maps a Dialogflow intent name or fulfillment tag onto a catalog intent name, or undefined. */
export function catalogIntent(name: string | undefined, catalog: ReadonlySet<string>): string | undefined {
  if (!name) return undefined
  const lower = name.trim().toLowerCase()
  if (lower in BUILT_IN_INTENTS) return BUILT_IN_INTENTS[lower]
  const snake = lower.replace(/[.\s-]+/g, '_')
  if (snake === 'fallback') return undefined
  return catalog.has(snake) ? snake : undefined
}

/** Drops the empty values Dialogflow sends for unfilled parameters (`""`, `[]`, `null`). */
export function cleanParameters(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === '' || v === null || v === undefined) continue
    if (Array.isArray(v) && v.length === 0) continue
    // `foo.original` entries are Dialogflow's echo of the raw text, not a parameter.
    if (k.endsWith('.original')) continue
    out[k] = v
  }
  return out
}

/** Dialogflow Messenger `richContent` for the messages that are more than text. */
export function richContent(messages: Message[], fileUrl: (url: string) => string): unknown[][] {
  const items: unknown[] = []
  for (const m of messages) {
    switch (m.type) {
      case 'table':
        items.push({
          type: 'description',
          title: m.title ?? m.columns.join(' | '),
          text: [m.columns.join(' | '), ...m.rows.slice(0, 30).map((r) => r.join(' | '))],
        })
        break
      case 'chart':
        items.push({ type: 'description', title: m.title ?? 'Chart', text: [renderMessage(m)] })
        break
      case 'choices':
        items.push({ type: 'chips', options: m.options.map((o) => ({ text: o.label })) })
        break
      case 'file':
        items.push({
          type: 'button',
          icon: { type: 'download', color: '#1a73e8' },
          text: `Download ${m.name}`,
          link: fileUrl(m.url),
        })
        break
      case 'text':
        break
    }
  }
  return items.length > 0 ? [items] : []
}

/** Dialogflow refuses responses over 64 KiB; keep a margin for the envelope. */
export const MAX_RESPONSE_BYTES = 60 * 1024

/** Shrinks tables until `build(messages)` serialises under {@link MAX_RESPONSE_BYTES}. */
export function fitResponse<T>(messages: Message[], build: (messages: Message[]) => T): T {
  let maxRows = 200
  let out = build(messages)
  while (Buffer.byteLength(JSON.stringify(out)) > MAX_RESPONSE_BYTES && maxRows > 1) {
    maxRows = Math.floor(maxRows / 2)
    const cut = maxRows
    const shrunk = messages.map((m): Message => {
      if (m.type !== 'table' || m.rows.length <= cut) return m
      return {
        ...m,
        rows: [
          ...m.rows.slice(0, cut),
          [`… ${m.rows.length - cut} more rows`, ...m.columns.slice(1).map(() => '')],
        ],
      }
    })
    out = build(shrunk)
  }
  return out
}

/**
 * The late answer of a session's turn, for the webhook call a follow-up event makes: the core
 * answers every turn by its deadline and sends a late answer through its listeners, so this
 * listener claims it for a call that is waiting (no waiter: the core keeps it in the session's
 * outbox for the next turn).
 */
export class LateArrivals {
  readonly #bot: Bot
  readonly #waiting = new Map<string, (messages: Message[]) => void>()
  #subscribed = false

  constructor(bot: Bot) {
    this.#bot = bot
  }

  /** What arrived for the session: queued already, or arriving within `ms`. */
  async collect(sessionId: string, ms: number): Promise<Message[]> {
    // Subscribed on first use: until a follow-up event waits, late answers simply stay queued.
    if (!this.#subscribed) {
      this.#subscribed = true
      this.#bot.subscribe((n) => {
        const waiter = this.#waiting.get(n.sessionId)
        if (!waiter) return false
        this.#waiting.delete(n.sessionId)
        waiter(n.messages)
        return true
      })
    }
    const queued = await this.#bot.drainPending(sessionId)
    if (queued.length > 0) return queued
    let timer: NodeJS.Timeout | undefined
    const arrived = await new Promise<Message[] | undefined>((resolve) => {
      this.#waiting.set(sessionId, resolve)
      timer = setTimeout(() => resolve(undefined), Math.max(0, ms))
    })
    clearTimeout(timer)
    this.#waiting.delete(sessionId)
    // Something may have reached the outbox between the first look and the wait.
    return arrived ?? (await this.#bot.drainPending(sessionId))
  }
}

/** The text sent when a turn misses the deadline and no follow-up event can buy more time. */
export const STILL_WORKING =
  'Anaplan is taking a moment. I am still working on it: ask me "any news?" shortly.'

/**
 * Runs the turn; the core answers by the turn's deadline. When it is still working the result
 * says so (`late: true`) in this channel's words, since a Dialogflow user has to ask again: the
 * real answer waits in the core's outbox for the session's next turn (or a follow-up event).
 */
export async function processWithin(bot: Bot, turn: Turn): Promise<{ reply: BotReply; late: boolean }> {
  const reply = await bot.process(turn)
  if (!reply.stillWorking) return { reply, late: false }
  return { late: true, reply: { ...reply, messages: [{ type: 'text', text: STILL_WORKING }] } }
}
