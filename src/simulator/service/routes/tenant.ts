/**
 * Users, workspaces and models (reference §5.1–§5.2): listings with Anaplan's strict sort rules,
 * the model object, model status (bare GET, enveloped POST), open (202) and close (204).
 */
import type { ModelEngine, SimUser } from '../../engine/contract.ts'
import { modelScope, param, roleOf, type SimApp, type SimContext } from '../context.ts'
import { boolQuery, envelope, HttpError, isRecord, pagedEnvelope, readJson, schemaUrl } from '../http.ts'
import type { SimState, World } from '../sim-state.ts'

/** Anaplan writes timestamps with a numeric zone, `+0000`, not `Z`. */
const START = '2026-01-05T09:00:00.000+0000'

function userJson(user: SimUser): Record<string, unknown> {
  return {
    id: user.id,
    active: true,
    email: user.email,
    emailOptIn: false,
    firstName: user.firstName,
    lastName: user.lastName,
    lastLoginDate: START,
    customerId: user.customerId,
  }
}

function visibleModels(world: World, user: SimUser): ModelEngine[] {
  return world.tenant.models.filter((m) => roleOf(user, m) !== 'none')
}

function modelJson(
  c: SimContext,
  world: World,
  engine: ModelEngine,
  details: boolean,
): Record<string, unknown> {
  const info = engine.info
  const ws = world.tenant.workspaces.find((w) => w.id === info.workspaceId)
  const origin = new URL(c.req.url).origin
  const model: Record<string, unknown> = {
    id: info.id,
    name: info.name,
    activeState: info.activeState,
    currentWorkspaceId: info.workspaceId,
    currentWorkspaceName: ws?.name ?? '',
    modelUrl: `${origin}/anaplan/rt?selectedWorkspaceId=${info.workspaceId}&selectedModelId=${info.id}`,
    categoryValues: [],
  }
  if (details) {
    model.memoryUsage = 1_048_576 * (engine.lineItems().length + 1)
    model.lastSavedSerialNumber = '2000000'
    model.lastModifiedByUserGuid = world.tenant.users[0]?.id ?? ''
    model.isoCreationDate = START
    model.lastModified = START
  }
  return model
}

/** Open unless closed by `POST …/close` or archived (an archived model is offline). */
function isOpen(world: World, engine: ModelEngine): boolean {
  return !world.closedModels.has(engine.info.id) && engine.info.activeState !== 'ARCHIVED'
}

function isWorkspaceAdmin(world: World, user: SimUser, workspaceId: string): boolean {
  if (user.adminWorkspaces) return user.adminWorkspaces.includes(workspaceId)
  return world.tenant.models.some((m) => m.info.workspaceId === workspaceId && roleOf(user, m) === 'admin')
}

/** The bare `requestStatus` of a model: idle, closed or processing a task. */
export function requestStatus(state: SimState, world: World, engine: ModelEngine): Record<string, unknown> {
  const running = world.tasks.running(engine.info.id)
  const base = {
    creationTime: state.options.now(),
    exportTaskType: null,
    peakMemoryUsageEstimate: null,
    peakMemoryUsageTime: null,
  }
  if (running) {
    const kind = { imports: 'Import', exports: 'Export', processes: 'Process', actions: 'Action' }[
      running.kind
    ]
    const elapsed = state.options.now() - (running.stepStartedAt ?? running.creationTime)
    const step = Math.min(0.99, elapsed / Math.max(1, state.options.taskMs))
    return {
      ...base,
      currentStep: 'Processing ...',
      progress: Math.min(0.99, (running.stepsDone + step) / Math.max(1, running.steps)),
      taskId: running.taskId,
      tooltip: `The system is currently processing an ${kind}:\n\n${kind} started by user ${running.userEmail}\nTasks can be cancelled in Model Management.`,
      exportTaskType: running.kind === 'exports' ? 'EXPORT' : null,
    }
  }
  return {
    ...base,
    currentStep: world.closedModels.has(engine.info.id) ? 'Closed' : 'Open',
    progress: -1.0,
    taskId: null,
    tooltip: null,
  }
}

/** Registers users, workspaces and models routes. */
export function registerTenantRoutes(app: SimApp, state: SimState): void {
  app.get('/2/0/users/me', (c) => envelope(c, schemaUrl(c, 'user'), { user: userJson(c.get('user')) }))

  app.get('/2/0/users', (c) => {
    const world = c.get('world')
    return pagedEnvelope(c, schemaUrl(c, 'user'), 'users', world.tenant.users.map(userJson), {
      strict: true,
      fields: ['firstName', 'lastName', 'email', 'active', 'lastLoginDate'],
    })
  })

  app.get('/2/0/users/:userId', (c) => {
    const user = c.get('world').user(param(c, 'userId'))
    if (!user) throw new HttpError(404)
    return envelope(c, schemaUrl(c, 'user'), { user: userJson(user) })
  })

  const workspaceJson = (
    ws: World['tenant']['workspaces'][number],
    details: boolean,
  ): Record<string, unknown> => {
    const json: Record<string, unknown> = { id: ws.id, name: ws.name, active: ws.active }
    if (details) {
      json.sizeAllowance = ws.sizeAllowance
      json.currentSize = ws.currentSize
    }
    return json
  }

  app.get('/2/0/workspaces', (c) => {
    const world = c.get('world')
    const user = c.get('user')
    const list = world.tenant.workspaces.filter((w) => user.workspaces.includes(w.id))
    const details = boolQuery(c, 'tenantDetails')
    return pagedEnvelope(
      c,
      schemaUrl(c, 'workspace'),
      'workspaces',
      list.map((w) => workspaceJson(w, details)),
      { strict: true, fields: ['name', 'sizeAllowance'] },
    )
  })

  app.get('/2/0/workspaces/:workspaceId', (c) => {
    const world = c.get('world')
    const details = boolQuery(c, 'tenantDetails')
    const ws = world.tenant.workspaces.find((w) => w.id === param(c, 'workspaceId'))
    // Anaplan answers 404 to anyone who is not an administrator of the workspace.
    if (!ws || !isWorkspaceAdmin(world, c.get('user'), ws.id)) throw new HttpError(404)
    return envelope(c, schemaUrl(c, 'workspace'), { workspace: workspaceJson(ws, details) })
  })

  // Workspace members: administrators, and the other members ("visitors" in Anaplan's terms).
  const members = (c: SimContext, admins: boolean): Response => {
    const world = c.get('world')
    const ws = world.tenant.workspaces.find((w) => w.id === param(c, 'workspaceId'))
    if (!ws || !isWorkspaceAdmin(world, c.get('user'), ws.id)) throw new HttpError(404)
    const list = world.tenant.users
      .filter((u) => u.workspaces.includes(ws.id) && isWorkspaceAdmin(world, u, ws.id) === admins)
      .map(userJson)
    return pagedEnvelope(c, schemaUrl(c, 'user'), admins ? 'admins' : 'visitors', list)
  }
  app.get('/2/0/workspaces/:workspaceId/admins', (c) => members(c, true))
  app.get('/2/0/workspaces/:workspaceId/visitors', (c) => members(c, false))

  const listModels = (c: SimContext, workspaceId?: string): Response => {
    const world = c.get('world')
    const user = c.get('user')
    if (workspaceId !== undefined && !world.tenant.workspaces.some((w) => w.id === workspaceId)) {
      throw new HttpError(404)
    }
    const details = boolQuery(c, 'modelDetails')
    // A workspace's listing shows its NO ACCESS models too (their own endpoints answer 404); the
    // tenant-wide listing leaves them out (the OpenAPI description: "varies").
    const models =
      workspaceId !== undefined && user.workspaces.includes(workspaceId)
        ? world.tenant.models.filter((m) => m.info.workspaceId === workspaceId)
        : visibleModels(world, user).filter(
            (m) => workspaceId === undefined || m.info.workspaceId === workspaceId,
          )
    return pagedEnvelope(
      c,
      schemaUrl(c, 'model'),
      'models',
      models.map((m) => modelJson(c, world, m, details)),
      { strict: true, fields: ['name', 'activeState'] },
    )
  }
  app.get('/2/0/models', (c) => listModels(c))
  app.get('/2/0/workspaces/:workspaceId/models', (c) => listModels(c, param(c, 'workspaceId')))

  // Deletes closed models of the workspace; per-model failures with Anaplan's messages (OpenAPI).
  app.post('/2/0/workspaces/:workspaceId/bulkDeleteModels', async (c) => {
    const world = c.get('world')
    const user = c.get('user')
    const workspaceId = param(c, 'workspaceId')
    if (
      !world.tenant.workspaces.some((w) => w.id === workspaceId) ||
      !user.workspaces.includes(workspaceId)
    ) {
      throw new HttpError(404)
    }
    const body = await readJson(c)
    const ids = isRecord(body) ? body.modelIdsToDelete : undefined
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw new HttpError(400, "Expected mandatory field 'modelIdsToDelete': an array of model ids")
    }
    // Deleting models is for workspace administrators (our choice; the description says Standard User).
    if (!isWorkspaceAdmin(world, user, workspaceId)) throw new HttpError(403, 'Forbidden')
    const failures: { modelId: string; message: string }[] = []
    let deleted = 0
    for (const modelId of ids as string[]) {
      const i = world.tenant.models.findIndex(
        (m) => m.info.id === modelId.toUpperCase() && m.info.workspaceId === workspaceId,
      )
      if (i < 0) failures.push({ modelId, message: 'Model ID does not exist.' })
      else if (isOpen(world, world.tenant.models[i]!)) {
        failures.push({ modelId, message: 'Model is open. Please close the model before trying again.' })
      } else {
        world.tenant.models.splice(i, 1)
        deleted++
      }
    }
    return envelope(c, schemaUrl(c, 'bulkDeleteModels'), {
      modelsDeleted: deleted,
      bulkDeleteModelsFailures: failures,
    })
  })

  app.get('/2/0/models/:modelId', (c) => {
    const world = c.get('world')
    const details = boolQuery(c, 'modelDetails')
    const engine = world.model(param(c, 'modelId'))
    // Live tenants answer 200 here even for NO ACCESS models (reference §4.4).
    if (!engine || !c.get('user').workspaces.includes(engine.info.workspaceId)) throw new HttpError(404)
    const model = modelJson(c, world, engine, details)
    model.modelTransactionRunning = world.tasks.running(engine.info.id) !== undefined
    return envelope(c, schemaUrl(c, 'model', engine.info.id), { model })
  })

  for (const prefix of ['/2/0/models/:modelId', '/2/0/workspaces/:workspaceId/models/:modelId']) {
    app.get(`${prefix}/status`, async (c) => {
      const scope = await modelScope(state, c, { busyExempt: true, allowArchived: true })
      return c.json({ requestStatus: requestStatus(state, scope.world, scope.engine) })
    })
    app.post(`${prefix}/status`, async (c) => {
      const scope = await modelScope(state, c, { busyExempt: true, allowArchived: true })
      return envelope(c, schemaUrl(c, 'requestStatus', scope.modelId), {
        requestStatus: requestStatus(state, scope.world, scope.engine),
      })
    })
    app.post(`${prefix}/open`, async (c) => {
      const scope = await modelScope(state, c, { admin: true, busyExempt: true })
      scope.world.closedModels.delete(scope.modelId)
      return new Response(null, { status: 202 })
    })
    app.post(`${prefix}/close`, async (c) => {
      const scope = await modelScope(state, c, { admin: true, busyExempt: true })
      scope.world.closedModels.add(scope.modelId)
      return new Response(null, { status: 204 })
    })
  }
}
