/**
 * Partial names, understanding without a connected model (pooled vocabularies), and the result
 * cache: deterministic answers, copies the caller may change, and one entry per vocabulary.
 */
import { describe, expect, it } from 'vitest'
import { DEMO_VOCABULARY, POOLED_DEMO_VOCABULARY, WORKFORCE_VOCABULARY } from './demo-vocabulary.ts'
import { EntityIndex } from './entities.ts'
import { clearUnderstandingCache, Nlu, normaliseText, understandingCacheStats } from './nlu.ts'
import { emptyVocabulary, mergeVocabularies } from './vocabulary.ts'

const nlu = new Nlu(DEMO_VOCABULARY)

describe('partial names', () => {
  it.each([
    ['show me the revenue view', 'show_view', { view: 'Revenue by Region' }],
    ['units view', 'show_view', { view: 'Units by Product' }],
    ['open view revenue', 'show_view', { view: 'Revenue by Region' }],
    ['show me the rev view', 'show_view', { view: 'Revenue by Region' }],
    ['run the refresh process', 'run_action', { action: 'Monthly Refresh', actionType: 'process' }],
    ['show me expenses', 'show_view', { view: 'Expenses Summary' }],
    ['what is the margin', 'read_cell', { lineItem: 'Target Margin %' }],
  ])('%s → %s %j', async (text, intent, parameters) => {
    const r = await nlu.understand(text)
    expect(r.intent.name).toBe(intent)
    expect(r.parameters).toEqual(parameters)
    expect(r.ambiguity).toBeUndefined()
  })

  it('prefers the kind the kind word names over a whole name of another kind', async () => {
    // "Revenue" alone is a line item; next to "view" it is part of Revenue by Region.
    expect((await nlu.understand('what is revenue')).parameters).toEqual({ lineItem: 'Revenue' })
    const view = await nlu.understand('show the revenue view')
    expect(view.analysis.entities.map((e) => `${e.kind}:${e.value}`)).toEqual(['view:Revenue by Region'])
  })

  it('keeps an ambiguous part as typed and offers every name it fits', async () => {
    const r = await nlu.understand('run the load import')
    expect(r.intent.name).toBe('run_action')
    expect(r.parameters).toEqual({ action: 'load', actionType: 'import' })
    expect(r.ambiguity).toEqual({
      text: 'load',
      options: [
        { kind: 'action', value: 'Load Actuals' },
        { kind: 'action', value: 'Load Products' },
      ],
    })
  })

  it('reads a word that fits several kinds as the kind the intent asks for', async () => {
    // "expenses": Expenses Summary (view), Expenses Export (action), Total Expenses (line item).
    const read = await nlu.understand('what are the expenses for EMEA in Q2')
    expect(read.intent.name).toBe('read_cell')
    expect(read.parameters).toEqual({ lineItem: 'Total Expenses', items: ['EMEA'], period: 'Q2 FY26' })
    // A channel-recognised intent decides the kind without classifying.
    expect(nlu.parameters('run_action', 'run expenses')).toEqual({
      action: 'Expenses Export',
      actionType: 'export',
    })
    expect(nlu.parameters('show_view', 'show expenses')).toEqual({ view: 'Expenses Summary' })
  })

  it('does not read words that carry intent, or describe a type, as parts of names', async () => {
    // "start" (a verb of the training phrases) is not Forecast Start Month on its own.
    const start = await nlu.understand('start the refresh')
    expect(start.intent.name).toBe('run_action')
    expect(start.parameters).toEqual({ action: 'Monthly Refresh', actionType: 'process' })
    // "delete actions" lists a type; it does not name Delete Discontinued Products.
    const list = await nlu.understand('show me the delete actions')
    expect(list.intent.name).toBe('list_actions')
    expect(list.parameters).toEqual({ actionType: 'action' })
  })

  it('does not read words as names when the sentence is about something else', async () => {
    const pooled = new Nlu(POOLED_DEMO_VOCABULARY)
    // "average" is part of Average Salary, but "temperature" next to it names something else.
    expect((await pooled.understand('what is the average temperature')).parameters).toEqual({})
    expect((await pooled.understand('show me the cost of living')).parameters).toEqual({})
    // Reading "refresh" as Monthly Refresh is less sure than reading the sentence as it is.
    expect((await pooled.understand('refresh my memory')).intent.name).not.toBe('run_action')
  })

  it('leaves training shapes to whole names (the shipped model stays valid)', () => {
    const index = new EntityIndex(DEMO_VOCABULARY)
    const text = 'show me the revenue view'
    expect(index.find(text).map((e) => e.kind)).toEqual(['lineItem'])
    expect(index.find(text, [], { partial: true }).map((e) => e.kind)).toEqual(['view'])
  })
})

describe('no connected model', () => {
  it('understands the names of every pooled model', async () => {
    const pooled = new Nlu(POOLED_DEMO_VOCABULARY)
    const view = await pooled.understand('show me Revenue by Region for Gadgets')
    expect(view.intent.name).toBe('show_view')
    expect(view.parameters).toEqual({ view: 'Revenue by Region', pages: { Products: 'Gadgets' } })
    const cell = await pooled.understand('what is the forecast start month')
    expect(cell.parameters).toEqual({ lineItem: 'Forecast Start Month' })
    const wf = await pooled.understand('what is the average salary in engineering')
    expect(wf.parameters).toEqual({ lineItem: 'Average Salary', items: ['Engineering'] })
  })

  it('without names, the same sentence is not understood (what the pooling fixes)', async () => {
    const bare = new Nlu({ ...emptyVocabulary(), models: DEMO_VOCABULARY.models })
    const r = await bare.understand('show me Revenue by Region for Gadgets')
    expect(r.parameters.view).toBeUndefined()
  })

  it('merges vocabularies without duplicate names, pooling items of same-named lists', () => {
    const extra = {
      ...emptyVocabulary(),
      lists: [
        {
          id: 'X',
          name: 'products',
          items: [
            { id: 'n', name: 'Doohickeys' },
            { id: 'w', name: 'WIDGETS' },
          ],
        },
      ],
      lineItems: [{ id: 'u', name: 'Units', moduleName: 'X01' }],
      versions: ['Forecast', 'Plan'],
    }
    const m = mergeVocabularies([DEMO_VOCABULARY, WORKFORCE_VOCABULARY, extra])
    expect(m.lineItems.filter((l) => l.name === 'Headcount')).toHaveLength(1)
    expect(m.lineItems.filter((l) => l.name === 'Units')).toHaveLength(1)
    expect(m.views.map((v) => v.name)).toContain('Headcount by Department')
    const products = m.lists.filter((l) => l.name.toLowerCase() === 'products')
    expect(products).toHaveLength(1)
    expect(products[0]?.items.map((i) => i.name)).toEqual([
      'Widgets',
      'Gadgets',
      'Gizmos',
      'Sprockets',
      'All Products',
      'Doohickeys',
    ])
    expect(m.versions).toEqual(['Actual', 'Forecast', 'Budget', 'Plan'])
    // The inputs are not changed.
    expect(DEMO_VOCABULARY.lists[1]?.items).toHaveLength(5)
  })
})

describe('result cache', () => {
  it('answers a repeated utterance from the cache with an equal, independent copy', async () => {
    clearUnderstandingCache()
    const first = await nlu.understand('set Units for Widgets in APAC for Mar 26 to 500')
    expect(understandingCacheStats()).toMatchObject({ misses: 1, hits: 0, size: 1 })
    first.parameters.value = 1
    ;(first.parameters.items as string[]).push('EMEA')
    // Spacing differences are the same utterance.
    const again = await nlu.understand('  set Units for Widgets in  APAC for Mar 26 to 500 ')
    expect(understandingCacheStats()).toMatchObject({ misses: 1, hits: 1, size: 1 })
    expect(again.parameters).toEqual({
      lineItem: 'Units',
      items: ['Widgets', 'APAC'],
      period: 'Mar 26',
      value: 500,
    })
    expect(normaliseText('  a \t b\n')).toBe('a b')
  })

  it('shares one computation between concurrent identical calls', async () => {
    clearUnderstandingCache()
    const rs = await Promise.all(Array.from({ length: 5 }, () => nlu.understand('list the channels')))
    expect(new Set(rs.map((r) => JSON.stringify(r))).size).toBe(1)
    expect(understandingCacheStats().size).toBe(1)
    expect(rs[0]?.parameters).toEqual({ list: 'Channels' })
  })

  it('keys results by vocabulary: another model gets its own answer', async () => {
    const text = 'list the departments'
    const sales = await new Nlu(DEMO_VOCABULARY).understand(text)
    const workforce = await new Nlu(WORKFORCE_VOCABULARY).understand(text)
    expect(sales.parameters.list).toBeUndefined()
    expect(workforce.parameters).toEqual({ list: 'Departments' })
    // An equal but new vocabulary object (a metadata reload) is a new version: no stale answers.
    const renamed = structuredClone(WORKFORCE_VOCABULARY)
    const list = renamed.lists[0]
    if (list) list.name = 'Teams'
    expect((await new Nlu(renamed).understand(text)).parameters.list).toBeUndefined()
  })

  it('is bounded', async () => {
    clearUnderstandingCache()
    const many = new Nlu(DEMO_VOCABULARY)
    for (let i = 0; i < 2100; i++) await many.understand(`set Units to ${i}`)
    expect(understandingCacheStats().size).toBeLessThanOrEqual(2000)
  })
})

describe('everyday wording of commands', () => {
  it.each([
    ['hows the load actuals getting on', 'task_status', { action: 'Load Actuals' }],
    ['could you do the expenses export for us', 'run_action', { action: 'Expenses Export' }],
    ['are we logged in as a service account?', 'whoami', {}],
    ['nope, don’t apply it', 'deny', {}],
    ['sounds good, go ahead', 'confirm', {}],
    ['what kinds of questions can you answer', 'help', {}],
    ['tips on using the bot', 'help', {}],
    ["we're finished with sales forecast, close the session", 'disconnect', {}],
    ['exit sales forecast', 'disconnect', {}],
    ['who am i logged in as atm', 'whoami', {}],
    ['who does the bot think i am', 'whoami', {}],
    ['could you switch the page over to gizmos pls', 'set_page', { item: 'Gizmos' }],
  ])('%s → %s', async (text, intent, parameters) => {
    const r = await nlu.understand(text)
    expect(r.intent.name).toBe(intent)
    expect(r.parameters).toMatchObject(parameters)
  })

  it('a number alone writes nowhere: no cell named, no write', async () => {
    expect((await nlu.understand('my train is 20 minutes late again')).intent.name).toBe('fallback')
    expect((await nlu.understand('set it to 500')).intent.name).toBe('write_cell')
  })

  it('a new item typed in lower case is named as list items are; other casing is kept', async () => {
    expect((await nlu.understand('add nordics to regions')).parameters).toMatchObject({ item: 'Nordics' })
    expect((await nlu.understand('add south east asia to regions')).parameters).toMatchObject({
      item: 'South East Asia',
    })
    expect((await nlu.understand('add DACH to regions')).parameters).toMatchObject({ item: 'DACH' })
    expect((await nlu.understand('we need an Online channel added')).parameters).toMatchObject({
      list: 'Channels',
      item: 'Online',
    })
  })
})
