/**
 * Questions about the numbers through `POST /api/chat` against the simulator, one test per
 * category: lookup, follow-up, aggregate, breakdown, ranking, comparison, explain, trend, unknown
 * names, off-topic, ambiguous. Expected figures are read from the simulator with plain view reads
 * of the module (the engine's code path is not used to compute them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelScope } from '../../src/anaplan/index.ts'
import { allowAllPolicy } from '../../src/bot/core/index.ts'
import type { BotReply } from '../../src/bot/core/types.ts'
import { replyText } from '../support/api-chat.ts'
import { find, type Harness, startHarness } from './conversation-helpers.ts'

let h: Harness
let model: ModelScope
let n = 0
const session = () => `q-${++n}`
const REGIONS = ['North America', 'EMEA', 'APAC', 'LATAM']
const PRODUCTS = ['Widgets', 'Gadgets', 'Gizmos', 'Sprockets']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(
  (m) => `${m} 26`,
)

const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 })

/** Grids of a module's default view by version, read once: rows are region × product × line item. */
const grids = new Map<string, Awaited<ReturnType<ModelScope['readView']>>>()
async function cell(module: string, version: string, row: string[], column: string): Promise<number> {
  const key = `${module}|${version}`
  if (!grids.has(key)) grids.set(key, await model.readView(module, { Versions: version }))
  const g = grids.get(key) as Awaited<ReturnType<ModelScope['readView']>>
  const r = g.rows.find((x) => x.rowCoordinates.join('|') === row.join('|'))
  const j = g.columnCoordinates.findIndex((c) => c[0] === column)
  const raw = r?.cells[j]
  if (raw === undefined) throw new Error(`no cell ${row.join('|')} ${column}`)
  return Number(raw)
}
const rev = (region: string, product: string, li: string, period: string, version = 'Forecast') =>
  cell('REV01 Revenue', version, [region, product, li], period)

async function connected(): Promise<string> {
  const s = session()
  await h.chat(s, 'connect to Sales Forecast')
  return s
}

function expectFigure(reply: BotReply, value: number): void {
  expect(replyText(reply)).toContain(fmt(value))
}

beforeAll(async () => {
  h = await startHarness({ policy: allowAllPolicy() })
  model = await h.client().model({ model: 'Sales Forecast' })
})
afterAll(async () => {
  await h.close()
})

describe('questions over /api/chat', () => {
  it('lookup: one figure, reported as read_cell with the typed question and what was computed', async () => {
    const s = await connected()
    const r = await h.chat(s, 'Revenue for North America in Q1 FY26')
    expect(r.intent.name).toBe('read_cell')
    expect(r.parameters).toMatchObject({ lineItem: 'Revenue', period: 'Q1 FY26', items: ['North America'] })
    expect(r.question?.shape.kind).toBe('value')
    expect(replyText(r)).toContain('Revenue · North America · Q1 FY26 · Forecast, all Products')
    expectFigure(r, await rev('North America', 'All Products', 'Revenue', 'Q1 FY26'))
  })

  it('follow-ups edit the last question: another region, another period, a breakdown, the lowest', async () => {
    const s = await connected()
    await h.chat(s, 'revenue for north america in q1')
    const latam = await h.chat(s, 'how about LATAM?')
    expectFigure(latam, await rev('LATAM', 'All Products', 'Revenue', 'Q1 FY26'))
    const q2 = await h.chat(s, 'and Q2?')
    expectFigure(q2, await rev('LATAM', 'All Products', 'Revenue', 'Q2 FY26'))
    const byProduct = await h.chat(s, 'break that down by product')
    const table = find(byProduct, 'table')
    for (const p of PRODUCTS)
      expect(table?.rows.find((row) => row[0] === p)?.[1]).toBe(
        fmt(await rev('LATAM', p, 'Revenue', 'Q2 FY26')),
      )
    const lowest = await h.chat(s, 'and which was the lowest?')
    const values = await Promise.all(PRODUCTS.map((p) => rev('LATAM', p, 'Revenue', 'Q2 FY26')))
    const min = Math.min(...values)
    expect(replyText(lowest)).toContain(`${PRODUCTS[values.indexOf(min)]} has the lowest Revenue`)
    expectFigure(lowest, min)
    const price = await h.chat(s, 'what about price?')
    expect(price.question?.measures[0]?.lineItem).toBe('Price')
  })

  it('a follow-up works after a view is on screen, and "the total" is the view\'s line item', async () => {
    const s = await connected()
    await h.chat(s, 'show me Revenue by Region for Gadgets')
    await h.chat(s, 'Forecast')
    const total = await h.chat(s, 'what is the total?')
    expect(total.question?.measures[0]?.lineItem).toBe('Revenue')
    expectFigure(total, await rev('Total Regions', 'Gadgets', 'Revenue', 'FY26'))
    const latam = await h.chat(s, 'how about LATAM?')
    expectFigure(latam, await rev('LATAM', 'Gadgets', 'Revenue', 'FY26'))
  })

  it('aggregates a run of periods by the summary method: units summed, price averaged, headcount closing', async () => {
    const s = await connected()
    const units = await h.chat(s, 'units sold of gizmos from q1 to q3')
    const quarters = await Promise.all(
      ['Q1 FY26', 'Q2 FY26', 'Q3 FY26'].map((q) => rev('Total Regions', 'Gizmos', 'Units', q)),
    )
    expectFigure(
      units,
      quarters.reduce((a, b) => a + b, 0),
    )
    const price = await h.chat(s, 'average price of gizmos in the first half')
    expect(replyText(price)).toContain('is 60.')
    const hc = await h.chat(s, 'how many people in EMEA')
    expect(hc.question?.measures[0]?.lineItem).toBe('Headcount')
    expectFigure(hc, await cell('OPX01 Expenses', 'Forecast', ['EMEA', 'Headcount'], 'Dec 26'))
  })

  it('breakdown: every region of a quarter, with the total Anaplan has', async () => {
    const s = await connected()
    const r = await h.chat(s, 'split revenue in q2 by region')
    expect(r.question?.shape).toMatchObject({ kind: 'breakdown', by: { name: 'Regions' } })
    const table = find(r, 'table')
    for (const region of [...REGIONS, 'Total Regions'])
      expect(table?.rows.find((row) => row[0] === region)?.[1]).toBe(
        fmt(await rev(region, 'All Products', 'Revenue', 'Q2 FY26')),
      )
    expect(find(r, 'chart')?.kind).toBe('bar')
  })

  it('ranking: top-selling product, regions in order, the weakest month', async () => {
    const s = await connected()
    const top = await h.chat(s, "what's our top-selling product in LATAM for Q2?")
    const units = await Promise.all(PRODUCTS.map((p) => rev('LATAM', p, 'Units', 'Q2 FY26')))
    const best = Math.max(...units)
    expect(replyText(top)).toContain(`${PRODUCTS[units.indexOf(best)]} has the highest Units`)
    expectFigure(top, best)

    const order = await h.chat(s, 'order the regions by revenue for Q4 FY26')
    const values = await Promise.all(
      REGIONS.map(async (r) => ({ r, v: await rev(r, 'All Products', 'Revenue', 'Q4 FY26') })),
    )
    values.sort((a, b) => b.v - a.v)
    expect(find(order, 'table')?.rows.map((row) => row[1])).toEqual(values.map((x) => x.r))

    const weakest = await h.chat(s, 'which month had the weakest revenue for Gizmos?')
    const months = await Promise.all(MONTHS.map((m) => rev('Total Regions', 'Gizmos', 'Revenue', m)))
    const min = Math.min(...months)
    expect(replyText(weakest)).toContain(`${MONTHS[months.indexOf(min)]} has the lowest Revenue`)
  })

  it('comparison: forecast against budget, with the difference and % change', async () => {
    const s = await connected()
    const r = await h.chat(s, 'Gadgets revenue in APAC for June, forecast against budget')
    expect(r.question?.shape.kind).toBe('compare')
    const f = await rev('APAC', 'Gadgets', 'Revenue', 'Jun 26', 'Forecast')
    const b = await rev('APAC', 'Gadgets', 'Revenue', 'Jun 26', 'Budget')
    expectFigure(r, f)
    expectFigure(r, b)
    // One sentence says which is above and by how much; the table has the signed difference.
    const pct = ((f - b) / Math.abs(b)) * 100
    expect(replyText(r)).toContain(
      `Forecast is ${fmt(Math.abs(b - f))} ${b - f < 0 ? 'above' : 'below'} Budget (${pct > 0 ? '+' : ''}${pct.toFixed(1)}%)`,
    )
    const row = find(r, 'table')?.rows[1]
    expect(row?.[2]).toBe(`${b - f > 0 ? '+' : ''}${fmt(b - f)}`)
    expect(row?.[3]).toContain(`${(((b - f) / Math.abs(f)) * 100).toFixed(1)}%`)
  })

  it('explain: the change between two quarters, split over products, the split summing to the change', async () => {
    const s = await connected()
    const r = await h.chat(s, 'why did revenue fall between Q3 and Q4 in NA?')
    expect(r.question?.shape.kind).toBe('explain')
    const q3 = await rev('North America', 'All Products', 'Revenue', 'Q3 FY26')
    const q4 = await rev('North America', 'All Products', 'Revenue', 'Q4 FY26')
    expectFigure(r, q3)
    expectFigure(r, q4)
    const table = find(r, 'table')
    const parts = table?.rows.map((row) => Number((row[1] ?? '').replace(/[+,]/g, ''))) ?? []
    expect(parts).toHaveLength(PRODUCTS.length)
    expect(parts.reduce((a, b) => a + b, 0)).toBe(q4 - q3)
    for (const p of PRODUCTS) {
      const change =
        (await rev('North America', p, 'Revenue', 'Q4 FY26')) -
        (await rev('North America', p, 'Revenue', 'Q3 FY26'))
      expect(table?.rows.find((row) => row[0] === p)?.[1]).toBe(`${change > 0 ? '+' : ''}${fmt(change)}`)
    }
  })

  it('follow-ups of a why and of a total: the change split another way, a share of the last figure', async () => {
    const s = await connected()
    await h.chat(s, 'why did revenue drop from q1 to q2? which regions drove it')
    const r = await h.chat(s, 'same thing but by product')
    expect(r.question?.shape).toMatchObject({ kind: 'explain', over: [{ name: 'Products' }] })
    expect(
      find(r, 'table')
        ?.rows.map((row) => row[0])
        .sort(),
    ).toEqual([...PRODUCTS].sort())
    const t = await connected()
    await h.chat(t, 'total revenue across all regions?')
    const share = await h.chat(t, 'how much of that is latam')
    expect(share.question?.shape.kind).toBe('share')
    const latam = await rev('LATAM', 'All Products', 'Revenue', 'FY26')
    const all = await rev('Total Regions', 'All Products', 'Revenue', 'FY26')
    expectFigure(share, latam)
    expect(replyText(share)).toContain(`${((latam / all) * 100).toFixed(1)}%`)
  })

  it('after a name is named back, the next words replace it; anything else still names it back', async () => {
    const s = await connected()
    const unknown = await h.chat(s, 'rev for thingamajigs in q1')
    expect(replyText(unknown)).toContain("'thingamajigs'")
    const still = await h.chat(s, 'and in q2?')
    expect(replyText(still)).toContain("'thingamajigs'")
    expect(replyText(still)).not.toMatch(/\d{3}/)
    const r = await h.chat(s, 'ok what about sprockets then')
    expectFigure(r, await rev('Total Regions', 'Sprockets', 'Revenue', 'Q2 FY26'))
    const t = await connected()
    await h.chat(t, 'whats the churn rate in emea')
    const measure = await h.chat(t, 'ok revenue then')
    expectFigure(measure, await rev('EMEA', 'All Products', 'Revenue', 'FY26'))
    const phrase = await h.chat(await connected(), 'whats our marketing spend for emea')
    expect(replyText(phrase)).toContain("There is no measure 'marketing spend'")
  })

  it('a list asked for is listed though a measure word is in it; the model named is no measure', async () => {
    const s = await connected()
    for (const text of ['which channels do we sell through', 'which sales channels are in the model?']) {
      const r = await h.chat(s, text)
      expect(r.intent.name).toBe('list_items')
      expect(r.question).toBeUndefined()
    }
    // An everyday word for a version ("outlook") and nothing else of the model: off-topic.
    const it = await h.chat(s, 'how do i reset my outlook password')
    expect(it.intent.name).toBe('fallback')
    expect(replyText(it)).not.toMatch(/\d/)
    const ranked = await h.chat(s, 'list regions by revenue')
    expect(ranked.intent.name).toBe('read_cell')
    const close = await h.chat(s, 'close sales forecast')
    expect(close.intent.name).toBe('disconnect')
    expect(replyText(close)).toMatch(/Disconnected/)
  })

  it('follow-ups over the last two answers and a ranking: "those two", "top 3", "whos last", months of Q1', async () => {
    const s = await connected()
    await h.chat(s, 'how many widgets did north america sell in feb (act)')
    await h.chat(s, 'same thing in the fcst pls')
    const gap = await h.chat(s, 'hmm whats the gap between those two')
    expect(gap.question?.shape).toMatchObject({ kind: 'compare', axis: { id: '20000000020' } })
    expectFigure(gap, await rev('North America', 'Widgets', 'Units', 'Feb 26', 'Actual'))
    expectFigure(gap, await rev('North America', 'Widgets', 'Units', 'Feb 26'))
    const t = await connected()
    await h.chat(t, 'top 2 regions on units for q1')
    const three = await h.chat(t, 'make it top 3')
    expect(three.question?.shape).toMatchObject({ kind: 'ranking', limit: 3, order: 'desc' })
    const last = await h.chat(t, 'ok flip it, whos last')
    expect(last.question?.shape).toMatchObject({ kind: 'ranking', limit: 1, order: 'asc' })
    const q1 = await Promise.all(
      REGIONS.map(async (g) => [g, await rev(g, 'All Products', 'Units', 'Q1 FY26')] as const),
    )
    const lowest = q1.reduce((a, b) => (b[1] < a[1] ? b : a))
    expect(replyText(last)).toContain(`${lowest[0]} has the lowest Units`)
    const u = await connected()
    await h.chat(u, 'units by month for q1')
    const top = await h.chat(u, 'which month was highest')
    const months = await Promise.all(
      ['Jan 26', 'Feb 26', 'Mar 26'].map(
        async (m) => [m, await rev('Total Regions', 'All Products', 'Units', m)] as const,
      ),
    )
    const best = months.reduce((a, b) => (b[1] > a[1] ? b : a))
    expect(replyText(top)).toContain(`${best[0]} has the highest Units`)
  })

  it('"compare X" naming nothing to compare asks what with; an option answers as a comparison', async () => {
    const s = await connected()
    const r = await h.chat(s, 'can you compare units')
    const choices = find(r, 'choices')
    expect(choices?.prompt).toBe('Compare Units across what?')
    expect(choices?.options.map((o) => o.label)).toEqual(
      expect.arrayContaining(['Forecast vs Budget', 'by Regions', 'by Products']),
    )
    expect(replyText(r)).not.toMatch(/\d{3}/)
    const answer = await h.chat(s, 'forecast vs budget')
    expect(answer.question?.shape.kind).toBe('compare')
    expectFigure(answer, await rev('Total Regions', 'All Products', 'Units', 'FY26', 'Budget'))
  })

  it('a ranking of a change: each region by its own change, the largest rise first, never the totals', async () => {
    const s = await connected()
    const r = await h.chat(s, 'which region grew its revenue the most from q1 to q2?')
    expect(r.question?.shape).toMatchObject({ kind: 'explain', rank: 'desc' })
    const changes = await Promise.all(
      REGIONS.map(
        async (g) =>
          [
            g,
            (await rev(g, 'All Products', 'Revenue', 'Q2 FY26')) -
              (await rev(g, 'All Products', 'Revenue', 'Q1 FY26')),
          ] as const,
      ),
    )
    changes.sort((a, b) => b[1] - a[1])
    const [top, change] = changes[0] as readonly [string, number]
    expect(replyText(r)).toContain(
      `${top} ${change > 0 ? 'rose the most' : 'fell the least'}: ${change > 0 ? '+' : ''}${fmt(change)}`,
    )
    expect(find(r, 'table')?.rows.map((row) => row[0])).toEqual(changes.map(([g]) => g))
  })

  it('a trend for two items is one answer per item, neither dropped nor summed', async () => {
    const s = await connected()
    const r = await h.chat(s, 'units in latam for gizmos and sprockets by month')
    const tables = r.messages.filter((m) => m.type === 'table')
    expect(tables).toHaveLength(2)
    const text = replyText(r)
    expect(text).toContain('Gizmos')
    expect(text).toContain('Sprockets')
    for (const [i, product] of ['Gizmos', 'Sprockets'].entries()) {
      const t = tables[i] as { rows: string[][] }
      expect(t.rows.map((row) => row[0])).toEqual(MONTHS)
      expect(t.rows[2]?.[1]).toBe(fmt(await rev('LATAM', product, 'Units', 'Mar 26')))
    }
  })

  it('trend: the months of the year as a line chart', async () => {
    const s = await connected()
    const r = await h.chat(s, 'how has revenue for gadgets trended month by month?')
    const chart = find(r, 'chart')
    expect(chart?.kind).toBe('line')
    expect(chart?.labels).toEqual(MONTHS)
    expect(chart?.series[0]?.values).toEqual(
      await Promise.all(MONTHS.map((m) => rev('Total Regions', 'Gadgets', 'Revenue', m))),
    )
  })

  it('unknown names are named back with what exists, and no figure is stated', async () => {
    const s = await connected()
    const r = await h.chat(s, "what's Units for Widgets in Narnia?")
    expect(replyText(r)).toContain("There is no region 'Narnia' in Sales Forecast")
    expect(replyText(r)).toContain('North America, EMEA, APAC and LATAM')
    expect(replyText(r)).not.toMatch(/\d/)
    const m = await h.chat(s, 'what is the gross margin for gizmos in q1?')
    expect(replyText(m)).toMatch(/There is no measure '(gross margin|gross|margin)'/)
    expect(replyText(m)).not.toMatch(/\d{2,}/)
  })

  it('off-topic text gets the fallback, with no figures and no question about models', async () => {
    const s = await connected()
    for (const text of [
      "what's the weather like in Paris tomorrow?",
      'give me a recipe for pancakes',
      // The classifier reads a place as an item to add; asked of the time, it is no command.
      'ugh mondays. whats the time in tokyo rn',
      'any good lunch spots near the office?',
    ]) {
      const r = await h.chat(s, text)
      expect(r.intent.name).toBe('fallback')
      expect(r.question).toBeUndefined()
      expect(replyText(r)).not.toMatch(/\d|which model/i)
    }
    // Told, not asked: a command with an everyday word stays the command (confirmed before it runs).
    const add = await h.chat(s, 'add lunch allowance to the products list')
    expect(add.intent.name).toBe('add_list_item')
    expect(replyText(add)).toMatch(/Add 'Lunch Allowance' to Products/)
  })

  it('ambiguous: items without a measure ask which measure, and the choice answers', async () => {
    const s = await connected()
    const r = await h.chat(s, 'what about EMEA in Q2?')
    const choices = find(r, 'choices')
    expect(choices?.prompt).toMatch(/Which measure/)
    const units = choices?.options.find((o) => o.label === 'Units')
    expect(units).toBeDefined()
    const answer = await h.chat(s, { choice: units?.value as string })
    expect(answer.intent.name).toBe('read_cell')
    expectFigure(answer, await rev('EMEA', 'All Products', 'Units', 'Q2 FY26'))
  })

  it('after an answer, an amount without a measure is asked back (the last measure first), never taken from it', async () => {
    const s = await connected()
    await h.chat(s, 'sort regions by units for gadgets in q1')
    const r = await h.chat(s, 'how much for emea')
    expect(replyText(r)).not.toMatch(/\d/)
    const labels = find(r, 'choices')?.options.map((o) => o.label) ?? []
    expect(labels[0]).toBe('Units')
    expect(labels).toContain('Revenue')
    // A word for several line items asks too; a named line item answers.
    const costs = await h.chat(s, 'costs for apac in q2')
    expect(find(costs, 'choices')?.options.map((o) => o.label)).toEqual([
      'Total Expenses',
      'Salaries',
      'Travel',
    ])
    expect(replyText(costs)).not.toMatch(/\d/)
  })

  it('questions the classifier could take for commands are answered, never run, disconnected or confirmed', async () => {
    const s = await connected()
    const explain = await h.chat(s, 'explain the expenses movement june to Jul 26 for apac')
    expect(explain.intent.name).toBe('read_cell')
    expect(replyText(explain)).toMatch(/Total Expenses change/)
    const monthly = await h.chat(s, 'monthly head count for Latam')
    expect(monthly.intent.name).toBe('read_cell')
    expect(replyText(monthly)).not.toMatch(/Run the process/)
    const still = await h.chat(s, 'whoami')
    expect(replyText(still)).toContain('connected to Sales Forecast')
    const short = await h.chat(s, 'rev for gizmos in q3, fcst')
    expectFigure(short, await rev('Total Regions', 'Gizmos', 'Revenue', 'Q3 FY26'))
    const named = await h.chat(s, 'marketing spend for apac')
    expect(replyText(named)).toContain("'marketing spend'")
    expect(replyText(named)).not.toMatch(/\d/)
  })

  it('before connecting: names in one model connect to it and say so; names in several ask which', async () => {
    const one = session()
    const r = await h.chat(one, 'what was revenue for gizmos in q3?')
    expect(replyText(r)).toContain('Connected to Sales Forecast.')
    expectFigure(r, await rev('Total Regions', 'Gizmos', 'Revenue', 'Q3 FY26'))
    const two = await h.chat(session(), 'what is the headcount?')
    expect(find(two, 'choices')?.options.map((o) => o.label)).toEqual(['Sales Forecast', 'Workforce Plan'])
    const none = await h.chat(session(), 'tell me a joke about accountants')
    expect(replyText(none)).not.toMatch(/which model/i)
  })

  it('before connecting: a question read as a command without its words is answered; a view opens its model', async () => {
    const asked = await h.chat(session(), 'how many gizmos did we sell in emea during q4')
    expect(asked.intent.name).toBe('read_cell')
    expectFigure(asked, await rev('EMEA', 'Gizmos', 'Units', 'Q4 FY26'))
    const view = await h.chat(session(), 'pull up the headcount view')
    expect(view.intent.name).toBe('show_view')
    expect(replyText(view)).toContain('Connected to Workforce Plan.')
    expect(find(view, 'table')?.title).toMatch(/^Headcount by Department/)
  })

  it('in a plan whose only cost is Salary Cost, "cost" and "payroll" are it; "open <view> in <model>" shows it there', async () => {
    const s = session()
    await h.chat(s, 'connect to Workforce Plan')
    const cost = await h.chat(s, 'how much more does engineering cost than sales in q1')
    expect(cost.question?.measures[0]?.lineItem).toBe('Salary Cost')
    expect(cost.question?.shape.kind).toBe('compare')
    const payroll = await h.chat(s, 'payroll for finance in q2')
    expect(payroll.question?.measures[0]?.lineItem).toBe('Salary Cost')
    const view = await h.chat(session(), 'open headcount by department in workforce plan')
    expect(view.intent.name).toBe('show_view')
    expect(replyText(view)).toContain('Connected to Workforce Plan.')
    expect(find(view, 'table')?.title).toMatch(/^Headcount by Department/)
  })

  it('a question that a saved view would show at one of its saved pages is answered, not shown', async () => {
    const s = await connected()
    const r = await h.chat(s, 'budget units by product')
    expect(r.question?.shape).toMatchObject({ kind: 'breakdown', by: { name: 'Products' } })
    expectFigure(r, await rev('Total Regions', 'Widgets', 'Units', 'FY26', 'Budget'))
    const shown = await h.chat(s, 'show me units by product')
    expect(shown.intent.name).toBe('show_view')
  })

  it('a view asked for in other words is shown; a write typed with an arrow stays a write', async () => {
    const s = await connected()
    for (const text of ['lemme look at units by product', 'expenses summary pls']) {
      const r = await h.chat(s, text)
      expect(r.intent.name, text).toBe('show_view')
      expect(r.question, text).toBeUndefined()
    }
    const arrow = await h.chat(s, 'units widgets emea jan 26 forecast -> 500')
    expect(arrow.intent.name).toBe('write_cell')
    expect(arrow.question).toBeUndefined()
    expect(find(arrow, 'choices')?.options.map((o) => o.label)).toEqual(expect.arrayContaining(['Yes', 'No']))
    await h.chat(s, 'no')
    // The cell is unchanged: nothing is written without the confirmation.
    grids.clear()
    const asked = await h.chat(s, 'units for widgets in emea in jan 26 forecast')
    expectFigure(asked, await rev('EMEA', 'Widgets', 'Units', 'Jan 26'))
  })

  it('an unknown measure is named back before any question which measure; a ranking of a view asks of what', async () => {
    const s = await connected()
    const r = await h.chat(s, 'whats our EBITDA for q2')
    expect(replyText(r)).toMatch(/no measure 'EBITDA' in Sales Forecast/)
    expect(r.question?.unresolved?.[0]).toMatchObject({ text: 'EBITDA', expected: 'measure' })
    const v = await connected()
    await h.chat(v, 'units by product')
    const least = await h.chat(v, 'and the least?')
    expect(find(least, 'choices')?.prompt).toBe('Rank which?')
    expect(replyText(least)).not.toMatch(/broken down by \./)
  })

  it('a reply that names an offered measure and says more is that question edited', async () => {
    const s = await connected()
    const asked = await h.chat(s, 'what were widgets in march')
    expect(find(asked, 'choices')?.options.map((o) => o.label)).toContain('Units')
    const r = await h.chat(s, 'units, actuals')
    expect(r.question?.measures[0]?.lineItem).toBe('Units')
    expectFigure(r, await rev('Total Regions', 'Widgets', 'Units', 'Mar 26', 'Actual'))
  })

  it('writes stay writes and /api/nlu returns the question without side effects', async () => {
    const s = await connected()
    const w = await h.chat(s, 'set Units for Widgets in EMEA Jan 26 to 500')
    expect(w.intent.name).toBe('write_cell')
    expect(w.question).toBeUndefined()
    await h.chat(s, 'no')
    const res = await h.app.request('/api/nlu', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await h.headers()) },
      body: JSON.stringify({ text: 'top 3 products by units in EMEA', sessionId: s }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      intent: { name: string }
      question?: { shape: { kind: string; limit?: number } }
    }
    expect(body.intent.name).toBe('read_cell')
    expect(body.question?.shape).toMatchObject({ kind: 'ranking', limit: 3 })
    // A view's name inside a question the view cannot show (its months are on the columns) is
    // the question, through /api/nlu as in a chat turn.
    const broken = await h.app.request('/api/nlu', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await h.headers()) },
      body: JSON.stringify({ text: 'split revenue by region for q3 please', sessionId: s }),
    })
    const split = (await broken.json()) as {
      intent: { name: string }
      question?: { shape: { kind: string } }
    }
    expect(split.intent.name).toBe('read_cell')
    expect(split.question?.shape.kind).toBe('breakdown')
  })

  it('Retail Demand: a question past the default view cell limit is read from a saved view that fits', async () => {
    const s = session()
    await h.chat(s, 'connect to Retail Demand')
    const r = await h.chat(s, 'what were units for SKU00001 in FY25')
    expect(r.intent.name).toBe('read_cell')
    const retail = await h.client().model({ model: 'Retail Demand' })
    const data = await retail.readView('RD01 Demand.Units by SKU', { Time: 'FY25', Store: 'All Regions' })
    const row = data.rows.find((x) => x.rowCoordinates[0]?.startsWith('SKU00001'))
    const j = data.columnCoordinates.findIndex((c) => c[0] === 'Forecast')
    expect(row).toBeDefined()
    expectFigure(r, Number(row?.cells[j]))
  })

  it('combined figures, a swapped item, a picked unit and a gap explained over the departments', async () => {
    const s = await connected()
    await h.chat(s, 'revenue in emea')
    await h.chat(s, 'and apac')
    const both = await h.chat(s, "what's the total of both")
    const [emea, apac] = await Promise.all([
      rev('EMEA', 'All Products', 'Revenue', 'FY26'),
      rev('APAC', 'All Products', 'Revenue', 'FY26'),
    ])
    expect(replyText(both)).toContain(`EMEA + APAC combined in FY26 (Forecast) is ${fmt(emea + apac)}`)
    await h.chat(s, 'widgets vs gadgets revnue in q2')
    const swapped = await h.chat(s, 'swap gadgets for sprockets')
    expect(replyText(swapped)).toContain('Widgets vs Sprockets')
    expectFigure(swapped, await rev('Total Regions', 'Sprockets', 'Revenue', 'Q2 FY26'))
    await h.chat(s, 'sales for widgets in emea?')
    const money = await h.chat(s, 'the $ number')
    expectFigure(money, await rev('EMEA', 'Widgets', 'Revenue', 'FY26'))
    const w = session()
    await h.chat(w, 'connect to Workforce Plan')
    await h.chat(w, 'eng headcount actual vs budget for q2')
    await h.chat(w, 'and for the whole company')
    const gap = await h.chat(w, 'which depts explain the gap')
    expect(find(gap, 'table')?.columns).toEqual(['Departments', 'Change', 'Share of change'])
    expect(replyText(gap)).toContain('Budget to Actual')
    const legal = await h.chat(w, 'legal dept salary cost')
    expect(replyText(legal)).toContain("There is no department 'legal' in Workforce Plan")
    expect(legal.question?.unresolved?.[0]?.text).toBe('legal')
  })
})
