/**
 * The shell every function shares: request logging in Cloud Logging's format (with the trace),
 * `GET /healthz`, the invoker key, JSON errors, and input validation. A function adds its routes;
 * the result is a Hono app whose `fetch` is a web-standard `(Request) => Promise<Response>`.
 */
// hono/quick: Hono's preset for apps built per instance or per request. Its LinearRouter matches
// without first compiling every route into one regular expression, which a long-running server
// (the bot's own, `hono`) amortises and a cold function pays on its first request.
import { Hono } from 'hono/quick'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { en } from 'zod/locales'
import * as z from 'zod/mini'
import type { Logger } from '../../shared/logger.ts'
import { FunctionError, toErrorResponse } from './http-error.ts'
import { checkInvokerKey } from './invoker-auth.ts'
import type { FunctionRuntime } from './runtime.ts'
import { parseTrace, traceLogFields } from './trace.ts'

/** Hono environment of a function: a per-request logger carrying the trace. */
export interface FunctionEnv {
  Variables: { log: Logger }
}

export type FunctionApp = Hono<FunctionEnv>

// The functions' schemas use zod/mini: the same library and checks as `zod`, tree-shakable, so a
// function's bundle carries tens of KB of it instead of ~600 KB (tens of ms of every cold start).
// Unlike `zod` it loads no locale by default; English gives the messages `zod` would.
z.config(en())

export interface FunctionAppOptions {
  /** The function's name (the GCF target), also accepted as a path prefix. */
  name: string
  runtime: FunctionRuntime
  /**
   * Skip the shared-key check: for endpoints that authenticate their callers themselves (Slack
   * signatures, Dialogflow webhook credentials).
   * @default false
   */
  verifiesOwnCallers?: boolean
}

/**
 * Fails closed: a function that hands out tokens or data serves only with a shared key, or when the
 * deployment asserts that the platform authenticates callers (`FUNCTION_INVOKER_AUTH=platform`).
 * @throws {FunctionError} 503 `not_protected` otherwise.
 */
function requireInvokerAuth(name: string, runtime: FunctionRuntime): void {
  if (runtime.config.sharedKey || runtime.config.platformInvokerAuth) return
  throw new FunctionError(
    503,
    'not_protected',
    `${name} is not protected, so it does not serve: set FUNCTION_SHARED_KEY, or FUNCTION_INVOKER_AUTH=platform when Cloud Run IAM or a Lambda authorizer checks every caller`,
  )
}

/** Time kept back from the platform timeout so the function still answers before it is cut off. */
export const TIMEOUT_MARGIN_MS = 3000

/**
 * Builds a function's app. `routes` registers the function's own routes on a sub-app which is
 * mounted at `/` and at `/<name>` (API Gateway and some proxies keep the function name in the path).
 */
export function createFunctionApp(
  options: FunctionAppOptions,
  routes: (app: FunctionApp) => void,
): FunctionApp {
  const { name, runtime } = options
  if (!options.verifiesOwnCallers) runtime.warnIfUnprotected(name)
  const inner: FunctionApp = new Hono<FunctionEnv>()
  inner.get('/healthz', (c) =>
    c.json({ status: 'ok', function: name, credentialSource: runtime.credentialSource }),
  )
  if (!options.verifiesOwnCallers) {
    const healthPaths = new Set(['/healthz', `/${name}/healthz`])
    inner.use('*', async (c, next) => {
      // Both mounts' middleware sees every path; the health check alone stays open (it reveals
      // nothing), and only at its exact paths: `/files/healthz` is a data route like any other.
      if (c.req.method === 'GET' && healthPaths.has(new URL(c.req.url).pathname)) return next()
      requireInvokerAuth(name, runtime)
      checkInvokerKey(c.req.raw.headers, runtime.config.sharedKey)
      await next()
    })
  }
  routes(inner)

  const app: FunctionApp = new Hono<FunctionEnv>()
  app.use('*', async (c, next) => {
    const started = runtime.now()
    const trace = parseTrace(c.req.raw.headers)
    const log = runtime.logger.child({ function: name, ...traceLogFields(trace, runtime.config.projectId) })
    c.set('log', log)
    await next()
    const path = new URL(c.req.url).pathname
    if (path.endsWith('/healthz')) return
    const status = c.res.status
    const line = {
      httpRequest: {
        requestMethod: c.req.method,
        requestUrl: path,
        status,
        latency: `${((runtime.now() - started) / 1000).toFixed(3)}s`,
        userAgent: c.req.header('user-agent'),
      },
    }
    if (status >= 500) log.error(line, `${c.req.method} ${path} ${status}`)
    else if (status >= 400) log.warn(line, `${c.req.method} ${path} ${status}`)
    else log.info(line, `${c.req.method} ${path} ${status}`)
  })
  // The prefixed mount comes first so that `/<name>` is not taken for a parameter of a `/` route.
  app.route(`/${name}`, inner)
  app.route('/', inner)
  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `No route ${c.req.method} ${new URL(c.req.url).pathname}` } },
      404,
    ),
  )
  app.onError((error, c) => {
    const r = toErrorResponse(error)
    const log = c.get('log') ?? runtime.logger
    if (r.serverSide) log.error({ err: error, code: r.body.error.code }, r.body.error.message)
    for (const [k, v] of Object.entries(r.headers)) c.header(k, v)
    return c.json(r.body, r.status as ContentfulStatusCode)
  })
  return app
}

/**
 * Reads the request body as JSON. An empty body reads as `{}` so that inputs with only optional
 * fields need none.
 * @throws {FunctionError} 400 when the body is not JSON.
 */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new FunctionError(400, 'invalid_json', 'The request body is not valid JSON')
  }
}

/**
 * Validates `value` against `schema`.
 * @throws {FunctionError} 400 `invalid_input` whose message lists each problem with its path.
 */
export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const r = z.safeParse(schema, value)
  if (r.success) return r.data
  const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
  throw new FunctionError(400, 'invalid_input', `Invalid input: ${problems.join('; ')}`, {
    details: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  })
}

/**
 * The absolute deadline (epoch ms) for waiting inside this request: the caller's wish, capped so
 * that the answer leaves before the platform's own timeout.
 */
export function requestDeadline(
  runtime: FunctionRuntime,
  requestedMs: number | undefined,
  defaultMs: number,
  platformRemainingMs?: number,
): number {
  const now = runtime.now()
  let ms = requestedMs ?? defaultMs
  const platform = platformRemainingMs ?? (runtime.config.timeoutSeconds ?? Number.NaN) * 1000
  if (Number.isFinite(platform)) ms = Math.min(ms, Math.max(0, platform - TIMEOUT_MARGIN_MS))
  return now + Math.max(0, ms)
}

/**
 * Time left before the platform cuts the invocation off, when the platform says (Lambda passes its
 * context to the Hono app as `env.lambdaContext`). Cloud Run functions only give the configured
 * timeout, read from `CLOUD_RUN_TIMEOUT_SECONDS` by the config.
 */
export function platformRemainingMs(env: unknown): number | undefined {
  const ctx = (env as { lambdaContext?: { getRemainingTimeInMillis?: () => number } } | undefined)
    ?.lambdaContext
  const ms = ctx?.getRemainingTimeInMillis?.()
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined
}
