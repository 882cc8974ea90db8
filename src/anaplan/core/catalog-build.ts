/**
 * Builds a {@link ModelCatalog} from the Integration API's listings, as they came off the wire. Pure:
 * `resources/catalog.ts` fetches, this shapes, so the shaping is tested without a server.
 */
import type {
  ActionType,
  AnaplanFile,
  LineItem,
  ListItem,
  ModelCalendar,
  Module,
  NamedObject,
  Version,
  View,
  ViewMetadata,
} from '../api.ts'
import type {
  CatalogAction,
  CatalogDimension,
  CatalogLineItem,
  CatalogList,
  CatalogListItem,
  CatalogModule,
  CatalogSection,
  CatalogView,
  ModelCatalog,
  SummaryMethod,
} from '../catalog.ts'
import { buildPeriods } from './periods.ts'

/** Ids of the built-in dimensions. */
export const TIME_DIMENSION_ID = '20000000003'
export const VERSIONS_DIMENSION_ID = '20000000020'
/** The "Line Items" pseudo-dimension of a module view (Anaplan's own examples label it so). */
export const LINE_ITEMS_DIMENSION_ID = '101999999999'

/** One list as read: its listing entry, its metadata and (when small enough) its items. */
export interface ListSource {
  list: NamedObject
  metadata?: Record<string, unknown>
  /** Absent when the list is larger than the catalog indexes, or could not be read. */
  items?: ListItem[]
}

export interface CatalogSources {
  workspaceId: string
  modelId: string
  modelName?: string
  fetchedAt: number
  modules: Module[]
  /** Each module's default view metadata (view id = module id): its dimensions. */
  moduleAxes: ReadonlyMap<string, ViewMetadata>
  /** Line items with `includeAll=true`. */
  lineItems: LineItem[]
  lists: ListSource[]
  timeItems: NamedObject[]
  calendar?: ModelCalendar
  versions: Version[]
  views: View[]
  actions: { type: ActionType; items: NamedObject[] }[]
  files?: AnaplanFile[]
  /** Listings the user may not read (403/404), so their sections are empty rather than unknown. */
  unavailable?: CatalogSection[]
}

const SUMMARY_ALIASES: Record<string, SummaryMethod> = {
  SUM: 'SUM',
  AVERAGE: 'AVERAGE',
  AVG: 'AVERAGE',
  MIN: 'MIN',
  MINIMUM: 'MIN',
  MAX: 'MAX',
  MAXIMUM: 'MAX',
  FIRST: 'FIRST',
  FIRST_NON_BLANK: 'FIRST',
  FIRSTNONBLANK: 'FIRST',
  LAST: 'LAST',
  LAST_NON_BLANK: 'LAST',
  LASTNONBLANK: 'LAST',
  OPENING_BALANCE: 'OPENING_BALANCE',
  OPENINGBALANCE: 'OPENING_BALANCE',
  CLOSING_BALANCE: 'CLOSING_BALANCE',
  CLOSINGBALANCE: 'CLOSING_BALANCE',
  FORMULA: 'FORMULA',
  RATIO: 'RATIO',
  ANY: 'ANY',
  ALL: 'ALL',
  COUNT: 'COUNT',
  NONE: 'NONE',
}

/**
 * Anaplan's summary label (`Sum`, `Closing Balance`, `First Non-Blank`, `AVERAGE`) as a
 * {@link SummaryMethod}. An unknown or missing label is `NONE`: a total the catalog cannot name is
 * one no caller should compute.
 */
export function normalizeSummary(label: unknown): SummaryMethod {
  if (typeof label !== 'string') return 'NONE'
  const key = label
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_')
  return SUMMARY_ALIASES[key] ?? 'NONE'
}

/** `Month`, `Quarter`…; undefined for `Not Applicable` or none. */
function timeScaleOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const v = value.trim()
  return v === '' || /^not applicable$/i.test(v) ? undefined : v
}

/** `REV01 Revenue.Revenue by Region` → `Revenue by Region`; `'A.B'.'C'` → `C`. */
export function shortViewName(name: string): string {
  const m = /^(?:'[^']*'|[^.']*)\.(.+)$/.exec(name)
  if (!m) return name
  const rest = m[1]!
  return rest.startsWith("'") && rest.endsWith("'") ? rest.slice(1, -1) : rest
}

function axisIds(meta: ViewMetadata | undefined): string[] {
  if (!meta) return []
  return [...(meta.rows ?? []), ...(meta.columns ?? []), ...(meta.pages ?? [])]
    .map((d) => d.id)
    .filter((id) => id !== LINE_ITEMS_DIMENSION_ID)
}

/** Lists first in the view's order, then Time, then Versions. */
function orderDimensions(ids: readonly string[]): string[] {
  const lists = ids.filter((id) => id !== TIME_DIMENSION_ID && id !== VERSIONS_DIMENSION_ID)
  return [
    ...new Set([
      ...lists,
      ...ids.filter((id) => id === TIME_DIMENSION_ID),
      ...ids.filter((id) => id === VERSIONS_DIMENSION_ID),
    ]),
  ]
}

function moduleOf(m: Module, axes: ViewMetadata | undefined, lineItems: readonly LineItem[]): CatalogModule {
  const own = lineItems.filter((li) => li.moduleId === m.id)
  let dims = axisIds(axes)
  if (!axes) {
    // Without the module's view, its lists are the union of its line items' and Time is there when
    // one of them has a time scale; Versions cannot be told apart and are left out.
    dims = [
      ...own.flatMap((li) => (li.appliesTo ?? []).map((d) => d.id)),
      ...(own.some((li) => timeScaleOf(li.timeScale)) ? [TIME_DIMENSION_ID] : []),
    ]
  }
  return { id: m.id, name: m.name, dimensionIds: orderDimensions(dims), lineItemIds: own.map((li) => li.id) }
}

function lineItemOf(li: LineItem, mod: CatalogModule | undefined): CatalogLineItem {
  const moduleDims = mod?.dimensionIds ?? []
  const timeScale = timeScaleOf(li.timeScale)
  const lists = Array.isArray(li.appliesTo)
    ? li.appliesTo.map((d) => d.id)
    : moduleDims.filter((id) => id !== TIME_DIMENSION_ID && id !== VERSIONS_DIMENSION_ID)
  const dims = [
    ...lists,
    ...(timeScale && (moduleDims.includes(TIME_DIMENSION_ID) || !mod) ? [TIME_DIMENSION_ID] : []),
    ...(moduleDims.includes(VERSIONS_DIMENSION_ID) ? [VERSIONS_DIMENSION_ID] : []),
  ]
  const summary = normalizeSummary(li.summary)
  const out: CatalogLineItem = {
    id: li.id,
    name: li.name,
    moduleId: li.moduleId,
    moduleName: li.moduleName,
    format: typeof li.format === 'string' && li.format ? li.format : 'NONE',
    summary,
    timeSummary: li.timeSummary === undefined ? summary : normalizeSummary(li.timeSummary),
    dimensionIds: orderDimensions(dims),
  }
  if (li.code) out.code = li.code
  const units = unitsOf(li.formatMetadata)
  if (units) out.units = units
  if (timeScale) out.timeScale = timeScale
  if (typeof li.formula === 'string' && li.formula) out.formula = li.formula
  if (typeof li.isSummary === 'boolean') out.isSummary = li.isSummary
  return out
}

function unitsOf(meta: unknown): CatalogLineItem['units'] {
  const t = typeof meta === 'object' && meta ? (meta as { unitsType?: unknown }).unitsType : undefined
  return t === 'CURRENCY'
    ? 'currency'
    : t === 'PERCENTAGE'
      ? 'percentage'
      : t === 'CUSTOM'
        ? 'custom'
        : undefined
}

function listItemOf(i: ListItem): CatalogListItem {
  const out: CatalogListItem = { id: i.id, name: i.name }
  if (i.code) out.code = i.code
  if (i.parentId) out.parentId = i.parentId
  return out
}

function named(v: unknown): { id: string; name: string } | undefined {
  if (!v || typeof v !== 'object') return undefined
  const o = v as { id?: unknown; name?: unknown }
  return typeof o.id === 'string' && typeof o.name === 'string' ? { id: o.id, name: o.name } : undefined
}

function listsOf(sources: readonly ListSource[]): CatalogList[] {
  const itemOwner = new Map<string, string>()
  for (const s of sources) for (const i of s.items ?? []) itemOwner.set(i.id, s.list.id)
  return sources.map((s) => {
    const meta = s.metadata ?? {}
    const top = named(meta.topLevelItem)
    const count = typeof meta.itemCount === 'number' ? meta.itemCount : s.items?.length
    const out: CatalogList = { id: s.list.id, name: s.list.name, itemCount: count ?? 0 }
    if (s.list.code) out.code = s.list.code
    if (top) out.topLevelItem = { id: top.id, name: top.name }
    const parent = named(meta.parent)
    if (parent) out.parentListId = parent.id
    else {
      // Anaplan's metadata names the parent list; when it is missing, the items' parents say it.
      const owner = (s.items ?? [])
        .map((i) => (i.parentId ? itemOwner.get(i.parentId) : undefined))
        .find((o) => o !== undefined && o !== s.list.id)
      if (owner) out.parentListId = owner
    }
    if (s.items) out.items = s.items.map(listItemOf)
    return out
  })
}

function viewOf(v: View, modules: ReadonlyMap<string, string>): CatalogView {
  const out: CatalogView = {
    id: v.id,
    name: v.name,
    moduleId: v.moduleId,
    moduleName: modules.get(v.moduleId) ?? '',
    shortName: shortViewName(v.name),
  }
  if (v.id === v.moduleId) out.isDefault = true
  return out
}

/** The catalog of one model from its listings. */
export function buildCatalog(s: CatalogSources): ModelCatalog {
  const modules = s.modules.map((m) => moduleOf(m, s.moduleAxes.get(m.id), s.lineItems))
  const byModule = new Map(modules.map((m) => [m.id, m]))
  const moduleNames = new Map(s.modules.map((m) => [m.id, m.name]))
  const lists = listsOf(s.lists)
  const periods = buildPeriods(s.timeItems, s.calendar)
  const dimensions: CatalogDimension[] = lists.map((l) => ({ id: l.id, name: l.name, kind: 'list' }))
  const timed = periods.length > 0 || modules.some((m) => m.dimensionIds.includes(TIME_DIMENSION_ID))
  if (timed) dimensions.push({ id: TIME_DIMENSION_ID, name: 'Time', kind: 'time' })
  if (s.versions.length) dimensions.push({ id: VERSIONS_DIMENSION_ID, name: 'Versions', kind: 'version' })
  const actions: CatalogAction[] = s.actions.flatMap(({ type, items }) =>
    items.map((a) => ({ id: a.id, name: a.name, type })),
  )
  const out: ModelCatalog = {
    workspaceId: s.workspaceId,
    modelId: s.modelId,
    fetchedAt: s.fetchedAt,
    dimensions,
    modules,
    lineItems: s.lineItems.map((li) => lineItemOf(li, byModule.get(li.moduleId))),
    lists,
    periods,
    versions: s.versions.map((v) => ({
      id: v.id,
      name: v.name,
      isActual: v.isActual === true,
      isCurrent: v.isCurrent === true,
    })),
    views: s.views.map((v) => viewOf(v, moduleNames)),
    actions,
  }
  if (s.modelName !== undefined) out.modelName = s.modelName
  if (s.files) out.files = s.files.map((f) => ({ id: f.id, name: f.name }))
  if (s.unavailable?.length) out.unavailable = [...s.unavailable]
  const current = s.calendar?.currentPeriod?.periodText
  const currentPeriod = current ? periods.find((p) => p.name === current) : undefined
  if (currentPeriod) out.currentPeriodId = currentPeriod.id
  return out
}
