/**
 * Issue 11 at the edges, each finding replayed as the attack that worked, now refused, with the
 * Anaplan state (simulator `/__sim/stats`) unchanged: a body naming a user (2), cross-site posts
 * (3), another principal's or channel's session (4), Dialogflow without caller auth or with a
 * policy-matching session name (5), functions reached by a path ending in /healthz or without a key
 * (9), routes without sign-in and someone else's download (10), replayed Slack commands (11).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { esRequest, FakeSlackApi, postJson, slackRequest, slashCommand } from '../../bench/lib/channels.ts'
import { type Stack, startStack } from '../../bench/lib/stack.ts'
import { loadPolicy } from '../../src/bot/core/index.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { createBotFunction } from '../../src/functions/bot-functions.ts'
import { createTokenFunction } from '../../src/functions/get-anaplan-auth-token.ts'
import { createActionFunction } from '../../src/functions/run-anaplan-action.ts'
import { webClient } from '../support/api-chat.ts'
import { ScriptedBot } from './channel-helpers.ts'
import { simEnv, simRuntime } from './functions-helpers.ts'

const SIGNING_SECRET = 'edges-signing-secret-0a9b'
const WRITE = 'set Units for Widgets in EMEA for Mar 26 Forecast to 4242'
const POLICY = loadPolicy(`
defaults:
  "*": { read: true }
rules:
  - match: { channel: web, userId: planner }
    models: { "*": { read: true, write: true, lists: true, run: "*" } }
  - match: { channel: slack, userId: U42 }
    models: { "*": { read: true, write: true, lists: true, run: "*" } }
  - match: { channel: dialogflow-es, userId: "ops-*" }
    models: { "*": { read: true, write: true, lists: true, run: "*" } }
`)

const slack = new FakeSlackApi()
let s: Stack
const writes = async () => (await s.stats()).mutations.cellWrites
const text = async (res: Response) => JSON.stringify(await res.json())

beforeAll(async () => {
  await slack.start()
  s = await startStack({
    policy: POLICY,
    server: {
      slack: {
        signingSecret: SIGNING_SECRET,
        botToken: 'xoxb-edges',
        apiUrl: slack.url,
        botUserId: 'UBOT',
        botId: 'BBOT',
      },
    },
  })
})
afterAll(async () => {
  await s.close()
  await slack.close()
})

describe('web chat', () => {
  const page = () => webClient(s.app)
  const post = async (body: unknown, headers: Record<string, string>) =>
    s.app.request('/api/chat', { method: 'POST', headers, body: JSON.stringify(body) })

  it('finding 2: a body that names a user sets no identity and writes nothing', async () => {
    const before = await writes()
    const headers = { 'content-type': 'application/json', ...(await page().headers()) }
    for (const text of ['connect to Sales Forecast', WRITE, 'yes']) {
      const res = await post({ sessionId: 'claim-admin', text, user: 'planner' }, headers)
      expect(res.status).toBe(400)
    }
    expect(await writes()).toBe(before)
  })

  it('finding 3: cross-site and token-less posts cannot confirm a pending change', async () => {
    const planner = page()
    await s.chat('csrf-1', 'connect to Sales Forecast', 'planner')
    expect(JSON.stringify(await s.chat('csrf-1', WRITE, 'planner'))).toMatch(/4,?242\?/)
    const before = await writes()
    const signed = await planner.headers('planner')
    const yes = { sessionId: 'csrf-1', text: 'yes' }
    const attacks: [string, Record<string, string>, number][] = [
      [
        'text/plain from a hostile page',
        { ...signed, 'content-type': 'text/plain', origin: 'https://evil.example' },
        415,
      ],
      [
        'JSON from another origin',
        { ...signed, 'content-type': 'application/json', origin: 'https://evil.example' },
        403,
      ],
      ['JSON with no Origin', { ...signed, 'content-type': 'application/json', origin: '' }, 403],
      [
        'JSON without the CSRF token',
        { ...signed, 'content-type': 'application/json', 'x-csrf-token': '' },
        403,
      ],
      [
        'JSON with a guessed token',
        { ...signed, 'content-type': 'application/json', 'x-csrf-token': 'x'.repeat(43) },
        403,
      ],
    ]
    for (const [what, headers, status] of attacks) {
      expect((await post(yes, headers)).status, what).toBe(status)
    }
    expect(await writes()).toBe(before)
    // The page itself still confirms.
    expect((await post(yes, { ...signed, 'content-type': 'application/json' })).status).toBe(200)
    expect(await writes()).toBe(before + 1)
  })

  it("finding 4: another principal's or channel's session id only selects the caller's own", async () => {
    // A Slack user with a change waiting for "yes".
    const ask = await slackRequest(
      s.app,
      SIGNING_SECRET,
      slashCommand('connect to Sales Forecast'),
      'application/x-www-form-urlencoded',
    )
    expect(ask.status).toBe(200)
    const pending = await slackRequest(
      s.app,
      SIGNING_SECRET,
      slashCommand(WRITE),
      'application/x-www-form-urlencoded',
    )
    expect(await text(pending)).toMatch(/4,?242\?/)
    // The planner, with a change waiting too.
    await s.chat('mine', 'connect to Sales Forecast', 'planner')
    await s.chat('mine', WRITE, 'planner')
    const before = await writes()

    for (const id of ['slack:T1:C7:U42', 'mine']) {
      const reply = await s.chat(id, 'yes', 'mallory')
      expect(JSON.stringify(reply), id).not.toMatch(/now 4,?242/)
    }
    expect(await writes()).toBe(before)

    // Mallory's event stream on those ids is her own (nothing of theirs is waiting there).
    const stream = await s.app.request('/api/events?sessionId=slack:T1:C7:U42', {
      headers: await page().headers('mallory'),
    })
    expect(stream.status).toBe(200)
    await stream.body?.cancel()

    // Their owners still hold their changes.
    const confirmed = await slackRequest(
      s.app,
      SIGNING_SECRET,
      slashCommand('yes'),
      'application/x-www-form-urlencoded',
    )
    expect(await text(confirmed)).toMatch(/4,?242/)
    expect(JSON.stringify(await s.chat('mine', 'yes', 'planner'))).toMatch(/4,?242/)
    expect(await writes()).toBe(before + 2)
  })

  it('finding 10: every route needs the sign-in, and a download is its owner’s', async () => {
    const bot = new ScriptedBot()
    const noSignIn = createBotServer(bot, { web: { auth: { mode: 'custom' } } })
    const json = { 'content-type': 'application/json', origin: 'http://localhost' }
    const refused = [
      await noSignIn.request('/api/session'),
      await noSignIn.request('/api/events?sessionId=s'),
      await noSignIn.request('/downloads/abc123'),
      await noSignIn.request('/api/chat', {
        method: 'POST',
        headers: json,
        body: '{"sessionId":"s","text":"hi"}',
      }),
      await noSignIn.request('/api/nlu', { method: 'POST', headers: json, body: '{"text":"show Revenue"}' }),
    ]
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401])
    expect(bot.turns).toHaveLength(0)

    const content = 'Region,Revenue\nEMEA,900\n'
    const { testUserAuthenticator } = await import('../support/api-chat.ts')
    const app = createBotServer(new ScriptedBot(), {
      web: { auth: testUserAuthenticator() },
      downloads: {
        open: async (id) =>
          id === 'abc123'
            ? {
                name: 'x.csv',
                size: content.length,
                stream: (async function* () {
                  yield new TextEncoder().encode(content)
                })(),
              }
            : undefined,
      },
    })
    const browsers = webClient(app)
    const chat = await app.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await browsers.headers('alice')) },
      body: JSON.stringify({ sessionId: 'd', text: 'file please' }),
    })
    expect(await text(chat)).toContain('/downloads/abc123')
    expect(
      (await app.request('/downloads/abc123', { headers: await browsers.headers('mallory') })).status,
    ).toBe(404)
    const mine = await app.request('/downloads/abc123', { headers: await browsers.headers('alice') })
    expect(await mine.text()).toBe(content)
  })
})

describe('Dialogflow', () => {
  it('finding 5: a webhook without caller auth is not served', async () => {
    const bot = new ScriptedBot()
    const app = createBotServer(bot)
    for (const path of ['/dialogflow/es', '/dialogflow/cx']) {
      const res = await postJson(app, path, esRequest('set Units to 1'))
      expect(res.status, path).toBe(503)
      expect((await res.json()).error.code).toBe('not_configured')
    }
    expect(bot.turns).toHaveLength(0)
  })

  it('finding 5: a session named to match a policy rule gets no write rights', async () => {
    const before = await writes()
    const es = (q: string, o: Parameters<typeof esRequest>[1] = {}) =>
      postJson(s.app, '/dialogflow/es', esRequest(q, { session: 'ops-evil', user: 'ops-evil', ...o }))
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
        value: 4242,
      },
    })
    expect(await text(write)).toMatch(/can read Sales Forecast but not change it/)
    await es('yes', { intent: 'confirm' })
    expect(await writes()).toBe(before)
  })

  it('finding 5: a function with an empty password variable refuses to serve', async () => {
    const runtime = simRuntime(simEnv(s.sim, {}))
    const fn = createBotFunction('dialogflowWebhook', runtime, {
      env: { DIALOGFLOW_ES_USERNAME: 'dialogflow', DIALOGFLOW_ES_PASSWORD: '' },
    })
    const call = (app: { request: (p: string, i: RequestInit) => Response | Promise<Response> }) =>
      app.request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(esRequest('hi')),
      })
    const res = await call(fn)
    expect(res.status).toBe(500)
    expect(await text(res)).toContain('DIALOGFLOW_ES_PASSWORD is required')
    const open = createBotFunction('dialogflowCxWebhook', runtime, { env: {} })
    expect((await call(open)).status).toBe(503)
    await runtime.close()
  })
})

describe('functions', () => {
  it('finding 9: only the exact health path skips the key; no key and no platform auth, no token', async () => {
    const keyed = simRuntime(simEnv(s.sim, { FUNCTION_SHARED_KEY: 'fn-key-3c4d5e6f' }))
    const action = createActionFunction(keyed)
    expect((await action.request('/healthz')).status).toBe(200)
    const sneaky = await action.request('/files/healthz?model=Sales%20Forecast')
    expect(sneaky.status).toBe(401)
    expect(await sneaky.text()).not.toContain('Sales Forecast')

    const before = (await s.stats()).auth.authenticate
    const { FUNCTION_INVOKER_AUTH: _asserted, ...unprotected } = simEnv(s.sim)
    const open = simRuntime(unprotected)
    const token = createTokenFunction(open)
    const res = await token.request('/')
    expect(res.status).toBe(503)
    expect(await text(res)).not.toContain('tokenValue')
    expect((await s.stats()).auth.authenticate).toBe(before)
    await keyed.close()
    await open.close()
  })
})

describe('Slack', () => {
  it('finding 11: a replayed, correctly signed slash command runs once', async () => {
    const form = 'application/x-www-form-urlencoded'
    const send = (body: string, at = Date.now()) => slackRequest(s.app, SIGNING_SECRET, body, form, at)
    await send(slashCommand('connect to Sales Forecast', 'U42', 'CREPLAY'))
    await send(slashCommand(WRITE.replace('4242', '4343'), 'U42', 'CREPLAY'))
    const before = await writes()
    const yes = slashCommand('yes', 'U42', 'CREPLAY')
    const at = Date.now()
    expect(await text(await send(yes, at))).toMatch(/4,?343/)
    const replay = await send(yes, at)
    expect(replay.status).toBe(200)
    expect(await writes()).toBe(before + 1)
  })
})
