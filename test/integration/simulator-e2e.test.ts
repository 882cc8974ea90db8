/**
 * The end-to-end flow over plain HTTP: upload a CSV with good and bad rows, run Load
 * Actuals, read the failure dump, read the changed cells through a view, run Monthly Refresh and
 * download Revenue Export.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { type Client, client, demoIds, login, startTestSimulator, waitTask } from './simulator-helpers.ts'

let sim: RunningSimulator
let api: Client

beforeAll(async () => {
  sim = await startTestSimulator({ taskMs: 20 })
  api = client(sim, await login(sim))
})
afterAll(() => sim.close())

const CSV = [
  'Region,Product,Month,Version,Units,Price',
  'EMEA,Widgets,Apr 26,Actual,321,25',
  'APAC,Gadgets,Apr 26,Actual,654,40',
  'Atlantis,Widgets,Apr 26,Actual,5,25',
  'EMEA,Gizmos,Apr 26,Actual,lots,60',
  '',
].join('\n')

it('uploads, imports with a dump, reads changed cells, runs the process and downloads the export', async () => {
  const ids = await demoIds(api)
  const { m } = ids
  const fileId = ids.loadActuals.importDataSourceId

  // Upload in two chunks.
  expect((await api.post(`${m}/files/${fileId}`, { chunkCount: 2 })).status).toBe(200)
  const [head, ...rest] = CSV.split('\n')
  expect(
    (await api.putRaw(`${m}/files/${fileId}/chunks/0`, `${head}\n${rest.slice(0, 2).join('\n')}\n`)).status,
  ).toBe(204)
  expect((await api.putRaw(`${m}/files/${fileId}/chunks/1`, rest.slice(2).join('\n'))).status).toBe(204)

  // Run Load Actuals.
  const importTasks = `${m}/imports/${ids.loadActuals.id}/tasks`
  const started = await api.post(importTasks, { localeName: 'en_US' })
  expect(started.json.task.taskState).toBe('NOT_STARTED')
  const taskId = started.json.task.taskId
  const task = await waitTask(api, `${importTasks}/${taskId}`)
  expect(task.taskState).toBe('COMPLETE')
  expect(task.result.failureDumpAvailable).toBe(true)
  expect(task.result.objectId).toBe(ids.loadActuals.id)

  // The dump, whole and by chunks, in Anaplan's format.
  const dump = await api.get(`${importTasks}/${taskId}/dump`)
  expect(dump.status).toBe(200)
  const lines = dump.text.trim().split(/\r?\n/)
  expect(lines[0]).toMatch(/^"_Status_",.*"_Line_","_Error_1_"$/)
  expect(lines).toHaveLength(3)
  expect(dump.text).toContain('Atlantis')
  expect(dump.text).toContain('lots')
  const dumpChunks = await api.get(`${importTasks}/${taskId}/dump/chunks`)
  expect(dumpChunks.json.chunks).toEqual([{ id: '0', name: 'Chunk 0' }])
  expect((await api.get(`${importTasks}/${taskId}/dump/chunks/0`)).text).toBe(dump.text)

  // The good rows changed the model: read them through Revenue by Region (Revenue = Units × Price).
  const view = ids.revenueByRegion.id
  const meta = (await api.get(`${m}/views/${view}`)).json
  const pages: string[] = []
  for (const dim of meta.pages) {
    const items = (await api.get(`${m}/views/${view}/dimensions/${dim.id}/items`)).json.items
    const item = items.find((i: { name: string }) => ['Widgets', 'Actual', 'Revenue'].includes(i.name))
    pages.push(`${dim.id}:${item.id}`)
  }
  const grid = (
    await api.get(`${m}/views/${view}/data?format=v1&pages=${pages.join(',')}`, {
      Accept: 'application/json',
    })
  ).json
  expect(grid.pages).toEqual(['Widgets', 'Actual', 'Revenue'])
  const apr = grid.columnCoordinates.findIndex((c: string[]) => c.includes('Apr 26'))
  const emea = grid.rows.find((r: { rowCoordinates: string[] }) => r.rowCoordinates[0] === 'EMEA')
  expect(Number(emea.cells[apr])).toBe(321 * 25)

  // Monthly Refresh: Load Actuals then Revenue Export, with nested results and the nested dump.
  const procTasks = `${m}/processes/${ids.monthlyRefresh.id}/tasks`
  const proc = await api.post(procTasks, { localeName: 'en_US' })
  const procTask = await waitTask(api, `${procTasks}/${proc.json.task.taskId}`)
  expect(procTask.result.nestedResults).toHaveLength(2)
  expect(procTask.result.failureDumpAvailable).toBe(true)
  const nestedDump = await api.get(`${procTasks}/${proc.json.task.taskId}/dumps/${ids.loadActuals.id}/chunks`)
  expect(nestedDump.json.chunks).toHaveLength(1)
  const nestedChunk = await api.get(
    `${procTasks}/${proc.json.task.taskId}/dumps/${ids.loadActuals.id}/chunks/0`,
  )
  expect(nestedChunk.text).toContain('Atlantis')
  // Only the user's latest failing run keeps a dump: the first import's dump is gone now.
  expect((await api.get(`${importTasks}/${taskId}/dump`)).status).toBe(404)

  // Download Revenue Export (file id == export id) chunk by chunk.
  const chunks = (await api.get(`${m}/files/${ids.revenueExport.id}/chunks`)).json.chunks
  let csv = ''
  for (const chunk of chunks)
    csv += (await api.get(`${m}/files/${ids.revenueExport.id}/chunks/${chunk.id}`)).text
  const header = csv.split(/\r?\n/)[0]
  expect(header).toMatch(/Units/)
  expect(header).toMatch(/Revenue/)
  const row = csv
    .split(/\r?\n/)
    .find((l) => l.includes('EMEA') && l.includes('Widgets') && l.includes('Apr 26') && l.includes('Actual'))
  expect(row).toBeDefined()
  expect(row).toContain('321')
  expect(row).toContain(String(321 * 25))
})
