/**
 * The bot's HTTP server: the web chat page and its JSON/SSE API, the Dialogflow ES and CX webhooks,
 * Slack events, export downloads and a health check, all in one Hono app so it runs the same on
 * `@hono/node-server`, in tests through `app.request()`, and inside a Cloud Function.
 */
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
import type { Bot, Identity, Message, Notification } from './core/types.ts'

export type { DownloadHandle, DownloadSource } from './channels/download-source.ts'

export interface BotServerOptions {
  /** Serves `GET /downloads/:id`; without it that route answers 404. */
  downloads?: DownloadSource
  /** Dialogflow ES webhook options; `false` disables `/dialogflow/es`. @default {} (enabled, no caller auth) */
  dialogflowEs?: DialogflowEsOptions | false
  /** Dialogflow CX webhook options; `false` disables `/dialogflow/cx`. @default {} */
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
   * A header set by a trusted proxy in front of the server (for example Google IAP's
   * `X-Goog-Authenticated-User-Email`). When set, the web identity comes only from it and a
   * request without it is refused with 401; the `user` field of the body is ignored.
   */
  userHeader?: string
  /** Identity of web users who give no `user`. @default 'web-guest' */
  defaultUser?: string
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
const userSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\p{L}\p{N}._:@+ -]+$/u, 'contains characters that are not allowed')

const chatSchema = z
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
    user: userSchema.optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.choice === undefined), {
    message: 'give exactly one of "text" or "choice"',
  })

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

  // Follow-ups for web sessions go to every page open on that session.
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

  function webIdentity(c: Context, user: string | undefined): Identity | undefined {
    if (web.userHeader) {
      const fromProxy = c.req.header(web.userHeader)
      if (!fromProxy) return undefined
      // IAP prefixes the address with its namespace ("accounts.google.com:alice@example.com").
      const userId = fromProxy.includes(':') ? fromProxy.slice(fromProxy.lastIndexOf(':') + 1) : fromProxy
      return { channel: 'web', userId }
    }
    return { channel: 'web', userId: user ?? web.defaultUser ?? 'web-guest' }
  }

  app.post('/api/chat', async (c) => {
    const parsed = chatSchema.safeParse(await readJson(await readBodyText(c, limit)))
    if (!parsed.success) return jsonError(c, 400, 'invalid_request', describeIssues(parsed.error))
    const body = parsed.data
    const identity = webIdentity(c, body.user)
    if (!identity) return jsonError(c, 401, 'unauthenticated', `Missing ${web.userHeader} header.`)
    const reply = await bot.process({
      sessionId: body.sessionId,
      identity,
      ...(body.text !== undefined ? { text: body.text.trim() } : {}),
      ...(body.choice !== undefined ? { choice: body.choice } : {}),
      deadline: now() + (web.replyBudgetMs ?? 10_000),
      // No `signal`: the core does not observe one yet, and reading `c.req.raw.signal` makes the
      // Node adapter build a web Request per turn (see readBodyText).
    })
    return c.json(reply)
  })

  app.post('/api/nlu', async (c) => {
    const parsed = nluSchema.safeParse(await readJson(await readBodyText(c, limit)))
    if (!parsed.success) return jsonError(c, 400, 'invalid_request', describeIssues(parsed.error))
    return c.json(await bot.understand(parsed.data.text.trim(), parsed.data.sessionId))
  })

  app.get('/api/events', (c) => {
    const parsed = sessionIdSchema.safeParse(c.req.query('sessionId'))
    if (!parsed.success) {
      return jsonError(c, 400, 'invalid_request', `sessionId: ${describeIssues(parsed.error)}`)
    }
    const sessionId = parsed.data
    return streamSSE(c, async (stream: SSEStreamingApi) => {
      let queue = Promise.resolve()
      const send = (messages: Message[]) => {
        queue = queue
          .then(() => stream.writeSSE({ event: 'messages', data: JSON.stringify({ sessionId, messages }) }))
          .catch(() => {})
      }
      let set = listeners.get(sessionId)
      if (!set) {
        set = new Set()
        listeners.set(sessionId, set)
      }
      set.add(send)
      const done = new Promise<void>((resolve) => stream.onAbort(resolve))
      try {
        // The page learns on every (re)connect whether the session survived, and whom it shows.
        const identity = webIdentity(c, undefined)
        const info = identity ? await bot.sessionInfo?.(sessionId, identity) : undefined
        const user = identity ? (identity.displayName ?? identity.userId) : undefined
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ sessionId, ...info, user }) })
        const pending = await bot.drainPending(sessionId)
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
        if (set.size === 0) listeners.delete(sessionId)
      }
    })
  })

  app.get('/downloads/:id', async (c) => {
    const id = c.req.param('id')
    const handle = SAFE_ID.test(id) ? await options.downloads?.open(id) : undefined
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

  if (options.dialogflowEs !== false) {
    const es = dialogflowEsApp(bot, { logger, now, bodyLimitBytes: limit, ...options.dialogflowEs })
    app.post('/dialogflow/es', (c) => es.fetch(c.req.raw))
  }
  if (options.dialogflowCx !== false) {
    const cx = dialogflowCxApp(bot, { logger, now, bodyLimitBytes: limit, ...options.dialogflowCx })
    app.post('/dialogflow/cx', (c) => cx.fetch(c.req.raw))
  }
  if (options.slack) {
    const slack = slackApp(bot, { logger, now, bodyLimitBytes: limit, ...options.slack })
    app.post('/slack/events', (c) => slack.fetch(c.req.raw))
  } else {
    app.post('/slack/events', (c) =>
      jsonError(c, 503, 'not_configured', 'Slack is not configured on this server (SLACK_SIGNING_SECRET).'),
    )
  }

  return app
}
