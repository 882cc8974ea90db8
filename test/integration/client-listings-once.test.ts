import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { find, type Harness, startHarness } from './conversation-helpers.ts'

// The model catalog is the bot's one source of names: a conversation's first minute reads each
// listing of the model once, whether the NLU vocabulary, the client's name resolution or a handler
// asked for it (counted by the simulator, per route).
let h: Harness

beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h?.close())

async function routes(): Promise<Record<string, number>> {
  return ((await (await fetch(`${h.sim.url}/__sim/stats`)).json()) as { routes: Record<string, number> })
    .routes
}

describe('a conversation over Sales Forecast', () => {
  it('reads every model listing once across connect, a view, a cell and a list', async () => {
    const before = await routes()
    expect((await h.chat('listings', 'connect to Sales Forecast')).messages[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('Connected to Sales Forecast'),
    })
    const view = await h.chat('listings', 'show me Revenue by Region for Gadgets in Actual')
    expect(find(view, 'table')?.rows.map((r) => r[0])).toContain('EMEA')
    const cell = await h.chat('listings', 'what is Units for Widgets in EMEA in Q1 FY26')
    expect(cell.messages.map((m) => (m.type === 'text' ? m.text : '')).join('\n')).toMatch(
      /Units for .*Widgets.* is [\d,]+/,
    )
    await h.chat('listings', 'what is the price of gadgets in APAC in Jan 26')
    const after = await routes()
    const listings = [
      'GET /2/0/workspaces',
      'GET /2/0/models/:modelId/modules',
      'GET /2/0/models/:modelId/lineItems',
      'GET /2/0/models/:modelId/views',
      'GET /2/0/models/:modelId/versions',
      'GET /2/0/models/:modelId/imports',
      'GET /2/0/models/:modelId/exports',
      'GET /2/0/models/:modelId/processes',
      'GET /2/0/models/:modelId/actions',
      'GET /2/0/models/:modelId/modelCalendar',
      'GET /2/0/workspaces/:workspaceId/models/:modelId/lists',
      'GET /2/0/workspaces/:workspaceId/models/:modelId/files',
    ]
    const counts = Object.fromEntries(listings.map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]))
    expect(counts).toEqual(Object.fromEntries(listings.map((k) => [k, 1])))
    // Each list's metadata and items once (three lists), each module's axes once (three modules).
    const per = (k: string) => (after[k] ?? 0) - (before[k] ?? 0)
    expect(per('GET /2/0/workspaces/:workspaceId/models/:modelId/lists/:listId')).toBe(3)
    expect(per('GET /2/0/workspaces/:workspaceId/models/:modelId/lists/:listId/items')).toBe(3)
  })
})
