import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AnaplanClient,
  type ModelScope,
  NameResolutionError,
  NotFoundError,
  TaskFailedError,
} from '../../src/anaplan/index.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

// Client ↔ simulator: tenant resources, files and the bulk (action/task) API end to end.
let sim: RunningSimulator
let client: AnaplanClient
let model: ModelScope
let dir: string

async function stats(): Promise<{
  auth: Record<string, number>
  tasks: Record<string, number>
  mutations: Record<string, number>
}> {
  return (await fetch(`${sim.url}/__sim/stats`)).json() as never
}

async function text(iter: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = []
  for await (const c of iter) parts.push(Buffer.from(c))
  return Buffer.concat(parts).toString('utf8')
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 30 })
  client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
  })
  model = await client.model({ workspace: 'fp&a demo', model: 'sales forecast' })
  dir = await mkdtemp(join(tmpdir(), 'client-bulk-'))
})

afterAll(async () => {
  await client?.close()
  await sim?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('tenant', () => {
  it('reads the user, workspaces and models, tenant-wide and per workspace', async () => {
    expect((await client.users.me()).email).toBe('analyst@example.com')
    const workspaces = await client.workspaces.list()
    expect(workspaces.map((w) => w.name)).toContain('FP&A Demo')
    const ws = workspaces.find((w) => w.name === 'FP&A Demo')!
    const all = await client.models.list()
    expect(all.map((m) => m.name).sort()).toEqual([
      'Budget 2024',
      'Retail Demand',
      'Sales Forecast',
      'Workforce Plan',
    ])
    expect((await client.models.list({ workspaceId: ws.id })).length).toBe(4)
    expect((await client.models.get(model.modelId)).name).toBe('Sales Forecast')
    expect(model).toMatchObject({
      workspaceId: ws.id,
      workspaceName: 'FP&A Demo',
      modelName: 'Sales Forecast',
    })
  })

  it('resolves a model without a workspace, and explains unknown names with close matches', async () => {
    const m = await client.model({ model: 'WORKFORCE PLAN' })
    expect(m.modelName).toBe('Workforce Plan')
    const err = (await client
      .model({ model: 'Sales Forcast' })
      .catch((e: unknown) => e)) as NameResolutionError
    expect(err).toBeInstanceOf(NameResolutionError)
    expect(err.candidates[0]).toContain('Sales Forecast')
  })

  it('reads model status (bare GET form) and opens/closes the model', async () => {
    const status = await client.models.status(model.workspaceId, model.modelId)
    expect(typeof status.currentStep).toBe('string')
    await client.models.close(model.workspaceId, model.modelId)
    await client.models.open(model.workspaceId, model.modelId)
    expect((await client.models.status(model.workspaceId, model.modelId)).currentStep).toMatch(/Open|Loading/)
  })

  it('validates the token against the auth service', async () => {
    const v = await client.auth.validate()
    expect(v.userId).toBe('analyst@example.com')
    expect(v.expiresAt).toBeGreaterThan(Date.now())
  })
})

describe('actions and tasks', () => {
  it('lists imports, exports, processes and other actions, and finds them by name', async () => {
    expect((await model.listImports()).map((i) => i.name)).toEqual(['Load Actuals', 'Load Products'])
    expect((await model.listExports()).map((i) => i.name)).toEqual(['Revenue Export', 'Expenses Export'])
    expect((await model.listProcesses()).map((i) => i.name)).toEqual(['Monthly Refresh'])
    expect((await model.listOtherActions()).map((i) => i.name)).toEqual(['Delete Discontinued Products'])
    const found = await model.findAction('monthly refresh')
    expect(found.type).toBe('process')
    expect((await model.findAction(found.action.id)).action.name).toBe('Monthly Refresh')
  })

  it('runs an export and downloads its output chunk by chunk, also to a file', async () => {
    const progress: string[] = []
    const r = await model.run('export', 'Revenue Export', {
      intervalMs: 10,
      onProgress: (t) => progress.push(t.taskState),
    })
    expect(r.successful).toBe(true)
    expect(progress.at(-1)).toBe('COMPLETE')
    const csv = await text(model.download('Revenue Export'))
    expect(csv.split('\n')[0]).toContain('Revenue')
    expect(csv).toContain('EMEA')
    const out = join(dir, 'revenue.csv')
    const n = await model.downloadToFile(r.actionId, out)
    expect(n).toBe(Buffer.byteLength(csv))
    expect(await readFile(out, 'utf8')).toBe(csv)
  })

  it('uploads an import file, runs the import, and surfaces the failure dump', async () => {
    const csv = [
      'Region,Product,Month,Version,Units,Price',
      'EMEA,Widgets,Jan 26,Actual,111,25',
      'Atlantis,Widgets,Jan 26,Actual,5,25',
    ].join('\n')
    const err = (await model
      .run('import', 'Load Actuals', { file: `${csv}\n`, intervalMs: 10 })
      .catch((e: unknown) => e)) as TaskFailedError | undefined
    let dumps: { objectId: string; csv: string }[] | undefined
    if (err instanceof TaskFailedError) {
      dumps = err.dumps
      expect(err.dumpAvailable).toBe(true)
    } else {
      // Rows with errors may leave the import successful with warnings: the dump is still fetched.
      const r = await model.run('import', 'Load Actuals', {
        file: `${csv}\n`,
        intervalMs: 10,
        throwOnFailure: false,
      })
      dumps = r.dumps
    }
    expect(dumps?.length).toBe(1)
    expect(dumps?.[0]?.csv).toContain('_Status_')
    expect(dumps?.[0]?.csv).toContain('Atlantis')
  })

  it('uploads a stream in several chunks and reads it back identically', async () => {
    const row = 'EMEA,Widgets,Jan 26,Actual,111,25\n'
    const content = `Region,Product,Month,Version,Units,Price\n${row.repeat(Math.ceil((2.2 * 1024 * 1024) / row.length))}`
    const pieces: string[] = []
    for (let i = 0; i < content.length; i += 65_536) pieces.push(content.slice(i, i + 65_536))
    const file = await model.upload('actuals.csv', Readable.from(pieces), { chunkSize: 1024 * 1024 })
    expect(file.chunkCount).toBe(3)
    expect(await text(model.download('actuals.csv'))).toBe(content)
  })

  it('runs a process and reports nested results; fetches nested import dumps', async () => {
    // `file` goes to the data source of the process's first file-fed import (from processMetadata).
    const r = await model.run('process', 'Monthly Refresh', {
      file: 'Region,Product,Month,Version,Units,Price\nEMEA,Widgets,Jan 26,Actual,120,25\nNowhere,Widgets,Jan 26,Actual,1,25\n',
      intervalMs: 10,
      throwOnFailure: false,
    })
    const nested = r.task.result?.nestedResults ?? []
    expect(nested.map((n) => n.objectName)).toEqual(['Load Actuals', 'Revenue Export'])
    const withDump = nested.filter((n) => n.failureDumpAvailable)
    expect(withDump.map((n) => n.objectName)).toEqual(['Load Actuals'])
    expect(r.dumps?.map((d) => d.objectId)).toEqual(withDump.map((n) => n.objectId))
    expect(r.dumps?.[0]?.csv).toContain('Nowhere')
  })

  it('starts with mapping parameters, lists, polls and cancels tasks', async () => {
    const { action } = await model.findAction('Load Actuals', 'import')
    const slow = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 2000 })
    const c2 = new AnaplanClient({
      authUrl: slow.authUrl,
      apiUrl: slow.apiUrl,
      credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    })
    try {
      const m2 = c2.modelById(model.workspaceId, model.modelId)
      const task = await m2.startTask('import', action.id, {
        localeName: 'en_GB',
        mappingParameters: [{ entityType: 'Version', entityName: 'Actual' }],
      })
      expect(['NOT_STARTED', 'IN_PROGRESS']).toContain(task.taskState)
      expect((await m2.listTasks('import', action.id)).map((t) => t.taskId)).toContain(task.taskId)
      const cancelled = await m2.cancelTask('import', action.id, task.taskId)
      expect(['CANCELLING', 'CANCELLED']).toContain(cancelled.taskState)
      const final = await m2.waitForTask('import', action.id, task.taskId, { intervalMs: 20 })
      expect(final.taskState).toBe('CANCELLED')
      const err = await m2
        .run('import', action.id, { intervalMs: 20, deadline: Date.now() + 300 })
        .catch((e: unknown) => e)
      expect((err as Error).name).toBe('TimeoutError')
    } finally {
      await c2.close()
      await slow.close()
    }
  })

  it('runs an import whose file has no Version column, the version given as a mapping parameter', async () => {
    const at = { Regions: 'LATAM', Products: 'Gizmos', Time: 'Jun 26' }
    const before = await model.readCell('REV01 Revenue', 'Units', { ...at, Versions: 'Actual' })
    const r = await model.run('import', 'Load Actuals', {
      file: 'Region,Product,Month,Units,Price\nLATAM,Gizmos,Jun 26,7654,60\n',
      mappingParameters: [{ entityType: 'Version', entityName: 'Budget' }],
      intervalMs: 10,
    })
    expect(r.successful).toBe(true)
    expect((await model.readCell('REV01 Revenue', 'Units', { ...at, Versions: 'Budget' })).value).toBe('7654')
    expect((await model.readCell('REV01 Revenue', 'Units', { ...at, Versions: 'Actual' })).value).toBe(
      before.value,
    )
    const err = await model
      .run('import', 'Load Actuals', {
        mappingParameters: [{ entityType: 'Scenario', entityName: 'Budget' }],
        intervalMs: 10,
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TaskFailedError)
    expect((err as TaskFailedError).message).toMatch(/Mapping parameter for an unknown dimension: Scenario/)
  })

  it('runs a delete action', async () => {
    const r = await model.run('action', 'Delete Discontinued Products', { intervalMs: 10 })
    expect(r.successful).toBe(true)
  })

  it('the read-only viewer cannot see Workforce Plan (masked as not found)', async () => {
    const viewer = new AnaplanClient({
      authUrl: sim.authUrl,
      apiUrl: sim.apiUrl,
      credentials: { kind: 'basic', username: 'viewer@example.com', password: 'viewer-password' },
    })
    try {
      const workforce = (await client.model({ model: 'Workforce Plan' })).modelId
      const err = await viewer
        .modelById(model.workspaceId, workforce)
        .listModules()
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(NotFoundError)
    } finally {
      await viewer.close()
    }
  })

  it('counted exactly one authenticate for this whole session', async () => {
    expect((await stats()).auth.authenticate).toBeGreaterThanOrEqual(1)
    expect(client.stats.authenticate).toBe(1)
  })
})
