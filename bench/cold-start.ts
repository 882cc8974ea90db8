/**
 * Cold start of a function on the Functions Framework, measured locally: the time from spawning
 * `functions-framework --target=<fn>` to its first 200 answer, against a hello-world function on the
 * same framework, N times each (fresh process every time).
 *
 *   npx tsx bench/cold-start.ts [--runs 5] [--target dialogflowWebhook] [--from dist|src] [--source F] [--json]
 *
 * `--from dist` (default when `dist/functions/index.js` exists) loads the compiled build, as Cloud
 * Run does; `--from src` runs the TypeScript through tsx. `dialogflowWebhook` answers a Dialogflow
 * ES "Default Welcome Intent" request (the time includes building the bot and its NLU);
 * `getAnaplanAuthToken` answers a token (including the first authentication against an in-process
 * simulator); any other target answers `GET /healthz`.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startSimulator } from '../src/simulator/index.ts'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const FF_MAIN = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js')

export interface ColdStartOptions {
  /** Runs per function. @default 5 */
  runs?: number
  /** @default 'dialogflowWebhook' */
  target?: string
  /** @default 'dist' when built, else 'src' */
  from?: 'dist' | 'src'
  /** Give up on one start after this long. @default 60000 */
  timeoutMs?: number
  /** The deploy entry to load instead of `dist/functions/index.js` (another build of it). */
  source?: string
}

export interface Series {
  samplesMs: number[]
  medianMs: number
  p90Ms: number
}

export interface ColdStartResult {
  target: string
  from: 'dist' | 'src'
  runs: number
  node: string
  function: Series
  helloWorld: Series
  /** function median / hello-world median. */
  ratio: number
  /** Median of function[i] / helloWorld[i]: each pair ran back to back. */
  pairedRatioMedian: number
}

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

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i] ?? Number.NaN
}

function series(samples: number[]): Series {
  const sorted = [...samples].sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 10) / 10
  return {
    samplesMs: samples.map(round),
    medianMs: round(quantile(sorted, 0.5)),
    p90Ms: round(quantile(sorted, 0.9)),
  }
}

/** Spawns one framework process and returns the ms from spawn to the first 200. */
async function oneStart(o: {
  args: string[]
  env: NodeJS.ProcessEnv
  request: (port: number) => Promise<Response>
  timeoutMs: number
}): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [...o.args, `--port=${port}`], {
    cwd: ROOT,
    env: { ...o.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  try {
    for (;;) {
      if (performance.now() - started > o.timeoutMs)
        throw new Error(`no answer within ${o.timeoutMs} ms: ${stderr.slice(-500)}`)
      if (child.exitCode !== null)
        throw new Error(`the function exited (${child.exitCode}): ${stderr.slice(-500)}`)
      try {
        const res = await o.request(port)
        await res.arrayBuffer()
        if (res.status === 200) return performance.now() - started
        if (res.status !== 404 && res.status !== 503) throw new Error(`answered ${res.status}`)
      } catch (error) {
        if (!(error instanceof TypeError)) throw error // fetch failed: not listening yet
      }
      await new Promise((r) => setTimeout(r, 5))
    }
  } finally {
    // A child that already exited (its module failed to load) emits no second 'exit'.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  }
}

/** Measures the cold start of `target` and of a hello-world function. */
export async function measureColdStart(options: ColdStartOptions = {}): Promise<ColdStartResult> {
  const runs = options.runs ?? 5
  const target = options.target ?? 'dialogflowWebhook'
  const from = options.from ?? (existsSync(join(ROOT, 'dist/functions/index.js')) ? 'dist' : 'src')
  const timeoutMs = options.timeoutMs ?? 60_000
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 50 })
  const helloDir = await mkdtemp(join(tmpdir(), 'ff-hello-'))
  try {
    // Shaped like our deploy: `index.js` in an ES-module package, so the framework looks up
    // package.json for both (it skips that for `.mjs`), and it is sent the very same request.
    const hello = join(helloDir, 'index.js')
    await writeFile(join(helloDir, 'package.json'), '{ "type": "module", "main": "index.js" }\n')
    await writeFile(hello, "export function hello(req, res) {\n  res.send('hello')\n}\n")
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ANAPLAN_AUTH_URL: sim.authUrl,
      ANAPLAN_API_URL: sim.apiUrl,
      ANAPLAN_USERNAME: 'analyst@example.com',
      ANAPLAN_PASSWORD: 'demo-password',
      DIALOGFLOW_ES_USERNAME: 'dialogflow',
      DIALOGFLOW_ES_PASSWORD: 'bench-password',
    }
    const source =
      options.source ??
      (from === 'dist' ? join(ROOT, 'dist/functions/index.js') : join(ROOT, 'src/functions/index.ts'))
    const fnArgs = [
      ...(from === 'src' ? ['--import', 'tsx'] : []),
      FF_MAIN,
      `--target=${target}`,
      `--source=${source}`,
    ]
    const auth = `Basic ${Buffer.from('dialogflow:bench-password').toString('base64')}`
    const welcome = JSON.stringify({
      responseId: 'bench',
      session: 'projects/bench/agent/sessions/cold-start',
      queryResult: {
        queryText: 'hi',
        parameters: {},
        intent: { name: 'projects/bench/agent/intents/welcome', displayName: 'Default Welcome Intent' },
        languageCode: 'en',
      },
    })
    const request = (port: number) => {
      const signal = AbortSignal.timeout(5000)
      return target === 'dialogflowWebhook'
        ? fetch(`http://127.0.0.1:${port}/`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: welcome,
            signal,
          })
        : target === 'getAnaplanAuthToken'
          ? fetch(`http://127.0.0.1:${port}/`, { signal })
          : fetch(`http://127.0.0.1:${port}/healthz`, { signal })
    }
    const fnSamples: number[] = []
    const helloSamples: number[] = []
    // Alternate the two so machine load affects both alike.
    for (let i = 0; i < runs; i++) {
      helloSamples.push(
        await oneStart({
          args: [FF_MAIN, '--target=hello', `--source=${hello}`],
          env,
          request,
          timeoutMs,
        }),
      )
      fnSamples.push(
        await oneStart({
          args: fnArgs,
          env,
          request,
          timeoutMs,
        }),
      )
    }
    const fn = series(fnSamples)
    const hw = series(helloSamples)
    return {
      target,
      from,
      runs,
      node: process.version,
      function: fn,
      helloWorld: hw,
      ratio: Math.round((fn.medianMs / hw.medianMs) * 100) / 100,
      pairedRatioMedian:
        Math.round(
          quantile(
            fnSamples.map((f, i) => f / (helloSamples[i] ?? Number.NaN)).sort((a, b) => a - b),
            0.5,
          ) * 100,
        ) / 100,
    }
  } finally {
    await rm(helloDir, { recursive: true, force: true })
    await sim.close()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      target: { type: 'string' },
      from: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean' },
    },
  })
  const from = values.from === 'dist' || values.from === 'src' ? values.from : undefined
  const result = await measureColdStart({
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.target ? { target: values.target } : {}),
    ...(from ? { from } : {}),
    ...(values.source ? { source: resolve(values.source) } : {}),
  })
  if (values.json) console.log(JSON.stringify(result, null, 2))
  else {
    console.log(
      `${result.target} (${result.from}): median ${result.function.medianMs} ms, p90 ${result.function.p90Ms} ms\n` +
        `hello world: median ${result.helloWorld.medianMs} ms, p90 ${result.helloWorld.p90Ms} ms\n` +
        `ratio ${result.ratio}× over ${result.runs} runs on Node ${result.node}`,
    )
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
