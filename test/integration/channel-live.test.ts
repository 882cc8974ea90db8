/**
 * The channels with the real core and the simulator: Dialogflow ES/CX bodies and Slack payloads go
 * through the server to Anaplan (simulated) and back, including policy refusals and long tasks that
 * finish after the reply (Slack follow-up message, Dialogflow pending messages).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AnaplanClient } from '../../src/anaplan/index.ts'
import { createBot, loadPolicy, MemoryAuditSink } from '../../src/bot/core/index.ts'
import type { Bot } from '../../src/bot/core/types.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { FakeSlackApi, slackRequestInit } from './channel-helpers.ts'

const SECRET = 'live-signing-secret-123'
const WEBHOOK = { type: 'header', name: 'x-webhook-key', value: 'live-webhook-key-77' } as const
const POLICY = `
rules:
  - match: { channel: slack, userId: U_ADMIN }
    models: { "*": { read: true, write: true, lists: true, run: true } }
  - match: { channel: dialogflow-es, userId: projects/planner-1/agent }
    models: { "Sales Forecast": { read: true, run: [Monthly Refresh, Revenue Export] } }
`

let sim: RunningSimulator
let bot: Bot
let app: ReturnType<typeof createBotServer>
const api = new FakeSlackApi()
const audit = new MemoryAuditSink()

beforeAll(async () => {
  await api.start()
  // Two 1.2 s steps: the Monthly Refresh process outlasts Slack's budget and the ES budget below.
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 1200 })
  const client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
  })
  bot = await createBot({ anaplan: client, audit, policy: loadPolicy(POLICY) })
  app = createBotServer(bot, {
    slack: { signingSecret: SECRET, botToken: 'xoxb-live-token-1', apiUrl: api.url },
    dialogflowEs: { timeoutMs: 2000, auth: WEBHOOK },
    dialogflowCx: { auth: WEBHOOK },
  })
})

afterAll(async () => {
  await bot?.close()
  await sim?.close()
  await api.close()
})

beforeEach(() => {
  api.calls.length = 0
})

function es(
  session: string,
  displayName: string,
  queryText: string,
  parameters: Record<string, unknown> = {},
) {
  return app.request('/dialogflow/es', {
    method: 'POST',
    headers: { 'content-type': 'application/json', [WEBHOOK.name]: WEBHOOK.value },
    body: JSON.stringify({
      responseId: `r-${Math.random()}`,
      // "<project>:<session>": the policy identity is the agent, one per project here.
      session: `projects/${session.split(':')[0]}/agent/sessions/${session.split(':')[1]}`,
      queryResult: {
        queryText,
        parameters,
        allRequiredParamsPresent: true,
        intent: { name: 'projects/demo/agent/intents/x', displayName },
        intentDetectionConfidence: 0.9,
        languageCode: 'en',
      },
      originalDetectIntentRequest: { source: 'DIALOGFLOW_CONSOLE', payload: {} },
    }),
  })
}

async function esText(res: Response | Promise<Response>): Promise<string> {
  const r = await res
  expect(r.status).toBe(200)
  return ((await r.json()) as { fulfillmentText: string }).fulfillmentText
}

describe('Dialogflow ES with the real core', () => {
  it('connects and reads a cell from Dialogflow-recognised intents', async () => {
    const s = 'viewer-9:sess-read'
    expect(
      await esText(
        es(s, 'connect_model', 'get connected to Sales Forecast', { model: 'Sales Forecast', workspace: '' }),
      ),
    ).toContain('Connected to Sales Forecast')
    const text = await esText(
      es(s, 'read_cell', 'what is Revenue for EMEA in Q3 FY26?', {
        lineItem: 'Revenue',
        items: ['EMEA'],
        period: 'Q3 FY26',
        version: '',
      }),
    )
    expect(text).toMatch(/Revenue/)
    expect(text).toMatch(/EMEA/)
    expect(text).toMatch(/\d/)
  })

  it('explains a refusal by policy to an agent it does not name (read-only) and audits it', async () => {
    const s = 'stranger-7:sess-refuse'
    await esText(es(s, 'connect_model', 'connect to Sales Forecast', { model: 'Sales Forecast' }))
    const text = await esText(
      es(s, 'write_cell', 'set Units for Widgets in APAC for Mar 26 to 500', {
        lineItem: 'Units',
        items: ['Widgets', 'APAC'],
        period: 'Mar 26',
        value: 500,
      }),
    )
    expect(text.toLowerCase()).toMatch(/you can read sales forecast but not change it/)
    expect(
      audit.entries.some((e) => e.result === 'refused' && e.identity.userId === 'projects/stranger-7/agent'),
    ).toBe(true)
  })

  it('answers within the deadline when a process runs long, and delivers the result on the next turn', async () => {
    const s = 'planner-1:sess-long'
    await esText(es(s, 'connect_model', 'connect to Sales Forecast', { model: 'Sales Forecast' }))
    const ask = await esText(
      es(s, 'run_action', 'run the Monthly Refresh process', {
        action: 'Monthly Refresh',
        actionType: 'process',
      }),
    )
    expect(ask).toContain('Monthly Refresh')
    const started = await esText(es(s, 'confirm', 'yes'))
    expect(started).toMatch(/Started Monthly Refresh|still working/)
    await expect
      .poll(async () => esText(es(s, 'task_status', 'is it finished?')), { timeout: 20_000, interval: 1000 })
      .toMatch(/Monthly Refresh finished/)
  })
})

describe('Dialogflow CX with the real core', () => {
  it('lists views as choices and opens the one the user names', async () => {
    const cx = (tag: string, text: string, parameters: Record<string, unknown>) =>
      app.request('/dialogflow/cx', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [WEBHOOK.name]: WEBHOOK.value },
        body: JSON.stringify({
          detectIntentResponseId: 'x',
          text,
          languageCode: 'en',
          fulfillmentInfo: { tag },
          sessionInfo: { session: 'projects/p/locations/global/agents/a/sessions/cx-live-1', parameters },
        }),
      })
    let res = await (
      await cx('connect_model', 'connect to Sales Forecast', { model: 'Sales Forecast' })
    ).json()
    expect(JSON.stringify(res.fulfillmentResponse.messages)).toContain('Connected to Sales Forecast')
    res = await (await cx('list_views', 'which views are there', res.sessionInfo.parameters)).json()
    const choices = res.sessionInfo.parameters.anaplan_choices as { label: string }[]
    expect(choices.map((c) => c.label)).toEqual(
      expect.arrayContaining(['Revenue by Region', 'Units by Product']),
    )
    res = await (await cx('fallback', 'Expenses Summary', res.sessionInfo.parameters)).json()
    expect(JSON.stringify(res.fulfillmentResponse.messages)).toContain('Expenses Summary')
  })
})

describe('Slack with the real core', () => {
  const dm = (user: string, text: string) =>
    app.request(
      '/slack/events',
      slackRequestInit(
        JSON.stringify({
          team_id: 'T1',
          type: 'event_callback',
          event_id: `Ev-${Math.random().toString(36).slice(2)}`,
          event: { type: 'message', channel_type: 'im', user, text, channel: `D-${user}`, ts: '1.1' },
        }),
        'application/json',
        SECRET,
      ),
    )

  it('confirms with a button, acks in time, and posts the result of a long process as a follow-up', async () => {
    await dm('U_ADMIN', 'connect to Sales Forecast')
    await api.waitForPosts(1)
    await dm('U_ADMIN', 'run the Monthly Refresh process')
    const [, ask] = await api.waitForPosts(2)
    const buttons = (
      ask!.args.blocks as { type: string; elements?: { value: string; action_id: string }[] }[]
    ).find((b) => b.type === 'actions')?.elements
    const yes = buttons?.find((b) => b.value.startsWith('confirm'))
    expect(yes).toBeDefined()
    const payload = {
      type: 'block_actions',
      user: { id: 'U_ADMIN', team_id: 'T1' },
      team: { id: 'T1' },
      channel: { id: 'D-U_ADMIN' },
      container: { type: 'message', channel_id: 'D-U_ADMIN', message_ts: '1.2' },
      actions: [
        { type: 'button', action_id: yes?.action_id, value: yes?.value, block_id: 'b', action_ts: '1.3' },
      ],
    }
    const res = await app.request(
      '/slack/events',
      slackRequestInit(
        new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        'application/x-www-form-urlencoded',
        SECRET,
      ),
    )
    expect(res.status).toBe(200)
    const posts = await api.waitForPosts(3)
    expect(posts[2]?.args.text).toMatch(/Started Monthly Refresh/)
    const all = await api.waitForPosts(4)
    expect(all[3]?.args).toMatchObject({ channel: 'D-U_ADMIN' })
    expect(all[3]?.args.text).toMatch(/Monthly Refresh finished/)
  })

  it('refuses a write for a Slack user without rights and says why', async () => {
    await dm('U_OTHER', 'connect to Sales Forecast')
    await api.waitForPosts(1)
    await dm('U_OTHER', 'set Units for Widgets in APAC for Mar 26 Forecast to 500')
    const posts = await api.waitForPosts(2)
    expect(String(posts[1]?.args.text).toLowerCase()).toMatch(/you can read sales forecast but not change it/)
  })
})
