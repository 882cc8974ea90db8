/** `model.cells`: one cell read through a module's default view, and batched cell writes. */
import type {
  CellValue,
  CellWrite,
  CellWriteResult,
  ItemFailure,
  NamedObject,
  PageSelection,
  RequestOptions,
  Selector,
} from '../../api.ts'
import { LINE_ITEMS_DIMENSION_ID } from '../../core/catalog-build.ts'
import { normalizeName, resolveName } from '../../core/names.ts'
import { NameResolutionError, ValidationError } from '../../errors.ts'
import { path } from '../../internal/path.ts'
import { type ModelContext, ModelResource, requestOptions } from '../resource.ts'
import type { ViewsResource } from './views.ts'

/** Anaplan's per-call limits for transactional writes. */
export const CELL_BATCH = 100_000
export const CELL_BATCH_BYTES = 15 * 1024 * 1024

export class CellsResource extends ModelResource {
  constructor(
    context: ModelContext,
    private readonly views: ViewsResource,
  ) {
    super(context)
  }

  /**
   * Reads one cell through the module's default view (whose id is the module id).
   * @throws {ValidationError} When a row or column dimension has no coordinate.
   * @throws {NameResolutionError} When a dimension, item or line item is unknown.
   * @example const c = await model.cells.read('REV01 Revenue', 'Revenue', { Regions: 'EMEA', Products: 'WID', Time: 'Q3 FY26', Versions: 'Actual' })
   */
  async read(
    module: Selector,
    lineItem: Selector,
    coordinates: PageSelection,
    options?: RequestOptions,
  ): Promise<CellValue> {
    const ro = requestOptions(options)
    const mod = await this._catalog.module(module, ro)
    const own = (await this._catalog.lineItems(ro)).filter((li) => li.moduleId === mod.id)
    const li = resolveName('line item', own, typeof lineItem === 'string' ? lineItem : lineItem.id)
    const meta = await this._catalog.viewMetadata(mod.id, ro)
    const isLineItems = (d: NamedObject) =>
      d.id === LINE_ITEMS_DIMENSION_ID || normalizeName(d.name) === 'line items'
    const axes = [...(meta.rows ?? []), ...(meta.columns ?? []), ...(meta.pages ?? [])]
    const given = new Map<string, string>()
    for (const [dimQuery, item] of Object.entries(coordinates)) {
      const dims = axes.filter((d) => !isLineItems(d))
      given.set(resolveName('dimension', dims, dimQuery).id, item)
    }
    const wanted = new Map<string, string>()
    const resolveItem = async (dim: NamedObject): Promise<string> => {
      if (isLineItems(dim)) return li.name
      const query = given.get(dim.id)
      if (query === undefined) {
        throw new ValidationError(`readCell needs an item for the ${dim.name} dimension of ${mod.name}`)
      }
      const item = await this.views.axisItem(mod.id, dim, query, ro)
      wanted.set(dim.name, item.name)
      return item.name
    }
    const rowNames = await Promise.all((meta.rows ?? []).map(resolveItem))
    const colNames = await Promise.all((meta.columns ?? []).map(resolveItem))
    const pages: PageSelection = {}
    for (const dim of meta.pages ?? []) {
      if (isLineItems(dim)) pages[dim.id] = li.id
      else if (given.has(dim.id)) pages[dim.id] = given.get(dim.id)!
    }
    const data = await this.views.read(mod, pages, ro)
    const same = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && a.every((x, i) => normalizeName(x) === normalizeName(b[i]!))
    const col = data.columnCoordinates.findIndex((c) => same(c, colNames))
    const row = data.rows.find((r) => same(r.rowCoordinates, rowNames))
    const value = col >= 0 ? row?.cells[col] : undefined
    if (value === undefined) {
      throw new NameResolutionError('cell', [...rowNames, ...colNames].join(' / '), 'not_found', [])
    }
    for (const [i, dim] of (meta.pages ?? []).entries()) {
      const shown = data.pages?.[i]
      if (shown !== undefined) wanted.set(dim.name, shown)
    }
    return { value, moduleId: mod.id, lineItemName: li.name, coordinates: Object.fromEntries(wanted) }
  }

  /**
   * Writes cells of a module in batches of at most 100,000 cells and 15 MB. Not idempotent: never
   * re-sent after an ambiguous failure. Per-cell failures keep their index into `cells`.
   * @example await model.cells.write('REV01 Revenue', [{ lineItemName: 'Units', dimensions: [...], value: 500 }])
   */
  async write(module: Selector, cells: CellWrite[], options?: RequestOptions): Promise<CellWriteResult> {
    const ro = requestOptions(options)
    const mod = await this._catalog.module(module, ro)
    const p = `${this._model.m}${path`/modules/${mod.id}/data`}`
    let changed = 0
    const failures: ItemFailure[] = []
    for (const [start, batch] of cellBatches(cells)) {
      const res = await this._host.request<CellWriteResult>(
        { method: 'POST', path: p, body: batch, idempotent: false },
        ro,
      )
      changed += res.data?.numberOfCellsChanged ?? 0
      for (const f of res.data?.failures ?? []) failures.push({ ...f, requestIndex: f.requestIndex + start })
    }
    return failures.length ? { numberOfCellsChanged: changed, failures } : { numberOfCellsChanged: changed }
  }
}

/** Splits cells into batches within Anaplan's 100,000-cell and 15 MB limits; yields [startIndex, batch]. */
export function* cellBatches(
  cells: CellWrite[],
  maxCells = CELL_BATCH,
  maxBytes = CELL_BATCH_BYTES,
): Generator<[number, CellWrite[]]> {
  let batch: CellWrite[] = []
  let bytes = 2
  let start = 0
  for (let i = 0; i < cells.length; i++) {
    const size = Buffer.byteLength(JSON.stringify(cells[i])) + 1
    if (batch.length && (batch.length >= maxCells || bytes + size > maxBytes)) {
      yield [start, batch]
      batch = []
      bytes = 2
      start = i
    }
    batch.push(cells[i]!)
    bytes += size
  }
  if (batch.length) yield [start, batch]
}
