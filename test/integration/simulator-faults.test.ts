/** Admin endpoints: injected faults (429, 5xx, latency, drops, after-handler), stats, reset. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  ANALYST,
  basic,
  type Client,
  client,
  demoIds,
  type Json,
  login,
  startTestSimulator,
  waitTask,
} from './simulator-helpers.ts'

let sim: RunningSimulator
let api: Client
let ids: Awaited<ReturnType<typeof demoIds>>

async function fault(spec: Record<string, unknown>): Promise<Response> {
  return fetch(`${sim.url}/__sim/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(spec),
  })
}

async function stats(): Promise<Json> {
  return (await fetch(`${sim.url}/__sim/stats`)).json()
}

beforeAll(async () => {
  sim = await startTestSimulator()
})
beforeEach(async () => {
  await sim.reset()
  api = client(sim, await login(sim))
  ids = await demoIds(api)
})
afterAll(() => sim.close())

describe('faults', () => {
  it('answers 429 with Retry-After for count requests, then recovers', async () => {
    const res = await fault({
      method: 'GET',
      path: '/2/0/workspaces/*/models/*/modules',
      count: 2,
      status: 429,
      retryAfter: '2',
    })
    expect(res.status).toBe(201)
    const body = (await res.json()) as Json
    expect(body.fault.id).toBeTruthy()
    for (let i = 0; i < 2; i++) {
      const r = await api.get(`${ids.m}/modules`)
      expect(r.status).toBe(429)
      expect(r.headers.get('retry-after')).toBe('2')
      expect(r.json.status.code).toBe(429)
    }
    expect((await api.get(`${ids.m}/modules`)).status).toBe(200)
    // Other methods and paths are not hit.
    await fault({ method: 'POST', path: '/2/0/**', status: 503 })
    expect((await api.get(`${ids.m}/modules`)).status).toBe(200)
  })

  it('applies to the auth service and supports an HTTP-date Retry-After', async () => {
    const date = new Date(Date.now() + 5000).toUTCString()
    await fault({ path: '/token/authenticate', status: 503, retryAfter: date })
    const res = await fetch(`${sim.authUrl}/token/authenticate`, {
      method: 'POST',
      headers: { Authorization: basic(ANALYST.email, ANALYST.password) },
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe(date)
    expect((await stats()).auth.authenticate).toBe(1)
  })

  it('adds latency and drops connections', async () => {
    await fault({ path: '/2/0/users/me', latencyMs: 150 })
    const t0 = performance.now()
    expect((await api.get('/users/me')).status).toBe(200)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140)

    await fault({ path: '/2/0/users/me', drop: true })
    await expect(api.get('/users/me')).rejects.toThrow()
    expect((await api.get('/users/me')).status).toBe(200)
  })

  it('afterHandler: the request is processed, then answered with the fault', async () => {
    await fault({ method: 'POST', path: '/2/0/workspaces/**/items', status: 502, afterHandler: true })
    const add = await api.post(`${ids.m}/lists/${ids.products.id}/items?action=add`, {
      items: [{ name: 'Doohickeys' }],
    })
    expect(add.status).toBe(502)
    const names = (await api.get(`${ids.m}/lists/${ids.products.id}/items`)).json.listItems.map(
      (i: Json) => i.name,
    )
    expect(names).toContain('Doohickeys')

    const tasks = `${ids.m}/exports/${ids.revenueExport.id}/tasks`
    await fault({ method: 'POST', path: '/2/0/**/tasks', drop: true, afterHandler: true })
    await expect(api.post(tasks, { localeName: 'en_US' })).rejects.toThrow()
    const list = (await api.get(tasks)).json.tasks
    expect(list).toHaveLength(1)
    await waitTask(api, `${tasks}/${list[0].taskId}`)
    const s = await stats()
    expect(s.mutations.taskStarts).toBe(1)
    expect(s.mutations.listWrites).toBe(1)
  })

  it('validates faults and clears them', async () => {
    expect((await fault({ path: 'no-slash', status: 500 })).status).toBe(400)
    expect((await fault({ path: '/x' })).status).toBe(400)
    await fault({ path: '/2/0/**', status: 500, count: 100 })
    expect((await api.get('/users/me')).status).toBe(500)
    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' })).status).toBe(204)
    expect((await api.get('/users/me')).status).toBe(200)
  })
})

describe('stats and reset', () => {
  it('counts routes, auth operations and mutations', async () => {
    await api.get('/users/me')
    await api.get('/users/me')
    await fetch(`${sim.authUrl}/token/validate`, { headers: { Authorization: 'AnaplanAuthToken nope' } })
    await api.post(`/models/${ids.salesId}/modules/${ids.revenueModule.id}/data`, [
      {
        lineItemName: 'Units',
        dimensions: [
          { dimensionName: 'Regions', itemName: 'EMEA' },
          { dimensionName: 'Products', itemName: 'Widgets' },
          { dimensionName: 'Time', itemName: 'Jan 26' },
          { dimensionName: 'Versions', itemName: 'Forecast' },
        ],
        value: 1,
      },
    ])
    const s = await stats()
    expect(s.routes['GET /2/0/users/me']).toBe(2)
    expect(s.routes['POST /token/authenticate']).toBe(1)
    expect(s.auth).toEqual({ authenticate: 1, refresh: 0, validate: 1, logout: 0 })
    expect(s.mutations.cellWrites).toBe(1)
    expect(Object.keys(s.routes).some((k) => k.startsWith('GET /__sim'))).toBe(false)
  })

  it('puts model, files, tokens, faults and counters back to the initial state', async () => {
    await api.post(`${ids.m}/lists/${ids.products.id}/items?action=add`, { items: [{ name: 'Doohickeys' }] })
    await api.post(`${ids.m}/files/${ids.loadActuals.importDataSourceId}`, { chunkCount: 1 })
    await api.putRaw(`${ids.m}/files/${ids.loadActuals.importDataSourceId}/chunks/0`, 'mine')
    await fault({ path: '/never/**', status: 500 })
    expect((await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).status).toBe(200)
    expect((await api.get('/users/me')).status).toBe(401)
    const fresh = client(sim, await login(sim))
    const names = (await fresh.get(`${ids.m}/lists/${ids.products.id}/items`)).json.listItems.map(
      (i: Json) => i.name,
    )
    expect(names).not.toContain('Doohickeys')
    expect((await fresh.get(`${ids.m}/files/${ids.loadActuals.importDataSourceId}`)).text).not.toBe('mine')
    const faults = (await (await fetch(`${sim.url}/__sim/faults`)).json()) as Json
    expect(faults.faults).toEqual([])
    const s = await stats()
    expect(s.auth.authenticate).toBe(1)
    expect(s.mutations).toEqual({ taskStarts: 0, cellWrites: 0, listWrites: 0 })
  })
})
