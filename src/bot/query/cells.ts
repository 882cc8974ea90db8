/**
 * Reads the cells a question needs from a line item's module. Every view of the module that shows
 * the line item is a candidate (the default view, whose id is the module's, and its saved views);
 * the one that answers with the fewest cells in plain reads (one per page combination, each under
 * Anaplan's cell limit) is read. When none fits, a large read request of the smallest view answers,
 * if its whole size is within what a chat answer may read.
 */
import { parse } from 'csv-parse/sync'
import type { CatalogLineItem, ModelCatalog } from '../../anaplan/catalog.ts'
import { ReadLimitError } from '../../anaplan/index.ts'
import type { ModelScope, NamedObject, PageSelection, RequestOptions, ViewMetadata } from '../core/anaplan.ts'
import { BotError } from '../core/errors.ts'
import { listChain } from './names.ts'
import { LINE_ITEMS_ID, TIME_ID, VERSIONS_ID } from './read.ts'

const LINE_ITEMS_RE = /^line items?$/i
/** More page reads than this for one question means the question is too wide to answer at once. */
export const MAX_READS = 24
/** Anaplan's limit on the cells of one plain view read. */
export const PLAIN_READ_CELLS = 1_000_000
/** The most cells a large read request may fetch for one answer (it reads every page of the view). */
export const MAX_LARGE_READ_CELLS = 4_000_000

/** Raw cell text by coordinates: item names in the order of `dims`, joined by {@link SEP}. */
export interface CellGrid {
  dims: string[]
  cells: Map<string, string>
  reads: number
}

export const SEP = '\u0001'

type Wants = ReadonlyMap<string, ReadonlySet<string>>

/** How one view would answer: its page reads, the cells of each, and every cell over all pages. */
export interface ViewPlan {
  viewId: string
  meta: ViewMetadata
  reads: number
  cellsPerRead: number
  allCells: number
}

/**
 * Reads `li`'s cells for the wanted items per dimension id (a dimension left out: whatever the
 * view shows on its default page). Cells outside the wanted items are dropped.
 */
export async function readCells(
  scope: ModelScope,
  li: CatalogLineItem,
  wants: Wants,
  options: { catalog: ModelCatalog; requestOptions?: RequestOptions },
): Promise<CellGrid> {
  const { catalog, requestOptions } = options
  const plans = await planViews(scope, li, wants, catalog, requestOptions)
  const fits = plans
    .filter((p) => p.reads <= MAX_READS && p.cellsPerRead <= PLAIN_READ_CELLS)
    .sort((a, b) => a.reads * a.cellsPerRead - b.reads * b.cellsPerRead)
  for (const plan of fits) {
    try {
      const grid = await readPlain(scope, plan, li, wants, requestOptions)
      if (grid) return grid
    } catch (e) {
      // The estimate was short (a view's filters or hierarchy differ): the next view is tried.
      if (!(e instanceof ReadLimitError)) throw e
    }
  }
  const large = [...plans].sort((a, b) => a.allCells - b.allCells)[0]
  if (large && large.allCells <= MAX_LARGE_READ_CELLS)
    return readLarge(scope, large, li, wants, requestOptions)
  if (plans.some((p) => p.cellsPerRead <= PLAIN_READ_CELLS && p.reads > MAX_READS))
    throw new BotError('invalid_input', 'That question needs too many separate reads; please narrow it down.')
  throw new BotError(
    'invalid_input',
    `Answering that needs more than the ${PLAIN_READ_CELLS.toLocaleString('en-US')} cells Anaplan returns in one read of ${li.moduleName}; please name fewer items (one version, a region, a product group).`,
  )
}

/** Items a view shows on an axis of dimension `d` (a list with the lists above it and their total). */
export function axisSize(d: NamedObject, li: CatalogLineItem, catalog: ModelCatalog): number {
  if (isLineItems(d)) return catalog.modules.find((m) => m.id === li.moduleId)?.lineItemIds.length ?? 1
  if (d.id === TIME_ID) return catalog.periods.length || 1
  if (d.id === VERSIONS_ID) return catalog.versions.length || 1
  const list = catalog.lists.find((l) => l.id === d.id)
  if (!list) return 1
  const chain = listChain(catalog, list)
  return chain.reduce((n, l) => n + l.itemCount, 0) + (chain.some((l) => l.topLevelItem) ? 1 : 0)
}

/** The view's Line Items dimension (Anaplan keeps it on an axis of every module view). */
export function lineItemsAxis(meta: ViewMetadata): NamedObject | undefined {
  return [...(meta.pages ?? []), ...(meta.rows ?? []), ...(meta.columns ?? [])].find(isLineItems)
}

function isLineItems(d: NamedObject): boolean {
  return d.id === LINE_ITEMS_ID || LINE_ITEMS_RE.test(d.name)
}

/** The module's views that show `li`, each with what reading the wanted cells through it costs. */
export async function planViews(
  scope: ModelScope,
  li: CatalogLineItem,
  wants: Wants,
  catalog: ModelCatalog,
  requestOptions?: RequestOptions,
): Promise<ViewPlan[]> {
  const ids = [
    li.moduleId,
    ...catalog.views.filter((v) => v.moduleId === li.moduleId && v.id !== li.moduleId).map((v) => v.id),
  ]
  // The views' metadata is fetched side by side (cached after the first question on a module).
  const described = await Promise.all(
    ids.map(async (viewId) => {
      const meta = await scope.viewMetadata(viewId, requestOptions)
      // A saved view may be filtered to some line items: its Line Items dimension lists them.
      const shown =
        viewId === li.moduleId ? undefined : await shownLineItems(scope, viewId, meta, requestOptions)
      return { viewId, meta, shown }
    }),
  )
  const plans: ViewPlan[] = []
  for (const { viewId, meta, shown } of described) {
    if (shown && !shown.some((x) => x.id === li.id || x.name.toLowerCase() === li.name.toLowerCase()))
      continue
    const size = (d: NamedObject) => (shown && isLineItems(d) ? shown.length : axisSize(d, li, catalog))
    let reads = 1
    let allCells = 1
    for (const p of meta.pages ?? []) {
      allCells *= size(p)
      if (!isLineItems(p) && wants.has(p.id)) reads *= Math.max(1, wants.get(p.id)?.size ?? 1)
    }
    let cellsPerRead = 1
    for (const d of [...(meta.rows ?? []), ...(meta.columns ?? [])]) cellsPerRead *= size(d)
    plans.push({ viewId, meta, reads, cellsPerRead, allCells: allCells * cellsPerRead })
  }
  return plans
}

/**
 * The line items a saved view shows: the items of its Line Items dimension. A view without one
 * (Anaplan always has it) shows none we could name, so its cells are never taken for `li`'s.
 */
async function shownLineItems(
  scope: ModelScope,
  viewId: string,
  meta: ViewMetadata,
  requestOptions?: RequestOptions,
): Promise<NamedObject[]> {
  const dim = lineItemsAxis(meta)
  return dim ? scope.viewDimensionItems(viewId, dim.id, requestOptions) : []
}

/**
 * One plain read per combination of the wanted page items; undefined when the view does not show
 * every wanted row or column item (a filtered saved view), so no figure is made of missing cells.
 */
async function readPlain(
  scope: ModelScope,
  plan: ViewPlan,
  li: CatalogLineItem,
  wants: Wants,
  requestOptions?: RequestOptions,
): Promise<CellGrid | undefined> {
  const { meta, viewId } = plan
  const dims = li.dimensionIds.filter((d) => wants.has(d))
  const pages = meta.pages ?? []
  const selections: PageSelection[] = [{}]
  for (const p of pages) {
    const items = isLineItems(p) ? [li.name] : wants.has(p.id) ? [...(wants.get(p.id) ?? [])] : []
    if (!items.length) continue
    const grown: PageSelection[] = []
    for (const s of selections) for (const item of items) grown.push({ ...s, [p.name]: item })
    selections.splice(0, selections.length, ...grown)
  }
  const rowDims = meta.rows ?? []
  const colDims = meta.columns ?? []
  const cells = new Map<string, string>()
  const want = wanted(li, wants)
  const grids = await Promise.all(
    selections.map((pageSel) => scope.readView(viewId, pageSel, requestOptions)),
  )
  const seen = new Map<string, Set<string>>()
  const saw = (d: NamedObject, name: string) => {
    const s = seen.get(d.id) ?? new Set<string>()
    s.add(name)
    seen.set(d.id, s)
  }
  grids.forEach((data, k) => {
    for (const cc of data.columnCoordinates) for (const [i, d] of colDims.entries()) saw(d, cc[i] ?? '')
    for (const row of data.rows) for (const [i, d] of rowDims.entries()) saw(d, row.rowCoordinates[i] ?? '')
    const pageSel = selections[k] as PageSelection
    const at = new Map<string, string>()
    for (const p of pages) if (pageSel[p.name] !== undefined) at.set(p.id, pageSel[p.name] as string)
    const colOk = data.columnCoordinates.map((cc) => colDims.every((d, i) => want(d, cc[i] ?? '')))
    for (const row of data.rows) {
      if (!rowDims.every((d, i) => want(d, row.rowCoordinates[i] ?? ''))) continue
      rowDims.forEach((d, i) => {
        at.set(d.id, row.rowCoordinates[i] ?? '')
      })
      data.columnCoordinates.forEach((cc, j) => {
        if (!colOk[j]) return
        colDims.forEach((d, i) => {
          at.set(d.id, cc[i] ?? '')
        })
        cells.set(dims.map((d) => at.get(d) ?? '').join(SEP), row.cells[j] ?? '')
      })
    }
  })
  for (const d of [...rowDims, ...colDims]) {
    const w = wants.get(d.id)
    if (w && [...w].some((name) => !seen.get(d.id)?.has(name))) return undefined
  }
  return { dims, cells, reads: selections.length }
}

function wanted(li: CatalogLineItem, wants: Wants): (dim: NamedObject, name: string) => boolean {
  return (dim, name) => {
    if (isLineItems(dim)) return name.toLowerCase() === li.name.toLowerCase()
    const w = wants.get(dim.id)
    return !w || w.has(name)
  }
}

/** Every page of the view through one large read request (one cell a line), filtered to the wanted cells. */
async function readLarge(
  scope: ModelScope,
  plan: ViewPlan,
  li: CatalogLineItem,
  wants: Wants,
  requestOptions?: RequestOptions,
): Promise<CellGrid> {
  const { meta } = plan
  const axes = [...(meta.pages ?? []), ...(meta.rows ?? []), ...(meta.columns ?? [])]
  const dims = li.dimensionIds.filter((d) => wants.has(d))
  const want = wanted(li, wants)
  let text = ''
  for await (const page of scope.readViewLarge(plan.viewId, {
    ...requestOptions,
    exportType: 'TABULAR_SINGLE_COLUMN',
  }))
    text += page.endsWith('\n') || !page ? page : `${page}\n`
  const lines = parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][]
  const cells = new Map<string, string>()
  for (const line of lines.slice(1)) {
    if (!axes.every((d, i) => want(d, line[i] ?? ''))) continue
    const at = new Map(axes.map((d, i) => [d.id, line[i] ?? '']))
    // A dimension the view does not show on its own axes is at its default (only) item.
    cells.set(dims.map((d) => at.get(d) ?? '').join(SEP), line[axes.length] ?? '')
  }
  return { dims, cells, reads: 1 }
}

/** A cell as a number: empty is no value; text that is not a number is no figure. */
export function numberOf(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null
  const n = Number(raw)
  return Number.isFinite(n) ? n : null
}
