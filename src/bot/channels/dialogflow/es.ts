/**
 * Dialogflow ES fulfillment webhook: parses the real `WebhookRequest`, maps the matched intent and
 * its parameters onto the catalog (`turn.recognized`), and answers a `WebhookResponse` with text,
 * Dialogflow Messenger rich content, quick replies and an output context carrying bot state, within
 * the 5 s deadline and under 64 KiB.
 */
import { Hono } from 'hono'
import * as z from 'zod/mini'
import type { Logger } from '../../../shared/logger.ts'
import { silentLogger } from '../../../shared/logger.ts'
import type { Bot, Identity, Message, Turn } from '../../core/types.ts'
import { CATALOG_INTENTS } from '../catalog.ts'
import { type ChoiceOption, lastChoices, matchChoice } from '../choices.ts'
import {
  BadRequestError,
  DEFAULT_BODY_LIMIT_BYTES,
  jsonError,
  limitBody,
  notFound,
  readJson,
} from '../http.ts'
import { renderMessages } from '../render-text.ts'
import {
  agentIdentity,
  botSessionId,
  catalogIntent,
  cleanParameters,
  describeIssues,
  fitResponse,
  isAuthorized,
  LateArrivals,
  processWithin,
  richContent,
  STILL_WORKING,
  userFromSession,
  type WebhookAuth,
} from './common.ts'

export interface DialogflowEsOptions {
  /** Caller authentication configured on the agent's fulfillment. @default none */
  auth?: WebhookAuth
  /** Dialogflow's webhook timeout; the bot answers a safety margin before it. @default 5000 */
  timeoutMs?: number
  /** Absolute base for download links (`https://bot.example.com`); relative links are useless in chat apps. */
  publicUrl?: string
  /**
   * When the core misses the deadline, answer with `followupEventInput` (`ANAPLAN_TASK_UPDATE`, which
   * the exported agent's `task_status` intent handles) so Dialogflow calls back and the answer gets
   * up to two more deadlines; otherwise say "still working" and deliver it on the next turn. Off by
   * default: an agent that lacks an intent for the event would fail the turn instead.
   * @default false
   */
  followupEvents?: boolean
  /** Lifespan (turns) of the `anaplan-bot` output context. @default 50 */
  contextLifespan?: number
  logger?: Logger
  now?: () => number
  bodyLimitBytes?: number
}

/** Name of the output context that carries the bot's state between turns. */
export const ES_STATE_CONTEXT = 'anaplan-bot'
/** Event the agent's `task_status` intent listens for, so a client can poll for follow-ups. */
export const ES_FOLLOWUP_EVENT = 'ANAPLAN_TASK_UPDATE'
/** Follow-up events chained for one answer (each buys one more webhook deadline). */
const MAX_FOLLOWUP_EVENTS = 2

// zod/mini: the same library and checks as `zod`, but tree-shakable, so this webhook's bundle
// carries ~30 KB of it instead of ~600 KB (30–40 ms of a cold start to load). See docs/deploy.md.
const contextSchema = z.looseObject({
  name: z.string(),
  lifespanCount: z.optional(z.number()),
  parameters: z.optional(z.record(z.string(), z.unknown())),
})

const requestSchema = z.looseObject({
  responseId: z.optional(z.string()),
  session: z.string().check(z.minLength(1)),
  queryResult: z.looseObject({
    queryText: z.optional(z.string()),
    parameters: z.optional(z.record(z.string(), z.unknown())),
    intent: z.optional(z.looseObject({ displayName: z.optional(z.string()), name: z.optional(z.string()) })),
    intentDetectionConfidence: z.optional(z.number()),
    outputContexts: z.optional(z.array(contextSchema)),
    languageCode: z.optional(z.string()),
  }),
  originalDetectIntentRequest: z.optional(
    z.looseObject({
      source: z.optional(z.string()),
      payload: z.optional(z.record(z.string(), z.unknown())),
    }),
  ),
})

export type EsWebhookRequest = z.infer<typeof requestSchema>

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

/**
 * The identity of an ES request: the agent (see {@link agentIdentity}), with the end user the
 * integration names (Actions on Google, Slack, Messenger, Telegram, a custom `payload.userId`, the
 * session's `users/<U>`) as its display name.
 */
export function esIdentity(req: EsWebhookRequest): Identity {
  const payload = req.originalDetectIntentRequest?.payload
  const source = req.originalDetectIntentRequest?.source
  const claimed =
    str(get(payload, 'userId')) ??
    str(get(payload, 'user', 'userId')) ??
    str(get(payload, 'user', 'id')) ??
    str(get(payload, 'data', 'event', 'user')) ??
    str(get(payload, 'data', 'user')) ??
    str(get(payload, 'data', 'sender', 'id')) ??
    str(get(payload, 'data', 'from', 'id')) ??
    userFromSession(req.session)
  const teamId = str(get(payload, 'data', 'event', 'team')) ?? str(get(payload, 'data', 'team_id'))
  const shown = claimed && source && source !== 'DIALOGFLOW_CONSOLE' ? `${source}:${claimed}` : claimed
  return agentIdentity('dialogflow-es', req.session, shown?.slice(0, 128), teamId)
}

/** Translates an ES request into a bot turn (without deadline). */
export function esTurn(req: EsWebhookRequest): Turn {
  const sessionId = botSessionId('es', req.session)
  const identity = esIdentity(req)
  const q = req.queryResult
  const text = q.queryText?.trim() ?? ''
  const state = q.outputContexts?.find((c) => c.name.endsWith(`/contexts/${ES_STATE_CONTEXT}`))
  const choices = (state?.parameters?.choices ?? []) as ChoiceOption[]
  const choice = Array.isArray(choices) && text ? matchChoice(text, choices) : undefined
  if (choice !== undefined) return { sessionId, identity, text, choice }
  const intent = catalogIntent(q.intent?.displayName, CATALOG_INTENTS)
  const turn: Turn = { sessionId, identity }
  if (text) turn.text = text
  if (intent) {
    turn.recognized = {
      intent,
      parameters: cleanParameters(q.parameters),
      confidence: q.intentDetectionConfidence ?? 1,
    }
  }
  return turn
}

function textOnly(messages: Message[], fileUrl: (u: string) => string): string[] {
  return messages
    .filter((m) => m.type !== 'choices')
    .map((m) => renderMessages([m], { fileUrl, maxRows: 30 }))
}

/** Builds the ES `WebhookResponse` for a reply. */
export function esResponse(
  req: EsWebhookRequest,
  reply: { intent: { name: string }; parameters: Record<string, unknown>; messages: Message[] },
  options: { publicUrl?: string; contextLifespan?: number; sessionId: string },
): Record<string, unknown> {
  const fileUrl = (u: string) => (options.publicUrl && u.startsWith('/') ? `${options.publicUrl}${u}` : u)
  return fitResponse(reply.messages, (messages) => {
    const texts = textOnly(messages, fileUrl)
    const choices = messages.flatMap((m) => (m.type === 'choices' ? [m] : []))
    const fulfillmentMessages: unknown[] = texts.map((t) => ({ text: { text: [t] } }))
    for (const c of choices) {
      fulfillmentMessages.push({
        quickReplies: {
          title: c.prompt ?? 'Choose one',
          quickReplies: c.options.map((o) => o.label.slice(0, 20)),
        },
      })
    }
    const rich = richContent(messages, fileUrl)
    if (rich.length > 0) fulfillmentMessages.push({ payload: { richContent: rich } })
    const prompts = choices.map((c) => renderMessages([c], {}))
    return {
      fulfillmentText: [...texts, ...prompts].join('\n\n'),
      fulfillmentMessages,
      outputContexts: [
        {
          name: `${req.session}/contexts/${ES_STATE_CONTEXT}`,
          lifespanCount: options.contextLifespan ?? 50,
          parameters: {
            sessionId: options.sessionId,
            lastIntent: reply.intent.name,
            choices: lastChoices(messages),
          },
        },
      ],
      source: 'anaplan-bot',
    }
  })
}

/**
 * The ES webhook as a Hono app answering `POST` on any path (mount it at `/dialogflow/es` or deploy
 * it as a function).
 */
export function dialogflowEsApp(bot: Bot, options: DialogflowEsOptions = {}): Hono {
  const logger = options.logger ?? silentLogger
  const now = options.now ?? Date.now
  const late = new LateArrivals(bot)
  const chains = new Map<string, number>()
  const useEvents = options.followupEvents ?? false
  // Dialogflow counts its timeout from when it sends; leave room for the network both ways.
  const budget = Math.max(500, (options.timeoutMs ?? 5000) - 800)
  const app = new Hono()
  app.onError((err, c) => {
    if (err instanceof BadRequestError) return jsonError(c, 400, 'bad_request', err.message)
    logger.error({ err }, 'dialogflow es webhook failed')
    return jsonError(c, 500, 'internal', 'The webhook hit an internal error.')
  })
  app.notFound(notFound)
  app.post('*', limitBody(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES), async (c) => {
    const started = now()
    if (!isAuthorized(c.req.raw, options.auth)) {
      return jsonError(c, 401, 'unauthorized', 'Webhook caller authentication failed.')
    }
    const parsed = requestSchema.safeParse(await readJson(await c.req.text()))
    if (!parsed.success) {
      const detail = describeIssues(parsed.error.issues)
      return jsonError(c, 400, 'invalid_request', `Not a Dialogflow ES WebhookRequest: ${detail}`)
    }
    const req = parsed.data
    const turn = esTurn(req)
    const sessionId = turn.sessionId
    turn.deadline = started + budget
    const respond = (intent: string, messages: Message[]) => {
      logger.info({ session: sessionId, intent }, 'dialogflow es turn')
      return c.json(
        esResponse(
          req,
          { intent: { name: intent }, parameters: {}, messages },
          {
            sessionId,
            ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
            ...(options.contextLifespan ? { contextLifespan: options.contextLifespan } : {}),
          },
        ),
      )
    }
    // Dialogflow runs the event at once and calls back: another full deadline for the same answer.
    const buyTime = () => {
      const n = (chains.get(sessionId) ?? 0) + 1
      if (!useEvents || n > MAX_FOLLOWUP_EVENTS) {
        chains.delete(sessionId)
        return undefined
      }
      chains.set(sessionId, n)
      logger.info({ session: sessionId, chained: n }, 'dialogflow es: follow-up event to wait longer')
      return c.json({
        followupEventInput: {
          name: ES_FOLLOWUP_EVENT,
          languageCode: req.queryResult.languageCode ?? 'en',
          parameters: { wait: n },
        },
      })
    }

    const isEvent = !turn.choice && (!turn.text || turn.text === ES_FOLLOWUP_EVENT)
    if (isEvent && chains.has(sessionId)) {
      // A follow-up event we asked for: wait (one more deadline) for the late answer.
      const news = await late.collect(sessionId, turn.deadline - now())
      if (news.length === 0) {
        return buyTime() ?? respond('task_status', [{ type: 'text', text: STILL_WORKING }])
      }
      chains.delete(sessionId)
      return respond('task_status', news)
    }
    if (!turn.text && !turn.choice && !turn.recognized) {
      // An event with no text and no catalog intent only collects what arrived in the meantime.
      const news = await bot.drainPending(sessionId)
      return respond('task_status', news.length > 0 ? news : [{ type: 'text', text: 'Nothing new yet.' }])
    }
    const result = await processWithin(bot, turn)
    if (result.late) {
      const chained = buyTime()
      if (chained) return chained
    }
    // The core puts its queued follow-ups (late answers included) first in the reply.
    return respond(result.reply.intent.name, result.reply.messages)
  })
  return app
}
