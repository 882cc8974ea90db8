/**
 * Dialogflow CX webhook: routes on `fulfillmentInfo.tag` (or the matched intent), reads parameters
 * from `intentInfo` and `sessionInfo.parameters`, and answers `fulfillmentResponse.messages` plus
 * `sessionInfo.parameters` that carry the bot's state, within the agent's configured timeout.
 */
import { Hono } from 'hono'
import * as z from 'zod/mini'
import type { Logger } from '../../../shared/logger.ts'
import { silentLogger } from '../../../shared/logger.ts'
import type { Bot, Identity, Message, Turn } from '../../core/types.ts'
import { CATALOG_INTENTS, CATALOG_PARAMETERS } from '../catalog.ts'
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
  processWithin,
  richContent,
  type WebhookAuth,
} from './common.ts'

export interface DialogflowCxOptions {
  /** Caller authentication (CX `requestHeaders`, or basic auth). @default none */
  auth?: WebhookAuth
  /** The webhook timeout configured on the agent (CX allows up to 30 s). @default 5000 */
  timeoutMs?: number
  /** Absolute base for download links. */
  publicUrl?: string
  logger?: Logger
  now?: () => number
  bodyLimitBytes?: number
}

/** Session parameters the bot owns; everything else in `sessionInfo.parameters` is the agent's. */
export const CX_STATE_PARAMETERS = ['anaplan_session', 'anaplan_last_intent', 'anaplan_choices'] as const

// zod/mini, as in es.ts: tree-shakable, a fraction of `zod`'s load time on a cold start.
const requestSchema = z.looseObject({
  detectIntentResponseId: z.optional(z.string()),
  text: z.optional(z.string()),
  transcript: z.optional(z.string()),
  triggerIntent: z.optional(z.string()),
  triggerEvent: z.optional(z.string()),
  languageCode: z.optional(z.string()),
  fulfillmentInfo: z.optional(z.looseObject({ tag: z.optional(z.string()) })),
  intentInfo: z.optional(
    z.looseObject({
      lastMatchedIntent: z.optional(z.string()),
      displayName: z.optional(z.string()),
      parameters: z.optional(
        z.record(
          z.string(),
          z.looseObject({ originalValue: z.optional(z.unknown()), resolvedValue: z.optional(z.unknown()) }),
        ),
      ),
      confidence: z.optional(z.number()),
    }),
  ),
  pageInfo: z.optional(
    z.looseObject({ currentPage: z.optional(z.string()), displayName: z.optional(z.string()) }),
  ),
  sessionInfo: z.looseObject({
    session: z.string().check(z.minLength(1)),
    parameters: z.optional(z.record(z.string(), z.unknown())),
  }),
  payload: z.optional(z.record(z.string(), z.unknown())),
})

export type CxWebhookRequest = z.infer<typeof requestSchema>

/** The identity of a CX request: the agent, with the integration's `payload.userId` as display name. */
export function cxIdentity(req: CxWebhookRequest): Identity {
  const claimed = req.payload?.userId
  return agentIdentity(
    'dialogflow-cx',
    req.sessionInfo.session,
    typeof claimed === 'string' && claimed ? claimed.slice(0, 128) : undefined,
  )
}

/** Translates a CX request into a bot turn (without deadline). */
export function cxTurn(req: CxWebhookRequest): Turn {
  const sessionId = botSessionId('cx', req.sessionInfo.session)
  const identity = cxIdentity(req)
  const text = (req.text ?? req.transcript ?? '').trim()
  const session = req.sessionInfo.parameters ?? {}
  const choices = session.anaplan_choices
  const choice = Array.isArray(choices) && text ? matchChoice(text, choices as ChoiceOption[]) : undefined
  if (choice !== undefined) return { sessionId, identity, text, choice }
  const intent =
    catalogIntent(req.fulfillmentInfo?.tag, CATALOG_INTENTS) ??
    catalogIntent(req.intentInfo?.displayName, CATALOG_INTENTS)
  const turn: Turn = { sessionId, identity }
  if (text) turn.text = text
  if (intent) {
    // Form parameters collected on earlier pages live in the session; the intent's own win.
    const fromSession: Record<string, unknown> = {}
    for (const name of CATALOG_PARAMETERS[intent] ?? []) {
      if (name in session) fromSession[name] = session[name]
    }
    const fromIntent: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(req.intentInfo?.parameters ?? {})) {
      fromIntent[k] = v.resolvedValue ?? v.originalValue
    }
    turn.recognized = {
      intent,
      parameters: cleanParameters({ ...fromSession, ...fromIntent }),
      confidence: req.intentInfo?.confidence ?? 1,
    }
  }
  return turn
}

/** Builds the CX `WebhookResponse` for a reply. */
export function cxResponse(
  reply: { intent: { name: string }; messages: Message[] },
  options: { publicUrl?: string; sessionId: string },
): Record<string, unknown> {
  const fileUrl = (u: string) => (options.publicUrl && u.startsWith('/') ? `${options.publicUrl}${u}` : u)
  return fitResponse(reply.messages, (messages) => {
    const out: unknown[] = messages.map((m) => ({
      text: { text: [renderMessages([m], { fileUrl, maxRows: 30 })] },
    }))
    const rich = richContent(messages, fileUrl)
    if (rich.length > 0) out.push({ payload: { richContent: rich } })
    return {
      fulfillmentResponse: { messages: out, mergeBehavior: 'REPLACE' },
      sessionInfo: {
        parameters: {
          anaplan_session: options.sessionId,
          anaplan_last_intent: reply.intent.name,
          // null deletes the parameter when there is nothing to choose.
          anaplan_choices: lastChoices(messages).length > 0 ? lastChoices(messages) : null,
        },
      },
    }
  })
}

/** The CX webhook as a Hono app answering `POST` on any path. */
export function dialogflowCxApp(bot: Bot, options: DialogflowCxOptions = {}): Hono {
  const logger = options.logger ?? silentLogger
  const now = options.now ?? Date.now
  const timeoutMs = Math.min(30_000, Math.max(1000, options.timeoutMs ?? 5000))
  const budget = timeoutMs - 800
  const app = new Hono()
  app.onError((err, c) => {
    if (err instanceof BadRequestError) return jsonError(c, 400, 'bad_request', err.message)
    logger.error({ err }, 'dialogflow cx webhook failed')
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
      return jsonError(c, 400, 'invalid_request', `Not a Dialogflow CX WebhookRequest: ${detail}`)
    }
    const turn = cxTurn(parsed.data)
    turn.deadline = started + budget
    const nothingToProcess = !turn.text && !turn.choice && !turn.recognized
    let reply: { intent: { name: string }; messages: Message[] }
    if (nothingToProcess) {
      const news = await bot.drainPending(turn.sessionId)
      reply = {
        intent: { name: 'task_status' },
        messages: news.length > 0 ? news : [{ type: 'text', text: 'Nothing new yet.' }],
      }
    } else {
      // The core answers by the deadline; its queued follow-ups (late answers included) come first.
      const result = (await processWithin(bot, turn)).reply
      reply = { intent: result.intent, messages: result.messages }
    }
    logger.info({ session: turn.sessionId, intent: reply.intent.name }, 'dialogflow cx turn')
    return c.json(
      cxResponse(
        { intent: reply.intent, messages: reply.messages },
        { sessionId: turn.sessionId, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) },
      ),
    )
  })
  return app
}
