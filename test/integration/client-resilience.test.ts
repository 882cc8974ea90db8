import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AnaplanClient,
  type AnaplanClientOptions,
  type AnaplanCredentials,
  ConnectionError,
  ServerError,
} from '../../src/anaplan/index.ts'
import { generateTestCertificate, type TestCertificate } from '../../src/anaplan/testing/certificate.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { recordingFetch } from '../support/openapi.ts'

// Client ↔ simulator under faults (/__sim/faults), token expiry, and certificate authentication.
let sim: RunningSimulator
let cert: TestCertificate
const BASIC: AnaplanCredentials = {
  kind: 'basic',
  username: 'analyst@example.com',
  password: 'demo-password',
}

interface SimStats {
  routes: Record<string, number>
  auth: { authenticate: number; refresh: number; validate: number; logout: number }
  mutations: { taskStarts: number; cellWrites: number; listWrites: number }
  tasks: Record<string, number>
}

async function stats(s = sim): Promise<SimStats> {
  return (await fetch(`${s.url}/__sim/stats`)).json() as Promise<SimStats>
}

async function fault(spec: Record<string, unknown>, s = sim): Promise<void> {
  const res = await fetch(`${s.url}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  })
  expect(res.status).toBe(201)
}

/** A client whose retry waits are recorded instead of slept (the assertions read them). */
function makeClient(extra: Partial<AnaplanClientOptions> = {}, s = sim) {
  const delays: number[] = []
  const client = new AnaplanClient({
    authUrl: s.authUrl,
    apiUrl: s.apiUrl,
    credentials: BASIC,
    sleep: async (ms) => {
      delays.push(ms)
    },
    ...extra,
  })
  return { client, delays }
}

beforeAll(async () => {
  cert = await generateTestCertificate('analyst@example.com')
  sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    taskMs: 30,
    certificates: [{ email: 'analyst@example.com', certificatePem: cert.certificatePem }],
  })
})

afterAll(async () => {
  await sim?.close()
})

beforeEach(async () => {
  await sim.reset()
  await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' })
})

describe('retries against injected faults', () => {
  it('waits out a 429 with Retry-After seconds, then with an HTTP-date', async () => {
    const { client, delays } = makeClient()
    await fault({ method: 'GET', path: '/2/0/workspaces', status: 429, retryAfter: '2' })
    expect((await client.workspaces.list()).length).toBe(1)
    expect(delays).toEqual([2000])
    await fault({
      method: 'GET',
      path: '/2/0/workspaces',
      status: 429,
      retryAfter: new Date(Date.now() + 3000).toUTCString(),
    })
    await client.workspaces.list()
    expect(delays[1]).toBeGreaterThan(1000)
    expect(delays[1]).toBeLessThanOrEqual(3000)
    expect(client.stats.retriesByReason).toEqual({ rate_limit: 2 })
  })

  it('retries reads through 503s and dropped connections', async () => {
    const { client, delays } = makeClient({ random: () => 1 })
    await fault({ method: 'GET', path: '/2/0/users/me', status: 503, count: 2 })
    await fault({ method: 'GET', path: '/2/0/workspaces', drop: true, count: 1 })
    expect((await client.users.me()).email).toBe('analyst@example.com')
    expect((await client.workspaces.list()).length).toBe(1)
    expect(delays).toEqual([1000, 2000, 1000])
    expect(client.stats.retriesByReason).toEqual({ server_error: 2, reset: 1 })
  })

  it('gives up after maxRetries with the server status in a typed error', async () => {
    const rec = recordingFetch()
    const { client } = makeClient({ fetch: rec.fetch })
    await fault({ method: 'GET', path: '/2/0/users/me', status: 503, count: 10 })
    const err = await client.users.me({ maxRetries: 2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ServerError)
    expect((err as ServerError).status).toBe(503)
    expect(rec.calls.filter((c) => c.url.endsWith('/users/me')).map((c) => c.status)).toEqual([503, 503, 503])
  })

  it('an ambiguous task start (503 after the server acted) starts exactly one task', async () => {
    const { client } = makeClient()
    const model = await client.model({ model: 'Sales Forecast' })
    const { action } = await model.findAction('Revenue Export', 'export')
    await fault({
      method: 'POST',
      path: '/2/0/workspaces/*/models/*/exports/*/tasks',
      status: 503,
      afterHandler: true,
    })
    const task = await model.startTask('export', action.id)
    const done = await model.waitForTask('export', action.id, task.taskId, { intervalMs: 10 })
    expect(done.result?.successful).toBe(true)
    const s = await stats()
    expect(s.tasks[action.id]).toBe(1)
    expect(s.mutations.taskStarts).toBe(1)
  })

  it('a dropped connection after the server started the task is reconciled too', async () => {
    const { client } = makeClient()
    const model = await client.model({ model: 'Sales Forecast' })
    const r = await (async () => {
      await fault({
        method: 'POST',
        path: '/2/0/workspaces/**/processes/*/tasks',
        drop: true,
        afterHandler: true,
      })
      return model.run('process', 'Monthly Refresh', { intervalMs: 10, throwOnFailure: false })
    })()
    expect(r.task.taskState).toBe('COMPLETE')
    expect((await stats()).tasks[r.actionId]).toBe(1)
  })

  it('a dropped cell write is not re-sent (ambiguous), a refused one would be', async () => {
    const { client } = makeClient()
    const model = await client.model({ model: 'Sales Forecast' })
    await fault({ method: 'POST', path: '/2/0/models/*/modules/*/data', drop: true, afterHandler: true })
    const err = await model
      .writeCells('REV01 Revenue', [
        {
          lineItemName: 'Price',
          dimensions: [
            { dimensionName: 'Products', itemName: 'Gizmos' },
            { dimensionName: 'Time', itemName: 'Jan 26' },
            { dimensionName: 'Versions', itemName: 'Budget' },
            { dimensionName: 'Regions', itemName: 'EMEA' },
          ],
          value: 61,
        },
      ])
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectionError)
    expect((err as ConnectionError).phase).toBe('response')
    expect((await stats()).mutations.cellWrites).toBe(1)
  })

  it('a per-attempt timeout on a slow read is retried', async () => {
    const { client } = makeClient()
    await fault({ method: 'GET', path: '/2/0/users/me', latencyMs: 400 })
    const me = await client.users.me({ timeoutMs: 150 })
    expect(me.email).toBe('analyst@example.com')
    expect(client.stats.retriesByReason).toEqual({ timeout: 1 })
  })
})

describe('tokens', () => {
  it('many concurrent calls share one authenticate', async () => {
    const { client } = makeClient()
    await Promise.all(Array.from({ length: 200 }, () => client.users.me()))
    expect((await stats()).auth.authenticate).toBe(1)
    expect(client.stats.authenticate).toBe(1)
  })

  it('re-authenticates and replays once when the server forgets the token', async () => {
    const { client } = makeClient()
    await client.users.me()
    await sim.reset() // drops every token server-side
    expect((await client.users.me()).email).toBe('analyst@example.com')
    expect(client.stats.authenticate).toBe(2)
  })

  it('refreshes a short-lived token before it expires, then logs out on close', async () => {
    const short = await startSimulator({ port: 0, host: '127.0.0.1', tokenTtlSeconds: 2 })
    try {
      const { client } = makeClient({}, short)
      await client.users.me()
      const first = client.tokens.current()!.expiresAt
      await new Promise((r) => setTimeout(r, 1200)) // past half the lifetime: the eager window
      await client.users.me()
      await new Promise((r) => setTimeout(r, 300))
      await client.users.me()
      const s = await stats(short)
      expect(s.auth.refresh).toBeGreaterThanOrEqual(1)
      expect(s.auth.authenticate).toBe(1)
      expect(client.tokens.current()!.expiresAt).toBeGreaterThan(first)
      await client.close()
      expect((await stats(short)).auth.logout).toBe(1)
    } finally {
      await short.close()
    }
  })

  it.each(['v2', 'v1'] as const)('authenticates with a CA certificate (%s)', async (format) => {
    const { client } = makeClient({
      credentials: {
        kind: 'certificate',
        certificate: cert.certificatePem,
        privateKey: cert.privateKeyPem,
        encodedDataFormat: format,
      },
    })
    expect((await client.users.me()).email).toBe('analyst@example.com')
    await client.close()
  })

  it('rejects wrong credentials with AuthenticationError and no secret in the message', async () => {
    const { client } = makeClient({
      credentials: { kind: 'basic', username: 'analyst@example.com', password: 'wrong-password' },
    })
    const err = (await client.users.me().catch((e: unknown) => e)) as Error
    expect(err.name).toBe('AuthenticationError')
    expect(err.message).not.toContain('wrong-password')
  })
})
