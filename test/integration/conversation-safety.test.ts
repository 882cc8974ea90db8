/**
 * Safety and long work over /api/chat: refusals by policy (audited), Anaplan's own refusal for a
 * read-only credentials profile, long tasks that finish after the reply, status and cancel, and a
 * busy model explained in words.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loadPolicy } from '../../src/bot/core/index.ts'
import { replyText } from '../support/api-chat.ts'
import { eventually, find, type Harness, startHarness, VIEWER } from './conversation-helpers.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const POLICY = loadPolicy(`
defaults:
  "*": { read: true }
rules:
  - match: { channel: web, userId: "planner-*" }
    models:
      Sales Forecast: { read: true, write: true, lists: true, run: [Load Actuals, Revenue Export] }
  - match: { channel: web, userId: guest }
    models:
      Workforce Plan: { read: true }
  - match: { channel: web, userId: viewer-bob }
    anaplanUser: viewer
    models:
      "*": { read: true, write: true, lists: true, run: "*" }
`)

describe('policy over /api/chat', () => {
  it('refuses writes and actions it does not allow, explains why, and audits the refusal', async () => {
    h = await startHarness({ policy: POLICY })
    const s = 'pol-1'
    await h.chat(s, 'connect to Sales Forecast', 'stranger')
    const write = await h.chat(s, 'set Units for Widgets in APAC for Mar 26 to 5', 'stranger')
    expect(replyText(write)).toContain(
      'You can read Sales Forecast but not change it. Ask an admin to grant write in the bot policy.',
    )
    expect(find(write, 'choices')).toBeUndefined()
    expect(h.audit.entries.at(-1)).toMatchObject({
      result: 'refused',
      action: 'write_cell',
      identity: { userId: 'stranger' },
    })

    const add = await h.chat(s, 'add Doohickeys to Products', 'stranger')
    expect(replyText(add)).toContain('not change its lists')

    const s2 = 'pol-2'
    await h.chat(s2, 'connect to Sales Forecast', 'planner-ann')
    const run = await h.chat(s2, 'run the Monthly Refresh process', 'planner-ann')
    expect(replyText(run)).toContain('You can read Sales Forecast but not run "Monthly Refresh" there')
    expect(h.audit.entries.at(-1)).toMatchObject({ result: 'refused', action: 'run_action' })
    const ok = await h.chat(s2, 'run Load Actuals', 'planner-ann')
    expect(replyText(ok)).toContain('Run the import Load Actuals in Sales Forecast?')

    const s3 = 'pol-3'
    const denied = await h.chat(s3, 'connect to Sales Forecast', 'guest')
    expect(replyText(denied)).toContain("You don't have access to Sales Forecast through this bot")
    expect(h.audit.entries.at(-1)).toMatchObject({ result: 'refused', action: 'connect_model' })
  })

  it("acts as the identity's own Anaplan user and explains Anaplan's refusal", async () => {
    h = await startHarness({ policy: POLICY, profiles: { viewer: VIEWER } })
    const s = 'pol-viewer'
    const me = await h.chat(s, 'who am i', 'viewer-bob')
    expect(replyText(me)).toContain('viewer@example.com')
    await h.chat(s, 'connect to Sales Forecast', 'viewer-bob')
    await h.chat(s, 'set Units for Widgets in APAC for Mar 26 to 5', 'viewer-bob')
    const r = await h.chat(s, 'yes', 'viewer-bob')
    expect(replyText(r)).toMatch(
      /Anaplan refused: your Anaplan user is not allowed to change Units in Sales Forecast/,
    )
    expect(h.audit.entries.at(-1)).toMatchObject({
      action: 'write_cell',
      result: 'failed',
      error: 'PermissionDeniedError',
    })
    // No access at all to Workforce Plan for the viewer: Anaplan hides it.
    const wf = await h.chat(s, 'connect to Workforce Plan', 'viewer-bob')
    expect(replyText(wf)).toMatch(/couldn't find a model called 'Workforce Plan'|no access/)
  })
})

describe('long tasks', () => {
  it('answers in time, then delivers the result as a notification and in the outbox', async () => {
    h = await startHarness({ policy: POLICY, taskMs: 3000, replyBudgetMs: 1500 })
    const s = 'long-1'
    await h.chat(s, 'connect to Sales Forecast', 'planner-ann')
    await h.chat(s, 'run Load Actuals', 'planner-ann')
    const started = await h.chat(s, 'yes', 'planner-ann')
    expect(replyText(started)).toBe("Started Load Actuals. I'll tell you when it finishes.")
    const status = await h.chat(s, 'is the import done?', 'planner-ann')
    expect(status.intent.name).toBe('task_status')
    expect(replyText(status)).toMatch(/Load Actuals (is still running|is queued)/)
    const harness = h
    const key = h.key(s, 'planner-ann')
    await eventually(() => harness.notifications.some((n) => n.sessionId === key))
    const note = h.notifications.find((n) => n.sessionId === key)
    expect(replyText(note?.messages ?? [])).toContain('Load Actuals finished')
    expect(note?.identity.userId).toBe('planner-ann')
    const pending = await h.bot.drainPending(key)
    expect(replyText(pending)).toContain('Load Actuals finished')
    expect(await h.bot.drainPending(key)).toEqual([])
    expect(h.audit.entries.at(-1)).toMatchObject({ action: 'run_action', result: 'ok' })
  })

  it('does not queue a follow-up that a listener delivered itself', async () => {
    h = await startHarness({ policy: POLICY, taskMs: 2500, replyBudgetMs: 1500 })
    const pushed: string[] = []
    h.bot.subscribe((n) => {
      pushed.push(n.sessionId)
      return true
    })
    const s = 'long-push'
    await h.chat(s, 'connect to Sales Forecast', 'planner-ann')
    await h.chat(s, 'run Load Actuals', 'planner-ann')
    expect(replyText(await h.chat(s, 'yes', 'planner-ann'))).toContain('Started Load Actuals')
    const key = h.key(s, 'planner-ann')
    await eventually(() => pushed.includes(key))
    const harness = h
    await eventually(() => harness.audit.entries.some((e) => e.action === 'run_action' && e.result === 'ok'))
    expect(await h.bot.drainPending(key)).toEqual([])
    expect(replyText(await h.chat(s, 'who am i', 'planner-ann'))).not.toContain('Load Actuals finished')
  })

  it('cancels the running task on "stop it"', async () => {
    h = await startHarness({ policy: POLICY, taskMs: 8000, replyBudgetMs: 1500 })
    const s = 'long-2'
    await h.chat(s, 'connect to Sales Forecast', 'planner-ann')
    await h.chat(s, 'run Load Actuals', 'planner-ann')
    expect(replyText(await h.chat(s, 'yes', 'planner-ann'))).toContain('Started Load Actuals')
    const stop = await h.chat(s, 'stop it', 'planner-ann')
    expect(stop.intent.name).toBe('cancel_task')
    // A cancel rolls back work: it is confirmed like any change (issue 11, finding 7).
    expect(replyText(stop)).toContain('Cancel Load Actuals in Sales Forecast?')
    const yes = await h.chat(s, 'yes', 'planner-ann')
    expect(replyText(yes)).toContain('Cancelled Load Actuals')
    expect(h.audit.entries.some((e) => e.action === 'cancel_task' && e.result === 'ok')).toBe(true)
  })

  it('explains a busy model in words', async () => {
    h = await startHarness({ policy: POLICY, clientOptions: { maxRetries: 0 } })
    const s = 'busy-1'
    await h.chat(s, 'connect to Sales Forecast', 'planner-ann')
    await h.chat(s, 'run Load Actuals', 'planner-ann')
    const fault = await fetch(`${h.sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'POST',
        path: '/2/0/workspaces/*/models/*/imports/*/tasks',
        status: 409,
        count: 1,
      }),
    })
    expect(fault.status).toBe(201)
    const r = await h.chat(s, 'yes', 'planner-ann')
    expect(replyText(r)).toContain('Sales Forecast is busy running another action. Try again in a minute.')
    expect(h.audit.entries.at(-1)).toMatchObject({
      action: 'run_action',
      result: 'failed',
      error: 'ConflictError',
    })
  })
})
