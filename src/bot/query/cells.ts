/**
 * Reads the cells a question needs from a line item's module through its default view (a module
 * id is its default view id): page selectors for page dimensions, every row and column in one
 * read. Several items of a page dimension mean one read per item.
 */
import type { CatalogLineItem, CatalogView } from '../../anaplan/catalog.ts'
import { ReadLimitError } from '../../anaplan/index.ts'
import type { ModelScope, NamedObject, PageSelection, RequestOptions } from '../core/anaplan.ts'
import { BotError } from '../core/errors.ts'

const LINE_ITEMS_RE = /^line items?$/i
/** More page reads than this for one question means the question is too wide to answer at once. */
const MAX_READS = 24

/** Raw cell text by coordinates: item names in the order of `dims`, joined by {@link SEP}. */
export interface CellGrid {
  dims: string[]
  cells: Map<string, string>
  reads: number
}

export const SEP = '\u0001'

/**
 * Reads `li`'s cells for the wanted items per dimension id (a dimension left out: whatever the
 * view shows on its default page). Cells outside the wanted items are dropped.
 */
export async function readCells(
  scope: ModelScope,
  li: CatalogLineItem,
  wants: ReadonlyMap<string, ReadonlySet<string>>,
  options: { views?: readonly CatalogView[]; requestOptions?: RequestOptions } = {},
): Promise<CellGrid> {
  // The module's default view first, then its saved views: the first whose reads fit answers
  // (Retail Demand's default view is over the cell limit; a saved view with the asked dimension
  // on rows and the others on pages is one small read).
  const candidates = [
    li.moduleId,
    ...(options.views ?? [])
      .filter((v) => v.moduleId === li.moduleId && v.id !== li.moduleId)
      .map((v) => v.id),
  ]
  let lastError: unknown
  for (const viewId of candidates) {
    try {
      const grid = await readCellsFrom(scope, viewId, li, wants, options.requestOptions)
      if (grid) return grid
    } catch (e) {
      if (!(e instanceof ReadLimitError)) throw e
      lastError = e
    }
  }
  if (lastError instanceof ReadLimitError || candidates.length > 1)
    throw new BotError(
      'invalid_input',
      `Answering that needs more than the 1,000,000 cells Anaplan returns in one read of ${li.moduleName}; please name fewer items (one version, a region, a product group).`,
    )
  throw new BotError('invalid_input', 'That question needs too many separate reads; please narrow it down.')
}

/** The cells from one view of `li`'s module; undefined when it would take too many page reads. */
async function readCellsFrom(
  scope: ModelScope,
  viewId: string,
  li: CatalogLineItem,
  wants: ReadonlyMap<string, ReadonlySet<string>>,
  requestOptions?: RequestOptions,
): Promise<CellGrid | undefined> {
  const meta = await scope.viewMetadata(viewId, requestOptions)
  // A saved view must show the line item: a Line Items dimension, or (a view of one line item)
  // its name in the view's name. Otherwise its cells may be another line item's.
  if (viewId !== li.moduleId) {
    const all = [...(meta.pages ?? []), ...(meta.rows ?? []), ...(meta.columns ?? [])]
    const named = new RegExp(`\\b${li.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i')
    if (!all.some((d) => LINE_ITEMS_RE.test(d.name)) && !named.test(meta.viewName ?? '')) return undefined
  }
  const dims = li.dimensionIds.filter((d) => wants.has(d))
  const pages = meta.pages ?? []
  const choices: { dim: NamedObject; items: string[] }[] = []
  for (const p of pages) {
    if (LINE_ITEMS_RE.test(p.name)) choices.push({ dim: p, items: [li.name] })
    else if (wants.has(p.id)) choices.push({ dim: p, items: [...(wants.get(p.id) ?? [])] })
  }
  let count = 1
  for (const c of choices) count *= c.items.length
  if (count > MAX_READS) return undefined
  const selections: PageSelection[] = [{}]
  for (const c of choices) {
    const grown: PageSelection[] = []
    for (const s of selections) for (const item of c.items) grown.push({ ...s, [c.dim.name]: item })
    selections.splice(0, selections.length, ...grown)
  }
  const rowDims = meta.rows ?? []
  const colDims = meta.columns ?? []
  const cells = new Map<string, string>()
  const want = (dim: NamedObject, name: string): boolean => {
    if (LINE_ITEMS_RE.test(dim.name)) return name.toLowerCase() === li.name.toLowerCase()
    const w = wants.get(dim.id)
    return !w || w.has(name)
  }
  const grids = await Promise.all(
    selections.map((pageSel) => scope.readView(viewId, pageSel, requestOptions)),
  )
  grids.forEach((data, k) => {
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
        const key = dims.map((d) => at.get(d) ?? '').join(SEP)
        cells.set(key, row.cells[j] ?? '')
      })
    }
  })
  return { dims, cells, reads: selections.length }
}

/** A cell as a number: empty is no value; text that is not a number is no figure. */
export function numberOf(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null
  const n = Number(raw)
  return Number.isFinite(n) ? n : null
}
