/**
 * Issue 13, simulator fidelity round two: what third-party clients hit. Every response is checked
 * against the Anaplan OpenAPI description; counter names against Anaplan Connect's recorded task
 * results (shapes copied into the assertions, not their files).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  type ApiResponse,
  type Client,
  client,
  demoIds,
  expectContract,
  type Json,
  login,
  startTestSimulator,
  VIEWER,
  waitTask,
} from './simulator-helpers.ts'

let sim: RunningSimulator
let api: Client
let viewer: Client
let ids: Awaited<ReturnType<typeof demoIds>>
let retail: string

async function check(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  as: Client = api,
): Promise<ApiResponse> {
  const res = await as.call(method, path, body === undefined ? {} : { body })
  // The description documents these 400s in prose only: check the error envelope instead.
  if (res.status === 400) {
    expect(res.json).toMatchObject({ status: { code: 400 }, path: new URL(`${sim.apiUrl}${path}`).pathname })
    expect(typeof res.json.status.message).toBe('string')
  } else expectContract(method, `${sim.apiUrl}${path}`, res)
  return res
}

const byName = (xs: Json[], name: string): Json => xs.find((x) => x.name === name)

beforeAll(async () => {
  sim = await startTestSimulator()
  api = client(sim, await login(sim))
  viewer = client(sim, await login(sim, VIEWER))
  ids = await demoIds(api)
  const models = (await api.get(`/workspaces/${ids.workspaceId}/models`)).json.models
  retail = `/workspaces/${ids.workspaceId}/models/${byName(models, 'Retail Demand').id}`
})
afterAll(() => sim.close())

describe('1. boolean query flags', () => {
  it('accept true and false in any case, and answer 400 to anything else', async () => {
    for (const v of ['true', 'True', 'TRUE']) {
      const ws = (await check('GET', `/workspaces?tenantDetails=${v}`)).json.workspaces[0]
      expect(typeof ws.sizeAllowance).toBe('number')
      expect(typeof ws.currentSize).toBe('number')
    }
    expect((await check('GET', '/workspaces?tenantDetails=False')).json.workspaces[0]).not.toHaveProperty(
      'sizeAllowance',
    )
    const model = (await check('GET', `/models/${ids.salesId}?modelDetails=True`)).json.model
    expect(model).toHaveProperty('memoryUsage')
    const full = await check('GET', `${ids.m}/lineItems?includeAll=True`)
    expect(full.json.items[0]).toHaveProperty('formatMetadata')
    // What a number counts, as Anaplan's formatMetadata.unitsType says it: money or plain.
    const units = (name: string) =>
      full.json.items.find((li: { name: string }) => li.name === name)?.formatMetadata?.unitsType
    expect([units('Revenue'), units('Units')]).toEqual(['CURRENCY', 'NONE'])
    const subsidiary = await check('GET', `${ids.m}/views?includesubsidiaryviews=TRUE`)
    expect(subsidiary.status).toBe(200)
    for (const path of [
      '/workspaces?tenantDetails=yes',
      '/models?modelDetails=1',
      `${ids.m}/lineItems?includeAll=maybe`,
      `${ids.m}/views?includesubsidiaryviews=`,
      `${ids.m}/lists/${ids.products.id}/items?includeAll=on`,
    ]) {
      const res = await check('GET', path)
      expect(res.status, path).toBe(400)
      expect(res.json.status.message).toMatch(/expected true or false/)
    }
  })
})

describe('2. endpoints that answered 404', () => {
  it('PUT modelCalendar/fiscalYear sets the year (GET is 405, out of range is 400, viewers 403)', async () => {
    const path = `/models/${ids.salesId}/modelCalendar/fiscalYear`
    const res = await check('PUT', path, { year: 'FY26' })
    expect(res.status).toBe(200)
    expect(res.json.modelCalendar.fiscalYear).toEqual({
      year: 'FY26',
      startDate: '2026-01-01',
      endDate: '2026-12-31',
    })
    expect(
      (await check('GET', `/models/${ids.salesId}/modelCalendar`)).json.modelCalendar.fiscalYear.year,
    ).toBe('FY26')
    expect((await api.get(path)).status).toBe(405)
    const out = await check('PUT', path, { year: 'FY40' })
    expect(out.status).toBe(400)
    expect(out.json.status.message).toBe('Specified year is out of range: 2040')
    expect((await check('PUT', path, {})).status).toBe(400)
    expect((await viewer.put(path, { year: 'FY26' })).status).toBe(403)
  })

  it('PUT versions/{id}/switchover sets and resets a forecast version; 400 on bad dates', async () => {
    const versions = (await check('GET', `/models/${ids.salesId}/versions`)).json.versionMetadata
    const forecast = byName(versions, 'Forecast')
    const actual = byName(versions, 'Actual')
    const path = (v: Json) => `/models/${ids.salesId}/versions/${v.id}/switchover`
    const set = await check('PUT', path(forecast), { date: '2026-06-15' })
    expect(set.status).toBe(200)
    expect(set.json.versionSwitchover).toEqual({
      periodText: 'Jun 26',
      date: '2026-06-01',
      calendarType: 'Calendar Months/Quarters/Years',
    })
    const listed = byName(
      (await check('GET', `/models/${ids.salesId}/versions`)).json.versionMetadata,
      'Forecast',
    )
    expect(listed.switchover).toEqual({ periodText: 'Jun 26', date: '2026-06-01' })
    for (const [v, date] of [
      [forecast, '2026-03-01'], // earlier than the current switchover
      [forecast, '2031-01-01'], // outside the timescale
      [forecast, '15/06/2026'],
      [actual, '2026-07-01'], // the actual version has no switchover
    ] as const) {
      const bad = await check('PUT', path(v), { date })
      expect(bad.status, date).toBe(400)
    }
    expect((await check('PUT', path(forecast), { date: '' })).json.versionSwitchover.periodText).toBe('')
    expect((await viewer.put(path(forecast), { date: '2026-08-01' })).status).toBe(403)
  })

  it('POST lists/{id}/resetIndex: 400 while the list holds items, 200 with no body once empty', async () => {
    const lists = (await api.get(`${retail}/lists`)).json.lists
    const promotions = byName(lists, 'Promotions')
    const path = `${retail}/lists/${promotions.id}/resetIndex`
    const full = await check('POST', path)
    expect(full.status).toBe(400)
    expect(full.json.status.message).toMatch(
      /^We can't reset the list item index of a list that contains data/,
    )
    const items = (await api.get(`${retail}/lists/${promotions.id}/items`)).json.listItems as Json[]
    expect(items.map((i) => i.name)).toEqual(['#1', '#2', '#3'])
    const del = await check('POST', `${retail}/lists/${promotions.id}/items?action=delete`, {
      items: [...items.map((i) => ({ id: i.id })), { code: 'NOPE' }],
    })
    // 5. the delete response carries ignored and total
    expect(del.json).toMatchObject({ deleted: 3, ignored: 1, total: 4 })
    const reset = await api.post(path)
    expect(reset.status).toBe(200)
    expect(reset.text).toBe('')
    // The numbering starts again at #1.
    const added = await check('POST', `${retail}/lists/${promotions.id}/items?action=add`, {
      items: [{ code: 'P010', properties: { Title: 'Autumn Trail Days' } }],
    })
    expect(added.json).toMatchObject({ added: 1, total: 1 })
    const after = (await api.get(`${retail}/lists/${promotions.id}/items`)).json.listItems
    expect(after.map((i: Json) => [i.name, i.code])).toEqual([['#1', 'P010']])
    const named = await check('POST', `${retail}/lists/${promotions.id}/items?action=add`, {
      items: [{ name: 'Named', code: 'P011' }],
    })
    expect(named.json.failures[0].failureType).toBe('INCORRECT_FORMAT')
    expect((await viewer.post(path)).status).toBe(403)
  })

  it('optimizer actions are listed as OPTIMIZER, run in a process, and leave a solution log', async () => {
    const action = byName((await check('GET', `${retail}/actions`)).json.actions, 'Optimise Store Mix')
    expect(action.actionType).toBe('OPTIMIZER')
    const process = byName((await check('GET', `${retail}/processes`)).json.processes, 'Weekly Optimisation')
    const meta = await check('GET', `${retail}/processes/${process.id}`)
    expect(meta.json.processMetadata.actions[0]).toMatchObject({ id: action.id, actionType: 'OPTIMIZER' })
    const started = await check('POST', `${retail}/processes/${process.id}/tasks`, { localeName: 'en_US' })
    const taskId = started.json.task.taskId
    const task = await waitTask(api, `${retail}/processes/${process.id}/tasks/${taskId}`)
    expect(task.result.successful).toBe(true)
    expect(task.result.nestedResults[0].details[0].values).toEqual([
      'status',
      'OPTIMAL',
      'objective',
      '125000',
    ])
    const logPath = `${retail}/optimizeActions/${action.id}/tasks/${taskId}/solutionLogs`
    const log = await api.get(logPath)
    expect(log.status).toBe(200)
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(log.text).toContain('Best objective 125000')
    // A process id in place of the action id, or an unknown task: 404; below admin: 403.
    expect(
      (await api.get(`${retail}/optimizeActions/${process.id}/tasks/${taskId}/solutionLogs`)).status,
    ).toBe(404)
    expect(
      (await api.get(`${retail}/optimizeActions/${action.id}/tasks/${'0'.repeat(32)}/solutionLogs`)).status,
    ).toBe(404)
    expect((await viewer.get(logPath)).status).toBe(403)
  })

  it('/__sim/stats counts the new routes', async () => {
    const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as Json
    const routes = Object.keys(stats.routes)
    for (const r of [
      'PUT /2/0/models/:modelId/modelCalendar/fiscalYear',
      'PUT /2/0/models/:modelId/versions/:versionId/switchover',
      'POST /2/0/workspaces/:workspaceId/models/:modelId/lists/:listId/resetIndex',
      'GET /2/0/workspaces/:workspaceId/models/:modelId/optimizeActions/:actionId/tasks/:correlationId/solutionLogs',
    ]) {
      expect(routes, r).toContain(r)
    }
  })
  it('POST bulkDeleteModels deletes closed models and reports the others', async () => {
    const path = `/workspaces/${ids.workspaceId}/bulkDeleteModels`
    const open = await check('POST', path, { modelIdsToDelete: [ids.workforceId, 'F'.repeat(32)] })
    expect(open.status).toBe(200)
    expect(open.json.modelsDeleted).toBe(0)
    expect(open.json.bulkDeleteModelsFailures).toEqual([
      { modelId: ids.workforceId, message: 'Model is open. Please close the model before trying again.' },
      { modelId: 'F'.repeat(32), message: 'Model ID does not exist.' },
    ])
    expect((await check('POST', path, {})).status).toBe(400)
    expect((await viewer.post(path, { modelIdsToDelete: [ids.workforceId] })).status).toBe(403)
    expect((await api.post(`/models/${ids.workforceId}/close`)).status).toBe(204)
    // A closed model, and an archived one (offline, so not open either).
    const done = await check('POST', path, { modelIdsToDelete: [ids.workforceId, ids.budgetId] })
    expect(done.json).toMatchObject({ modelsDeleted: 2 })
    expect(done.json).not.toHaveProperty('bulkDeleteModelsFailures')
    expect((await api.get(`/models/${ids.workforceId}`)).status).toBe(404)
    await sim.reset()
    api = client(sim, await login(sim))
    viewer = client(sim, await login(sim, VIEWER))
  })
})

describe('3. task result counters and timestamps', () => {
  it("a list import's counters are Anaplan Connect's, in its order", async () => {
    const path = `${ids.m}/imports/${ids.loadProducts.id}/tasks`
    const started = await check('POST', path, { localeName: 'en_US' })
    const task = await waitTask(api, `${path}/${started.json.task.taskId}`)
    const detail = task.result.details[0]
    expect(detail.type).toBe('hierarchyRowsProcessed')
    const keys = (detail.values as string[]).filter((_, i) => i % 2 === 0)
    // biome-ignore format: the recorded order
    expect(keys).toEqual(['hierarchyName', 'successRowCount', 'successCreateCount', 'successUpdateCount',
      'warningsRowCount', 'warningsCreateCount', 'warningsUpdateCount', 'failedCount', 'ignoredCount',
      'totalRowCount', 'totalCreateCount', 'totalUpdateCount', 'invalidCount', 'updatedCount', 'renamedCount',
      'createdCount'])
    expect(detail.localMessageText).toMatch(/^Products: \d+ \(\d+\/\d+\) rows successful, \d+ ignored $/)
  })

  it('lastLoginDate ends in +0000', async () => {
    expect((await check('GET', '/users/me')).json.user.lastLoginDate).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/,
    )
  })
})

describe('4. NO ACCESS models', () => {
  it("are listed in their workspace's models but masked with 404 on their own endpoints", async () => {
    const inWs = (await check('GET', `/workspaces/${ids.workspaceId}/models`, undefined, viewer)).json.models
    expect(inWs.map((m: Json) => m.name)).toContain('Workforce Plan')
    expect((await viewer.get(`/models/${ids.workforceId}/modules`)).status).toBe(404)
    expect((await viewer.get(`/models/${ids.workforceId}`)).status).toBe(200)
  })
})

describe('6. model file: header-less imports, CA certificates', () => {
  it('imports a file without a header row by column number', async () => {
    const imports = (await check('GET', `${retail}/imports`)).json.imports
    const imp = byName(imports, 'Load Units Without Header')
    const meta = (await check('GET', `${retail}/imports/${imp.id}`)).json.importMetadata
    expect(meta.source).toMatchObject({ headerRow: 0, firstDataRow: 1 })
    const started = await check('POST', `${retail}/imports/${imp.id}/tasks`, { localeName: 'en_US' })
    const task = await waitTask(api, `${retail}/imports/${imp.id}/tasks/${started.json.task.taskId}`)
    expect(task.result.successful).toBe(true)
    expect(task.result.details[0].values.slice(0, 4)).toEqual([
      'moduleName',
      'RD01 Demand',
      'successRowCount',
      '2',
    ])
  })
})
