/**
 * `model.imports.tasks` (and of exports, processes, actions): the tasks of one action type. A start
 * that may have reached Anaplan is reconciled, never re-posted, so an import never runs twice.
 */
import type { ActionType, PollOptions, RequestOptions, StartTaskOptions, Task } from '../../api.ts'
import { pollTask } from '../../core/polling.ts'
import { ConnectionError, ServerError, TaskFailedError, TimeoutError, ValidationError } from '../../errors.ts'
import { path } from '../../internal/path.ts'
import { listAll, taskOf } from '../envelope.ts'
import { type ModelContext, ModelResource, requestOptions } from '../resource.ts'

export const PLURAL: Record<ActionType, string> = {
  import: 'imports',
  export: 'exports',
  process: 'processes',
  action: 'actions',
}

/**
 * True when a failed non-idempotent request may have been acted on by the server: our timeout, a
 * connection lost after sending, or a 5xx.
 */
export function isAmbiguousFailure(e: unknown): boolean {
  if (e instanceof TimeoutError) return e.phase === 'response'
  if (e instanceof ConnectionError) return e.phase === 'response'
  return e instanceof ServerError
}

/** What a task start sends besides the request options. */
export interface StartParams {
  /** @default 'en_US' */
  localeName?: string
  mappingParameters?: StartTaskOptions['mappingParameters']
}

export class TasksResource extends ModelResource {
  constructor(
    context: ModelContext,
    readonly type: ActionType,
  ) {
    super(context)
    if (!PLURAL[type]) throw new ValidationError(`Unknown action type "${String(type)}"`)
  }

  /** `/workspaces/{ws}/models/{m}/{imports}/{id}/tasks` */
  path(actionId: string): string {
    return `${this._model.ws}/${PLURAL[this.type]}${path`/${actionId}/tasks`}`
  }

  /**
   * Starts a task. After an ambiguous failure (timeout, dropped connection, 5xx) the POST is not
   * re-sent: the action's tasks are listed and one created after our request began is adopted.
   * Without such a task the original error is thrown.
   * @example const task = await model.imports.tasks.start(importId, { localeName: 'en_US' })
   */
  async start(actionId: string, params: StartParams = {}, options: RequestOptions = {}): Promise<Task> {
    const body: { localeName: string; mappingParameters?: StartParams['mappingParameters'] } = {
      localeName: params.localeName ?? 'en_US',
    }
    if (params.mappingParameters?.length) body.mappingParameters = params.mappingParameters
    const started = this._host.now()
    try {
      const res = await this._host.request(
        { method: 'POST', path: this.path(actionId), body, idempotent: false },
        options,
      )
      return taskOf(res.data)
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error
      const adopted = await this.#reconcile(actionId, started, options).catch(() => undefined)
      if (!adopted) throw error
      this._host.options.logger?.info(
        { actionType: this.type, actionId, taskId: adopted.taskId },
        'adopted the task created by an ambiguous start',
      )
      return adopted
    }
  }

  async #reconcile(actionId: string, started: number, options: RequestOptions) {
    const skew = this._host.options.reconcileSkewMs ?? 1000
    const { deadline, signal } = options
    const tasks = await this.list(actionId, {
      ...(signal ? { signal } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
    })
    const mine = tasks
      .filter((t) => typeof t.creationTime === 'number' && t.creationTime >= started - skew)
      .sort((a, b) => (a.creationTime ?? 0) - (b.creationTime ?? 0))
    return mine[0]
  }

  /** @example const t = await model.exports.tasks.get(exportId, taskId) */
  async get(actionId: string, taskId: string, options?: RequestOptions): Promise<Task> {
    const res = await this._host.request(
      { method: 'GET', path: `${this.path(actionId)}${path`/${taskId}`}` },
      requestOptions(options),
    )
    return taskOf(res.data)
  }

  /** Tasks of one action, oldest first. @example await model.imports.tasks.list(importId) */
  list(actionId: string, options?: RequestOptions): Promise<Task[]> {
    return listAll<Task>(
      this._host,
      { path: this.path(actionId) },
      ['tasks', 'task'],
      requestOptions(options),
    )
  }

  /** Asks Anaplan to cancel (roll back) a running task. @example await model.imports.tasks.cancel(id, taskId) */
  async cancel(actionId: string, taskId: string, options?: RequestOptions): Promise<Task> {
    const res = await this._host.request(
      { method: 'DELETE', path: `${this.path(actionId)}${path`/${taskId}`}` },
      requestOptions(options),
    )
    const b = res.data as { task?: Task; taskId?: string } | undefined
    if (b?.task?.taskId || b?.taskId) return taskOf(b)
    return this.get(actionId, taskId, options)
  }

  /**
   * Polls until COMPLETE or CANCELLED (intervals grow ×1.5 from `intervalMs` to `maxIntervalMs`).
   * Returns the final task whether or not it succeeded, unless `throwOnFailure` is set.
   * @throws {TimeoutError} Past `deadline`. {@link TaskFailedError} with `throwOnFailure`.
   * @example const done = await model.imports.tasks.wait(importId, task.taskId, { deadline: Date.now() + 60_000 })
   */
  async wait(
    actionId: string,
    taskId: string,
    options: PollOptions & { throwOnFailure?: boolean } = {},
  ): Promise<Task> {
    const ro = requestOptions(options)
    const task = await pollTask(() => this.get(actionId, taskId, ro), {
      now: () => this._host.now(),
      sleep: (ms, s) => this._sleep(ms, s),
      label: `${this.type} task`,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(options.maxIntervalMs !== undefined ? { maxIntervalMs: options.maxIntervalMs } : {}),
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    })
    if (options.throwOnFailure && task.result && !task.result.successful) {
      throw new TaskFailedError(failureMessage(this.type, task), { task: task.result, taskId: task.taskId })
    }
    return task
  }
}

export function failureMessage(type: ActionType, task: Task, name?: string): string {
  const what = `${type[0]!.toUpperCase()}${type.slice(1)}${name ? ` "${name}"` : ''}`
  if (task.taskState === 'CANCELLED') return `${what} task ${task.taskId} was cancelled`
  const detail = task.result?.details?.find((d) => d.localMessageText)?.localMessageText
  return `${what} task ${task.taskId} completed unsuccessfully${detail ? `: ${detail.trim()}` : ''}`
}
