/** list_views, show_view (in one turn, its page selectors returned as controls), set_page. */
import { type PeriodKey, periodKeyOf } from '../../nlu/slots.ts'
import type { Vocabulary } from '../../nlu/vocabulary.ts'
import type { NamedObject, ViewData } from '../anaplan.ts'
import type { IntentHandler, TurnContext } from '../context.ts'
import { encodeChoiceEach } from '../context.ts'
import { BotError } from '../errors.ts'
import type { Message, PageControl } from '../types.ts'
import { ask, connected, formatValue, listOfItem, optionsFor, pick, str } from './util.ts'
import { readableCharts } from './view-charts.ts'

/** More rows than this are cut from tables (a chat is not a spreadsheet). */
const MAX_ROWS = 50
const MAX_SERIES = 8

export const listViews: IntentHandler = {
  async run(ctx) {
    const c = connected(ctx)
    const v = await ctx.vocabulary()
    if (!v.views.length) return ctx.say(`${c.modelName} has no saved views I can show.`)
    ctx.say(`Views in ${c.modelName}: ${v.views.map((x) => x.name).join(', ')}.`)
    ask(
      ctx,
      'Show:',
      'show_view',
      'view',
      optionsFor(
        'show_view',
        {},
        'view',
        v.views.map((x) => x.name),
      ),
    )
  },
}

const LINE_ITEMS_RE = /^line items?$/i

/**
 * The items a view's page offers. Lists and versions come from the vocabulary; any other page
 * (Line Items, filtered to what the view shows, or Time) from the view's own dimension items.
 */
async function itemsOf(ctx: TurnContext, viewId: string, dim: NamedObject): Promise<string[]> {
  const v = await ctx.vocabulary()
  if (/^versions?$/i.test(dim.name)) return v.versions
  const list = v.lists.find((l) => l.name === dim.name || l.id === dim.id)
  if (list) return list.items.map((i) => i.name)
  const scope = await ctx.scope()
  return (await scope.viewDimensionItems(viewId, dim.id)).map((i) => i.name)
}

/** The page dimension an item belongs to: a list's, Versions, or Line Items for a line item name. */
function pageOfItem(v: Vocabulary, pageDims: NamedObject[], item: string): NamedObject | undefined {
  const lower = item.toLowerCase()
  const name =
    listOfItem(v, item) ??
    (v.versions.some((x) => x.toLowerCase() === lower) ? 'Versions' : undefined) ??
    (v.lineItems.some((li) => li.name.toLowerCase() === lower) ? 'Line Items' : undefined)
  if (!name) return undefined
  return pageDims.find((d) =>
    name === 'Line Items' ? LINE_ITEMS_RE.test(d.name) : d.name.toLowerCase() === name.toLowerCase(),
  )
}

/** Matches the user's page choices to the view's page dimensions ("Gadgets" → Products: Gadgets). */
async function normalisePages(
  ctx: TurnContext,
  pageDims: NamedObject[],
  given: Record<string, string>,
): Promise<Record<string, string>> {
  const v = await ctx.vocabulary()
  const out: Record<string, string> = {}
  for (const [dimName, item] of Object.entries(given)) {
    const dim =
      pageDims.find((d) => d.name.toLowerCase() === dimName.toLowerCase()) ?? pageOfItem(v, pageDims, item)
    if (dim) out[dim.name] = item
  }
  return out
}

export const showView: IntentHandler = {
  async run(ctx) {
    connected(ctx)
    const v = await ctx.vocabulary()
    const viewQuery = str(ctx.parameters.view)
    if (!viewQuery) {
      if (!v.views.length) throw new BotError('not_found', 'This model has no saved views.')
      ask(
        ctx,
        'Which view?',
        'show_view',
        'view',
        optionsFor(
          'show_view',
          ctx.parameters,
          'view',
          v.views.map((x) => x.name),
        ),
      )
      return
    }
    const view = v.views.length ? pick('view', v.views, viewQuery) : { name: viewQuery, id: viewQuery }
    const scope = await ctx.scope()
    const meta = await scope.viewMetadata(view.id)
    const pageDims = meta.pages ?? []
    const givenRaw = (ctx.parameters.pages ?? {}) as Record<string, string>
    const given = await normalisePages(ctx, pageDims, givenRaw)
    // Same view again: keep the pages chosen before unless the user changed them. Pages nobody
    // chose show what the saved view shows, and come back as controls on the table.
    const previous = ctx.session.view?.name === view.name ? ctx.session.view.pages : {}
    const pages = { ...previous, ...given }
    ctx.parameters = { ...ctx.parameters, view: view.name, pages }
    await render(ctx, view.name, pages)
  },
}

export const setPage: IntentHandler = {
  async run(ctx) {
    connected(ctx)
    const current = ctx.session.view
    const item = str(ctx.parameters.item)
    if (!current)
      throw new BotError(
        'invalid_input',
        'There is no view on screen to change the page of. Say "show <view>" first.',
      )
    if (!item) throw new BotError('invalid_input', 'Which item should the page show?')
    const scope = await ctx.scope()
    const meta = await scope.viewMetadata(current.name)
    const v = await ctx.vocabulary()
    const named = str(ctx.parameters.dimension)
    const dim = named
      ? (meta.pages ?? []).find((d) => d.name.toLowerCase() === named.toLowerCase())
      : pageOfItem(v, meta.pages ?? [], item)
    const dimName =
      named ??
      listOfItem(v, item) ??
      (v.versions.some((x) => x.toLowerCase() === item.toLowerCase()) ? 'Versions' : undefined)
    if (!dim) {
      const pages = (meta.pages ?? []).map((d) => d.name)
      throw new BotError(
        'invalid_input',
        `${current.name} has no page for ${dimName ?? item}${pages.length ? `; its pages are ${pages.join(' and ')}` : ''}.`,
      )
    }
    const items = await itemsOf(ctx, meta.viewId, dim)
    const resolved = pick(
      dim.name,
      items.map((name) => ({ name })),
      item,
    ).name
    const pages = { ...current.pages, [dim.name]: resolved }
    ctx.parameters = { ...ctx.parameters, dimension: dim.name, item: resolved }
    await render(ctx, current.name, pages)
  },
}

/** Most items offered in one page selector; the others are reached by name ("switch to …"). */
const MAX_PAGE_OPTIONS = 50

/** Reads the view with the pages and renders a table, plus a chart when columns are periods. */
async function render(ctx: TurnContext, viewName: string, pages: Record<string, string>): Promise<void> {
  const scope = await ctx.scope()
  const v = await ctx.vocabulary()
  const view = v.views.find((x) => x.name === viewName)
  const meta = await scope.viewMetadata(view?.id ?? viewName)
  const data = await scope.readView(view?.id ?? viewName, pages)
  const pageDims = meta.pages ?? []
  // What each page shows: the user's choice, else the item the view opened on.
  const shown: Record<string, string> = {}
  pageDims.forEach((d, i) => {
    const item = pages[d.name] ?? data.pages?.[i]
    if (item !== undefined) shown[d.name] = item
  })
  ctx.session.view = { name: viewName, pages }
  const controls: PageControl[] = []
  for (const d of pageDims) {
    const selected = shown[d.name]
    if (selected === undefined) continue
    const items = await itemsOf(ctx, meta.viewId, d)
    const offered = items.slice(0, MAX_PAGE_OPTIONS)
    if (!offered.includes(selected)) offered.unshift(selected)
    const values = encodeChoiceEach('show_view', offered, (item) => ({
      view: viewName,
      pages: { ...shown, [d.name]: item },
    }))
    controls.push({
      dimension: d.name,
      selected,
      options: offered.map((item, i) => ({ label: item, value: values[i] as string })),
    })
  }
  ctx.messages.push(...viewMessages(viewName, meta.rows ?? [], data, v.periods, controls))
}

// A model's column labels are few and repeat on every read of its views: parse each once.
const labelPeriods = new Map<string, PeriodKey | undefined>()
const MAX_LABELS = 5000
const periodSets = new WeakMap<readonly string[], Set<string>>()

function labelPeriod(label: string): PeriodKey | undefined {
  if (labelPeriods.has(label)) return labelPeriods.get(label)
  const key = periodKeyOf(label)
  if (labelPeriods.size >= MAX_LABELS) labelPeriods.clear()
  labelPeriods.set(label, key)
  return key
}

/** The lower-cased period names of a vocabulary, built once per (cached) vocabulary. */
function periodSetOf(periods: readonly string[]): Set<string> {
  let set = periodSets.get(periods)
  if (!set) {
    set = new Set(periods.map((p) => p.toLowerCase()))
    periodSets.set(periods, set)
  }
  return set
}

/** A view's data as a table message and, when its columns are time periods, a line chart. */
export function viewMessages(
  viewName: string,
  rowDims: NamedObject[],
  data: ViewData,
  periods: readonly string[],
  pageControls: PageControl[] = [],
): Message[] {
  const title = data.pages?.length ? `${viewName} (${data.pages.join(', ')})` : viewName
  const colLabels = data.columnCoordinates.map((c) => c.join(' / '))
  const rowHeader = rowDims.length ? rowDims.map((d) => d.name).join(' / ') : ''
  const rows = data.rows
    .slice(0, MAX_ROWS)
    .map((r) => [r.rowCoordinates.join(' / '), ...r.cells.map((c) => formatValue(c))])
  const periodSet = periodSetOf(periods)
  const isTime =
    colLabels.length > 1 &&
    colLabels.every((l) => periodSet.has(l.toLowerCase()) || labelPeriod(l) !== undefined)
  const table: Extract<Message, { type: 'table' }> = {
    type: 'table',
    title,
    columns: [rowHeader, ...colLabels],
    rows,
  }
  if (pageControls.length) table.pages = pageControls
  if (isTime) table.columnPeriods = [null, ...colLabels.map((l) => labelPeriod(l)?.kind ?? null)]
  const out: Message[] = [table]
  if (data.rows.length > MAX_ROWS)
    out.push({ type: 'text', text: `Showing the first ${MAX_ROWS} of ${data.rows.length} rows.` })
  if (isTime) {
    // Months only when there are months: mixing months and quarter totals distorts a line.
    const leafIdx = colLabels.map((l, i) => ({ l, i })).filter(({ l }) => labelPeriod(l)?.kind === 'month')
    const idx = leafIdx.length >= 2 ? leafIdx : colLabels.map((l, i) => ({ l, i }))
    const series = data.rows.slice(0, MAX_SERIES).map((r) => ({
      name: r.rowCoordinates.join(' / '),
      values: idx.map(({ i }) => {
        const n = Number(r.cells[i])
        return r.cells[i] === undefined || r.cells[i] === '' || !Number.isFinite(n) ? null : n
      }),
    }))
    out.push(...readableCharts({ type: 'chart', title, kind: 'line', labels: idx.map((x) => x.l) }, series))
  }
  return out
}
