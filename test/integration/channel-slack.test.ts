import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { signSlackRequest } from '../../src/bot/channels/index.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { FakeSlackApi, ScriptedBot } from './channel-helpers.ts'

const SIGNING_SECRET = 'test-signing-secret-8f3a2b'
const BOT_TOKEN = 'xoxb-test-token-123456'

const api = new FakeSlackApi()
beforeAll(() => api.start())
afterAll(() => api.close())
beforeEach(() => {
  api.calls.length = 0
})

const NOW = 1_700_000_000_000

function setup(replyBudgetMs?: number) {
  const bot = new ScriptedBot()
  const app = createBotServer(bot, {
    now: () => NOW,
    slack: {
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      apiUrl: api.url,
      publicUrl: 'https://bot.example.com',
      ...(replyBudgetMs ? { replyBudgetMs } : {}),
    },
  })
  return { bot, app }
}

function signedRequest(
  app: ReturnType<typeof createBotServer>,
  body: string,
  contentType: string,
  opts: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {},
) {
  const ts = opts.timestamp ?? Math.floor(NOW / 1000)
  return app.request('/slack/events', {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(opts.secret ?? SIGNING_SECRET, ts, body),
      ...opts.headers,
    },
    body,
  })
}

function eventBody(event: Record<string, unknown>, eventId = `Ev${Math.random().toString(36).slice(2, 10)}`) {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T1',
    api_app_id: 'A1',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: NOW / 1000,
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
  })
}

describe('Slack signature verification', () => {
  const challenge = JSON.stringify({
    token: 't',
    challenge: 'c-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    type: 'url_verification',
  })

  it('answers a signed url_verification with the challenge', async () => {
    const res = await signedRequest(setup().app, challenge, 'application/json')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ challenge: 'c-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' })
  })

  it('rejects an unsigned request with 401', async () => {
    const { app, bot } = setup()
    const res = await app.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: challenge,
    })
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('missing_headers')
    expect(bot.turns).toHaveLength(0)
  })

  it('rejects a bad signature with 401', async () => {
    const res = await signedRequest(setup().app, challenge, 'application/json', {
      secret: 'some-other-secret',
    })
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('bad_signature')
  })

  it('rejects a body altered after signing', async () => {
    const ts = Math.floor(NOW / 1000)
    const res = await setup().app.request('/slack/events', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, challenge),
      },
      body: challenge.replace('url_verification', 'event_callback'),
    })
    expect(res.status).toBe(401)
  })

  it('rejects a replayed request (timestamp older than 5 minutes) with 401', async () => {
    const res = await signedRequest(setup().app, challenge, 'application/json', {
      timestamp: Math.floor(NOW / 1000) - 6 * 60,
    })
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('stale_timestamp')
  })

  it('never echoes the signing secret', async () => {
    const res = await signedRequest(setup().app, challenge, 'application/json', { secret: 'wrong' })
    expect(await res.text()).not.toContain(SIGNING_SECRET)
  })
})

describe('Slack events', () => {
  it('answers an app_mention by posting to the channel, without the mention', async () => {
    const { app, bot } = setup()
    const res = await signedRequest(
      app,
      eventBody({
        type: 'app_mention',
        user: 'U42',
        text: '<@UBOT> show table',
        ts: '1.1',
        channel: 'C7',
        event_ts: '1.1',
      }),
      'application/json',
    )
    expect(res.status).toBe(200)
    const [post] = await api.waitForPosts(1)
    expect(bot.turns[0]).toMatchObject({
      sessionId: 'slack:T1:C7:U42',
      identity: { channel: 'slack', userId: 'U42', teamId: 'T1' },
      text: 'show table',
    })
    expect(post?.auth).toBe(`Bearer ${BOT_TOKEN}`)
    expect(post?.args.channel).toBe('C7')
    const blocks = post?.args.blocks as { type: string; text?: { text: string } }[]
    expect(blocks[0]?.text?.text).toBe('*Revenue by Region*')
    expect(blocks[1]?.text?.text).toMatch(/^```\nRegion {9}Jan 26 {2}Feb 26/)
    expect(post?.args.text).toContain('North America')
  })

  it("answers a direct message and ignores the bot's own messages", async () => {
    const { app, bot } = setup()
    await signedRequest(
      app,
      eventBody({
        type: 'message',
        channel_type: 'im',
        user: 'U42',
        text: 'hello',
        channel: 'D1',
        ts: '2.1',
      }),
      'application/json',
    )
    await signedRequest(
      app,
      eventBody({
        type: 'message',
        channel_type: 'im',
        bot_id: 'BBOT',
        user: 'UBOT',
        text: 'echo: hello',
        channel: 'D1',
        ts: '2.2',
      }),
      'application/json',
    )
    const posts = await api.waitForPosts(1)
    expect(bot.turns).toHaveLength(1)
    expect(posts).toHaveLength(1)
    expect(posts[0]?.args).toMatchObject({ channel: 'D1', text: 'echo: hello' })
  })

  it('processes a retried event only once', async () => {
    const { app, bot } = setup()
    const body = eventBody(
      { type: 'message', channel_type: 'im', user: 'U42', text: 'once', channel: 'D1', ts: '3.1' },
      'EvSAME',
    )
    await signedRequest(app, body, 'application/json')
    const retry = await signedRequest(app, body, 'application/json', {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    })
    expect(retry.status).toBe(200)
    expect(bot.turns).toHaveLength(1)
  })

  it('renders choices as buttons and turns a click into a choice', async () => {
    const { app, bot } = setup()
    await signedRequest(
      app,
      eventBody({
        type: 'message',
        channel_type: 'im',
        user: 'U42',
        text: 'confirm this',
        channel: 'D1',
        ts: '4.1',
      }),
      'application/json',
    )
    const [post] = await api.waitForPosts(1)
    const actions = (post!.args.blocks as { type: string; elements?: Record<string, unknown>[] }[]).find(
      (b) => b.type === 'actions',
    )
    expect(actions?.elements).toEqual([
      expect.objectContaining({
        type: 'button',
        action_id: 'anaplan_choice_0',
        value: 'confirm',
        style: 'primary',
      }),
      expect.objectContaining({
        type: 'button',
        action_id: 'anaplan_choice_1',
        value: 'deny',
        style: 'danger',
      }),
    ])

    const payload = {
      type: 'block_actions',
      user: { id: 'U42', username: 'alice', team_id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      container: { type: 'message', message_ts: '4.2', channel_id: 'D1', is_ephemeral: false },
      trigger_id: '123.456',
      team: { id: 'T1', domain: 'acme' },
      channel: { id: 'D1', name: 'directmessage' },
      message: { type: 'message', ts: '4.2', text: 'Set Units to 500?' },
      actions: [
        {
          action_id: 'anaplan_choice_0',
          block_id: 'anaplan_choice_block_1',
          value: 'confirm',
          type: 'button',
          action_ts: '4.3',
          text: { type: 'plain_text', text: 'Yes, do it' },
        },
      ],
    }
    const res = await signedRequest(
      app,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    )
    expect(res.status).toBe(200)
    const posts = await api.waitForPosts(2)
    expect(bot.turns[1]).toMatchObject({ sessionId: 'slack:T1:D1:U42', choice: 'confirm' })
    expect(posts[1]?.args.text).toBe('You chose confirm.')
    // The answered message loses its buttons (issue 11, finding 6): it cannot be clicked again.
    await expect.poll(() => api.calls.find((c) => c.method === 'chat.update')).toBeDefined()
    const update = api.calls.find((c) => c.method === 'chat.update')
    expect(update?.args).toMatchObject({ channel: 'D1', ts: '4.2', text: 'Set Units to 500?' })
    expect(JSON.stringify(update?.args.blocks)).not.toContain('"actions"')
    expect(JSON.stringify(update?.args.blocks)).toContain('Answered: Yes, do it')
  })

  it('answers the slash command in the HTTP response', async () => {
    const { app, bot } = setup()
    const form = new URLSearchParams({
      token: 'legacy',
      team_id: 'T1',
      team_domain: 'acme',
      channel_id: 'C7',
      channel_name: 'planning',
      user_id: 'U42',
      user_name: 'alice',
      command: '/anaplan',
      text: 'file please',
      api_app_id: 'A1',
      response_url: 'https://hooks.slack.invalid/commands/1/2/3',
      trigger_id: '1.2.3',
    }).toString()
    const res = await signedRequest(app, form, 'application/x-www-form-urlencoded')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(bot.turns[0]).toMatchObject({ sessionId: 'slack:T1:C7:U42', text: 'file please' })
    expect(body.response_type).toBe('ephemeral')
    expect(body.blocks[0].text.text).toBe(
      ':page_facing_up: <https://bot.example.com/downloads/abc123|Download Revenue Export.csv>',
    )
    expect(api.posts()).toHaveLength(0)
  })

  it('posts follow-ups for Slack sessions (a long task finished)', async () => {
    const { bot } = setup()
    const delivered = await bot.notify({
      sessionId: 'slack:T1:C7:U42',
      identity: { channel: 'slack', userId: 'U42', teamId: 'T1' },
      messages: [{ type: 'text', text: "Load Actuals failed: row 12: 'Widgetz' is not a Product" }],
    })
    await bot.notify({
      sessionId: 'web-1',
      identity: { channel: 'web', userId: 'x' },
      messages: [{ type: 'text', text: 'not slack' }],
    })
    const posts = await api.waitForPosts(1)
    expect(delivered).toBe(true)
    expect(posts).toHaveLength(1)
    expect(posts[0]?.args).toMatchObject({
      channel: 'C7',
      text: "Load Actuals failed: row 12: 'Widgetz' is not a Product",
    })
  })

  it('answers 503 when Slack is not configured', async () => {
    const res = await createBotServer(new ScriptedBot()).request('/slack/events', {
      method: 'POST',
      body: '{}',
    })
    expect(res.status).toBe(503)
  })
})

describe('Slack while the core is slow', () => {
  it('acknowledges an event before the reply is ready and posts the reply when it comes', async () => {
    const { app, bot } = setup(200)
    bot.delayMs = 1000
    const res = await signedRequest(
      app,
      eventBody({
        type: 'message',
        channel_type: 'im',
        user: 'U42',
        text: 'slow hello',
        channel: 'D9',
        ts: '9.1',
      }),
      'application/json',
    )
    expect(res.status).toBe(200)
    // Answered at the deadline: nothing posted yet, the turn still running.
    expect(api.posts()).toHaveLength(0)
    const [post] = await api.waitForPosts(1)
    expect(post?.args).toMatchObject({ channel: 'D9', text: 'echo: slow hello' })
  })

  it('acknowledges a slash command with a holding message and sends the answer to its response_url', async () => {
    const { app, bot } = setup(200)
    bot.delayMs = 1000
    const responseUrl = api.url.replace(/\/api\/$/, '/hooks/commands/T1/1/abc')
    const form = new URLSearchParams({
      team_id: 'T1',
      channel_id: 'C7',
      user_id: 'U42',
      command: '/anaplan',
      text: 'show table',
      response_url: responseUrl,
      trigger_id: '1.2.3',
    }).toString()
    const res = await signedRequest(app, form, 'application/x-www-form-urlencoded')
    expect(await res.json()).toEqual({
      response_type: 'ephemeral',
      text: 'Working on "show table"… Anaplan is taking a moment.',
    })
    await expect
      .poll(() => api.calls.find((c) => c.method === '/hooks/commands/T1/1/abc'), { timeout: 5000 })
      .toBeDefined()
    const hook = api.calls.find((c) => c.method === '/hooks/commands/T1/1/abc')
    expect(hook?.args).toMatchObject({ response_type: 'ephemeral', replace_original: false })
    expect(String(hook?.args.text)).toContain('North America')
  })
})

describe('Slack payloads the bot cannot read', () => {
  it.each([
    [
      'an event that is a string',
      JSON.stringify({ type: 'event_callback', team_id: 'T1', event: 'text' }),
      'application/json',
    ],
    [
      'an event without a type',
      JSON.stringify({ type: 'event_callback', event: { text: 'hi' } }),
      'application/json',
    ],
    [
      'a null authorization',
      JSON.stringify({
        type: 'event_callback',
        event: { type: 'app_mention', text: 'x', channel: 'C1' },
        authorizations: [null],
      }),
      'application/json',
    ],
    ['a slash command without text', 'command=%2Fanaplan', 'application/x-www-form-urlencoded'],
    [
      'a block action without actions',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' } }))}`,
      'application/x-www-form-urlencoded',
    ],
    ['a JSON body without a type', JSON.stringify({ hello: 'world' }), 'application/json'],
  ])('answers %s, signed, with a JSON 400', async (_name, body, type) => {
    const { app, bot } = setup()
    const res = await signedRequest(app, body, type)
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('invalid_request')
    expect(bot.turns).toHaveLength(0)
  })

  it('acknowledges payload types it has no listener for', async () => {
    const { app, bot } = setup()
    const res = await signedRequest(
      app,
      JSON.stringify({ type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: 1 }),
      'application/json',
    )
    expect(res.status).toBe(200)
    expect(bot.turns).toHaveLength(0)
  })
})
