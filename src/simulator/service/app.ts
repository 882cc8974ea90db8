/**
 * The simulator's Hono app: admin routes, then per request the counters, injected latency and
 * faults, Integration API authentication, the routes, and Anaplan-shaped 404/405/errors.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Hono } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { SimError } from '../engine/contract.ts'
import type { SimApp, SimContext, SimEnv } from './context.ts'
import type { Fault } from './faults.ts'
import { apiError, errorBody, HttpError, statusText } from './http.ts'
import { registerAdminRoutes } from './routes/admin.ts'
import { registerAuthRoutes } from './routes/auth.ts'
import { registerBulkRoutes } from './routes/bulk.ts'
import { registerTenantRoutes } from './routes/tenant.ts'
import { registerTransactionalRoutes } from './routes/transactional.ts'
import type { SimState } from './sim-state.ts'

const ADMIN = '/__sim/'

/** Destroys the client connection (an injected "dropped connection"). */
function dropConnection(c: SimContext): Response {
  const socket = c.env?.incoming?.socket
  if (!socket) throw new Error('Connection dropped by an injected fault')
  socket.destroy()
  return new Response(null, { status: 500 })
}

function faultResponse(c: SimContext, fault: Fault): Response {
  if (fault.drop) return dropConnection(c)
  const status = fault.status ?? 500
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter
  const body = errorBody(status, statusText(status), new URL(c.req.url).pathname)
  return new Response(JSON.stringify(body), { status, headers })
}

/** Compiles Hono route patterns so unmatched requests can tell 405 (known path) from 404. */
function knownPaths(app: SimApp): RegExp[] {
  const patterns = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => r.path))
  return [...patterns].map((p) => new RegExp(`^${p.replace(/:[^/]+/g, '[^/]+')}/?$`))
}

/** Builds the simulator app over a state (use `app.request()` in tests, or serve it). */
export function buildApp(state: SimState): SimApp {
  const app = new Hono<SimEnv>({ strict: false })

  app.use('*', async (c, next) => {
    const world = state.world
    c.set('world', world)
    const path = new URL(c.req.url).pathname
    if (path.startsWith(ADMIN)) return next()
    // Handlers never call next(), so the first matched non-middleware route is the one answering.
    const route = matchedRoutes(c).find((r) => r.method !== 'ALL')?.path
    if (route !== undefined) {
      const key = `${c.req.method} ${route}`
      world.stats.routes[key] = (world.stats.routes[key] ?? 0) + 1
    }
    if (state.options.latencyMs > 0) await sleep(state.options.latencyMs)
    const fault = state.faults.take(c.req.method, path)
    if (!fault) return next()
    if (fault.latencyMs) await sleep(fault.latencyMs)
    if (fault.status === undefined && !fault.drop) return next()
    if (!fault.afterHandler) return faultResponse(c, fault)
    await next()
    // The request really happened; the client only sees the failure (an ambiguous outcome).
    c.res = faultResponse(c, fault)
  })

  app.use('/2/0/*', async (c, next) => {
    const match = /^\s*(AnaplanAuthToken|Bearer)\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '')
    const world = c.get('world')
    const record = match ? world.tokens.get(match[2]!) : undefined
    const user = record ? world.user(record.userId) : undefined
    if (!user) return apiError(c, 401, 'Unauthorized')
    c.set('user', user)
    return next()
  })

  registerAdminRoutes(app, state)
  registerAuthRoutes(app, state)
  registerTenantRoutes(app, state)
  registerBulkRoutes(app, state)
  registerTransactionalRoutes(app, state)

  // Paths Anaplan routes for other methods only (e.g. GET on a workspace-form model) answer 405.
  app.all('/2/0/workspaces/:workspaceId/models/:modelId', (c) => apiError(c, 405))
  let known: RegExp[] | undefined
  app.notFound((c) => {
    known ??= knownPaths(app)
    const path = new URL(c.req.url).pathname
    return apiError(c, known.some((re) => re.test(path)) ? 405 : 404)
  })

  app.onError((error, c) => {
    if (error instanceof HttpError) {
      const res = apiError(c, error.status, error.message)
      for (const [k, v] of Object.entries(error.headers)) res.headers.set(k, v)
      return res
    }
    if (error instanceof SimError) return apiError(c, error.status, error.message)
    state.options.logger.error(
      { err: error, method: c.req.method, path: new URL(c.req.url).pathname },
      'simulator: unexpected error',
    )
    return c.json(
      errorBody(500, 'Internal Server Error', new URL(c.req.url).pathname),
      500 as ContentfulStatusCode,
    )
  })

  return app
}
