import { describe, expect, it } from 'vitest'
import { SLACK_REPLAY_WINDOW_MS, signSlackRequest, verifySlackRequest } from './verify.ts'

const secret = '8f742231b10e8888abcd99yyyzzz85a5'
const body =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'
const now = 1_531_420_618_000

describe('verifySlackRequest', () => {
  // Slack's documented example: this secret, timestamp and body give this signature.
  it('matches the signature Slack computes', () => {
    const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503'
    expect(signSlackRequest(secret, 1531420618, body)).toBe(signature)
    expect(
      verifySlackRequest({ signingSecret: secret, timestamp: '1531420618', signature, rawBody: body, now }),
    ).toEqual({
      ok: true,
    })
  })

  it.each([
    ['no timestamp', undefined, 'v0=abc', 'missing_headers'],
    ['no signature', '1531420618', undefined, 'missing_headers'],
    ['a non-numeric timestamp', '15314x0618', 'v0=abc', 'missing_headers'],
    ['a wrong signature', '1531420618', `v0=${'0'.repeat(64)}`, 'bad_signature'],
  ])('rejects %s', (_n, timestamp, signature, reason) => {
    expect(verifySlackRequest({ signingSecret: secret, timestamp, signature, rawBody: body, now })).toEqual({
      ok: false,
      reason,
    })
  })

  it('enforces the 5-minute window in both directions with the injected clock', () => {
    const ts = now / 1000
    const sign = (t: number) => signSlackRequest(secret, t, body)
    const check = (t: number) =>
      verifySlackRequest({
        signingSecret: secret,
        timestamp: String(t),
        signature: sign(t),
        rawBody: body,
        now,
      })
    expect(check(ts - SLACK_REPLAY_WINDOW_MS / 1000)).toEqual({ ok: true })
    expect(check(ts - SLACK_REPLAY_WINDOW_MS / 1000 - 1)).toEqual({ ok: false, reason: 'stale_timestamp' })
    expect(check(ts + SLACK_REPLAY_WINDOW_MS / 1000 + 1)).toEqual({ ok: false, reason: 'stale_timestamp' })
  })
})
