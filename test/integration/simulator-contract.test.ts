/**
 * Contract tests: every simulator response the project uses is checked against the Anaplan OpenAPI
 * description (status and body), plus the documented quirks the spec cannot express.
 */
import { gzipSync } from 'node:zlib'
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
  waitTask,
} from './simulator-helpers.ts'

let sim: RunningSimulator
let api: Client
let viewer: Client
let ids: Awaited<ReturnType<typeof demoIds>>

/** Calls the API and validates the response against the spec. */
async function check(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  init: { body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {},
  as: Client = api,
): Promise<ApiResponse> {
  const res = await as.call(method, path, init)
  expectContract(method, `${sim.apiUrl}${path}`, res)
  return res
}

beforeAll(async () => {
  sim = await startTestSimulator()
  api = client(sim, await login(sim))
  viewer = client(sim, await login(sim, VIEWER))
  ids = await demoIds(api)
})
afterAll(() => sim.close())

describe('users, workspaces, models', () => {
  it('GET /users/me, /users, /users/{id}', async () => {
    const me = await check('GET', '/users/me')
    expect(me.status).toBe(200)
    expect(me.json.user.email).toBe('analyst@example.com')
    expect(me.json.user.id).toMatch(/^[0-9a-f]{32}$/)
    const users = await check('GET', '/users?sort=%2BfirstName')
    expect(users.json.users.length).toBeGreaterThanOrEqual(2)
    expect((await check('GET', `/users/${me.json.user.id}`)).json.user.email).toBe('analyst@example.com')
  })

  it('GET /workspaces (tenantDetails), /workspaces/{ws}; 404 for non-admins', async () => {
    const list = await check('GET', '/workspaces?tenantDetails=true')
    const ws = list.json.workspaces.find((w: { name: string }) => w.name === 'FP&A Demo')
    expect(ws.id).toMatch(/^[0-9a-f]{32}$/)
    expect(typeof ws.sizeAllowance).toBe('number')
    expect((await check('GET', '/workspaces')).json.workspaces[0]).not.toHaveProperty('sizeAllowance')
    expect((await check('GET', `/workspaces/${ids.workspaceId}`)).json.workspace.name).toBe('FP&A Demo')
    expect((await viewer.get(`/workspaces/${ids.workspaceId}`)).status).toBe(404)
  })

  it('GET /workspaces/{ws}/admins and /visitors', async () => {
    const admins = await check('GET', `/workspaces/${ids.workspaceId}/admins`)
    expect(admins.json.admins.map((u: { email: string }) => u.email)).toEqual(['analyst@example.com'])
    const visitors = await check('GET', `/workspaces/${ids.workspaceId}/visitors`)
    expect(visitors.json.visitors.map((u: { email: string }) => u.email)).toEqual(['viewer@example.com'])
    expect((await viewer.get(`/workspaces/${ids.workspaceId}/admins`)).status).toBe(404)
  })

  it('GET /models, /workspaces/{ws}/models, /models/{m}; strict sort validation', async () => {
    const all = await check('GET', '/models?modelDetails=true')
    expect(all.json.models.map((m: { name: string }) => m.name).sort()).toEqual([
      'Budget 2024',
      'Retail Demand',
      'Sales Forecast',
      'Workforce Plan',
    ])
    expect(ids.salesId).toMatch(/^[0-9A-F]{32}$/)
    const inWs = await check('GET', `/workspaces/${ids.workspaceId}/models?sort=-name`)
    expect(inWs.json.models.map((m: { name: string }) => m.name)).toEqual([
      'Workforce Plan',
      'Sales Forecast',
      'Retail Demand',
      'Budget 2024',
    ])
    const one = await check('GET', `/models/${ids.salesId}`)
    expect(one.json.model.activeState).toBe('UNLOCKED')
    expect(one.json.model.currentWorkspaceId).toBe(ids.workspaceId)
    const budget = await check('GET', `/models/${ids.budgetId}`)
    expect(budget.json.model.activeState).toBe('ARCHIVED')
    const badSort = await api.get('/models?sort=name')
    expect(badSort.status).toBe(400)
    expect(badSort.json.status.message).toMatch(/^Bad sort order format: 'name'/)
    expect((await api.get('/models?sort=%2Bbogus')).json.status.message).toBe(
      'Failed to parse sort parameter',
    )
  })

  it('masks NO ACCESS as 404 on model data but not on GET /models/{m}', async () => {
    const listed = (await viewer.get('/models')).json.models.map((m: { name: string }) => m.name)
    expect(listed).not.toContain('Workforce Plan')
    expect((await viewer.get(`/models/${ids.workforceId}`)).status).toBe(200)
    const masked = await viewer.get(`/models/${ids.workforceId}/modules`)
    expect(masked.status).toBe(404)
    expect(masked.json).toMatchObject({ status: { code: 404, message: 'Not Found' } })
    expect(masked.json.path).toBe(`/2/0/models/${ids.workforceId}/modules`)
    const tasks = await viewer.get(
      `/workspaces/${ids.workspaceId}/models/${ids.workforceId}/imports/112000000000/tasks`,
    )
    expect(tasks.status).toBe(200)
    expect(tasks.json).not.toHaveProperty('tasks')
  })

  it('answers 422 Model archived on archived model data, 405 and 404 like Anaplan', async () => {
    const archived = await api.get(`/models/${ids.budgetId}/modules`)
    expect(archived.status).toBe(422)
    expect(archived.json.status.message).toBe('Model archived')
    const wsModel = await api.get(`/workspaces/${ids.workspaceId}/models/${ids.salesId}`)
    expect(wsModel.status).toBe(405)
    expect(wsModel.json.status.message).toBe('Method Not Allowed')
    const getData = await api.get(`/models/${ids.salesId}/modules/${ids.revenueModule.id}/data`)
    expect(getData.status).toBe(405)
    const unknown = await api.get('/no/such/route')
    expect(unknown.status).toBe(404)
    expect(unknown.json.status.code).toBe(404)
    expect((await api.get(`/models/${'0'.repeat(32)}/modules`)).status).toBe(404)
  })

  it('model status: bare GET, enveloped POST; close and open', async () => {
    const status = await check('GET', `/models/${ids.salesId}/status`)
    expect(status.json).not.toHaveProperty('meta')
    expect(status.json.requestStatus.progress).toBe(-1)
    expect(status.json.requestStatus.taskId).toBeNull()
    const posted = await api.post(`${ids.m}/status`)
    expect(posted.json.status.code).toBe(200)
    expect(posted.json.requestStatus.currentStep).toBe('Open')
    expect((await check('POST', `/models/${ids.salesId}/close`)).status).toBe(204)
    expect((await api.get(`/models/${ids.salesId}/status`)).json.requestStatus.currentStep).toBe('Closed')
    expect((await check('POST', `/models/${ids.salesId}/open`)).status).toBe(202)
    expect((await api.get(`/models/${ids.salesId}/status`)).json.requestStatus.currentStep).toBe('Open')
    expect((await viewer.post(`/models/${ids.salesId}/close`)).status).toBe(403)
  })
})

describe('model objects and files', () => {
  it('lists imports, exports, processes, actions and their metadata in both path forms', async () => {
    for (const prefix of [`/models/${ids.salesId}`, ids.m]) {
      const imports = await check('GET', `${prefix}/imports`)
      expect(imports.json.imports.some((i: { id: string }) => /^112\d{9}$/.test(i.id))).toBe(true)
      expect((await check('GET', `${prefix}/exports`)).json.exports.length).toBeGreaterThan(0)
      expect((await check('GET', `${prefix}/processes`)).json.processes[0].id).toMatch(/^118\d{9}$/)
      expect((await check('GET', `${prefix}/actions`)).json.actions[0].id).toMatch(/^117\d{9}$/)
    }
    const trailing = await api.get(`${ids.m}/imports/`)
    expect(trailing.status).toBe(200)
    expect((await check('GET', `${ids.m}/imports/${ids.loadActuals.id}`)).json.importMetadata).toBeTruthy()
    expect((await check('GET', `${ids.m}/exports/${ids.revenueExport.id}`)).json.exportMetadata).toBeTruthy()
    const process = await check('GET', `${ids.m}/processes/${ids.monthlyRefresh.id}`)
    expect(process.json.processMetadata.actions.map((a: { name: string }) => a.name)).toEqual([
      'Load Actuals',
      'Revenue Export',
    ])
  })

  it('uploads in chunks (raw and gzip, 204 with no body), completes, lists and downloads', async () => {
    const fileId = ids.loadActuals.importDataSourceId
    const files = await check('GET', `${ids.m}/files`)
    const file = files.json.files.find((f: { id: string }) => f.id === fileId)
    expect(file.name).toBe('actuals.csv')
    expect(files.json.files.some((f: { id: string }) => f.id === ids.revenueExport.id)).toBe(true)

    const set = await check('POST', `${ids.m}/files/${fileId}`, { body: { chunkCount: -1 } })
    expect(set.json.file.id).toBe(fileId)
    const first = await api.putRaw(
      `${ids.m}/files/${fileId}/chunks/0`,
      'Region,Product,Month,Version,Units,Price\n',
    )
    expect(first.status).toBe(204)
    expect(first.text).toBe('')
    expect(first.headers.get('content-type')).toBeNull()
    const gz = await api.putRaw(
      `${ids.m}/files/${fileId}/chunks/1`,
      new Uint8Array(gzipSync('EMEA,Widgets,Apr 26,Actual,1,2\n')),
      { 'Content-Type': 'application/x-gzip' },
    )
    expect(gz.status).toBe(204)
    const done = await check('POST', `${ids.m}/files/${fileId}/complete`, { body: { id: fileId } })
    expect(done.json.file.chunkCount).toBe(2)
    const chunks = await check('GET', `${ids.m}/files/${fileId}/chunks`)
    expect(chunks.json.chunks).toEqual([
      { id: '0', name: 'Chunk 0' },
      { id: '1', name: 'Chunk 1' },
    ])
    const chunk1 = await api.get(`${ids.m}/files/${fileId}/chunks/1`)
    expect(chunk1.text).toBe('EMEA,Widgets,Apr 26,Actual,1,2\n')
    const whole = await api.get(`${ids.m}/files/${fileId}`)
    expect(whole.headers.get('content-type')).toBe('application/octet-stream')
    expect(whole.text).toBe('Region,Product,Month,Version,Units,Price\nEMEA,Widgets,Apr 26,Actual,1,2\n')

    // Per user: the viewer still sees the file's default content, not the analyst's upload.
    const theirs = await viewer.get(`${ids.m}/files/${fileId}`)
    expect(theirs.status).toBe(200)
    expect(theirs.text).not.toContain('Apr 26')

    expect((await check('DELETE', `${ids.m}/files/${fileId}`)).status).toBe(204)
    expect((await api.get(`${ids.m}/files/${fileId}`)).text).not.toContain('Apr 26')
  })

  it('answers 404 for the whole-file GET of an empty file and a missing chunk', async () => {
    const empty = await api.get(`${ids.m}/files/${ids.revenueExport.id}`)
    expect(empty.status).toBe(404)
    expect((await api.get(`${ids.m}/files/${ids.revenueExport.id}/chunks`)).json).not.toHaveProperty('chunks')
    expect((await api.get(`${ids.m}/files/113999999999/chunks/0`)).status).toBe(404)
  })

  it('creates a private file for an unknown id and uploads a whole file with PUT', async () => {
    const created = await api.post(`${ids.m}/files/my-upload.csv`, { chunkCount: 1 })
    expect(created.status).toBe(200)
    const id = created.json.file.id
    expect(id).toMatch(/^113\d{9}$/)
    expect((await api.putRaw(`${ids.m}/files/${id}`, 'a,b\n1,2\n')).status).toBe(204)
    expect((await api.get(`${ids.m}/files/${id}`)).text).toBe('a,b\n1,2\n')
    const seenByViewer = (await viewer.get(`${ids.m}/files`)).json.files.map((f: { id: string }) => f.id)
    expect(seenByViewer).not.toContain(id)
  })

  it('validates bodies with Anaplan-style 400s, never 500', async () => {
    const fileId = ids.loadActuals.importDataSourceId
    const bad = await api.call('POST', `${ids.m}/files/${fileId}`, {
      raw: '{not json',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(bad.status).toBe(400)
    expect(bad.json.status.code).toBe(400)
    expect((await api.post(`${ids.m}/files/${fileId}`, { chunkCount: 'x' })).status).toBe(400)
    const noLocale = await api.post(`${ids.m}/imports/${ids.loadActuals.id}/tasks`, {})
    expect(noLocale.status).toBe(400)
    expect(noLocale.json.status.message).toMatch(/localeName/)
    const badMapping = await api.post(`${ids.m}/imports/${ids.loadActuals.id}/tasks`, {
      localeName: 'en_US',
      mappingParameters: [{ entityType: 'Version' }],
    })
    expect(badMapping.status).toBe(400)
    const badGzip = await api.putRaw(`${ids.m}/files/${fileId}/chunks/0`, 'not gzip', {
      'Content-Type': 'application/x-gzip',
    })
    expect(badGzip.status).toBe(400)
  })

  it('refuses writes from the read-only viewer with 403', async () => {
    const fileId = ids.loadActuals.importDataSourceId
    expect((await viewer.post(`${ids.m}/files/${fileId}`, { chunkCount: 1 })).status).toBe(403)
    expect(
      (await viewer.post(`${ids.m}/exports/${ids.revenueExport.id}/tasks`, { localeName: 'en_US' })).status,
    ).toBe(403)
    const cells = await viewer.post(`${ids.m}/modules/${ids.revenueModule.id}/data`, [
      { lineItemName: 'Units', dimensions: [], value: 1 },
    ])
    expect(cells.status).toBe(403)
    expect(cells.json.status.code).toBe(403)
    const items = await viewer.post(`${ids.m}/lists/${ids.products.id}/items?action=add`, {
      items: [{ name: 'X' }],
    })
    expect(items.status).toBe(403)
  })
})

describe('tasks', () => {
  it('starts an export (enveloped NOT_STARTED task), polls to COMPLETE, lists and sorts tasks', async () => {
    const base = `${ids.m}/exports/${ids.revenueExport.id}/tasks`
    const started = await check('POST', base, { body: { localeName: 'en_US' } })
    expect(started.json.task.taskState).toBe('NOT_STARTED')
    expect(started.json.task.taskId).toMatch(/^[0-9A-F]{32}$/)
    const second = await api.post(base, { localeName: 'en_US' })
    const task = await waitTask(api, `${base}/${second.json.task.taskId}`)
    expect(task.result.successful).toBe(true)
    expect(task.result.objectId).toBe(ids.revenueExport.id)
    expect(task.currentStep).toBe('Complete.')
    expect(task.progress).toBe(1)
    await check('GET', `${base}/${started.json.task.taskId}`)
    const list = await check('GET', `${base}?sort=-creationTime`)
    const times = list.json.tasks.map((t: { creationTime: number }) => t.creationTime)
    expect(times).toEqual([...times].sort((a: number, b: number) => b - a))
    expect(list.json.tasks).toHaveLength(2)
    // Export output file id == export id, and it now has content.
    const chunks = await check('GET', `${ids.m}/files/${ids.revenueExport.id}/chunks`)
    expect(chunks.json.chunks).toEqual([{ id: '0', name: 'Chunk 0' }])
    const csv = await api.get(`${ids.m}/files/${ids.revenueExport.id}/chunks/0`)
    expect(csv.text.split('\n').length).toBeGreaterThan(10)
    // A task id only resolves under its own parent.
    expect(
      (await api.get(`${ids.m}/imports/${ids.loadActuals.id}/tasks/${second.json.task.taskId}`)).status,
    ).toBe(404)
  })

  it('passes mappingParameters to the import', async () => {
    const base = `${ids.m}/imports/${ids.loadActuals.id}/tasks`
    const started = await api.post(base, {
      localeName: 'en_US',
      mappingParameters: [{ entityType: 'Planet', entityName: 'Mars' }],
    })
    const task = await waitTask(api, `${base}/${started.json.task.taskId}`)
    // The engine saw the parameter: an unknown dimension fails the import as a whole.
    expect(task.result.successful).toBe(false)
    expect(task.currentStep).toBe('Failed.')
    expect(JSON.stringify(task.result.details)).toContain('Planet')
  })

  it('runs a process with nestedResults and a delete action', async () => {
    const proc = `${ids.m}/processes/${ids.monthlyRefresh.id}/tasks`
    const started = await api.post(proc, { localeName: 'en_US' })
    const task = await waitTask(api, `${proc}/${started.json.task.taskId}`)
    expectContract(
      'GET',
      `${sim.apiUrl}${proc}/${started.json.task.taskId}`,
      await api.get(`${proc}/${started.json.task.taskId}`),
    )
    expect(task.result.nestedResults.map((r: { objectId: string }) => r.objectId)).toEqual([
      ids.loadActuals.id,
      ids.revenueExport.id,
    ])
    const act = `${ids.m}/actions/${ids.deleteDiscontinued.id}/tasks`
    const del = await check('POST', act, { body: { localeName: 'en_US' } })
    const delTask = await waitTask(api, `${act}/${del.json.task.taskId}`)
    expect(delTask.result.successful).toBe(true)
    expect(delTask.result.failureDumpAvailable).toBe(false)
    const names = (await api.get(`${ids.m}/lists/${ids.products.id}/items`)).json.listItems.map(
      (i: { name: string }) => i.name,
    )
    expect(names).not.toContain('Sprockets')
    expect(names).toContain('Widgets')
  })

  it('cancels a running task: CANCELLING then CANCELLED, and the import changes nothing', async () => {
    const slow = await startTestSimulator({ taskMs: 400 })
    try {
      const a = client(slow, await login(slow))
      const sIds = await demoIds(a)
      const fileId = sIds.loadActuals.importDataSourceId
      await a.post(`${sIds.m}/files/${fileId}`, { chunkCount: 1 })
      await a.putRaw(
        `${sIds.m}/files/${fileId}/chunks/0`,
        'Region,Product,Month,Version,Units,Price\nEMEA,Gizmos,Dec 26,Actual,999999,1\n',
      )
      const base = `${sIds.m}/imports/${sIds.loadActuals.id}/tasks`
      const started = await a.post(base, { localeName: 'en_US' })
      const taskId = started.json.task.taskId
      for (
        let i = 0;
        i < 100 && (await a.get(`${base}/${taskId}`)).json.task.taskState !== 'IN_PROGRESS';
        i++
      ) {
        await new Promise((r) => setTimeout(r, 5))
      }
      const cancel = await a.delete(`${base}/${taskId}`)
      expect(cancel.status).toBe(200)
      expect(['CANCELLING', 'CANCELLED']).toContain(cancel.json.task.taskState)
      const final = await waitTask(a, `${base}/${taskId}`)
      expect(final.taskState).toBe('CANCELLED')
      const view = sIds.revenueByRegion.id
      const grid = await a.get(
        `${sIds.m}/views/${view}/data?format=v1&pages=${await pagesFor(a, sIds, 'Gizmos', 'Actual')}`,
        {
          Accept: 'application/json',
        },
      )
      expect(JSON.stringify(grid.json)).not.toContain('999999')
    } finally {
      await slow.close()
    }
  })
})

/** `pages=` value selecting a product and a version on Revenue by Region. */
async function pagesFor(a: Client, sIds: typeof ids, product: string, version: string): Promise<string> {
  const meta = (await a.get(`${sIds.m}/views/${sIds.revenueByRegion.id}`)).json
  const parts: string[] = []
  for (const dim of meta.pages) {
    const items = (await a.get(`${sIds.m}/views/${sIds.revenueByRegion.id}/dimensions/${dim.id}/items`)).json
      .items
    // Revenue by Region shows one line item: Revenue, on its Line Items page.
    const item = items.find((i: { name: string }) => [product, version, 'Revenue'].includes(i.name))
    parts.push(`${dim.id}:${item.id}`)
  }
  return parts.join(',')
}

describe('transactional API', () => {
  it('modules, line items (includeAll), line item dimensions and items', async () => {
    const modules = await check('GET', `/models/${ids.salesId}/modules`)
    expect(modules.json.modules.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining(['REV01 Revenue', 'OPX01 Expenses', 'SYS01 Settings']),
    )
    const items = await check(
      'GET',
      `/models/${ids.salesId}/modules/${ids.revenueModule.id}/lineItems?includeAll=true`,
    )
    const revenue = items.json.items.find((i: { name: string }) => i.name === 'Revenue')
    expect(revenue.formula).toMatch(/Units \* Price/)
    expect(revenue.format).toBe('NUMBER')
    const all = await check('GET', `/models/${ids.salesId}/lineItems`)
    expect(all.json.items.length).toBeGreaterThan(items.json.items.length)
    const dims = await check('GET', `/models/${ids.salesId}/lineItems/${revenue.id}/dimensions`)
    const dimIds = dims.json.dimensions.map((d: { id: string }) => d.id)
    expect(dimIds).toEqual(expect.arrayContaining(['20000000003', '20000000020']))
    const time = await check(
      'GET',
      `/models/${ids.salesId}/lineItems/${revenue.id}/dimensions/20000000003/items`,
    )
    expect(time.json.items.map((i: { name: string }) => i.name)).toEqual(
      expect.arrayContaining(['Jan 26', 'Q1 FY26', 'FY26']),
    )
  })

  it('views, view metadata (empty axes omitted), view dimension items, dimension items GET and POST', async () => {
    const views = await check('GET', `/models/${ids.salesId}/views`)
    expect(views.json.views.some((v: { moduleId: string }) => v.moduleId === ids.revenueModule.id)).toBe(true)
    await check(
      'GET',
      `/models/${ids.salesId}/modules/${ids.revenueModule.id}/views?includesubsidiaryviews=true`,
    )
    const meta = await check('GET', `/models/${ids.salesId}/views/${ids.revenueByRegion.id}`)
    expect(meta.json.rows[0].name).toBe('Regions')
    expect(meta.json.pages.map((p: { name: string }) => p.name)).toEqual([
      'Products',
      'Versions',
      'Line Items',
    ])
    const products = await check('GET', `/models/${ids.salesId}/dimensions/${ids.products.id}/items`)
    expect(products.json.items.find((i: { name: string }) => i.name === 'Widgets').code).toBe('WID')
    const timeAtModel = await api.get(`/models/${ids.salesId}/dimensions/20000000003/items`)
    expect(timeAtModel.status).toBe(400)
    const lookup = await check('POST', `/models/${ids.salesId}/dimensions/${ids.products.id}/items`, {
      body: { names: ['gadgets'], codes: ['GIZ'] },
    })
    expect(lookup.json.items.map((i: { name: string }) => i.name).sort()).toEqual(['Gadgets', 'Gizmos'])
    const empty = await api.post(`/models/${ids.salesId}/dimensions/${ids.products.id}/items`, {})
    expect(empty.status).toBe(400)
  })

  it('view data as CSV (default) and JSON format=v1 with page selectors; invalid selectors → 400', async () => {
    const base = `/models/${ids.salesId}/views/${ids.revenueByRegion.id}/data`
    const csv = await api.get(base)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    expect(csv.text).toContain('North America')
    const pages = await pagesFor(api, ids, 'Gadgets', 'Forecast')
    const json = await check('GET', `${base}?format=v1&pages=${pages}`, {
      headers: { Accept: 'application/json' },
    })
    expect(json.json.pages).toEqual(['Gadgets', 'Forecast', 'Revenue'])
    expect(json.json.rows.map((r: { rowCoordinates: string[] }) => r.rowCoordinates[0])).toContain('EMEA')
    const repeated = pages
      .split(',')
      .map((p) => `pages=${p}`)
      .join('&')
    expect(
      (await api.get(`${base}?format=v1&${repeated}`, { Accept: 'application/json' })).json.pages,
    ).toEqual(['Gadgets', 'Forecast', 'Revenue'])
    const bad = await api.get(`${base}?pages=${ids.regions.id}:x`)
    expect(bad.status).toBe(400)
    expect(bad.json.status.message).toBe(`Invalid page selector [${ids.regions.id}]`)
  })

  it('lists, list metadata, list items JSON and CSV; add, update, delete with per-item failures', async () => {
    const lists = await check('GET', `${ids.m}/lists`)
    expect(lists.json.lists.map((l: { name: string }) => l.name)).toEqual(
      expect.arrayContaining(['Regions', 'Products', 'Channels']),
    )
    await check('GET', `${ids.m}/lists/${ids.products.id}`)
    const items = await check('GET', `${ids.m}/lists/${ids.products.id}/items?includeAll=true`)
    expect(items.json.listItems.find((i: { name: string }) => i.name === 'Widgets').code).toBe('WID')
    const csv = await api.get(`${ids.m}/lists/${ids.products.id}/items`, { Accept: 'text/csv' })
    expect(csv.text.split('\n')[0]).toBe('id,name,code,parent,parentId,listId,listName')

    const add = await check('POST', `${ids.m}/lists/${ids.products.id}/items?action=add`, {
      body: { items: [{ name: 'Doohickeys', code: 'DOO', parent: 'All Products' }, { name: 'Widgets' }] },
    })
    expect(add.json).toMatchObject({ added: 1, ignored: 1, total: 2 })
    expect(add.json.failures[0].requestIndex).toBe(1)
    const update = await check('PUT', `${ids.m}/lists/${ids.products.id}/items`, {
      body: { items: [{ code: 'DOO', name: 'Doohickies' }] },
    })
    expect(update.json.updated).toBe(1)
    expect(update.json).not.toHaveProperty('failures')
    const del = await check('POST', `${ids.m}/lists/${ids.products.id}/items?action=delete`, {
      body: { items: [{ code: 'DOO' }] },
    })
    expect(del.json.deleted).toBe(1)
    const tooMany = await api.post(`${ids.m}/lists/${ids.products.id}/items?action=add`, {
      items: Array.from({ length: 100_001 }, (_, i) => ({ name: `n${i}` })),
    })
    expect(tooMany.status).toBe(400)
    expect(
      (await api.post(`${ids.m}/lists/${ids.products.id}/items`, { items: [{ name: 'x' }] })).status,
    ).toBe(400)
  })

  it('writes cells by name and by id (no envelope), refuses formula cells per cell, recalculates', async () => {
    const modulePath = `/models/${ids.salesId}/modules/${ids.revenueModule.id}/data`
    const write = await check('POST', modulePath, {
      body: [
        {
          lineItemName: 'Units',
          dimensions: [
            { dimensionName: 'Regions', itemName: 'EMEA' },
            { dimensionName: 'Products', itemCode: 'GAD' },
            { dimensionName: 'Time', itemName: 'Mar 26' },
            { dimensionName: 'Versions', itemName: 'Forecast' },
          ],
          value: 500,
        },
        {
          lineItemName: 'Revenue',
          dimensions: [
            { dimensionName: 'Regions', itemName: 'EMEA' },
            { dimensionName: 'Products', itemCode: 'GAD' },
            { dimensionName: 'Time', itemName: 'Mar 26' },
            { dimensionName: 'Versions', itemName: 'Forecast' },
          ],
          value: 1,
        },
      ],
    })
    expect(write.json).not.toHaveProperty('meta')
    expect(write.json.numberOfCellsChanged).toBe(1)
    expect(write.json.failures.map((f: { requestIndex: number }) => f.requestIndex)).toEqual([1])
    const pages = await pagesFor(api, ids, 'Gadgets', 'Forecast')
    const grid = (
      await api.get(`/models/${ids.salesId}/views/${ids.revenueByRegion.id}/data?format=v1&pages=${pages}`, {
        Accept: 'application/json',
      })
    ).json
    const col = grid.columnCoordinates.findIndex((c: string[]) => c.includes('Mar 26'))
    const emea = grid.rows.find((r: { rowCoordinates: string[] }) => r.rowCoordinates[0] === 'EMEA')
    expect(Number(emea.cells[col])).toBe(500 * 40)
    const notArray = await api.post(modulePath, { lineItemName: 'Units' })
    expect(notArray.status).toBe(400)
    const tooMany = await api.post(
      modulePath,
      Array.from({ length: 100_001 }, () => ({ lineItemName: 'Units', value: 1 })),
    )
    expect(tooMany.status).toBe(400)
    expect(tooMany.json.status.message).toMatch(/100000 cells/)
  })

  it('PUT currentPeriod by body or query, with Anaplan-style 400s', async () => {
    const byBody = await check('PUT', `/models/${ids.salesId}/currentPeriod`, {
      body: { date: '2026-03-15' },
    })
    expect(byBody.json.currentPeriod.periodText).toBe('Mar 26')
    const byQuery = await api.call('PUT', `${ids.m}/currentPeriod?date=2026-06-30`)
    expect(byQuery.json.currentPeriod.periodText).toBe('Jun 26')
    const both = await api.call('PUT', `${ids.m}/currentPeriod?date=2026-06-30`, {
      body: { date: '2026-06-30' },
    })
    expect(both.json.status.message).toBe('use query parameter or body to set date, not both')
    const bad = await api.put(`${ids.m}/currentPeriod`, { date: '30/06/2026' })
    expect(bad.json.status.message).toBe(
      "Invalid ISO date format '30/06/2026'. Date should match format YYYY-MM-DD",
    )
    expect((await viewer.put(`${ids.m}/currentPeriod`, { date: '2026-06-30' })).status).toBe(403)
  })

  it('view data CSV layouts chosen by exportType with moduleId', async () => {
    const base = `/models/${ids.salesId}/views/${ids.revenueByRegion.id}/data`
    const tabular = await api.get(`${base}?exportType=TABULAR_MULTI_COLUMN&moduleId=${ids.revenueModule.id}`)
    expect(tabular.status).toBe(200)
    expect(tabular.text.split('\n')[0]).toMatch(/^Products,Versions,Line Items,Regions,/)
    expect((await api.get(`${base}?exportType=NOPE&moduleId=${ids.revenueModule.id}`)).status).toBe(400)
  })

  it('versions, current period, model calendar', async () => {
    const versions = await check('GET', `${ids.m}/versions`)
    expect(versions.json.versionMetadata.map((v: { name: string }) => v.name)).toEqual([
      'Actual',
      'Forecast',
      'Budget',
    ])
    const period = await check('GET', `/models/${ids.salesId}/currentPeriod`)
    expect(period.json.currentPeriod.periodText).toBe('Jun 26')
    expect((await check('GET', `/models/${ids.salesId}/modelCalendar`)).json.modelCalendar).toBeTruthy()
  })

  it('view read requests: create, poll to COMPLETE, download pages, delete', async () => {
    const base = `${ids.m}/views/${ids.revenueByRegion.id}/readRequests`
    const created = await check('POST', base, { body: { exportType: 'TABULAR_MULTI_COLUMN' } })
    const id = created.json.viewReadRequest.requestId
    expect(id).toMatch(/^[0-9A-F]{32}$/)
    let state = created.json.viewReadRequest.requestState
    let status: ApiResponse | undefined
    for (let i = 0; i < 200 && state !== 'COMPLETE'; i++) {
      await new Promise((r) => setTimeout(r, 10))
      status = await check('GET', `${base}/${id}`)
      state = status.json.viewReadRequest.requestState
    }
    expect(state).toBe('COMPLETE')
    status = await check('GET', `${base}/${id}`)
    expect(status.json.viewReadRequest.successful).toBe(true)
    expect(status.json.viewReadRequest.availablePages).toBeGreaterThan(0)
    const page = await api.get(`${base}/${id}/pages/0`)
    expect(page.text.split('\n')[0]).toMatch(/^Products,Versions,Line Items,Regions,/)
    expect(page.text).toContain('Widgets')
    const deleted = await check('DELETE', `${base}/${id}`)
    expect(deleted.json.viewReadRequest.requestState).toBe('COMPLETE')
    expect((await api.get(`${base}/${id}`)).status).toBe(404)
    expect((await api.post(base, { exportType: 'NOPE' })).status).toBe(400)
  })
})

describe('paging', () => {
  it('pages any listing with next/previous and omits empty keys', async () => {
    const first = await check('GET', `${ids.m}/lists/${ids.regions.id}/items?limit=2`)
    expect(first.json.listItems).toHaveLength(2)
    expect(first.json.meta.paging.totalSize).toBe(4)
    expect(first.json.meta.paging.next).toBe(
      `${sim.apiUrl}${ids.m}/lists/${ids.regions.id}/items?limit=2&offset=2`,
    )
    const next = await api.get(first.json.meta.paging.next)
    expect(next.json.meta.paging.previous).toBe(
      `${sim.apiUrl}${ids.m}/lists/${ids.regions.id}/items?limit=2&offset=0`,
    )
    const beyond = await api.get(`${ids.m}/lists/${ids.regions.id}/items?offset=10`)
    expect(beyond.json).not.toHaveProperty('listItems')
    expect(beyond.json.meta.paging.currentPageSize).toBe(0)
  })
})
