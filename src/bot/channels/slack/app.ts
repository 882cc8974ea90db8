/**
 * Slack channel on `@slack/bolt`: a Bolt `App` whose receiver is a Hono handler, so the same code
 * serves HTTP mode (server, Cloud Function) with `processBeforeResponse` semantics, and a Socket
 * Mode app for local use without a public URL.
 *
 * Order of work on an HTTP request: size limit → signature and replay check → parse → Bolt. The
 * reply to a slash command goes back in the HTTP response; replies to messages, mentions and
 * button clicks, and follow-ups for long tasks, are posted with `chat.postMessage`.
 */
import {
  type AckFn,
  App,
  type App as BoltApp,
  LogLevel,
  type Receiver,
  type ReceiverEvent,
} from '@slack/bolt'
import { Hono } from 'hono'
import * as z from 'zod/mini'
import type { Logger } from '../../../shared/logger.ts'
import { silentLogger } from '../../../shared/logger.ts'
import type { Bot, Identity, Message, Turn } from '../../core/types.ts'
import { claimFollowUp } from '../follow-ups.ts'
import { BadRequestError, DEFAULT_BODY_LIMIT_BYTES, jsonError, limitBody, notFound } from '../http.ts'
import { CHOICE_ACTION_PREFIX, toSlackMessage } from './blocks.ts'
import { deliveryId, ReplayWindow } from './replay.ts'
import { verifySlackRequest } from './verify.ts'

export interface SlackChannelOptions {
  /** The app's signing secret (verifies every HTTP request). */
  signingSecret: string
  /** Bot token (`xoxb-…`) for `chat.postMessage`. */
  botToken: string
  /** Web API base URL; tests point it at a fake Slack API on loopback. @default 'https://slack.com/api/' */
  apiUrl?: string
  /** Skip `auth.test` by giving the bot's own ids (used to ignore the bot's own messages). */
  botUserId?: string
  botId?: string
  /** Slash command handled by the app. @default '/anaplan' */
  command?: string
  /** Absolute base for download links (`https://bot.example.com`). */
  publicUrl?: string
  /** Time the core gets before Slack's 3 s ack deadline. @default 2300 */
  replyBudgetMs?: number
  logger?: Logger
  /** Injectable clock for the replay window and deadlines. @default Date.now */
  now?: () => number
  bodyLimitBytes?: number
}

/** Bot session for a Slack conversation: one per team, channel and user. */
export function slackSessionId(teamId: string, channelId: string, userId: string): string {
  return `slack:${teamId}:${channelId}:${userId}`.replace(/[^A-Za-z0-9._:@-]/g, '_').slice(0, 128)
}

/** Channel id of a Slack session id, for posting follow-ups. */
export function channelOfSession(sessionId: string): string | undefined {
  const parts = sessionId.split(':')
  return parts[0] === 'slack' && parts.length === 4 ? parts[2] : undefined
}

function slackIdentity(userId: string, teamId: string | undefined): Identity {
  return { channel: 'slack', userId, ...(teamId ? { teamId } : {}) }
}

/** Removes the leading `<@U123>` mention of the bot from an `app_mention` text. */
export function stripMention(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '').trim()
}

interface Deps {
  bot: Bot
  now: () => number
  budget: number
  command: string
  logger: Logger
  fileUrl: (url: string) => string
}

type Say = (args: {
  channel: string
  thread_ts?: string
  text: string
  blocks: unknown[]
}) => Promise<unknown>

/** Registers the bot's listeners on a Bolt app (HTTP or Socket Mode). */
function registerListeners(app: BoltApp, deps: Deps): void {
  const { bot, now, budget, logger } = deps

  const SORRY: Message[] = [
    { type: 'text', text: 'Sorry, something went wrong on my side. Please try again.' },
  ]

  /**
   * Runs a turn within Slack's 3 s. The core answers by the turn's deadline: the reply is posted
   * with `onTime` when it is ready; when the core says it is still working, `onLate` acknowledges
   * now and the core hands the real answer to `later` (or `onTime`) when it comes, so Slack never
   * times out (and retries) while Anaplan is slow.
   */
  async function runTurn(
    turn: Turn,
    onTime: (messages: Message[]) => Promise<unknown>,
    late: { onLate?: () => Promise<unknown>; later?: (messages: Message[]) => Promise<unknown> } = {},
  ): Promise<void> {
    const deliver = async (post: (m: Message[]) => Promise<unknown>, messages: Message[]) => {
      try {
        await post(messages)
        return true
      } catch (err) {
        logger.error({ err, session: turn.sessionId }, 'slack reply could not be posted')
        return false
      }
    }
    const reply = await bot
      .process({ ...turn, deliverLate: (messages) => deliver(late.later ?? onTime, messages) })
      .catch((err: unknown) => {
        logger.error({ err, session: turn.sessionId }, 'slack turn failed')
        return { messages: SORRY, stillWorking: undefined }
      })
    if (!reply.stillWorking) {
      await deliver(onTime, reply.messages)
      return
    }
    logger.info({ session: turn.sessionId }, 'slack turn past its deadline: answering later')
    if (late.onLate) await deliver(late.onLate, [])
  }

  const poster =
    (say: Say, channel: string, threadTs?: string) =>
    async (messages: Message[]): Promise<void> => {
      const { text, blocks } = toSlackMessage(messages, { fileUrl: deps.fileUrl })
      await say({ channel, text, blocks, ...(threadTs ? { thread_ts: threadTs } : {}) })
    }

  app.event('app_mention', async ({ event, client, body }) => {
    const teamId = (body as { team_id?: string }).team_id ?? event.team
    const user = event.user ?? 'unknown'
    const turn: Turn = {
      sessionId: slackSessionId(teamId ?? 'T', event.channel, user),
      identity: slackIdentity(user, teamId),
      text: stripMention(typeof event.text === 'string' ? event.text : ''),
      deadline: now() + budget,
    }
    if (!turn.text) turn.text = 'help'
    await runTurn(
      turn,
      poster((a) => client.chat.postMessage(a), event.channel, event.thread_ts),
    )
  })

  app.message(async ({ message, client, body }) => {
    const m = message as {
      channel_type?: string
      subtype?: string
      bot_id?: string
      user?: string
      text?: string
      channel: string
      team?: string
      thread_ts?: string
    }
    // Only direct messages from people: channel messages arrive as app_mention instead.
    if (m.channel_type !== 'im' || m.subtype || m.bot_id || !m.user || !m.text) return
    const teamId = (body as { team_id?: string }).team_id ?? m.team
    const turn: Turn = {
      sessionId: slackSessionId(teamId ?? 'T', m.channel, m.user),
      identity: slackIdentity(m.user, teamId),
      text: m.text.trim(),
      deadline: now() + budget,
    }
    await runTurn(
      turn,
      poster((a) => client.chat.postMessage(a), m.channel, m.thread_ts),
    )
  })

  app.command(deps.command, async ({ command, ack, respond }) => {
    const text = (command.text ?? '').trim() || 'help'
    const turn: Turn = {
      sessionId: slackSessionId(command.team_id, command.channel_id, command.user_id),
      identity: slackIdentity(command.user_id, command.team_id),
      text,
      deadline: now() + budget,
    }
    const render = (messages: Message[]) => ({
      response_type: 'ephemeral' as const,
      ...toSlackMessage(messages, { fileUrl: deps.fileUrl }),
    })
    // On time, the answer rides in the acknowledgement itself: one round trip, no extra scope.
    // Late, the acknowledgement says so and the answer goes to the command's response_url.
    await runTurn(turn, (messages) => ack(render(messages)), {
      onLate: () =>
        ack({
          response_type: 'ephemeral',
          text: `Working on "${text.slice(0, 100)}"… Anaplan is taking a moment.`,
        }),
      later: (messages) => respond({ ...render(messages), replace_original: false }),
    })
  })

  app.action(new RegExp(`^${CHOICE_ACTION_PREFIX}`), async ({ action, ack, body, client, respond }) => {
    await ack()
    const a = action as {
      value?: string
      text?: { text?: string }
      selected_option?: { value: string; text?: { text?: string } }
    }
    const choice = a.value ?? a.selected_option?.value
    const b = body as {
      user: { id: string; team_id?: string }
      team?: { id: string } | null
      channel?: { id: string }
      container?: { channel_id?: string; message_ts?: string; is_ephemeral?: boolean }
      message?: { text?: string; blocks?: { type: string }[] }
    }
    const channel = b.channel?.id ?? b.container?.channel_id
    if (!choice || !channel) return
    // The answered message keeps its words and loses its buttons, so it cannot be answered twice.
    const label = a.text?.text ?? a.selected_option?.text?.text ?? choice
    const retired = {
      text: b.message?.text ?? label,
      blocks: [
        ...(b.message?.blocks ?? []).filter((x) => x.type !== 'actions'),
        { type: 'context', elements: [{ type: 'plain_text', text: `Answered: ${label}`.slice(0, 150) }] },
      ],
    }
    const ts = b.container?.message_ts
    const retire = async () => {
      if (ts && !b.container?.is_ephemeral) await client.chat.update({ channel, ts, ...retired })
      else if (typeof respond === 'function') await respond({ ...retired, replace_original: true })
    }
    void retire().catch((err: unknown) =>
      logger.warn({ err }, 'slack: could not retire the answered buttons'),
    )
    const teamId = b.team?.id ?? b.user.team_id
    const turn: Turn = {
      sessionId: slackSessionId(teamId ?? 'T', channel, b.user.id),
      identity: slackIdentity(b.user.id, teamId),
      choice,
      deadline: now() + budget,
    }
    await runTurn(
      turn,
      poster((x) => client.chat.postMessage(x), channel),
    )
  })
}

/** A Bolt receiver that Hono drives: Bolt never opens a socket of its own. */
class HonoReceiver implements Receiver {
  app: BoltApp | undefined
  init(app: BoltApp): void {
    this.app = app
  }
  start(): Promise<void> {
    return Promise.resolve()
  }
  stop(): Promise<void> {
    return Promise.resolve()
  }
}

function parseSlackBody(rawBody: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(rawBody))
    if (typeof form.payload === 'string') {
      try {
        return JSON.parse(form.payload) as Record<string, unknown>
      } catch {
        throw new BadRequestError('The "payload" form field is not valid JSON.')
      }
    }
    return form
  }
  try {
    const parsed = JSON.parse(rawBody) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // fall through
  }
  throw new BadRequestError('Request body is not valid JSON.')
}

// zod/mini (only success is read here): tree-shakable, so the bundled functions carry a small
// part of zod rather than all of it.
const text = z.string()
const idObject = z.looseObject({ id: z.string() })

/** What Bolt and our listeners read of each payload, so a malformed one is a 400, not a crash. */
const eventEnvelope = z.looseObject({
  type: z.literal('event_callback'),
  team_id: z.optional(z.string()),
  event_id: z.optional(z.string()),
  enterprise_id: z.optional(z.nullable(z.string())),
  is_enterprise_install: z.optional(z.boolean()),
  authorizations: z.optional(z.array(z.looseObject({}))),
  event: z.looseObject({
    type: z.string(),
    channel: z.optional(z.union([text, idObject])),
    channel_id: z.optional(text),
    item: z.optional(z.looseObject({})),
    user: z.optional(text),
    text: z.optional(text),
    team: z.optional(text),
    thread_ts: z.optional(text),
  }),
})
const commandBody = z.looseObject({
  command: text,
  text: text,
  user_id: text,
  channel_id: text,
  team_id: text,
  enterprise_id: z.optional(text),
})
const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: text, team_id: z.optional(z.nullable(text)) }),
  team: z.optional(z.nullable(idObject)),
  channel: z.optional(idObject),
  container: z.optional(z.looseObject({ channel_id: z.optional(text) })),
  actions: z.array(
    z.looseObject({
      action_id: text,
      value: z.optional(text),
      selected_option: z.optional(z.looseObject({ value: text })),
    }),
  ),
})

function slackPayloadKind(
  body: Record<string, unknown>,
): 'event' | 'command' | 'action' | 'ignored' | 'invalid' {
  if (body.type === 'event_callback') return eventEnvelope.safeParse(body).success ? 'event' : 'invalid'
  if (body.command !== undefined) return commandBody.safeParse(body).success ? 'command' : 'invalid'
  if (body.type === 'block_actions') return blockActions.safeParse(body).success ? 'action' : 'invalid'
  return typeof body.type === 'string' ? 'ignored' : 'invalid'
}

function subscribeFollowUps(
  bot: Bot,
  post: (channel: string, messages: Message[]) => Promise<unknown>,
  logger: Logger,
) {
  return bot.subscribe(async (n) => {
    if (n.identity.channel !== 'slack') return false
    const channel = channelOfSession(n.sessionId)
    if (!channel) return false
    try {
      await post(channel, await claimFollowUp(bot, n))
      return true
    } catch (err) {
      // Not delivered: the core keeps it for the user's next message.
      logger.error({ err, session: n.sessionId }, 'slack follow-up failed')
      return false
    }
  })
}

function boltLogger(logger: Logger) {
  return {
    debug: (...m: unknown[]) => logger.debug({ slack: m }, 'bolt'),
    info: (...m: unknown[]) => logger.debug({ slack: m }, 'bolt'),
    warn: (...m: unknown[]) => logger.warn({ slack: m }, 'bolt'),
    error: (...m: unknown[]) => logger.error({ slack: m }, 'bolt'),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  }
}

/**
 * The Slack endpoint (`POST /slack/events`) as a Hono app answering on any path: url_verification,
 * Events API (`app_mention`, `message.im`), the slash command and `block_actions`.
 */
export function slackApp(bot: Bot, options: SlackChannelOptions): Hono {
  const logger = options.logger ?? silentLogger
  const now = options.now ?? Date.now
  const receiver = new HonoReceiver()
  const app = new App({
    token: options.botToken,
    receiver,
    processBeforeResponse: true,
    logger: boltLogger(logger),
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
    ...(options.botId ? { botId: options.botId } : {}),
    clientOptions: options.apiUrl ? { slackApiUrl: options.apiUrl } : {},
  })
  const fileUrl = (u: string) => (options.publicUrl && u.startsWith('/') ? `${options.publicUrl}${u}` : u)
  // Marks that Bolt got past reading the envelope (see the 400 for payloads it cannot read).
  app.use(async ({ context, next }) => {
    const mark = context.onListener
    if (typeof mark === 'function') mark()
    await next()
  })
  registerListeners(app, {
    bot,
    now,
    budget: options.replyBudgetMs ?? 2300,
    command: options.command ?? '/anaplan',
    logger,
    fileUrl,
  })
  subscribeFollowUps(
    bot,
    (channel, messages) => app.client.chat.postMessage({ channel, ...toSlackMessage(messages, { fileUrl }) }),
    logger,
  )

  // Slack retries an event it thinks we missed, and a signed request can be replayed inside the
  // window: a delivery already handled is acknowledged and not run again.
  const deliveries = new ReplayWindow()

  const hono = new Hono()
  hono.onError((err, c) => {
    if (err instanceof BadRequestError) return jsonError(c, 400, 'bad_request', err.message)
    logger.error({ err }, 'slack request failed')
    return jsonError(c, 500, 'internal', 'The Slack endpoint hit an internal error.')
  })
  hono.notFound(notFound)
  hono.post('*', limitBody(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES), async (c) => {
    const rawBody = await c.req.text()
    const check = verifySlackRequest({
      signingSecret: options.signingSecret,
      timestamp: c.req.header('x-slack-request-timestamp'),
      signature: c.req.header('x-slack-signature'),
      rawBody,
      now: now(),
    })
    if (!check.ok) {
      logger.warn({ reason: check.reason }, 'slack request rejected')
      return jsonError(c, 401, check.reason, 'Slack request signature verification failed.')
    }
    const body = parseSlackBody(rawBody, c.req.header('content-type') ?? '')
    if (body.type === 'url_verification') return c.json({ challenge: body.challenge })
    if (body.ssl_check) return c.body(null, 200)

    const kind = slackPayloadKind(body)
    if (kind === 'invalid') {
      return jsonError(c, 400, 'invalid_request', 'Not a Slack event, slash command or block action payload.')
    }
    // Payloads the bot has no listener for (rate-limit notices, other interactions) are acknowledged.
    if (kind === 'ignored') return c.body(null, 200)

    const delivery = deliveryId(body)
    if (delivery && deliveries.seenBefore(delivery, now())) {
      logger.info({ delivery: delivery.split(':')[0] }, 'slack delivery seen before: not run again')
      return c.body(null, 200)
    }

    let ackBody: unknown
    let acked = false
    const ack: AckFn<unknown> = async (response?: unknown) => {
      if (acked) return
      acked = true
      ackBody = response
    }
    const retryNum = c.req.header('x-slack-retry-num')
    const retryReason = c.req.header('x-slack-retry-reason')
    let listenerStarted = false
    const event: ReceiverEvent = {
      body,
      ack,
      customProperties: { onListener: () => (listenerStarted = true) },
      ...(retryNum ? { retryNum: Number(retryNum) } : {}),
      ...(retryReason ? { retryReason } : {}),
    }
    try {
      await app.processEvent(event)
    } catch (err) {
      // Bolt reads the envelope before any listener runs; a shape it cannot read is the sender's fault.
      if (!listenerStarted) {
        logger.warn({ err }, 'slack payload rejected by bolt')
        return jsonError(c, 400, 'invalid_request', 'The Slack payload could not be processed.')
      }
      throw err
    }
    if (ackBody === undefined || ackBody === '') return c.body(null, 200)
    if (typeof ackBody === 'string') return c.text(ackBody, 200)
    return c.json(ackBody as Record<string, unknown>, 200)
  })
  return hono
}

export interface SlackSocketModeOptions {
  botToken: string
  /** App-level token (`xapp-…`) with `connections:write`. */
  appToken: string
  command?: string
  publicUrl?: string
  logger?: Logger
  now?: () => number
}

/**
 * Connects the bot to Slack over Socket Mode (no public URL needed; for local use).
 * Returns a function that disconnects.
 */
export async function startSlackSocketMode(
  bot: Bot,
  options: SlackSocketModeOptions,
): Promise<() => Promise<void>> {
  const logger = options.logger ?? silentLogger
  const app = new App({
    token: options.botToken,
    appToken: options.appToken,
    socketMode: true,
    logger: boltLogger(logger),
  })
  const fileUrl = (u: string) => (options.publicUrl && u.startsWith('/') ? `${options.publicUrl}${u}` : u)
  registerListeners(app, {
    bot,
    now: options.now ?? Date.now,
    // Socket Mode acks over the socket with the same 3 s rule.
    budget: 2300,
    command: options.command ?? '/anaplan',
    logger,
    fileUrl,
  })
  const unsubscribe = subscribeFollowUps(
    bot,
    (channel, messages) => app.client.chat.postMessage({ channel, ...toSlackMessage(messages, { fileUrl }) }),
    logger,
  )
  await app.start()
  logger.info('slack socket mode connected')
  return async () => {
    unsubscribe()
    await app.stop()
  }
}
