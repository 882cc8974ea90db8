/**
 * Channel traffic for the reliability suite: a fake Slack Web API on loopback, signed Slack
 * requests, and Dialogflow ES/CX WebhookRequests shaped like the ones Google sends.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Hono } from 'hono'
import { signSlackRequest } from '../../src/bot/channels/index.ts'

export interface SlackApiCall {
  method: string
  args: Record<string, unknown>
}

/** A fake Slack Web API: records every call and answers `ok: true` like Slack. */
export class FakeSlackApi {
  readonly calls: SlackApiCall[] = []
  url = ''
  #server: Server | undefined
  #waiters: (() => void)[] = []

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      let raw = ''
      req.setEncoding('utf8')
      req.on('data', (c: string) => {
        raw += c
      })
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? ''
        let args: Record<string, unknown> = {}
        if ((req.headers['content-type'] ?? '').includes('json')) args = JSON.parse(raw || '{}')
        else for (const [k, v] of new URLSearchParams(raw)) args[k] = v
        this.calls.push({ method, args })
        res.setHeader('content-type', 'application/json')
        res.end(
          JSON.stringify(
            method === 'auth.test'
              ? { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }
              : { ok: true, channel: args.channel, ts: '1700000000.000100' },
          ),
        )
        for (const w of this.#waiters.splice(0)) w()
      })
    })
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api/`
  }

  /** Texts posted with `chat.postMessage` (to `channel` only, when given). */
  posts(channel?: string): string[] {
    return this.calls
      .filter((c) => c.method === 'chat.postMessage' && (channel === undefined || c.args.channel === channel))
      .map((c) => String(c.args.text ?? ''))
  }

  /** Bodies sent to a `response_url` pointing at this server (`<url>response/...`). */
  responses(): string[] {
    return this.calls.filter((c) => c.method.startsWith('response/')).map((c) => JSON.stringify(c.args))
  }

  /** Resolves once `n` messages were posted (to `channel`), or rejects after `timeoutMs`. */
  async waitForPosts(n: number, timeoutMs = 15_000, channel?: string): Promise<string[]> {
    const end = Date.now() + timeoutMs
    while (this.posts(channel).length < n) {
      if (Date.now() > end) throw new Error(`only ${this.posts(channel).length} of ${n} Slack posts arrived`)
      await Promise.race([
        new Promise<void>((r) => this.#waiters.push(r)),
        new Promise((r) => setTimeout(r, 100)),
      ])
    }
    return this.posts(channel)
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections()
    await new Promise((r) => this.#server?.close(r))
  }
}

/** A signed `POST /slack/events` through the bot app. */
export function slackRequest(
  app: Hono,
  signingSecret: string,
  body: string,
  contentType: string,
  nowMs = Date.now(),
): Promise<Response> {
  const ts = Math.floor(nowMs / 1000)
  return Promise.resolve(
    app.request('/slack/events', {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signSlackRequest(signingSecret, ts, body),
      },
      body,
    }),
  )
}

let eventSeq = 0

/** A fresh trigger id, as Slack gives each command and click (the channel drops repeats as replays). */
function triggerId(): string {
  return `${process.pid}.${++eventSeq}.${Date.now()}`
}

/** The form body of a `/anaplan <text>` slash command; point `responseUrl` at a loopback fake. */
export function slashCommand(
  text: string,
  user = 'U42',
  channel = 'C7',
  responseUrl = 'https://hooks.slack.invalid/commands/1/2/3',
): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: channel,
    channel_name: 'planning',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/anaplan',
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: triggerId(),
  }).toString()
}

/** The JSON body of an Events API `app_mention` (or a direct message when `im`). */
export function slackEvent(
  text: string,
  opts: { user?: string; channel?: string; im?: boolean } = {},
): string {
  const user = opts.user ?? 'U42'
  const channel = opts.channel ?? 'C7'
  const event = opts.im
    ? { type: 'message', channel_type: 'im', user, text, channel, ts: '1700000000.000200' }
    : { type: 'app_mention', user, text: `<@UBOT> ${text}`, channel, ts: '1700000000.000200' }
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    event,
    type: 'event_callback',
    event_id: `Ev${process.pid}${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
  })
}

/** A `block_actions` payload: the user clicked a choice button. */
export function slackClick(value: string, user = 'U42', channel = 'C7'): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, team_id: 'T1' },
    team: { id: 'T1' },
    channel: { id: channel },
    container: { channel_id: channel },
    actions: [{ action_id: 'anaplan_choice:0', value, type: 'button' }],
    trigger_id: triggerId(),
    api_app_id: 'A1',
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
}

/**
 * A Dialogflow ES WebhookRequest. Without `intent` it is the Default Fallback Intent, so the bot's
 * own NLU reads `text`.
 */
export function esRequest(
  text: string,
  opts: { session?: string; user?: string; intent?: string; parameters?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const session = opts.user
    ? `projects/p/agent/environments/draft/users/${opts.user}/sessions/${opts.session ?? 'es-1'}`
    : `projects/p/agent/sessions/${opts.session ?? 'es-1'}`
  return {
    responseId: `resp-${++eventSeq}`,
    session,
    queryResult: {
      queryText: text,
      parameters: opts.parameters ?? {},
      allRequiredParamsPresent: true,
      intent: {
        name: 'projects/p/agent/intents/0c7b3e8d',
        displayName: opts.intent ?? 'Default Fallback Intent',
      },
      intentDetectionConfidence: 0.9,
      languageCode: 'en',
    },
    originalDetectIntentRequest: { source: 'DIALOGFLOW_CONSOLE', payload: {} },
  }
}

/** A Dialogflow CX WebhookRequest; without `tag` the bot's NLU reads `text`. */
export function cxRequest(
  text: string,
  opts: { session?: string; tag?: string } = {},
): Record<string, unknown> {
  return {
    detectIntentResponseId: `cx-${++eventSeq}`,
    sessionInfo: {
      session: `projects/p/locations/global/agents/a/sessions/${opts.session ?? 'cx-1'}`,
      parameters: {},
    },
    ...(opts.tag ? { fulfillmentInfo: { tag: opts.tag } } : {}),
    text,
    languageCode: 'en',
  }
}

/** The Dialogflow caller credentials {@link startStack} configures and {@link postJson} sends. */
export const TEST_WEBHOOK_AUTH = {
  type: 'header',
  name: 'x-webhook-key',
  value: 'test-webhook-key-5d1e0c',
} as const

/** POSTs JSON through an app (with {@link TEST_WEBHOOK_AUTH}, which only the webhooks read). */
export function postJson(app: Hono, path: string, body: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TEST_WEBHOOK_AUTH.name]: TEST_WEBHOOK_AUTH.value },
      body: JSON.stringify(body),
    }),
  )
}
