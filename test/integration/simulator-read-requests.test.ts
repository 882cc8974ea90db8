/**
 * View and list read requests (reference §6.2, §6.3) and the cell/item limits of plain reads that
 * send callers to them, on a simulator with 2-row pages and a low view-cell limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  type ApiResponse,
  type Client,
  client,
  demoIds,
  expectContract,
  login,
  startTestSimulator,
  VIEWER,
} from './simulator-helpers.ts'

let sim: RunningSimulator
let api: Client
let ids: Awaited<ReturnType<typeof demoIds>>

async function check(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiResponse> {
  const res = await api.call(method, path, body === undefined ? {} : { body })
  expectContract(method, `${sim.apiUrl}${path}`, res)
  return res
}

/** The simulator's clock: read requests release their pages as it advances, never by wall time. */
let clock = Date.now()

/** Reads a request's status after moving the clock by `advanceMs`. */
async function statusAfter(path: string, key: string, advanceMs: number): Promise<Record<string, unknown>> {
  clock += advanceMs
  return (await check('GET', path)).json[key]
}

/** Moves the clock past the request's time slice and returns the COMPLETE status. */
async function untilComplete(path: string, key: string): Promise<{ last: Record<string, unknown> }> {
  const last = await statusAfter(path, key, 1000)
  expect(last.requestState).toBe('COMPLETE')
  return { last }
}

beforeAll(async () => {
  sim = await startTestSimulator({ readRequestPageRows: 2, taskMs: 1000, maxViewCells: 40, now: () => clock })
  api = client(sim, await login(sim))
  ids = await demoIds(api)
})
afterAll(() => sim.close())

describe('list read requests', () => {
  it('create, poll (pages released while IN_PROGRESS), download every page, delete', async () => {
    const base = `${ids.m}/lists/${ids.products.id}/readRequests`
    const created = await check('POST', base)
    expect(created.status).toBe(200)
    const req = created.json.listReadRequest
    expect(req.requestId).toMatch(/^[0-9A-F]{32}$/)
    expect(['NOT_STARTED', 'IN_PROGRESS']).toContain(req.requestState)
    expect(req.url).toBe(`${sim.apiUrl}${base}/${req.requestId}`)

    // Products has four items: two pages of two rows, released over the 1000 ms time slice.
    const path = `${base}/${req.requestId}`
    const half = await statusAfter(path, 'listReadRequest', 500)
    expect(half).toMatchObject({ requestState: 'IN_PROGRESS', availablePages: 1, successful: false })
    expect((await api.get(`${path}/pages/0`)).status).toBe(200)
    expect((await api.get(`${path}/pages/1`)).status).toBe(404)
    const { last } = await untilComplete(path, 'listReadRequest')
    expect(last).toMatchObject({ listId: ids.products.id, successful: true, availablePages: 2 })
    const pages = last.availablePages as number
    const texts: string[] = []
    for (let n = 0; n < pages; n++) {
      const page = await api.get(`${base}/${req.requestId}/pages/${n}`)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/csv/)
      texts.push(page.text)
    }
    const header = 'id,name,code,parent,parentId,listId,listName'
    expect(texts.every((t) => t.startsWith(header))).toBe(true)
    expect(texts[0]!.split('\n')[0]).toMatch(/,Discontinued|,Category/)
    const rows = texts.flatMap((t) => t.trim().split('\n').slice(1))
    const plain = (await api.get(`${ids.m}/lists/${ids.products.id}/items`)).json.listItems
    expect(rows.map((r) => r.split(',')[1])).toEqual(plain.map((i: { name: string }) => i.name))
    expect((await api.get(`${base}/${req.requestId}/pages/${pages}`)).status).toBe(404)
    expect((await api.get(`${base}/${req.requestId}/pages/x`)).status).toBe(400)

    const deleted = await check('DELETE', `${base}/${req.requestId}`)
    expect(deleted.json.listReadRequest.requestState).toBe('COMPLETE')
    expect((await api.get(`${base}/${req.requestId}`)).status).toBe(404)
  })

  it('a request is the caller’s own, per list; deleting an unfinished one cancels it', async () => {
    const base = `${ids.m}/lists/${ids.products.id}/readRequests`
    const id = (await check('POST', base)).json.listReadRequest.requestId
    const viewer = client(sim, await login(sim, VIEWER))
    expect((await viewer.get(`${base}/${id}`)).status).toBe(404)
    expect((await api.get(`${ids.m}/lists/${ids.regions.id}/readRequests/${id}`)).status).toBe(404)
    expect((await api.get(`${ids.m}/views/${ids.products.id}/readRequests/${id}`)).status).toBe(404)
    const cancelled = await check('DELETE', `${base}/${id}`)
    expect(cancelled.json.listReadRequest).toMatchObject({ requestState: 'CANCELLED', availablePages: 0 })
    expect((await api.post(`${ids.m}/lists/101999999998/readRequests`)).status).toBe(404)
  })
})

describe('view read requests and the plain-read cell limit', () => {
  it('answers 400 past maxViewCells on a plain read, and serves the same view by a read request', async () => {
    const view = `${ids.m}/views/${ids.revenueByRegion.id}`
    const plain = await api.get(`${view}/data`)
    expect(plain.status).toBe(400)
    expect(plain.json.status.message).toBe(
      'The view has more than 40 cells: use a read request or page selectors',
    )
    const json = await api.get(`${view}/data?format=v1`, { Accept: 'application/json' })
    expect(json.status).toBe(400)

    const created = await check('POST', `${view}/readRequests`, { exportType: 'TABULAR_SINGLE_COLUMN' })
    const id = created.json.viewReadRequest.requestId
    const { last } = await untilComplete(`${view}/readRequests/${id}`, 'viewReadRequest')
    expect(last).toMatchObject({ viewId: Number(ids.revenueByRegion.id), successful: true })
    const count = last.availablePages as number
    // One row per cell of every page: far more than two rows, so many pages.
    expect(count).toBeGreaterThan(10)
    const last1 = await api.get(`${view}/readRequests/${id}/pages/${count - 1}`)
    expect(last1.text.split('\n')[0]).toBe('Products,Versions,Line Items,Regions,Time,Value')
    await check('DELETE', `${view}/readRequests/${id}`)
  })
})
