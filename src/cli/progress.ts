/**
 * Progress bars for uploads, downloads and running tasks, drawn on stderr only when stderr is a
 * terminal and neither `--json`, `--quiet` nor `--no-progress` is set. Otherwise every method is a
 * no-op, so commands call them unconditionally.
 */
import { SingleBar } from 'cli-progress'

/** A bar that is running. */
export interface ProgressBar {
  /** `value` in the bar's unit (bytes or a 0–1 fraction); `total` when it becomes known. */
  update(value: number, total?: number, step?: string): void
  stop(): void
}

/** Makes bars. */
export interface Progress {
  readonly enabled: boolean
  /** A byte counter (upload, download); `total` may be unknown. */
  bytes(label: string, total?: number): ProgressBar
  /** A task bar fed with Anaplan's 0–1 `progress` and `currentStep`. */
  task(label: string): ProgressBar
}

const NOOP_BAR: ProgressBar = { update() {}, stop() {} }

/** Progress that draws nothing. */
export const noProgress: Progress = { enabled: false, bytes: () => NOOP_BAR, task: () => NOOP_BAR }

/** Creates bars on `stream` when `enabled` (the caller decides TTY and flags, see {@link progressWanted}). */
export function createProgress(stream: NodeJS.WritableStream, enabled: boolean): Progress {
  if (!enabled) return noProgress
  return {
    enabled: true,
    bytes(label, total) {
      const bar = new SingleBar({
        stream,
        format: `${label} [{bar}] {done} / {size}`,
        hideCursor: true,
        clearOnComplete: false,
      })
      let known = total
      bar.start(total ?? 1, 0, { done: formatBytes(0), size: total === undefined ? '?' : formatBytes(total) })
      return {
        update(value, t) {
          if (t !== undefined && t !== known) {
            known = t
            bar.setTotal(t)
          }
          bar.update(known === undefined ? 0 : Math.min(value, known), {
            done: formatBytes(value),
            size: known === undefined ? '?' : formatBytes(known),
          })
        },
        stop() {
          bar.stop()
        },
      }
    },
    task(label) {
      const bar = new SingleBar({
        stream,
        format: `${label} [{bar}] {percentage}% {step}`,
        hideCursor: true,
        clearOnComplete: false,
      })
      bar.start(100, 0, { step: 'starting' })
      return {
        update(value, _t, step) {
          bar.update(Math.round(Math.max(0, Math.min(1, value)) * 100), { step: step ?? '' })
        },
        stop() {
          bar.stop()
        },
      }
    },
  }
}

/** Bars only on a terminal, and never for machine output or when switched off. */
export function progressWanted(o: {
  isTTY: boolean
  json: boolean
  quiet: boolean
  progress: boolean
}): boolean {
  return o.isTTY && !o.json && !o.quiet && o.progress
}

/** `1536` → `1.5 KB` (binary units, as file sizes are usually shown). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}
