/**
 * Signed Slack requests stay valid for the whole replay window (5 minutes either way), so a captured
 * slash command or button click could be sent again and run twice. Each delivery has an id Slack
 * never reuses (`event_id` for events, `trigger_id` for commands and block actions); an id seen
 * within the window is a replay or a retry, and is acknowledged without running again.
 */
import { SLACK_REPLAY_WINDOW_MS } from './verify.ts'

/** Ids are kept for the window on both sides of "now", plus a margin for clock skew. */
const KEEP_MS = 2 * SLACK_REPLAY_WINDOW_MS

/** The delivery id of a verified payload, or undefined when it has none. */
export function deliveryId(body: Record<string, unknown>): string | undefined {
  if (typeof body.event_id === 'string' && body.event_id) return `event:${body.event_id}`
  if (typeof body.trigger_id === 'string' && body.trigger_id) {
    // One trigger may carry one action; a second click is a new trigger.
    const actions = body.actions as { action_ts?: unknown }[] | undefined
    const ts = Array.isArray(actions) && typeof actions[0]?.action_ts === 'string' ? actions[0].action_ts : ''
    return `trigger:${body.trigger_id}:${ts}`
  }
  return undefined
}

export class ReplayWindow {
  readonly #seen = new Map<string, number>()

  /** True when `id` was already seen within the window; otherwise records it. */
  seenBefore(id: string, now: number): boolean {
    // Insertion order is arrival order: the oldest entries are at the front.
    for (const [key, at] of this.#seen) {
      if (now - at <= KEEP_MS) break
      this.#seen.delete(key)
    }
    if (this.#seen.has(id)) return true
    this.#seen.set(id, now)
    return false
  }

  get size(): number {
    return this.#seen.size
  }
}
