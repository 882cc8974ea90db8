/**
 * The bot's HTTP server: the web chat page and its JSON/SSE API, the Dialogflow ES and CX webhooks,
 * Slack events, export downloads and a health check, all in one Hono app so it runs the same on
 * `@hono/node-server`, in tests through `app.request()`, and inside a Cloud Function.
 */

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { type Context, Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { type SSEStreamingApi, streamSSE } from 'hono/streaming'
import { z } from 'zod'
import type { Logger } from '../shared/logger.ts'
import { silentLogger } from '../shared/logger.ts'
import type { WebhookAuth } from './channels/dialogflow/common.ts'
import { type DialogflowCxOptions, dialogflowCxApp } from './channels/dialogflow/cx.ts'
import { type DialogflowEsOptions, dialogflowEsApp } from './channels/dialogflow/es.ts'
import type { DownloadHandle, DownloadSource } from './channels/download-source.ts'
import { claimFollowUp } from './channels/follow-ups.ts'
import {
  BadRequestError,
  DEFAULT_BODY_LIMIT_BYTES,
  jsonError,
  notFound,
  PayloadTooLargeError,
  readBodyText,
  readJson,
} from './channels/http.ts'
import { type SlackChannelOptions, slackApp } from './channels/slack/app.ts'
import { WebGuard } from './channels/web/guard.ts'
import {
  localDemoAuthenticator,
  type WebAuthenticator,
  type WebPrincipal,
  webIdentity,
  webSessionKey,
} from './channels/web/principal.ts'
import { SessionCookies } from './channels/web/session-cookie.ts'
import type { Bot, Message, Notification } from './core/types.ts'

export type { DownloadHandle, DownloadSource } from './channels/download-source.ts'

export interface BotServerOptions {
  /** Serves `GET /downloads/:id`; without it that route answers 404. */
  downloads?: DownloadSource
  /**
   * Dialogflow ES webhook options; the route is served only when they carry caller `auth`
   * (fail closed: an unauthenticated webhook would let anyone speak for any user).
   */
  dialogflowEs?: DialogflowEsOptions | false
  /** Dialogflow CX webhook options; served only with caller `auth`, as for ES. */
  dialogflowCx?: DialogflowCxOptions | false
  /** Slack options; without them `/slack/events` answers 503 (not configured). */
  slack?: SlackChannelOptions
  /** Web chat options. */
  web?: WebChatOptions
  /** @default 64 KiB */
  bodyLimitBytes?: number
  logger?: Logger
  /** Injectable clock for deadlines. @default Date.now */
  now?: () => number
}

export interface WebChatOptions {
  /**
   * How web users sign in: `oidcAuthenticator`, `iapAuthenticator`, or the zero-setup local demo
   * mode (everyone is "local demo user"; the configuration refuses it against real Anaplan).
   * @default localDemoAuthenticator()
   */
  auth?: WebAuthenticator
  /** Key material of the session cookies; instances that share sessions share it. @default random per process */
  sessionSecret?: string
  /** The page's public URL (`https://bot.example.com`): the only `Origin` allowed to post. @default the request's host */
  publicUrl?: string
  /** `Secure` on the session cookies. @default true, except in local demo mode over plain http */
  secureCookies?: boolean
  /** Time the core gets to answer a web turn before it must hand work to the background. @default 10000 */
  replyBudgetMs?: number
  /** Interval of SSE keep-alive comments. @default 15000 */
  heartbeatMs?: number
}

const SAFE_ID = /^[A-Za-z0-9._:@-]+$/
const sessionIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(SAFE_ID, 'may only contain letters, digits and . _ : @ -')

/** @internal Exported for its test. */
export const chatSchema = z
  .strictObject({
    sessionId: sessionIdSchema,
    text: z
      .string({ error: 'must be a string' })
      .max(2000, 'must be at most 2000 characters')
      .refine((t) => t.trim().length > 0, 'must not be empty')
      .optional(),
    choice: z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(2000, 'must be at most 2000 characters')
      .optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.choice === undefined), {
    message: 'give exactly one of "text" or "choice"',
  })

type ChatBody = z.infer<typeof chatSchema>

/**
 * `chatSchema.safeParse(raw)`. The body a page sends on every turn (`sessionId` and `text` or
 * `choice`, nothing else) is checked here as the schema checks it, without zod's machinery, which
 * was a visible share of a turn's CPU; anything this does not accept goes to the schema, which
 * accepts it or says why not.
 * @internal Exported for its test.
 */
export function parseChatBody(
  raw: unknown,
): { success: true; data: ChatBody } | z.ZodSafeParseError<ChatBody> {
  const plain = plainChatBody(raw)
  return plain ? { success: true, data: plain } : chatSchema.safeParse(raw)
}

function plainChatBody(raw: unknown): ChatBody | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const body = raw as Record<string, unknown>
  if (Object.keys(body).length !== 2 || !Object.hasOwn(body, 'sessionId')) return undefined
  const { sessionId } = body
  if (typeof sessionId !== 'string' || sessionId.length > 128 || !SAFE_ID.test(sessionId)) return undefined
  const text = Object.hasOwn(body, 'text') ? body.text : undefined
  if (typeof text === 'string')
    return text.length <= 2000 && text.trim() !== '' ? { sessionId, text } : undefined
  const choice = Object.hasOwn(body, 'choice') ? body.choice : undefined
  if (typeof choice === 'string' && choice !== '' && choice.length <= 2000) return { sessionId, choice }
  return undefined
}

const nluSchema = z.strictObject({
  text: z
    .string({ error: 'must be a string' })
    .max(2000, 'must be at most 2000 characters')
    .refine((t) => t.trim().length > 0, 'must not be empty'),
  sessionId: sessionIdSchema.optional(),
})

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), 'web')

interface StaticAsset {
  body: string
  type: string
}

function loadAssets(): Map<string, StaticAsset> {
  const chartDir = dirname(createRequire(import.meta.url).resolve('chart.js'))
  const assets = new Map<string, StaticAsset>()
  const add = (route: string, file: string, type: string) =>
    assets.set(route, { body: readFileSync(file, 'utf8'), type })
  add('/', join(WEB_DIR, 'index.html'), 'text/html; charset=utf-8')
  add('/app.js', join(WEB_DIR, 'app.js'), 'text/javascript; charset=utf-8')
  add('/styles.css', join(WEB_DIR, 'styles.css'), 'text/css; charset=utf-8')
  add('/favicon.svg', join(WEB_DIR, 'favicon.svg'), 'image/svg+xml')
  add('/vendor/chart.umd.js', join(chartDir, 'chart.umd.min.js'), 'text/javascript; charset=utf-8')
  return assets
}

let cachedAssets: Map<string, StaticAsset> | undefined

function toWebStream(stream: DownloadHandle['stream']): ReadableStream<Uint8Array> {
  if (stream instanceof ReadableStream) return stream
  if (stream instanceof Readable) return Readable.toWeb(stream) as ReadableStream<Uint8Array>
  const iterable = stream as AsyncIterable<Uint8Array>
  return Readable.toWeb(Readable.from(iterable)) as ReadableStream<Uint8Array>
}

function contentTypeFor(name: string): string {
  if (/\.csv$/i.test(name)) return 'text/csv; charset=utf-8'
  if (/\.txt$/i.test(name)) return 'text/plain; charset=utf-8'
  if (/\.json$/i.test(name)) return 'application/json'
  return 'application/octet-stream'
}

/** RFC 6266 filename: an ASCII fallback plus the UTF-8 name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

function hasCallerAuth(auth: WebhookAuth | undefined): boolean {
  return !!auth && auth.type !== 'none'
}

function notConfigured(c: Context, what: string, variables: string): Response {
  return jsonError(c, 503, 'not_configured', `${what} is not configured on this server (${variables}).`)
}

/**
 * Downloads handed to a web user through their replies or events are theirs: another signed-in
 * user with the link gets a 404. Links delivered elsewhere (Slack, Dialogflow) stay capability
 * links, still behind the web sign-in. In memory: on another instance only the capability holds.
 */
class DownloadOwners {
  readonly #owner = new Map<string, { key: string; at: number }>()
  readonly #now: () => number

  constructor(now: () => number) {
    this.#now = now
  }

  claim(p: WebPrincipal, messages: readonly Message[]): void {
    const t = this.#now()
    for (const [id, o] of this.#owner) if (t - o.at > 2 * 3600_000) this.#owner.delete(id)
    for (const m of messages) {
      const id = m.type === 'file' ? /^\/downloads\/([A-Za-z0-9_-]+)$/.exec(m.url)?.[1] : undefined
      if (id && !this.#owner.has(id)) this.#owner.set(id, { key: webSessionKey(p, ''), at: t })
    }
  }

  allows(p: WebPrincipal, id: string): boolean {
    const o = this.#owner.get(id)
    return !o || o.key === webSessionKey(p, '')
  }
}

/**
 * Builds the bot's HTTP app. Routes: `GET /` (web chat), `POST /api/chat`, `GET /api/events`
 * (Server-Sent Events with follow-ups), `POST /api/nlu`, `POST /dialogflow/es`,
 * `POST /dialogflow/cx`, `POST /slack/events`, `GET /downloads/:id`, `GET /healthz`.
 *
 * @example
 * const app = createBotServer(bot, { downloads })
 * serve({ fetch: app.fetch, port: 8080 })
 */
export function createBotServer(bot: Bot, options: BotServerOptions = {}): Hono {
  const logger = options.logger ?? silentLogger
  const now = options.now ?? Date.now
  const web = options.web ?? {}
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  cachedAssets ??= loadAssets()
  const assets = cachedAssets

  const app = new Hono()
  const auth = web.auth ?? localDemoAuthenticator()
  const cookies = new SessionCookies({
    secret: web.sessionSecret ?? randomBytes(32).toString('base64url'),
    secure: (c) =>
      web.secureCookies ?? (auth.mode !== 'local-demo' || new URL(c.req.url).protocol === 'https:'),
  })
  const guard = new WebGuard({ auth, cookies, ...(web.publicUrl ? { publicUrl: web.publicUrl } : {}) })
  const owners = new DownloadOwners(now)

  // Follow-ups for web sessions go to every page open on that session (keyed by the bot session).
  const listeners = new Map<string, Set<(messages: Message[]) => void>>()
  bot.subscribe(async (n: Notification) => {
    const set = listeners.get(n.sessionId)
    // No page open on this session: the core keeps the messages for the next reply.
    if (!set || set.size === 0) return false
    const messages = await claimFollowUp(bot, n)
    for (const send of set) send(messages)
    return true
  })

  app.onError((err, c) => {
    if (err instanceof BadRequestError) return jsonError(c, 400, 'bad_request', err.message)
    if (err instanceof PayloadTooLargeError) return jsonError(c, 413, 'payload_too_large', err.message)
    logger.error({ err, path: c.req.path }, 'request failed')
    return jsonError(c, 500, 'internal', 'The bot hit an internal error; it has been logged.')
  })
  app.notFound(notFound)

  const pageHeaders = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
    referrerPolicy: 'no-referrer',
  })

  for (const [route, asset] of assets) {
    app.get(route, pageHeaders, (c) => {
      c.header('Content-Type', asset.type)
      c.header('Cache-Control', route === '/' ? 'no-cache' : 'public, max-age=300')
      return c.body(asset.body)
    })
  }

  app.get('/healthz', (c) => c.json({ status: 'ok' }))

  auth.routes?.(app, cookies)
  app.get('/api/session', (c) => guard.describe(c))

  // A body declared too large is refused before anything else reads the request.
  const declaredTooLarge = (c: Context) => Number(c.req.header('content-length') ?? 0) > limit
  const tooLarge = (c: Context) =>
    jsonError(c, 413, 'payload_too_large', `Request body exceeds ${limit} bytes.`)

  app.post('/api/chat', async (c) => {
    if (declaredTooLarge(c)) return tooLarge(c)
    const guarded = await guard.writer(c)
    if (!guarded.ok) return guarded.response
    const parsed = parseChatBody(await readJson(await readBodyText(c, limit)))
    if (!parsed.success) return jsonError(c, 400, 'invalid_request', describeIssues(parsed.error))
    const body = parsed.data
    const principal = guarded.session.principal
    const reply = await bot.process({
      sessionId: webSessionKey(principal, body.sessionId),
      identity: webIdentity(principal),
      ...(body.text !== undefined ? { text: body.text.trim() } : {}),
      ...(body.choice !== undefined ? { choice: body.choice } : {}),
      deadline: now() + (web.replyBudgetMs ?? 10_000),
      // No `signal`: the core does not observe one yet, and reading `c.req.raw.signal` makes the
      // Node adapter build a web Request per turn (see readBodyText).
    })
    owners.claim(principal, reply.messages)
    // The client knows its conversation by its own id; the server's key stays on the server.
    return c.json({ ...reply, sessionId: body.sessionId })
  })

  app.post('/api/nlu', async (c) => {
    if (declaredTooLarge(c)) return tooLarge(c)
    const guarded = await guard.writer(c)
    if (!guarded.ok) return guarded.response
    const parsed = nluSchema.safeParse(await readJson(await readBodyText(c, limit)))
    if (!parsed.success) return jsonError(c, 400, 'invalid_request', describeIssues(parsed.error))
    const principal = guarded.session.principal
    const { text, sessionId } = parsed.data
    return c.json(
      await bot.understand(
        text.trim(),
        sessionId === undefined ? undefined : webSessionKey(principal, sessionId),
        webIdentity(principal),
      ),
    )
  })

  app.get('/api/events', async (c) => {
    const guarded = await guard.reader(c)
    if (!guarded.ok) return guarded.response
    const parsed = sessionIdSchema.safeParse(c.req.query('sessionId'))
    if (!parsed.success) {
      return jsonError(c, 400, 'invalid_request', `sessionId: ${describeIssues(parsed.error)}`)
    }
    const sessionId = parsed.data
    const principal = guarded.session.principal
    const key = webSessionKey(principal, sessionId)
    return streamSSE(c, async (stream: SSEStreamingApi) => {
      let queue = Promise.resolve()
      const send = (messages: Message[]) => {
        owners.claim(principal, messages)
        queue = queue
          .then(() => stream.writeSSE({ event: 'messages', data: JSON.stringify({ sessionId, messages }) }))
          .catch(() => {})
      }
      let set = listeners.get(key)
      if (!set) {
        set = new Set()
        listeners.set(key, set)
      }
      set.add(send)
      const done = new Promise<void>((resolve) => stream.onAbort(resolve))
      try {
        // The page learns on every (re)connect whether the session survived, and what to suggest.
        const info = await bot.sessionInfo?.(key, webIdentity(principal))
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ sessionId, ...info }) })
        const pending = await bot.drainPending(key)
        if (pending.length > 0) send(pending)
        const heartbeat = setInterval(() => {
          queue = queue
            .then(() => stream.write(': keep-alive\n\n'))
            .then(
              () => undefined,
              () => undefined,
            )
        }, web.heartbeatMs ?? 15_000)
        await done
        clearInterval(heartbeat)
      } finally {
        set.delete(send)
        if (set.size === 0) listeners.delete(key)
      }
    })
  })

  app.get('/downloads/:id', async (c) => {
    const guarded = await guard.reader(c)
    if (!guarded.ok) {
      // A link clicked in a browser that is not signed in yet: sign in, then come back.
      if (auth.loginPath) return c.redirect(`${auth.loginPath}?next=${encodeURIComponent(c.req.path)}`, 302)
      return guarded.response
    }
    const id = c.req.param('id')
    const mine = owners.allows(guarded.session.principal, id)
    const handle = mine && SAFE_ID.test(id) ? await options.downloads?.open(id) : undefined
    if (!handle) return jsonError(c, 404, 'not_found', 'This download does not exist or has expired.')
    const headers: Record<string, string> = {
      'Content-Type': contentTypeFor(handle.name),
      'Content-Disposition': contentDisposition(handle.name),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    }
    if (handle.size !== undefined) headers['Content-Length'] = String(handle.size)
    return new Response(toWebStream(handle.stream), { status: 200, headers })
  })

  // Fail closed: a webhook without caller authentication is not served at all.
  if (options.dialogflowEs && hasCallerAuth(options.dialogflowEs.auth)) {
    const es = dialogflowEsApp(bot, { logger, now, bodyLimitBytes: limit, ...options.dialogflowEs })
    app.post('/dialogflow/es', (c) => es.fetch(c.req.raw))
  } else {
    app.post('/dialogflow/es', (c) => notConfigured(c, 'Dialogflow ES', 'DIALOGFLOW_ES_USERNAME/PASSWORD'))
  }
  if (options.dialogflowCx && hasCallerAuth(options.dialogflowCx.auth)) {
    const cx = dialogflowCxApp(bot, { logger, now, bodyLimitBytes: limit, ...options.dialogflowCx })
    app.post('/dialogflow/cx', (c) => cx.fetch(c.req.raw))
  } else {
    app.post('/dialogflow/cx', (c) => notConfigured(c, 'Dialogflow CX', 'DIALOGFLOW_CX_HEADER_NAME/VALUE'))
  }
  if (options.slack) {
    const slack = slackApp(bot, { logger, now, bodyLimitBytes: limit, ...options.slack })
    app.post('/slack/events', (c) => slack.fetch(c.req.raw))
  } else {
    app.post('/slack/events', (c) => notConfigured(c, 'Slack', 'SLACK_SIGNING_SECRET'))
  }

  return app
}
