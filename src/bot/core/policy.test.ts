import { describe, expect, it } from 'vitest'
import { BotError } from './errors.ts'
import { allows, DEFAULT_POLICY, globMatch, matchRule, permissionFor, refusalText } from './policy.ts'
import { loadPolicy } from './policy-file.ts'
import type { Identity } from './types.ts'

const POLICY = loadPolicy(`
defaults:
  "*": { read: true }
rules:
  - match: [{ channel: slack, teamId: T1, userId: "U9*" }, { channel: dialogflow-es, userId: "projects/p/agent/sessions/ops-*" }]
    anaplanUser: planner
    models:
      Sales Forecast: { write: true, lists: true, run: [Load Actuals] }
      "*": { read: true }
  - match: { channel: web, userId: admin }
    models:
      "*": { read: true, write: true, lists: true, run: "*" }
  - match: { channel: web, userId: blocked }
    models:
      Sales Forecast: { read: false }
`)

const slack = (userId: string, teamId = 'T1'): Identity => ({ channel: 'slack', userId, teamId })

describe('policy', () => {
  it('matches identities by channel, user and team globs, first rule wins', () => {
    expect(matchRule(POLICY, slack('U900'))?.anaplanUser).toBe('planner')
    expect(matchRule(POLICY, slack('U900', 'T2'))).toBeUndefined()
    expect(
      matchRule(POLICY, { channel: 'dialogflow-es', userId: 'projects/p/agent/sessions/ops-1' })?.anaplanUser,
    ).toBe('planner')
    expect(matchRule(POLICY, { channel: 'web', userId: 'admin' })?.anaplanUser).toBeUndefined()
    expect(globMatch('U9*', 'U123')).toBe(false)
  })

  it('looks up models by name (any case) then *, and gives unknown identities read-only', () => {
    const p = permissionFor(POLICY, slack('U900'), { name: 'sales forecast' })
    expect(p).toEqual({ read: true, write: true, lists: true, run: ['Load Actuals'] })
    expect(allows(p, 'run', 'load actuals')).toBe(true)
    expect(allows(p, 'run', 'Monthly Refresh')).toBe(false)
    expect(permissionFor(POLICY, slack('U900'), { name: 'Workforce Plan' }).write).toBe(false)
    const stranger = permissionFor(POLICY, { channel: 'web', userId: 'x' }, { name: 'Sales Forecast' })
    expect(stranger).toEqual({ read: true, write: false, lists: false, run: [] })
    expect(permissionFor(DEFAULT_POLICY, slack('U1'), { name: 'Anything' }).write).toBe(false)
    expect(
      permissionFor(POLICY, { channel: 'web', userId: 'blocked' }, { name: 'Sales Forecast' }).read,
    ).toBe(false)
  })

  it('matches a model by id too', () => {
    const p = loadPolicy('rules:\n  - match: { userId: u }\n    models:\n      ABC123: { write: true }\n')
    expect(permissionFor(p, { channel: 'web', userId: 'u' }, { name: 'X', id: 'ABC123' }).write).toBe(true)
    expect(permissionFor(p, { channel: 'web', userId: 'u' }, { name: 'X', id: 'OTHER' }).read).toBe(false)
  })

  it('explains refusals with what to ask for', () => {
    const ro = permissionFor(POLICY, { channel: 'web', userId: 'x' }, { name: 'Sales Forecast' })
    expect(refusalText(ro, 'write', 'Sales Forecast')).toBe(
      'You can read Sales Forecast but not change it. Ask an admin to grant write in the bot policy.',
    )
    expect(refusalText(ro, 'run', 'Sales Forecast', 'Monthly Refresh')).toContain(
      'not run "Monthly Refresh" there',
    )
  })

  it('rejects invalid files naming the field', () => {
    expect(() => loadPolicy('rules:\n  - match: { user: x }\n    models: {}\n')).toThrow(BotError)
    expect(() => loadPolicy('rules:\n  - match: { user: x }\n    models: {}\n')).toThrow(/rules\.0\.match/)
    expect(() => loadPolicy('defaults: { "*": { read: maybe } }')).toThrow(/defaults/)
  })

  it('accepts JSON text', () => {
    const p = loadPolicy('{"rules":[{"match":{"channel":"web"},"models":{"*":{"write":true}}}]}')
    expect(permissionFor(p, { channel: 'web', userId: 'a' }, { name: 'M' }).write).toBe(true)
  })
})
