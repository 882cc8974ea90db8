/**
 * `POST /api/nlu` understands names without a session: it pools the vocabularies of the models the
 * default identity can open. With a connected session it uses that session's model. Neither way
 * changes anything (no session is created or updated, no write reaches the simulator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allowAllPolicy, loadPolicy } from '../../src/bot/core/index.ts'
import { MetadataCache } from '../../src/bot/core/metadata.ts'
import { POOLED_DEMO_VOCABULARY } from '../../src/bot/nlu/demo-vocabulary.ts'
import { mergeVocabularies } from '../../src/bot/nlu/vocabulary.ts'
import { replyText, webClient } from '../support/api-chat.ts'
import { type Harness, startHarness } from './conversation-helpers.ts'

let h: Harness

beforeAll(async () => {
  h = await startHarness({ policy: allowAllPolicy() })
})
afterAll(async () => {
  await h.close()
})

async function nlu(body: { text: string; sessionId?: string }) {
  const res = await h.app.request('/api/nlu', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await webClient(h.app).headers()) },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as {
    intent: { name: string; confidence: number }
    parameters: Record<string, unknown>
  }
}

async function stats() {
  return (await (await fetch(`${h.sim.url}/__sim/stats`)).json()) as {
    mutations: { taskStarts: number; cellWrites: number; listWrites: number }
  }
}

describe('/api/nlu without a session', () => {
  it('knows the names of every model the default identity can open', async () => {
    const before = await stats()
    const view = await nlu({ text: 'show me Revenue by Region for Gadgets' })
    expect(view.intent.name).toBe('show_view')
    expect(view.intent.confidence).toBeGreaterThan(0.55)
    expect(view.parameters).toEqual({ view: 'Revenue by Region', pages: { Products: 'Gadgets' } })

    const cell = await nlu({ text: 'what is the forecast start month' })
    expect(cell.intent.name).toBe('read_cell')
    expect(cell.parameters).toEqual({ lineItem: 'Forecast Start Month' })

    // Workforce Plan's names are pooled too.
    const list = await nlu({ text: 'list the employees' })
    expect(list.intent.name).toBe('list_items')
    expect(list.parameters).toEqual({ list: 'Employees' })

    expect((await stats()).mutations).toEqual(before.mutations)
  })

  it('resolves partial names that are unique, and leaves ambiguous ones as said', async () => {
    const view = await nlu({ text: 'show me the revenue view' })
    expect(view.intent.name).toBe('show_view')
    expect(view.parameters).toEqual({ view: 'Revenue by Region' })
    const run = await nlu({ text: 'run the refresh process' })
    expect(run.intent.name).toBe('run_action')
    expect(run.parameters).toMatchObject({ action: 'Monthly Refresh' })
    const headcount = await nlu({ text: 'open the headcount view' })
    expect(headcount.parameters).toEqual({ view: 'Headcount by Department' })
    // "load" fits two imports: it stays as typed, for the bot to ask about.
    const load = await nlu({ text: 'run the load import' })
    expect(load.parameters).toEqual({ action: 'load', actionType: 'import' })
  })

  it('pools what the live metadata has (the labelled set relies on the same names)', async () => {
    const cache = new MetadataCache()
    const live = await cache.accessible('t', h.client())
    // The generated Retail Demand model is pooled too; the labelled sets rely on the other two.
    const retail = await cache.model('t', h.client(), await h.client().model({ model: 'Retail Demand' }))
    const want = mergeVocabularies([POOLED_DEMO_VOCABULARY, retail])
    const names = (xs: { name: string }[]) => [...new Set(xs.map((x) => x.name))].sort()
    expect(names(live.views)).toEqual(names(want.views))
    expect(names(live.actions)).toEqual(names(want.actions))
    expect(names(live.lineItems)).toEqual(names(want.lineItems))
    expect(names(live.lists)).toEqual(names(want.lists))
    for (const list of POOLED_DEMO_VOCABULARY.lists) {
      const liveItems = names(live.lists.find((l) => l.name === list.name)?.items ?? [])
      // Both name the top-level totals people ask for ("Total Company"), which Anaplan lists apart.
      expect(liveItems).toEqual(names(list.items))
    }
    expect([...live.versions].sort()).toEqual([...want.versions].sort())
    expect([...live.periods].sort()).toEqual([...want.periods].sort())
  })

  it('creates no session for an unknown sessionId and uses a connected session’s model', async () => {
    const unknown = await nlu({ text: 'show me Units by Product', sessionId: 'never-seen' })
    expect(unknown.parameters).toEqual({ view: 'Units by Product' })
    // Asking did not create the session: its first chat turn starts from scratch.
    const whoami = await h.chat('never-seen', 'what model am I connected to')
    expect(whoami.messages.length).toBeGreaterThan(0)

    await h.chat('wf', 'connect to Workforce Plan')
    // Sales Forecast's view is not a name of Workforce Plan: the session's model decides.
    const r = await nlu({ text: 'show me Revenue by Region for Gadgets', sessionId: 'wf' })
    expect(r.parameters.view).toBeUndefined()
    const own = await nlu({ text: 'list the departments', sessionId: 'wf' })
    expect(own.parameters).toEqual({ list: 'Departments' })
    // "the company" is the top item Total Company; "dept" the Departments list.
    const company = await h.chat('wf', 'total salary cost across the company for fy26')
    expect(replyText(company)).toContain('Total Company')
    expect(replyText(company)).not.toMatch(/no department/i)
    const top = await h.chat('wf', 'which dept has the most headcount')
    expect(replyText(top)).toMatch(/has the highest Headcount/)
  })
})

describe('partial names in a conversation', () => {
  it('shows the one view a part of a name fits, and asks back when it fits several', async () => {
    await h.chat('partial', 'connect to Sales Forecast')
    const view = await h.chat('partial', 'show me the revenue view')
    expect(view.intent.name).toBe('show_view')
    expect(replyText(view)).toContain('Revenue by Region')

    const run = await h.chat('partial', 'run the load import')
    expect(replyText(run)).toMatch(/Did you mean Load Actuals or Load Products\?/)
    const choices = run.messages.find((m) => m.type === 'choices')
    expect(choices?.type === 'choices' && choices.options.map((o) => o.label)).toEqual([
      'Load Actuals',
      'Load Products',
    ])
    // Nothing ran: the question comes before any confirmation.
    expect((await stats()).mutations.taskStarts).toBe(0)
  })
})

describe('/api/nlu without a session, under a policy', () => {
  it('pools names only from the models the caller may read', async () => {
    // The local demo user may read Sales Forecast only: Workforce Plan's names stay unknown.
    const only = await startHarness({
      policy: loadPolicy('defaults:\n  "Sales Forecast": { read: true }\n'),
    })
    try {
      const ask = async (text: string) => {
        const res = await only.app.request('/api/nlu', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await webClient(only.app).headers()) },
          body: JSON.stringify({ text }),
        })
        expect(res.status).toBe(200)
        return (await res.json()) as { parameters: Record<string, unknown> }
      }
      expect((await ask('list the employees')).parameters.list).not.toBe('Employees')
      expect((await ask('show me Revenue by Region for Gadgets')).parameters.view).toBe('Revenue by Region')
      // The same words with every model readable: the pooled names do include Workforce Plan's.
      expect((await nlu({ text: 'list the employees' })).parameters.list).toBe('Employees')
    } finally {
      await only.close()
    }
  })
})
