/**
 * Questions about the large Retail Demand model through `POST /api/chat`: composite hierarchies
 * (Region > Country > Store, Category > Subcategory > SKU) asked by any level, plural list names,
 * a calendar of two years, a module too large for one plain read. Expected figures are plain reads
 * of the simulator's saved views (the engine's code path is not used to compute them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelScope } from '../../src/anaplan/index.ts'
import { allowAllPolicy, encodeChoice } from '../../src/bot/core/index.ts'
import type { BotReply } from '../../src/bot/core/types.ts'
import { replyText } from '../support/api-chat.ts'
import { find, type Harness, startHarness } from './conversation-helpers.ts'

let h: Harness
let model: ModelScope
let n = 0
const CATEGORIES = ['Footwear', 'Apparel', 'Equipment', 'Accessories', 'Nutrition', 'Electronics']
const COUNTRIES = ['Norway', 'Sweden', 'Denmark', 'Spain', 'Italy', 'Portugal', 'Poland', 'Austria']
const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 })

type Grid = Awaited<ReturnType<ModelScope['readView']>>
const grids = new Map<string, Grid>()
async function grid(view: string, pages: Record<string, string>): Promise<Grid> {
  const key = `${view}|${JSON.stringify(pages)}`
  if (!grids.has(key)) grids.set(key, await model.readView(`RD01 Demand.${view}`, pages))
  return grids.get(key) as Grid
}
function at(g: Grid, row: string, column: string): number {
  const r = g.rows.find((x) => x.rowCoordinates[0] === row)
  const j = g.columnCoordinates.findIndex((c) => c[0] === column)
  const raw = r?.cells[j]
  if (raw === undefined) throw new Error(`no cell ${row} ${column}`)
  return Number(raw)
}
/** Net Sales at a Store-level item (a store, country, region or All Regions) for an SKU-level item. */
async function netSales(store: string, period: string, version = 'Forecast', sku = 'All Categories') {
  return at(await grid('Net Sales by Store', { SKU: sku, Versions: version }), store, period)
}

async function connected(): Promise<string> {
  const s = `r-${++n}`
  await h.chat(s, 'connect to Retail Demand')
  return s
}

function tableRow(reply: BotReply, label: string): string[] | undefined {
  return find(reply, 'table')?.rows.find((row) => row.includes(label))
}

beforeAll(async () => {
  // These tests check answers, not speed (the analytics benchmark does): the simulator builds
  // Retail Demand's sparse index on the first read, seconds on a loaded machine, and a reply past
  // the usual 5 s budget would come as "still working" instead of the answer checked here.
  h = await startHarness({ policy: allowAllPolicy(), replyBudgetMs: 60_000 })
  model = await h.client().model({ model: 'Retail Demand' })
})
afterAll(async () => {
  await h.close()
})

describe('Retail Demand questions over /api/chat', () => {
  it('a ranking over a plural leaf list: the top 5 SKUs by units in a country and quarter', async () => {
    const s = await connected()
    const r = await h.chat(s, 'top 5 SKUs by units in Spain for Q1 FY26')
    expect(r.question?.shape).toMatchObject({ kind: 'ranking', by: { name: 'SKU' }, limit: 5, order: 'desc' })
    const g = await grid('Units by SKU', { Store: 'Spain', Time: 'Q1 FY26' })
    const j = g.columnCoordinates.findIndex((c) => c[0] === 'Forecast')
    const top = g.rows
      .filter((row) => /^SKU\d{5}\b/.test(row.rowCoordinates[0] ?? ''))
      .map((row) => Number(row.cells[j]))
      .sort((a, b) => b - a)
      .slice(0, 5)
    const rows = find(r, 'table')?.rows ?? []
    expect(rows).toHaveLength(5)
    expect(rows.map((row) => row.at(-1))).toEqual(top.map(fmt))
  })

  it('top 10 SKUs by net sales in FY25: one plain read of SKU Ranking, its Line Items page set to Net Sales', async () => {
    const s = await connected()
    const catalog = await model.catalog()
    const current = catalog.versions.find((v) => v.isCurrent)?.name ?? ''
    expect(current).not.toBe('')
    const views = async () => {
      const res = await fetch(`${h.sim.url}/__sim/stats`)
      const routes = ((await res.json()) as { routes: Record<string, number> }).routes
      const count = (suffix: string) =>
        Object.entries(routes)
          .filter(([route]) => route.endsWith(suffix))
          .reduce((n, [, k]) => n + k, 0)
      return { plain: count('/views/:viewId/data'), large: count('/views/:viewId/readRequests') }
    }
    const before = await views()
    const r = await h.chat(s, 'top 10 SKUs by net sales in FY25')
    const after = await views()
    expect(r.question?.shape).toMatchObject({
      kind: 'ranking',
      by: { name: 'SKU' },
      limit: 10,
      order: 'desc',
    })
    // One page of one view answers: All Regions × FY25 × Net Sales, every SKU on its rows.
    expect(after.plain - before.plain).toBe(1)
    expect(after.large - before.large).toBe(0)
    const g = await grid('SKU Ranking', { Store: 'All Regions', Time: 'FY25', 'Line Items': 'Net Sales' })
    expect(g.pages).toEqual(['All Regions', 'FY25', 'Net Sales'])
    const j = g.columnCoordinates.findIndex((c) => c[0] === current)
    const top = g.rows
      .filter((row) => /^SKU\d{5}\b/.test(row.rowCoordinates[0] ?? ''))
      .map((row) => ({ sku: row.rowCoordinates[0] ?? '', v: Number(row.cells[j]) }))
      .sort((a, b) => b.v - a.v)
      .slice(0, 10)
    const rows = find(r, 'table')?.rows ?? []
    expect(rows).toHaveLength(10)
    expect(rows.map((row) => row.at(-1))).toEqual(top.map((x) => fmt(x.v)))
    expect(rows.map((row) => row.find((c) => /^SKU\d{5}\b/.test(c)))).toEqual(top.map((x) => x.sku))
  })

  it('SKU Ranking on screen: its Line Items page is Net Sales, offered alone, and "the total" is Net Sales', async () => {
    const s = await connected()
    const pages = { Store: 'Store 0076 Madrid', Time: 'FY26' }
    const shown = await h.chat(s, { choice: encodeChoice('show_view', { view: 'SKU Ranking', pages }) })
    const table = find(shown, 'table')
    expect(table?.title).toBe('SKU Ranking (Store 0076 Madrid, FY26, Net Sales)')
    const control = table?.pages?.find((p) => p.dimension === 'Line Items')
    expect(control?.selected).toBe('Net Sales')
    expect(control?.options.map((o) => o.label)).toEqual(['Net Sales'])
    const total = await h.chat(s, 'what is the total?')
    expect(total.question?.measures[0]?.lineItem).toBe('Net Sales')
    const current = (await model.catalog()).versions.find((v) => v.isCurrent)?.name ?? ''
    const g = await grid('SKU Ranking', pages)
    expect(replyText(total)).toContain(fmt(at(g, 'All Categories', current)))
  })

  it('a ranking by a parent level names the level: rank the categories, net sales by country', async () => {
    const s = await connected()
    const rank = await h.chat(s, 'rank the categories by net sales for FY26 actual')
    expect(replyText(rank)).toContain('Net Sales by Category · FY26 · Actual')
    const values = await Promise.all(CATEGORIES.map((c) => netSales('All Regions', 'FY26', 'Actual', c)))
    const expected = CATEGORIES.map((c, i) => [c, values[i] as number]).sort(
      (a, b) => (b[1] as number) - (a[1] as number),
    )
    expect(find(rank, 'table')?.rows.map((row) => row.slice(1))).toEqual(
      expected.map(([c, v]) => [c, fmt(v as number)]),
    )
    const byCountry = await h.chat(s, 'net sales by country for Q1 FY26')
    expect(byCountry.question?.shape).toMatchObject({ kind: 'breakdown', by: { name: 'Country' } })
    for (const c of COUNTRIES) expect(tableRow(byCountry, c)?.[1]).toBe(fmt(await netSales(c, 'Q1 FY26')))
    const best = await h.chat(s, 'best region by net sales in Q1 FY26')
    const regions = ['North', 'South', 'East', 'West']
    const sales = await Promise.all(regions.map((x) => netSales(x, 'Q1 FY26')))
    const top = regions[sales.indexOf(Math.max(...sales))] as string
    expect(replyText(best)).toContain(`${top} has the highest Net Sales`)
    expect(replyText(best)).toContain(fmt(Math.max(...sales)))
  })

  it('"net sales by store for <period> <version>" is a breakdown question, not the saved view', async () => {
    const s = await connected()
    const r = await h.chat(s, 'net sales by store for Q1 FY26 actual')
    expect(r.intent.name).toBe('read_cell')
    expect(r.question?.shape).toMatchObject({ kind: 'breakdown', by: { name: 'Store' } })
    expect(replyText(r)).toContain('Net Sales by Store · Q1 FY26 · Actual')
    for (const store of ['Store 0001 Oslo', 'Store 0150 Faro', 'Store 0300 Groningen'])
      expect(tableRow(r, store)?.[1]).toBe(fmt(await netSales(store, 'Q1 FY26', 'Actual')))
  })

  it('a comparison of versions, with the difference computed from the two cells', async () => {
    const s = await connected()
    const r = await h.chat(s, 'compare budget and forecast net sales for Spain in FY26')
    const budget = await netSales('Spain', 'FY26', 'Budget')
    const forecast = await netSales('Spain', 'FY26', 'Forecast')
    expect(replyText(r)).toContain(`Budget ${fmt(budget)}, Forecast ${fmt(forecast)}`)
    expect(replyText(r)).toContain(fmt(Math.abs(Math.round((forecast - budget) * 100) / 100)))
  })

  it('explain a change: split over the stores of the country named, biggest first', async () => {
    const s = await connected()
    const r = await h.chat(s, 'why did net sales change from May 25 to Jun 25 in Spain?')
    expect(r.question?.shape.kind).toBe('explain')
    const from = await netSales('Spain', 'May 25')
    const to = await netSales('Spain', 'Jun 25')
    expect(replyText(r)).toContain(fmt(from))
    expect(replyText(r)).toContain(fmt(to))
    const g = await grid('Net Sales by Store', { SKU: 'All Categories', Versions: 'Forecast' })
    const stores = g.rows.map((x) => x.rowCoordinates[0] ?? '').filter((x) => /^Store \d{4}/.test(x))
    const changes = stores
      .map((x) => ({ x, d: at(g, x, 'Jun 25') - at(g, x, 'May 25') }))
      .filter((c) => c.d !== 0 || at(g, c.x, 'May 25') !== 0)
    const spain = await model.catalog()
    const spainId = spain.lists.find((l) => l.name === 'Country')?.items?.find((i) => i.name === 'Spain')?.id
    const inSpain = new Set(
      spain.lists
        .find((l) => l.name === 'Store')
        ?.items?.filter((i) => i.parentId === spainId)
        .map((i) => i.name),
    )
    const mine = changes.filter((c) => inSpain.has(c.x))
    const up = to >= from
    const first = mine.sort((a, b) => (up ? b.d - a.d : a.d - b.d))[0]
    expect(first).toBeDefined()
    expect(replyText(r)).toContain(`By Store: most of it from ${first?.x}`)
  })

  it('follow-ups replace a coordinate and then the version', async () => {
    const s = await connected()
    const spain = await h.chat(s, 'net sales for Spain in Q1 FY26')
    expect(replyText(spain)).toContain(fmt(await netSales('Spain', 'Q1 FY26')))
    const italy = await h.chat(s, 'and Italy?')
    expect(replyText(italy)).toContain(fmt(await netSales('Italy', 'Q1 FY26')))
    const actual = await h.chat(s, 'actual please')
    expect(replyText(actual)).toContain('Actual')
    expect(replyText(actual)).toContain(fmt(await netSales('Italy', 'Q1 FY26', 'Actual')))
  })

  it('several years and no period: asked back with the years, never guessed', async () => {
    const s = await connected()
    const r = await h.chat(s, 'what were net sales in the West?')
    const choices = find(r, 'choices')
    expect(choices?.options.map((o) => o.label)).toEqual(['FY25', 'FY26'])
    expect(replyText(r)).not.toContain(fmt(await netSales('West', 'FY26')))
    expect(replyText(r)).not.toContain(fmt(await netSales('West', 'FY25')))
    const fy25 = await h.chat(s, { choice: choices?.options[0]?.value as string })
    expect(replyText(fy25)).toContain(fmt(await netSales('West', 'FY25')))
  })
})
