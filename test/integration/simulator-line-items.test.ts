/**
 * Line Items on every view: a saved view filtered to one line item (Retail Demand's SKU Ranking,
 * `lineItems: [Net Sales]` with no Line Items axis in the model file) lists Line Items as its last
 * page, offers only that line item, and names it in its data, as Anaplan does. Responses are checked
 * against the Anaplan OpenAPI description.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  type ApiResponse,
  type Client,
  client,
  expectContract,
  type Json,
  login,
  startTestSimulator,
} from './simulator-helpers.ts'

const LINE_ITEMS_ID = '101999999999'

let sim: RunningSimulator
let api: Client
let m: string
/** The model-level form: the OpenAPI description documents view data and items there only. */
let mm: string
let views: Record<string, string>
let lineItems: Record<string, string>

const byName = (items: Json[], name: string): Json => {
  const hit = items.find((x) => x.name === name)
  if (!hit) throw new Error(`${name} not found among ${items.map((x) => x.name).join(', ')}`)
  return hit
}

async function check(path: string, headers?: Record<string, string>): Promise<ApiResponse> {
  const res = await api.get(path, headers)
  expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBe(200)
  expectContract('GET', `${sim.apiUrl}${path}`, res)
  return res
}

/** `pages=` for the view from item names, ids looked up in the view's own dimension items. */
async function pagesOf(view: string, wanted: Record<string, string>): Promise<string> {
  const meta = (await api.get(`${m}/views/${views[view]}`)).json
  const sel: string[] = []
  for (const [dim, item] of Object.entries(wanted)) {
    const d = byName(meta.pages, dim)
    const items = (await api.get(`${m}/views/${views[view]}/dimensions/${d.id}/items`)).json.items
    sel.push(`${d.id}:${byName(items, item).id}`)
  }
  return sel.join(',')
}

beforeAll(async () => {
  sim = await startTestSimulator()
  api = client(sim, await login(sim))
  const ws = byName((await api.get('/workspaces')).json.workspaces, 'FP&A Demo')
  const model = byName((await api.get(`/workspaces/${ws.id}/models`)).json.models, 'Retail Demand')
  m = `/workspaces/${ws.id}/models/${model.id}`
  mm = `/models/${model.id}`
  const mod = byName((await api.get(`${m}/modules`)).json.modules, 'RD01 Demand')
  views = Object.fromEntries(
    (await api.get(`${m}/modules/${mod.id}/views`)).json.views.map((v: Json) => [v.name, v.id]),
  )
  lineItems = Object.fromEntries(
    (await api.get(`${m}/modules/${mod.id}/lineItems`)).json.items.map((li: Json) => [li.name, li.id]),
  )
})
afterAll(() => sim.close())

describe('a saved view filtered to one line item', () => {
  it('lists Line Items as its last page dimension in its metadata', async () => {
    const meta = (await check(`${m}/views/${views['SKU Ranking']}`)).json
    expect(meta.rows.map((d: Json) => d.name)).toEqual(['SKU'])
    expect(meta.columns.map((d: Json) => d.name)).toEqual(['Versions'])
    expect(meta.pages.map((d: Json) => d.name)).toEqual(['Store', 'Time', 'Line Items'])
    expect(meta.pages[2].id).toBe(LINE_ITEMS_ID)
  })

  it('offers only its filtered line item as Line Items items', async () => {
    const res = await check(`${mm}/views/${views['SKU Ranking']}/dimensions/${LINE_ITEMS_ID}/items`)
    expect(res.json.items).toEqual([{ id: lineItems['Net Sales'], name: 'Net Sales' }])
    const units = await check(`${mm}/views/${views['Units by SKU']}/dimensions/${LINE_ITEMS_ID}/items`)
    expect(units.json.items.map((i: Json) => i.name)).toEqual(['Units'])
  })

  it('names the line item in its data pages, JSON and CSV, by default and when selected', async () => {
    const base = `${mm}/views/${views['SKU Ranking']}/data`
    const json = { Accept: 'application/json' }
    const byDefault = (await check(`${base}?format=v1`, json)).json
    expect(byDefault.pages.at(-1)).toBe('Net Sales')
    const pages = await pagesOf('SKU Ranking', {
      Store: 'All Regions',
      Time: 'FY25',
      'Line Items': 'Net Sales',
    })
    const selected = (await check(`${base}?format=v1&pages=${pages}`, json)).json
    expect(selected.pages).toEqual(['All Regions', 'FY25', 'Net Sales'])
    const csv = await api.get(`${base}?pages=${pages}`)
    expect(csv.status).toBe(200)
    expect(csv.text.split('\n')[0]).toBe('All Regions,FY25,Net Sales')
    // The page really is Net Sales: the same total read through Net Sales by Store.
    const total = selected.rows.find((r: Json) => r.rowCoordinates[0] === 'All Categories').cells[0]
    const byStore = (
      await check(
        `${mm}/views/${views['Net Sales by Store']}/data?format=v1&pages=${await pagesOf(
          'Net Sales by Store',
          {
            SKU: 'All Categories',
            Versions: 'Actual',
          },
        )}`,
        json,
      )
    ).json
    expect(byStore.pages).toEqual(['All Categories', 'Actual', 'Net Sales'])
    const fy25 = byStore.columnCoordinates.findIndex((c: string[]) => c[0] === 'FY25')
    expect(byStore.rows.find((r: Json) => r.rowCoordinates[0] === 'All Regions').cells[fy25]).toBe(total)
    expect(Number(total)).toBeGreaterThan(0)
  })

  it('refuses a Line Items selector for a line item outside the filter, and an unknown one', async () => {
    const base = `${m}/views/${views['SKU Ranking']}/data?format=v1`
    for (const id of [lineItems.Units, '206999999999']) {
      const res = await api.get(`${base}&pages=${LINE_ITEMS_ID}:${id}`, { Accept: 'application/json' })
      expect(res.status).toBe(400)
      expect(res.json.status.message).toBe(`Invalid page selector [${LINE_ITEMS_ID}:${id}]`)
    }
  })

  it('a module default view keeps Line Items on its rows: no Line Items page selector', async () => {
    const mod = byName((await api.get(`${m}/modules`)).json.modules, 'RD01 Demand')
    const meta = (await check(`${m}/views/${mod.id}`)).json
    expect(meta.rows.map((d: Json) => d.name)).toContain('Line Items')
    const res = await api.get(`${m}/views/${mod.id}/data?pages=${LINE_ITEMS_ID}:${lineItems.Units}`)
    expect(res.status).toBe(400)
    expect(res.json.status.message).toBe(`Invalid page selector [${LINE_ITEMS_ID}]`)
  })
})
