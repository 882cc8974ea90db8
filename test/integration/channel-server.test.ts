import { describe, expect, it } from 'vitest'
import { LOCAL_DEMO_PRINCIPAL, webSessionKey } from '../../src/bot/channels/web/principal.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { type WebClient, webClient } from '../support/api-chat.ts'
import { ScriptedBot } from './channel-helpers.ts'

type App = ReturnType<typeof createBotServer>
const clients = new WeakMap<App, WebClient>()

/** The page's own session (local demo mode): cookie, Origin and CSRF token. */
function signedIn(app: App): Promise<Record<string, string>> {
  let client = clients.get(app)
  if (!client) {
    client = webClient(app)
    clients.set(app, client)
  }
  return client.headers()
}

async function post(app: App, path: string, body: unknown) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await signedIn(app)) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

const demoKey = (id: string) => webSessionKey(LOCAL_DEMO_PRINCIPAL, id)

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes(needle)) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  return text
}

describe('bot server: page and health', () => {
  const app = createBotServer(new ScriptedBot())

  it('serves the web chat with a same-origin-only CSP', async () => {
    const res = await app.request('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await res.text()
    expect(html).toContain('/app.js')
    expect(html).not.toMatch(/<script>(?!<)/)
  })

  it('serves the page assets and chart.js from node_modules', async () => {
    for (const [path, type] of [
      ['/app.js', 'javascript'],
      ['/styles.css', 'text/css'],
      ['/vendor/chart.umd.js', 'javascript'],
    ] as const) {
      const res = await app.request(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toContain(type)
    }
    expect(await (await app.request('/vendor/chart.umd.js')).text()).toContain('Chart')
  })

  it('answers /healthz', async () => {
    const res = await app.request('/healthz')
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.request('/nope/nothing')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /nope/nothing.' },
    })
  })
})

describe('POST /api/chat', () => {
  it('passes a text turn to the bot with the signed-in identity and returns its reply', async () => {
    const bot = new ScriptedBot()
    const app = createBotServer(bot)
    const res = await post(app, '/api/chat', { sessionId: 'web-1', text: '  show table ' })
    expect(res.status).toBe(200)
    const reply = await res.json()
    expect(reply.sessionId).toBe('web-1')
    expect(reply.messages[0]).toMatchObject({ type: 'table', columns: ['Region', 'Jan 26', 'Feb 26'] })
    expect(bot.turns[0]).toMatchObject({
      sessionId: demoKey('web-1'),
      text: 'show table',
      identity: { channel: 'web', userId: 'local-demo', verified: true, verifiedBy: 'local-demo' },
    })
    expect(bot.turns[0]?.deadline).toBeGreaterThan(Date.now())
  })

  it('passes a choice turn', async () => {
    const bot = new ScriptedBot()
    const res = await post(createBotServer(bot), '/api/chat', { sessionId: 'web-1', choice: 'view:Units' })
    expect((await res.json()).messages[0].text).toBe('You chose view:Units.')
    expect(bot.turns[0]).toMatchObject({ choice: 'view:Units', identity: { userId: 'local-demo' } })
    expect(bot.turns[0]?.text).toBeUndefined()
  })

  it.each([
    ['malformed JSON', '{"sessionId": "a", ', 400, 'bad_request', 'not valid JSON'],
    ['an empty body', '', 400, 'bad_request', 'empty'],
    ['a JSON array', '[1,2]', 400, 'invalid_request', 'expected object'],
    [
      'a numeric sessionId',
      { sessionId: 42, text: 'hi' },
      400,
      'invalid_request',
      'sessionId: must be a string',
    ],
    [
      'an unsafe sessionId',
      { sessionId: 'a b/c', text: 'hi' },
      400,
      'invalid_request',
      'sessionId: may only contain',
    ],
    [
      'a 129-char sessionId',
      { sessionId: 'a'.repeat(129), text: 'hi' },
      400,
      'invalid_request',
      'at most 128',
    ],
    ['a blank text', { sessionId: 's', text: '   ' }, 400, 'invalid_request', 'text: must not be empty'],
    ['a 2001-char text', { sessionId: 's', text: 'x'.repeat(2001) }, 400, 'invalid_request', 'at most 2000'],
    [
      'both text and choice',
      { sessionId: 's', text: 'a', choice: 'b' },
      400,
      'invalid_request',
      'exactly one',
    ],
    ['neither text nor choice', { sessionId: 's' }, 400, 'invalid_request', 'exactly one'],
    ['an unknown field', { sessionId: 's', text: 'a', admin: true }, 400, 'invalid_request', 'admin'],
  ])('rejects %s with a precise JSON error', async (_name, body, status, code, fragment) => {
    const bot = new ScriptedBot()
    const res = await post(createBotServer(bot), '/api/chat', body)
    expect(res.status).toBe(status)
    const json = await res.json()
    expect(json.error.code).toBe(code)
    expect(json.error.message).toContain(fragment)
    expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+/)
    expect(bot.turns).toHaveLength(0)
  })

  it('rejects a huge body with a JSON 413, with or without Content-Length', async () => {
    const bot = new ScriptedBot()
    const app = createBotServer(bot)
    const big = JSON.stringify({ sessionId: 's', text: 'x'.repeat(100 * 1024) })
    const res = await post(app, '/api/chat', big)
    expect(res.status).toBe(413)
    expect((await res.json()).error.code).toBe('payload_too_large')

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(10 * 1024)))
        controller.close()
      },
    })
    const chunked = await app.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await signedIn(app)) },
      body: stream,
      // @ts-expect-error Node's fetch needs duplex for a streamed body
      duplex: 'half',
    })
    expect(chunked.status).toBe(413)
    expect(bot.turns).toHaveLength(0)
  })

  it('refuses a body that names a user', async () => {
    const bot = new ScriptedBot()
    const res = await post(createBotServer(bot), '/api/chat', { sessionId: 's', text: 'hi', user: 'admin' })
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toContain('user')
    expect(bot.turns).toHaveLength(0)
  })
})

describe('POST /api/nlu', () => {
  it('returns the understanding without processing a turn', async () => {
    const bot = new ScriptedBot()
    const res = await post(createBotServer(bot), '/api/nlu', { text: 'help me', sessionId: 'x' })
    expect(await res.json()).toEqual({
      intent: { name: 'help', confidence: 0.8 },
      parameters: { text: 'help me' },
    })
    expect(bot.turns).toHaveLength(0)
  })

  it('validates the body', async () => {
    const res = await post(createBotServer(new ScriptedBot()), '/api/nlu', { text: 5 })
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toContain('text: must be a string')
  })
})

describe('GET /api/events (Server-Sent Events)', () => {
  it('delivers pending messages on connect and follow-ups for the session as they arrive', async () => {
    const bot = new ScriptedBot()
    bot.pending.set(demoKey('web-sse'), [{ type: 'text', text: 'queued earlier' }])
    const app = createBotServer(bot)
    const controller = new AbortController()
    const res = await app.request('/api/events?sessionId=web-sse', {
      signal: controller.signal,
      headers: await signedIn(app),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const first = await readUntil(reader, 'queued earlier')
    expect(first).toContain('event: ready')
    expect(first).toContain('event: messages')

    const toOther = await bot.notify({
      sessionId: 'other-session',
      identity: { channel: 'web', userId: 'x' },
      messages: [{ type: 'text', text: 'not for you' }],
    })
    const toPage = await bot.notify({
      sessionId: demoKey('web-sse'),
      identity: { channel: 'web', userId: 'x' },
      messages: [{ type: 'text', text: 'Load Actuals finished' }],
    })
    // Delivered to the open page (so the core does not queue it); nobody listens to the other session.
    expect(toPage).toBe(true)
    expect(toOther).toBe(false)
    const next = await readUntil(reader, 'Load Actuals finished')
    expect(next).toContain('"type":"text","text":"Load Actuals finished"')
    expect(next).not.toContain('not for you')
    controller.abort()
    await reader.cancel().catch(() => {})
  })

  it('requires a valid sessionId', async () => {
    const app = createBotServer(new ScriptedBot())
    const res = await app.request('/api/events?sessionId=a%20b', { headers: await signedIn(app) })
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toContain('sessionId')
  })
})

describe('GET /downloads/:id', () => {
  const content = 'Region,Revenue\nEMEA,900\n'
  const app = createBotServer(new ScriptedBot(), {
    downloads: {
      open: async (id) =>
        id === 'abc123'
          ? {
              name: 'Revenue Export.csv',
              size: Buffer.byteLength(content),
              stream: (async function* () {
                yield new TextEncoder().encode(content)
              })(),
            }
          : undefined,
    },
  })

  it('streams a download as an attachment', async () => {
    const res = await app.request('/downloads/abc123', { headers: await signedIn(app) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(res.headers.get('content-disposition')).toContain('filename="Revenue Export.csv"')
    expect(res.headers.get('content-length')).toBe(String(content.length))
    expect(await res.text()).toBe(content)
  })

  it('answers 404 for unknown or expired ids', async () => {
    const res = await app.request('/downloads/nope', { headers: await signedIn(app) })
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
  })
})
