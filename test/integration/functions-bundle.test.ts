/**
 * The build step after tsc (`scripts/build-assets.ts`) into a temp folder: the runtime's assets
 * land where the code looks for them, the NLU model ships next to the code that loads it, and the
 * bundled deploy entry runs under a real `functions-framework` process and answers a Dialogflow
 * ES welcome, a token request and a signed Slack request (whose SDK stays outside the bundle).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildAssets, NLU_MODEL_PATH } from '../../scripts/build-assets.ts'
import { signSlackRequest } from '../../src/bot/channels/slack/verify.ts'
import { loadOrTrain } from '../../src/bot/nlu/classifier.ts'
import { trainingSet } from '../../src/bot/nlu/nlu.ts'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { simEnv, simStats, startSim } from './functions-helpers.ts'

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const FF_MAIN = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js')

let sim: RunningSimulator
let out: string
let built: Awaited<ReturnType<typeof buildAssets>>
const children: ChildProcess[] = []

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

/** Starts the bundled entry for `target` and waits until it answers its health check. */
async function serve(target: string, env: Record<string, string>): Promise<string> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [FF_MAIN, `--target=${target}`, `--source=${join(out, 'functions/index.js')}`, `--port=${port}`],
    { env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env }, stdio: 'pipe' },
  )
  children.push(child)
  let output = ''
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  const base = `http://127.0.0.1:${port}`
  const until = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`functions-framework exited: ${output}`)
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return base
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`functions-framework did not start: ${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

beforeAll(async () => {
  sim = await startSim()
  // The bundle imports its external packages (the framework, cloud SDKs) from node_modules, as a
  // deployed function does: the temp folder gets the project's, and an ES-module package.json.
  out = await mkdtemp(join(tmpdir(), 'build-assets-'))
  await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir')
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n')
  built = await buildAssets({ srcDir: join(ROOT, 'src'), outDir: out })
})

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  }
  await sim?.close()
  if (out) await rm(out, { recursive: true, force: true })
})

describe('build-assets', () => {
  it('copies the files the runtime locates next to its own modules', async () => {
    // src/simulator/engine/loader.ts reads ./models/*.yaml; src/bot/server.ts serves ./web/*.
    for (const f of ['demo.yaml', 'bench.yaml'])
      expect(existsSync(join(out, 'simulator/engine/models', f))).toBe(true)
    for (const f of ['index.html', 'app.js', 'styles.css', 'favicon.svg'])
      expect(existsSync(join(out, 'bot/web', f))).toBe(true)
    expect(built.assets).toHaveLength(6)
  })

  it('ships an NLU model the runtime loads instead of training, next to tsc output and the bundle', async () => {
    const set = trainingSet()
    expect(built.model.key).toBe(set.key)
    expect((await loadOrTrain(set, join(out, NLU_MODEL_PATH))).source).toBe('file')
    expect((await loadOrTrain(set, join(out, 'functions/chunks/nlu-model.json'))).source).toBe('file')
  })

  it('bundles the deploy entry with each function in its own lazily loaded chunk', async () => {
    const chunks = await readdir(join(out, 'functions/chunks'))
    for (const name of ['get-anaplan-auth-token', 'run-anaplan-action', 'anaplan-data', 'bot-functions'])
      expect(chunks.some((c) => c.startsWith(`${name}-`) && c.endsWith('.js'))).toBe(true)
    expect(built.bundle?.entry).toBe(join(out, 'functions/index.js'))
    expect(existsSync(join(out, 'functions/adapters/lambda.js'))).toBe(true)
  })
})

describe('the bundled deploy entry under functions-framework', () => {
  it('answers a Dialogflow ES welcome with the models the user can connect to', async () => {
    const base = await serve(
      'dialogflowWebhook',
      simEnv(sim, { DIALOGFLOW_ES_USERNAME: 'dialogflow', DIALOGFLOW_ES_PASSWORD: 'bundle-test-pw' }),
    )
    const res = await fetch(base, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('dialogflow:bundle-test-pw').toString('base64')}`,
      },
      body: JSON.stringify({
        responseId: 'r1',
        session: 'projects/p/agent/sessions/bundle',
        queryResult: {
          queryText: 'hi',
          parameters: {},
          intent: { displayName: 'Default Welcome Intent' },
          languageCode: 'en',
        },
      }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { fulfillmentText: string }
    expect(body.fulfillmentText).toContain('Hello!')
    expect(body.fulfillmentText).toContain('Sales Forecast')
  })

  it('authenticates while it starts, so the first token request finds the token ready', async () => {
    const before = (await simStats(sim)).auth.authenticate
    const base = await serve('getAnaplanAuthToken', simEnv(sim))
    // The health check does not authenticate; the warm-up at instance start does, on its own.
    const until = Date.now() + 10_000
    while ((await simStats(sim)).auth.authenticate === before && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20))
    expect((await simStats(sim)).auth.authenticate).toBe(before + 1)
    const res = await fetch(base)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { tokenValue: string; tokenType: string }
    expect(body.tokenType).toBe('AnaplanAuthToken')
    expect(body.tokenValue.length).toBeGreaterThan(10)
    expect((await simStats(sim)).auth.authenticate).toBe(before + 1)
  })

  it('serves the bundled Lambda handlers too', async () => {
    // A fresh Node process, as Lambda starts one: the handler reads its settings from the environment.
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/',
      rawQueryString: '',
      headers: { host: 'fn.lambda-url.eu-west-1.on.aws', 'x-forwarded-proto': 'https' },
      requestContext: {
        domainName: 'fn.lambda-url.eu-west-1.on.aws',
        http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
        requestId: 'r1',
        routeKey: '$default',
        stage: '$default',
      },
      isBase64Encoded: false,
    }
    const script = `const m = await import(${JSON.stringify(built.bundle?.lambdaEntry)})
const r = await m.getAnaplanAuthToken(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 30000 })
process.stdout.write('\\nRESULT ' + JSON.stringify(r) + '\\n')`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...simEnv(sim) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const code = await new Promise((r) => child.once('exit', r))
    expect(code, stderr).toBe(0)
    // The function's own log lines share stdout with the result.
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
    const res = JSON.parse(line?.slice('RESULT '.length) ?? 'null') as { statusCode: number; body: string }
    expect(res.statusCode).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ tokenType: 'AnaplanAuthToken' })
  })

  it("answers Slack's signed URL verification through the unbundled Slack SDK", async () => {
    const signingSecret = 'bundle-test-signing-secret'
    const base = await serve(
      'slackEvents',
      simEnv(sim, { SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: 'xoxb-bundle-test' }),
    )
    const body = JSON.stringify({ type: 'url_verification', challenge: 'bundled-challenge' })
    const ts = Math.floor(Date.now() / 1000)
    const res = await fetch(base, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signSlackRequest(signingSecret, ts, body),
      },
      body,
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ challenge: 'bundled-challenge' })
  })
})
