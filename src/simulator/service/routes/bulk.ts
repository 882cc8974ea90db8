/**
 * Bulk resources (reference §5.3–§5.6): imports, exports, processes and actions with their
 * metadata, per-user files (chunked uploads streamed to disk, downloads streamed back), tasks and
 * failure dumps.
 */
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { type ModelScope, modelRoute, modelScope, param, type SimApp, type SimContext } from '../context.ts'
import { OUTPUT_CHUNK_BYTES } from '../file-store.ts'
import { envelope, HttpError, isRecord, pagedEnvelope, readJson, schemaUrl } from '../http.ts'
import type { SimState } from '../sim-state.ts'
import type { TaskKind, TaskRecord } from '../task-queue.ts'

const KINDS: TaskKind[] = ['imports', 'exports', 'processes', 'actions']

/** A file as the file list shows it to one user. */
interface FileView {
  json: Record<string, unknown>
  defaultContent?: string
}

function fileKey(scope: ModelScope, fileId: string) {
  return { modelId: scope.modelId, userId: scope.user.id, fileId }
}

function userChunkCount(scope: ModelScope, fileId: string, defaultContent?: string): number {
  const own = scope.world.files.chunkCount(fileKey(scope, fileId))
  if (own !== undefined) return own
  return defaultContent ? 1 : 0
}

/** Every file the user sees in a model: import data sources, export outputs, own private files. */
function filesOf(scope: ModelScope): Map<string, FileView> {
  const out = new Map<string, FileView>()
  for (const f of scope.engine.dataSourceFiles()) {
    const view: FileView = {
      json: {
        id: f.id,
        name: f.name,
        chunkCount: userChunkCount(scope, f.id, f.defaultContent),
        delimiter: f.delimiter,
        encoding: f.encoding,
        firstDataRow: f.firstDataRow,
        format: f.format,
        headerRow: f.headerRow,
        separator: f.separator,
      },
    }
    if (f.defaultContent !== undefined) view.defaultContent = f.defaultContent
    out.set(f.id, view)
  }
  for (const e of scope.engine.exports()) {
    out.set(e.id, {
      json: {
        id: e.id,
        name: e.name,
        chunkCount: userChunkCount(scope, e.id),
        firstDataRow: 0,
        headerRow: 0,
      },
    })
  }
  for (const p of scope.world.privateFiles.get(scope.modelId) ?? []) {
    if (p.ownerId !== scope.user.id) continue
    out.set(p.id, {
      json: {
        id: p.id,
        name: p.name,
        chunkCount: userChunkCount(scope, p.id),
        delimiter: '"',
        encoding: 'UTF-8',
        firstDataRow: 2,
        format: 'txt',
        headerRow: 1,
        separator: ',',
      },
    })
  }
  return out
}

function findFile(scope: ModelScope, fileId: string): FileView {
  const file = filesOf(scope).get(fileId)
  if (!file) throw new HttpError(404)
  return file
}

function isGzip(c: SimContext): boolean {
  const type = c.req.header('Content-Type') ?? ''
  const encoding = c.req.header('Content-Encoding') ?? ''
  return /gzip/i.test(type) || /gzip/i.test(encoding)
}

/**
 * The request body as a Node stream. Straight from the socket when nothing has touched it yet:
 * Node 20's `Readable.toWeb` (used for `Request.body`) ignores backpressure and would queue a
 * whole large upload in memory.
 */
function bodyStream(c: SimContext): Readable {
  const incoming = c.env?.incoming
  if (incoming && incoming.readableFlowing === null && !incoming.readableEnded) return incoming
  const body = c.req.raw.body
  return body ? Readable.fromWeb(body as NodeReadableStream<Uint8Array>) : Readable.from([])
}

/** A pull-driven web stream: reads the source only as fast as the client takes it. */
function pullStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

function chunkIndex(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `Invalid chunk id '${raw}'`)
  return Number(raw)
}

function octetStream(stream: AsyncIterable<Uint8Array>, size?: number): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' }
  if (size !== undefined) headers['Content-Length'] = String(size)
  return new Response(pullStream(stream), { status: 200, headers })
}

function chunkList(count: number): { id: string; name: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: String(i), name: `Chunk ${i}` }))
}

function splitDump(content: string): Buffer[] {
  const bytes = Buffer.from(content, 'utf8')
  const out: Buffer[] = []
  for (let i = 0; i < bytes.length; i += OUTPUT_CHUNK_BYTES)
    out.push(bytes.subarray(i, i + OUTPUT_CHUNK_BYTES))
  return out
}

function taskJson(task: TaskRecord, now: number, taskMs: number): Record<string, unknown> {
  const json: Record<string, unknown> = {
    type: 'taskInformation',
    taskId: task.taskId,
    taskState: task.state,
    creationTime: task.creationTime,
  }
  switch (task.state) {
    case 'NOT_STARTED':
      json.currentStep = 'Queued.'
      json.progress = 0
      break
    case 'IN_PROGRESS': {
      const step = Math.min(0.99, (now - (task.stepStartedAt ?? now)) / Math.max(1, taskMs))
      json.currentStep = `Processing ${task.objectName}.`
      json.progress = Math.min(0.99, (task.stepsDone + step) / Math.max(1, task.steps))
      break
    }
    case 'CANCELLING':
      json.currentStep = 'Cancelling.'
      json.progress = task.stepsDone / Math.max(1, task.steps)
      break
    case 'CANCELLED':
      json.currentStep = 'Cancelled.'
      json.progress = task.stepsDone / Math.max(1, task.steps)
      json.result = {
        successful: false,
        failureDumpAvailable: false,
        objectId: task.objectId,
        objectName: task.objectName,
      }
      break
    case 'COMPLETE':
      json.currentStep = task.result?.successful ? 'Complete.' : 'Failed.'
      json.progress = 1.0
      if (task.result) json.result = task.result
      break
  }
  if (task.cancelledBy) json.cancelledBy = task.cancelledBy
  return json
}

type MappingParameters = { entityType: string; entityName: string }[]

function parseTaskBody(body: unknown): MappingParameters | undefined {
  if (!isRecord(body)) throw new HttpError(400, 'Request body must be a JSON object')
  const { localeName, mappingParameters } = body
  if (typeof localeName !== 'string' || localeName.trim() === '') {
    throw new HttpError(400, "Expected mandatory field 'localeName' to be present and not empty.")
  }
  if (mappingParameters !== undefined) {
    if (
      !Array.isArray(mappingParameters) ||
      !mappingParameters.every(
        (p) => isRecord(p) && typeof p.entityType === 'string' && typeof p.entityName === 'string',
      )
    ) {
      throw new HttpError(400, "'mappingParameters' must be an array of {entityType, entityName}")
    }
    return mappingParameters.map((p) => ({ entityType: p.entityType, entityName: p.entityName }))
  }
  return undefined
}

/** The definition a task path names, or 404. */
function actionDef(
  scope: ModelScope,
  kind: TaskKind,
  id: string,
): { id: string; name: string; steps: number } {
  const e = scope.engine
  const def =
    kind === 'imports'
      ? e.imports().find((d) => d.id === id)
      : kind === 'exports'
        ? e.exports().find((d) => d.id === id)
        : kind === 'actions'
          ? e.actions().find((d) => d.id === id)
          : e.processes().find((d) => d.id === id)
  if (!def) throw new HttpError(404)
  const steps = kind === 'processes' ? Math.max(1, (def as { actions: string[] }).actions.length) : 1
  return { id: def.id, name: def.name, steps }
}

/** Registers imports, exports, processes, actions, files, tasks and dumps. */
export function registerBulkRoutes(app: SimApp, state: SimState): void {
  const exempt = { busyExempt: true }

  // The solver log of an optimizer action run by a task (its own, or a process's: `correlationId`).
  // Only the workspace form exists; below workspace admin is 403 before any id is looked at.
  app.get(
    '/2/0/workspaces/:workspaceId/models/:modelId/optimizeActions/:actionId/tasks/:correlationId/solutionLogs',
    async (c) => {
      const s = await modelScope(state, c, { ...exempt, admin: true })
      const log = s.world.solutionLogs.get(
        `${s.modelId}|${param(c, 'actionId')}|${param(c, 'correlationId')}`,
      )
      if (log === undefined) throw new HttpError(404)
      return c.body(log, 200, { 'Content-Type': 'text/plain;charset=UTF-8' })
    },
  )
  modelRoute(app, 'get', '/imports', async (c) => {
    const s = await modelScope(state, c, exempt)
    return pagedEnvelope(c, schemaUrl(c, 'import', s.modelId), 'imports', s.engine.imports())
  })
  modelRoute(app, 'get', '/imports/:importId', async (c) => {
    const s = await modelScope(state, c, exempt)
    return envelope(c, schemaUrl(c, 'importMetadata', s.modelId), {
      importMetadata: s.engine.importMetadata(param(c, 'importId')),
    })
  })
  modelRoute(app, 'get', '/exports', async (c) => {
    const s = await modelScope(state, c, exempt)
    return pagedEnvelope(c, schemaUrl(c, 'export', s.modelId), 'exports', s.engine.exports())
  })
  modelRoute(app, 'get', '/exports/:exportId', async (c) => {
    const s = await modelScope(state, c, exempt)
    return envelope(c, schemaUrl(c, 'exportMetadata', s.modelId), {
      exportMetadata: s.engine.exportMetadata(param(c, 'exportId')),
    })
  })
  modelRoute(app, 'get', '/processes', async (c) => {
    const s = await modelScope(state, c, exempt)
    const list = s.engine.processes().map(({ id, name, code }) => (code ? { id, name, code } : { id, name }))
    return pagedEnvelope(c, schemaUrl(c, 'process', s.modelId), 'processes', list)
  })
  modelRoute(app, 'get', '/processes/:processId', async (c) => {
    const s = await modelScope(state, c, exempt)
    return envelope(c, schemaUrl(c, 'processMetadata', s.modelId), {
      processMetadata: s.engine.processMetadata(param(c, 'processId')),
    })
  })
  modelRoute(app, 'get', '/actions', async (c) => {
    const s = await modelScope(state, c, exempt)
    return pagedEnvelope(c, schemaUrl(c, 'action', s.modelId), 'actions', s.engine.actions())
  })
  modelRoute(app, 'get', '/dashboards', async (c) => {
    const s = await modelScope(state, c, exempt)
    return pagedEnvelope(c, schemaUrl(c, 'dashboard', s.modelId), 'dashboards', [])
  })

  // Files: per user, on disk; not locked by running tasks (reference §8.2).
  modelRoute(app, 'get', '/files', async (c) => {
    const s = await modelScope(state, c, exempt)
    const list = [...filesOf(s).values()].map((f) => f.json)
    return pagedEnvelope(c, schemaUrl(c, 'file', s.modelId), 'files', list)
  })

  modelRoute(app, 'post', '/files/:fileId', async (c) => {
    const s = await modelScope(state, c, { ...exempt, write: true })
    const body = await readJson(c)
    if (!isRecord(body)) throw new HttpError(400, 'Request body must be a JSON object')
    const { chunkCount } = body
    if (typeof chunkCount !== 'number' || !Number.isInteger(chunkCount) || chunkCount < -1) {
      throw new HttpError(400, "Expected mandatory field 'chunkCount' to be an integer of -1 or more.")
    }
    let fileId = param(c, 'fileId')
    const files = filesOf(s)
    if (!files.has(fileId)) {
      // An unknown id creates a new private file (Anaplan Connect passes a file name here).
      const mine = s.world.privateFiles.get(s.modelId) ?? []
      const byName = mine.find((p) => p.ownerId === s.user.id && p.name === fileId)
      if (byName) fileId = byName.id
      else {
        const name = typeof body.name === 'string' && body.name !== '' ? body.name : fileId
        fileId = String(113_000_000_900 + ++s.world.privateFileSeq)
        mine.push({ id: fileId, name, ownerId: s.user.id })
        s.world.privateFiles.set(s.modelId, mine)
      }
    }
    await s.world.files.begin(fileKey(s, fileId), chunkCount)
    return envelope(c, schemaUrl(c, 'file', s.modelId), { file: findFile(s, fileId).json })
  })

  modelRoute(app, 'put', '/files/:fileId/chunks/:chunkId', async (c) => {
    const s = await modelScope(state, c, { ...exempt, write: true })
    const fileId = param(c, 'fileId')
    findFile(s, fileId)
    const index = chunkIndex(param(c, 'chunkId'))
    try {
      await s.world.files.putChunk(fileKey(s, fileId), index, bodyStream(c), isGzip(c))
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('Z_')) {
        throw new HttpError(400, 'The chunk is not valid gzip data')
      }
      throw error
    }
    return new Response(null, { status: 204 })
  })

  modelRoute(app, 'post', '/files/:fileId/complete', async (c) => {
    const s = await modelScope(state, c, { ...exempt, write: true })
    const fileId = param(c, 'fileId')
    findFile(s, fileId)
    const text = await c.req.text()
    if (text.trim() !== '') {
      try {
        if (!isRecord(JSON.parse(text))) throw new Error('not an object')
      } catch {
        throw new HttpError(400, 'Malformed JSON request body')
      }
    }
    s.world.files.complete(fileKey(s, fileId))
    return envelope(c, schemaUrl(c, 'file', s.modelId), { file: findFile(s, fileId).json })
  })

  modelRoute(app, 'get', '/files/:fileId/chunks', async (c) => {
    const s = await modelScope(state, c, exempt)
    const fileId = param(c, 'fileId')
    const file = findFile(s, fileId)
    const own = s.world.files.chunkIds(fileKey(s, fileId))
    const chunks = own
      ? own.map((i) => ({ id: String(i), name: `Chunk ${i}` }))
      : chunkList(file.defaultContent ? 1 : 0)
    return pagedEnvelope(c, schemaUrl(c, 'chunk', s.modelId), 'chunks', chunks)
  })

  modelRoute(app, 'get', '/files/:fileId/chunks/:chunkId', async (c) => {
    const s = await modelScope(state, c, exempt)
    const fileId = param(c, 'fileId')
    const file = findFile(s, fileId)
    const index = chunkIndex(param(c, 'chunkId'))
    const key = fileKey(s, fileId)
    if (s.world.files.chunkIds(key) === undefined && file.defaultContent && index === 0) {
      return octetStream(Readable.from([Buffer.from(file.defaultContent, 'utf8')]))
    }
    const stream = s.world.files.readChunk(key, index)
    if (!stream) throw new HttpError(404)
    return octetStream(stream)
  })

  modelRoute(app, 'get', '/files/:fileId', async (c) => {
    const s = await modelScope(state, c, exempt)
    const fileId = param(c, 'fileId')
    const file = findFile(s, fileId)
    const key = fileKey(s, fileId)
    const own = s.world.files.chunkIds(key)
    if (own && own.length > 0) return octetStream(s.world.files.readAll(key), await s.world.files.size(key))
    if (own === undefined && file.defaultContent) {
      const bytes = Buffer.from(file.defaultContent, 'utf8')
      return octetStream(Readable.from([bytes]), bytes.length)
    }
    // Anaplan answers 404 when the file has no content (reference §5.4).
    throw new HttpError(404)
  })

  modelRoute(app, 'put', '/files/:fileId', async (c) => {
    const s = await modelScope(state, c, { ...exempt, write: true })
    const fileId = param(c, 'fileId')
    findFile(s, fileId)
    await s.world.files.putWhole(fileKey(s, fileId), bodyStream(c))
    return new Response(null, { status: 204 })
  })

  modelRoute(app, 'delete', '/files/:fileId', async (c) => {
    const s = await modelScope(state, c, { ...exempt, write: true })
    const fileId = param(c, 'fileId')
    findFile(s, fileId)
    await s.world.files.delete(fileKey(s, fileId))
    return new Response(null, { status: 204 })
  })

  for (const kind of KINDS) {
    const idParam = { imports: 'importId', exports: 'exportId', processes: 'processId', actions: 'actionId' }[
      kind
    ]

    modelRoute(app, 'post', `/${kind}/:${idParam}/tasks`, async (c) => {
      const s = await modelScope(state, c, { ...exempt, write: true })
      const def = actionDef(s, kind, param(c, idParam))
      const mappingParameters = parseTaskBody(await readJson(c))
      const task = s.world.tasks.start({
        ...(mappingParameters ? { mappingParameters } : {}),
        kind,
        objectId: def.id,
        objectName: def.name,
        modelId: s.modelId,
        userId: s.user.id,
        userEmail: s.user.email,
        steps: def.steps,
      })
      s.world.stats.mutations.taskStarts++
      s.world.stats.tasks[def.id] = (s.world.stats.tasks[def.id] ?? 0) + 1
      return envelope(c, schemaUrl(c, 'task', s.modelId), {
        task: { taskId: task.taskId, taskState: task.state, creationTime: task.creationTime },
      })
    })

    modelRoute(app, 'get', `/${kind}/:${idParam}/tasks`, async (c) => {
      let s: ModelScope
      try {
        s = await modelScope(state, c, exempt)
      } catch (error) {
        // Task lists answer 200 with no tasks for unknown parents and NO ACCESS (reference §4.4).
        if (error instanceof HttpError && error.status === 404) {
          return pagedEnvelope(c, schemaUrl(c, 'task', param(c, 'modelId')), 'tasks', [])
        }
        throw error
      }
      const tasks = s.world.tasks
        .list(kind, param(c, idParam))
        .filter((t) => t.modelId === s.modelId)
        .map((t) => ({ taskId: t.taskId, taskState: t.state, creationTime: t.creationTime }))
      return pagedEnvelope(c, schemaUrl(c, 'task', s.modelId), 'tasks', tasks)
    })

    const scopedTask = (s: ModelScope, c: SimContext): TaskRecord => {
      const task = s.world.tasks.get(param(c, 'taskId'))
      // A task id only resolves under the action it was started for (reference §5.5).
      if (!task || task.kind !== kind || task.objectId !== param(c, idParam) || task.modelId !== s.modelId) {
        throw new HttpError(404)
      }
      return task
    }

    modelRoute(app, 'get', `/${kind}/:${idParam}/tasks/:taskId`, async (c) => {
      const s = await modelScope(state, c, exempt)
      const task = scopedTask(s, c)
      return envelope(c, schemaUrl(c, 'task', s.modelId), {
        task: taskJson(task, state.options.now(), state.options.taskMs),
      })
    })

    modelRoute(app, 'delete', `/${kind}/:${idParam}/tasks/:taskId`, async (c) => {
      const s = await modelScope(state, c, { ...exempt, write: true })
      const task = scopedTask(s, c)
      s.world.tasks.cancel(task.taskId, s.user.email)
      return envelope(c, schemaUrl(c, 'task', s.modelId), {
        task: taskJson(task, state.options.now(), state.options.taskMs),
      })
    })
  }

  // Failure dumps: per user, only the latest failing task keeps one (reference §5.6).
  const importDump = async (c: SimContext): Promise<{ s: ModelScope; chunks: Buffer[] }> => {
    const s = await modelScope(state, c, exempt)
    const importId = param(c, 'importId')
    const dump = s.world.dumps.get(s.world.dumpKey(s.modelId, s.user.id, importId))
    if (!dump || dump.taskId !== param(c, 'taskId')) throw new HttpError(404)
    return { s, chunks: splitDump(dump.content) }
  }
  const processDump = async (c: SimContext): Promise<{ s: ModelScope; chunks: Buffer[] }> => {
    const s = await modelScope(state, c, exempt)
    const objectId = param(c, 'objectId')
    const dump = s.world.dumps.get(s.world.dumpKey(s.modelId, s.user.id, objectId))
    const task = s.world.tasks.get(param(c, 'taskId'))
    if (!dump || !task || task.objectId !== param(c, 'processId') || dump.taskId !== task.taskId) {
      throw new HttpError(404)
    }
    return { s, chunks: splitDump(dump.content) }
  }
  const textChunk = (c: SimContext, chunks: Buffer[]): Response => {
    const chunk = chunks[chunkIndex(param(c, 'chunkId'))]
    if (!chunk) throw new HttpError(404)
    return c.body(new Uint8Array(chunk), 200, { 'Content-Type': 'text/plain; charset=UTF-8' })
  }
  const chunkEnvelope = (c: SimContext, s: ModelScope, chunks: Buffer[]): Response =>
    pagedEnvelope(c, schemaUrl(c, 'chunk', s.modelId), 'chunks', chunkList(chunks.length))

  modelRoute(app, 'get', '/imports/:importId/tasks/:taskId/dump', async (c) => {
    const { chunks } = await importDump(c)
    return c.body(new Uint8Array(Buffer.concat(chunks)), 200, { 'Content-Type': 'text/plain; charset=UTF-8' })
  })
  modelRoute(app, 'get', '/imports/:importId/tasks/:taskId/dump/chunks', async (c) => {
    const { s, chunks } = await importDump(c)
    return chunkEnvelope(c, s, chunks)
  })
  modelRoute(app, 'get', '/imports/:importId/tasks/:taskId/dump/chunks/:chunkId', async (c) =>
    textChunk(c, (await importDump(c)).chunks),
  )
  modelRoute(app, 'get', '/processes/:processId/tasks/:taskId/dumps/:objectId', async (c) => {
    const { chunks } = await processDump(c)
    return c.body(new Uint8Array(Buffer.concat(chunks)), 200, { 'Content-Type': 'text/plain; charset=UTF-8' })
  })
  modelRoute(app, 'get', '/processes/:processId/tasks/:taskId/dumps/:objectId/chunks', async (c) => {
    const { s, chunks } = await processDump(c)
    return chunkEnvelope(c, s, chunks)
  })
  modelRoute(app, 'get', '/processes/:processId/tasks/:taskId/dumps/:objectId/chunks/:chunkId', async (c) =>
    textChunk(c, (await processDump(c)).chunks),
  )
}
