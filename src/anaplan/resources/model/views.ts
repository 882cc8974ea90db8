/** `model.views`: saved and default views, their axes and their cells (plain reads and read requests). */
import type {
  NamedObject,
  PageSelection,
  RequestOptions,
  Selector,
  View,
  ViewData,
  ViewMetadata,
  ViewReadLargeOptions,
} from '../../api.ts'
import { type Nameable, resolveName } from '../../core/names.ts'
import { NameResolutionError, ProtocolError } from '../../errors.ts'
import { path } from '../../internal/path.ts'
import { arrayOf, listAll } from '../envelope.ts'
import { rethrowReadLimit } from '../read-limit.ts'
import { type ModelContext, ModelResource, requestOptions } from '../resource.ts'
import type { DimensionsResource } from './dimensions.ts'
import { readLarge } from './read-request.ts'

export class ViewsResource extends ModelResource {
  constructor(
    context: ModelContext,
    private readonly dimensions: DimensionsResource,
  ) {
    super(context)
  }

  /** Saved and default views, freshly listed. @example await model.views.list() */
  list(options?: RequestOptions): Promise<View[]> {
    return listAll<View>(this._host, { path: `${this._model.m}/views` }, 'views', requestOptions(options))
  }

  /** Rows, columns and pages of a view. @example const meta = await model.views.metadata('Revenue by Region') */
  async metadata(view: Selector, options?: RequestOptions): Promise<ViewMetadata> {
    const ro = requestOptions(options)
    return this._catalog.viewMetadata((await this._catalog.view(view, ro)).id, ro)
  }

  /** The uncached metadata read (the catalog caches it). */
  async fetchMetadata(viewId: string, options?: RequestOptions): Promise<ViewMetadata> {
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.m}${path`/views/${viewId}`}` },
      requestOptions(options),
    )
    const b = (res.data ?? {}) as ViewMetadata & { meta?: unknown; status?: unknown }
    const out: ViewMetadata = { viewId: String(b.viewId ?? viewId), viewName: b.viewName ?? '' }
    if (b.rows) out.rows = b.rows
    if (b.columns) out.columns = b.columns
    if (b.pages) out.pages = b.pages
    return out
  }

  /** Items of one axis of a view (its filters applied), cached like the listings. */
  dimensionItems(viewId: string, dimensionId: string, options?: RequestOptions): Promise<NamedObject[]> {
    return this._host.cache.get(`${this._model.modelId}:viewDimItems:${viewId}:${dimensionId}`, async () => {
      const res = await this._host.request(
        { method: 'GET', path: `${this._model.m}${path`/views/${viewId}/dimensions/${dimensionId}/items`}` },
        requestOptions(options),
      )
      return arrayOf<NamedObject>(res.data, 'items')
    })
  }

  /**
   * Items of one axis dimension of a view, the dimension named or given by id; for the Line Items
   * dimension, the line items the view shows.
   * @throws {NameResolutionError} When the dimension is on none of the view's axes.
   * @example const shown = await model.views.axisItems('SKU Ranking', 'Line Items')
   */
  async axisItems(view: Selector, dimension: Selector, options?: RequestOptions): Promise<NamedObject[]> {
    const ro = requestOptions(options)
    const v = await this._catalog.view(view, ro)
    const meta = await this._catalog.viewMetadata(v.id, ro)
    const axes = [...(meta.rows ?? []), ...(meta.columns ?? []), ...(meta.pages ?? [])]
    const dim = resolveName('view dimension', axes, typeof dimension === 'string' ? dimension : dimension.id)
    return this.dimensionItems(v.id, dim.id, ro)
  }

  /**
   * One item of a view axis by name, id or code. View item listings carry no codes: the code lookup
   * is tried before giving up.
   */
  async axisItem(
    viewId: string,
    dim: NamedObject,
    query: string,
    options?: RequestOptions,
  ): Promise<Nameable> {
    const items = await this.dimensionItems(viewId, dim.id, options)
    try {
      return resolveName(`${dim.name} item`, items, query)
    } catch (error) {
      if (!(error instanceof NameResolutionError) || error.reason !== 'not_found') throw error
      const byCode = await this.dimensions.lookup(dim.id, { codes: [query] }, options).catch(() => [])
      if (byCode.length !== 1) throw error
      return byCode[0]!
    }
  }

  /**
   * Turns `{ Products: 'Widgets', Versions: 'Forecast' }` into Anaplan's `pages=dimId:itemId,…`.
   * Dimensions must be page dimensions of the view; items match by name, id or code.
   */
  async #pageSelector(viewId: string, pages: PageSelection | undefined, options: RequestOptions) {
    const entries = Object.entries(pages ?? {})
    if (!entries.length) return undefined
    // Resolved from the cached metadata and item listings only (and a code lookup), so kept while
    // the cache holds exactly those: a chat re-reads the pages it shows on every turn.
    return this._host.cache.derived(
      `${this._model.modelId}:pageSelector:${viewId}\0${JSON.stringify(entries)}`,
      () => this.#resolvePages(viewId, entries, options),
    )
  }

  async #resolvePages(viewId: string, entries: [string, string][], options: RequestOptions) {
    const meta = await this._catalog.viewMetadata(viewId, options)
    const parts: string[] = []
    for (const [dimQuery, itemQuery] of entries) {
      const dim = resolveName('page dimension', meta.pages ?? [], dimQuery)
      parts.push(`${dim.id}:${(await this.axisItem(viewId, dim, itemQuery, options)).id}`)
    }
    return parts.join(',')
  }

  /**
   * Cell data of a view as JSON (`format=v1`); cells are strings as Anaplan sends them.
   * @example const data = await model.views.read('Revenue by Region', { Products: 'Gadgets', Versions: 'Actual' })
   */
  async read(view: Selector, pages?: PageSelection, options?: RequestOptions): Promise<ViewData> {
    const d = await this.#data<ViewData>(view, pages, options, 'json')
    if (!d || (!Array.isArray(d.rows) && !Array.isArray(d.columnCoordinates))) {
      throw new ProtocolError('View data has neither rows nor columnCoordinates')
    }
    return { ...d, rows: d.rows ?? [], columnCoordinates: d.columnCoordinates ?? [] }
  }

  /** Cell data of a view as CSV text. @example const csv = await model.views.readCsv('Units by Product') */
  readCsv(view: Selector, pages?: PageSelection, options?: RequestOptions): Promise<string> {
    return this.#data<string>(view, pages, options, 'csv')
  }

  /** One plain read of `…/views/{id}/data`; over Anaplan's cell limit it names `readLarge`. */
  async #data<T>(
    view: Selector,
    pages: PageSelection | undefined,
    options: RequestOptions | undefined,
    as: 'json' | 'csv',
  ): Promise<T> {
    const ro = requestOptions(options)
    const v = await this._catalog.view(view, ro)
    const selector = await this.#pageSelector(v.id, pages, ro)
    const res = await this._host
      .request<T>(
        {
          method: 'GET',
          path: `${this._model.m}${path`/views/${v.id}/data`}`,
          ...(as === 'json'
            ? { query: { format: 'v1', pages: selector }, accept: 'application/json' }
            : { query: { pages: selector }, accept: 'text/csv', parse: 'text' as const }),
        },
        ro,
      )
      .catch(rethrowReadLimit('readViewLarge'))
    return res.data
  }

  /**
   * Reads a view of any size with a read request (reference §6.2), yielding CSV pages as Anaplan
   * makes them available. A read request covers every page of the view: Anaplan takes no page
   * selector for it.
   * @throws {ReadRequestFailedError} When Anaplan reports the read failed or cancelled it.
   * @throws {TimeoutError} When `deadline` passes before the last page.
   * @example for await (const page of model.views.readLarge('Revenue by Region')) out.write(page)
   */
  async *readLarge(view: Selector, options: ViewReadLargeOptions = {}): AsyncIterable<string> {
    const v = await this._catalog.view(view, requestOptions(options))
    const exportType = options.exportType ?? 'TABULAR_MULTI_COLUMN'
    yield* readLarge(
      this._host,
      (ms, s) => this._sleep(ms, s),
      {
        base: `${this._model.ws}${path`/views/${v.id}/readRequests`}`,
        key: 'viewReadRequest',
        body: { exportType },
        what: `view "${v.name}"`,
        // Grid layouts repeat their header blocks on purpose; only tabular pages are joined.
        raw: options.rawPages === true || exportType.startsWith('GRID'),
      },
      options,
    )
  }
}
