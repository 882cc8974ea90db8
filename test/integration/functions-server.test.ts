import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { ANALYST, SHARED_KEY, simEnv, simStats, startSim } from './functions-helpers.ts'

/**
 * The deploy entry (`src/functions/index.ts`) in a real `functions-framework` process, configured
 * only through the environment, as Cloud Run starts it.
 */
let sim: RunningSimulator
let child: ChildProcess
let base: string
let output = ''

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

beforeAll(async () => {
  sim = await startSim()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'node_modules/@google-cloud/functions-framework/build/src/main.js',
      '--target=getAnaplanAuthToken',
      '--source=src/functions/index.ts',
      `--port=${port}`,
    ],
    {
      env: {
        PATH: process.env.PATH,
        ...simEnv(sim, { FUNCTION_SHARED_KEY: SHARED_KEY, GOOGLE_CLOUD_PROJECT: 'demo-project' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  const until = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`functions-framework exited: ${output}`)
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`functions-framework did not start: ${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
})

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
  await sim?.close()
})

describe('functions-framework --target=getAnaplanAuthToken --source=src/functions/index.ts', () => {
  it('refuses anonymous calls and hands out one token to keyed callers', async () => {
    expect((await fetch(base)).status).toBe(401)
    const tokens = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const res = await fetch(base, {
        headers: {
          'x-api-key': SHARED_KEY,
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        },
      })
      expect(res.status).toBe(200)
      tokens.add(((await res.json()) as { tokenValue: string }).tokenValue)
    }
    expect(tokens.size).toBe(1)
    expect((await simStats(sim)).auth.authenticate).toBe(1)
  })

  it('writes Cloud Logging JSON lines with the trace and without secrets', async () => {
    await new Promise((r) => setTimeout(r, 100))
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(
      lines.some(
        (l) =>
          l.severity === 'INFO' &&
          l['logging.googleapis.com/trace'] ===
            'projects/demo-project/traces/4bf92f3577b34da6a3ce929d0e0e4736',
      ),
    ).toBe(true)
    expect(
      lines.some((l) => l.severity === 'WARNING' && (l.httpRequest as { status?: number })?.status === 401),
    ).toBe(true)
    expect(output).not.toContain(ANALYST.password)
    expect(output).not.toContain(SHARED_KEY)
  })
})
