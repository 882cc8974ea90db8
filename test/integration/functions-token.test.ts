import type { Server } from 'node:http'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenFunction } from '../../src/functions/get-anaplan-auth-token.ts'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  ANALYST,
  captureLogger,
  SHARED_KEY,
  serveWithFramework,
  simEnv,
  simRuntime,
  simStats,
  startSim,
} from './functions-helpers.ts'

async function validate(sim: RunningSimulator, token: string): Promise<number> {
  const res = await fetch(`${sim.authUrl}/token/validate`, {
    headers: { authorization: `AnaplanAuthToken ${token}` },
  })
  return res.status
}

describe('getAnaplanAuthToken under the Functions Framework', () => {
  let sim: RunningSimulator
  let server: Server
  const log = captureLogger()

  beforeAll(async () => {
    sim = await startSim()
    const runtime = simRuntime(simEnv(sim, { FUNCTION_SHARED_KEY: SHARED_KEY }), { logger: log.logger })
    server = serveWithFramework('getAnaplanAuthToken', createTokenFunction(runtime))
  })
  afterAll(async () => {
    await sim?.close()
  })

  it('returns a token Anaplan accepts, with its expiry', async () => {
    const res = await request(server).get('/').set('x-api-key', SHARED_KEY)
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.body).toMatchObject({ tokenType: 'AnaplanAuthToken' })
    expect(typeof res.body.tokenValue).toBe('string')
    expect(res.body.expiresAt).toBeGreaterThan(Date.now() + 30 * 60_000)
    expect(await validate(sim, res.body.tokenValue)).toBe(200)
  })

  it('authenticates once for many calls, concurrent or not', async () => {
    const before = await simStats(sim)
    const concurrent = await Promise.all(
      Array.from({ length: 15 }, () =>
        request(server).post('/').set('Authorization', `Bearer ${SHARED_KEY}`),
      ),
    )
    const sequential = []
    for (let i = 0; i < 10; i++) sequential.push(await request(server).get('/').set('x-api-key', SHARED_KEY))
    const all = [...concurrent, ...sequential]
    expect(all.map((r) => r.status)).toEqual(all.map(() => 200))
    expect(new Set(all.map((r) => r.body.tokenValue)).size).toBe(1)
    const after = await simStats(sim)
    // The first test already authenticated: this instance never authenticates again.
    expect(after.auth.authenticate).toBe(1)
    expect(after.auth.authenticate - before.auth.authenticate).toBe(0)
  })

  it('refuses anonymous calls and wrong keys when a key is configured', async () => {
    const anonymous = await request(server).get('/')
    expect(anonymous.status).toBe(401)
    expect(anonymous.body).toMatchObject({ error: { code: 'unauthorized' } })
    expect(anonymous.body.tokenValue).toBeUndefined()
    const wrong = await request(server).get('/').set('x-api-key', 'not-the-key')
    expect(wrong.status).toBe(401)
    expect(JSON.stringify(wrong.body)).not.toContain(SHARED_KEY)
  })

  it('serves health without a key and without touching Anaplan', async () => {
    const before = await simStats(sim)
    const res = await request(server).get('/healthz')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'ok', function: 'getAnaplanAuthToken' })
    expect((await simStats(sim)).routes).toEqual(before.routes)
  })

  it('logs Cloud Logging JSON with the trace and no secrets', async () => {
    await request(server)
      .get('/')
      .set('x-api-key', SHARED_KEY)
      .set('X-Cloud-Trace-Context', '0af7651916cd43dd8448eb211c80319c/7;o=1')
    const line = log.lines.find((l) => l['logging.googleapis.com/trace'])
    expect(line).toMatchObject({
      severity: 'INFO',
      'logging.googleapis.com/trace': '0af7651916cd43dd8448eb211c80319c',
      httpRequest: { requestMethod: 'GET', status: 200 },
    })
    const text = log.text()
    expect(text).not.toContain(ANALYST.password)
    expect(text).not.toContain(SHARED_KEY)
    const token = (await request(server).get('/').set('x-api-key', SHARED_KEY)).body.tokenValue as string
    expect(log.text()).not.toContain(token)
  })
})

describe('getAnaplanAuthToken across token expiry', () => {
  let sim: RunningSimulator
  afterAll(async () => {
    await sim?.close()
  })

  it('renews the token before and after it expires, without authenticating per call', async () => {
    sim = await startSim({ tokenTtlSeconds: 2 })
    const server = serveWithFramework('getAnaplanAuthToken', createTokenFunction(simRuntime(simEnv(sim))))
    const seen: { tokenValue: string; expiresAt: number }[] = []
    const until = Date.now() + 5000
    let calls = 0
    while (Date.now() < until) {
      const res = await request(server).get('/')
      expect(res.status).toBe(200)
      calls++
      // Every token handed out is accepted by Anaplan at the time it is handed out.
      expect(await validate(sim, res.body.tokenValue)).toBe(200)
      seen.push(res.body)
      await new Promise((r) => setTimeout(r, 150))
    }
    const stats = await simStats(sim)
    const renewals = stats.auth.authenticate + stats.auth.refresh
    expect(calls).toBeGreaterThan(15)
    // Two seconds per token over five seconds: a handful of renewals, nowhere near one per call.
    expect(renewals).toBeGreaterThanOrEqual(3)
    expect(renewals).toBeLessThan(calls / 2)
    expect(stats.auth.refresh).toBeGreaterThanOrEqual(1)
    expect(new Set(seen.map((s) => s.expiresAt)).size).toBeGreaterThanOrEqual(3)
  })
})
