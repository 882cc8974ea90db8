/**
 * Polling a bulk task to a terminal state (HOUSE-STYLE §9.7): the interval grows ×1.5 from
 * `intervalMs` to `maxIntervalMs`, and the whole wait is bounded by the caller's `deadline`.
 */
import type { Task } from '../api.ts'
import { TimeoutError } from '../errors.ts'

export interface PollTaskOptions {
  intervalMs?: number
  maxIntervalMs?: number
  deadline?: number
  signal?: AbortSignal
  onProgress?: (task: Task) => void
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** For the TimeoutError message. */
  label?: string
}

const TERMINAL = new Set(['COMPLETE', 'CANCELLED'])

/** True when the task will not change any more. */
export function isTerminal(task: Task): boolean {
  return TERMINAL.has(task.taskState)
}

/**
 * Calls `get` until the task is COMPLETE or CANCELLED and returns the final task.
 * @throws {TimeoutError} When the next poll would start after `deadline`.
 */
export async function pollTask(get: () => Promise<Task>, o: PollTaskOptions): Promise<Task> {
  let interval = Math.max(1, o.intervalMs ?? 1000)
  const maxInterval = Math.max(interval, o.maxIntervalMs ?? 10_000)
  for (;;) {
    const task = await get()
    o.onProgress?.(task)
    if (isTerminal(task)) return task
    let wait = interval
    if (o.deadline !== undefined) {
      const left = o.deadline - o.now()
      if (left <= 0) {
        throw new TimeoutError(
          `${o.label ?? 'Task'} ${task.taskId} still ${task.taskState} at the deadline`,
          { method: 'GET', url: '' },
          'response',
        )
      }
      wait = Math.min(wait, left)
    }
    await o.sleep(wait, o.signal)
    interval = Math.min(maxInterval, Math.round(interval * 1.5))
  }
}
