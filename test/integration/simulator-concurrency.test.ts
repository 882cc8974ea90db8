/**
 * Concurrency: 200 concurrent requests all answered; overlapping tasks on one model queued FIFO
 * with one IN_PROGRESS at a time and none lost; model requests wait for a running task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { type Client, client, demoIds, login, startTestSimulator, waitTask } from './simulator-helpers.ts'

let sim: RunningSimulator
let api: Client
let ids: Awaited<ReturnType<typeof demoIds>>

beforeAll(async () => {
  sim = await startTestSimulator({ taskMs: 25 })
  api = client(sim, await login(sim))
  ids = await demoIds(api)
})
afterAll(() => sim.close())

describe('concurrency', () => {
  it('answers 200 concurrent requests of mixed kinds', async () => {
    const paths = [
      `${ids.m}/modules`,
      `${ids.m}/lists/${ids.products.id}/items`,
      `${ids.m}/views/${ids.revenueByRegion.id}/data`,
      `${ids.m}/files`,
      '/users/me',
      `/models/${ids.salesId}/status`,
      `${ids.m}/imports`,
      `${ids.m}/lineItems?includeAll=true`,
    ]
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api.get(paths[i % paths.length]!)),
    )
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(200))
    const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { routes: Record<string, number> }
    const counted = Object.entries(stats.routes)
      .filter(([k]) => k.startsWith('GET '))
      .reduce((sum, [, n]) => sum + n, 0)
    expect(counted).toBeGreaterThanOrEqual(200)
  })

  it('queues overlapping tasks on one model in order, one at a time, none lost', async () => {
    const starts = [
      `${ids.m}/exports/${ids.revenueExport.id}/tasks`,
      `${ids.m}/imports/${ids.loadActuals.id}/tasks`,
      `${ids.m}/processes/${ids.monthlyRefresh.id}/tasks`,
      `${ids.m}/exports/${ids.revenueExport.id}/tasks`,
      `${ids.m}/imports/${ids.loadProducts.id}/tasks`,
      `${ids.m}/exports/${ids.revenueExport.id}/tasks`,
    ]
    // Started concurrently: the creation order is whatever order the server received them in.
    const started = await Promise.all(starts.map((p) => api.post(p, { localeName: 'en_US' })))
    expect(started.every((r) => r.status === 200 && r.json.task.taskState === 'NOT_STARTED')).toBe(true)

    const status = (await api.get(`/models/${ids.salesId}/status`)).json.requestStatus
    expect(status.currentStep).toBe('Processing ...')
    expect(started.map((r) => r.json.task.taskId)).toContain(status.taskId)
    expect(status.progress).toBeGreaterThanOrEqual(0)
    expect(status.tooltip).toMatch(/currently processing/)

    const finished = await Promise.all(
      started.map((r, i) => waitTask(api, `${starts[i]}/${r.json.task.taskId}`)),
    )
    expect(finished.every((t) => t.taskState === 'COMPLETE')).toBe(true)
    const runs = finished
      .map((t) => ({
        created: t.creationTime as number,
        start: Date.parse(t.result.startTime),
        end: Date.parse(t.result.startTime) + Number(t.result.duration),
      }))
      .sort((a, b) => a.start - b.start)
    // FIFO: started in creation order; exclusive: no two runs overlap.
    expect(runs.map((r) => r.created)).toEqual([...runs.map((r) => r.created)].sort((a, b) => a - b))
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.end)

    const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as {
      mutations: { taskStarts: number }
      tasks: Record<string, number>
    }
    expect(stats.mutations.taskStarts).toBe(6)
    expect(stats.tasks[ids.revenueExport.id]).toBe(3)
    expect((await api.get(`/models/${ids.salesId}/status`)).json.requestStatus.taskId).toBeNull()
  })

  it('holds model requests until the running task ends; answers 409 past the wait bound', async () => {
    const slow = await startTestSimulator({ taskMs: 300 })
    const impatient = await startTestSimulator({ taskMs: 2000, busyWaitMs: 20 })
    try {
      for (const [s, expectWait] of [
        [slow, true],
        [impatient, false],
      ] as const) {
        const a = client(s, await login(s))
        const sIds = await demoIds(a)
        const base = `${sIds.m}/exports/${sIds.revenueExport.id}/tasks`
        const taskId = (await a.post(base, { localeName: 'en_US' })).json.task.taskId
        for (
          let i = 0;
          i < 200 && (await a.get(`${base}/${taskId}`)).json.task.taskState !== 'IN_PROGRESS';
          i++
        ) {
          await new Promise((r) => setTimeout(r, 5))
        }
        // Exempt calls answer at once while the model is busy.
        expect((await a.get(`${base}/${taskId}`)).json.task.taskState).toBe('IN_PROGRESS')
        expect((await a.get(`${sIds.m}/imports`)).status).toBe(200)
        const modules = await a.get(`${sIds.m}/modules`)
        const after = (await a.get(`${base}/${taskId}`)).json.task.taskState
        if (expectWait) {
          expect(modules.status).toBe(200)
          expect(after).toBe('COMPLETE')
        } else {
          expect(modules.status).toBe(409)
          expect(modules.json.status.code).toBe(409)
          expect(after).toBe('IN_PROGRESS')
        }
      }
    } finally {
      await slow.close()
      await impatient.close()
    }
  })
})
