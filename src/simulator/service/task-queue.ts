/**
 * Bulk tasks (reference §5.5, §8.2): one action at a time per model, later starts queued FIFO as
 * NOT_STARTED; DELETE cancels (CANCELLING → CANCELLED). The work itself is injected, so the queue
 * knows nothing of the engine or of files.
 */
import { newTaskId } from './ids.ts'

export type TaskKind = 'imports' | 'exports' | 'processes' | 'actions'
export type TaskState = 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETE' | 'CANCELLING' | 'CANCELLED'

/** Shaped like Anaplan's task `result`. */
export interface TaskResult {
  successful: boolean
  failureDumpAvailable: boolean
  objectId: string
  objectName: string
  details?: { type: string; localMessageText?: string; occurrences: number; values: string[] }[]
  nestedResults?: TaskResult[]
  /** When the task left the queue (ISO 8601) and how long it ran (ms, as a string). */
  startTime?: string
  duration?: string
}

export interface TaskRecord {
  taskId: string
  kind: TaskKind
  objectId: string
  objectName: string
  modelId: string
  userId: string
  userEmail: string
  creationTime: number
  state: TaskState
  /** The task body's runtime mapping parameters, passed to imports. */
  mappingParameters?: { entityType: string; entityName: string }[]
  /** Number of actions the task runs (processes: one per contained action). */
  steps: number
  stepsDone: number
  stepStartedAt?: number
  /** When the task went IN_PROGRESS. */
  startedAt?: number
  result?: TaskResult
  cancelledBy?: string
  abort: AbortController
}

/** Runs a task's work; resolves with the result or rejects with {@link TaskCancelled}. */
export type TaskExecutor = (task: TaskRecord, signal: AbortSignal) => Promise<TaskResult>

/** Thrown by an executor that stopped because the task was cancelled before its changes applied. */
export class TaskCancelled extends Error {
  override name = 'TaskCancelled'
}

/** Per-model FIFO of bulk tasks. */
export class TaskQueue {
  readonly #tasks = new Map<string, TaskRecord>()
  readonly #waiting = new Map<string, TaskRecord[]>()
  readonly #running = new Map<string, TaskRecord>()
  readonly #idleWaiters = new Map<string, Set<() => void>>()
  #disposed = false

  constructor(
    private readonly execute: TaskExecutor,
    private readonly now: () => number,
  ) {}

  /** Queues a task; it starts at once when its model is free. */
  start(init: Omit<TaskRecord, 'taskId' | 'creationTime' | 'state' | 'stepsDone' | 'abort'>): TaskRecord {
    const task: TaskRecord = {
      ...init,
      taskId: newTaskId(),
      creationTime: this.now(),
      state: 'NOT_STARTED',
      stepsDone: 0,
      abort: new AbortController(),
    }
    this.#tasks.set(task.taskId, task)
    const queue = this.#waiting.get(task.modelId) ?? []
    queue.push(task)
    this.#waiting.set(task.modelId, queue)
    // Start on the next tick so the creator always sees NOT_STARTED first, as Anaplan answers.
    setImmediate(() => this.#pump(task.modelId))
    return task
  }

  get(taskId: string): TaskRecord | undefined {
    return this.#tasks.get(taskId)
  }

  /** Tasks started under one action, import, export or process, in creation order. */
  list(kind: TaskKind, objectId: string): TaskRecord[] {
    return [...this.#tasks.values()].filter((t) => t.kind === kind && t.objectId === objectId)
  }

  /** The task holding the model, if any. */
  running(modelId: string): TaskRecord | undefined {
    return this.#running.get(modelId)
  }

  /** Cancels a queued (→ CANCELLED) or running (→ CANCELLING, then CANCELLED) task. */
  cancel(taskId: string, byEmail: string): TaskRecord | undefined {
    const task = this.#tasks.get(taskId)
    if (!task) return undefined
    if (task.state === 'NOT_STARTED') {
      const queue = this.#waiting.get(task.modelId) ?? []
      this.#waiting.set(
        task.modelId,
        queue.filter((t) => t !== task),
      )
      task.state = 'CANCELLED'
      task.cancelledBy = byEmail
    } else if (task.state === 'IN_PROGRESS') {
      task.state = 'CANCELLING'
      task.cancelledBy = byEmail
      task.abort.abort()
    }
    return task
  }

  /** Resolves true once the model has no task in progress, or false after `maxMs`. */
  async waitIdle(modelId: string, maxMs: number): Promise<boolean> {
    if (!this.#running.has(modelId)) return true
    return new Promise((resolve) => {
      const waiters = this.#idleWaiters.get(modelId) ?? new Set()
      this.#idleWaiters.set(modelId, waiters)
      const done = (): void => {
        clearTimeout(timer)
        waiters.delete(done)
        resolve(true)
      }
      const timer = setTimeout(() => {
        waiters.delete(done)
        resolve(false)
      }, maxMs)
      waiters.add(done)
    })
  }

  /** Stops everything (reset, close): running tasks are aborted, queued ones dropped. */
  dispose(): void {
    this.#disposed = true
    for (const task of this.#running.values()) task.abort.abort()
    this.#waiting.clear()
    for (const waiters of this.#idleWaiters.values()) for (const w of waiters) w()
  }

  #pump(modelId: string): void {
    if (this.#disposed || this.#running.has(modelId)) return
    const queue = this.#waiting.get(modelId)
    const task = queue?.shift()
    if (!task) return
    this.#running.set(modelId, task)
    task.state = 'IN_PROGRESS'
    task.startedAt = this.now()
    task.stepStartedAt = task.startedAt
    void this.#run(task)
  }

  async #run(task: TaskRecord): Promise<void> {
    try {
      const result = await this.execute(task, task.abort.signal)
      if (task.state === 'CANCELLING') task.state = 'CANCELLED'
      else {
        const startedAt = task.startedAt ?? task.creationTime
        task.result = {
          ...result,
          startTime: new Date(startedAt).toISOString(),
          duration: String(this.now() - startedAt),
        }
        task.state = 'COMPLETE'
      }
    } catch (error) {
      if (error instanceof TaskCancelled || task.abort.signal.aborted) task.state = 'CANCELLED'
      else {
        task.state = 'COMPLETE'
        task.result = {
          successful: false,
          failureDumpAvailable: false,
          objectId: task.objectId,
          objectName: task.objectName,
          details: [
            {
              type: 'taskFailed',
              localMessageText: error instanceof Error ? error.message : String(error),
              occurrences: 0,
              values: [],
            },
          ],
        }
      }
    } finally {
      task.stepsDone = task.steps
      this.#running.delete(task.modelId)
      const waiters = this.#idleWaiters.get(task.modelId)
      if (waiters) for (const w of [...waiters]) w()
      this.#pump(task.modelId)
    }
  }
}
