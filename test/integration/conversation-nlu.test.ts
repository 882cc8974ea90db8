/**
 * The NLU's demo vocabulary (used by unit tests and the accuracy report, which run without the
 * simulator) must match what the simulator's demo model really has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnaplanClient } from '../../src/anaplan/index.ts'
import { MetadataCache } from '../../src/bot/core/metadata.ts'
import { DEMO_VOCABULARY } from '../../src/bot/nlu/demo-vocabulary.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

let sim: RunningSimulator
beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await sim.close()
})

describe('demo vocabulary', () => {
  it('matches the live metadata of Sales Forecast', async () => {
    const client = new AnaplanClient({
      authUrl: sim.authUrl,
      apiUrl: sim.apiUrl,
      credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    })
    const scope = await client.model({ model: 'Sales Forecast' })
    const live = await new MetadataCache().model('t', client, scope)
    const names = (xs: { name: string }[]) => xs.map((x) => x.name).sort()
    expect(names(live.models)).toEqual(names(DEMO_VOCABULARY.models))
    expect(names(live.views)).toEqual(names(DEMO_VOCABULARY.views))
    expect(live.actions.map((a) => `${a.type}:${a.name}`).sort()).toEqual(
      DEMO_VOCABULARY.actions.map((a) => `${a.type}:${a.name}`).sort(),
    )
    expect(names(live.lineItems)).toEqual(names(DEMO_VOCABULARY.lineItems))
    expect([...live.versions].sort()).toEqual([...DEMO_VOCABULARY.versions].sort())
    expect([...live.periods].sort()).toEqual([...DEMO_VOCABULARY.periods].sort())
    for (const list of DEMO_VOCABULARY.lists) {
      const l = live.lists.find((x) => x.name === list.name)
      // Both name the top-level totals people ask for ("All Products"), which Anaplan lists apart.
      const liveItems = (l?.items ?? []).map((i) => `${i.name}${i.code ? `/${i.code}` : ''}`)
      const want = list.items.map((i) => `${i.name}${i.code ? `/${i.code}` : ''}`)
      expect(liveItems.sort()).toEqual(want.sort())
    }
  })
})
