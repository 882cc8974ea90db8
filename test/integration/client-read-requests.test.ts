import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AnaplanClient,
  BadRequestError,
  type ModelScope,
  ReadLimitError,
  type ReadRequest,
  TimeoutError,
} from '../../src/anaplan/index.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { formatProblems, loadAnaplanOpenApi, recordingFetch } from '../support/openapi.ts'

// Client ↔ simulator: large reads through view and list read requests, with pages of 20 rows that
// the simulator releases over 150 ms of ITS clock, and a plain-read limit of 100 cells so the demo
// model's REV01 default view (75 rows × 17 periods per version) is "too large". The simulator's
// clock only moves when a test says so (`tick` on each status read), so what the client sees while
// a request is IN_PROGRESS does not depend on how loaded the machine is.
let clock = Date.now()
const tick = () => {
  clock += 40
}
let sim: RunningSimulator
let client: AnaplanClient
let model: ModelScope
const rec = recordingFetch()

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    taskMs: 150,
    readRequestPageRows: 20,
    maxViewCells: 100,
    now: () => clock,
  })
  client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    fetch: rec.fetch,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
  })
  model = await client.model({ model: 'Sales Forecast' })
})

afterAll(async () => {
  await client?.close()
  await sim?.close()
})

async function routeCount(route: string): Promise<number> {
  const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { routes: Record<string, number> }
  return stats.routes[route] ?? 0
}
const VIEW_RR = '/2/0/workspaces/:workspaceId/models/:modelId/views/:viewId/readRequests'
const LIST_RR = '/2/0/workspaces/:workspaceId/models/:modelId/lists/:listId/readRequests'

async function collect(iter: AsyncIterable<string>): Promise<string[]> {
  const pages: string[] = []
  for await (const p of iter) pages.push(p)
  return pages
}

describe('large view reads', () => {
  it('a plain read over the limit throws ReadLimitError that points at readViewLarge', async () => {
    const err = await model.readView('REV01 Revenue').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ReadLimitError)
    expect(err).toBeInstanceOf(BadRequestError)
    expect((err as ReadLimitError).useInstead).toBe('readViewLarge')
    expect((err as Error).message).toMatch(/more than 100 cells.*use readViewLarge\(\)/)
    await expect(model.readViewCsv('REV01 Revenue')).rejects.toBeInstanceOf(ReadLimitError)
    // A view under the limit still reads plainly.
    expect((await model.readView('Revenue by Region')).rows.length).toBe(5)
  })

  it('streams every page of the view as one CSV whose values match a plain read', async () => {
    const deletes = await routeCount(`DELETE ${VIEW_RR}/:requestId`)
    const states: string[] = []
    const pages = await collect(
      model.readViewLarge('REV01 Revenue', {
        intervalMs: 10,
        onProgress: (r) => {
          states.push(`${r.requestState}:${r.availablePages}`)
          tick()
        },
      }),
    )
    expect(pages.length).toBe(Math.ceil((3 * 75) / 20))
    // 12 pages released over 150 ms, 40 ms a status read: 0, 3, 6, 9 pages, then all of them.
    expect(states).toEqual([
      'IN_PROGRESS:0',
      'IN_PROGRESS:3',
      'IN_PROGRESS:6',
      'IN_PROGRESS:9',
      'COMPLETE:12',
    ])
    const rows = parse(pages.join('')) as string[][]
    const [header, ...data] = rows
    expect(header!.slice(0, 5)).toEqual(['Versions', 'Regions', 'Products', 'Line Items', 'Jan 26'])
    expect(data).toHaveLength(3 * 75)
    expect(data.filter((r) => r[0] === 'Versions')).toEqual([])

    const plain = await model.readView('Revenue by Region', { Products: 'Widgets', Versions: 'Actual' })
    const jan = plain.columnCoordinates.findIndex((c) => c.includes('Jan 26'))
    const emea = plain.rows.find((r) => r.rowCoordinates.includes('EMEA'))!.cells[jan]
    const large = data.find((r) => r.slice(0, 4).join('|') === 'Actual|EMEA|Widgets|Revenue')
    expect(large?.[4]).toBe(emea)
    expect(await routeCount(`DELETE ${VIEW_RR}/:requestId`)).toBe(deletes + 1)
  })

  it('TABULAR_SINGLE_COLUMN: one row per cell', async () => {
    const pages = await collect(
      model.readViewLarge('Revenue by Region', {
        exportType: 'TABULAR_SINGLE_COLUMN',
        intervalMs: 10,
        onProgress: tick,
      }),
    )
    const [header, ...data] = parse(pages.join('')) as string[][]
    expect(header).toEqual(['Products', 'Versions', 'Line Items', 'Regions', 'Time', 'Value'])
    expect(data).toHaveLength(5 * 3 * 5 * 17)
  })

  it('deletes the request when the consumer stops early or the deadline passes', async () => {
    let last: ReadRequest | undefined
    for await (const page of model.readViewLarge('REV01 Revenue', {
      intervalMs: 10,
      onProgress: (r) => {
        last = r
        tick()
      },
    })) {
      expect(page.startsWith('Versions,')).toBe(true)
      break
    }
    const status = await fetchStatus('views', last!)
    expect(status).toBe(404)

    // The simulator's clock stands still: the request stays IN_PROGRESS until the deadline.
    const late = await collect(
      model.readViewLarge('REV01 Revenue', {
        intervalMs: 10,
        deadline: Date.now() + 40,
        onProgress: (r) => {
          last = r
        },
      }),
    ).catch((e: unknown) => e)
    expect(late).toBeInstanceOf(TimeoutError)
    expect(await fetchStatus('views', last!)).toBe(404)
  })
})

describe('large list reads', () => {
  it('streams a list with subsets and properties, in several pages, matching listItems', async () => {
    await model.addListItems(
      'Channels',
      Array.from({ length: 45 }, (_, i) => ({ name: `Reseller ${i + 1}`, code: `RS${i + 1}` })),
    )
    const deletes = await routeCount(`DELETE ${LIST_RR}/:requestId`)
    const pages = await collect(model.readListLarge('Channels', { intervalMs: 10, onProgress: tick }))
    expect(pages.length).toBe(3)
    const [header, ...data] = parse(pages.join('')) as string[][]
    expect(header!.slice(0, 7)).toEqual(['id', 'name', 'code', 'parent', 'parentId', 'listId', 'listName'])
    const items = await model.listItems('Channels')
    expect(data.map((r) => r[1])).toEqual(items.map((i) => i.name))
    expect(data.map((r) => r[0])).toEqual(items.map((i) => i.id))
    expect(await routeCount(`DELETE ${LIST_RR}/:requestId`)).toBe(deletes + 1)

    const products = parse(
      (await collect(model.readListLarge('Products', { intervalMs: 10, onProgress: tick }))).join(''),
      {
        columns: true,
      },
    ) as Record<string, string>[]
    expect(products.find((p) => p.name === 'Sprockets')).toMatchObject({ Discontinued: 'true' })
  })
})

describe('contract', () => {
  it('sent only requests the OpenAPI description (or its documented exceptions) allows', () => {
    const api = loadAnaplanOpenApi()
    const rr = rec.calls.filter((c) => c.url.includes('/readRequests'))
    expect(rr.map((c) => c.method)).toEqual(expect.arrayContaining(['POST', 'GET', 'DELETE']))
    const problems = rr.flatMap((c) =>
      api
        .validateRequest(c)
        .map((p) => ({ ...p, where: `${c.method} ${new URL(c.url).pathname}: ${p.where}` })),
    )
    expect(formatProblems(problems)).toBe('')
  })
})

/** The read request's status straight from the simulator (404 once it was deleted). */
async function fetchStatus(kind: 'views' | 'lists', r: ReadRequest): Promise<number> {
  const value = await client.tokens.getToken()
  const id = kind === 'views' ? r.viewId : r.listId
  const res = await fetch(
    `${sim.apiUrl}/workspaces/${model.workspaceId}/models/${model.modelId}/${kind}/${id}/readRequests/${r.requestId}`,
    { headers: { Authorization: `AnaplanAuthToken ${value}` } },
  )
  return res.status
}
