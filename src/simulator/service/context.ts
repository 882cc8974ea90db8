/**
 * The Hono environment of the simulator's routes and the guard every model-scoped route goes
 * through: model lookup, NO ACCESS masked as 404, archived → 422, role checks and the busy-model wait.
 */
import type { HttpBindings } from '@hono/node-server'
import type { Context, Hono } from 'hono'
import type { ModelEngine, ModelRole, SimUser } from '../engine/contract.ts'
import { HttpError } from './http.ts'
import type { SimState, World } from './sim-state.ts'

export type SimEnv = {
  Bindings: Partial<HttpBindings>
  Variables: { user: SimUser; world: World }
}

export type SimContext = Context<SimEnv>
export type SimApp = Hono<SimEnv>

/** Everything a model-scoped handler needs. */
export interface ModelScope {
  c: SimContext
  world: World
  user: SimUser
  engine: ModelEngine
  modelId: string
  workspaceId: string
  role: ModelRole
}

export interface ScopeOptions {
  /** The request needs write access (cells, list items, task starts, uploads): read role → 403. */
  write?: boolean
  /** Answers even while a task holds the model (reference §8.2 exempt list). */
  busyExempt?: boolean
  /** Works on archived models too (model status). */
  allowArchived?: boolean
  /** Only workspace administrators (open/close). */
  admin?: boolean
}

/** The role a user has on a model; NO ACCESS when unlisted or not a member of its workspace. */
export function roleOf(user: SimUser, engine: ModelEngine): ModelRole {
  if (!user.workspaces.includes(engine.info.workspaceId)) return 'none'
  return user.modelRoles[engine.info.id] ?? 'none'
}

/** The two path forms of every model-scoped resource (reference §4.5). */
export const MODEL_PREFIXES = [
  '/2/0/models/:modelId',
  '/2/0/workspaces/:workspaceId/models/:modelId',
] as const

type Handler = (c: SimContext) => Response | Promise<Response>

/** Registers a model-scoped route under both path forms. */
export function modelRoute(
  app: SimApp,
  method: 'get' | 'post' | 'put' | 'delete',
  path: string,
  handler: Handler,
): void {
  for (const prefix of MODEL_PREFIXES) app[method](`${prefix}${path}`, handler)
}

/** Resolves and checks the model of a `/models/{m}/…` or `/workspaces/{ws}/models/{m}/…` request. */
export async function modelScope(
  state: SimState,
  c: SimContext,
  opts: ScopeOptions = {},
): Promise<ModelScope> {
  const world = c.get('world')
  const user = c.get('user')
  const modelId = param(c, 'modelId')
  const wsParam = c.req.param('workspaceId')
  const engine = world.model(modelId)
  // Unknown ids, a workspace that does not hold the model and NO ACCESS all look the same: 404.
  if (!engine || (wsParam !== undefined && wsParam !== engine.info.workspaceId)) throw new HttpError(404)
  const role = roleOf(user, engine)
  if (role === 'none') throw new HttpError(404)
  if (engine.info.activeState === 'ARCHIVED' && !opts.allowArchived)
    throw new HttpError(422, 'Model archived')
  if (engine.info.activeState === 'LOCKED' && opts.write) throw new HttpError(423, 'Model locked')
  if (opts.admin && role !== 'admin')
    throw new HttpError(403, 'Forbidden: workspace administrator role required')
  if (opts.write && role !== 'admin' && role !== 'write') {
    throw new HttpError(403, 'Forbidden: the user has read-only access to this model')
  }
  if (!opts.busyExempt && world.tasks.running(modelId)) {
    // Anaplan holds the call until the model is free; we bound the wait and then answer 409.
    const free = await world.tasks.waitIdle(modelId, state.options.busyWaitMs)
    if (!free)
      throw new HttpError(409, 'The model is currently busy processing another action. Try again later.')
  }
  // Data access loads a closed model again; the exempt calls (status, listings, tasks) do not.
  if (!opts.busyExempt) world.closedModels.delete(modelId)
  return { c, world, user, engine, modelId, workspaceId: engine.info.workspaceId, role }
}

/** A path parameter ('' when absent, which only happens on routes without it). */
export function param(c: SimContext, name: string): string {
  return c.req.param(name) ?? ''
}
