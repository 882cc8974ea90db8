/**
 * A deterministic fuzz run over every HTTP endpoint (issue 6): the bot server on a real socket,
 * the Anaplan functions, and the simulator. Malformed JSON, wrong types, huge bodies, unicode, path
 * tricks in names and wrong methods get a 4xx with a JSON body: never a 5xx, never a crash, and the
 * servers still serve afterwards. Each case is seeded, so a failure names a reproducible request.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cxRequest,
  esRequest,
  FakeSlackApi,
  slackEvent,
  TEST_WEBHOOK_AUTH,
} from '../../bench/lib/channels.ts'
import { type Stack, startStack } from '../../bench/lib/stack.ts'
import { signSlackRequest } from '../../src/bot/channels/index.ts'
import type { FunctionApp } from '../../src/functions/common/function-app.ts'
import { ANAPLAN_FUNCTIONS, createAnaplanFunction, runtimeFromEnv } from '../../src/functions/registry.ts'
import { createLogger } from '../../src/shared/logger.ts'
import { webClient } from '../support/api-chat.ts'

const SIGNING_SECRET = 'fuzz-signing-secret-0c4d7e'

/** mulberry32: a tiny seeded PRNG so every run sends the same cases. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202egnp.exe',
  'Ünïcødé ☃ 𝔘𝔫𝔦 🚀👩‍👩‍👧',
  'İstanbul ǅ ß ﬁ',
  'ｆｕｌｌ　ｗｉｄｔｈ',
  '\u200b\u200d\ufeff',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  'C:\\Windows\\system32',
  '%00',
  // A log4shell-style lookup, built so it is not mistaken for a template placeholder.
  ['$', '{jndi:ldap://x}'].join(''),
  '<script>alert(1)</script>',
  "'; DROP TABLE users; --",
  '__proto__',
  'constructor',
  'x'.repeat(3000),
  'Sales Forecast/../Workforce Plan',
  'a\r\nSet-Cookie: x=1',
]

const WEIRD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
  true,
  [],
  [1, 'a', null],
  {},
  { $ne: 1 },
  { __proto__: { polluted: true } },
  ...WEIRD_STRINGS,
]

const MALFORMED_BODIES = [
  '',
  '{',
  '}',
  '{"sessionId":',
  'null',
  '[]',
  '"just a string"',
  '123',
  'true',
  '{"a":1,}',
  "{'single':'quotes'}",
  '{"__proto__":{"polluted":true},"sessionId":"s","text":"hi"}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
  '\ufeff{"sessionId":"bom","text":"hi"}',
  '{"sessionId":"s","text":"hi"}garbage',
]

/** Every leaf path of a JSON value. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix]
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  const out: (string | number)[][] = [prefix]
  for (const [k, v] of entries) out.push(...leafPaths(v, [...prefix, k]))
  return out
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value
  const copy = structuredClone(root) as Record<string | number, unknown>
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  node[path[path.length - 1] as string | number] = value
  return copy
}

/** `count` mutants of a valid body: one leaf (or the whole body) replaced by a weird value. */
function mutants(valid: unknown, count: number, seed: number): string[] {
  const rand = prng(seed)
  const paths = leafPaths(valid)
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const path = paths[Math.floor(rand() * paths.length)] ?? []
    const value = WEIRD_VALUES[Math.floor(rand() * WEIRD_VALUES.length)]
    out.push(JSON.stringify(setAt(valid, path, value)))
  }
  return out
}

interface RawResponse {
  status: number
  contentType: string
  body: string
}

/** A raw HTTP request: the path goes out byte for byte (no URL normalisation). */
function raw(
  base: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(base)
  // Node sends DELETE bodies without framing unless told; the length keeps the request well-formed.
  if (body !== undefined && !headers['transfer-encoding'] && !headers['content-length']) {
    headers = { ...headers, 'content-length': String(Buffer.byteLength(body)) }
  }
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
      res.on('error', reject)
    })
    // A server that refuses a huge body may close before we finish writing; that is fine.
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET'
        ? resolve({ status: 413, contentType: 'closed', body: '' })
        : reject(e),
    )
    if (body !== undefined) req.end(body)
    else req.end()
  })
}

/** Whatever the input: no 5xx, and an error status comes with a JSON body. */
function expectSafe(label: string, res: { status: number; contentType: string; body: string }): void {
  expect(res.status, `${label} answered ${res.status}: ${res.body.slice(0, 200)}`).toBeLessThan(500)
  if (res.status >= 400 && res.contentType !== 'closed') {
    expect(res.contentType, `${label} (${res.status}) content type`).toContain('application/json')
    expect(() => JSON.parse(res.body), `${label} body is JSON`).not.toThrow()
  }
}

const errorLines: string[] = []
const logger = createLogger({
  level: 'warn',
  destination: {
    write: (line: string) => {
      if (/"severity":"(ERROR|CRITICAL)"/.test(line)) errorLines.push(line)
    },
  },
})

let s: Stack
let bot: string

const slackApi = new FakeSlackApi()

beforeAll(async () => {
  await slackApi.start()
  s = await startStack({
    listen: true,
    logger,
    server: {
      slack: {
        signingSecret: SIGNING_SECRET,
        botToken: 'xoxb-fuzz',
        apiUrl: slackApi.url,
        botUserId: 'UBOT',
        botId: 'BBOT',
      },
    },
  })
  bot = s.url ?? ''
  // Past the sign-in and webhook checks, so the fuzzed bodies reach the parsers and the core.
  const page = webClient({ request: (path, init) => fetch(`${bot}${path}`, init) }, bot)
  Object.assign(JSON_HEADERS, await page.headers(), { [TEST_WEBHOOK_AUTH.name]: TEST_WEBHOOK_AUTH.value })
  // A session that is connected, so fuzzed turns reach the model-dependent handlers too.
  await s.chat('fuzz-connected', 'connect to Sales Forecast')
})
afterAll(async () => {
  await s.close()
  await slackApi.close()
})

/** JSON with a signed-in page's cookie, Origin and CSRF token and the webhooks' key (set in beforeAll). */
const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json' }

describe('bot server', () => {
  const endpoints: { path: string; valid: unknown }[] = [
    {
      path: '/api/chat',
      valid: { sessionId: 'fuzz-connected', text: 'show me Revenue by Region for Widgets' },
    },
    { path: '/api/chat', valid: { sessionId: 'fuzz-choice', choice: 'view:Revenue by Region' } },
    { path: '/api/nlu', valid: { text: 'what is Revenue for EMEA in Q3 FY26?', sessionId: 'fuzz-nlu' } },
    { path: '/dialogflow/es', valid: esRequest('show me Revenue by Region', { session: 'fuzz-es' }) },
    {
      path: '/dialogflow/es',
      valid: esRequest('', {
        session: 'fuzz-es2',
        intent: 'read_cell',
        parameters: { lineItem: 'Revenue', items: ['EMEA'] },
      }),
    },
    { path: '/dialogflow/cx', valid: cxRequest('show me Revenue by Region', { session: 'fuzz-cx' }) },
    {
      path: '/dialogflow/cx',
      valid: cxRequest('what is revenue for EMEA', { session: 'fuzz-cx2', tag: 'read_cell' }),
    },
  ]

  it('malformed bodies and content types on every POST endpoint', async () => {
    const paths = [...new Set([...endpoints.map((e) => e.path), '/slack/events'])]
    for (const path of paths) {
      for (const body of MALFORMED_BODIES) {
        for (const headers of [JSON_HEADERS, { 'content-type': 'text/plain' }, {}]) {
          expectSafe(`POST ${path} ${body.slice(0, 40)}`, await raw(bot, 'POST', path, body, headers))
        }
      }
      // Bytes that are not UTF-8 at all.
      expectSafe(
        `POST ${path} binary`,
        await raw(bot, 'POST', path, Buffer.from([0xff, 0xfe, 0x00, 0xc3]), JSON_HEADERS),
      )
    }
  })

  it('wrong types and weird strings in every field (seeded mutants)', async () => {
    let seed = 1
    for (const { path, valid } of endpoints) {
      for (const body of mutants(valid, 40, seed++)) {
        expectSafe(`POST ${path} ${body.slice(0, 120)}`, await raw(bot, 'POST', path, body, JSON_HEADERS))
      }
    }
  })

  /** Signed Slack requests: the signature passes, so the body reaches Bolt. */
  async function signedSlack(bodies: string[]): Promise<{ body: string; res: RawResponse }[]> {
    const out: { body: string; res: RawResponse }[] = []
    for (const [i, original] of bodies.entries()) {
      // A repeated event_id is dropped as a Slack retry, which would hide the body from the app.
      const body = original.replaceAll(slackValid.event_id, `${slackValid.event_id}-${i}`)
      const ts = Math.floor(Date.now() / 1000)
      const type = body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded'
      const res = await raw(bot, 'POST', '/slack/events', body, {
        'content-type': type,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, body),
      })
      out.push({ body, res })
    }
    return out
  }

  const slackValid = JSON.parse(slackEvent('show me Revenue by Region', { channel: 'CFUZZ' })) as {
    event: unknown
    event_id: string
  }

  it('signed Slack requests with malformed bodies, and requests with bad signatures', async () => {
    const bodies = [...MALFORMED_BODIES, 'payload=%7Bnot-json']
    for (const { body, res } of await signedSlack(bodies)) {
      expectSafe(`POST /slack/events signed ${body}`, res)
    }
    for (const sig of ['', 'v0=', 'v0=zz', `v1=${'a'.repeat(64)}`, 'x'.repeat(5000)]) {
      const res = await raw(bot, 'POST', '/slack/events', '{}', {
        ...JSON_HEADERS,
        'x-slack-request-timestamp': 'not-a-number',
        'x-slack-signature': sig,
      })
      expect(res.status).toBe(401)
      expectSafe('POST /slack/events bad signature', res)
    }
  })

  // Correctly signed events with a malformed event or envelope used to reach Bolt and answer 500
  // (a TypeError in `getTypeAndConversation`, `stripMention(undefined)`, `command.text.trim()`);
  // the Slack channel now validates them first. This was `it.fails` until then.
  it('signed event_callbacks with a malformed event or envelope get a 4xx', async () => {
    const bodies = [
      ...[null, 'text', 42, [], true, { type: 'app_mention' }, { type: 'message', channel_type: 'im' }].map(
        (event) => JSON.stringify({ ...slackValid, event }),
      ),
      // A slash command without its fields.
      'command=%2Fanaplan',
      // A well-formed event in a mutated envelope (`authorizations: [null]` is one that fails).
      ...mutants({ ...slackValid, event: 'EVENT' }, 30, 98)
        .filter((b) => b.includes('"event":"EVENT"'))
        .map((b) => b.replace('"event":"EVENT"', JSON.stringify({ event: slackValid.event }).slice(1, -1))),
    ]
    const results = await signedSlack(bodies)
    for (const { body, res } of results) expectSafe(`POST /slack/events signed ${body.slice(0, 120)}`, res)
  })

  it('huge bodies, with and without Content-Length', async () => {
    const huge = JSON.stringify({ sessionId: 's', text: 'x'.repeat(5 * 1024 * 1024) })
    for (const path of ['/api/chat', '/api/nlu', '/dialogflow/es', '/dialogflow/cx', '/slack/events']) {
      const withLength = await raw(bot, 'POST', path, huge, {
        ...JSON_HEADERS,
        'content-length': String(Buffer.byteLength(huge)),
      })
      expect(withLength.status, path).toBe(413)
      expectSafe(`POST ${path} huge`, withLength)
      const chunked = await raw(bot, 'POST', path, huge, { ...JSON_HEADERS, 'transfer-encoding': 'chunked' })
      expect([400, 401, 403, 413], path).toContain(chunked.status)
      expectSafe(`POST ${path} huge chunked`, chunked)
    }
  })

  it('path tricks, odd query strings and wrong methods', async () => {
    const paths = [
      '/downloads/..%2f..%2f..%2fetc%2fpasswd',
      '/downloads/../../etc/passwd',
      '/downloads/%00',
      '/downloads/%ff%fe',
      `/downloads/${'a'.repeat(5000)}`,
      '/downloads/.',
      '/downloads/CON',
      '/api/events?sessionId=../../x',
      '/api/events?sessionId=%00',
      `/api/events?sessionId=${'s'.repeat(300)}`,
      '/api/events',
      '/api/chat/../../healthz/../api/nlu',
      '//api//chat',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/api/%ff',
      '/index.html%00.js',
      `/${'x/'.repeat(2000)}`,
      '/app.js?x=%',
      '/nope',
    ]
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        const res = await raw(
          bot,
          method,
          path,
          method === 'GET' || method === 'DELETE' ? undefined : '{}',
          JSON_HEADERS,
        )
        expectSafe(`${method} ${path.slice(0, 80)}`, res)
      }
    }
    for (const path of ['/api/chat', '/api/nlu', '/dialogflow/es', '/dialogflow/cx', '/slack/events']) {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        expectSafe(
          `${method} ${path}`,
          await raw(bot, method, path, method === 'GET' ? undefined : '{}', JSON_HEADERS),
        )
      }
    }
  })

  it('still serves afterwards, and logged no internal error', async () => {
    const health = await raw(bot, 'GET', '/healthz')
    expect(health.status).toBe(200)
    const res = await raw(
      bot,
      'POST',
      '/api/chat',
      JSON.stringify({ sessionId: 'fuzz-after', text: 'connect to Sales Forecast' }),
      JSON_HEADERS,
    )
    expect(res.status).toBe(200)
    expect(res.body).toContain('Connected to Sales Forecast')
    expect(errorLines).toEqual([])
  })
})

describe('Anaplan functions', () => {
  const apps = new Map<string, FunctionApp>()
  beforeAll(() => {
    const runtime = runtimeFromEnv({
      env: {
        ANAPLAN_AUTH_URL: s.sim.authUrl,
        ANAPLAN_API_URL: s.sim.apiUrl,
        ANAPLAN_USERNAME: 'analyst@example.com',
        ANAPLAN_PASSWORD: 'demo-password',
        FUNCTION_INVOKER_AUTH: 'platform',
      },
      logger,
    })
    for (const name of ANAPLAN_FUNCTIONS) apps.set(name, createAnaplanFunction(name, runtime))
  })

  async function call(name: string, method: string, path: string, body?: string): Promise<RawResponse> {
    const app = apps.get(name)
    if (!app) throw new Error(`no function ${name}`)
    const res = await app.fetch(
      new Request(`http://fn.local${path}`, {
        method,
        headers: JSON_HEADERS,
        ...(body !== undefined ? { body } : {}),
      }),
    )
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() }
  }

  it('malformed and mutated inputs on every function route', async () => {
    const routes: { fn: string; path: string; valid: unknown }[] = [
      {
        fn: 'runAnaplanAction',
        path: '/',
        valid: { workspace: 'FP&A Demo', model: 'Sales Forecast', type: 'export', action: 'Revenue Export' },
      },
      {
        fn: 'runAnaplanAction',
        path: '/run',
        valid: { model: 'Sales Forecast', type: 'import', action: 'Load Actuals' },
      },
      {
        fn: 'anaplanData',
        path: '/',
        valid: {
          op: 'readView',
          model: 'Sales Forecast',
          view: 'Revenue by Region',
          pages: { Products: 'Widgets' },
        },
      },
      {
        fn: 'anaplanData',
        path: '/writeCells',
        valid: {
          model: 'Sales Forecast',
          module: 'REV01 Revenue',
          cells: [
            { lineItemName: 'Units', dimensions: [{ dimensionName: 'Regions', itemName: 'EMEA' }], value: 1 },
          ],
        },
      },
      { fn: 'anaplanData', path: '/listItems', valid: { model: 'Sales Forecast', list: 'Products' } },
      { fn: 'getAnaplanAuthToken', path: '/', valid: {} },
    ]
    let seed = 500
    for (const { fn, path, valid } of routes) {
      for (const body of [...MALFORMED_BODIES, ...mutants(valid, 30, seed++)]) {
        expectSafe(`${fn} POST ${path} ${body.slice(0, 100)}`, await call(fn, 'POST', path, body))
      }
    }
    for (const path of [
      '/tasks/..%2f..',
      '/tasks/%00',
      '/files/..%2fsecret',
      `/files/${'z'.repeat(3000)}`,
      '/nope',
    ]) {
      expectSafe(`runAnaplanAction GET ${path}`, await call('runAnaplanAction', 'GET', path))
    }
    for (const op of ['__proto__', 'constructor', '..%2f', 'readview', '%00']) {
      expectSafe(`anaplanData POST /${op}`, await call('anaplanData', 'POST', `/${op}`, '{}'))
    }
    expect(errorLines).toEqual([])
  })
})

describe('simulator', () => {
  it('malformed and mutated inputs on its write and admin endpoints', async () => {
    const sim = s.sim.url
    const token = await s.client.tokens.getToken()
    const auth = { ...JSON_HEADERS, authorization: `AnaplanAuthToken ${token}` }
    const models = (await (await fetch(`${s.sim.apiUrl}/models`, { headers: auth })).json()) as {
      models: { id: string; currentWorkspaceId: string; name: string }[]
    }
    const sales = models.models.find((m) => m.name === 'Sales Forecast')
    expect(sales).toBeDefined()
    const m = `/2/0/workspaces/${sales?.currentWorkspaceId}/models/${sales?.id}`
    const targets: { path: string; headers: Record<string, string>; valid: unknown }[] = [
      {
        path: '/token/authenticate',
        headers: JSON_HEADERS,
        valid: { encodedData: 'x', encodedSignedData: 'y' },
      },
      { path: '/__sim/faults', headers: JSON_HEADERS, valid: { path: '/never/*', status: 503, count: 1 } },
      {
        path: `${m}/modules/102000000001/data`,
        headers: auth,
        valid: [{ lineItemId: '1', dimensions: [], value: 1 }],
      },
      {
        path: `${m}/lists/101000000001/items?action=add`,
        headers: auth,
        valid: { items: [{ name: 'Fuzz' }] },
      },
      { path: `${m}/exports/116000000001/tasks`, headers: auth, valid: { localeName: 'en_US' } },
      { path: `${m}/views/../../../__sim/reset`, headers: auth, valid: {} },
    ]
    let seed = 900
    for (const { path, headers, valid } of targets) {
      for (const body of [...MALFORMED_BODIES, ...mutants(valid, 20, seed++)]) {
        expectSafe(`sim POST ${path} ${body.slice(0, 80)}`, await raw(sim, 'POST', path, body, headers))
      }
    }
    expect((await raw(sim, 'GET', '/__sim/stats')).status).toBe(200)
  })
})
