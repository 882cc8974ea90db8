/**
 * No secret reaches a log line (issue 6). A representative run captures every line the bot core,
 * the HTTP server and channels, the Anaplan client and the functions write (through an injected
 * pino destination at `trace` level), plus stdout and stderr of the spawned `anaplan-bot serve` and
 * `anaplan` commands, while doing what makes code log: conversations, writes and actions, a revoked
 * token, certificate authentication, wrong passwords, bad Slack signatures, bad webhook credentials
 * and failing requests. None of it may contain a demo password, any token value the simulator
 * handed out, the generated private key, the Slack signing secret or bot token, or the webhook
 * password.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { esRequest, FakeSlackApi, slackEvent, slackRequest, slashCommand } from '../../bench/lib/channels.ts'
import { ANALYST, revokeToken, type Stack, startStack, VIEWER } from '../../bench/lib/stack.ts'
import { AnaplanClient, AuthenticationError } from '../../src/anaplan/index.ts'
import { generateTestCertificate, type TestCertificate } from '../../src/anaplan/testing/certificate.ts'
import { ANAPLAN_FUNCTIONS, createAnaplanFunction, runtimeFromEnv } from '../../src/functions/registry.ts'
import { createLogger } from '../../src/shared/logger.ts'
import { webClient } from '../support/api-chat.ts'

const SIGNING_SECRET = 'slack-signing-secret-4f9e2d71c0'
const SLACK_BOT_TOKEN = 'xoxb-1111-2222-secretbottoken'
const WEBHOOK_PASSWORD = 'dialogflow-webhook-pass-93ab'
const SESSION_SECRET = 'web-session-cookie-key-7c21e0'

const lines: string[] = []
const logger = createLogger({ level: 'trace', destination: { write: (l: string) => void lines.push(l) } })

/** Every token value the simulator handed out, read off the auth responses. */
const tokens = new Set<string>()

/** A fetch that records `tokenValue`s from `/token/*` answers. */
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init)
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  if (url.includes('/token/') && res.ok) {
    const text = await res.clone().text()
    for (const m of text.matchAll(/"tokenValue"\s*:\s*"([^"]+)"/g)) if (m[1]) tokens.add(m[1])
  }
  return res
}

let cert: TestCertificate
const slack = new FakeSlackApi()
let s: Stack

beforeAll(async () => {
  cert = await generateTestCertificate('analyst@example.com')
  await slack.start()
  s = await startStack({
    simulator: { certificates: [{ email: 'analyst@example.com', certificatePem: cert.certificatePem }] },
    client: { fetch: recordingFetch, logger, random: () => 0 },
    logger,
    server: {
      slack: {
        signingSecret: SIGNING_SECRET,
        botToken: SLACK_BOT_TOKEN,
        apiUrl: slack.url,
        botUserId: 'UBOT',
      },
      dialogflowEs: { auth: { type: 'basic', username: 'dialogflow', password: WEBHOOK_PASSWORD } },
    },
  })
})
afterAll(async () => {
  await s?.close()
  await slack.close()
})

function secrets(): string[] {
  const keyBody = cert.privateKeyPem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join('')
  return [
    ANALYST.password,
    VIEWER.password,
    SIGNING_SECRET,
    SLACK_BOT_TOKEN,
    WEBHOOK_PASSWORD,
    SESSION_SECRET,
    cert.privateKeyPem,
    keyBody,
    // Any 64-character line of the key is enough to reconstruct it, so each one counts alone.
    ...cert.privateKeyPem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----')),
    ...tokens,
  ]
}

function expectNoSecrets(label: string, text: string): void {
  for (const secret of secrets()) {
    if (text.includes(secret)) {
      const at = text.indexOf(secret)
      const shown = `${secret.slice(0, 4)}…(${secret.length} chars)`
      throw new Error(`${label}: a secret ${shown} appears near: ${text.slice(Math.max(0, at - 80), at)}`)
    }
  }
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  s.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

describe('in-process: bot, server, channels, client and functions', () => {
  it('a representative run logs plenty, and nothing secret', async () => {
    const id = 'sec-1'
    await s.chat(id, 'connect to Sales Forecast', 'alice')
    await s.chat(id, 'show me Revenue by Region for Widgets and Forecast', 'alice')
    await s.chat(id, 'set Units for Widgets in EMEA for Mar 26 Forecast to 42', 'alice')
    await s.chat(id, 'yes', 'alice')
    await s.chat(id, 'run the Load Actuals import', 'alice')
    await s.chat(id, 'yes', 'alice')

    // A revoked token: the client sees a 401, re-authenticates and logs it.
    await revokeToken(s.sim.url, await s.client.tokens.getToken())
    await s.chat(id, 'what is Revenue for EMEA in Q3 FY26?', 'alice')
    // Failures that get logged: a 503 storm on a read, a 500 after a write.
    await s.fault({ method: 'GET', path: '/2/0/models/*/views/*/data', status: 503, count: 5 })
    await s.chat(id, 'show me Revenue by Region for Gadgets and Budget', 'alice')
    await s.chat(id, 'set Units for Widgets in EMEA for Apr 26 Forecast to 43', 'alice')
    await s.fault({ method: 'POST', path: '/2/0/**/modules/*/data', status: 500, afterHandler: true })
    await s.chat(id, 'yes', 'alice')

    // Slack: a good mention, a bad signature, a replay, a slash command.
    await slackRequest(s.app, SIGNING_SECRET, slackEvent('connect to Sales Forecast'), 'application/json')
    await slackRequest(s.app, 'wrong-secret-000000', slackEvent('hi'), 'application/json')
    await slackRequest(s.app, SIGNING_SECRET, slackEvent('hi'), 'application/json', Date.now() - 3_600_000)
    await slackRequest(
      s.app,
      SIGNING_SECRET,
      slashCommand('what is Revenue for EMEA'),
      'application/x-www-form-urlencoded',
    )
    // Dialogflow ES with and without the right webhook credentials.
    const good = `Basic ${Buffer.from(`dialogflow:${WEBHOOK_PASSWORD}`).toString('base64')}`
    const bad = `Basic ${Buffer.from('dialogflow:guess').toString('base64')}`
    expect(
      (await post('/dialogflow/es', esRequest('hi', { session: 'sec-es' }), { authorization: good })).status,
    ).toBe(200)
    expect(
      (await post('/dialogflow/es', esRequest('hi', { session: 'sec-es' }), { authorization: bad })).status,
    ).toBe(401)

    // Certificate authentication, and a wrong password.
    const certClient = new AnaplanClient({
      authUrl: s.sim.authUrl,
      apiUrl: s.sim.apiUrl,
      credentials: { kind: 'certificate', certificate: cert.certificatePem, privateKey: cert.privateKeyPem },
      fetch: recordingFetch,
      logger,
    })
    expect((await certClient.models.list()).length).toBeGreaterThan(0)
    await certClient.close()
    const wrong = new AnaplanClient({
      authUrl: s.sim.authUrl,
      apiUrl: s.sim.apiUrl,
      credentials: { kind: 'basic', username: VIEWER.username, password: `${VIEWER.password}-wrong` },
      fetch: recordingFetch,
      logger,
      maxRetries: 0,
    })
    const err = await wrong.models.list().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AuthenticationError)
    expectNoSecrets('AuthenticationError', `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack}`)
    logger.error({ err }, 'logging the auth error object itself')

    // The functions, last: their runtime registers the configured secrets with the logger, which
    // would otherwise mask leaks from the parts above.
    const runtime = runtimeFromEnv({
      env: {
        ANAPLAN_AUTH_URL: s.sim.authUrl,
        ANAPLAN_API_URL: s.sim.apiUrl,
        ANAPLAN_USERNAME: ANALYST.username,
        ANAPLAN_PASSWORD: ANALYST.password,
      },
      logger,
    })
    const fns = new Map(ANAPLAN_FUNCTIONS.map((n) => [n, createAnaplanFunction(n, runtime)]))
    const call = async (name: (typeof ANAPLAN_FUNCTIONS)[number], path: string, body?: unknown) => {
      const res = await fns.get(name)?.fetch(
        new Request(`http://fn.local${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      )
      return res ? await res.text() : ''
    }
    const tokenBody = await call('getAnaplanAuthToken', '/')
    for (const m of tokenBody.matchAll(/"tokenValue"\s*:\s*"([^"]+)"/g)) if (m[1]) tokens.add(m[1])
    await call('anaplanData', '/readView', { model: 'Sales Forecast', view: 'Revenue by Region' })
    await call('anaplanData', '/readView', { model: 'No Such Model', view: 'x' })
    await call('runAnaplanAction', '/run', {
      model: 'Sales Forecast',
      type: 'export',
      action: 'Revenue Export',
    })
    await runtime.close?.()

    expect(tokens.size).toBeGreaterThanOrEqual(3)
    expect(lines.length).toBeGreaterThan(10)
    expectNoSecrets('log lines', lines.join('\n'))
  })
})

/**
 * A loopback proxy in front of the simulator for the spawned processes, so the tokens the
 * simulator hands them are known (and checked) too.
 */
async function tokenRecordingProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      // Hop-by-hop and length headers are the proxy's own business (fetch refuses some of them).
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) {
        if (
          typeof v === 'string' &&
          !/^(host|connection|keep-alive|transfer-encoding|content-length)$/i.test(k)
        ) {
          headers[k] = v
        }
      }
      const body = Buffer.concat(chunks)
      fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body.length > 0 ? { body } : {}),
      })
        .then(async (r) => {
          const bytes = Buffer.from(await r.arrayBuffer())
          if ((req.url ?? '').startsWith('/token/')) {
            for (const m of bytes.toString('utf8').matchAll(/"tokenValue"\s*:\s*"([^"]+)"/g))
              if (m[1]) tokens.add(m[1])
          }
          const out: Record<string, string> = {}
          r.headers.forEach((v, k) => {
            if (k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding') out[k] = v
          })
          res.writeHead(r.status, out)
          res.end(bytes)
        })
        .catch(() => {
          res.writeHead(502)
          res.end()
        })
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Spawns a bin with the test's environment; collects stdout and stderr. */
function spawnBin(
  bin: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  const base: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(ANAPLAN_|SLACK_|DIALOGFLOW_)/.test(k)) base[k] = v
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', bin), ...args], {
    env: { ...base, LOG_LEVEL: 'trace', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8')
  })
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString('utf8')
  })
  return { child, output: () => out }
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
}

describe('spawned commands', () => {
  it('anaplan-bot serve and the anaplan CLI print no secret on stdout or stderr', async () => {
    const proxy = await tokenRecordingProxy(s.sim.url)
    const before = tokens.size
    const env = {
      ANAPLAN_AUTH_URL: proxy.url,
      ANAPLAN_API_URL: `${proxy.url}/2/0`,
      ANAPLAN_USERNAME: ANALYST.username,
      ANAPLAN_PASSWORD: ANALYST.password,
    }
    const server = spawnBin('anaplan-bot.js', ['serve', '--port', '0'], {
      ...env,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: SLACK_BOT_TOKEN,
      SLACK_API_URL: slack.url,
      DIALOGFLOW_ES_USERNAME: 'dialogflow',
      DIALOGFLOW_ES_PASSWORD: WEBHOOK_PASSWORD,
      // Real (proxied) Anaplan: the sign-in-less local demo mode must be allowed explicitly.
      WEB_ALLOW_LOCAL_DEMO: 'true',
      WEB_SESSION_SECRET: SESSION_SECRET,
    })
    const cli = [
      spawnBin('anaplan.js', ['whoami', '--json'], env),
      spawnBin('anaplan.js', ['models'], { ...env, ANAPLAN_PASSWORD: 'not-the-password' }),
      spawnBin('anaplan.js', ['view', 'Revenue by Region', '--model', 'Sales Forecast'], env),
    ]
    try {
      const end = Date.now() + 30_000
      let url: string | undefined
      while (!url && Date.now() < end && server.child.exitCode === null) {
        url = /(?:listening on|Web chat:) +(http:\/\/\S+)/.exec(server.output())?.[1]
        if (!url) await new Promise((r) => setTimeout(r, 100))
      }
      expect(url, server.output()).toBeDefined()
      const base = url as string
      const signedIn = await webClient({ request: (p, init) => fetch(`${base}${p}`, init) }, base).headers()
      const chat = (text: string) =>
        fetch(`${url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signedIn },
          body: JSON.stringify({ sessionId: 'spawned', text }),
        }).then((r) => r.text())
      await chat('connect to Sales Forecast')
      await chat('show me Revenue by Region')
      await fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-signature': 'v0=bad',
          'x-slack-request-timestamp': '1',
        },
        body: '{}',
      }).then((r) => r.text())
      await fetch(`${url}/dialogflow/es`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic ZGlhbG9nZmxvdzp3cm9uZw==' },
        body: JSON.stringify(esRequest('hi')),
      }).then((r) => r.text())
    } finally {
      server.child.kill('SIGTERM')
      await exited(server.child)
      for (const c of cli) await exited(c.child)
      await proxy.close()
    }
    // The server and the two successful CLI runs each authenticated through the proxy.
    expect(tokens.size).toBeGreaterThanOrEqual(before + 3)
    expect(cli[0]?.output()).toContain('analyst@example.com')
    expect(cli[1]?.child.exitCode).not.toBe(0)
    expectNoSecrets('anaplan-bot serve', server.output())
    for (const c of cli) expectNoSecrets(`anaplan ${c.child.spawnargs.slice(2).join(' ')}`, c.output())
  })
})
