import { describe, expect, it } from 'vitest'
import { type AttemptOutcome, backoff, parseRetryAfter, RETRY_AFTER_CAP_MS, shouldRetry } from './retry.ts'

describe('shouldRetry (HOUSE-STYLE §9.5 decision table)', () => {
  const table: [
    string,
    AttemptOutcome,
    boolean,
    { retry: boolean; reason?: string; policy?: string; ambiguous?: boolean },
  ][] = [
    ['connect failure, idempotent', { kind: 'connect' }, true, { retry: true, reason: 'connect' }],
    ['connect failure, non-idempotent', { kind: 'connect' }, false, { retry: true, reason: 'connect' }],
    ['timeout, idempotent', { kind: 'timeout' }, true, { retry: true, reason: 'timeout' }],
    ['timeout, non-idempotent', { kind: 'timeout' }, false, { retry: false, ambiguous: true }],
    ['reset after send, idempotent', { kind: 'reset' }, true, { retry: true, reason: 'reset' }],
    ['reset after send, non-idempotent', { kind: 'reset' }, false, { retry: false, ambiguous: true }],
    [
      '409, non-idempotent',
      { kind: 'status', status: 409 },
      false,
      { retry: true, reason: 'conflict', policy: 'long' },
    ],
    [
      '423, idempotent',
      { kind: 'status', status: 423 },
      true,
      { retry: true, reason: 'locked', policy: 'long' },
    ],
    ['429, non-idempotent', { kind: 'status', status: 429 }, false, { retry: true, reason: 'rate_limit' }],
    ['500, idempotent', { kind: 'status', status: 500 }, true, { retry: true, reason: 'server_error' }],
    ['503, non-idempotent', { kind: 'status', status: 503 }, false, { retry: false, ambiguous: true }],
    ['400', { kind: 'status', status: 400 }, true, { retry: false, ambiguous: false }],
    ['403', { kind: 'status', status: 403 }, true, { retry: false }],
    ['404', { kind: 'status', status: 404 }, true, { retry: false }],
    ['422', { kind: 'status', status: 422 }, true, { retry: false }],
    ['unknown error', { kind: 'unknown' }, true, { retry: false, ambiguous: false }],
  ]
  it.each(table)('%s', (_label, outcome, idempotent, expected) => {
    expect(shouldRetry(outcome, idempotent)).toMatchObject(expected)
  })
})

describe('backoff', () => {
  it('grows exponentially with jitter that only shortens the wait', () => {
    expect(backoff(0, 'default', () => 1)).toBe(1000)
    expect(backoff(0, 'default', () => 0)).toBe(750)
    expect(backoff(2, 'default', () => 1)).toBe(4000)
    expect(backoff(10, 'default', () => 1)).toBe(30_000)
    expect(backoff(1, 'long', () => 1)).toBe(4500)
    expect(backoff(30, 'long', () => 1)).toBe(120_000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T10:00:00Z')
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
    ['Sun, 22 Nov 2026 09:59:00 GMT', 0],
    ['600', RETRY_AFTER_CAP_MS],
    ['Sun, 22 Nov 2026 11:00:00 GMT', RETRY_AFTER_CAP_MS],
  ])('%s → %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })
  it.each([[null], [undefined], [''], ['soon'], ['-5']])('%s → undefined', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})
