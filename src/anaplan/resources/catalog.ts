/**
 * `model.catalog`: the model's names, read once per TTL and shared. Every listing the client
 * resolves names against (modules, line items, lists, views, actions, files, Time, versions) is one
 * cached section here; `get()` assembles them into a {@link ModelCatalog}, and the scope's own
 * resolution reads the same sections, so a listing is fetched once per TTL whoever asks first.
 *
 * Sections live in the client's shared cache: concurrent callers share one fetch, a failure is not
 * kept, and a 403/404 (a stable answer) is kept as "unavailable" so it is not asked again each turn.
 */
import type {
  ActionType,
  AnaplanFile,
  LineItem,
  ListItem,
  ModelCalendar,
  Module,
  NamedObject,
  RequestOptions,
  Selector,
  Version,
  View,
  ViewMetadata,
} from '../api.ts'
import type { CatalogOptions, CatalogSection, ModelCatalog } from '../catalog.ts'
import {
  buildCatalog,
  type ListSource,
  shortViewName,
  TIME_DIMENSION_ID,
  VERSIONS_DIMENSION_ID,
} from '../core/catalog-build.ts'
import { closeMatches, resolveName } from '../core/names.ts'
import {
  type AnaplanError,
  NameResolutionError,
  NotFoundError,
  PermissionDeniedError,
  ReadLimitError,
} from '../errors.ts'
import { mapLimit } from '../internal/map-limit.ts'
import { type ModelAddress, requestOptions, type ScopeHost } from './resource.ts'

/** @default for {@link CatalogOptions.maxIndexedItems} */
export const DEFAULT_MAX_INDEXED_ITEMS = 5000
/** Listing requests one catalog build keeps in flight (per-module and per-list reads). */
const CONCURRENCY = 4
export const ACTION_TYPES: readonly ActionType[] = ['import', 'export', 'process', 'action']

/** The raw listings the catalog caches; the model's resources provide them. */
export interface CatalogListings {
  modules(o: RequestOptions): Promise<Module[]>
  /** With `includeAll=true`. */
  lineItems(o: RequestOptions): Promise<LineItem[]>
  lists(o: RequestOptions): Promise<NamedObject[]>
  listMetadata(listId: string, o: RequestOptions): Promise<Record<string, unknown>>
  listItems(listId: string, o: RequestOptions): Promise<ListItem[]>
  views(o: RequestOptions): Promise<View[]>
  viewMetadata(viewId: string, o: RequestOptions): Promise<ViewMetadata>
  lineItemDimensionItems(lineItemId: string, dimensionId: string, o: RequestOptions): Promise<NamedObject[]>
  versions(o: RequestOptions): Promise<Version[]>
  calendar(o: RequestOptions): Promise<ModelCalendar>
  actions(type: ActionType, o: RequestOptions): Promise<NamedObject[]>
  files(o: RequestOptions): Promise<AnaplanFile[]>
}

/** A cached listing: its data, or the 403/404 that said it may not be read. */
interface Section<T> {
  at: number
  data?: T
  denied?: AnaplanError
}

/** Built catalogs by their first section, reused while every section is the same object. */
const built = new WeakMap<object, { inputs: unknown[]; catalog: ModelCatalog }>()

function isEntry(s: Selector): s is { readonly id: string; readonly name: string } {
  return typeof s === 'object' && s !== null && typeof s.id === 'string'
}

export class CatalogResource {
  constructor(
    private readonly host: ScopeHost,
    private readonly model: ModelAddress,
    private readonly listings: CatalogListings,
  ) {}

  /**
   * The model's catalog: modules, line items (format, summaries, time scale, dimensions), lists with
   * parents, codes and top-level items, Time periods with levels, versions, views, actions, files.
   * @example const { lineItems, periods } = await model.catalog()
   */
  async get(options: CatalogOptions & RequestOptions = {}): Promise<ModelCatalog> {
    if (options.refresh) this.invalidate()
    const max = options.maxIndexedItems ?? DEFAULT_MAX_INDEXED_ITEMS
    // A turn asks for the catalog more than once: while the cache holds the same sections, the
    // last build is what they would build again.
    const key = `catalog:${this.model.workspaceId}\0${this.model.modelId}\0${this.model.modelName ?? ''}\0${max}`
    return this.host.cache.derived(key, () => this.#build(max, requestOptions(options)))
  }

  async #build(max: number, o: RequestOptions): Promise<ModelCatalog> {
    const modulesAndAxes = (async () => {
      const modules = await this.#modules(o)
      const axes = await mapLimit(modules.data ?? [], CONCURRENCY, (m) => this.#viewMeta(m.id, o))
      return { modules, axes }
    })()
    const listsAndItems = (async () => {
      const lists = await this.#lists(o)
      const details = await mapLimit(lists.data ?? [], CONCURRENCY, (l) => this.#listSource(l, max, o))
      return { lists, details }
    })()
    const lineItemsAndTime = (async () => {
      const lineItems = await this.#lineItems(o)
      return { lineItems, time: await this.#timeItems(lineItems, o) }
    })()
    const [ma, ld, lt, versions, views, calendar, files, ...actions] = await Promise.all([
      modulesAndAxes,
      listsAndItems,
      lineItemsAndTime,
      this.#section('versions', () => this.listings.versions(o)),
      this.#views(o),
      this.#section('calendar', () => this.listings.calendar(o)),
      this.#files(o),
      ...ACTION_TYPES.map((t) => this.#actions(t, o)),
    ])
    const inputs: unknown[] = [
      ma.modules,
      ...ma.axes,
      ld.lists,
      ...ld.details.flat(),
      lt.lineItems,
      lt.time,
      versions,
      views,
      calendar,
      files,
      ...actions,
      max,
    ]
    const hit = built.get(ma.modules)
    if (hit && hit.inputs.length === inputs.length && hit.inputs.every((x, i) => x === inputs[i])) {
      return hit.catalog
    }
    const unavailable: CatalogSection[] = []
    const data = <T>(s: Section<T>, section: CatalogSection, empty: T): T => {
      if (s.denied && !unavailable.includes(section)) unavailable.push(section)
      return s.data ?? empty
    }
    const moduleAxes = new Map<string, ViewMetadata>()
    for (const [i, m] of (ma.modules.data ?? []).entries()) {
      const axes = ma.axes[i]?.data
      if (axes) moduleAxes.set(m.id, axes)
    }
    const listSources: ListSource[] = (ld.lists.data ?? []).map((list, i) => {
      const [meta, items] = ld.details[i] ?? []
      const src: ListSource = { list }
      if (meta?.data) src.metadata = meta.data
      if (items?.data) src.items = items.data
      return src
    })
    const catalog = buildCatalog({
      workspaceId: this.model.workspaceId,
      modelId: this.model.modelId,
      ...(this.model.modelName !== undefined ? { modelName: this.model.modelName } : {}),
      fetchedAt: Math.min(...inputs.map((s) => (isSection(s) ? s.at : Number.POSITIVE_INFINITY))),
      modules: data(ma.modules, 'modules', []),
      moduleAxes,
      lineItems: data(lt.lineItems, 'lineItems', []),
      lists: data(ld.lists, 'lists', []).length ? listSources : [],
      timeItems: data(lt.time, 'time', []),
      ...(calendar.data ? { calendar: calendar.data } : {}),
      versions: data(versions, 'versions', []),
      views: data(views, 'views', []),
      actions: ACTION_TYPES.map((type, i) => ({ type, items: data(actions[i]!, 'actions', []) })),
      files: data(files, 'files', []),
      unavailable,
    })
    built.set(ma.modules, { inputs, catalog })
    return catalog
  }

  /** Forgets the model's listings (after a list or structure change); the next read fetches them. */
  invalidate(): void {
    this.host.cache.invalidate(`${this.model.modelId}:`)
  }

  /** Forgets one list's metadata and items and the view item listings (after a list write). */
  invalidateList(listId?: string): void {
    this.host.cache.invalidate(`${this.model.modelId}:list:${listId ?? ''}`)
    this.host.cache.invalidate(`${this.model.modelId}:viewDimItems:`)
  }

  /** Forgets the files listing (after an upload or delete). */
  invalidateFiles(): void {
    this.host.cache.invalidate(`${this.model.modelId}:files`)
  }

  // ---------------------------------------------------------------- resolution over the sections

  async module(ref: Selector, o: RequestOptions = {}): Promise<Module> {
    if (isEntry(ref)) return ref
    return resolveName('module', open(await this.#modules(o)), ref)
  }

  /** All line items (`includeAll=true`), as cached. */
  async lineItems(o: RequestOptions = {}): Promise<LineItem[]> {
    return open(await this.#lineItems(o))
  }

  /** A line item; `"Module.Line item"` picks one when a name exists in several modules. */
  async lineItem(ref: Selector, o: RequestOptions = {}): Promise<LineItem> {
    const all = await this.lineItems(o)
    if (isEntry(ref)) return all.find((li) => li.id === ref.id) ?? (ref as LineItem)
    const nameable = all.map((li) => ({ ...li, qualified: `${li.moduleName}.${li.name}` }))
    try {
      return resolveName('line item', nameable, ref)
    } catch (error) {
      if (!(error instanceof NameResolutionError)) throw error
      try {
        return resolveName(
          'line item',
          nameable.map((li) => ({ ...li, name: li.qualified })),
          ref,
        )
      } catch {
        throw error
      }
    }
  }

  async views(o: RequestOptions = {}): Promise<View[]> {
    return open(await this.#views(o))
  }

  /** A view by id, full name (`Module.View`) or the short name people use. */
  async view(ref: Selector, o: RequestOptions = {}): Promise<{ id: string; name: string }> {
    if (isEntry(ref)) return ref
    const views = await this.views(o)
    try {
      return resolveName('view', views, ref)
    } catch (error) {
      if (!(error instanceof NameResolutionError) || error.reason !== 'not_found') throw error
      // Saved views are named "Module.View" (quoted when special): people say just "View".
      const short = views.map((v) => ({ ...v, name: shortViewName(v.name), original: v }))
      try {
        return resolveName('view', short, ref).original
      } catch (inner) {
        if (!(inner instanceof NameResolutionError) || inner.reason === 'ambiguous') throw inner
        // Near matches are found among the short names too ("Revenue by Regin").
        const near = closeMatches(short, ref).map((v) => `${v.original.name} (${v.id})`)
        throw new NameResolutionError(
          'view',
          ref,
          'not_found',
          [...new Set([...error.candidates, ...near])].slice(0, 5),
        )
      }
    }
  }

  /** Rows, columns and pages of a view, cached like the listings. */
  async viewMetadata(viewId: string, o: RequestOptions = {}): Promise<ViewMetadata> {
    return open(await this.#viewMeta(viewId, o))
  }

  async list(ref: Selector, o: RequestOptions = {}): Promise<NamedObject> {
    if (isEntry(ref)) return ref
    return resolveName('list', open(await this.#lists(o)), ref)
  }

  /** Lists plus the built-in Time and Versions, for resolving a dimension by name. */
  async dimensions(o: RequestOptions = {}): Promise<NamedObject[]> {
    return [
      ...open(await this.#lists(o)),
      { id: TIME_DIMENSION_ID, name: 'Time' },
      { id: VERSIONS_DIMENSION_ID, name: 'Versions' },
    ]
  }

  async dimensionId(ref: Selector, o: RequestOptions = {}): Promise<string> {
    if (isEntry(ref)) return ref.id
    if (/^\d+$/.test(ref.trim())) return ref.trim()
    return resolveName('dimension', await this.dimensions(o), ref).id
  }

  /** One type's actions, as cached (imports keep their `importDataSourceId`). */
  async actions(type: ActionType, o: RequestOptions = {}): Promise<NamedObject[]> {
    return open(await this.#actions(type, o))
  }

  /**
   * An action by name or id, in one type or across all four.
   * @throws {NameResolutionError} When unknown, or when the name exists in several types.
   */
  async action(
    ref: Selector,
    type?: ActionType,
    o: RequestOptions = {},
  ): Promise<{ type: ActionType; action: NamedObject }> {
    if (type) {
      if (isEntry(ref)) return { type, action: ref }
      return { type, action: resolveName(type, await this.actions(type, o), ref) }
    }
    const lists = await Promise.all(ACTION_TYPES.map((t) => this.actions(t, o)))
    const tagged = lists.flatMap((items, i) =>
      items.map((a) => ({ ...a, actionType: ACTION_TYPES[i] as ActionType, original: a })),
    )
    if (isEntry(ref)) {
      const hit = tagged.find((a) => a.id === ref.id)
      if (hit) return { type: hit.actionType, action: hit.original }
    }
    const hit = resolveName('action', tagged, isEntry(ref) ? ref.id : ref)
    return { type: hit.actionType, action: hit.original }
  }

  async files(o: RequestOptions = {}): Promise<AnaplanFile[]> {
    return open(await this.#files(o))
  }

  // ---------------------------------------------------------------- sections

  #section<T>(key: string, load: () => Promise<T>): Promise<Section<T>> {
    return this.host.cache.get(`${this.model.modelId}:${key}`, async (): Promise<Section<T>> => {
      const at = this.host.now()
      try {
        return { at, data: await load() }
      } catch (error) {
        if (error instanceof PermissionDeniedError || error instanceof NotFoundError) {
          return { at, denied: error }
        }
        throw error
      }
    })
  }

  #modules(o: RequestOptions) {
    return this.#section('modules', () => this.listings.modules(o))
  }
  #lineItems(o: RequestOptions) {
    return this.#section('lineItems', () => this.listings.lineItems(o))
  }
  #lists(o: RequestOptions) {
    return this.#section('lists', () => this.listings.lists(o))
  }
  #views(o: RequestOptions) {
    return this.#section('views', () => this.listings.views(o))
  }
  #viewMeta(viewId: string, o: RequestOptions) {
    return this.#section(`viewMeta:${viewId}`, () => this.listings.viewMetadata(viewId, o))
  }
  #actions(type: ActionType, o: RequestOptions) {
    return this.#section(`actions:${type}`, () => this.listings.actions(type, o))
  }
  #files(o: RequestOptions) {
    return this.#section('files', () => this.listings.files(o))
  }

  /** Metadata, then the items when the list is small enough to index. */
  async #listSource(
    list: NamedObject,
    max: number,
    o: RequestOptions,
  ): Promise<[Section<Record<string, unknown>>, Section<ListItem[] | undefined> | undefined]> {
    const meta = await this.#section(`list:${list.id}:meta`, () => this.listings.listMetadata(list.id, o))
    const count = meta.data?.itemCount
    if (typeof count === 'number' && count > max) return [meta, undefined]
    const items = await this.#section(`list:${list.id}:items`, () =>
      this.listings.listItems(list.id, o).catch((error: unknown) => {
        // Over Anaplan's read limit: too large to index; its items are looked up by name instead.
        if (error instanceof ReadLimitError) return undefined
        throw error
      }),
    )
    return [meta, items.data && items.data.length <= max ? items : undefined]
  }

  /**
   * Time items cannot be listed at model level (Anaplan answers 400); a line item's Time dimension
   * can. The first line item with a time scale stands for the model calendar.
   */
  async #timeItems(lineItems: Section<LineItem[]>, o: RequestOptions): Promise<Section<NamedObject[]>> {
    const timed = lineItems.data?.find(
      (li) => typeof li.timeScale === 'string' && li.timeScale && !/not applicable/i.test(li.timeScale),
    )
    return this.#section('time', async () =>
      timed ? this.listings.lineItemDimensionItems(timed.id, TIME_DIMENSION_ID, o) : [],
    )
  }
}

function isSection(s: unknown): s is Section<unknown> {
  return typeof s === 'object' && s !== null && typeof (s as { at?: unknown }).at === 'number'
}

/** A section's data, or the 403/404 it was refused with. */
function open<T>(s: Section<T>): T {
  if (s.denied) throw s.denied
  return s.data as T
}
