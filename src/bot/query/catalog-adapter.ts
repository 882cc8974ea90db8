/**
 * TEMPORARY: builds a `ModelCatalog` from the scope's existing listings until `ModelScope.catalog()`
 * (branch `client`) is merged; then this file goes and `catalogOf` calls the scope's catalog.
 */
import type {
  CatalogLineItem,
  CatalogList,
  CatalogListItem,
  CatalogPeriod,
  ModelCatalog,
  PeriodLevel,
  SummaryMethod,
} from '../../anaplan/catalog.ts'
import type { ModelScope } from '../core/anaplan.ts'

const TIME_ID = '20000000003'
const VERSIONS_ID = '20000000020'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const TTL_MS = 60_000

const cache = new Map<string, { at: number; value: Promise<ModelCatalog> }>()

/** The catalog of the scope's model, reusing `ModelScope.catalog()` when the client has it. */
export function catalogOf(scope: ModelScope, now = Date.now()): Promise<ModelCatalog> {
  const own = (scope as unknown as { catalog?: () => Promise<ModelCatalog> }).catalog
  if (typeof own === 'function') return own.call(scope)
  const hit = cache.get(scope.modelId)
  if (hit && now - hit.at < TTL_MS) return hit.value
  const value = build(scope)
  cache.set(scope.modelId, { at: now, value })
  value.catch(() => cache.delete(scope.modelId))
  return value
}

function summaryOf(label: string | undefined): SummaryMethod {
  const k = (label ?? 'None').toUpperCase().replace(/\s+/g, '_')
  const known: SummaryMethod[] = [
    'SUM',
    'AVERAGE',
    'MIN',
    'MAX',
    'FIRST',
    'LAST',
    'OPENING_BALANCE',
    'CLOSING_BALANCE',
    'FORMULA',
    'RATIO',
    'ANY',
    'ALL',
    'COUNT',
    'NONE',
  ]
  return (known as string[]).includes(k) ? (k as SummaryMethod) : 'NONE'
}

async function build(scope: ModelScope): Promise<ModelCatalog> {
  const [modules, rawLineItems, lists, versions, calendar] = await Promise.all([
    scope.listModules(),
    scope.listLineItems(undefined, { includeAll: true }),
    scope.listLists(),
    scope.versions().catch(() => []),
    scope.modelCalendar().catch(() => ({}) as Record<string, never>),
  ])
  const lineItems: CatalogLineItem[] = await Promise.all(
    rawLineItems.map(async (li) => {
      const raw = li as unknown as Record<string, unknown>
      const dims = await scope.lineItemDimensions(li.id).catch(() => [])
      const summary = summaryOf(raw.summary as string | undefined)
      const out: CatalogLineItem = {
        id: li.id,
        name: li.name,
        moduleId: li.moduleId,
        moduleName: li.moduleName,
        format: String(raw.format ?? 'NUMBER'),
        summary,
        timeSummary: raw.timeSummary ? summaryOf(raw.timeSummary as string) : summary,
        dimensionIds: dims.map((d) => d.id),
      }
      if (typeof raw.code === 'string' && raw.code) out.code = raw.code
      if (typeof raw.timeScale === 'string' && raw.timeScale && dims.some((d) => d.id === TIME_ID))
        out.timeScale = raw.timeScale
      if (typeof raw.formula === 'string' && raw.formula) out.formula = raw.formula
      return out
    }),
  )
  const catalogLists: CatalogList[] = await Promise.all(
    lists.map(async (l) => {
      const items = await scope.listItems(l.id, { includeAll: true }).catch(() => [])
      const out: CatalogListItem[] = items.map((i) => {
        const r = i as unknown as Record<string, unknown>
        const item: CatalogListItem = { id: i.id, name: i.name }
        if (i.code) item.code = i.code
        if (typeof r.parentId === 'string') item.parentId = r.parentId
        return item
      })
      const ids = new Set(out.map((i) => i.id))
      const top = items
        .map((i) => i as unknown as { parent?: string; parentId?: string })
        .find((i) => i.parentId && !ids.has(i.parentId))
      const list: CatalogList = { id: l.id, name: l.name, itemCount: out.length, items: out }
      if (top?.parentId && top.parent) list.topLevelItem = { id: top.parentId, name: top.parent }
      return list
    }),
  )
  const dimensionIds = new Map<string, string[]>()
  for (const li of lineItems) {
    const have = dimensionIds.get(li.moduleId) ?? []
    for (const d of li.dimensionIds) if (!have.includes(d)) have.push(d)
    dimensionIds.set(li.moduleId, have)
  }
  const periods = await loadPeriods(scope, calendar as { fiscalYear?: { startDate?: string } })
  const current = (calendar as { currentPeriod?: { periodText?: string } }).currentPeriod?.periodText
  return {
    workspaceId: scope.workspaceId,
    modelId: scope.modelId,
    fetchedAt: Date.now(),
    ...(current ? { currentPeriod: current } : {}),
    dimensions: [
      ...lists.map((l) => ({ id: l.id, name: l.name, kind: 'list' as const })),
      { id: TIME_ID, name: 'Time', kind: 'time' },
      { id: VERSIONS_ID, name: 'Versions', kind: 'version' },
    ],
    modules: modules.map((m) => ({
      id: m.id,
      name: m.name,
      dimensionIds: dimensionIds.get(m.id) ?? [],
      lineItemIds: lineItems.filter((li) => li.moduleId === m.id).map((li) => li.id),
    })),
    lineItems,
    lists: catalogLists,
    periods,
    versions: versions.map((v) => ({
      id: v.id,
      name: v.name,
      isActual: Boolean(v.isActual),
      isCurrent: Boolean(v.isCurrent),
    })),
    views: [],
    actions: [],
  }
}

function ym(year: number, month0: number): string {
  const y = year + Math.floor(month0 / 12)
  const m = ((month0 % 12) + 12) % 12
  return `${y}-${String(m + 1).padStart(2, '0')}`
}

/** Months, quarters, halves and years around the fiscal year, looked up by Anaplan's names. */
async function loadPeriods(
  scope: ModelScope,
  calendar: { fiscalYear?: { startDate?: string } },
): Promise<CatalogPeriod[]> {
  const start = /^(\d{4})-(\d{2})/.exec(calendar.fiscalYear?.startDate ?? '')
  const fyStartYear = start ? Number(start[1]) : new Date().getUTCFullYear()
  const fyStartMonth = start ? Number(start[2]) - 1 : 0
  const candidates: Omit<CatalogPeriod, 'id' | 'index' | 'parentId'>[] = []
  for (let fy = -2; fy <= 2; fy++) {
    const y0 = fyStartYear + fy
    const firstMonth = fyStartMonth
    const lastMonthYear = y0 + Math.floor((firstMonth + 11) / 12)
    const fyName = `FY${String(lastMonthYear % 100).padStart(2, '0')}`
    candidates.push({ name: fyName, level: 'year', start: ym(y0, firstMonth), end: ym(y0, firstMonth + 11) })
    for (let h = 0; h < 2; h++)
      candidates.push({
        name: `H${h + 1} ${fyName}`,
        level: 'half',
        start: ym(y0, firstMonth + 6 * h),
        end: ym(y0, firstMonth + 6 * h + 5),
      })
    for (let q = 0; q < 4; q++)
      candidates.push({
        name: `Q${q + 1} ${fyName}`,
        level: 'quarter',
        start: ym(y0, firstMonth + 3 * q),
        end: ym(y0, firstMonth + 3 * q + 2),
      })
    for (let k = 0; k < 12; k++) {
      const at = ym(y0, firstMonth + k)
      const [yy, mm] = at.split('-')
      candidates.push({
        name: `${MONTHS[Number(mm) - 1]} ${String(Number(yy) % 100).padStart(2, '0')}`,
        level: 'month',
        start: at,
        end: at,
      })
    }
  }
  let found: { id: string; name: string }[] = []
  try {
    found = await scope.lookupDimensionItems(TIME_ID, { names: candidates.map((c) => c.name) })
  } catch {
    return []
  }
  const idOf = new Map(found.map((f) => [f.name, f.id]))
  const out: CatalogPeriod[] = []
  const counters = new Map<PeriodLevel, number>()
  const order: PeriodLevel[] = ['month', 'quarter', 'half', 'year']
  for (const level of order)
    for (const c of candidates
      .filter((x) => x.level === level)
      .sort((a, b) => a.start.localeCompare(b.start))) {
      const id = idOf.get(c.name)
      if (!id) continue
      const index = counters.get(level) ?? 0
      counters.set(level, index + 1)
      const p: CatalogPeriod = { id, name: c.name, level, index, start: c.start, end: c.end }
      out.push(p)
    }
  // Parents by containment: the smallest period of a higher level that covers this one.
  for (const p of out) {
    const parent = out
      .filter((q) => order.indexOf(q.level) > order.indexOf(p.level) && q.start <= p.start && q.end >= p.end)
      .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level))[0]
    if (parent) p.parentId = parent.id
  }
  return out
}
