/**
 * Everything that happens inside one model: bulk actions and tasks, files and dumps, and the
 * transactional API. Selectors take a name, a code or an id (resolved through `core/names.ts`
 * against listings cached per client).
 */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type {
  ActionDefinition,
  ActionType,
  AnaplanFile,
  CellValue,
  CellWrite,
  CellWriteResult,
  CurrentPeriod,
  DownloadOptions,
  ExportDefinition,
  ImportDefinition,
  ItemFailure,
  LargeReadOptions,
  LineItem,
  ListItem,
  ListItemInput,
  ListWriteResult,
  ModelCalendar,
  ModelScope,
  Module,
  NamedObject,
  PageSelection,
  PollOptions,
  ReadRequest,
  RequestOptions,
  RunOptions,
  RunResult,
  Selector,
  StartTaskOptions,
  Task,
  TaskResult,
  UploadOptions,
  UploadSource,
  Version,
  View,
  ViewData,
  ViewMetadata,
  ViewReadLargeOptions,
} from '../api.ts'
import type { CatalogOptions, ModelCatalog } from '../catalog.ts'
import { LINE_ITEMS_DIMENSION_ID } from '../core/catalog-build.ts'
import { type Nameable, normalizeName, resolveName } from '../core/names.ts'
import { pollTask } from '../core/polling.ts'
import {
  AnaplanError,
  ConnectionError,
  NameResolutionError,
  ProtocolError,
  ReadRequestFailedError,
  ServerError,
  TaskFailedError,
  TimeoutError,
  ValidationError,
} from '../errors.ts'
import { path } from '../internal/path.ts'
import { sleep as defaultSleep } from '../internal/sleep.ts'
import { CatalogResource } from './catalog.ts'
import { arrayOf, listAll, objectOf, taskOf } from './envelope.ts'
import { downloadFile, uploadFile } from './files.ts'
import { rethrowReadLimit } from './read-limit.ts'
import { ModelAddress, requestOptions as reqOpts, type ScopeHost } from './resource.ts'

export {
  LINE_ITEMS_DIMENSION_ID,
  shortViewName,
  TIME_DIMENSION_ID,
  VERSIONS_DIMENSION_ID,
} from '../core/catalog-build.ts'
export type { ScopeHost } from './resource.ts'

const PLURAL: Record<ActionType, string> = {
  import: 'imports',
  export: 'exports',
  process: 'processes',
  action: 'actions',
}

/** Bytes `downloadToFile` queues for the disk before it waits for a drain. */
const WRITE_BUFFER = 1024 * 1024

/** Anaplan's per-call limits for transactional writes. */
export const LIST_BATCH = 100_000
export const CELL_BATCH = 100_000
export const CELL_BATCH_BYTES = 15 * 1024 * 1024

/**
 * True when a failed non-idempotent request may have been acted on by the server: our timeout, a
 * connection lost after sending, or a 5xx.
 */
export function isAmbiguousFailure(e: unknown): boolean {
  if (e instanceof TimeoutError) return e.phase === 'response'
  if (e instanceof ConnectionError) return e.phase === 'response'
  return e instanceof ServerError
}

export class ModelScopeImpl implements ModelScope {
  readonly workspaceName?: string
  readonly modelName?: string
  /** `/workspaces/{ws}/models/{m}` */
  readonly #ws: string
  /** `/models/{m}` */
  readonly #m: string

  constructor(
    private readonly host: ScopeHost,
    readonly workspaceId: string,
    readonly modelId: string,
    names: { workspaceName?: string; modelName?: string },
  ) {
    const address = new ModelAddress(workspaceId, modelId, names.modelName)
    this.#ws = address.ws
    this.#m = address.m
    if (names.workspaceName !== undefined) this.workspaceName = names.workspaceName
    if (names.modelName !== undefined) this.modelName = names.modelName
    this.#catalog = new CatalogResource(host, address, {
      modules: (o) => this.listModules(o),
      lineItems: (o) => this.listLineItems(undefined, { ...o, includeAll: true }),
      lists: (o) => this.listLists(o),
      listMetadata: async (id, o) => {
        const res = await this.host.request({ method: 'GET', path: `${this.#ws}${path`/lists/${id}`}` }, o)
        return objectOf<Record<string, unknown>>(res.data, 'metadata', 'list metadata')
      },
      listItems: (id, o) => this.#listItemsById(id, o),
      views: (o) => this.listViews(o),
      viewMetadata: (id, o) => this.#fetchViewMetadata(id, o),
      lineItemDimensionItems: async (lineItemId, dimensionId, o) => {
        const res = await this.host.request(
          {
            method: 'GET',
            path: `${this.#m}${path`/lineItems/${lineItemId}/dimensions/${dimensionId}/items`}`,
          },
          o,
        )
        return arrayOf<NamedObject>(res.data, 'items')
      },
      versions: (o) => this.versions(o),
      calendar: (o) => this.modelCalendar(o),
      actions: (type, o) => this.listActions(type, o),
      files: (o) => this.listFiles(o),
    })
  }

  readonly #catalog: CatalogResource

  /**
   * The model's names in one object, read once per TTL and shared by every scope of this client
   * (and the scope's own name resolution). Concurrent callers share one fetch; failures are not kept.
   * @example const { lineItems, lists, periods } = await model.catalog()
   */
  catalog(options?: CatalogOptions & RequestOptions): Promise<ModelCatalog> {
    return this.#catalog.get(options)
  }

  /** Forgets the cached catalog, e.g. after the model's structure changed outside this client. */
  invalidateCatalog(): void {
    this.#catalog.invalidate()
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return (this.host.options.sleep ?? defaultSleep)(ms, signal)
  }

  // ------------------------------------------------------------------ bulk: actions

  /** @example const imports = await model.listActions('import') */
  listActions(type: ActionType, options?: RequestOptions): Promise<NamedObject[]> {
    const key = PLURAL[type]
    if (!key) throw new ValidationError(`Unknown action type "${String(type)}"`)
    return listAll<NamedObject>(this.host, { path: `${this.#m}/${key}` }, key, reqOpts(options))
  }

  /** @example await model.listImports() */
  listImports(options?: RequestOptions): Promise<ImportDefinition[]> {
    return this.listActions('import', options) as Promise<ImportDefinition[]>
  }
  /** @example await model.listExports() */
  listExports(options?: RequestOptions): Promise<ExportDefinition[]> {
    return this.listActions('export', options) as Promise<ExportDefinition[]>
  }
  /** @example await model.listProcesses() */
  listProcesses(options?: RequestOptions): Promise<NamedObject[]> {
    return this.listActions('process', options)
  }
  /** "Other" actions such as delete-by-selection. @example await model.listOtherActions() */
  listOtherActions(options?: RequestOptions): Promise<ActionDefinition[]> {
    return this.listActions('action', options) as Promise<ActionDefinition[]>
  }

  /**
   * Metadata of one action (`importMetadata`, `exportMetadata`, `processMetadata`...).
   * @example const meta = await model.actionMetadata('process', 'Monthly Refresh')
   */
  async actionMetadata(type: Exclude<ActionType, 'action'>, nameOrId: Selector, options?: RequestOptions) {
    const { action } = await this.findAction(nameOrId, type, options)
    const res = await this.host.request(
      { method: 'GET', path: `${this.#m}/${PLURAL[type]}${path`/${action.id}`}` },
      reqOpts(options),
    )
    return objectOf<Record<string, unknown>>(res.data, `${type}Metadata`)
  }

  /**
   * Resolves an action by name or id, in one type or across all four.
   * @throws {NameResolutionError} When unknown, or when the name exists in several types.
   * @example const { type, action } = await model.findAction('Monthly Refresh')
   */
  findAction(
    nameOrId: Selector,
    type?: ActionType,
    options?: RequestOptions,
  ): Promise<{ type: ActionType; action: NamedObject }> {
    return this.#catalog.action(nameOrId, type, reqOpts(options))
  }

  #tasksPath(type: ActionType, actionId: string): string {
    const key = PLURAL[type]
    if (!key) throw new ValidationError(`Unknown action type "${String(type)}"`)
    return `${this.#ws}/${key}${path`/${actionId}/tasks`}`
  }

  /**
   * Starts a task. After an ambiguous failure (timeout, dropped connection, 5xx) the POST is not
   * re-sent: the action's tasks are listed and one created after our request began is adopted, so an
   * import never runs twice. Without such a task the original error is thrown.
   * @example const task = await model.startTask('import', importId, { localeName: 'en_US' })
   */
  async startTask(type: ActionType, actionId: string, options: StartTaskOptions = {}): Promise<Task> {
    const body: { localeName: string; mappingParameters?: StartTaskOptions['mappingParameters'] } = {
      localeName: options.localeName ?? 'en_US',
    }
    if (options.mappingParameters?.length) body.mappingParameters = options.mappingParameters
    const started = this.host.now()
    const tasksPath = this.#tasksPath(type, actionId)
    try {
      const res = await this.host.request(
        { method: 'POST', path: tasksPath, body, idempotent: false },
        reqOpts(options),
      )
      return taskOf(res.data)
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error
      const adopted = await this.#reconcile(type, actionId, started, options).catch(() => undefined)
      if (!adopted) throw error
      this.host.options.logger?.info(
        { actionType: type, actionId, taskId: adopted.taskId },
        'adopted the task created by an ambiguous start',
      )
      return adopted
    }
  }

  async #reconcile(type: ActionType, actionId: string, started: number, options: RequestOptions) {
    const skew = this.host.options.reconcileSkewMs ?? 1000
    const { deadline, signal } = options
    const tasks = await this.listTasks(type, actionId, {
      ...(signal ? { signal } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
    })
    const mine = tasks
      .filter((t) => typeof t.creationTime === 'number' && t.creationTime >= started - skew)
      .sort((a, b) => (a.creationTime ?? 0) - (b.creationTime ?? 0))
    return mine[0]
  }

  /** @example const t = await model.getTask('export', exportId, taskId) */
  async getTask(type: ActionType, actionId: string, taskId: string, options?: RequestOptions): Promise<Task> {
    const res = await this.host.request(
      { method: 'GET', path: `${this.#tasksPath(type, actionId)}${path`/${taskId}`}` },
      reqOpts(options),
    )
    return taskOf(res.data)
  }

  /** Tasks of one action, oldest first. @example await model.listTasks('import', importId) */
  listTasks(type: ActionType, actionId: string, options?: RequestOptions): Promise<Task[]> {
    return listAll<Task>(
      this.host,
      { path: this.#tasksPath(type, actionId) },
      ['tasks', 'task'],
      reqOpts(options),
    )
  }

  /** Asks Anaplan to cancel (roll back) a running task. @example await model.cancelTask('import', id, taskId) */
  async cancelTask(
    type: ActionType,
    actionId: string,
    taskId: string,
    options?: RequestOptions,
  ): Promise<Task> {
    const res = await this.host.request(
      { method: 'DELETE', path: `${this.#tasksPath(type, actionId)}${path`/${taskId}`}` },
      reqOpts(options),
    )
    const b = res.data as { task?: Task; taskId?: string } | undefined
    if (b?.task?.taskId || b?.taskId) return taskOf(b)
    return this.getTask(type, actionId, taskId, options)
  }

  /**
   * Polls until COMPLETE or CANCELLED (intervals grow ×1.5 from `intervalMs` to `maxIntervalMs`).
   * Returns the final task whether or not it succeeded, unless `throwOnFailure` is set.
   * @throws {TimeoutError} Past `deadline`. {@link TaskFailedError} with `throwOnFailure`.
   * @example const done = await model.waitForTask('import', importId, task.taskId, { deadline: Date.now() + 60_000 })
   */
  async waitForTask(
    type: ActionType,
    actionId: string,
    taskId: string,
    options: PollOptions & { throwOnFailure?: boolean } = {},
  ): Promise<Task> {
    const ro = reqOpts(options)
    const task = await pollTask(() => this.getTask(type, actionId, taskId, ro), {
      now: () => this.host.now(),
      sleep: (ms, s) => this.#sleep(ms, s),
      label: `${type} task`,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(options.maxIntervalMs !== undefined ? { maxIntervalMs: options.maxIntervalMs } : {}),
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    })
    if (options.throwOnFailure && task.result && !task.result.successful) {
      throw new TaskFailedError(failureMessage(type, task), { task: task.result, taskId: task.taskId })
    }
    return task
  }

  /**
   * Runs an action end to end: uploads `file` to the import's data source, starts the task (safe
   * against ambiguous failures), polls it, and fetches failure dumps.
   * @throws {TaskFailedError} When the task completes unsuccessfully (unless `throwOnFailure: false`).
   * @example const r = await model.run('import', 'Load Actuals', { file: csvText })
   */
  async run(type: ActionType, nameOrId: Selector, options: RunOptions = {}): Promise<RunResult> {
    const { type: t, action } = await this.findAction(nameOrId, type, options)
    const ro = reqOpts(options)
    if (options.file !== undefined) {
      const fileId = await this.#dataSourceFor(t, action.id, ro)
      await this.upload(fileId, options.file, ro)
    }
    const start: StartTaskOptions = { ...ro }
    if (options.localeName) start.localeName = options.localeName
    if (options.mappingParameters) start.mappingParameters = options.mappingParameters
    const task = await this.startTask(t, action.id, start)
    const poll: PollOptions = { ...ro }
    if (options.intervalMs !== undefined) poll.intervalMs = options.intervalMs
    if (options.maxIntervalMs !== undefined) poll.maxIntervalMs = options.maxIntervalMs
    if (options.onProgress) poll.onProgress = options.onProgress
    const final = await this.waitForTask(t, action.id, task.taskId, poll)
    const result: RunResult = {
      actionType: t,
      actionId: action.id,
      actionName: action.name,
      task: final,
      successful: final.taskState === 'COMPLETE' && final.result?.successful === true,
    }
    if (options.fetchDumps !== false && final.result && (t === 'import' || t === 'process')) {
      const dumps = await this.#dumpsOf(t, action.id, final.taskId, final.result, ro)
      if (dumps.length) result.dumps = dumps
    }
    if (!result.successful && options.throwOnFailure !== false) {
      throw new TaskFailedError(failureMessage(t, final, action.name), {
        task: final.result ?? { successful: false, failureDumpAvailable: false },
        taskId: final.taskId,
        ...(result.dumps ? { dumps: result.dumps } : {}),
      })
    }
    return result
  }

  /** The file an import reads, or the first uploaded file read by a process's imports. */
  async #dataSourceFor(type: ActionType, actionId: string, ro: RequestOptions): Promise<string> {
    if (type === 'import') {
      const imp = (await this.#catalog.actions('import', ro)).find((a) => a.id === actionId) as
        | ImportDefinition
        | undefined
      if (imp?.importDataSourceId) return imp.importDataSourceId
    }
    if (type === 'process') {
      const meta = await this.actionMetadata('process', actionId, ro)
      const actions = (meta.actions ?? []) as { importDataSourceId?: string }[]
      const src = actions.find((a) => a.importDataSourceId?.startsWith('113'))?.importDataSourceId
      if (src) return src
    }
    throw new ValidationError(`The ${type} ${actionId} does not read an uploadable file`)
  }

  async #dumpsOf(
    type: 'import' | 'process',
    actionId: string,
    taskId: string,
    result: TaskResult,
    ro: RequestOptions,
  ): Promise<{ objectId: string; csv: string }[]> {
    const out: { objectId: string; csv: string }[] = []
    if (type === 'import') {
      if (result.failureDumpAvailable) {
        out.push({
          objectId: result.objectId ?? actionId,
          csv: await this.getDump('import', actionId, taskId, undefined, ro),
        })
      }
      return out
    }
    for (const nested of result.nestedResults ?? []) {
      if (nested.failureDumpAvailable && nested.objectId) {
        out.push({
          objectId: nested.objectId,
          csv: await this.getDump('process', actionId, taskId, nested.objectId, ro),
        })
      }
    }
    return out
  }

  /**
   * A failure dump (CSV text), read chunk by chunk: an import's own, or a nested import's within a
   * process task (`nestedObjectId`).
   * @example const csv = await model.getDump('import', importId, taskId)
   */
  async getDump(
    type: 'import' | 'process',
    actionId: string,
    taskId: string,
    nestedObjectId?: string,
    options?: RequestOptions,
  ): Promise<string> {
    const ro = reqOpts(options)
    let base: string
    if (type === 'process') {
      if (!nestedObjectId) throw new ValidationError('A process dump needs the nested object id')
      base = `${this.#tasksPath('process', actionId)}${path`/${taskId}/dumps/${nestedObjectId}`}`
    } else {
      base = `${this.#tasksPath('import', actionId)}${path`/${taskId}/dump`}`
    }
    const chunks = await listAll<{ id: string }>(this.host, { path: `${base}/chunks` }, 'chunks', ro)
    const decoder = new TextDecoder()
    let text = ''
    for (const c of chunks) {
      const res = await this.host.request<Uint8Array>(
        { method: 'GET', path: `${base}/chunks${path`/${c.id}`}`, accept: 'text/plain', parse: 'bytes' },
        ro,
      )
      text += decoder.decode(res.data, { stream: true })
    }
    return text + decoder.decode()
  }

  // ------------------------------------------------------------------ files

  /** Files of the model (import data sources and export outputs). @example await model.listFiles() */
  listFiles(options?: RequestOptions): Promise<AnaplanFile[]> {
    return listAll<AnaplanFile>(this.host, { path: `${this.#ws}/files` }, 'files', reqOpts(options))
  }

  async #fileId(selector: Selector, options?: RequestOptions): Promise<string> {
    if (typeof selector !== 'string') return selector.id
    const nameOrId = selector
    const files = await this.#catalog.files(reqOpts(options))
    try {
      return resolveName('file', files, nameOrId).id
    } catch (error) {
      // An export's output file has the export's id; it may not be listed before the first run.
      if (!(error instanceof NameResolutionError) || error.reason !== 'not_found') throw error
      const exports = await this.#catalog.actions('export', reqOpts(options))
      const hit = exports.find(
        (e) => e.id === nameOrId.trim() || e.name.toLowerCase() === nameOrId.trim().toLowerCase(),
      )
      if (hit) return hit.id
      if (/^11[36]\d{9}$/.test(nameOrId.trim())) return nameOrId.trim()
      throw error
    }
  }

  /**
   * Uploads into a file (by name or id) in chunks of `chunkSize` (1–50 MB), gzip by default.
   * @example await model.upload('actuals.csv', { path: './actuals.csv' })
   */
  async upload(
    fileNameOrId: Selector,
    source: UploadSource,
    options: UploadOptions = {},
  ): Promise<AnaplanFile> {
    const id = await this.#fileId(fileNameOrId, options)
    const file = await uploadFile(this.host, this.#ws, id, source, options)
    this.#catalog.invalidateFiles()
    return file
  }

  /**
   * Streams a file's bytes as they arrive, chunk after chunk (an export's output has the export's id
   * or name). Pieces are socket-sized, not chunk-sized; a chunk whose body fails midway is re-fetched
   * and resumed where it stopped, so no byte is yielded twice.
   * @example for await (const bytes of model.download('Revenue Export')) out.write(bytes)
   */
  async *download(fileNameOrId: Selector, options: DownloadOptions = {}): AsyncIterable<Uint8Array> {
    const id = await this.#fileId(fileNameOrId, options)
    yield* downloadFile(this.host, this.#ws, id, options)
  }

  /**
   * Downloads to `filePath`, writing each piece as it arrives (memory stays at the write buffer and
   * the sockets' buffers, whatever the chunk size); returns the bytes written. A partial file is
   * removed on failure or abort.
   * @example const n = await model.downloadToFile('Revenue Export', '/tmp/revenue.csv')
   */
  async downloadToFile(
    fileNameOrId: Selector,
    filePath: string,
    options: DownloadOptions = {},
  ): Promise<number> {
    // A write buffer larger than the 16 KiB default lets the disk write overlap the next network read.
    const out = createWriteStream(filePath, { highWaterMark: WRITE_BUFFER })
    let written = 0
    try {
      for await (const chunk of this.download(fileNameOrId, options)) {
        written += chunk.byteLength
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve))
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
      return written
    } catch (error) {
      // The file is opened asynchronously: removing it before the stream has closed could race its
      // open and leave the partial file behind.
      const closed = out.closed ? Promise.resolve() : once(out, 'close')
      out.destroy()
      await closed.catch(() => undefined)
      await rm(filePath, { force: true })
      if (error instanceof AnaplanError) throw error
      throw new AnaplanError(`Could not write ${filePath}`, { cause: error })
    }
  }

  /** Removes the user's uploaded content of a file. @example await model.deleteFile('actuals.csv') */
  async deleteFile(fileNameOrId: Selector, options?: RequestOptions): Promise<void> {
    const id = await this.#fileId(fileNameOrId, options)
    await this.host.request(
      { method: 'DELETE', path: `${this.#ws}${path`/files/${id}`}`, parse: 'none' },
      reqOpts(options),
    )
    this.#catalog.invalidateFiles()
  }

  // ------------------------------------------------------------------ transactional: structure

  /** @example const modules = await model.listModules() */
  listModules(options?: RequestOptions): Promise<Module[]> {
    return listAll<Module>(this.host, { path: `${this.#m}/modules` }, 'modules', reqOpts(options))
  }

  #module(nameOrId: Selector, options?: RequestOptions): Promise<Module> {
    return this.#catalog.module(nameOrId, reqOpts(options))
  }

  /**
   * Line items of one module, or of every module the user can read.
   * @example const items = await model.listLineItems('REV01 Revenue')
   */
  async listLineItems(
    moduleNameOrId?: Selector,
    options?: RequestOptions & { includeAll?: boolean },
  ): Promise<LineItem[]> {
    const q = options?.includeAll ? { query: { includeAll: true } } : {}
    if (moduleNameOrId) {
      const mod = await this.#module(moduleNameOrId, options)
      return listAll<LineItem>(
        this.host,
        { path: `${this.#m}${path`/modules/${mod.id}/lineItems`}`, ...q },
        'items',
        reqOpts(options),
      )
    }
    return listAll<LineItem>(this.host, { path: `${this.#m}/lineItems`, ...q }, 'items', reqOpts(options))
  }

  /**
   * Resolves a line item; `"Module.Line item"` picks one when a name exists in several modules.
   */
  #lineItem(nameOrId: Selector, options?: RequestOptions): Promise<LineItem> {
    return this.#catalog.lineItem(nameOrId, reqOpts(options))
  }

  /** Dimensions a line item applies to (Time and Versions included). @example await model.lineItemDimensions('Units') */
  async lineItemDimensions(lineItemNameOrId: Selector, options?: RequestOptions): Promise<NamedObject[]> {
    const li = await this.#lineItem(lineItemNameOrId, options)
    const res = await this.host.request(
      { method: 'GET', path: `${this.#m}${path`/lineItems/${li.id}/dimensions`}` },
      reqOpts(options),
    )
    return arrayOf<NamedObject>(res.data, 'dimensions')
  }

  /** Saved and default views. @example await model.listViews() */
  listViews(options?: RequestOptions): Promise<View[]> {
    return listAll<View>(this.host, { path: `${this.#m}/views` }, 'views', reqOpts(options))
  }

  #view(nameOrId: Selector, options?: RequestOptions): Promise<{ id: string; name: string }> {
    return this.#catalog.view(nameOrId, reqOpts(options))
  }

  /** Rows, columns and pages of a view. @example const meta = await model.viewMetadata('Revenue by Region') */
  async viewMetadata(viewNameOrId: Selector, options?: RequestOptions): Promise<ViewMetadata> {
    const view = await this.#view(viewNameOrId, options)
    return this.#viewMetadataById(view.id, options)
  }

  #viewMetadataById(viewId: string, options?: RequestOptions): Promise<ViewMetadata> {
    return this.#catalog.viewMetadata(viewId, reqOpts(options))
  }

  async #fetchViewMetadata(viewId: string, options: RequestOptions): Promise<ViewMetadata> {
    const res = await this.host.request(
      { method: 'GET', path: `${this.#m}${path`/views/${viewId}`}` },
      options,
    )
    const b = (res.data ?? {}) as ViewMetadata & { meta?: unknown; status?: unknown }
    const out: ViewMetadata = { viewId: String(b.viewId ?? viewId), viewName: b.viewName ?? '' }
    if (b.rows) out.rows = b.rows
    if (b.columns) out.columns = b.columns
    if (b.pages) out.pages = b.pages
    return out
  }

  /**
   * Turns `{ Products: 'Widgets', Versions: 'Forecast' }` into Anaplan's `pages=dimId:itemId,…`.
   * Dimensions must be page dimensions of the view; items match by name, id or code.
   */
  async #pageSelector(viewId: string, pages: PageSelection | undefined, options?: RequestOptions) {
    const entries = Object.entries(pages ?? {})
    if (!entries.length) return undefined
    const meta = await this.#viewMetadataById(viewId, options)
    const parts: string[] = []
    for (const [dimQuery, itemQuery] of entries) {
      const dim = resolveName('page dimension', meta.pages ?? [], dimQuery)
      const items = await this.#viewDimensionItems(viewId, dim.id, options)
      let item: Nameable
      try {
        item = resolveName(`${dim.name} item`, items, itemQuery)
      } catch (error) {
        if (!(error instanceof NameResolutionError) || error.reason !== 'not_found') throw error
        // View item listings carry no codes: try the code lookup before giving up.
        const byCode = await this.lookupDimensionItems(dim.id, { codes: [itemQuery] }, options).catch(
          () => [],
        )
        if (byCode.length !== 1) throw error
        item = byCode[0]!
      }
      parts.push(`${dim.id}:${item.id}`)
    }
    return parts.join(',')
  }

  /**
   * Cell data of a view as JSON (`format=v1`); cells are strings as Anaplan sends them.
   * @example const data = await model.readView('Revenue by Region', { Products: 'Gadgets', Versions: 'Actual' })
   */
  async readView(viewNameOrId: Selector, pages?: PageSelection, options?: RequestOptions): Promise<ViewData> {
    const view = await this.#view(viewNameOrId, options)
    const selector = await this.#pageSelector(view.id, pages, options)
    const res = await this.host
      .request<ViewData>(
        {
          method: 'GET',
          path: `${this.#m}${path`/views/${view.id}/data`}`,
          query: { format: 'v1', pages: selector },
          accept: 'application/json',
        },
        reqOpts(options),
      )
      .catch(rethrowReadLimit('readViewLarge'))
    const d = res.data
    if (!d || (!Array.isArray(d.rows) && !Array.isArray(d.columnCoordinates))) {
      throw new ProtocolError('View data has neither rows nor columnCoordinates')
    }
    return { ...d, rows: d.rows ?? [], columnCoordinates: d.columnCoordinates ?? [] }
  }

  /** Cell data of a view as CSV text. @example const csv = await model.readViewCsv('Units by Product') */
  async readViewCsv(
    viewNameOrId: Selector,
    pages?: PageSelection,
    options?: RequestOptions,
  ): Promise<string> {
    const view = await this.#view(viewNameOrId, options)
    const selector = await this.#pageSelector(view.id, pages, options)
    const res = await this.host
      .request<string>(
        {
          method: 'GET',
          path: `${this.#m}${path`/views/${view.id}/data`}`,
          query: { pages: selector },
          accept: 'text/csv',
          parse: 'text',
        },
        reqOpts(options),
      )
      .catch(rethrowReadLimit('readViewLarge'))
    return res.data
  }

  /**
   * Reads a view of any size with a read request (reference §6.2), yielding CSV pages as Anaplan
   * makes them available. A read request covers every page of the view: Anaplan takes no page
   * selector for it. The request is deleted at the end, also on error, abort or an early `break`.
   * @throws {ReadRequestFailedError} When Anaplan reports the read failed or cancelled it.
   * @throws {TimeoutError} When `deadline` passes before the last page.
   * @example for await (const page of model.readViewLarge('Revenue by Region')) out.write(page)
   */
  async *readViewLarge(viewNameOrId: Selector, options: ViewReadLargeOptions = {}): AsyncIterable<string> {
    const view = await this.#view(viewNameOrId, options)
    const exportType = options.exportType ?? 'TABULAR_MULTI_COLUMN'
    yield* this.#readLarge(
      `${this.#ws}${path`/views/${view.id}/readRequests`}`,
      'viewReadRequest',
      { exportType },
      `view "${view.name}"`,
      // Grid layouts repeat their header blocks on purpose; only tabular pages are joined.
      options.rawPages || exportType.startsWith('GRID'),
      options,
    )
  }

  /**
   * Reads every item of a list (with subsets and properties) through a list read request
   * (reference §6.3), yielding CSV pages; the request is deleted at the end.
   * @throws {ReadRequestFailedError} When Anaplan reports the read failed or cancelled it.
   * @example for await (const page of model.readListLarge('Employees')) out.write(page)
   */
  async *readListLarge(listNameOrId: Selector, options: LargeReadOptions = {}): AsyncIterable<string> {
    const list = await this.#list(listNameOrId, options)
    yield* this.#readLarge(
      `${this.#ws}${path`/lists/${list.id}/readRequests`}`,
      'listReadRequest',
      undefined,
      `list "${list.name}"`,
      options.rawPages === true,
      options,
    )
  }

  /**
   * The read-request loop shared by views and lists: create, then poll with backoff and download
   * each page once `availablePages` covers it, until COMPLETE; DELETE in `finally`.
   */
  async *#readLarge(
    base: string,
    key: 'viewReadRequest' | 'listReadRequest',
    body: unknown,
    what: string,
    raw: boolean,
    options: LargeReadOptions,
  ): AsyncGenerator<string> {
    const ro = reqOpts(options)
    const created = await this.host.request(
      // Creating a read request changes no model data; a duplicate from a re-send is reclaimed by
      // Anaplan after 30 idle minutes, so a retry after an ambiguous failure is acceptable.
      { method: 'POST', path: base, ...(body === undefined ? {} : { body }), idempotent: true },
      ro,
    )
    const requestId = objectOf<ReadRequest>(created.data, key, `${key}`).requestId
    if (!requestId) throw new ProtocolError(`The response has no ${key}.requestId`)
    const requestPath = `${base}${path`/${requestId}`}`
    let interval = Math.max(1, options.intervalMs ?? 1000)
    const maxInterval = Math.max(interval, options.maxIntervalMs ?? 10_000)
    let next = 0
    let header: string | undefined
    try {
      for (;;) {
        const res = await this.host.request({ method: 'GET', path: requestPath }, ro)
        const status = objectOf<ReadRequest>(res.data, key)
        options.onProgress?.(status)
        if (status.requestState === 'CANCELLED' || status.requestState === 'CANCELLING') {
          throw new ReadRequestFailedError(`The read request for ${what} was cancelled`, status)
        }
        const complete = status.requestState === 'COMPLETE'
        if (complete && status.successful === false) {
          throw new ReadRequestFailedError(
            `The read request for ${what} failed; Anaplan keeps no pages of a failed read`,
            status,
          )
        }
        const available = status.availablePages ?? 0
        const before = next
        for (; next < available; next++) {
          const page = await this.host.request<string>(
            { method: 'GET', path: `${requestPath}/pages/${next}`, accept: 'text/csv', parse: 'text' },
            ro,
          )
          let text = page.data
          if (!raw) {
            const first = firstLine(text)
            if (header === undefined) header = first
            else if (first === header) text = text.slice(text.indexOf('\n') + 1)
          }
          yield text
        }
        if (complete) return
        // New pages mean Anaplan is producing: look again soon rather than after a long backoff.
        interval = next > before ? Math.max(1, options.intervalMs ?? 1000) : interval
        const late = () =>
          new TimeoutError(
            `The read request for ${what} was still ${status.requestState} at the deadline (${next} pages read)`,
            { method: 'GET', url: requestPath },
            'response',
          )
        let wait = interval
        if (options.deadline !== undefined) {
          const left = options.deadline - this.host.now()
          if (left <= 0) throw late()
          wait = Math.min(wait, left)
        }
        await this.#sleep(wait, options.signal)
        // A poll sent at the deadline would only fail in the transport, with a vaguer message.
        if (options.deadline !== undefined && this.host.now() >= options.deadline) throw late()
        interval = Math.min(maxInterval, Math.round(interval * 1.5))
      }
    } finally {
      await this.#deleteReadRequest(requestPath, what, options)
    }
  }

  /** Frees the request's pages on Anaplan's side; never masks the error that brought us here. */
  async #deleteReadRequest(requestPath: string, what: string, options: RequestOptions): Promise<void> {
    try {
      // Without the caller's signal or deadline: an aborted or late read must still clean up.
      await this.host.request(
        { method: 'DELETE', path: requestPath },
        { timeoutMs: Math.min(options.timeoutMs ?? 10_000, 10_000), maxRetries: 1 },
      )
    } catch (error) {
      this.host.options.logger?.warn(
        { err: error instanceof Error ? error.message : String(error) },
        `could not delete the read request for ${what}; Anaplan reclaims it after 30 idle minutes`,
      )
    }
  }

  async #viewDimensionItems(
    viewId: string,
    dimensionId: string,
    options?: RequestOptions,
  ): Promise<NamedObject[]> {
    return this.host.cache.get(`${this.modelId}:viewDimItems:${viewId}:${dimensionId}`, async () => {
      const res = await this.host.request(
        { method: 'GET', path: `${this.#m}${path`/views/${viewId}/dimensions/${dimensionId}/items`}` },
        reqOpts(options),
      )
      return arrayOf<NamedObject>(res.data, 'items')
    })
  }

  /**
   * Reads one cell through the module's default view (whose id is the module id).
   * @throws {ValidationError} When a row or column dimension has no coordinate.
   * @throws {NameResolutionError} When a dimension, item or line item is unknown.
   * @example const c = await model.readCell('REV01 Revenue', 'Revenue', { Regions: 'EMEA', Products: 'WID', Time: 'Q3 FY26', Versions: 'Actual' })
   */
  async readCell(
    moduleNameOrId: Selector,
    lineItemNameOrId: Selector,
    coordinates: PageSelection,
    options?: RequestOptions,
  ): Promise<CellValue> {
    const mod = await this.#module(moduleNameOrId, options)
    const lineItems = (await this.#catalog.lineItems(reqOpts(options))).filter((li) => li.moduleId === mod.id)
    const lineItem =
      typeof lineItemNameOrId === 'string'
        ? resolveName('line item', lineItems, lineItemNameOrId)
        : (lineItems.find((li) => li.id === lineItemNameOrId.id) ??
          resolveName('line item', lineItems, lineItemNameOrId.id))
    const meta = await this.#viewMetadataById(mod.id, options)
    const isLineItems = (d: NamedObject) =>
      d.id === LINE_ITEMS_DIMENSION_ID || normalizeName(d.name) === 'line items'
    const all = [...(meta.rows ?? []), ...(meta.columns ?? []), ...(meta.pages ?? [])]
    const given = new Map<string, string>()
    for (const [dimQuery, item] of Object.entries(coordinates)) {
      given.set(
        resolveName(
          'dimension',
          all.filter((d) => !isLineItems(d)),
          dimQuery,
        ).id,
        item,
      )
    }
    const wanted = new Map<string, string>()
    const resolveItem = async (dim: NamedObject): Promise<string> => {
      if (isLineItems(dim)) return lineItem.name
      const query = given.get(dim.id)
      if (query === undefined) {
        throw new ValidationError(`readCell needs an item for the ${dim.name} dimension of ${mod.name}`)
      }
      const items = await this.#viewDimensionItems(mod.id, dim.id, options)
      let item: Nameable
      try {
        item = resolveName(`${dim.name} item`, items, query)
      } catch (error) {
        if (!(error instanceof NameResolutionError) || error.reason !== 'not_found') throw error
        const byCode = await this.lookupDimensionItems(dim.id, { codes: [query] }, options).catch(() => [])
        if (byCode.length !== 1) throw error
        item = byCode[0]!
      }
      wanted.set(dim.name, item.name)
      return item.name
    }
    const rowNames = await Promise.all((meta.rows ?? []).map(resolveItem))
    const colNames = await Promise.all((meta.columns ?? []).map(resolveItem))
    const pages: PageSelection = {}
    for (const dim of meta.pages ?? []) {
      if (isLineItems(dim) || given.has(dim.id))
        pages[dim.id] = isLineItems(dim) ? lineItem.id : given.get(dim.id)!
    }
    const data = await this.readView(mod.id, pages, options)
    const same = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && a.every((x, i) => normalizeName(x) === normalizeName(b[i]!))
    const col = data.columnCoordinates.findIndex((c) => same(c, colNames))
    const row = data.rows.find((r) => same(r.rowCoordinates, rowNames))
    const value = col >= 0 ? row?.cells[col] : undefined
    if (value === undefined) {
      throw new NameResolutionError('cell', [...rowNames, ...colNames].join(' / '), 'not_found', [])
    }
    for (const [i, dim] of (meta.pages ?? []).entries()) {
      const shown = data.pages?.[i]
      if (shown !== undefined) wanted.set(dim.name, shown)
    }
    return { value, moduleId: mod.id, lineItemName: lineItem.name, coordinates: Object.fromEntries(wanted) }
  }

  #dimensionId(nameOrId: Selector, options?: RequestOptions): Promise<string> {
    return this.#catalog.dimensionId(nameOrId, reqOpts(options))
  }

  /** Items of a list or other dimension, by name or id. @example await model.dimensionItems('Regions') */
  async dimensionItems(dimensionNameOrId: Selector, options?: RequestOptions): Promise<NamedObject[]> {
    const id = await this.#dimensionId(dimensionNameOrId, options)
    const res = await this.host.request(
      { method: 'GET', path: `${this.#m}${path`/dimensions/${id}/items`}` },
      reqOpts(options),
    )
    return arrayOf<NamedObject>(res.data, 'items')
  }

  /**
   * Finds items by name or code (case-insensitive on Anaplan's side); only matches come back.
   * @example await model.lookupDimensionItems('Products', { codes: ['WID'] })
   */
  async lookupDimensionItems(
    dimension: Selector,
    query: { names?: string[]; codes?: string[] },
    options?: RequestOptions,
  ): Promise<NamedObject[]> {
    const id = await this.#dimensionId(dimension, options)
    const body: { names?: string[]; codes?: string[] } = {}
    if (query.names?.length) body.names = query.names
    if (query.codes?.length) body.codes = query.codes
    if (!body.names && !body.codes) throw new ValidationError('lookupDimensionItems needs names or codes')
    const res = await this.host.request(
      // A lookup only reads, so re-sending it is safe.
      { method: 'POST', path: `${this.#m}${path`/dimensions/${id}/items`}`, body, idempotent: true },
      reqOpts(options),
    )
    return arrayOf<NamedObject>(res.data, 'items')
  }

  // ------------------------------------------------------------------ lists

  /** @example const lists = await model.listLists() */
  listLists(options?: RequestOptions): Promise<NamedObject[]> {
    return listAll<NamedObject>(this.host, { path: `${this.#ws}/lists` }, 'lists', reqOpts(options))
  }

  #list(nameOrId: Selector, options?: RequestOptions): Promise<NamedObject> {
    return this.#catalog.list(nameOrId, reqOpts(options))
  }

  /** Items of a list (all pages). @example await model.listItems('Products', { includeAll: true }) */
  async listItems(
    listNameOrId: Selector,
    options?: RequestOptions & { includeAll?: boolean },
  ): Promise<ListItem[]> {
    const list = await this.#list(listNameOrId, options)
    return this.#listItemsById(list.id, reqOpts(options), options?.includeAll === true)
  }

  #listItemsById(listId: string, options: RequestOptions, includeAll = false): Promise<ListItem[]> {
    return listAll<ListItem>(
      this.host,
      {
        path: `${this.#ws}${path`/lists/${listId}/items`}`,
        ...(includeAll ? { query: { includeAll: true } } : {}),
      },
      'listItems',
      options,
    ).catch(rethrowReadLimit('readListLarge'))
  }

  async #listWrite(
    op: 'add' | 'update' | 'delete',
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    const list = await this.#list(listNameOrId, options)
    const p = `${this.#ws}${path`/lists/${list.id}/items`}`
    const total: ListWriteResult = {}
    const failures: ItemFailure[] = []
    for (let start = 0; start < items.length; start += LIST_BATCH) {
      const batch = items.slice(start, start + LIST_BATCH)
      const res = await this.host.request<ListWriteResult>(
        op === 'update'
          ? // PUT by id/code/name sets fields to given values: re-sending it is harmless.
            { method: 'PUT', path: p, body: { items: batch }, idempotent: true }
          : { method: 'POST', path: p, query: { action: op }, body: { items: batch }, idempotent: false },
        reqOpts(options),
      )
      const r = res.data ?? {}
      for (const k of ['added', 'updated', 'deleted', 'ignored', 'total'] as const) {
        if (typeof r[k] === 'number') total[k] = (total[k] ?? 0) + r[k]
      }
      for (const f of r.failures ?? []) failures.push({ ...f, requestIndex: f.requestIndex + start })
    }
    if (failures.length) total.failures = failures
    this.#catalog.invalidateList(list.id)
    return total
  }

  /**
   * Adds items in batches of 100,000. Not idempotent: never re-sent after an ambiguous failure.
   * Per-item failures come back in `failures` with `requestIndex` into `items`.
   * @example const r = await model.addListItems('Products', [{ name: 'Doohickeys', code: 'DOO' }])
   */
  addListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    return this.#listWrite('add', listNameOrId, items, options)
  }

  /** Updates items (identified by id, code or name) in batches of 100,000. @example await model.updateListItems('Products', [{ code: 'DOO', properties: { Colour: 'Red' } }]) */
  updateListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    return this.#listWrite('update', listNameOrId, items, options)
  }

  /** Deletes items in batches of 100,000. Not idempotent. @example await model.deleteListItems('Products', [{ code: 'DOO' }]) */
  deleteListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    return this.#listWrite('delete', listNameOrId, items, options)
  }

  // ------------------------------------------------------------------ cells, versions, calendar

  /**
   * Writes cells of a module in batches of at most 100,000 cells and 15 MB. Not idempotent: never
   * re-sent after an ambiguous failure. Per-cell failures keep their index into `cells`.
   * @example await model.writeCells('REV01 Revenue', [{ lineItemName: 'Units', dimensions: [...], value: 500 }])
   */
  async writeCells(
    moduleNameOrId: Selector,
    cells: CellWrite[],
    options?: RequestOptions,
  ): Promise<CellWriteResult> {
    const mod = await this.#module(moduleNameOrId, options)
    const p = `${this.#m}${path`/modules/${mod.id}/data`}`
    let changed = 0
    const failures: ItemFailure[] = []
    for (const [start, batch] of cellBatches(cells)) {
      const res = await this.host.request<CellWriteResult>(
        { method: 'POST', path: p, body: batch, idempotent: false },
        reqOpts(options),
      )
      changed += res.data?.numberOfCellsChanged ?? 0
      for (const f of res.data?.failures ?? []) failures.push({ ...f, requestIndex: f.requestIndex + start })
    }
    return failures.length ? { numberOfCellsChanged: changed, failures } : { numberOfCellsChanged: changed }
  }

  /** @example const versions = await model.versions() */
  async versions(options?: RequestOptions): Promise<Version[]> {
    const res = await this.host.request({ method: 'GET', path: `${this.#m}/versions` }, reqOpts(options))
    return arrayOf<Version>(res.data, 'versionMetadata', 'versions')
  }

  /** @example const { periodText } = await model.currentPeriod() */
  async currentPeriod(options?: RequestOptions): Promise<CurrentPeriod> {
    const res = await this.host.request({ method: 'GET', path: `${this.#m}/currentPeriod` }, reqOpts(options))
    return objectOf<CurrentPeriod>(res.data, 'currentPeriod')
  }

  /** @example const { fiscalYear } = await model.modelCalendar() */
  async modelCalendar(options?: RequestOptions): Promise<ModelCalendar> {
    const res = await this.host.request({ method: 'GET', path: `${this.#m}/modelCalendar` }, reqOpts(options))
    // Week-General calendars answer an empty object, which envelopes may leave out entirely.
    const b = res.data as { modelCalendar?: unknown } | undefined
    if (b && typeof b === 'object' && b.modelCalendar === undefined) return {}
    return objectOf<ModelCalendar>(res.data, 'modelCalendar')
  }

  /**
   * Sets the current period to the one containing `date`; `''` clears it. DESTRUCTIVE on Anaplan's
   * side (data outside the new time range may be deleted): callers should confirm with a person
   * first. Re-sending sets the same period, so the PUT is retried like any idempotent call.
   * @throws {ValidationError} When `date` is not `YYYY-MM-DD` (or a valid Date), before any request.
   * @throws {BadRequestError} When the date is outside the model's timescale.
   * @throws {PermissionDeniedError} Without workspace administrator rights.
   * @example const { periodText } = await model.setCurrentPeriod('2026-03-15') // → 'Mar 26'
   */
  async setCurrentPeriod(date: string | Date, options?: RequestOptions): Promise<CurrentPeriod> {
    const iso = isoDate(date)
    const res = await this.host.request(
      { method: 'PUT', path: `${this.#ws}/currentPeriod`, body: { date: iso }, idempotent: true },
      reqOpts(options),
    )
    this.host.cache.invalidate(`${this.modelId}:`)
    return objectOf<CurrentPeriod>(res.data, 'currentPeriod')
  }
}

/** The first line of a CSV page, without its line ending. */
function firstLine(text: string): string {
  const end = text.indexOf('\n')
  return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '')
}

/** `YYYY-MM-DD` from a string (checked) or a Date (its UTC day); `''` stays `''` (clears). */
function isoDate(date: string | Date): string {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new ValidationError('setCurrentPeriod got an invalid Date')
    return date.toISOString().slice(0, 10)
  }
  const d = date.trim()
  if (d === '') return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d)
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined
  if (!day || day.toISOString().slice(0, 10) !== d) {
    throw new ValidationError(`A current period date must be a real day written YYYY-MM-DD, not "${date}"`)
  }
  return d
}

/** Splits cells into batches within Anaplan's 100,000-cell and 15 MB limits; yields [startIndex, batch]. */
export function* cellBatches(
  cells: CellWrite[],
  maxCells = CELL_BATCH,
  maxBytes = CELL_BATCH_BYTES,
): Generator<[number, CellWrite[]]> {
  let batch: CellWrite[] = []
  let bytes = 2
  let start = 0
  for (let i = 0; i < cells.length; i++) {
    const size = Buffer.byteLength(JSON.stringify(cells[i])) + 1
    if (batch.length && (batch.length >= maxCells || bytes + size > maxBytes)) {
      yield [start, batch]
      batch = []
      bytes = 2
      start = i
    }
    batch.push(cells[i]!)
    bytes += size
  }
  if (batch.length) yield [start, batch]
}

function failureMessage(type: ActionType, task: Task, name?: string): string {
  const what = `${type[0]!.toUpperCase()}${type.slice(1)}${name ? ` "${name}"` : ''}`
  if (task.taskState === 'CANCELLED') return `${what} task ${task.taskId} was cancelled`
  const detail = task.result?.details?.find((d) => d.localMessageText)?.localMessageText
  return `${what} task ${task.taskId} completed unsuccessfully${detail ? `: ${detail.trim()}` : ''}`
}
