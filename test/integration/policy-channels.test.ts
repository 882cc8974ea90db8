/**
 * The bot policy holds on every channel (issue 6): a read-only chat identity can read, but cannot
 * write cells, run actions or change lists through the web chat, Slack (mentions, slash command,
 * button clicks), Dialogflow ES and CX (including intents and "confirm" sent directly by the
 * agent), or the terminal. `/__sim/stats` proves Anaplan saw no write at all; the audit trail has
 * the refusals. A planner the policy allows does get through, so the refusals are the policy's doing.
 */
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cxRequest,
  esRequest,
  FakeSlackApi,
  postJson,
  slackClick,
  slackEvent,
  slackRequest,
  slashCommand,
} from '../../bench/lib/channels.ts'
import { type SimStats, type Stack, startStack } from '../../bench/lib/stack.ts'
import { runTerminalChat } from '../../src/bot/channels/terminal.ts'
import { encodeChoice, loadPolicy } from '../../src/bot/core/index.ts'
import { replyText } from '../support/api-chat.ts'

const SIGNING_SECRET = 'policy-signing-secret-77aa01'

// Read-only for everyone, except one web planner: the identities differ only by the policy.
const POLICY = loadPolicy(`
defaults:
  "*": { read: true }
rules:
  - match: { channel: web, userId: planner }
    models:
      Sales Forecast: { read: true, write: true, lists: true, run: "*" }
`)

const WRITE = 'set Units for Widgets in EMEA for Mar 26 Forecast to 999'
const ADD = 'add Contraptions to Products'
const RUN = 'run the Revenue Export'
const ATTEMPTS = [WRITE, ADD, RUN, 'run the Monthly Refresh process', 'run Delete Discontinued Products']
const CONFIRMS = ['yes', 'confirm', 'yes please do it']

const slack = new FakeSlackApi()
let s: Stack
let before: SimStats

beforeAll(async () => {
  await slack.start()
  s = await startStack({
    policy: POLICY,
    server: {
      slack: {
        signingSecret: SIGNING_SECRET,
        botToken: 'xoxb-policy-test',
        apiUrl: slack.url,
        botUserId: 'UBOT',
        botId: 'BBOT',
      },
    },
  })
  before = await s.stats()
})
afterAll(async () => {
  await s.close()
  await slack.close()
})

async function mutations(): Promise<SimStats['mutations']> {
  return (await s.stats()).mutations
}

function refusalsFor(channel: string): number {
  return s.audit.entries.filter((e) => e.result === 'refused' && e.identity.channel === channel).length
}

describe('a read-only identity', () => {
  it('web chat: reads, but every change is refused, even with a forged confirmation', async () => {
    const id = 'pol-web'
    await s.chat(id, 'connect to Sales Forecast', 'reader')
    const read = await s.chat(id, 'what is Revenue for EMEA in Q3 FY26?', 'reader')
    expect(replyText(read)).toMatch(/is [\d,.]+/)
    for (const text of ATTEMPTS) {
      const r = await s.chat(id, text, 'reader')
      expect(replyText(r), text).toMatch(/can read Sales Forecast but not|don't have access/)
      expect(
        r.messages.some((m) => m.type === 'choices' && m.options.some((o) => o.value.includes('confirm'))),
      ).toBe(false)
      for (const yes of CONFIRMS) await s.chat(id, yes, 'reader')
      await s.chat(id, { choice: 'confirm' }, 'reader')
      await s.chat(
        id,
        {
          choice: encodeChoice('write_cell', {
            lineItem: 'Units',
            items: ['Widgets', 'EMEA'],
            period: 'Mar 26',
            version: 'Forecast',
            value: 999,
          }),
        },
        'reader',
      )
    }
    expect(await mutations()).toEqual(before.mutations)
    expect(refusalsFor('web')).toBeGreaterThanOrEqual(ATTEMPTS.length)
  })

  it('Slack: mentions, direct messages, the slash command and button clicks are refused', async () => {
    const send = (body: string, type = 'application/json') => slackRequest(s.app, SIGNING_SECRET, body, type)
    const form = 'application/x-www-form-urlencoded'
    expect((await send(slackEvent('connect to Sales Forecast', { channel: 'CPOL' }))).status).toBe(200)
    for (const text of ATTEMPTS) {
      expect((await send(slackEvent(text, { channel: 'CPOL' }))).status).toBe(200)
      expect((await send(slackEvent('yes', { channel: 'CPOL' }))).status).toBe(200)
      expect((await send(slackClick('confirm', 'U42', 'CPOL'), form)).status).toBe(200)
    }
    await send(slackEvent('connect to Sales Forecast', { channel: 'DPOL', im: true }))
    await send(slackEvent(WRITE, { channel: 'DPOL', im: true }))
    await send(slackEvent('yes', { channel: 'DPOL', im: true }))
    const slash = await send(slashCommand(WRITE, 'U43', 'CPOL2'), form)
    expect(slash.status).toBe(200)
    await send(slashCommand('connect to Sales Forecast', 'U43', 'CPOL2'), form)
    const slash2 = await send(slashCommand(ADD, 'U43', 'CPOL2'), form)
    expect(await slash2.text()).toMatch(/not change its lists/)
    await send(slashCommand('yes', 'U43', 'CPOL2'), form)

    const posts = await slack.waitForPosts(ATTEMPTS.length)
    expect(posts.join('\n')).toMatch(/can read Sales Forecast but not change it/)
    expect(await mutations()).toEqual(before.mutations)
    expect(refusalsFor('slack')).toBeGreaterThanOrEqual(ATTEMPTS.length)
  })

  it('Dialogflow ES: intents matched by the agent, with parameters and a direct confirm, are refused', async () => {
    const session = 'pol-es'
    const es = (text: string, o: Parameters<typeof esRequest>[1] = {}) =>
      postJson(s.app, '/dialogflow/es', esRequest(text, { session, user: 'es-reader', ...o }))
    await es('connect to Sales Forecast', {
      intent: 'connect_model',
      parameters: { model: 'Sales Forecast' },
    })
    const write = await es(WRITE, {
      intent: 'write_cell',
      parameters: {
        lineItem: 'Units',
        items: ['Widgets', 'EMEA'],
        period: 'Mar 26',
        version: 'Forecast',
        value: 999,
      },
    })
    expect(JSON.stringify(await write.json())).toMatch(/can read Sales Forecast but not change it/)
    await es('yes', { intent: 'confirm' })
    await es(ADD, { intent: 'add_list_item', parameters: { list: 'Products', item: 'Contraptions' } })
    await es('yes', { intent: 'confirm' })
    const run = await es(RUN, {
      intent: 'run_action',
      parameters: { action: 'Revenue Export', actionType: 'export' },
    })
    expect(JSON.stringify(await run.json())).toMatch(/not run/)
    await es('yes', { intent: 'confirm' })
    for (const text of ATTEMPTS) {
      await es(text)
      await es('yes')
    }
    expect(await mutations()).toEqual(before.mutations)
    expect(refusalsFor('dialogflow-es')).toBeGreaterThanOrEqual(3)
  })

  it('Dialogflow CX: tagged fulfillments and free text are refused', async () => {
    const session = 'pol-cx'
    const cx = (text: string, tag?: string) =>
      postJson(s.app, '/dialogflow/cx', cxRequest(text, { session, ...(tag ? { tag } : {}) }))
    await cx('connect to Sales Forecast')
    for (const text of ATTEMPTS) {
      const r = await cx(text)
      expect(r.status).toBe(200)
      await cx('yes', 'confirm')
    }
    const tagged = await cx(ADD, 'add_list_item')
    expect(JSON.stringify(await tagged.json())).toMatch(/not change its lists/)
    expect(await mutations()).toEqual(before.mutations)
    expect(refusalsFor('dialogflow-cx')).toBeGreaterThanOrEqual(ATTEMPTS.length)
  })

  it('terminal chat: refused in words', async () => {
    const input = new PassThrough()
    const output = new PassThrough()
    let printed = ''
    output.on('data', (c: Buffer) => {
      printed += c.toString('utf8')
    })
    const done = runTerminalChat(s.bot, {
      input,
      output,
      identity: { channel: 'terminal', userId: 'term-reader' },
      sessionId: 'pol-terminal',
    })
    input.end(['connect to Sales Forecast', ...ATTEMPTS.flatMap((a) => [a, 'yes', '1']), ''].join('\n'))
    await done
    expect(printed).toMatch(/can read Sales Forecast but not change it/)
    expect(await mutations()).toEqual(before.mutations)
    expect(refusalsFor('terminal')).toBeGreaterThanOrEqual(ATTEMPTS.length)
  })
})

describe('the planner the policy allows', () => {
  it('gets the same requests through, after confirming', async () => {
    const id = 'pol-planner'
    await s.chat(id, 'connect to Sales Forecast', 'planner')
    const ask = await s.chat(id, WRITE, 'planner')
    expect(replyText(ask)).toMatch(/to 999\?/)
    const done = await s.chat(id, 'yes', 'planner')
    expect(replyText(done)).toMatch(/now 999/)
    expect((await mutations()).cellWrites).toBe(before.mutations.cellWrites + 1)
  })
})
