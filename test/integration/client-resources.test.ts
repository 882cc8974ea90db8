import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnaplanClient, type ModelScope, TimeoutError } from '../../src/anaplan/index.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

// The model's resources (openai-node's shape) against the simulator: the same answers as the flat
// methods they stand behind, with request options as their own last argument.
let sim: RunningSimulator
let client: AnaplanClient
let model: ModelScope

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 30 })
  client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
  })
  model = await client.model({ model: 'Sales Forecast' })
})

afterAll(async () => {
  await client?.close()
  await sim?.close()
})

describe('model resources', () => {
  it('read views, cells, lists and the calendar as the flat methods do', async () => {
    const pages = { Products: 'Gadgets', Versions: 'Actual' }
    expect(await model.views.read('Revenue by Region', pages)).toEqual(
      await model.readView('Revenue by Region', pages),
    )
    const cell = await model.cells.read('REV01 Revenue', 'Price', {
      Regions: 'APAC',
      Products: 'GIZ',
      Time: 'Feb 26',
      Versions: 'Budget',
    })
    expect(cell).toMatchObject({ value: '60', lineItemName: 'Price' })
    expect((await model.lists.items('Products', { includeAll: true }))[0]?.properties?.Category).toBe(
      'Hardware',
    )
    expect((await model.calendar.versions()).map((v) => v.name)).toEqual(['Actual', 'Forecast', 'Budget'])
    expect((await model.calendar.get()).fiscalYear?.year).toBe('FY26')
    expect((await model.modules.lineItems('OPX01 Expenses')).map((l) => l.name)).toContain('Headcount')
  })

  it('runs an import through model.imports and lists its task', async () => {
    const result = await model.imports.run(
      'Load Actuals',
      { intervalMs: 10 },
      { deadline: Date.now() + 30_000 },
    )
    expect(result).toMatchObject({ actionType: 'import', actionName: 'Load Actuals', successful: true })
    const tasks = await model.imports.tasks.list(result.actionId)
    expect(tasks.map((t) => t.taskId)).toContain(result.task.taskId)
  })

  it('bounds a wait by the deadline given in the request options', async () => {
    const imp = await model.imports.find('Load Actuals')
    const slow = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 60_000 })
    const other = new AnaplanClient({
      authUrl: slow.authUrl,
      apiUrl: slow.apiUrl,
      credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    })
    try {
      const m = await other.model({ model: 'Sales Forecast' })
      const task = await m.imports.tasks.start(imp.id)
      const late = await m.imports.tasks
        .wait(imp.id, task.taskId, { intervalMs: 10, deadline: Date.now() + 100 })
        .catch((e: unknown) => e)
      expect(late).toBeInstanceOf(TimeoutError)
      expect(await m.imports.tasks.cancel(imp.id, task.taskId)).toMatchObject({ taskId: task.taskId })
    } finally {
      await other.close()
      await slow.close()
    }
  })
})
