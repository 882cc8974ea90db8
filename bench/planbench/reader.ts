/**
 * PlanBench's independent reader: plain Integration API calls with `fetch` (a token from
 * `/token/authenticate`, module views read as JSON with a Versions page selector), none of the
 * bot's or the client's code. Expected answers are computed from what it reads, so a bug in the
 * bot's read path cannot also hide in the expectations.
 */

/** What `expected.ts` needs of one model; `ModelReader` serves it over HTTP. */
export interface CellSource {
  readonly model: string
  /** The model's current version (the default when a question names none). */
  currentVersion(): string
  /** The only year of the model's calendar, or undefined when it has several. */
  onlyYear(): string | undefined
  /** A spec's item name or code as the model names it. */
  canonical(item: string): string
  /** The module dimension (a list name, `Time` or `Versions`) that a spec's key selects. */
  dimensionFor(lineItem: string, key: string): string
  /** The module dimensions of a line item's module (without Line Items). */
  dimensions(lineItem: string): string[]
  /** The top-level item of a module dimension (for Time: the only year). */
  topItem(dimension: string): string
  /** Items directly below `item` (for Time: months of a quarter, quarters of a year). */
  children(dimension: string, item: string): string[]
  /** Items of list `level` (or Time level `month`/`quarter`) anywhere below `item`. */
  descendants(dimension: string, item: string, level: string): string[]
  /**
   * One cell; `at` names an item (by name or code) of every module dimension. `vary` names the
   * dimensions a batch of calls varies, so the read picks a view with those off its pages.
   */
  value(lineItem: string, at: Record<string, string>, vary?: string[]): Promise<number>
}

interface Named {
  id: string
  name: string
}

const TIME_LEVELS: [string, RegExp][] = [
  ['month', /^[A-Z][a-z]{2} \d{2}$/],
  ['quarter', /^Q[1-4]\b/],
  ['half', /^H[12]\b/],
  ['year', /^FY\s?\d+$/],
]

/** The level of a period name, by Anaplan's default period names. */
export function timeLevel(name: string): string | undefined {
  return TIME_LEVELS.find(([, re]) => re.test(name))?.[0]
}

/**
 * Time's hierarchy from the order of a module view's columns (Jan 26, Feb 26, Mar 26, Q1 FY26,
 * …, FY26): each period's children are the periods of the next level down since the last one of
 * its own level or above.
 */
export function timeHierarchy(columns: string[]): Map<string, string[]> {
  const rank = (n: string) => TIME_LEVELS.findIndex(([, re]) => re.test(n))
  const pending: string[][] = TIME_LEVELS.map(() => [])
  const children = new Map<string, string[]>()
  for (const c of columns) {
    const r = rank(c)
    if (r < 0) continue
    let below = r - 1
    while (below >= 0 && (pending[below] ?? []).length === 0) below--
    children.set(c, below >= 0 ? [...(pending[below] ?? [])] : [])
    for (let k = 0; k < r; k++) pending[k] = []
    pending[r]?.push(c)
  }
  return children
}

export class ReaderError extends Error {
  override readonly name = 'ReaderError'
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

/** Authenticates once and reads models over the Integration API. */
export class ApiReader {
  #token?: Promise<string>
  readonly #models = new Map<string, Promise<ModelReader>>()

  constructor(
    private readonly authUrl: string,
    private readonly apiUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  async #authenticate(): Promise<string> {
    const basic = Buffer.from(`${this.username}:${this.password}`).toString('base64')
    const res = await fetch(`${this.authUrl}/token/authenticate`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
    })
    const body = (await res.json()) as { tokenInfo?: { tokenValue?: string } }
    const token = body.tokenInfo?.tokenValue
    if (res.status !== 201 || !token) throw new ReaderError(`authenticate answered ${res.status}`)
    return token
  }

  /** GET a JSON resource under the API URL. */
  async get<T>(path: string): Promise<T> {
    this.#token ??= this.#authenticate()
    const res = await fetch(`${this.apiUrl}${path}`, {
      headers: { authorization: `AnaplanAuthToken ${await this.#token}`, accept: 'application/json' },
    })
    const text = await res.text()
    if (res.status !== 200)
      throw new ReaderError(`GET ${path} answered ${res.status}: ${text.slice(0, 200)}`, res.status)
    return JSON.parse(text) as T
  }

  /** The model of that name, its listings loaded. */
  model(name: string): Promise<ModelReader> {
    let m = this.#models.get(name)
    if (!m) {
      m = ModelReader.load(this, name)
      this.#models.set(name, m)
    }
    return m
  }
}

interface ViewInfo {
  id: string
  name: string
  rows: string[]
  columns: string[]
  pages: string[]
  /** Dimension ids by name, for page selectors. */
  dimIds: Map<string, string>
  /** Line item ids by name: the items of the view's Line Items dimension (what it shows). */
  lineItems: Map<string, string>
  /** Set once a plain read answered 400 (more cells than a plain read may return). */
  tooLarge?: boolean
}

interface ModuleInfo {
  id: string
  /** Module dimensions (without Line Items), in the module view's order. */
  dims: string[]
  /** The module's own view first, then its saved views (each showing some of its line items). */
  views: ViewInfo[]
}

interface ListItem {
  id: string
  name: string
  code?: string
  parent?: string
  parentId?: string
  listName: string
}

interface ViewData {
  pages?: string[]
  columnCoordinates: string[][]
  rows: { rowCoordinates: string[]; cells: string[] }[]
}

const LINE_ITEMS = 'Line Items'
/** Anaplan's id of the Line Items dimension on a view's axes (its examples label it "Line items"). */
const LINE_ITEMS_ID = '101999999999'

/** One model's names and cells, read as a planner's tool would. */
export class ModelReader implements CellSource {
  readonly #lineItemModule = new Map<string, ModuleInfo>()
  readonly #items = new Map<string, ListItem>()
  readonly #codes = new Map<string, string>()
  readonly #ids = new Map<string, string>()
  readonly #listParent = new Map<string, string>()
  readonly #children = new Map<string, string[]>()
  readonly #time = new Map<string, string[]>()
  readonly #versions = new Map<string, string>()
  /** Time period ids by name, from a view's Time page items (for page selectors). */
  readonly #periods = new Map<string, string>()
  readonly #cells = new Map<string, Promise<Map<string, string>>>()
  #current = ''

  private constructor(
    private readonly reader: ApiReader,
    readonly model: string,
    private readonly base: string,
  ) {}

  static async load(reader: ApiReader, name: string): Promise<ModelReader> {
    const { models } = await reader.get<{ models: (Named & { currentWorkspaceId: string })[] }>('/models')
    const found = models.find((m) => m.name === name)
    if (!found) throw new ReaderError(`no model ${name}`)
    const m = new ModelReader(reader, name, `/workspaces/${found.currentWorkspaceId}/models/${found.id}`)
    await m.#loadListings()
    return m
  }

  async #loadListings(): Promise<void> {
    const get = <T>(p: string) => this.reader.get<T>(`${this.base}${p}`)
    const { versionMetadata } = await get<{
      versionMetadata: (Named & { isCurrent: boolean })[]
    }>('/versions')
    for (const v of versionMetadata) {
      this.#versions.set(v.name, v.id)
      if (v.isCurrent) this.#current = v.name
    }
    const { lists = [] } = await get<{ lists?: Named[] }>('/lists')
    for (const list of lists) {
      const { listItems = [] } = await get<{ listItems?: ListItem[] }>(
        `/lists/${list.id}/items?includeAll=true`,
      )
      for (const item of listItems) {
        this.#items.set(item.name, {
          id: item.id,
          name: item.name,
          listName: list.name,
          ...(item.parent ? { parent: item.parent } : {}),
        })
        if (item.code) this.#codes.set(item.code.toLowerCase(), item.name)
        this.#ids.set(item.name, item.id)
        if (item.parent && item.parentId) this.#ids.set(item.parent, item.parentId)
        if (item.parent) {
          const siblings = this.#children.get(item.parent) ?? []
          siblings.push(item.name)
          this.#children.set(item.parent, siblings)
        }
      }
    }
    // A list's parent list is the list of its items' parents (Store → Country → Region).
    for (const item of this.#items.values()) {
      const parent = item.parent ? this.#items.get(item.parent) : undefined
      if (parent && parent.listName !== item.listName) this.#listParent.set(item.listName, parent.listName)
    }
    const { modules = [] } = await get<{ modules?: Named[] }>('/modules')
    const { views = [] } = await get<{ views?: (Named & { moduleId: string })[] }>('/views')
    // Every module view has Line Items on an axis; a saved view filtered to some line items lists
    // just those as its items. A view without it could be showing any line item: it is not read.
    const viewInfo = async (v: Named): Promise<ViewInfo | undefined> => {
      const meta = await get<{ rows?: Named[]; columns?: Named[]; pages?: Named[] }>(`/views/${v.id}`)
      const isLineItems = (d: Named) => d.id === LINE_ITEMS_ID || /^line items$/i.test(d.name)
      const all = [...(meta.rows ?? []), ...(meta.columns ?? []), ...(meta.pages ?? [])]
      const lineItemsDim = all.find(isLineItems)
      if (!lineItemsDim) return undefined
      const { items = [] } = await get<{ items?: Named[] }>(
        `/views/${v.id}/dimensions/${lineItemsDim.id}/items`,
      )
      const axis = (a?: Named[]) => (a ?? []).map((d) => (isLineItems(d) ? LINE_ITEMS : d.name))
      return {
        id: v.id,
        name: v.name,
        rows: axis(meta.rows),
        columns: axis(meta.columns),
        pages: axis(meta.pages),
        dimIds: new Map(all.map((d) => [isLineItems(d) ? LINE_ITEMS : d.name, d.id])),
        lineItems: new Map(items.map((li) => [li.name, li.id])),
      }
    }
    for (const mod of modules) {
      const own = await viewInfo(mod)
      if (!own) throw new ReaderError(`the view of module ${mod.name} has no Line Items dimension`)
      const info: ModuleInfo = {
        id: mod.id,
        dims: [...own.rows, ...own.columns, ...own.pages].filter((d) => d !== LINE_ITEMS),
        views: [own],
      }
      for (const v of views) {
        if (v.moduleId !== mod.id || v.id === mod.id) continue
        const saved = await viewInfo(v)
        if (saved) info.views.push(saved)
      }
      const { items = [] } = await get<{ items?: Named[] }>(`/modules/${mod.id}/lineItems`)
      for (const li of items) if (!this.#lineItemModule.has(li.name)) this.#lineItemModule.set(li.name, info)
    }
    // Periods as page selectors name them: a view's items of its Time page.
    for (const mod of new Set(this.#lineItemModule.values())) {
      for (const view of mod.views) {
        const timeId = view.dimIds.get('Time')
        if (this.#periods.size > 0 || !timeId || !view.pages.includes('Time')) continue
        const { items = [] } = await get<{ items?: Named[] }>(`/views/${view.id}/dimensions/${timeId}/items`)
        for (const p of items) this.#periods.set(p.name, p.id)
      }
    }
    // The calendar as a module shows it: the first plain read of a view with Time in its columns.
    for (const mod of new Set(this.#lineItemModule.values())) {
      for (const view of mod.views) {
        if (this.#time.size > 0 || !view.columns.includes('Time')) continue
        await this.#read(mod, view, {}).catch((e: unknown) => {
          if (!(e instanceof ReaderError && e.status === 400)) throw e
        })
      }
    }
  }

  #module(lineItem: string): ModuleInfo {
    const m = this.#lineItemModule.get(lineItem)
    if (!m) throw new ReaderError(`no line item ${lineItem} in ${this.model}`)
    return m
  }

  currentVersion(): string {
    return this.#current
  }

  onlyYear(): string | undefined {
    const years = [...this.#time.keys()].filter((p) => timeLevel(p) === 'year')
    return years.length === 1 ? years[0] : undefined
  }

  dimensions(lineItem: string): string[] {
    return this.#module(lineItem).dims
  }

  dimensionFor(lineItem: string, key: string): string {
    const dims = this.dimensions(lineItem)
    if (dims.includes(key)) return key
    // A list higher in a dimension's hierarchy selects that dimension (Region → Store).
    for (const d of dims) {
      for (let l = this.#listParent.get(d); l; l = this.#listParent.get(l)) if (l === key) return d
    }
    throw new ReaderError(`${lineItem} has no dimension ${key}`)
  }

  topItem(dimension: string): string {
    if (dimension === 'Time') {
      const y = this.onlyYear()
      if (!y) throw new ReaderError(`${this.model} has several years: name the period`)
      return y
    }
    if (dimension === 'Versions') return this.#current
    let list = dimension
    while (this.#listParent.has(list)) list = this.#listParent.get(list) as string
    const any = [...this.#items.values()].find((i) => i.listName === list)
    if (!any?.parent) throw new ReaderError(`list ${list} has no top-level item`)
    return any.parent
  }

  children(dimension: string, item: string): string[] {
    if (dimension === 'Time') return this.#time.get(item) ?? []
    return this.#children.get(item) ?? []
  }

  descendants(dimension: string, item: string, level: string): string[] {
    const isLevel = (n: string) =>
      dimension === 'Time' ? timeLevel(n) === level : this.#items.get(n)?.listName === level
    const out: string[] = []
    const walk = (n: string) => {
      for (const c of this.children(dimension, n)) {
        if (isLevel(c)) out.push(c)
        else walk(c)
      }
    }
    walk(item)
    return out
  }

  canonical(item: string): string {
    return this.#name(item)
  }

  #name(item: string): string {
    return this.#items.has(item) ? item : (this.#codes.get(item.toLowerCase()) ?? item)
  }

  async value(lineItem: string, at: Record<string, string>, vary: string[] = []): Promise<number> {
    const mod = this.#module(lineItem)
    const named: Record<string, string> = {}
    for (const d of mod.dims) named[d] = this.#name(at[d] ?? this.topItem(d))
    const paged = (v: ViewInfo) => vary.filter((d) => v.pages.includes(d)).length
    const views = mod.views
      .filter((v) => !v.tooLarge && v.lineItems.has(lineItem))
      .sort((a, b) => paged(a) - paged(b))
    let shown = false
    for (const view of views) {
      // A page that cannot be set would read the view's default page instead: not this cell.
      if (view.pages.some((d) => d !== LINE_ITEMS && this.#itemId(d, named[d] ?? '') === undefined)) continue
      let cells: Map<string, string>
      try {
        cells = await this.#read(mod, view, named, lineItem)
      } catch (e) {
        if (e instanceof ReaderError && e.status === 400) {
          view.tooLarge = true
          continue
        }
        throw e
      }
      const text = cells.get(
        cellKey(
          lineItem,
          mod.dims.map((d) => named[d] ?? ''),
        ),
      )
      // A saved view may show only the lowest level of a list (SKU Ranking: SKUs, no categories).
      if (text === undefined) continue
      shown = true
      const n = Number(text === '' ? 0 : text)
      if (!Number.isFinite(n))
        throw new ReaderError(`${lineItem} at ${JSON.stringify(named)} is not a number`)
      return n
    }
    throw new ReaderError(
      shown
        ? `no cell ${lineItem} at ${JSON.stringify(named)}`
        : `no view of ${this.model} shows ${lineItem} at ${JSON.stringify(named)}`,
    )
  }

  #itemId(dimension: string, item: string): string | undefined {
    if (dimension === 'Versions') return this.#versions.get(item)
    if (dimension === 'Time') return this.#periods.get(item)
    return this.#ids.get(item)
  }

  /**
   * One plain read of a view with its pages set from `at` and, when Line Items is on its pages,
   * that page set to `lineItem` (kept for the run).
   */
  #read(
    mod: ModuleInfo,
    view: ViewInfo,
    at: Record<string, string>,
    lineItem?: string,
  ): Promise<Map<string, string>> {
    const selectors = view.pages.flatMap((d) => {
      if (d === LINE_ITEMS) {
        const id = lineItem === undefined ? undefined : view.lineItems.get(lineItem)
        return id ? [`${view.dimIds.get(d)}:${id}`] : []
      }
      const item = at[d]
      if (!item) return []
      const id = this.#itemId(d, item)
      return id ? [`${view.dimIds.get(d)}:${id}`] : []
    })
    const k = `${view.id}|${selectors.join(',')}`
    let cells = this.#cells.get(k)
    if (!cells) {
      cells = this.#fetchCells(mod, view, selectors)
      this.#cells.set(k, cells)
      cells.catch(() => this.#cells.delete(k))
    }
    return cells
  }

  async #fetchCells(mod: ModuleInfo, view: ViewInfo, selectors: string[]): Promise<Map<string, string>> {
    const pages = selectors.length > 0 ? `&pages=${selectors.join(',')}` : ''
    const data = await this.reader.get<ViewData>(`${this.base}/views/${view.id}/data?format=v1${pages}`)
    const columns = data.columnCoordinates
    if (view.columns.includes('Time') && this.#time.size === 0) {
      const t = view.columns.indexOf('Time')
      for (const [p, c] of timeHierarchy(columns.map((c) => c[t] ?? ''))) this.#time.set(p, c)
    }
    const pageItems: Record<string, string> = {}
    view.pages.forEach((d, i) => {
      pageItems[d] = data.pages?.[i] ?? ''
    })
    const cells = new Map<string, string>()
    for (const row of data.rows) {
      row.cells.forEach((cell, ci) => {
        const coords: Record<string, string> = { ...pageItems }
        // With Line Items on a page, every cell of the read is that page's line item.
        let lineItem = pageItems[LINE_ITEMS] ?? ''
        const place = (axis: string[], values: string[]) =>
          axis.forEach((dim, i) => {
            if (dim === LINE_ITEMS) lineItem = values[i] ?? ''
            else coords[dim] = values[i] ?? ''
          })
        place(view.rows, row.rowCoordinates)
        place(view.columns, columns[ci] ?? [])
        cells.set(
          cellKey(
            lineItem,
            mod.dims.map((d) => coords[d] ?? ''),
          ),
          cell,
        )
      })
    }
    return cells
  }
}

function cellKey(lineItem: string, items: string[]): string {
  return [lineItem, ...items].join('\u0000')
}
