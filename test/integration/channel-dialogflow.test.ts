import { describe, expect, it } from 'vitest'
import { botSessionId } from '../../src/bot/channels/dialogflow/common.ts'
import { dialogflowCxApp, dialogflowEsApp } from '../../src/bot/channels/index.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { ScriptedBot } from './channel-helpers.ts'

/** Caller auth of the webhooks under test (they are not served without one); postJson sends it. */
const AUTH = { type: 'header', name: 'x-test-webhook', value: 'df-test-key-0d9c' } as const
const withAuth = { dialogflowEs: { auth: AUTH }, dialogflowCx: { auth: AUTH } }

const SESSION = 'projects/anaplan-demo/agent/sessions/3f1c2a9e-7b1d-4c55-a0d2-6d1e2f3a4b5c'

/** A real ES WebhookRequest, as Dialogflow sends it (fields from the v2 reference sample). */
function esRequest(
  over: {
    queryText?: string
    displayName?: string
    parameters?: Record<string, unknown>
    outputContexts?: unknown[]
    payload?: Record<string, unknown>
    source?: string
    session?: string
  } = {},
) {
  const session = over.session ?? SESSION
  return {
    responseId: 'ea3d77e8-ae27-41a4-9e1d-174bd461b68c-e0e4a3c5',
    session,
    queryResult: {
      queryText: over.queryText ?? 'get connected to Sales Forecast',
      parameters: over.parameters ?? { model: 'Sales Forecast', workspace: '' },
      allRequiredParamsPresent: true,
      fulfillmentText: '',
      fulfillmentMessages: [{ text: { text: [''] } }],
      outputContexts: over.outputContexts ?? [
        { name: `${session}/contexts/__system_counters__`, parameters: { 'no-input': 0, 'no-match': 0 } },
      ],
      intent: {
        name: 'projects/anaplan-demo/agent/intents/0c7b3e8d-3c66-4a3f-9a51-2a6f1c8d9e01',
        displayName: over.displayName ?? 'connect_model',
      },
      intentDetectionConfidence: 0.92,
      languageCode: 'en',
    },
    originalDetectIntentRequest: { source: over.source ?? 'DIALOGFLOW_CONSOLE', payload: over.payload ?? {} },
  }
}

function postJson(
  app: { request: (p: string, i: RequestInit) => Response | Promise<Response> },
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [AUTH.name]: AUTH.value, ...headers },
    body: JSON.stringify(body),
  })
}

describe('Dialogflow ES webhook', () => {
  it('maps the matched intent and parameters onto the catalog and answers a WebhookResponse', async () => {
    const bot = new ScriptedBot()
    const app = createBotServer(bot, withAuth)
    const res = await postJson(app, '/dialogflow/es', esRequest())
    expect(res.status).toBe(200)
    const body = await res.json()
    const turn = bot.turns[0]!
    expect(turn.sessionId).toBe(botSessionId('es', SESSION))
    expect(turn.identity.channel).toBe('dialogflow-es')
    expect(turn.recognized).toEqual({
      intent: 'connect_model',
      parameters: { model: 'Sales Forecast' },
      confidence: 0.92,
    })
    expect(turn.text).toBe('get connected to Sales Forecast')
    expect(turn.deadline! - Date.now()).toBeLessThanOrEqual(5000)
    expect(body.fulfillmentText).toBe('echo: get connected to Sales Forecast')
    expect(body.fulfillmentMessages[0]).toEqual({ text: { text: ['echo: get connected to Sales Forecast'] } })
    expect(body.outputContexts[0]).toMatchObject({
      name: `${SESSION}/contexts/anaplan-bot`,
      lifespanCount: 50,
      parameters: { sessionId: turn.sessionId, lastIntent: 'connect_model' },
    })
  })

  it('accepts dotted intent names and leaves fallbacks to the core NLU', async () => {
    const bot = new ScriptedBot()
    const app = dialogflowEsApp(bot, { auth: AUTH })
    await postJson(app, '/', esRequest({ displayName: 'connect.model' }))
    await postJson(
      app,
      '/',
      esRequest({ displayName: 'Default Fallback Intent', queryText: 'wat is Revenue', parameters: {} }),
    )
    await postJson(
      app,
      '/',
      esRequest({ displayName: 'Default Welcome Intent', queryText: 'hi', parameters: {} }),
    )
    expect(bot.turns[0]?.recognized?.intent).toBe('connect_model')
    expect(bot.turns[1]?.recognized).toBeUndefined()
    expect(bot.turns[1]?.text).toBe('wat is Revenue')
    expect(bot.turns[2]?.recognized?.intent).toBe('greeting')
  })

  it('takes the policy identity from the agent, showing the user the integration names', async () => {
    const bot = new ScriptedBot()
    const app = dialogflowEsApp(bot, { auth: AUTH })
    await postJson(
      app,
      '/',
      esRequest({ source: 'slack', payload: { data: { event: { user: 'U123', team: 'T9' } } } }),
    )
    await postJson(
      app,
      '/',
      esRequest({ session: 'projects/p/agent/environments/draft/users/alice-42/sessions/s-1' }),
    )
    const verified = { verified: true, verifiedBy: 'dialogflow-webhook', issuer: 'dialogflow' }
    expect(bot.turns[0]?.identity).toEqual({
      channel: 'dialogflow-es',
      userId: 'projects/anaplan-demo/agent',
      subject: 'projects/anaplan-demo/agent',
      displayName: 'slack:U123',
      teamId: 'T9',
      ...verified,
    })
    expect(bot.turns[1]?.identity).toEqual({
      channel: 'dialogflow-es',
      userId: 'projects/p/agent/environments/draft',
      subject: 'projects/p/agent/environments/draft',
      displayName: 'alice-42',
      ...verified,
    })
    expect(bot.turns[1]?.sessionId).toMatch(/^es:[\w-]{12}:s-1$/)
  })

  it('renders tables, choices and files as rich content and remembers the choices in the context', async () => {
    const bot = new ScriptedBot()
    const app = dialogflowEsApp(bot, { auth: AUTH, publicUrl: 'https://bot.example.com' })
    const tableRes = await (
      await postJson(
        app,
        '/',
        esRequest({
          displayName: 'show_view',
          queryText: 'show table',
          parameters: { view: 'Revenue by Region' },
        }),
      )
    ).json()
    expect(tableRes.fulfillmentText).toContain('North America')
    const rich = tableRes.fulfillmentMessages.find((m: { payload?: unknown }) => m.payload).payload
      .richContent[0]
    expect(rich[0]).toMatchObject({ type: 'description', title: 'Revenue by Region' })
    expect(rich[0].text).toContain('EMEA | 900 | 950')

    const choiceRes = await (
      await postJson(
        app,
        '/',
        esRequest({ displayName: 'list_views', queryText: 'choose a view', parameters: {} }),
      )
    ).json()
    expect(choiceRes.fulfillmentMessages).toContainEqual({
      quickReplies: { title: 'Which view?', quickReplies: ['Revenue by Region', 'Units by Product'] },
    })
    expect(choiceRes.fulfillmentText).toContain('2. Units by Product')
    const context = choiceRes.outputContexts[0]
    expect(context.parameters.choices).toHaveLength(2)

    // The user taps the chip: Dialogflow sends its label as text, with the context back.
    await postJson(
      app,
      '/',
      esRequest({
        displayName: 'Default Fallback Intent',
        queryText: 'Units by Product',
        parameters: {},
        outputContexts: [context],
      }),
    )
    expect(bot.turns[2]?.choice).toBe('view:Units by Product')
    await postJson(
      app,
      '/',
      esRequest({
        displayName: 'Default Fallback Intent',
        queryText: '1',
        parameters: {},
        outputContexts: [context],
      }),
    )
    expect(bot.turns[3]?.choice).toBe('view:Revenue by Region')

    const fileRes = await (
      await postJson(
        app,
        '/',
        esRequest({ displayName: 'run_action', queryText: 'file please', parameters: {} }),
      )
    ).json()
    const button = fileRes.fulfillmentMessages.find((m: { payload?: unknown }) => m.payload).payload
      .richContent[0][0]
    expect(button).toMatchObject({ type: 'button', link: 'https://bot.example.com/downloads/abc123' })
  })

  it('keeps the response under 64 KiB by cutting big tables', async () => {
    const res = await postJson(
      dialogflowEsApp(new ScriptedBot(), { auth: AUTH }),
      '/',
      esRequest({ queryText: 'big list', displayName: 'show_view' }),
    )
    const text = await res.text()
    expect(Buffer.byteLength(text)).toBeLessThan(64 * 1024)
    expect(text).toContain('more rows')
  })

  it('buys time with follow-up events when the core is slow, then answers', async () => {
    const bot = new ScriptedBot()
    bot.delayMs = 1200
    const app = dialogflowEsApp(bot, { auth: AUTH, timeoutMs: 1000, followupEvents: true })
    const first = await (await postJson(app, '/', esRequest({ queryText: 'slow one' }))).json()
    expect(first).toEqual({
      followupEventInput: { name: 'ANAPLAN_TASK_UPDATE', languageCode: 'en', parameters: { wait: 1 } },
    })
    // Dialogflow now triggers the event, which matches the exported agent's task_status intent.
    const event = esRequest({ queryText: '', displayName: 'task_status', parameters: { wait: 1 } })
    let answer = await (await postJson(app, '/', event)).json()
    let chained = 1
    while (answer.followupEventInput) {
      chained++
      answer = await (await postJson(app, '/', event)).json()
    }
    expect(chained).toBeLessThanOrEqual(2)
    expect(answer.fulfillmentText).toBe('echo: slow one')
    expect(bot.turns).toHaveLength(1)
  })

  it('by default, says it is still working and delivers the late reply on the next turn', async () => {
    const bot = new ScriptedBot()
    bot.delayMs = 1000
    const app = dialogflowEsApp(bot, { auth: AUTH, timeoutMs: 1000 })
    const first = await (await postJson(app, '/', esRequest({ queryText: 'slow one' }))).json()
    expect(first.fulfillmentText).toContain('still working on it')
    await new Promise((r) => setTimeout(r, 800))
    bot.delayMs = 0
    const second = await (
      await postJson(
        app,
        '/',
        esRequest({ queryText: 'any news?', displayName: 'task_status', parameters: {} }),
      )
    ).json()
    expect(second.fulfillmentText).toBe('echo: slow one\n\necho: any news?')
  })

  it('prepends follow-ups queued by the core (long task finished)', async () => {
    const bot = new ScriptedBot()
    bot.pending.set(botSessionId('es', SESSION), [
      { type: 'text', text: 'Load Actuals finished: 120 rows loaded.' },
    ])
    const body = await (
      await postJson(
        dialogflowEsApp(bot, { auth: AUTH }),
        '/',
        esRequest({ queryText: 'is the import done?', displayName: 'task_status', parameters: {} }),
      )
    ).json()
    expect(body.fulfillmentMessages[0].text.text[0]).toBe('Load Actuals finished: 120 rows loaded.')
  })

  it('authenticates the caller with basic auth', async () => {
    const bot = new ScriptedBot()
    const app = createBotServer(bot, {
      dialogflowEs: { auth: { type: 'basic', username: 'dialogflow', password: 's3cret-pass' } },
    })
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`
    const none = await postJson(app, '/dialogflow/es', esRequest())
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({
      error: { code: 'unauthorized', message: 'Webhook caller authentication failed.' },
    })
    const wrong = await postJson(app, '/dialogflow/es', esRequest(), {
      authorization: basic('dialogflow', 'guess'),
    })
    expect(wrong.status).toBe(401)
    const ok = await postJson(app, '/dialogflow/es', esRequest(), {
      authorization: basic('dialogflow', 's3cret-pass'),
    })
    expect(ok.status).toBe(200)
    expect(bot.turns).toHaveLength(1)
  })

  it('authenticates the caller with a shared header', async () => {
    const bot = new ScriptedBot()
    const app = dialogflowEsApp(bot, {
      auth: { type: 'header', name: 'x-webhook-key', value: 'k-123456789' },
    })
    expect((await postJson(app, '/', esRequest(), { 'x-webhook-key': 'k-12345678' })).status).toBe(401)
    expect((await postJson(app, '/', esRequest(), { 'x-webhook-key': 'k-123456789' })).status).toBe(200)
  })

  it('rejects bodies that are not a WebhookRequest', async () => {
    const app = dialogflowEsApp(new ScriptedBot(), { auth: AUTH })
    const res = await postJson(app, '/', { queryResult: {} })
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toContain('session')
    const bad = await app.request('/', {
      method: 'POST',
      body: 'not json',
      headers: { 'content-type': 'application/json', [AUTH.name]: AUTH.value },
    })
    expect(bad.status).toBe(400)
  })
})

const CX_SESSION =
  'projects/anaplan-demo/locations/global/agents/5b1f6c4e-1111-2222-3333-444455556666/sessions/cx-session-7'

function cxRequest(
  over: {
    tag?: string
    text?: string
    intentParameters?: Record<string, unknown>
    sessionParameters?: Record<string, unknown>
  } = {},
) {
  return {
    detectIntentResponseId: 'a1b2c3d4-0000-1111-2222-333344445555',
    intentInfo: {
      lastMatchedIntent: 'projects/anaplan-demo/locations/global/agents/5b1f/intents/7e2f',
      displayName: 'read_cell',
      parameters: over.intentParameters ?? {
        lineItem: { originalValue: 'revenue', resolvedValue: 'Revenue' },
        items: { originalValue: 'EMEA', resolvedValue: ['EMEA'] },
      },
      confidence: 0.87,
    },
    pageInfo: {
      currentPage:
        'projects/anaplan-demo/locations/global/agents/5b1f/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE',
      displayName: 'Start Page',
    },
    sessionInfo: { session: CX_SESSION, parameters: over.sessionParameters ?? { period: 'Q3 FY26' } },
    fulfillmentInfo: { tag: over.tag ?? 'read_cell' },
    text: over.text ?? 'what is revenue for EMEA in Q3 FY26?',
    languageCode: 'en',
  }
}

describe('Dialogflow CX webhook', () => {
  it('routes on fulfillmentInfo.tag and merges intent and session parameters', async () => {
    const bot = new ScriptedBot()
    const app = createBotServer(bot, withAuth)
    const res = await postJson(app, '/dialogflow/cx', cxRequest())
    expect(res.status).toBe(200)
    const body = await res.json()
    const turn = bot.turns[0]!
    expect(turn.sessionId).toBe(botSessionId('cx', CX_SESSION))
    expect(turn.sessionId).toMatch(/^cx:[\w-]{12}:cx-session-7$/)
    // The policy sees the agent the webhook credentials prove, not a session the caller picked.
    expect(turn.identity).toMatchObject({
      channel: 'dialogflow-cx',
      userId: 'projects/anaplan-demo/locations/global/agents/5b1f6c4e-1111-2222-3333-444455556666',
      verified: true,
      verifiedBy: 'dialogflow-webhook',
    })
    expect(turn.recognized).toEqual({
      intent: 'read_cell',
      parameters: { lineItem: 'Revenue', items: ['EMEA'], period: 'Q3 FY26' },
      confidence: 0.87,
    })
    expect(body.fulfillmentResponse.messages[0]).toEqual({
      text: { text: ['echo: what is revenue for EMEA in Q3 FY26?'] },
    })
    expect(body.sessionInfo.parameters).toEqual({
      anaplan_session: botSessionId('cx', CX_SESSION),
      anaplan_last_intent: 'read_cell',
      anaplan_choices: null,
    })
  })

  it('carries choices in session parameters and maps the answer back', async () => {
    const bot = new ScriptedBot()
    const app = dialogflowCxApp(bot, { auth: AUTH })
    const first = await (
      await postJson(app, '/', cxRequest({ tag: 'list_views', text: 'choose a view', intentParameters: {} }))
    ).json()
    expect(first.sessionInfo.parameters.anaplan_choices).toEqual([
      { label: 'Revenue by Region', value: 'view:Revenue by Region' },
      { label: 'Units by Product', value: 'view:Units by Product' },
    ])
    expect(first.fulfillmentResponse.messages.at(-1).payload.richContent[0][0].type).toBe('chips')
    await postJson(
      app,
      '/',
      cxRequest({
        tag: 'unknown-tag',
        text: 'revenue by region',
        sessionParameters: first.sessionInfo.parameters,
      }),
    )
    expect(bot.turns[1]?.choice).toBe('view:Revenue by Region')
  })

  it('authenticates the caller and honours the configured timeout', async () => {
    const bot = new ScriptedBot()
    const app = dialogflowCxApp(bot, {
      auth: { type: 'header', name: 'authorization', value: 'Bearer cx-shared-token-1' },
      timeoutMs: 12_000,
    })
    expect((await postJson(app, '/', cxRequest())).status).toBe(401)
    const before = Date.now()
    const ok = await postJson(app, '/', cxRequest(), { authorization: 'Bearer cx-shared-token-1' })
    expect(ok.status).toBe(200)
    const budget = bot.turns[0]!.deadline! - before
    expect(budget).toBeGreaterThan(10_000)
    expect(budget).toBeLessThanOrEqual(12_000)
  })
})
