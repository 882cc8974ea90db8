/**
 * The Retail Demand demo model: generated lists (composite hierarchies), a sparse, lazily seeded
 * module of 300 stores × 3,000 SKUs × 24 months × 3 versions, its totals, and a view past the
 * plain-read limit served by a read request page by page.
 */
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { type Client, client, type Json, login, startTestSimulator, VIEWER } from './simulator-helpers.ts'

let sim: RunningSimulator
let api: Client
let clock = Date.now()
let m: string
let views: Record<string, string>
let lists: Record<string, string>
let dims: Record<string, string>

const byName = (items: Json[], name: string): Json => {
  const hit = items.find((x) => x.name === name)
  if (!hit) throw new Error(`${name} not found`)
  return hit
}

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => clock, taskMs: 1000 })
  api = client(sim, await login(sim))
  const ws = byName((await api.get('/workspaces')).json.workspaces, 'FP&A Demo')
  const model = byName((await api.get(`/workspaces/${ws.id}/models`)).json.models, 'Retail Demand')
  m = `/workspaces/${ws.id}/models/${model.id}`
  const mod = byName((await api.get(`${m}/modules`)).json.modules, 'RD01 Demand')
  views = Object.fromEntries(
    (await api.get(`${m}/modules/${mod.id}/views`)).json.views.map((v: Json) => [v.name, v.id]),
  )
  lists = Object.fromEntries((await api.get(`${m}/lists`)).json.lists.map((l: Json) => [l.name, l.id]))
  const meta = (await api.get(`${m}/views/${views['Units by SKU']}`)).json
  dims = Object.fromEntries([...meta.rows, ...meta.columns, ...meta.pages].map((d: Json) => [d.name, d.id]))
})
afterAll(() => sim.close())

/** The simulator as it starts (model, cells, tokens), signed in again. */
async function restart(): Promise<void> {
  await sim.reset()
  api = client(sim, await login(sim))
}

/** Ids of dimension items by name, from the view's own dimension items. */
async function itemId(viewName: string, dim: string, name: string): Promise<string> {
  const res = await api.get(`${m}/views/${views[viewName]}/dimensions/${dims[dim]}/items`)
  expect(res.status).toBe(200)
  return byName(res.json.items, name).id
}

/** A plain JSON read of a view page: row name → the cells. */
async function readGrid(viewName: string, pages: Record<string, string>): Promise<Map<string, string[]>> {
  const sel: string[] = []
  for (const [dim, item] of Object.entries(pages))
    sel.push(`${dims[dim]}:${await itemId(viewName, dim, item)}`)
  const res = await api.get(`${m}/views/${views[viewName]}/data?format=v1&pages=${sel.join(',')}`, {
    Accept: 'application/json',
  })
  expect(res.status).toBe(200)
  return new Map(res.json.rows.map((r: Json) => [r.rowCoordinates.join('|'), r.cells]))
}

describe('Retail Demand', () => {
  it('loads from the default model file with the documented lists, both demo users may read it', async () => {
    const items = async (list: string): Promise<Json[]> => {
      const res = await api.get(`${m}/lists/${lists[list]}/items`)
      expect(res.status).toBe(200)
      return res.json.listItems
    }
    expect((await items('Region')).map((i) => i.name)).toEqual(['North', 'South', 'East', 'West'])
    const countries = await items('Country')
    expect(countries).toHaveLength(12)
    expect(byName(countries, 'France').parent).toBe('West')
    const stores = await items('Store')
    expect(stores).toHaveLength(300)
    expect(stores[0]).toMatchObject({ name: 'Store 0001 Oslo', code: 'S0001', parent: 'Norway' })
    expect(stores[299]).toMatchObject({ code: 'S0300', parent: 'Netherlands' })
    expect(await items('Category')).toHaveLength(6)
    expect(await items('Subcategory')).toHaveLength(30)
    const skus = await items('SKU')
    expect(skus).toHaveLength(3000)
    expect(skus[0]).toMatchObject({
      name: 'SKU00001 Trail Shoe 42',
      code: 'SKU00001',
      parent: 'Running Shoes',
    })
    const meta = (await api.get(`${m}/lists/${lists.Store}`)).json.metadata
    expect(meta.topLevelItem?.name).toBe('All Regions')
    // The viewer may read it too.
    const viewer = client(sim, await login(sim, VIEWER))
    expect((await viewer.get(`${m}/lists/${lists.SKU}/items`)).status).toBe(200)
  })

  it('seeds cells lazily and deterministically: the same figures twice and after a reset', async () => {
    const page = { Store: 'Store 0001 Oslo', Time: 'Jan 25' }
    const first = await readGrid('Units by SKU', page)
    expect(first.size).toBe(3037) // 3,000 SKUs, 30 subcategories, 6 categories, All Categories
    const values = [...first.values()].flat().map(Number)
    // Sparse: a store carries a share of the SKUs, the rest are empty (0).
    const carried = values.filter((v) => v > 0).length
    expect(carried).toBeGreaterThan(0)
    expect(carried).toBeLessThan(values.length / 2)
    expect(await readGrid('Units by SKU', page)).toEqual(first)
    await restart()
    expect(await readGrid('Units by SKU', page)).toEqual(first)
  })

  it('aggregates Store and SKU parents with each line item summary', async () => {
    const grid = await readGrid('Units by SKU', { Store: 'All Regions', Time: 'Jan 25' })
    const leaves = [...grid.entries()].filter(([k]) => /^SKU\d{5} /.test(k))
    const actual = (row: string[] | undefined) => Number(row![0])
    const sum = leaves.reduce((n, [, cells]) => n + Number(cells[0]), 0)
    expect(actual(grid.get('All Categories'))).toBe(sum)
    const running = leaves
      .filter(([k]) => Number(k.slice(3, 8)) <= 100)
      .reduce((n, [, c]) => n + Number(c[0]), 0)
    expect(actual(grid.get('Running Shoes'))).toBe(running)
  })

  it('a write changes the totals, also on a pair the seed leaves empty', async () => {
    const store = 'Store 0002 Bergen'
    const before = await readGrid('Units by SKU', { Store: store, Time: 'Jan 25' })
    const empty = [...before.entries()].find(([k, cells]) => /^SKU\d{5} /.test(k) && cells[0] === '0')![0]
    const carried = [...before.entries()].find(([k, cells]) => /^SKU\d{5} /.test(k) && cells[0] !== '0')!
    const totalBefore = await readGrid('Units by SKU', { Store: 'All Regions', Time: 'Q1 FY25' })
    const modules = (await api.get(`${m}/modules`)).json.modules
    const res = await api.post(`${m}/modules/${byName(modules, 'RD01 Demand').id}/data`, [
      cellWrite(store, empty, 500),
      cellWrite(store, carried[0], Number(carried[1][0]) + 1000),
    ])
    expect(res.json).toMatchObject({ numberOfCellsChanged: 2 })
    const totalAfter = await readGrid('Units by SKU', { Store: 'All Regions', Time: 'Q1 FY25' })
    const actual = (g: Map<string, string[]>, row: string) => Number(g.get(row)![0])
    expect(actual(totalAfter, empty) - actual(totalBefore, empty)).toBe(500)
    expect(actual(totalAfter, carried[0]) - actual(totalBefore, carried[0])).toBe(1000)
    expect(actual(totalAfter, 'All Categories') - actual(totalBefore, 'All Categories')).toBe(1500)
    await restart()
  })

  it('answers 400 to a plain read past 1,000,000 cells and serves the same data by a read request', async () => {
    const big = views['Units by Store and SKU']
    const plain = await api.get(`${m}/views/${big}/data`)
    expect(plain.status).toBe(400)
    expect(plain.json.status.message).toMatch(/more than 1000000 cells/)
    const base = `${m}/views/${big}/readRequests`
    const created = await api.post(base, { exportType: 'TABULAR_MULTI_COLUMN' })
    expect(created.status).toBe(200)
    const id = created.json.viewReadRequest.requestId
    clock += 2000
    const status = (await api.get(`${base}/${id}`)).json.viewReadRequest
    expect(status.requestState).toBe('COMPLETE')
    // 34 time periods × one line item (Units, on the Line Items page) × 317 stores and totals ×
    // 3,037 SKUs and totals, 1,000 lines a page.
    expect(status.availablePages).toBe(Math.ceil((34 * 1 * 317 * 3037) / 1000))
    const pageRows = async (n: number): Promise<string[][]> => {
      const res = await api.get(`${base}/${id}/pages/${n}`)
      expect(res.status).toBe(200)
      return parse(res.text) as string[][]
    }
    const [header, ...rows] = await pageRows(0)
    expect(header).toEqual(['Time', 'Line Items', 'Store', 'SKU', 'Actual', 'Forecast', 'Budget'])
    expect(rows).toHaveLength(1000)
    const oslo = await readGrid('Units by SKU', { Store: 'Store 0001 Oslo', Time: 'Jan 25' })
    for (const r of rows) {
      expect(r.slice(0, 3)).toEqual(['Jan 25', 'Units', 'Store 0001 Oslo'])
      expect(r.slice(4)).toEqual(oslo.get(r[3]!))
    }
    // All Regions is the last Store item: its rows for Jan 25 start at line 316 × 3037.
    const n = Math.floor((316 * 3037) / 1000)
    const totals = await readGrid('Units by SKU', { Store: 'All Regions', Time: 'Jan 25' })
    const later = (await pageRows(n)).slice(1).filter((r) => r[2] === 'All Regions')
    expect(later.length).toBeGreaterThan(0)
    for (const r of later) expect(r.slice(4)).toEqual(totals.get(r[3]!))
    expect((await api.delete(`${base}/${id}`)).status).toBe(200)
  })
})

function cellWrite(store: string, sku: string, value: number) {
  return {
    lineItemName: 'Units',
    dimensions: [
      { dimensionName: 'Store', itemName: store },
      { dimensionName: 'SKU', itemName: sku },
      { dimensionName: 'Time', itemName: 'Jan 25' },
      { dimensionName: 'Versions', itemName: 'Actual' },
    ],
    value,
  }
}
