/**
 * The retry policy of HOUSE-STYLE §9.5 as pure functions: {@link shouldRetry} decides, {@link backoff}
 * and {@link parseRetryAfter} say how long to wait. The transport in `client.ts` only wires them up.
 */

/** What happened to one attempt. */
export type AttemptOutcome =
  /** Failed before the request was written (refused, DNS): the server never saw it. */
  | { kind: 'connect' }
  /** Our per-attempt timer fired: the server may or may not have acted. */
  | { kind: 'timeout' }
  /** The connection dropped after the request was sent: ambiguous. */
  | { kind: 'reset' }
  /** The server answered with a non-2xx status (401 is handled by the token layer first). */
  | { kind: 'status'; status: number }
  /** Anything else is a bug, not weather: never retried (ky does the same). */
  | { kind: 'unknown' }

export type RetryReason =
  | 'connect'
  | 'timeout'
  | 'reset'
  | 'rate_limit'
  | 'server_error'
  | 'conflict'
  | 'locked'

export interface RetryDecision {
  retry: boolean
  reason?: RetryReason
  /** `long` for 409/423: the model is busy and will stay busy for a while. */
  policy: 'default' | 'long'
  /** The server may have acted on a request we will not re-send (non-idempotent only). */
  ambiguous: boolean
}

/**
 * Decides whether an attempt may be repeated.
 *
 * Non-idempotent calls (task starts, cell writes, list writes) are re-sent only when we know the
 * server did not act: a connect failure, a 409/423 (rejected before acting) or a 429. After a timeout,
 * a reset or a 5xx they are ambiguous, and re-sending could start a second import.
 */
export function shouldRetry(outcome: AttemptOutcome, idempotent: boolean): RetryDecision {
  const no = (ambiguous = false): RetryDecision => ({ retry: false, policy: 'default', ambiguous })
  switch (outcome.kind) {
    case 'connect':
      return { retry: true, reason: 'connect', policy: 'default', ambiguous: false }
    case 'timeout':
    case 'reset':
      return idempotent
        ? { retry: true, reason: outcome.kind, policy: 'default', ambiguous: false }
        : no(true)
    case 'unknown':
      return no()
    case 'status': {
      const s = outcome.status
      if (s === 429) return { retry: true, reason: 'rate_limit', policy: 'default', ambiguous: false }
      if (s === 409) return { retry: true, reason: 'conflict', policy: 'long', ambiguous: false }
      if (s === 423) return { retry: true, reason: 'locked', policy: 'long', ambiguous: false }
      if (s >= 500) {
        return idempotent
          ? { retry: true, reason: 'server_error', policy: 'default', ambiguous: false }
          : no(true)
      }
      return no()
    }
  }
}

/** Backoff tuning; the defaults sit between openai-node's shape and Anaplan Connect's numbers. */
export const BACKOFF = {
  default: { baseMs: 1000, factor: 2, capMs: 30_000 },
  long: { baseMs: 3000, factor: 1.5, capMs: 120_000 },
} as const

/** Longest wait honoured from a `Retry-After` header, as Anaplan Connect caps it. */
export const RETRY_AFTER_CAP_MS = 120_000

/**
 * Delay before retry number `attempt` (0-based): `min(cap, base·factor^attempt) × (0.75 + 0.25·rand)`.
 * The jitter only shortens the wait, so the cap holds.
 */
export function backoff(
  attempt: number,
  policy: 'default' | 'long' = 'default',
  random: () => number = Math.random,
) {
  const p = BACKOFF[policy]
  const raw = Math.min(p.capMs, p.baseMs * p.factor ** attempt)
  return Math.round(raw * (0.75 + 0.25 * random()))
}

/**
 * Parses `Retry-After` as delta-seconds or an HTTP-date into milliseconds from `nowMs`, capped at
 * {@link RETRY_AFTER_CAP_MS}. Returns `undefined` when absent or unparsable (fall back to backoff).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined
  const v = value.trim()
  if (v === '') return undefined
  let ms: number
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000
  else {
    // An HTTP-date always names a day or month; bare numbers such as "-5" are garbage, not years.
    if (!/[a-z]/i.test(v)) return undefined
    const at = Date.parse(v)
    if (Number.isNaN(at)) return undefined
    ms = at - nowMs
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, Math.round(ms)))
}
