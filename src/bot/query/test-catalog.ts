/**
 * A catalog fixture for the question engine's unit tests: the demo model's shape (PRODUCT.md "Demo
 * data"), written out by hand so the tests do not depend on the catalog builder.
 */
import type { CatalogLineItem, CatalogPeriod, ModelCatalog, SummaryMethod } from '../../anaplan/catalog.ts'

const TIME = '20000000003'
const VERSIONS = '20000000020'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function periods(): CatalogPeriod[] {
  const out: CatalogPeriod[] = []
  MONTHS.forEach((m, i) => {
    const ym = `2026-${String(i + 1).padStart(2, '0')}`
    out.push({
      id: `m${i}`,
      name: `${m} 26`,
      level: 'month',
      index: i,
      start: ym,
      end: ym,
      parentId: `q${Math.floor(i / 3)}`,
    })
  })
  for (let q = 0; q < 4; q++)
    out.push({
      id: `q${q}`,
      name: `Q${q + 1} FY26`,
      level: 'quarter',
      index: q,
      start: `2026-${String(q * 3 + 1).padStart(2, '0')}`,
      end: `2026-${String(q * 3 + 3).padStart(2, '0')}`,
      parentId: 'fy26',
    })
  out.push({ id: 'fy26', name: 'FY26', level: 'year', index: 0, start: '2026-01', end: '2026-12' })
  return out
}

function li(
  id: string,
  name: string,
  moduleId: string,
  dims: string[],
  summary: SummaryMethod = 'SUM',
  timeSummary: SummaryMethod = summary,
): CatalogLineItem {
  const moduleName =
    moduleId === 'rev' ? 'REV01 Revenue' : moduleId === 'opx' ? 'OPX01 Expenses' : 'SYS01 Settings'
  const out: CatalogLineItem = {
    id,
    name,
    moduleId,
    moduleName,
    format: 'NUMBER',
    summary,
    timeSummary,
    dimensionIds: dims,
  }
  if (dims.includes(TIME)) out.timeScale = 'Month'
  return out
}

export function salesCatalog(): ModelCatalog {
  const rev = ['regions', 'products', TIME, VERSIONS]
  const opx = ['regions', TIME, VERSIONS]
  return {
    workspaceId: 'ws',
    modelId: 'sales',
    modelName: 'Sales Forecast',
    fetchedAt: 0,
    currentPeriodId: 'm5',
    dimensions: [
      { id: 'regions', name: 'Regions', kind: 'list' },
      { id: 'products', name: 'Products', kind: 'list' },
      { id: 'channels', name: 'Channels', kind: 'list' },
      { id: TIME, name: 'Time', kind: 'time' },
      { id: VERSIONS, name: 'Versions', kind: 'version' },
    ],
    modules: [
      { id: 'rev', name: 'REV01 Revenue', dimensionIds: rev, lineItemIds: ['units', 'price', 'revenue'] },
      { id: 'opx', name: 'OPX01 Expenses', dimensionIds: opx, lineItemIds: ['hc', 'sal', 'trv', 'tex'] },
    ],
    lineItems: [
      li('units', 'Units', 'rev', rev),
      li('price', 'Price', 'rev', rev, 'AVERAGE'),
      li('revenue', 'Revenue', 'rev', rev),
      li('hc', 'Headcount', 'opx', opx, 'SUM', 'LAST'),
      li('sal', 'Salaries', 'opx', opx),
      li('trv', 'Travel', 'opx', opx),
      li('tex', 'Total Expenses', 'opx', opx),
    ],
    lists: [
      {
        id: 'regions',
        name: 'Regions',
        topLevelItem: { id: 'tr', name: 'Total Regions' },
        itemCount: 4,
        items: [
          { id: 'na', name: 'North America', code: 'NA', parentId: 'tr' },
          { id: 'emea', name: 'EMEA', code: 'EMEA', parentId: 'tr' },
          { id: 'apac', name: 'APAC', code: 'APAC', parentId: 'tr' },
          { id: 'latam', name: 'LATAM', code: 'LATAM', parentId: 'tr' },
        ],
      },
      {
        id: 'products',
        name: 'Products',
        topLevelItem: { id: 'ap', name: 'All Products' },
        itemCount: 4,
        items: [
          { id: 'wid', name: 'Widgets', code: 'WID', parentId: 'ap' },
          { id: 'gad', name: 'Gadgets', code: 'GAD', parentId: 'ap' },
          { id: 'giz', name: 'Gizmos', code: 'GIZ', parentId: 'ap' },
          { id: 'spr', name: 'Sprockets', code: 'SPR', parentId: 'ap' },
        ],
      },
      {
        id: 'channels',
        name: 'Channels',
        itemCount: 3,
        items: [
          { id: 'direct', name: 'Direct' },
          { id: 'partner', name: 'Partner' },
          { id: 'online', name: 'Online' },
        ],
      },
    ],
    periods: periods(),
    versions: [
      { id: 'act', name: 'Actual', isActual: true, isCurrent: false },
      { id: 'fc', name: 'Forecast', isActual: false, isCurrent: true },
      { id: 'bud', name: 'Budget', isActual: false, isCurrent: false },
    ],
    views: [],
    actions: [],
  }
}
