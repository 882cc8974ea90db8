import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { expectedAnswer } from './expected.ts'
import { ApiReader, type ModelReader, timeHierarchy } from './reader.ts'
import { CATEGORIES, loadConversations } from './spec.ts'

let sim: RunningSimulator
let reader: ApiReader
let sf: ModelReader

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', latencyMs: 0 })
  reader = new ApiReader(sim.authUrl, sim.apiUrl, 'analyst@example.com', 'demo-password')
  sf = await reader.model('Sales Forecast')
})
afterAll(async () => {
  await sim.close()
})

describe('timeHierarchy', () => {
  it('gives each period the periods of the next level down since the last of its level', () => {
    const h = timeHierarchy(['Jan 26', 'Feb 26', 'Mar 26', 'Q1 FY26', 'Apr 26', 'Q2 FY26', 'FY26'])
    expect(h.get('Q1 FY26')).toEqual(['Jan 26', 'Feb 26', 'Mar 26'])
    expect(h.get('Q2 FY26')).toEqual(['Apr 26'])
    expect(h.get('FY26')).toEqual(['Q1 FY26', 'Q2 FY26'])
  })
})

describe('ApiReader over the simulator', () => {
  it('reads the model file’s own figures and its names', async () => {
    expect(sf.currentVersion()).toBe('Forecast')
    expect(sf.onlyYear()).toBe('FY26')
    expect(sf.children('Regions', 'Total Regions')).toEqual(['North America', 'EMEA', 'APAC', 'LATAM'])
    // Prices are fixed in the model file; a code names the same item as its name.
    expect(
      await sf.value('Price', { Products: 'Widgets', Regions: 'EMEA', Time: 'Mar 26', Versions: 'Budget' }),
    ).toBe(25)
    expect(sf.canonical('GIZ')).toBe('Gizmos')
  })

  it("reads Anaplan's totals: a parent and a quarter equal the sum of their children", async () => {
    const at = { Products: 'Gadgets', Time: 'Q3 FY26', Versions: 'Actual' }
    const parts = await Promise.all(
      sf.children('Regions', 'Total Regions').map((r) => sf.value('Units', { ...at, Regions: r })),
    )
    expect(await sf.value('Units', { ...at, Regions: 'Total Regions' })).toBe(
      parts.reduce((a, b) => a + b, 0),
    )
    const months = await Promise.all(
      sf.children('Time', 'Q3 FY26').map((m) => sf.value('Units', { ...at, Regions: 'EMEA', Time: m })),
    )
    expect(await sf.value('Units', { ...at, Regions: 'EMEA' })).toBe(months.reduce((a, b) => a + b, 0))
  })

  it('computes rankings, differences and the split of a change from the cells', async () => {
    const ranking = await expectedAnswer(sf, {
      shape: 'ranking',
      lineItem: 'Revenue',
      at: { Time: 'Q4 FY26' },
      by: 'Regions',
      order: 'asc',
      limit: 2,
    })
    if (ranking.kind !== 'figures') throw new Error('figures expected')
    const [low, next] = ranking.required.map((f) => f.value)
    expect(low).toBeLessThanOrEqual(next ?? Number.NaN)
    const explain = await expectedAnswer(sf, {
      shape: 'explain',
      lineItem: 'Units',
      at: { Regions: 'APAC' },
      axis: 'Time',
      from: 'May 26',
      to: 'Jun 26',
      over: 'Products',
    })
    if (explain.kind !== 'figures') throw new Error('figures expected')
    const may = await sf.value('Units', { Regions: 'APAC', Time: 'May 26' })
    const jun = await sf.value('Units', { Regions: 'APAC', Time: 'Jun 26' })
    expect(explain.required[0]?.value).toBe(Math.abs(jun - may))
    expect(explain.names).toHaveLength(1)
    expect(sf.children('Products', 'All Products')).toContain(explain.names[0])
  })
})

describe('PlanBench data', () => {
  const conversations = loadConversations()
  const turns = conversations.flatMap((c) => c.turns.map((t) => ({ model: c.model, ...t })))

  it('has at least 600 checked turns over the three models, in every category', () => {
    expect(turns.length).toBeGreaterThanOrEqual(600)
    expect(new Set(conversations.map((c) => c.model))).toEqual(
      new Set(['Sales Forecast', 'Workforce Plan', 'Retail Demand']),
    )
    for (const c of CATEGORIES)
      expect(turns.filter((t) => t.category === c).length, c).toBeGreaterThanOrEqual(15)
    expect(conversations.every((c) => c.turns.length >= 1 && c.turns.length <= 6)).toBe(true)
  })

  it('every expectation of the models this simulator has can be computed from its cells', async () => {
    const { models } = await reader.get<{ models: { name: string }[] }>('/models')
    const present = new Set(models.map((m) => m.name))
    const failures: string[] = []
    for (const t of turns.filter((x) => present.has(x.model))) {
      try {
        const e = await expectedAnswer(await reader.model(t.model), t.expect)
        if (e.kind === 'figures' && e.required.length === 0) failures.push(`${t.say}: nothing required`)
      } catch (err) {
        failures.push(`${t.say}: ${(err as Error).message}`)
      }
    }
    expect(failures).toEqual([])
    // Retail Demand's aggregates are summed from up to 900,000 leaf cells each: about 25 s in all.
  }, 180_000)
})
