/**
 * Slack request signing: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{rawBody}` under the app's
 * signing secret, with a 5-minute replay window. Checked before anything else reads the body.
 */
import { createHmac } from 'node:crypto'
import { safeEqual } from '../http.ts'

/** Requests older (or newer) than this are treated as replays. */
export const SLACK_REPLAY_WINDOW_MS = 5 * 60 * 1000

export type SlackVerification =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' }

/** Computes the `X-Slack-Signature` value for a body; used by tests and by {@link verifySlackRequest}. */
export function signSlackRequest(signingSecret: string, timestamp: number | string, rawBody: string): string {
  const mac = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')
  return `v0=${mac}`
}

/**
 * Verifies Slack's signature headers against the raw body.
 * @param now epoch ms, injectable so tests control the replay window
 */
export function verifySlackRequest(input: {
  signingSecret: string
  timestamp: string | null | undefined
  signature: string | null | undefined
  rawBody: string
  now: number
}): SlackVerification {
  const { timestamp, signature } = input
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing_headers' }
  if (Math.abs(input.now - Number(timestamp) * 1000) > SLACK_REPLAY_WINDOW_MS) {
    return { ok: false, reason: 'stale_timestamp' }
  }
  const expected = signSlackRequest(input.signingSecret, timestamp, input.rawBody)
  return safeEqual(expected, signature) ? { ok: true } : { ok: false, reason: 'bad_signature' }
}
