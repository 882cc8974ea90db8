import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AnaplanClient,
  type AnaplanClientOptions,
  type ModelCatalog,
  type ModelScope,
  NameResolutionError,
} from '../../src/anaplan/index.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

// The model catalog against the simulator: its contents for Sales Forecast, and how often it reads
// the listings (counted by the simulator, per route).
let sim: RunningSimulator

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 30 })
})

afterAll(async () => {
  await sim?.close()
})

/** A client with its own cache and, when given, its own clock. */
function newClient(extra: Partial<AnaplanClientOptions> = {}): AnaplanClient {
  return new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    ...extra,
  })
}

/** Runs `fn` on Sales Forecast through a fresh client, closed afterwards. */
async function withModel(
  fn: (model: ModelScope) => Promise<void>,
  extra: Partial<AnaplanClientOptions> = {},
) {
  const client = newClient(extra)
  try {
    await fn(await client.model({ model: 'Sales Forecast' }))
  } finally {
    await client.close()
  }
}

async function routes(): Promise<Record<string, number>> {
  const res = await fetch(`${sim.url}/__sim/stats`)
  return ((await res.json()) as { routes: Record<string, number> }).routes
}

/** Requests per route since `before`, for GETs under a model (the listings). */
function listingsSince(before: Record<string, number>, after: Record<string, number>) {
  const out: Record<string, number> = {}
  for (const [k, n] of Object.entries(after)) {
    const d = n - (before[k] ?? 0)
    if (d > 0 && k.startsWith('GET ') && k.includes(':modelId')) out[k] = d
  }
  return out
}

const byName = <T extends { name: string }>(xs: readonly T[], name: string): T => {
  const hit = xs.find((x) => x.name === name)
  if (!hit) throw new Error(`no ${name} in ${xs.map((x) => x.name).join(', ')}`)
  return hit
}

describe('the Sales Forecast catalog', () => {
  let client: AnaplanClient
  let model: ModelScope
  let cat: ModelCatalog

  beforeAll(async () => {
    client = newClient()
    model = await client.model({ model: 'Sales Forecast' })
    cat = await model.catalog()
  })
  afterAll(() => client.close())

  it('names the model and its modules with their dimensions', () => {
    expect(cat.modelId).toBe(model.modelId)
    expect(cat.modelName).toBe('Sales Forecast')
    const regions = byName(cat.lists, 'Regions')
    const products = byName(cat.lists, 'Products')
    const rev = byName(cat.modules, 'REV01 Revenue')
    expect(rev.dimensionIds).toEqual([regions.id, products.id, '20000000003', '20000000020'])
    expect(byName(cat.modules, 'OPX01 Expenses').dimensionIds).toEqual([
      regions.id,
      '20000000003',
      '20000000020',
    ])
    expect(byName(cat.modules, 'SYS01 Settings').dimensionIds).toEqual([])
    expect(rev.lineItemIds.map((id) => cat.lineItems.find((li) => li.id === id)?.name)).toEqual([
      'Units',
      'Price',
      'Revenue',
    ])
    expect(cat.dimensions.map((d) => `${d.name}:${d.kind}`)).toEqual([
      'Regions:list',
      'Products:list',
      'Channels:list',
      'Time:time',
      'Versions:version',
    ])
  })

  it('gives each line item its format, summaries, time scale and dimensions', () => {
    const price = byName(cat.lineItems, 'Price')
    expect(price).toMatchObject({ moduleName: 'REV01 Revenue', format: 'NUMBER', summary: 'AVERAGE' })
    expect(price.timeSummary).toBe('AVERAGE')
    expect(price.timeScale).toBe('Month')
    const revenue = byName(cat.lineItems, 'Revenue')
    expect(revenue).toMatchObject({ summary: 'SUM', timeSummary: 'SUM', formula: 'Units * Price' })
    expect(revenue.dimensionIds).toEqual(byName(cat.modules, 'REV01 Revenue').dimensionIds)
    // Headcount adds up over regions but its year is the last month's figure.
    expect(byName(cat.lineItems, 'Headcount')).toMatchObject({ summary: 'SUM', timeSummary: 'LAST' })
    const start = byName(cat.lineItems, 'Forecast Start Month')
    expect(start.format).toBe('TIME PERIOD')
    expect(start.timeScale).toBeUndefined()
    expect(start.dimensionIds).toEqual([])
  })

  it('lists items with codes, parents and the top-level item', () => {
    const regions = byName(cat.lists, 'Regions')
    expect(regions.topLevelItem?.name).toBe('Total Regions')
    expect(regions.itemCount).toBe(4)
    expect(regions.items?.map((i) => i.name)).toEqual(['North America', 'EMEA', 'APAC', 'LATAM'])
    expect(regions.items?.every((i) => i.parentId === regions.topLevelItem?.id)).toBe(true)
    const products = byName(cat.lists, 'Products')
    expect(products.topLevelItem?.name).toBe('All Products')
    expect(products.items?.map((i) => `${i.code}=${i.name}`)).toEqual([
      'WID=Widgets',
      'GAD=Gadgets',
      'GIZ=Gizmos',
      'SPR=Sprockets',
    ])
    const channels = byName(cat.lists, 'Channels')
    expect(channels.topLevelItem).toBeUndefined()
    expect(channels.parentListId).toBeUndefined()
  })

  it('reads every period with its level, months and parent', () => {
    const months = cat.periods.filter((p) => p.level === 'month')
    const quarters = cat.periods.filter((p) => p.level === 'quarter')
    const years = cat.periods.filter((p) => p.level === 'year')
    expect(months.map((p) => p.name)).toEqual([
      'Jan 26',
      'Feb 26',
      'Mar 26',
      'Apr 26',
      'May 26',
      'Jun 26',
      'Jul 26',
      'Aug 26',
      'Sep 26',
      'Oct 26',
      'Nov 26',
      'Dec 26',
    ])
    expect(months.map((p) => p.index)).toEqual([...Array(12).keys()])
    expect(quarters.map((q) => `${q.name} ${q.start}..${q.end}`)).toEqual([
      'Q1 FY26 2026-01..2026-03',
      'Q2 FY26 2026-04..2026-06',
      'Q3 FY26 2026-07..2026-09',
      'Q4 FY26 2026-10..2026-12',
    ])
    expect(years).toEqual([
      expect.objectContaining({ name: 'FY26', level: 'year', index: 0, start: '2026-01', end: '2026-12' }),
    ])
    expect(years[0]?.parentId).toBeUndefined()
    const q2 = byName(quarters, 'Q2 FY26')
    expect(byName(months, 'May 26').parentId).toBe(q2.id)
    expect(q2.parentId).toBe(years[0]?.id)
    expect(cat.currentPeriodId).toBe(byName(months, 'Jun 26').id)
  })

  it('has versions, views, actions and files', () => {
    expect(cat.versions).toEqual([
      expect.objectContaining({ name: 'Actual', isActual: true, isCurrent: false }),
      expect.objectContaining({ name: 'Forecast', isActual: false, isCurrent: true }),
      expect.objectContaining({ name: 'Budget', isActual: false, isCurrent: false }),
    ])
    const view = byName(cat.views, 'REV01 Revenue.Revenue by Region')
    expect(view).toMatchObject({ shortName: 'Revenue by Region', moduleName: 'REV01 Revenue' })
    expect(view.isDefault).toBeUndefined()
    expect(byName(cat.views, 'REV01 Revenue').isDefault).toBe(true)
    expect(byName(cat.actions, 'Load Actuals').type).toBe('import')
    expect(cat.actions.map((a) => a.type)).toEqual(expect.arrayContaining(['import', 'export', 'process']))
    expect(cat.files?.map((f) => f.name)).toContain('actuals.csv')
    expect(cat.unavailable).toBeUndefined()
  })

  it('is the same object while the listings are cached, and accepted by methods as a selector', async () => {
    expect(await model.catalog()).toBe(cat)
    const before = await routes()
    const view = byName(cat.views, 'REV01 Revenue.Revenue by Region')
    const data = await model.readView(view, { Products: 'Gadgets', Versions: 'Actual' })
    expect(data.rows.map((r) => r.rowCoordinates[0])).toContain('EMEA')
    const cell = await model.readCell(byName(cat.modules, 'REV01 Revenue'), byName(cat.lineItems, 'Price'), {
      Regions: 'EMEA',
      Products: 'GAD',
      Time: 'Jan 26',
      Versions: 'Actual',
    })
    expect(cell.value).toBe('40')
    // Names were resolved from the cached catalog: only the saved view's own axes were read.
    const read = listingsSince(before, await routes())
    expect(Object.keys(read).filter((k) => !k.includes('/data') && !k.includes('/dimensions/'))).toEqual([
      'GET /2/0/models/:modelId/views/:viewId',
    ])
    expect(read['GET /2/0/models/:modelId/views/:viewId']).toBe(1)
  })
})

describe('fetching the listings', () => {
  it('reads each listing once per TTL, shared by concurrent callers and every scope', async () => {
    let now = 1_000_000
    const client = newClient({ now: () => now, nameCacheTtlMs: 60_000 })
    try {
      const [a, b] = await Promise.all([
        client.model({ model: 'Sales Forecast' }),
        client.model({ model: 'Sales Forecast' }),
      ])
      const before = await routes()
      const [c1, c2, c3] = await Promise.all([a.catalog(), b.catalog(), a.catalog()])
      expect(c2).toBe(c1)
      expect(c3).toBe(c1)
      // The scope's own resolution reads the same sections.
      await a.viewMetadata('Revenue by Region')
      await b.listItems('Products')
      await a.findAction('Load Actuals')
      const first = listingsSince(before, await routes())
      expect(first).toEqual({
        'GET /2/0/models/:modelId/modules': 1,
        'GET /2/0/models/:modelId/lineItems': 1,
        'GET /2/0/models/:modelId/lineItems/:lineItemId/dimensions/:dimensionId/items': 1,
        'GET /2/0/models/:modelId/views': 1,
        // One default view per module for its dimensions, and the saved view asked for.
        'GET /2/0/models/:modelId/views/:viewId': 4,
        'GET /2/0/workspaces/:workspaceId/models/:modelId/lists': 1,
        'GET /2/0/workspaces/:workspaceId/models/:modelId/lists/:listId': 3,
        // 3 for the catalog, and the one listItems() asked for itself.
        'GET /2/0/workspaces/:workspaceId/models/:modelId/lists/:listId/items': 4,
        'GET /2/0/models/:modelId/versions': 1,
        'GET /2/0/models/:modelId/modelCalendar': 1,
        'GET /2/0/models/:modelId/imports': 1,
        'GET /2/0/models/:modelId/exports': 1,
        'GET /2/0/models/:modelId/processes': 1,
        'GET /2/0/models/:modelId/actions': 1,
        'GET /2/0/workspaces/:workspaceId/models/:modelId/files': 1,
      })

      now += 59_000
      const mid = await routes()
      expect(await a.catalog()).toBe(c1)
      expect(listingsSince(mid, await routes())).toEqual({})

      now += 2_000
      const late = await routes()
      const fresh = await b.catalog()
      expect(fresh).not.toBe(c1)
      expect(fresh.fetchedAt).toBe(now)
      expect(listingsSince(late, await routes())['GET /2/0/models/:modelId/modules']).toBe(1)
    } finally {
      await client.close()
    }
  })

  it('resolves a model by name once per listing TTL, then again from a fresh listing', async () => {
    let now = 5_000_000
    const client = newClient({ now: () => now, nameCacheTtlMs: 60_000 })
    try {
      await client.model({ model: 'Sales Forecast' }) // lists the models
      const first = await client.model({ model: 'Sales Forecast' })
      const before = await routes()
      expect(await client.model({ model: 'sales forecast' })).not.toBe(first)
      expect(await client.model({ model: 'Sales Forecast' })).toBe(first)
      expect((await routes())['GET /2/0/models']).toBe(before['GET /2/0/models'])
      now += 61_000
      const again = await client.model({ model: 'Sales Forecast' })
      expect(again).not.toBe(first)
      expect(again.modelId).toBe(first.modelId)
      expect((await routes())['GET /2/0/models']).toBe((before['GET /2/0/models'] ?? 0) + 1)
      // A cleared cache resolves from a new listing too.
      client.cache.invalidate()
      await client.model({ model: 'Sales Forecast' })
      expect((await routes())['GET /2/0/models']).toBe((before['GET /2/0/models'] ?? 0) + 2)
    } finally {
      await client.close()
    }
  })

  it('reads a view with the same pages from the cached listings, and from fresh ones once dropped', async () => {
    const client = newClient()
    try {
      const model = await client.model({ model: 'Sales Forecast' })
      const pages = { Products: 'gadgets', Versions: 'Actual' }
      const first = await model.readView('Revenue by Region', pages)
      expect(first.pages).toEqual(['Gadgets', 'Actual', 'Revenue'])
      const before = await routes()
      expect(await model.readView('Revenue by Region', pages)).toEqual(first)
      expect(listingsSince(before, await routes())).toEqual({
        'GET /2/0/models/:modelId/views/:viewId/data': 1,
      })
      client.cache.invalidate()
      const again = await client.model({ model: 'Sales Forecast' })
      expect(await again.readView('Revenue by Region', pages)).toEqual(first)
      const read = listingsSince(before, await routes())
      expect(read['GET /2/0/models/:modelId/views/:viewId']).toBe(1)
    } finally {
      await client.close()
    }
  })

  it('does not keep a failed fetch: the next call reads again', () =>
    withModel(
      async (model) => {
        const fault = await fetch(`${sim.url}/__sim/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ method: 'GET', path: `/2/0/models/${model.modelId}/versions`, status: 503 }),
        })
        expect(fault.status).toBeLessThan(300)
        await expect(model.catalog()).rejects.toMatchObject({ status: 503 })
        const cat = await model.catalog()
        expect(cat.versions.map((v) => v.name)).toEqual(['Actual', 'Forecast', 'Budget'])
      },
      { maxRetries: 0 },
    ))

  it('sees a list change made through the client at once', () =>
    withModel(async (model) => {
      const before = await model.catalog()
      const beforeWrite = await routes()
      expect(byName(before.lists, 'Channels').items?.map((i) => i.name)).toEqual([
        'Direct',
        'Partner',
        'Online',
      ])
      const added = await model.addListItems('Channels', [{ name: 'Retail' }])
      expect(added.added).toBe(1)
      try {
        const after = await model.catalog()
        expect(byName(after.lists, 'Channels').items?.map((i) => i.name)).toContain('Retail')
        expect(byName(after.lists, 'Channels').itemCount).toBe(4)
        expect(after.lists.map((l) => l.name)).toEqual(before.lists.map((l) => l.name))
        // Only the changed list is read again.
        const read = listingsSince(beforeWrite, await routes())
        expect(read).toEqual({
          'GET /2/0/workspaces/:workspaceId/models/:modelId/lists/:listId': 1,
          'GET /2/0/workspaces/:workspaceId/models/:modelId/lists/:listId/items': 1,
        })
      } finally {
        await model.deleteListItems('Channels', [{ name: 'Retail' }])
      }
      expect(byName((await model.catalog()).lists, 'Channels').items).toHaveLength(3)
    }))

  it('leaves the items of lists over maxIndexedItems to be looked up', () =>
    withModel(async (model) => {
      const cat = await model.catalog({ maxIndexedItems: 3 })
      expect(byName(cat.lists, 'Regions').itemCount).toBe(4)
      expect('items' in byName(cat.lists, 'Regions')).toBe(false)
      expect(byName(cat.lists, 'Regions').topLevelItem?.name).toBe('Total Regions')
      expect(byName(cat.lists, 'Channels').items).toHaveLength(3)
      const found = await model.lookupDimensionItems(byName(cat.lists, 'Regions'), { names: ['emea'] })
      expect(found.map((i) => i.name)).toEqual(['EMEA'])
    }))

  it('names an unknown selector back with close matches', () =>
    withModel(async (model) => {
      const error = await model.readView('Revenue by Regin').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NameResolutionError)
      expect((error as NameResolutionError).candidates.join()).toContain('Revenue by Region')
    }))
})
