/**
 * Transactional resources (reference §6): modules, line items, views and their data, dimensions,
 * lists and list items, cell writes, versions, current period and calendar, view read requests.
 * The engine does the model work; this layer does envelopes, validation, limits and roles.
 */
import type { LineItemMeta, ListItemRecord } from '../../engine/contract.ts'
import { MAX_VIEW_CELLS } from '../../engine/index.ts'
import { type ModelScope, modelRoute, modelScope, param, type SimApp, type SimContext } from '../context.ts'
import { csvLine } from '../csv.ts'
import { boolQuery, envelope, HttpError, isRecord, pagedEnvelope, readJson, schemaUrl } from '../http.ts'
import { newTaskId } from '../ids.ts'
import type { ReadRequestRecord, SimState } from '../sim-state.ts'

/** Most items one list add/update/delete call accepts. */
export const MAX_LIST_ITEMS_PER_CALL = 100_000
/** Most cells one write accepts (current help page: 100,000 cells or 15 MB). */
export const MAX_CELLS_PER_WRITE = 100_000
export const MAX_CELL_WRITE_BYTES = 15 * 1024 * 1024

const TIME_ID = '20000000003'
const VERSIONS_ID = '20000000020'
const READ_EXPORT_TYPES = [
  'TABULAR_MULTI_COLUMN',
  'TABULAR_SINGLE_COLUMN',
  'GRID_ALL_PAGES',
  'GRID_CURRENT_PAGE',
]

function dataType(format: LineItemMeta['format']): string {
  switch (format) {
    case 'LIST':
      return 'ENTITY'
    case 'TIME PERIOD':
      return 'TIME_ENTITY'
    default:
      return format
  }
}

function lineItemJson(li: LineItemMeta, includeAll: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    moduleId: li.moduleId,
    moduleName: li.moduleName,
    id: li.id,
    name: li.name,
  }
  if (li.code) base.code = li.code
  if (!includeAll) return base
  const timed = li.appliesTo.some((d) => d.id === TIME_ID)
  const full: Record<string, unknown> = {
    ...base,
    isSummary: li.isSummary,
    startOfSection: false,
    broughtForward: false,
    useSwitchover: false,
    breakback: false,
    appliesTo: li.appliesTo.filter((d) => d.id !== TIME_ID && d.id !== VERSIONS_ID),
    formula: li.formula ?? '',
    format: li.format,
    formatMetadata: li.formatMetadata ?? { dataType: dataType(li.format) },
    summary: li.summary ?? (li.format === 'NUMBER' ? 'Sum' : 'None'),
    timeScale: timed ? 'Month' : 'Not Applicable',
    timeRange: 'Model Calendar',
    formulaScope: '',
    style: 'Normal',
    code: li.code ?? '',
    notes: li.notes ?? '',
  }
  if (li.timeSummary) full.timeSummary = li.timeSummary
  if (li.referencedBy && li.referencedBy.length > 0) full.referencedBy = li.referencedBy
  return full
}

function parsePages(c: SimContext): Record<string, string> {
  const pages: Record<string, string> = {}
  for (const raw of c.req.queries('pages') ?? []) {
    for (const part of raw.split(',')) {
      if (part.trim() === '') continue
      const colon = part.indexOf(':')
      if (colon < 1) throw new HttpError(400, `Invalid page selector [${part}]`)
      pages[part.slice(0, colon).trim()] = part.slice(colon + 1).trim()
    }
  }
  return pages
}

function wantsJson(c: SimContext): boolean {
  const accept = c.req.header('Accept') ?? ''
  return /application\/json/i.test(accept) && !/text\/csv/i.test(accept)
}

function itemsBody(body: unknown): Record<string, unknown>[] {
  if (!isRecord(body) || !Array.isArray(body.items)) {
    throw new HttpError(400, "Expected mandatory field 'items' to be present and not empty.")
  }
  if (body.items.length === 0)
    throw new HttpError(400, "Expected mandatory field 'items' to be present and not empty.")
  if (body.items.length > MAX_LIST_ITEMS_PER_CALL) {
    throw new HttpError(400, `Too many items: at most ${MAX_LIST_ITEMS_PER_CALL} items per request.`)
  }
  if (!body.items.every(isRecord)) throw new HttpError(400, "Every entry of 'items' must be a JSON object.")
  return body.items as Record<string, unknown>[]
}

function withoutEmptyFailures<T extends { failures: unknown[] }>(
  result: T,
): Omit<T, 'failures'> & { failures?: unknown[] } {
  if (result.failures.length > 0) return result
  const { failures: _omit, ...rest } = result
  return rest
}

/** Splits CSV text into pages of `pageRows` data rows, each page starting with the header line. */
function splitPages(csv: string, pageRows: number): string[] {
  const lines = csv.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  const [head = '', ...rows] = lines
  const pages: string[] = []
  for (let i = 0; i < rows.length || pages.length === 0; i += pageRows) {
    pages.push(`${[head, ...rows.slice(i, i + pageRows)].join('\n')}\n`)
  }
  return pages
}

/** Grid layouts are one page, held whole: past this many cells a read request asks for a tabular one. */
const MAX_GRID_READ_CELLS = 5_000_000

/**
 * A view read request's CSV pages, `pageRows` data rows each after the header line. Views within
 * the plain-read limit are built at once (a snapshot); larger ones page by page when fetched, so
 * memory stays bounded whatever the view's size (a write in between shows in later pages).
 */
function buildViewPages(
  scope: ModelScope,
  viewId: string,
  exportType: string,
  pageRows: number,
  maxCells: number,
): Pick<ReadRequestRecord, 'pages' | 'pager'> {
  const cells = scope.engine.viewCellCount(viewId)
  if (exportType.startsWith('GRID')) {
    return { pages: [scope.engine.readViewCsv(viewId, {}, exportType, Number.POSITIVE_INFINITY)] }
  }
  if (cells <= maxCells) {
    // Read requests are Anaplan's way past the 1,000,000-cell limit of plain reads: no limit here.
    return {
      pages: splitPages(scope.engine.readViewCsv(viewId, {}, exportType, Number.POSITIVE_INFINITY), pageRows),
    }
  }
  const table = scope.engine.viewTable(viewId, exportType as 'TABULAR_MULTI_COLUMN' | 'TABULAR_SINGLE_COLUMN')
  const header = csvLine(table.header)
  return {
    pager: {
      count: Math.max(1, Math.ceil(table.lineCount / pageRows)),
      page: (n) => {
        const lines = [header]
        const end = Math.min(table.lineCount, (n + 1) * pageRows)
        for (let i = n * pageRows; i < end; i++) lines.push(csvLine(table.line(i)))
        return `${lines.join('\n')}\n`
      },
    },
  }
}

/**
 * A list as CSV: `id,name,code,parent,parentId,listId,listName`, then one column per subset and per
 * property when `full` (list items with `includeAll=true`, and list read requests).
 */
function listCsv(records: ListItemRecord[], full: boolean): string {
  const subsetNames = full ? [...new Set(records.flatMap((r) => Object.keys(r.subsets ?? {})))] : []
  const propNames = full ? [...new Set(records.flatMap((r) => Object.keys(r.properties ?? {})))] : []
  const lines = [
    csvLine(['id', 'name', 'code', 'parent', 'parentId', 'listId', 'listName', ...subsetNames, ...propNames]),
  ]
  for (const r of records) {
    lines.push(
      csvLine([
        r.id,
        r.name,
        r.code ?? '',
        r.parent ?? '',
        r.parentId ?? '',
        r.listId,
        r.listName,
        ...subsetNames.map((n) => String(r.subsets?.[n] ?? false)),
        ...propNames.map((n) => r.properties?.[n] ?? ''),
      ]),
    )
  }
  return `${lines.join('\n')}\n`
}

/** Registers the transactional routes. */
export function registerTransactionalRoutes(app: SimApp, state: SimState): void {
  const scope = (c: SimContext, write = false) => modelScope(state, c, { write })

  modelRoute(app, 'get', '/modules', async (c) => {
    const s = await scope(c)
    return pagedEnvelope(c, schemaUrl(c, 'module', s.modelId), 'modules', s.engine.modules())
  })

  const lineItems = async (c: SimContext, moduleId?: string): Promise<Response> => {
    const s = await scope(c)
    if (moduleId !== undefined && !s.engine.modules().some((m) => m.id === moduleId)) throw new HttpError(404)
    const includeAll = boolQuery(c, 'includeAll')
    const items = s.engine.lineItems(moduleId).map((li) => lineItemJson(li, includeAll))
    return envelope(c, schemaUrl(c, 'lineItem', s.modelId), { items })
  }
  modelRoute(app, 'get', '/lineItems', (c) => lineItems(c))
  modelRoute(app, 'get', '/modules/:moduleId/lineItems', (c) => lineItems(c, param(c, 'moduleId')))

  const views = async (c: SimContext, moduleId?: string): Promise<Response> => {
    const s = await scope(c)
    if (moduleId !== undefined && !s.engine.modules().some((m) => m.id === moduleId)) throw new HttpError(404)
    const list: Record<string, unknown>[] = s.engine.views(moduleId).map((v) => {
      const json: Record<string, unknown> = {
        id: v.id,
        name: v.name,
        moduleId: s.engine.viewMetadata(v.id).moduleId,
      }
      if (v.code) json.code = v.code
      return json
    })
    if (boolQuery(c, 'includesubsidiaryviews')) {
      // A line item whose dimensions differ from its module's is shown through its own view.
      for (const li of s.engine.lineItems(moduleId)) {
        const moduleMeta = s.engine.viewMetadata(li.moduleId)
        const moduleDims = [...moduleMeta.rows, ...moduleMeta.columns, ...moduleMeta.pages]
          .map((d) => d.id)
          .sort()
        const liDims = s.engine
          .lineItemDimensions(li.id)
          .map((d) => d.id)
          .sort()
        const own = liDims.filter((d) => d !== '101999999999')
        const mod = moduleDims.filter((d) => d !== '101999999999')
        if (own.join() !== mod.join())
          list.push({ id: li.id, name: `${li.moduleName}.${li.name}`, moduleId: li.moduleId })
      }
    }
    return pagedEnvelope(c, schemaUrl(c, 'view', s.modelId), 'views', list)
  }
  modelRoute(app, 'get', '/views', (c) => views(c))
  modelRoute(app, 'get', '/modules/:moduleId/views', (c) => views(c, param(c, 'moduleId')))

  modelRoute(app, 'get', '/views/:viewId', async (c) => {
    const s = await scope(c)
    const meta = s.engine.viewMetadata(param(c, 'viewId'))
    return envelope(c, schemaUrl(c, 'view', s.modelId), {
      viewId: meta.id,
      viewName: meta.name,
      rows: meta.rows,
      columns: meta.columns,
      pages: meta.pages,
    })
  })

  modelRoute(app, 'get', '/views/:viewId/data', async (c) => {
    const s = await scope(c)
    const viewId = param(c, 'viewId')
    const pages = parsePages(c)
    const limit = state.options.maxViewCells
    if (limit < MAX_VIEW_CELLS) {
      // The engine enforces Anaplan's own limit; a lower test limit is checked on the page read.
      const grid = s.engine.readView(viewId, pages)
      if (grid.rows.length * grid.columnCoordinates.length > limit) {
        throw new HttpError(
          400,
          `The view has more than ${limit} cells: use a read request or page selectors`,
        )
      }
    }
    if (wantsJson(c)) {
      if (c.req.query('format') !== 'v1') {
        throw new HttpError(406, "JSON view data needs the query parameter 'format=v1'")
      }
      return c.json(s.engine.readView(viewId, pages))
    }
    // `exportType` with `moduleId` chooses the CSV layout (reference §6.2).
    const exportType = c.req.query('exportType')
    if (exportType !== undefined && !READ_EXPORT_TYPES.includes(exportType)) {
      throw new HttpError(400, `Invalid exportType '${exportType}'`)
    }
    const csv =
      exportType && c.req.query('moduleId') !== undefined
        ? s.engine.readViewCsv(viewId, pages, exportType)
        : s.engine.readViewCsv(viewId, pages)
    return c.body(csv, 200, { 'Content-Type': 'text/csv;charset=UTF-8' })
  })

  modelRoute(app, 'get', '/views/:viewId/dimensions/:dimensionId/items', async (c) => {
    const s = await scope(c)
    const items = s.engine.viewDimensionItems(param(c, 'viewId'), param(c, 'dimensionId'))
    return envelope(c, schemaUrl(c, 'item', s.modelId), { items })
  })

  modelRoute(app, 'get', '/lineItems/:lineItemId/dimensions', async (c) => {
    const s = await scope(c)
    const dimensions = s.engine.lineItemDimensions(param(c, 'lineItemId'))
    return envelope(c, schemaUrl(c, 'dimension', s.modelId), { dimensions })
  })

  modelRoute(app, 'get', '/lineItems/:lineItemId/dimensions/:dimensionId/items', async (c) => {
    const s = await scope(c)
    const lineItemId = param(c, 'lineItemId')
    const dimensionId = param(c, 'dimensionId')
    const items = s.engine.lineItemDimensionItems(lineItemId, dimensionId)
    return envelope(c, schemaUrl(c, 'item', s.modelId), { items })
  })

  modelRoute(app, 'get', '/dimensions/:dimensionId/items', async (c) => {
    const s = await scope(c)
    const items = s.engine.dimensionItems(param(c, 'dimensionId'))
    return envelope(c, schemaUrl(c, 'item', s.modelId), { items })
  })

  modelRoute(app, 'post', '/dimensions/:dimensionId/items', async (c) => {
    const s = await scope(c)
    const body = await readJson(c)
    if (!isRecord(body)) throw new HttpError(400, 'Request body must be a JSON object')
    const strings = (v: unknown, field: string): string[] => {
      if (v === undefined) return []
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
        throw new HttpError(400, `'${field}' must be an array of strings`)
      }
      return v
    }
    const names = strings(body.names, 'names')
    const codes = strings(body.codes, 'codes')
    if (names.length === 0 && codes.length === 0) {
      throw new HttpError(400, "Expected at least one of 'names' or 'codes' to be present and not empty.")
    }
    const items = s.engine.lookupDimensionItems(param(c, 'dimensionId'), names, codes)
    return envelope(c, schemaUrl(c, 'item', s.modelId), { items })
  })

  modelRoute(app, 'get', '/lists', async (c) => {
    const s = await scope(c)
    return pagedEnvelope(c, schemaUrl(c, 'list', s.modelId), 'lists', s.engine.lists())
  })

  modelRoute(app, 'get', '/lists/:listId', async (c) => {
    const s = await scope(c)
    return envelope(c, schemaUrl(c, 'list', s.modelId), {
      metadata: s.engine.listMetadata(param(c, 'listId')),
    })
  })

  modelRoute(app, 'get', '/lists/:listId/items', async (c) => {
    const s = await scope(c)
    const records = s.engine.listItems(param(c, 'listId'))
    if (records.length > state.options.maxListItems) {
      throw new HttpError(
        400,
        `The list has more than ${state.options.maxListItems.toLocaleString('en-US')} items; use a list read request.`,
      )
    }
    const includeAll = boolQuery(c, 'includeAll')
    if (/text\/csv/i.test(c.req.header('Accept') ?? '')) {
      return c.body(listCsv(records, includeAll), 200, { 'Content-Type': 'text/csv;charset=UTF-8' })
    }
    const items = records.map((r) => {
      const json: Record<string, unknown> = { id: r.id, name: r.name }
      if (r.code) json.code = r.code
      if (r.parent !== undefined) json.parent = r.parent
      if (r.parentId !== undefined) json.parentId = r.parentId
      json.listId = r.listId
      json.listName = r.listName
      if (includeAll && r.subsets && Object.keys(r.subsets).length > 0) json.subsets = r.subsets
      if (includeAll && r.properties && Object.keys(r.properties).length > 0) json.properties = r.properties
      return json
    })
    return pagedEnvelope(c, schemaUrl(c, 'listItem', s.modelId), 'listItems', items)
  })

  modelRoute(app, 'post', '/lists/:listId/items', async (c) => {
    const action = c.req.query('action')
    if (action !== 'add' && action !== 'delete') {
      throw new HttpError(400, "Query parameter 'action' must be 'add' or 'delete'")
    }
    const s = await scope(c, true)
    const items = itemsBody(await readJson(c))
    const listId = param(c, 'listId')
    s.world.stats.mutations.listWrites++
    const schema = schemaUrl(c, 'listItem', s.modelId)
    if (action === 'add')
      return envelope(c, schema, withoutEmptyFailures(s.engine.addListItems(listId, items)))
    return envelope(c, schema, withoutEmptyFailures(s.engine.deleteListItems(listId, items)))
  })

  modelRoute(app, 'put', '/lists/:listId/items', async (c) => {
    const s = await scope(c, true)
    const items = itemsBody(await readJson(c))
    s.world.stats.mutations.listWrites++
    const result = s.engine.updateListItems(param(c, 'listId'), items)
    return envelope(c, schemaUrl(c, 'listItem', s.modelId), withoutEmptyFailures(result))
  })

  modelRoute(app, 'post', '/modules/:moduleId/data', async (c) => {
    const s = await scope(c, true)
    const tooLarge = new HttpError(400, 'The request is larger than 15 MB.')
    if (Number(c.req.header('Content-Length') ?? '0') > MAX_CELL_WRITE_BYTES) throw tooLarge
    const text = await c.req.text()
    // Chunked requests carry no Content-Length, so the size is checked again once read.
    if (Buffer.byteLength(text) > MAX_CELL_WRITE_BYTES) throw tooLarge
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new HttpError(400, 'Malformed JSON request body')
    }
    if (!Array.isArray(body)) throw new HttpError(400, 'Request body must be a JSON array of cell writes')
    if (body.length === 0) throw new HttpError(400, 'Request body must contain at least one cell write')
    if (body.length > MAX_CELLS_PER_WRITE) {
      throw new HttpError(400, `Too many cells: at most ${MAX_CELLS_PER_WRITE} cells per request.`)
    }
    if (!body.every(isRecord)) throw new HttpError(400, 'Every cell write must be a JSON object')
    for (const [i, w] of body.entries()) {
      if (w.dimensions !== undefined && (!Array.isArray(w.dimensions) || !w.dimensions.every(isRecord))) {
        throw new HttpError(400, `Cell write ${i}: 'dimensions' must be an array of objects`)
      }
    }
    s.world.stats.mutations.cellWrites++
    const result = s.engine.writeCells(param(c, 'moduleId'), body as never)
    // No envelope here (reference §6.4).
    return c.json(withoutEmptyFailures(result))
  })

  modelRoute(app, 'get', '/versions', async (c) => {
    const s = await scope(c)
    return envelope(c, schemaUrl(c, 'version', s.modelId), { versionMetadata: s.engine.versions() })
  })
  modelRoute(app, 'get', '/currentPeriod', async (c) => {
    const s = await scope(c)
    return envelope(c, schemaUrl(c, 'currentPeriod', s.modelId), { currentPeriod: s.engine.currentPeriod() })
  })
  modelRoute(app, 'put', '/currentPeriod', async (c) => {
    const s = await modelScope(state, c, { admin: true })
    const text = await c.req.text()
    let fromBody: unknown
    if (text.trim() !== '') {
      try {
        const body = JSON.parse(text) as unknown
        if (!isRecord(body)) throw new Error('not an object')
        fromBody = body.date
      } catch {
        throw new HttpError(400, 'Malformed JSON request body')
      }
    }
    const fromQuery = c.req.query('date')
    if (fromBody !== undefined && fromQuery !== undefined) {
      throw new HttpError(400, 'use query parameter or body to set date, not both')
    }
    const date = fromQuery ?? fromBody ?? ''
    if (typeof date !== 'string' || (date !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
      throw new HttpError(
        400,
        `Invalid ISO date format '${String(date)}'. Date should match format YYYY-MM-DD`,
      )
    }
    return envelope(c, schemaUrl(c, 'currentPeriod', s.modelId), {
      currentPeriod: s.engine.setCurrentPeriod(date),
    })
  })
  // Calendar and version writes need the workspace-admin role (OpenAPI x-anaplan-min-role).
  modelRoute(app, 'put', '/modelCalendar/fiscalYear', async (c) => {
    const s = await modelScope(state, c, { admin: true })
    const body = await readJson(c)
    if (!isRecord(body) || typeof body.year !== 'string') {
      throw new HttpError(400, 'Expected mandatory field \'year\', e.g. {"year": "FY26"}')
    }
    return envelope(c, schemaUrl(c, 'modelCalendar', s.modelId), {
      modelCalendar: { fiscalYear: s.engine.setFiscalYear(body.year) },
    })
  })
  modelRoute(app, 'put', '/versions/:versionId/switchover', async (c) => {
    const s = await modelScope(state, c, { admin: true })
    const body = await readJson(c)
    if (!isRecord(body) || typeof body.date !== 'string') {
      throw new HttpError(400, 'Expected mandatory field \'date\': YYYY-MM-DD, or "" to reset')
    }
    return envelope(c, schemaUrl(c, 'switchover', s.modelId), {
      versionSwitchover: s.engine.setSwitchover(param(c, 'versionId'), body.date.trim()),
    })
  })
  // No body either way: Anaplan answers 200 with Content-Length 0.
  modelRoute(app, 'post', '/lists/:listId/resetIndex', async (c) => {
    const s = await modelScope(state, c, { admin: true })
    s.engine.resetListIndex(param(c, 'listId'))
    s.world.stats.mutations.listWrites++
    return new Response(null, { status: 200 })
  })
  modelRoute(app, 'get', '/modelCalendar', async (c) => {
    const s = await scope(c)
    return envelope(c, schemaUrl(c, 'modelCalendar', s.modelId), { modelCalendar: s.engine.modelCalendar() })
  })

  // Read requests (reference §6.2 views, §6.3 lists): the pages are prepared at once and become
  // available over taskMs, so a client sees IN_PROGRESS with a growing `availablePages`.
  const KEYS = { view: 'viewReadRequest', list: 'listReadRequest' } as const
  const readRequestJson = (c: SimContext, r: ReadRequestRecord): Record<string, unknown> => {
    const now = state.options.now()
    if (r.state === 'IN_PROGRESS' || r.state === 'NOT_STARTED') {
      if (now >= r.readyAt) r.state = 'COMPLETE'
      else r.state = 'IN_PROGRESS'
    }
    const total = r.pager?.count ?? r.pages?.length ?? 0
    const started = r.readyAt - state.options.taskMs
    const available =
      r.state === 'COMPLETE'
        ? total
        : Math.floor((total * (now - started)) / Math.max(1, state.options.taskMs))
    const plural = r.kind === 'view' ? 'views' : 'lists'
    return {
      requestId: r.requestId,
      // View read requests carry the view id as a JSON number, list ones the list id as a string
      // (the OpenAPI description's ViewReadRequest / ListReadRequest).
      ...(r.kind === 'view' ? { viewId: Number(r.objectId) } : { listId: r.objectId }),
      requestState: r.state,
      url: `${new URL(c.req.url).origin}/2/0/workspaces/${r.workspaceId}/models/${r.modelId}/${plural}/${r.objectId}/readRequests/${r.requestId}`,
      availablePages: r.state === 'CANCELLED' ? 0 : available,
      successful: r.state === 'COMPLETE' ? r.successful : false,
    }
  }
  const findRequest = (s: ModelScope, c: SimContext, kind: ReadRequestRecord['kind']): ReadRequestRecord => {
    const r = s.world.readRequests.get(param(c, 'requestId'))
    const objectId = param(c, kind === 'view' ? 'viewId' : 'listId')
    if (
      !r ||
      r.kind !== kind ||
      r.modelId !== s.modelId ||
      r.objectId !== objectId ||
      r.userId !== s.user.id
    ) {
      throw new HttpError(404)
    }
    return r
  }
  const createRequest = (
    c: SimContext,
    s: ModelScope,
    kind: ReadRequestRecord['kind'],
    objectId: string,
    exportType: string,
    build: () => Pick<ReadRequestRecord, 'pages' | 'pager'>,
  ): Response => {
    const record: ReadRequestRecord = {
      requestId: newTaskId(),
      kind,
      objectId,
      modelId: s.modelId,
      workspaceId: s.workspaceId,
      userId: s.user.id,
      exportType,
      state: 'NOT_STARTED',
      successful: true,
      readyAt: state.options.now() + state.options.taskMs,
    }
    try {
      Object.assign(record, build())
    } catch (error) {
      record.successful = false
      record.pages = []
      record.error = error instanceof Error ? error.message : String(error)
    }
    s.world.readRequests.set(record.requestId, record)
    const json = readRequestJson(c, record)
    return envelope(c, schemaUrl(c, KEYS[kind], s.modelId), {
      [KEYS[kind]]: { requestId: json.requestId, requestState: json.requestState, url: json.url },
    })
  }
  const requestRoutes = (kind: ReadRequestRecord['kind']) => {
    const base = kind === 'view' ? '/views/:viewId/readRequests' : '/lists/:listId/readRequests'
    modelRoute(app, 'get', `${base}/:requestId`, async (c) => {
      const s = await modelScope(state, c, { busyExempt: true })
      return envelope(c, schemaUrl(c, KEYS[kind], s.modelId), {
        [KEYS[kind]]: readRequestJson(c, findRequest(s, c, kind)),
      })
    })
    modelRoute(app, 'get', `${base}/:requestId/pages/:pageNo`, async (c) => {
      const s = await modelScope(state, c, { busyExempt: true })
      const r = findRequest(s, c, kind)
      const json = readRequestJson(c, r)
      const raw = param(c, 'pageNo')
      if (!/^\d+$/.test(raw)) throw new HttpError(400, `Invalid page number '${raw}'`)
      const page = Number(raw)
      if (r.state === 'CANCELLED' || page >= (json.availablePages as number)) throw new HttpError(404)
      return c.body(r.pager ? r.pager.page(page) : (r.pages?.[page] ?? ''), 200, {
        'Content-Type': 'text/csv;charset=UTF-8',
      })
    })
    modelRoute(app, 'delete', `${base}/:requestId`, async (c) => {
      const s = await modelScope(state, c, { busyExempt: true })
      const r = findRequest(s, c, kind)
      const before = readRequestJson(c, r)
      if (before.requestState !== 'COMPLETE') r.state = 'CANCELLED'
      s.world.readRequests.delete(r.requestId)
      return envelope(c, schemaUrl(c, KEYS[kind], s.modelId), { [KEYS[kind]]: readRequestJson(c, r) })
    })
  }

  modelRoute(app, 'post', '/views/:viewId/readRequests', async (c) => {
    const s = await scope(c)
    const viewId = param(c, 'viewId')
    const body = await readJson(c)
    if (
      !isRecord(body) ||
      typeof body.exportType !== 'string' ||
      !READ_EXPORT_TYPES.includes(body.exportType)
    ) {
      throw new HttpError(
        400,
        `Expected mandatory field 'exportType' to be one of ${READ_EXPORT_TYPES.join(', ')}.`,
      )
    }
    const exportType = body.exportType
    s.engine.viewMetadata(viewId)
    if (exportType.startsWith('GRID') && s.engine.viewCellCount(viewId) > MAX_GRID_READ_CELLS) {
      throw new HttpError(
        400,
        `The view has more than ${MAX_GRID_READ_CELLS} cells: use exportType TABULAR_MULTI_COLUMN or TABULAR_SINGLE_COLUMN`,
      )
    }
    return createRequest(c, s, 'view', viewId, exportType, () =>
      buildViewPages(s, viewId, exportType, state.options.readRequestPageRows, state.options.maxViewCells),
    )
  })

  // A list read takes no body (the OpenAPI description declares none); the pages hold every item
  // with its subsets and properties, as the list-items CSV with includeAll.
  modelRoute(app, 'post', '/lists/:listId/readRequests', async (c) => {
    const s = await scope(c)
    const listId = param(c, 'listId')
    const records = s.engine.listItems(listId)
    return createRequest(c, s, 'list', listId, 'CSV', () => ({
      pages: splitPages(listCsv(records, true), state.options.readRequestPageRows),
    }))
  })

  requestRoutes('view')
  requestRoutes('list')
}
