/**
 * `runAnaplanAction`: runs an import, export, process or delete action by name or id, optionally
 * uploading the import's file first, and waits up to a deadline for the result. An action that
 * outlives the deadline is answered with its task id (202) and followed with the status route.
 *
 * Routes (all also under `/runAnaplanAction/...`):
 * - `POST /` or `POST /run`: JSON {@link RunInput}; or, with a non-JSON body (CSV, octet-stream),
 *   the parameters in the query string and the body uploaded as the import's file, chunk by chunk.
 * - `GET /tasks/:taskId?workspace&model&type&action`: status of a task (202 while running).
 * - `DELETE /tasks/:taskId?...`: cancels it.
 * - `GET /files/:file?workspace&model[&delivery]`: a file, e.g. an export's output.
 *
 * Files are streamed, or, with `EXPORT_BUCKET` set and the file larger than
 * `EXPORT_LINK_THRESHOLD_BYTES` (or `delivery: 'link'`), stored in Cloud Storage and answered with
 * a signed link (`download`); see `common/export-delivery.ts`.
 */
import * as z from 'zod/mini'
import type { ActionType, ImportDefinition, ModelScope, Task, TaskResult } from './common/anaplan.ts'
import { TimeoutError, ValidationError } from './common/anaplan.ts'
import {
  DELIVERY_MODES,
  type DeliveryMode,
  type DownloadLink,
  ExportDelivery,
  type ExportDeliveryOptions,
  fileContentType,
  readExportDeliveryConfig,
} from './common/export-delivery.ts'
import {
  createFunctionApp,
  type FunctionApp,
  parseInput,
  platformRemainingMs,
  readJson,
  requestDeadline,
} from './common/function-app.ts'
import { FunctionError } from './common/http-error.ts'
import type { FunctionRuntime } from './common/runtime.ts'

export const RUN_ANAPLAN_ACTION = 'runAnaplanAction'

/** How long a run waits when the caller says nothing (still capped by the platform timeout). */
export const DEFAULT_WAIT_MS = 25_000

const name = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(500))
const actionType = z.enum(['import', 'export', 'process', 'action'])

const fileContentShape = {
  /** Text, or base64 when `encoding` is `base64`. */
  content: z.string(),
  encoding: z._default(z.enum(['utf8', 'base64']), 'utf8'),
}
const fileContent = z.object(fileContentShape)

const runInput = z.strictObject({
  workspace: z.optional(name),
  model: name,
  action: name,
  type: z.optional(actionType),
  /** For an import: the content of the file it reads. */
  file: z.optional(fileContent),
  /** Files to upload before starting, by file name or id (e.g. for a process's imports). */
  files: z.optional(z.array(z.object({ ...fileContentShape, file: name })).check(z.maxLength(20))),
  /** Seconds to wait for the result; 0 answers with the task id at once. */
  waitSeconds: z.optional(z.number().check(z.gte(0), z.lte(3600))),
  /** Absolute epoch-ms deadline for the answer. */
  deadlineMs: z.optional(z.int().check(z.positive())),
  /** For an export: answer with the exported file itself when the task completes in time. */
  download: z.optional(z.boolean()),
  /** How to answer with the file (implies `download`): `link` needs a configured bucket. */
  delivery: z.optional(z.enum(DELIVERY_MODES)),
  localeName: z.optional(z.string().check(z.minLength(2), z.maxLength(20))),
  mappingParameters: z.optional(
    z.array(z.object({ entityType: name, entityName: name })).check(z.maxLength(100)),
  ),
})

/** The input of a run. */
export type RunInput = z.input<typeof runInput>

const taskQuery = z.strictObject({
  workspace: z.optional(name),
  model: name,
  type: z.optional(actionType),
  action: name,
})

const fileQuery = z.strictObject({
  workspace: z.optional(name),
  model: name,
  delivery: z.optional(z.enum(DELIVERY_MODES)),
})

/** The answer of a run or a status call. */
export interface ActionResponse {
  status: Task['taskState']
  taskId: string
  actionType: ActionType
  actionId: string
  actionName: string
  workspaceId: string
  modelId: string
  /** Present once the task is COMPLETE. */
  successful?: boolean
  result?: TaskResult
  /** Import failure dumps (CSV), when Anaplan produced some. */
  dumps?: { objectId: string; csv: string }[]
  /** Path (relative to the function) to ask for the status again. */
  statusPath: string
  /** For a completed export: path to download its file. */
  downloadPath?: string
  /** For an export delivered as a link: the signed URL to its copy in Cloud Storage. */
  download?: DownloadLink
}

export interface ActionFunctionOptions {
  /**
   * How files are delivered. @default read from `process.env` (`EXPORT_BUCKET`,
   * `EXPORT_LINK_THRESHOLD_BYTES`, `EXPORT_LINK_TTL_SECONDS`) with the `@google-cloud/storage` client
   */
  exportDelivery?: ExportDelivery | ExportDeliveryOptions
}

/** Builds the action function's app. */
export function createActionFunction(
  runtime: FunctionRuntime,
  options: ActionFunctionOptions = {},
): FunctionApp {
  const delivery =
    options.exportDelivery instanceof ExportDelivery
      ? options.exportDelivery
      : new ExportDelivery({
          ...readExportDeliveryConfig(process.env),
          now: runtime.now,
          logger: runtime.logger,
          ...options.exportDelivery,
        })
  return createFunctionApp({ name: RUN_ANAPLAN_ACTION, runtime }, (app) => {
    const run = async (req: Request, env: unknown): Promise<Response> => {
      const contentType = req.headers.get('content-type') ?? ''
      const isJson = contentType === '' || /\bjson\b/i.test(contentType)
      let input: z.output<typeof runInput>
      let rawFile: ReadableStream<Uint8Array> | undefined
      if (isJson) {
        input = parseInput(runInput, await readJson(req))
      } else {
        input = parseInput(
          runInput,
          queryObject(new URL(req.url), ['waitSeconds', 'deadlineMs'], ['download']),
        )
        if (!req.body) throw new FunctionError(400, 'invalid_input', 'The file body is empty')
        rawFile = req.body
      }
      const wait =
        input.waitSeconds !== undefined
          ? input.waitSeconds * 1000
          : input.deadlineMs !== undefined
            ? input.deadlineMs - runtime.now()
            : DEFAULT_WAIT_MS
      const deadline = Math.min(
        requestDeadline(runtime, wait, DEFAULT_WAIT_MS, platformRemainingMs(env)),
        input.deadlineMs ?? Number.POSITIVE_INFINITY,
      )
      const signal = req.signal
      if (input.delivery) delivery.assertSupported(input.delivery)
      const model = await runtime.client().model(modelRef(input), { signal })
      const { type, action } = await model.findAction(input.action, input.type, { signal })

      const chunk = runtime.config.uploadChunkBytes
      const uploadOptions = { signal, ...(chunk !== undefined ? { chunkSize: chunk } : {}) }
      if (input.file || rawFile) {
        if (type !== 'import') {
          throw new FunctionError(
            400,
            'invalid_input',
            `"file" is only for imports; ${action.name} is a ${type}: name each file with "files": [{ "file", "content" }]`,
          )
        }
        const source = await importDataSource(model, action.id)
        await model.upload(source, rawFile ?? decode(input.file!), uploadOptions)
      }
      for (const f of input.files ?? []) await model.upload(f.file, decode(f), uploadOptions)

      const task = await model.startTask(type, action.id, {
        signal,
        ...(input.localeName ? { localeName: input.localeName } : {}),
        ...(input.mappingParameters ? { mappingParameters: input.mappingParameters } : {}),
      })
      let final: Task = task
      if (deadline > runtime.now()) {
        try {
          final = await model.waitForTask(type, action.id, task.taskId, {
            deadline,
            signal,
            intervalMs: 250,
            maxIntervalMs: 5000,
          })
        } catch (error) {
          // Past the deadline the task keeps running in Anaplan: the caller follows it by id.
          if (!(error instanceof TimeoutError)) throw error
          runtime.logger.info({ taskId: task.taskId, action: action.name }, 'task outlived the wait')
        }
      }
      if (
        (input.download || input.delivery) &&
        type === 'export' &&
        final.taskState === 'COMPLETE' &&
        final.result?.successful
      ) {
        const file = (await model.listFiles({ signal })).find((f) => f.id === action.id)
        const out = await deliverFile(
          model,
          delivery,
          action.id,
          file?.name ?? action.name,
          input.delivery,
          signal,
        )
        if (out instanceof Response) return out
        return respond({ ...(await describe(model, type, action, final, signal)), download: out })
      }
      return respond(await describe(model, type, action, final, signal))
    }
    app.post('/', (c) => run(c.req.raw, c.env))
    app.post('/run', (c) => run(c.req.raw, c.env))

    app.get('/tasks/:taskId', async (c) => {
      const q = parseInput(taskQuery, queryObject(new URL(c.req.url)))
      const signal = c.req.raw.signal
      const model = await runtime.client().model(modelRef(q), { signal })
      const { type, action } = await model.findAction(q.action, q.type, { signal })
      const task = await model.getTask(type, action.id, taskIdOf(c.req.param('taskId')), { signal })
      return respond(await describe(model, type, action, task, signal))
    })

    app.delete('/tasks/:taskId', async (c) => {
      const q = parseInput(taskQuery, queryObject(new URL(c.req.url)))
      const signal = c.req.raw.signal
      const model = await runtime.client().model(modelRef(q), { signal })
      const { type, action } = await model.findAction(q.action, q.type, { signal })
      const task = await model.cancelTask(type, action.id, taskIdOf(c.req.param('taskId')), { signal })
      return respond(await describe(model, type, action, task, signal))
    })

    app.get('/files/:file', async (c) => {
      const q = parseInput(fileQuery, queryObject(new URL(c.req.url)))
      const signal = c.req.raw.signal
      const model = await runtime.client().model(modelRef(q), { signal })
      const files = await model.listFiles({ signal })
      const wanted = c.req.param('file')
      const file = files.find((f) => f.id === wanted) ?? files.find((f) => f.name === wanted)
      if (!file) throw new FunctionError(404, 'not_found', `No file "${wanted}" in the model`)
      const out = await deliverFile(model, delivery, file.id, file.name, q.delivery, signal)
      return out instanceof Response ? out : Response.json({ download: out })
    })
  })
}

function respond(body: ActionResponse): Response {
  const terminal = body.status === 'COMPLETE' || body.status === 'CANCELLED'
  return Response.json(body, { status: terminal ? 200 : 202 })
}

function modelRef(q: { workspace?: string | undefined; model: string }): {
  workspace?: string
  model: string
} {
  return q.workspace ? { workspace: q.workspace, model: q.model } : { model: q.model }
}

function taskIdOf(raw: string): string {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(raw))
    throw new FunctionError(400, 'invalid_input', 'taskId is not a task id')
  return raw
}

function decode(f: { content: string; encoding: 'utf8' | 'base64' }): Uint8Array | string {
  if (f.encoding === 'utf8') return f.content
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(f.content)) {
    throw new FunctionError(400, 'invalid_input', 'file.content is not valid base64')
  }
  return new Uint8Array(Buffer.from(f.content, 'base64'))
}

async function importDataSource(model: ModelScope, importId: string): Promise<string> {
  const imports = await model.listImports()
  const imp = imports.find((i: ImportDefinition) => i.id === importId)
  if (!imp?.importDataSourceId)
    throw new ValidationError(`The import ${importId} does not read an uploadable file`)
  return imp.importDataSourceId
}

/** Query parameters as an object; listed keys are converted to numbers or booleans for validation. */
function queryObject(url: URL, numbers: string[] = [], booleans: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of url.searchParams) {
    if (numbers.includes(k)) out[k] = v === '' ? v : Number(v)
    else if (booleans.includes(k))
      out[k] = v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v
    else out[k] = v
  }
  return out
}

async function describe(
  model: ModelScope,
  type: ActionType,
  action: { id: string; name: string },
  task: Task,
  signal: AbortSignal,
): Promise<ActionResponse> {
  const q = new URLSearchParams({
    workspace: model.workspaceId,
    model: model.modelId,
    type,
    action: action.id,
  })
  const out: ActionResponse = {
    status: task.taskState,
    taskId: task.taskId,
    actionType: type,
    actionId: action.id,
    actionName: action.name,
    workspaceId: model.workspaceId,
    modelId: model.modelId,
    statusPath: `/tasks/${encodeURIComponent(task.taskId)}?${q}`,
  }
  if (task.taskState === 'COMPLETE' && task.result) {
    out.successful = task.result.successful
    out.result = task.result
    const dumps = await dumpsOf(model, type, action.id, task, signal)
    if (dumps.length) out.dumps = dumps
    if (type === 'export' && task.result.successful) {
      const fq = new URLSearchParams({ workspace: model.workspaceId, model: model.modelId })
      out.downloadPath = `/files/${encodeURIComponent(action.id)}?${fq}`
    }
  }
  return out
}

async function dumpsOf(
  model: ModelScope,
  type: ActionType,
  actionId: string,
  task: Task,
  signal: AbortSignal,
): Promise<{ objectId: string; csv: string }[]> {
  const result = task.result
  if (!result) return []
  if (type === 'import' && result.failureDumpAvailable) {
    const csv = await model.getDump('import', actionId, task.taskId, undefined, { signal })
    return [{ objectId: result.objectId ?? actionId, csv }]
  }
  if (type !== 'process') return []
  const out: { objectId: string; csv: string }[] = []
  for (const nested of result.nestedResults ?? []) {
    if (nested.failureDumpAvailable && nested.objectId) {
      const csv = await model.getDump('process', actionId, task.taskId, nested.objectId, { signal })
      out.push({ objectId: nested.objectId, csv })
    }
  }
  return out
}

/** A model file as a streamed response, or as a signed link to its copy in Cloud Storage. */
async function deliverFile(
  model: ModelScope,
  delivery: ExportDelivery,
  fileId: string,
  fileName: string,
  mode: DeliveryMode | undefined,
  signal: AbortSignal,
): Promise<Response | DownloadLink> {
  const contentType = fileContentType(fileName, await exportFormat(model, fileId))
  const out = await delivery.deliver(
    { chunks: model.download(fileId, { signal }), name: fileName, contentType },
    mode ?? 'auto',
    signal,
  )
  return out.kind === 'stream' ? out.response : out.link
}

/** An export's file is the export's id; its definition says the format (`text/csv`...). */
async function exportFormat(model: ModelScope, fileId: string): Promise<string | undefined> {
  const exports = await model.listExports()
  return exports.find((e) => e.id === fileId)?.exportFormat
}
