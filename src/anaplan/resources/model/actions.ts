/**
 * `model.imports`, `model.exports`, `model.processes`, `model.actions`: one resource per action type,
 * each with its `tasks`. `run()` is the multi-step flow (upload, start, poll, dumps) as a thin method
 * over the tasks and files resources.
 */
import type {
  ActionType,
  ImportDefinition,
  NamedObject,
  PollOptions,
  RequestOptions,
  RunOptions,
  RunResult,
  Selector,
  TaskResult,
} from '../../api.ts'
import { TaskFailedError, ValidationError } from '../../errors.ts'
import { path } from '../../internal/path.ts'
import { listAll, objectOf } from '../envelope.ts'
import { type ModelContext, ModelResource, requestOptions } from '../resource.ts'
import type { FilesResource } from './files.ts'
import { failureMessage, PLURAL, TasksResource } from './tasks.ts'

/** What `run()` takes besides the request options. */
export type RunParams = Omit<RunOptions, keyof RequestOptions>

export class ActionsResource<T extends NamedObject = NamedObject> extends ModelResource {
  readonly tasks: TasksResource

  constructor(
    context: ModelContext,
    readonly type: ActionType,
    private readonly files: FilesResource,
  ) {
    super(context)
    this.tasks = new TasksResource(context, type)
  }

  /** A fresh listing. @example const imports = await model.imports.list() */
  list(options?: RequestOptions): Promise<T[]> {
    const key = PLURAL[this.type]
    return listAll<T>(this._host, { path: `${this._model.m}/${key}` }, key, requestOptions(options))
  }

  /** Resolves an action of this type by name or id (against the catalog). */
  async find(action: Selector, options?: RequestOptions): Promise<T> {
    return (await this._catalog.action(action, this.type, requestOptions(options))).action as T
  }

  /**
   * Metadata of one import, export or process (`importMetadata`, `exportMetadata`, `processMetadata`).
   * @example const meta = await model.processes.metadata('Monthly Refresh')
   */
  async metadata(action: Selector, options?: RequestOptions): Promise<Record<string, unknown>> {
    if (this.type === 'action') throw new ValidationError('Other actions have no metadata endpoint')
    const found = await this.find(action, options)
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.m}/${PLURAL[this.type]}${path`/${found.id}`}` },
      requestOptions(options),
    )
    return objectOf<Record<string, unknown>>(res.data, `${this.type}Metadata`)
  }

  /**
   * Runs the action end to end: uploads `file` to the import's data source, starts the task (safe
   * against ambiguous failures), polls it, and fetches failure dumps.
   * @throws {TaskFailedError} When the task completes unsuccessfully (unless `throwOnFailure: false`).
   * @example const r = await model.imports.run('Load Actuals', { file: csvText })
   */
  async run(action: Selector, params: RunParams = {}, options: RequestOptions = {}): Promise<RunResult> {
    const ro = requestOptions(options)
    const found = await this.find(action, ro)
    if (params.file !== undefined) {
      const fileId = await this.#dataSourceFor(found.id, ro)
      await this.files.upload(fileId, params.file, ro)
    }
    const task = await this.tasks.start(
      found.id,
      {
        ...(params.localeName ? { localeName: params.localeName } : {}),
        ...(params.mappingParameters ? { mappingParameters: params.mappingParameters } : {}),
      },
      ro,
    )
    const poll: PollOptions = { ...ro }
    if (params.intervalMs !== undefined) poll.intervalMs = params.intervalMs
    if (params.maxIntervalMs !== undefined) poll.maxIntervalMs = params.maxIntervalMs
    if (params.onProgress) poll.onProgress = params.onProgress
    const final = await this.tasks.wait(found.id, task.taskId, poll)
    const result: RunResult = {
      actionType: this.type,
      actionId: found.id,
      actionName: found.name,
      task: final,
      successful: final.taskState === 'COMPLETE' && final.result?.successful === true,
    }
    if (params.fetchDumps !== false && final.result && (this.type === 'import' || this.type === 'process')) {
      const dumps = await this.#dumpsOf(found.id, final.taskId, final.result, ro)
      if (dumps.length) result.dumps = dumps
    }
    if (!result.successful && params.throwOnFailure !== false) {
      throw new TaskFailedError(failureMessage(this.type, final, found.name), {
        task: final.result ?? { successful: false, failureDumpAvailable: false },
        taskId: final.taskId,
        ...(result.dumps ? { dumps: result.dumps } : {}),
      })
    }
    return result
  }

  /** The file an import reads, or the first uploaded file read by a process's imports. */
  async #dataSourceFor(actionId: string, ro: RequestOptions): Promise<string> {
    if (this.type === 'import') {
      const imp = (await this._catalog.actions('import', ro)).find((a) => a.id === actionId) as
        | ImportDefinition
        | undefined
      if (imp?.importDataSourceId) return imp.importDataSourceId
    }
    if (this.type === 'process') {
      const meta = await this.metadata({ id: actionId, name: actionId }, ro)
      const actions = (meta.actions ?? []) as { importDataSourceId?: string }[]
      const src = actions.find((a) => a.importDataSourceId?.startsWith('113'))?.importDataSourceId
      if (src) return src
    }
    throw new ValidationError(`The ${this.type} ${actionId} does not read an uploadable file`)
  }

  async #dumpsOf(
    actionId: string,
    taskId: string,
    result: TaskResult,
    ro: RequestOptions,
  ): Promise<{ objectId: string; csv: string }[]> {
    const out: { objectId: string; csv: string }[] = []
    if (this.type === 'import') {
      if (result.failureDumpAvailable) {
        out.push({
          objectId: result.objectId ?? actionId,
          csv: await this.dump(actionId, taskId, undefined, ro),
        })
      }
      return out
    }
    for (const nested of result.nestedResults ?? []) {
      if (nested.failureDumpAvailable && nested.objectId) {
        out.push({ objectId: nested.objectId, csv: await this.dump(actionId, taskId, nested.objectId, ro) })
      }
    }
    return out
  }

  /**
   * A failure dump (CSV text), read chunk by chunk: an import's own, or a nested import's within a
   * process task (`nestedObjectId`).
   * @example const csv = await model.imports.dump(importId, taskId)
   */
  async dump(
    actionId: string,
    taskId: string,
    nestedObjectId?: string,
    options?: RequestOptions,
  ): Promise<string> {
    const ro = requestOptions(options)
    let base: string
    if (this.type === 'process') {
      if (!nestedObjectId) throw new ValidationError('A process dump needs the nested object id')
      base = `${this.tasks.path(actionId)}${path`/${taskId}/dumps/${nestedObjectId}`}`
    } else if (this.type === 'import') {
      base = `${this.tasks.path(actionId)}${path`/${taskId}/dump`}`
    } else throw new ValidationError(`A ${this.type} task has no dump`)
    const chunks = await listAll<{ id: string }>(this._host, { path: `${base}/chunks` }, 'chunks', ro)
    const decoder = new TextDecoder()
    let text = ''
    for (const c of chunks) {
      const res = await this._host.request<Uint8Array>(
        { method: 'GET', path: `${base}/chunks${path`/${c.id}`}`, accept: 'text/plain', parse: 'bytes' },
        ro,
      )
      text += decoder.decode(res.data, { stream: true })
    }
    return text + decoder.decode()
  }
}
