/**
 * Polling to a terminal state (HOUSE-STYLE §9.7), one loop for bulk tasks and read requests: the
 * interval grows ×1.5 from `intervalMs` to `maxIntervalMs` (back to `intervalMs` after progress),
 * and the whole wait is bounded by the caller's `deadline`.
 */
import type { Task } from '../api.ts'
import { TimeoutError } from '../errors.ts'

export interface PollTiming {
  intervalMs?: number
  maxIntervalMs?: number
  deadline?: number
  signal?: AbortSignal
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface PollTaskOptions extends PollTiming {
  onProgress?: (task: Task) => void
  /** For the TimeoutError message. */
  label?: string
}

const TERMINAL = new Set(['COMPLETE', 'CANCELLED'])

/** True when the task will not change any more. */
export function isTerminal(task: Task): boolean {
  return TERMINAL.has(task.taskState)
}

/** The waits between polls of one thing. */
export class Poller {
  readonly #first: number
  readonly #max: number
  #interval: number

  constructor(private readonly o: PollTiming) {
    this.#first = Math.max(1, o.intervalMs ?? 1000)
    this.#max = Math.max(this.#first, o.maxIntervalMs ?? 10_000)
    this.#interval = this.#first
  }

  /**
   * Waits before the next poll. After `progressed` (new pages came) the interval starts over: the
   * server is producing, so it is worth looking again soon.
   * @throws the error `late()` makes when the deadline has passed, before or after the wait (a poll
   * sent at the deadline would only fail in the transport, with a vaguer message).
   */
  async wait(late: () => Error, progressed = false): Promise<void> {
    if (progressed) this.#interval = this.#first
    let wait = this.#interval
    const { deadline } = this.o
    if (deadline !== undefined) {
      const left = deadline - this.o.now()
      if (left <= 0) throw late()
      wait = Math.min(wait, left)
    }
    await this.o.sleep(wait, this.o.signal)
    if (deadline !== undefined && this.o.now() >= deadline) throw late()
    this.#interval = Math.min(this.#max, Math.round(this.#interval * 1.5))
  }
}

/**
 * Calls `get` until the task is COMPLETE or CANCELLED and returns the final task.
 * @throws {TimeoutError} When the deadline passes first.
 */
export async function pollTask(get: () => Promise<Task>, o: PollTaskOptions): Promise<Task> {
  const poller = new Poller(o)
  for (;;) {
    const task = await get()
    o.onProgress?.(task)
    if (isTerminal(task)) return task
    await poller.wait(
      () =>
        new TimeoutError(
          `${o.label ?? 'Task'} ${task.taskId} still ${task.taskState} at the deadline`,
          { method: 'GET', url: '' },
          'response',
        ),
    )
  }
}
