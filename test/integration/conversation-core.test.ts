/**
 * Every intent driven through `POST /api/chat` against the simulator: reads, pages, writes and
 * list changes with confirmation, actions, and Anaplan's errors explained in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allowAllPolicy, encodeChoice } from '../../src/bot/core/index.ts'
import { replyText } from '../support/api-chat.ts'
import { find, type Harness, startHarness } from './conversation-helpers.ts'

let h: Harness
let n = 0
const session = () => `conv-${++n}`

async function stats(): Promise<{
  mutations: { cellWrites: number; listWrites: number; taskStarts: number }
}> {
  return (await (await fetch(`${h.sim.url}/__sim/stats`)).json()) as never
}

beforeAll(async () => {
  h = await startHarness({ policy: allowAllPolicy() })
})
afterAll(async () => {
  await h.close()
})

describe('conversation over /api/chat', () => {
  it('greets, lists workspaces and models, connects by name with a typo, and says who I am', async () => {
    const s = session()
    const hi = await h.chat(s, 'hi there')
    expect(hi.intent.name).toBe('greeting')
    expect(find(hi, 'choices')?.options.map((o) => o.label)).toContain('Sales Forecast')

    const ws = await h.chat(s, 'which workspaces do I have?')
    expect(ws.intent.name).toBe('list_workspaces')
    expect(find(ws, 'table')?.rows.map((r) => r[0])).toContain('FP&A Demo')

    const models = await h.chat(s, 'which models can I use?')
    expect(models.intent.name).toBe('list_models')
    expect(find(models, 'table')?.rows.map((r) => r[0])).toEqual(
      expect.arrayContaining(['Sales Forecast', 'Workforce Plan']),
    )

    const c = await h.chat(s, 'get connected to sales forcast')
    expect(c.intent.name).toBe('connect_model')
    expect(replyText(c)).toContain('Connected to Sales Forecast in FP&A Demo')
    // The counts by kind are the ones "list actions" then shows.
    const listed = replyText(await h.chat(s, 'list actions'))
    const kinds: [RegExp, string, string][] = [
      [/^Imports: (.*)$/m, 'import', 'imports'],
      [/^Exports: (.*)$/m, 'export', 'exports'],
      [/^Processes: (.*)$/m, 'process', 'processes'],
    ]
    for (const [line, one, many] of kinds) {
      const n = (listed.match(line)?.[1] ?? '').split(', ').filter(Boolean).length
      expect(n, one).toBeGreaterThan(0)
      expect(replyText(c)).toMatch(new RegExp(`\\b${n} ${n === 1 ? one : many}\\b`))
    }

    const me = await h.chat(s, 'who am I connected as?')
    expect(me.intent.name).toBe('whoami')
    expect(replyText(me)).toContain('analyst@example.com')
    expect(replyText(me)).toContain('Sales Forecast')

    const bye = await h.chat(s, 'disconnect')
    expect(bye.intent.name).toBe('disconnect')
    expect(replyText(bye)).toContain('Disconnected from Sales Forecast')
    expect(replyText(await h.chat(s, 'who am i'))).toContain('not connected')
  })

  it('connects by model id and explains an unknown model with suggestions', async () => {
    const s = session()
    const client = h.client()
    const models = await client.models.list()
    const wf = models.find((m) => m.name === 'Workforce Plan')
    expect(wf).toBeDefined()
    const c = await h.chat(s, `connect to ${wf?.id}`)
    expect(replyText(c)).toContain('Connected to Workforce Plan')

    const unknown = await h.chat(s, 'connect to Galaxy Planner')
    expect(replyText(unknown)).toMatch(/couldn't find a model called 'Galaxy Planner'/)
  })

  it('asks which view, opens it in one turn with its pages as controls, and changes pages', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const views = await h.chat(s, 'which views are there?')
    expect(views.intent.name).toBe('list_views')
    expect(replyText(views)).toContain('Revenue by Region')

    const which = await h.chat(s, 'show me a view')
    expect(which.intent.name).toBe('show_view')
    const viewChoice = find(which, 'choices')?.options.find((o) => o.label === 'Revenue by Region')
    expect(viewChoice).toBeDefined()

    // One turn: the view opens on its saved pages, which come back as controls on the table.
    const opened = find(await h.chat(s, { choice: viewChoice?.value ?? '' }), 'table')
    expect(opened?.title).toBe('Revenue by Region (Widgets, Actual, Revenue)')
    expect(opened?.pages?.map((p) => [p.dimension, p.selected])).toEqual([
      ['Products', 'Widgets'],
      ['Versions', 'Actual'],
      // The view shows one line item; Anaplan keeps Line Items on its pages, offering only it.
      ['Line Items', 'Revenue'],
    ])
    expect(opened?.pages?.[2]?.options.map((o) => o.label)).toEqual(['Revenue'])
    expect(opened?.columnPeriods?.slice(0, 5)).toEqual([null, 'month', 'month', 'month', 'quarter'])
    const gadgets = opened?.pages?.[0]?.options.find((o) => o.label === 'Gadgets')
    const onGadgets = find(await h.chat(s, { choice: gadgets?.value ?? '' }), 'table')
    expect(onGadgets?.title).toBe('Revenue by Region (Gadgets, Actual, Revenue)')
    // The other page keeps its item when one page changes.
    const budget = onGadgets?.pages?.[1]?.options.find((o) => o.label === 'Budget')
    const shown = await h.chat(s, { choice: budget?.value ?? '' })
    const table = find(shown, 'table')
    expect(table?.title).toBe('Revenue by Region (Gadgets, Budget, Revenue)')
    expect(table?.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['EMEA', 'APAC']))
    const chart = find(shown, 'chart')
    expect(chart?.labels[0]).toBe('Jan 26')
    expect(chart?.series.length).toBeGreaterThan(0)

    const switched = await h.chat(s, 'switch the page to Actual')
    expect(switched.intent.name).toBe('set_page')
    expect(find(switched, 'table')?.title).toBe('Revenue by Region (Gadgets, Actual, Revenue)')

    const direct = await h.chat(s, 'show me Revenue by Region for Widgets and Forecast')
    expect(find(direct, 'table')?.title).toBe('Revenue by Region (Widgets, Forecast, Revenue)')
  })

  it('reads single cells in plain words, matching what the API returns', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const r = await h.chat(s, 'what is Revenue for EMEA in Q3 FY26?')
    expect(r.intent.name).toBe('read_cell')
    expect(r.parameters).toMatchObject({ lineItem: 'Revenue', items: ['EMEA'], period: 'Q3 FY26' })
    const m = /is ([\d,.]+)/.exec(replyText(r))
    expect(m).not.toBeNull()
    // The same cell straight from the API: EMEA, Q3 FY26, Forecast, all products.
    const scope = await h.client().model({ model: 'Sales Forecast' })
    const data = await scope.readView('Revenue by Region', { Products: 'All Products', Versions: 'Forecast' })
    const col = data.columnCoordinates.findIndex((c) => c.join() === 'Q3 FY26')
    const row = data.rows.find((x) => x.rowCoordinates.join() === 'EMEA')
    expect(Number(m?.[1]?.replace(/,/g, ''))).toBe(Number(row?.cells[col]))

    const units = await h.chat(s, 'how many units did widgets sell in apac in march')
    expect(units.intent.name).toBe('read_cell')
    expect(replyText(units)).toContain('Units · APAC · Widgets · Mar 26 · Forecast')
    expect(replyText(units)).toMatch(/Units for APAC, Widgets in Mar 26 \(Forecast\) is [\d,]+\./)
  })

  it('writes a cell only after yes, reports what changed, and audits it', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const before = (await stats()).mutations.cellWrites
    const ask = await h.chat(s, 'set Units for Widgets in APAC for Mar 26 Forecast to 500')
    expect(ask.intent.name).toBe('write_cell')
    expect(replyText(ask)).toMatch(/Set Units for APAC · Widgets · Mar 26 · Forecast from [\d,]+ to 500\?/)
    expect((await stats()).mutations.cellWrites).toBe(before)

    const done = await h.chat(s, 'yes')
    expect(done.intent.name).toBe('write_cell')
    expect(replyText(done)).toMatch(/now 500 \(was [\d,]+\)\. Revenue now [\d,]+/)
    expect((await stats()).mutations.cellWrites).toBe(before + 1)
    const read = await h.chat(s, 'what are the units of widgets in APAC for Mar 26?')
    expect(replyText(read)).toContain('is 500')
    expect(h.audit.entries.at(-1)).toMatchObject({
      action: 'write_cell',
      result: 'ok',
      model: 'Sales Forecast',
      sessionId: h.key(s),
    })

    await h.chat(s, 'set Units for Widgets in APAC for Mar 26 to 7')
    const no = await h.chat(s, { choice: 'deny' })
    expect(replyText(no)).toContain('nothing was changed')
    expect(h.audit.entries.at(-1)).toMatchObject({ action: 'write_cell', result: 'cancelled' })
    expect(replyText(await h.chat(s, 'what are the units of widgets in APAC for Mar 26?'))).toContain(
      'is 500',
    )
    expect(replyText(await h.chat(s, 'yes'))).toContain('nothing waiting')
  })

  it('asks for the missing dimension of a write instead of guessing', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const r = await h.chat(s, 'set Units for Widgets in Mar 26 to 10')
    expect(replyText(r)).toContain('Which Regions should I change Units for?')
    const emea = find(r, 'choices')?.options.find((o) => o.label === 'EMEA')
    const confirm = await h.chat(s, { choice: emea?.value ?? '' })
    expect(replyText(confirm)).toMatch(/Set Units for EMEA · Widgets · Mar 26 · Forecast from [\d,]+ to 10\?/)
  })

  it('lists items and adds one after confirmation', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const list = await h.chat(s, 'which products do we have')
    expect(list.intent.name).toBe('list_items')
    expect(find(list, 'table')?.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['Widgets', 'Gadgets']))
    const ask = await h.chat(s, 'add Doohickeys to Products')
    expect(replyText(ask)).toContain("Add 'Doohickeys' to Products in Sales Forecast?")
    const done = await h.chat(s, 'yes please')
    expect(replyText(done)).toContain("Added 'Doohickeys' to Products")
    const after = await h.chat(s, 'list the products')
    expect(find(after, 'table')?.rows.map((r) => r[0])).toContain('Doohickeys')
    expect(h.audit.entries.at(-1)).toMatchObject({
      action: 'add_list_item',
      result: 'ok',
      details: { item: 'Doohickeys' },
    })
  })

  it('lists actions by type and runs an export into a download', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const imports = await h.chat(s, 'what imports are there?')
    expect(imports.parameters).toEqual({ actionType: 'import' })
    expect(replyText(imports)).toContain('Imports: Load Actuals, Load Products')
    expect(replyText(imports)).not.toContain('Exports')

    const ask = await h.chat(s, 'run the Revenue Export')
    expect(replyText(ask)).toContain('Run the export Revenue Export in Sales Forecast?')
    const done = await h.chat(s, 'yes')
    expect(replyText(done)).toContain('Revenue Export finished')
    const file = find(done, 'file')
    expect(file?.url).toMatch(/^\/downloads\/[A-Za-z0-9_-]{32}$/)
    const res = await h.app.request(file?.url ?? '', { headers: await h.headers() })
    expect(res.status).toBe(200)
    expect((await res.text()).split('\n').length).toBeGreaterThan(2)
  })

  it('explains a failed import row by row', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    // The analyst's own upload replaces the default actuals file for this user.
    const scope = await h.client().model({ model: 'Sales Forecast' })
    const files = await scope.listFiles()
    const source = files.find((f) => /actuals/i.test(f.name))
    expect(source).toBeDefined()
    const original = await collect(scope.download(source?.id ?? ''))
    const lines = original.trim().split('\n')
    const header = lines[0] ?? ''
    const bad = (lines[1] ?? '').replace('Widgets', 'Widgetz')
    await scope.upload(source?.id ?? '', `${header}\n${lines[1]}\n${bad}\n`)
    await h.chat(s, 'run load actuals')
    const r = await h.chat(s, 'yes')
    expect(replyText(r)).toMatch(/row 3: 'Widgetz' is not a Product/)
    // Counts in words, not Anaplan's "1 (1/2) rows successful", and the whole dump as a download.
    expect(replyText(r)).toContain('REV01 Revenue: 1 of 2 rows loaded, 1 failed. 1 row was rejected:')
    expect(replyText(r)).not.toMatch(/\(\d+\/\d+\)/)
    const dump = find(r, 'file')
    expect(dump?.name).toBe('Load Actuals failed rows.csv')
    const csv = await (await h.app.request(dump?.url ?? '', { headers: await h.headers() })).text()
    expect(csv).toContain('Widgetz')
  })

  it('gives help listing what the model offers, and falls back with suggestions', async () => {
    const s = session()
    const before = await h.chat(s, 'what can you do?')
    expect(before.intent.name).toBe('help')
    expect(replyText(before)).toContain('Connect to a model first')
    await h.chat(s, 'connect to Sales Forecast')
    const help = await h.chat(s, 'help')
    expect(replyText(help)).toContain('Revenue by Region')
    expect(replyText(help)).toContain('Monthly Refresh')
    expect(replyText(help)).toContain('Products')
    const fb = await h.chat(s, 'order me a pizza with anchovies')
    expect(fb.intent.name).toBe('fallback')
    expect(find(fb, 'choices')?.options.map((o) => o.label)).toContain('Help')
    // Thanks are answered in kind, with nothing waiting and nothing confirmed; a goodbye leaves.
    expect(replyText(await h.chat(s, 'thanks!'))).toBe(
      "You're welcome! Ask me anything else about your models whenever you like.",
    )
    expect(replyText(await h.chat(s, 'ok thanks'))).toBe("You're welcome!")
    const bye = await h.chat(s, 'ok bye')
    expect(bye.intent.name).toBe('disconnect')
    expect(replyText(bye)).toContain('Disconnected from Sales Forecast')
  })

  it('explains unknown names with "did you mean" choices that work', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const r = await h.chat(s, { choice: encodeChoice('show_view', { view: 'Revenue by Regions Total' }) })
    expect(replyText(r)).toContain("I couldn't find a view called 'Revenue by Regions Total'")
    const opt = find(r, 'choices')?.options.find((o) => o.label === 'Revenue by Region')
    expect(opt).toBeDefined()
    const shown = await h.chat(s, { choice: opt?.value ?? '' })
    expect(find(shown, 'table')?.title).toBe('Revenue by Region (Widgets, Actual, Revenue)')
  })

  it('answers /api/nlu without side effects', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const before = await stats()
    const res = await h.app.request('/api/nlu', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await h.headers()) },
      body: JSON.stringify({ text: 'set Units for Widgets in APAC for Mar 26 to 500', sessionId: s }),
    })
    const body = (await res.json()) as { intent: { name: string }; parameters: Record<string, unknown> }
    expect(body.intent.name).toBe('write_cell')
    expect(body.parameters).toMatchObject({
      lineItem: 'Units',
      items: ['Widgets', 'APAC'],
      period: 'Mar 26',
      value: 500,
    })
    expect((await stats()).mutations).toEqual(before.mutations)
    // No confirmation was left pending by understanding alone.
    expect(replyText(await h.chat(s, 'yes'))).toContain('nothing waiting')
  })

  it('reads off-topic text as fallback on /api/nlu as a chat turn does', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    const nlu = async (text: string) => {
      const res = await h.app.request('/api/nlu', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await h.headers()) },
        body: JSON.stringify({ text, sessionId: s }),
      })
      return (await res.json()) as { intent: { name: string } }
    }
    const text = 'which film won the most oscars of all time'
    const chat = await h.chat(s, text)
    expect(chat.intent.name).toBe('fallback')
    expect((await nlu(text)).intent.name).toBe('fallback')
    expect((await nlu('which region has the most revenue')).intent.name).toBe('read_cell')
    // Words of the model's own objects are about the model, even naming nothing in it.
    const views = await h.chat(s, 'what views are available?')
    expect(views.intent.name).toBe('list_views')
    expect(replyText(views)).toContain('Revenue by Region')
    expect((await nlu('which saved views exist')).intent.name).toBe('list_views')
  })

  it('reads a measure named in scattered words, and no idiom as a measure', async () => {
    const s = session()
    await h.chat(s, 'connect to Sales Forecast')
    // "start" belongs to Forecast Start Month here: no run of Monthly Refresh.
    const start = await h.chat(s, 'in what month does our forecast start')
    expect(start.intent.name).toBe('read_cell')
    expect(start.parameters.lineItem).toBe('Forecast Start Month')
    expect(replyText(start)).toContain('Forecast Start Month')
    // A yes or a no worded as an idiom is not a question about Price or the Actual version.
    expect(replyText(await h.chat(s, 'sure, go for it'))).toContain('nothing waiting')
    const dropped = await h.chat(s, 'actually, forget it')
    expect(dropped.intent.name).toBe('deny')
  })
})

async function collect(it: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const c of it) chunks.push(c)
  return Buffer.concat(chunks).toString('utf8')
}
