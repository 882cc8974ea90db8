/**
 * Issue 11, the core's share, as attacks on a bot over the simulator (port 0): each is refused,
 * and `/__sim/stats` or a read-back shows Anaplan unchanged; the positive paths still work. Turns
 * go to `bot.process` directly with the identity a channel would have verified, so the tests hold
 * whatever each channel does to authenticate.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addFault, clearFaults, type SimStats, simStats } from '../../bench/lib/stack.ts'
import { AnaplanClient } from '../../src/anaplan/index.ts'
import {
  BotError,
  type BotPolicy,
  createBot,
  MemoryAuditSink,
  MemorySessionStore,
  type SessionStore,
} from '../../src/bot/core/index.ts'
import { MAX_TEXT_LENGTH } from '../../src/bot/core/limits.ts'
import type { Bot, BotReply, Identity, Notification } from '../../src/bot/core/types.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { replyText } from '../support/api-chat.ts'
import { eventually } from './conversation-helpers.ts'

const FULL = { read: true, write: true, lists: true, run: ['*'] }
const POLICY: BotPolicy = {
  rules: [
    { match: [{ channel: 'web', userId: 'planner' }], models: { '*': FULL } },
    {
      match: [{ channel: 'web', userId: 'reader' }],
      models: { 'Sales Forecast': { read: true, write: false, lists: false, run: [] } },
    },
  ],
  // Anonymous: Sales Forecast only, read-only; Workforce Plan is not theirs to see.
  defaults: { 'Sales Forecast': { read: true, write: false, lists: false, run: [] } },
}
const PLANNER: Identity = { channel: 'web', userId: 'planner' }
const READER: Identity = { channel: 'web', userId: 'reader' }
const STRANGER: Identity = { channel: 'web', userId: 'someone' }
const CELL_WRITE = '/2/0/**/modules/*/data'
const WRITE_UNITS = 'set Units for Widgets in LATAM for May 26 Forecast to'

let sim: RunningSimulator
let client: AnaplanClient
let n = 0
const session = () => `sec-${++n}`

interface TestBot {
  bot: Bot
  audit: MemoryAuditSink
  notes: Notification[]
  say(sessionId: string, input: string | { choice: string }, who?: Identity): Promise<BotReply>
}

const bots: Bot[] = []
async function makeBot(
  options: { store?: SessionStore; replyBudgetMs?: number; reconcileOnStart?: boolean } = {},
) {
  const audit = new MemoryAuditSink()
  const bot = await createBot({
    anaplan: client,
    policy: POLICY,
    audit,
    pollIntervalMs: 25,
    ...options,
  })
  bots.push(bot)
  const notes: Notification[] = []
  bot.subscribe((x) => {
    notes.push(x)
  })
  const say = (sessionId: string, input: string | { choice: string }, who: Identity = PLANNER) =>
    bot.process({
      sessionId,
      identity: who,
      ...(typeof input === 'string' ? { text: input } : input),
      deadline: Date.now() + 20_000,
    })
  return { bot, audit, notes, say } satisfies TestBot
}

let t: TestBot
beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 30, latencyMs: 0 })
  client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    random: () => 0,
  })
  t = await makeBot()
})
afterEach(() => clearFaults(sim.url))
afterAll(async () => {
  for (const b of bots) await b.close()
  await client.close()
  await sim.close()
})

const requests = (s: SimStats) => Object.values(s.routes).reduce((a, b) => a + b, 0)
const choicesOf = (r: BotReply) => r.messages.flatMap((m) => (m.type === 'choices' ? m.options : []))
const yesOf = (r: BotReply) => choicesOf(r).find((o) => o.label === 'Yes')?.value ?? ''

async function connected(who: Identity = PLANNER): Promise<string> {
  const s = session()
  expect(replyText(await t.say(s, 'connect to Sales Forecast', who))).toContain('Connected to Sales Forecast')
  return s
}

async function unitsOfWidgetsLatamMay(s: string): Promise<string> {
  return replyText(await t.say(s, 'what are the units of widgets in LATAM for May 26 Forecast?'))
}

describe('finding 1: the text cap', () => {
  it('refuses a 20,000-character message in words, before any Anaplan or session work', async () => {
    const s = await connected()
    const before = await simStats(sim.url)
    const r = await t.say(s, '1.'.repeat(10_000))
    expect(replyText(r)).toMatch(/too long for me \(20,000 characters; the limit is 2,000\)/)
    expect(requests(await simStats(sim.url))).toBe(requests(before))
    // At the limit it is an ordinary (if odd) message.
    const ok = await t.say(s, `show ${'x'.repeat(MAX_TEXT_LENGTH - 5)}`)
    expect(replyText(ok)).not.toMatch(/too long/)
  })

  it('refuses it in understand() (/api/nlu) with an invalid_input error', async () => {
    await expect(t.bot.understand('a'.repeat(20_000))).rejects.toSatisfy(
      (e) => e instanceof BotError && e.code === 'invalid_input' && /too long/.test(e.message),
    )
  })
})

describe('finding 11: choice payloads', () => {
  it.each([
    ['write_cell?p=null'],
    ['write_cell?p=%5B1%2C2%5D'],
    ['write_cell?p=%7Bbroken'],
    ['constructor'],
    ['__proto__'],
    ['constructor?p=%7B%7D'],
    ['nonsense_intent?p=%7B%7D'],
    [`write_cell?p=${encodeURIComponent('{"__proto__":{"polluted":1},"lineItem":"Units"}')}`],
  ])('%s is refused in words and changes nothing', async (choice) => {
    const s = await connected()
    const before = (await simStats(sim.url)).mutations
    const r = await t.say(s, { choice })
    expect(replyText(r)).toMatch(/not one I offered|didn't understand/)
    expect(r.intent.name).not.toMatch(/constructor|__proto__/)
    expect((await simStats(sim.url)).mutations).toEqual(before)
  })

  it('an object as a value never reaches Anaplan', async () => {
    const s = await connected()
    const before = (await simStats(sim.url)).mutations.cellWrites
    const params = {
      lineItem: 'Units',
      items: ['Widgets', 'LATAM'],
      period: 'May 26',
      version: 'Forecast',
      value: { toString: 'x' },
    }
    const r = await t.say(s, { choice: `write_cell?p=${encodeURIComponent(JSON.stringify(params))}` })
    expect(replyText(r)).toContain('not one I offered')
    // A Dialogflow-style recognised intent with an object value: the value is dropped and asked for.
    const r2 = await t.bot.process({
      sessionId: s,
      identity: PLANNER,
      text: 'set units',
      recognized: { intent: 'write_cell', parameters: { ...params, value: { amount: 5, currency: 'USD' } } },
    })
    expect(replyText(r2)).toContain('What value should I write?')
    const r3 = await t.bot.process({
      sessionId: s,
      identity: PLANNER,
      text: 'x',
      recognized: { intent: 'constructor', parameters: {} },
    })
    expect(replyText(r3)).toMatch(/didn't understand/)
    expect((await simStats(sim.url)).mutations.cellWrites).toBe(before)
  })
})

describe('finding 6: a confirmation names its change', () => {
  it('a stale "Yes" is refused, the change waiting stays, its own "Yes" applies it', async () => {
    const s = await connected()
    const a = await t.say(s, `${WRITE_UNITS} 101`)
    expect(replyText(a)).toMatch(/to 101\?/)
    const b = await t.say(s, `${WRITE_UNITS} 202`)
    expect(replyText(b)).toMatch(/to 202\?/)
    expect(yesOf(a)).not.toBe(yesOf(b))
    const before = (await simStats(sim.url)).mutations.cellWrites

    const stale = await t.say(s, { choice: yesOf(a) })
    expect(replyText(stale)).toContain('That confirmation was for an earlier change; nothing was changed.')
    expect((await simStats(sim.url)).mutations.cellWrites).toBe(before)
    expect(t.audit.entries.at(-1)).toMatchObject({ result: 'refused', error: 'stale_confirmation' })

    const done = await t.say(s, { choice: yesOf(b) })
    expect(replyText(done)).toMatch(/now 202/)
    expect((await simStats(sim.url)).mutations.cellWrites).toBe(before + 1)
    // B's buttons are spent too.
    const again = await t.say(s, { choice: yesOf(b) })
    expect(replyText(again)).toContain('no longer waiting')
    expect((await simStats(sim.url)).mutations.cellWrites).toBe(before + 1)
    expect(await unitsOfWidgetsLatamMay(s)).toContain('is 202')
  })

  it('a typed "yes" answers only the change asked just before', async () => {
    const s = await connected()
    await t.say(s, `${WRITE_UNITS} 303`)
    await t.say(s, 'what is Revenue for EMEA in Q3 FY26?')
    const before = (await simStats(sim.url)).mutations.cellWrites
    expect(replyText(await t.say(s, 'yes'))).toContain("There's nothing waiting for a yes.")
    expect((await simStats(sim.url)).mutations.cellWrites).toBe(before)
    // Typed right after the question, "yes" (or the button's label) applies it.
    await t.say(s, `${WRITE_UNITS} 304`)
    expect(replyText(await t.say(s, 'Yes'))).toMatch(/now 304/)
  })
})

describe('finding 7: cancel_task', () => {
  it('needs the run right on the task’s model and a confirmation naming the task', async () => {
    const slow = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 8000, latencyMs: 0 })
    const c = new AnaplanClient({
      authUrl: slow.authUrl,
      apiUrl: slow.apiUrl,
      credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    })
    const audit = new MemoryAuditSink()
    const bot = await createBot({
      anaplan: c,
      policy: POLICY,
      audit,
      pollIntervalMs: 25,
      replyBudgetMs: 1500,
    })
    try {
      const say = (s: string, text: string, who: Identity) =>
        bot.process({ sessionId: s, identity: who, text })
      const s = 'cancel-1'
      await say(s, 'connect to Sales Forecast', PLANNER)
      const ask = await say(s, 'run Load Actuals', PLANNER)
      expect(replyText(await bot.process({ sessionId: s, identity: PLANNER, choice: yesOf(ask) }))).toContain(
        'Started Load Actuals',
      )
      // The same conversation reached by a read-only identity: its "stop it" is refused.
      const refused = await say(s, 'stop it', READER)
      expect(replyText(refused)).toContain('You can read Sales Forecast but not run')
      expect(choicesOf(refused)).toEqual([])
      expect(audit.entries.at(-1)).toMatchObject({ action: 'cancel_task', result: 'refused' })
      const scope = await c.model({ model: 'Sales Forecast' })
      const imp = (await scope.listImports()).find((i) => i.name === 'Load Actuals')
      const [task] = await scope.listTasks('import', imp?.id ?? '')
      expect(task?.taskState).toMatch(/NOT_STARTED|IN_PROGRESS/)

      const ask2 = await say(s, 'stop it', PLANNER)
      expect(replyText(ask2)).toContain('Cancel Load Actuals in Sales Forecast?')
      expect((await scope.getTask('import', imp?.id ?? '', task?.taskId ?? '')).taskState).toMatch(
        /NOT_STARTED|IN_PROGRESS/,
      )
      const yes = await bot.process({ sessionId: s, identity: PLANNER, choice: yesOf(ask2) })
      expect(replyText(yes)).toContain('Cancelled Load Actuals')
      expect((await scope.getTask('import', imp?.id ?? '', task?.taskId ?? '')).taskState).toMatch(/CANCEL/)
    } finally {
      await bot.close()
      await c.close()
      await slow.close()
    }
  })
})

describe('finding 8: the audit trail tells lost answers apart', () => {
  it('a write Anaplan applied but whose answer was lost: unknown, then ok by read-back', async () => {
    const s = await connected()
    await t.say(s, `${WRITE_UNITS} 611`)
    const before = (await simStats(sim.url)).mutations.cellWrites
    await addFault(sim.url, { method: 'POST', path: CELL_WRITE, status: 503, afterHandler: true })
    const r = await t.say(s, 'yes')
    expect(replyText(r)).toContain('reading the cell back shows the change was applied')
    expect(replyText(r)).not.toMatch(/can't reach Anaplan/)
    expect((await simStats(sim.url)).mutations.cellWrites).toBe(before + 1)
    const [unknown, settled] = t.audit.entries.slice(-2)
    expect(unknown).toMatchObject({ action: 'write_cell', result: 'unknown' })
    expect(settled).toMatchObject({ action: 'write_cell', result: 'ok', reconciled: true })
  })

  it('a write lost before Anaplan acted: unknown, then failed by read-back, never re-sent', async () => {
    const s = await connected()
    await t.say(s, `${WRITE_UNITS} 622`)
    const before = (await simStats(sim.url)).mutations.cellWrites
    await addFault(sim.url, { method: 'POST', path: CELL_WRITE, status: 503 })
    const r = await t.say(s, 'yes')
    expect(replyText(r)).toContain('shows it was not applied')
    expect((await simStats(sim.url)).mutations.cellWrites).toBe(before)
    expect(t.audit.entries.at(-1)).toMatchObject({ result: 'failed', reconciled: true, error: 'not_applied' })
    expect(await unitsOfWidgetsLatamMay(s)).not.toContain('is 622')
  })

  it('a task left running by a stopped bot is reconciled when the next one starts', async () => {
    const slow = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 1500, latencyMs: 0 })
    const c = new AnaplanClient({
      authUrl: slow.authUrl,
      apiUrl: slow.apiUrl,
      credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    })
    const store = new MemorySessionStore()
    try {
      const first = await createBot({
        anaplan: c,
        policy: POLICY,
        store,
        pollIntervalMs: 25,
        replyBudgetMs: 1000,
      })
      const s = 'restart-1'
      await first.process({ sessionId: s, identity: PLANNER, text: 'connect to Sales Forecast' })
      await first.process({ sessionId: s, identity: PLANNER, text: 'run Revenue Export' })
      const started = await first.process({ sessionId: s, identity: PLANNER, text: 'yes' })
      expect(replyText(started)).toContain('Started Revenue Export')
      // The process goes away while the task runs: its watcher stops without a word.
      await first.close()

      const audit = new MemoryAuditSink()
      const second = await createBot({ anaplan: c, policy: POLICY, store, audit, pollIntervalMs: 25 })
      try {
        await eventually(() => audit.entries.some((e) => e.action === 'run_action'))
        expect(audit.entries.find((e) => e.action === 'run_action')).toMatchObject({
          result: 'ok',
          reconciled: true,
          identity: PLANNER,
          sessionId: s,
        })
        expect(replyText(await second.drainPending(s))).toContain(
          'Revenue Export finished while I was not watching',
        )
        // Reconciled once: another pass finds nothing open.
        expect(await second.reconcile?.()).toBe(0)
      } finally {
        await second.close()
      }
    } finally {
      await c.close()
      await slow.close()
    }
  })
})

describe('finding 11: what read-only and anonymous users see', () => {
  it('no denied models and no technical login', async () => {
    const s = session()
    const models = await t.say(s, 'which models can I use?', STRANGER)
    const table = models.messages.find((m) => m.type === 'table')
    const names = table?.type === 'table' ? table.rows.map((r) => r[0]) : []
    expect(names).toEqual(['Sales Forecast'])
    expect(replyText(await t.say(s, 'hi', STRANGER))).not.toContain('Workforce Plan')
    const me = replyText(await t.say(s, 'who am i', READER))
    expect(me).not.toContain('analyst@example.com')
    expect(me).toContain("reading Anaplan through the bot's shared user")
    // Someone who acts in Anaplan still learns as whom.
    expect(replyText(await t.say(session(), 'who am i', PLANNER))).toContain('analyst@example.com')
  })
})

describe('R3: the core owns the turn', () => {
  it('answers "still working" by the deadline and delivers the answer later', async () => {
    const s = await connected()
    await addFault(sim.url, { method: 'GET', path: '/2/0/models/*/views/*/data', latencyMs: 1500 })
    const r = await t.bot.process({
      sessionId: s,
      identity: PLANNER,
      text: 'show me Revenue by Region for Widgets and Forecast',
      deadline: Date.now() + 400,
    })
    expect(r.stillWorking).toBe(true)
    expect(replyText(r)).toContain('Still working on it')
    await eventually(() =>
      t.notes.some((x) => x.sessionId === s && x.messages.some((m) => m.type === 'table')),
    )
  })
})
