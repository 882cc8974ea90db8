import type { Server } from 'node:http'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDataFunction } from '../../src/functions/anaplan-data.ts'
import { createActionFunction } from '../../src/functions/run-anaplan-action.ts'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  SHARED_KEY,
  serveWithFramework,
  simEnv,
  simRuntime,
  simStats,
  startSim,
} from './functions-helpers.ts'

const WS = 'FP&A Demo'
const MODEL = 'Sales Forecast'

let sim: RunningSimulator
let actions: Server
let data: Server

beforeAll(async () => {
  sim = await startSim({ taskMs: 50 })
  // One runtime serves both functions, as one instance of `index.ts` would.
  const runtime = simRuntime(simEnv(sim, { FUNCTION_SHARED_KEY: SHARED_KEY }))
  actions = serveWithFramework('runAnaplanAction', createActionFunction(runtime))
  data = serveWithFramework('anaplanData', createDataFunction(runtime))
})
afterAll(async () => {
  await sim?.close()
})

const run = (body: unknown) =>
  request(actions)
    .post('/')
    .set('x-api-key', SHARED_KEY)
    .send(body as object)
const op = (name: string, body: unknown) =>
  request(data)
    .post(`/${name}`)
    .set('x-api-key', SHARED_KEY)
    .send(body as object)

describe('runAnaplanAction', () => {
  it('uploads an import file, runs the import and returns the failure dump', async () => {
    const csv = [
      'Region,Product,Month,Version,Units,Price',
      'EMEA,Widgets,Apr 26,Actual,111,25',
      'Atlantis,Widgets,Apr 26,Actual,5,25',
    ].join('\n')
    const res = await run({
      workspace: WS,
      model: MODEL,
      action: 'Load Actuals',
      type: 'import',
      file: { content: csv },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'COMPLETE', actionType: 'import', actionName: 'Load Actuals' })
    expect(res.body.result.failureDumpAvailable).toBe(true)
    expect(res.body.dumps[0].csv).toContain('Atlantis')
    const check = await op('readCells', {
      workspace: WS,
      model: MODEL,
      view: 'Units by Product',
      pages: { Regions: 'EMEA', Versions: 'Actual' },
      rows: ['Widgets'],
      columns: ['Apr 26'],
    })
    expect(check.body.cells).toEqual([{ row: ['Widgets'], column: ['Apr 26'], value: '111' }])
  })

  it('takes the import file as a raw CSV body with parameters in the query', async () => {
    const csv = 'Region,Product,Month,Version,Units,Price\nAPAC,Gizmos,May 26,Actual,77,60\n'
    const res = await request(actions)
      .post('/run')
      .query({ model: MODEL, action: 'Load Actuals', waitSeconds: 20 })
      .set('x-api-key', SHARED_KEY)
      .set('content-type', 'text/csv')
      .send(csv)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'COMPLETE', successful: true })
  })

  it('runs a process by name alone and an export straight to a download', async () => {
    const proc = await run({ model: MODEL, action: 'monthly refresh' })
    expect(proc.status).toBe(200)
    expect(proc.body).toMatchObject({
      actionType: 'process',
      actionName: 'Monthly Refresh',
      successful: true,
    })

    const exp = await run({ workspace: WS, model: MODEL, action: 'Revenue Export', download: true })
    expect(exp.status).toBe(200)
    expect(exp.headers['content-disposition']).toMatch(/^attachment; filename="/)
    expect(exp.text.split('\n')[0]).toMatch(/Revenue/)
    expect(exp.text.split('\n').length).toBeGreaterThan(10)
  })

  it('returns a download path for a completed export', async () => {
    const exp = await run({ model: MODEL, action: 'Revenue Export', type: 'export' })
    expect(exp.status).toBe(200)
    expect(exp.body.downloadPath).toMatch(/^\/files\//)
    const file = await request(actions).get(exp.body.downloadPath).set('x-api-key', SHARED_KEY)
    expect(file.status).toBe(200)
    expect(file.headers['content-disposition']).toContain('attachment')
    expect(file.text).toMatch(/Revenue/)
  })

  it('answers a long action with its task id at once, then reports it through the status route', async () => {
    const started = await run({ model: MODEL, action: 'Load Actuals', waitSeconds: 0 })
    expect(started.status).toBe(202)
    expect(started.body.taskId).toEqual(expect.any(String))
    expect(['NOT_STARTED', 'IN_PROGRESS']).toContain(started.body.status)
    let status = started
    for (let i = 0; i < 50 && status.status === 202; i++) {
      await new Promise((r) => setTimeout(r, 50))
      status = await request(actions).get(started.body.statusPath).set('x-api-key', SHARED_KEY)
    }
    expect(status.status).toBe(200)
    expect(status.body).toMatchObject({ taskId: started.body.taskId, status: 'COMPLETE', successful: true })
  })

  it('rejects bad input with 400 and a message naming the field', async () => {
    const noModel = await run({ action: 'Load Actuals' })
    expect(noModel.status).toBe(400)
    expect(noModel.body.error).toMatchObject({ code: 'invalid_input' })
    expect(noModel.body.error.message).toMatch(/model/)

    const badType = await run({ model: MODEL, action: 'x', type: 'macro' })
    expect(badType.status).toBe(400)
    expect(badType.body.error.message).toMatch(/type/)

    const extra = await run({ model: MODEL, action: 'x', wait: 3 })
    expect(extra.status).toBe(400)
    expect(extra.body.error.message).toMatch(/wait/)

    const fileForExport = await run({ model: MODEL, action: 'Revenue Export', file: { content: 'a,b' } })
    expect(fileForExport.status).toBe(400)
    expect(fileForExport.body.error.message).toMatch(/only for imports/)

    const notJson = await request(actions)
      .post('/')
      .set('x-api-key', SHARED_KEY)
      .set('content-type', 'application/json')
      .send('{"model":')
    // The Functions Framework's body parser refuses malformed JSON before the handler runs.
    expect(notJson.status).toBe(400)
  })

  it('answers an unknown action with 404 and close matches, without starting anything', async () => {
    const before = (await simStats(sim)).mutations.taskStarts
    const res = await run({ model: MODEL, action: 'Load Actual' })
    expect(res.status).toBe(404)
    expect(res.body.error.details.candidates).toEqual([expect.stringContaining('Load Actuals')])
    expect((await simStats(sim)).mutations.taskStarts).toBe(before)
  })

  it('refuses anonymous calls', async () => {
    const res = await request(actions).post('/').send({ model: MODEL, action: 'Load Actuals' })
    expect(res.status).toBe(401)
  })
})

describe('anaplanData', () => {
  it('lists models and views', async () => {
    const models = await op('listModels', { workspace: WS })
    expect(models.status).toBe(200)
    expect(models.body.models.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining(['Sales Forecast', 'Workforce Plan']),
    )
    const views = await request(data)
      .post('/')
      .set('x-api-key', SHARED_KEY)
      .send({ op: 'listViews', model: MODEL })
    expect(views.status).toBe(200)
    expect(views.body.views.map((v: { name: string }) => v.name)).toContainEqual(
      expect.stringContaining('Revenue by Region'),
    )
  })

  it('reads a view with page selectors', async () => {
    const res = await op('readView', {
      model: MODEL,
      view: 'Revenue by Region',
      pages: { Products: 'GAD', Versions: 'Actual' },
    })
    expect(res.status).toBe(200)
    const rows = res.body.data.rows as { rowCoordinates: string[]; cells: string[] }[]
    expect(rows.map((r) => r.rowCoordinates[0])).toEqual(expect.arrayContaining(['EMEA', 'APAC']))
    expect(res.body.data.columnCoordinates.length).toBeGreaterThan(12)
  })

  it('writes a cell and reads the recalculated result', async () => {
    const write = await op('writeCells', {
      model: MODEL,
      module: 'REV01 Revenue',
      cells: [
        {
          lineItemName: 'Units',
          dimensions: [
            { dimensionName: 'Regions', itemName: 'APAC' },
            { dimensionName: 'Products', itemName: 'Widgets' },
            { dimensionName: 'Time', itemName: 'Mar 26' },
            { dimensionName: 'Versions', itemName: 'Forecast' },
          ],
          value: 500,
        },
      ],
    })
    expect(write.status).toBe(200)
    expect(write.body.numberOfCellsChanged).toBe(1)
    const read = await op('readCells', {
      model: MODEL,
      view: 'Revenue by Region',
      pages: { Products: 'Widgets', Versions: 'Forecast' },
      rows: ['apac'],
      columns: ['Mar 26'],
    })
    expect(read.status).toBe(200)
    expect(read.body.cells).toHaveLength(1)
    expect(Number(read.body.cells[0].value)).toBe(12500)
  })

  it('adds, updates, lists and deletes list items', async () => {
    const add = await op('addListItems', {
      model: MODEL,
      list: 'Products',
      items: [{ name: 'Doohickeys', code: 'DOO', parent: 'All Products' }],
    })
    expect(add.status).toBe(200)
    expect(add.body.added).toBe(1)
    const update = await op('updateListItems', {
      model: MODEL,
      list: 'Products',
      items: [{ code: 'DOO', properties: { Category: 'Gadgetry' } }],
    })
    expect(update.status).toBe(200)
    expect(update.body.updated).toBe(1)
    const list = await op('listItems', { model: MODEL, list: 'Products', includeAll: true })
    const doo = (list.body.items as { name: string; properties?: Record<string, string> }[]).find(
      (i) => i.name === 'Doohickeys',
    )
    expect(doo?.properties?.Category).toBe('Gadgetry')
    const del = await op('deleteListItems', { model: MODEL, list: 'Products', items: [{ code: 'DOO' }] })
    expect(del.status).toBe(200)
    expect(del.body.deleted).toBe(1)
  })

  it('rejects bad input with 400 and the path of each problem', async () => {
    const noLineItem = await op('writeCells', {
      model: MODEL,
      module: 'REV01 Revenue',
      cells: [{ value: 1 }],
    })
    expect(noLineItem.status).toBe(400)
    expect(noLineItem.body.error.message).toMatch(/cells\.0.*lineItemId or lineItemName/)

    const noItems = await op('addListItems', { model: MODEL, list: 'Products', items: [] })
    expect(noItems.status).toBe(400)
    expect(noItems.body.error.message).toMatch(/items/)

    const noOp = await request(data).post('/').set('x-api-key', SHARED_KEY).send({ model: MODEL })
    expect(noOp.status).toBe(400)
    expect(noOp.body.error.message).toMatch(/op/)

    const unknown = await op('dropModel', { model: MODEL })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.details.operations).toContain('readView')

    const badPages = await op('readView', { model: MODEL, view: 'Revenue by Region', pages: ['Gadgets'] })
    expect(badPages.status).toBe(400)
    expect(badPages.body.error.message).toMatch(/pages/)
  })

  it('answers 404 for a model the user cannot see', async () => {
    const viewer = simRuntime(
      simEnv(sim, { ANAPLAN_USERNAME: 'viewer@example.com', ANAPLAN_PASSWORD: 'viewer-password' }),
    )
    const server = serveWithFramework('anaplanDataViewer', createDataFunction(viewer))
    const res = await request(server).post('/listViews').send({ workspace: WS, model: 'Workforce Plan' })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
  })
})

// A simulator of its own: importing the large file keeps its engine busy for a while.
describe('runAnaplanAction with a large file', () => {
  it('uploads a large file in chunks', async () => {
    const own = await startSim()
    const runtime = simRuntime(simEnv(own, { UPLOAD_CHUNK_BYTES: String(1024 * 1024) }))
    const server = serveWithFramework('runAnaplanActionChunks', createActionFunction(runtime))
    const row = 'EMEA,Widgets,Apr 26,Actual,111,25\n'
    const csv = `Region,Product,Month,Version,Units,Price\n${row.repeat(Math.ceil((2.5 * 1024 * 1024) / row.length))}`
    const putChunks = (stats: Awaited<ReturnType<typeof simStats>>) =>
      Object.entries(stats.routes)
        .filter(([route]) => route.startsWith('PUT ') && route.includes('chunks'))
        .reduce((n, [, count]) => n + count, 0)
    const before = putChunks(await simStats(own))
    const res = await request(server)
      .post('/')
      .query({ model: MODEL, action: 'Load Actuals', waitSeconds: 0 })
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(csv))
    expect(res.status).toBe(202)
    expect(putChunks(await simStats(own)) - before).toBe(3)
    await own.close()
  })
})
