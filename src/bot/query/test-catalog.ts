/**
 * A catalog fixture for the question engine's unit tests: the demo model's shape (PRODUCT.md "Demo
 * data"), written out by hand so the tests do not depend on the catalog builder.
 */
import type { CatalogLineItem, CatalogPeriod, ModelCatalog, SummaryMethod } from '../../anaplan/catalog.ts'

const TIME = '20000000003'
const VERSIONS = '20000000020'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

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
      { ...li('price', 'Price', 'rev', rev, 'AVERAGE'), units: 'currency' },
      { ...li('revenue', 'Revenue', 'rev', rev), units: 'currency' },
      li('hc', 'Headcount', 'opx', opx, 'SUM', 'LAST'),
      li('sal', 'Salaries', 'opx', opx),
      li('trv', 'Travel', 'opx', opx),
      { ...li('tex', 'Total Expenses', 'opx', opx), formula: 'Salaries + Travel' },
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
    periods: calendar(1, 26),
    versions: [
      { id: 'act', name: 'Actual', isActual: true, isCurrent: false },
      { id: 'fc', name: 'Forecast', isActual: false, isCurrent: true },
      { id: 'bud', name: 'Budget', isActual: false, isCurrent: false },
    ],
    views: [],
    actions: [],
  }
}

/** Months, quarters and years of `years` calendar years from 20`first` (ids `m<i>`, `q<i>`, `fy<yy>`). */
function calendar(years: number, first = 25): CatalogPeriod[] {
  const out: CatalogPeriod[] = []
  for (let y = 0; y < years; y++) {
    const yy = String(first + y)
    const fy = `fy${yy}`
    for (let i = 0; i < 12; i++) {
      const ym = `20${yy}-${String(i + 1).padStart(2, '0')}`
      const k = y * 12 + i
      out.push({
        id: `m${k}`,
        name: `${MONTHS[i]} ${yy}`,
        level: 'month',
        index: k,
        start: ym,
        end: ym,
        parentId: `q${Math.floor(k / 3)}`,
      })
    }
    for (let q = 0; q < 4; q++)
      out.push({
        id: `q${y * 4 + q}`,
        name: `Q${q + 1} FY${yy}`,
        level: 'quarter',
        index: y * 4 + q,
        start: `20${yy}-${String(q * 3 + 1).padStart(2, '0')}`,
        end: `20${yy}-${String(q * 3 + 3).padStart(2, '0')}`,
        parentId: fy,
      })
    out.push({ id: fy, name: `FY${yy}`, level: 'year', index: y, start: `20${yy}-01`, end: `20${yy}-12` })
  }
  return out.sort((a, b) => a.level.localeCompare(b.level) || a.index - b.index)
}

/**
 * Retail Demand's shape, small: composite hierarchies Region > Country > Store and Category >
 * Subcategory > SKU (singular list names, codes), two years of months, one module RD01 Demand.
 */
export function retailCatalog(): ModelCatalog {
  const dims = ['store', 'sku', TIME, VERSIONS]
  const item = (id: string, name: string, parentId: string, code?: string) => ({
    id,
    name,
    parentId,
    ...(code ? { code } : {}),
  })
  const rd = (id: string, name: string, summary: SummaryMethod = 'SUM', timeSummary = summary) => ({
    ...li(id, name, 'rd', dims, summary, timeSummary),
    moduleName: 'RD01 Demand',
  })
  const allRegions = { id: 'ar', name: 'All Regions' }
  const allCategories = { id: 'ac', name: 'All Categories' }
  return {
    workspaceId: 'ws',
    modelId: 'retail',
    modelName: 'Retail Demand',
    fetchedAt: 0,
    currentPeriodId: 'm17',
    dimensions: [
      { id: 'region', name: 'Region', kind: 'list' },
      { id: 'country', name: 'Country', kind: 'list' },
      { id: 'store', name: 'Store', kind: 'list' },
      { id: 'category', name: 'Category', kind: 'list' },
      { id: 'subcategory', name: 'Subcategory', kind: 'list' },
      { id: 'sku', name: 'SKU', kind: 'list' },
      { id: TIME, name: 'Time', kind: 'time' },
      { id: VERSIONS, name: 'Versions', kind: 'version' },
    ],
    modules: [{ id: 'rd', name: 'RD01 Demand', dimensionIds: dims, lineItemIds: ['units', 'ns', 'price'] }],
    lineItems: [rd('units', 'Units'), rd('ns', 'Net Sales'), rd('price', 'Price', 'NONE', 'AVERAGE')],
    lists: [
      {
        id: 'region',
        name: 'Region',
        topLevelItem: allRegions,
        itemCount: 2,
        items: [item('north', 'North', 'ar'), item('south', 'South', 'ar')],
      },
      {
        id: 'country',
        name: 'Country',
        parentListId: 'region',
        topLevelItem: allRegions,
        itemCount: 2,
        items: [item('no', 'Norway', 'north', 'NO'), item('es', 'Spain', 'south', 'ES')],
      },
      {
        id: 'store',
        name: 'Store',
        parentListId: 'country',
        topLevelItem: allRegions,
        itemCount: 4,
        items: [
          item('s1', 'Store 0001 Oslo', 'no', 'S0001'),
          item('s2', 'Store 0002 Bergen', 'no', 'S0002'),
          item('s3', 'Store 0003 Madrid', 'es', 'S0003'),
          item('s4', 'Store 0004 Seville', 'es', 'S0004'),
        ],
      },
      {
        id: 'category',
        name: 'Category',
        topLevelItem: allCategories,
        itemCount: 2,
        items: [item('fw', 'Footwear', 'ac'), item('ap', 'Apparel', 'ac')],
      },
      {
        id: 'subcategory',
        name: 'Subcategory',
        parentListId: 'category',
        topLevelItem: allCategories,
        itemCount: 3,
        items: [
          item('rs', 'Running Shoes', 'fw'),
          item('hb', 'Hiking Boots', 'fw'),
          item('jk', 'Jackets', 'ap'),
        ],
      },
      {
        id: 'sku',
        name: 'SKU',
        parentListId: 'subcategory',
        topLevelItem: allCategories,
        itemCount: 4,
        items: [
          item('k1', 'SKU00001 Trail Shoe 42', 'rs', 'SKU00001'),
          item('k2', 'SKU00002 Road Shoe 40', 'rs', 'SKU00002'),
          item('k3', 'SKU00003 Mid Boot 42', 'hb', 'SKU00003'),
          item('k4', 'SKU00004 Rain Jacket M', 'jk', 'SKU00004'),
        ],
      },
    ],
    periods: calendar(2),
    versions: [
      { id: 'act', name: 'Actual', isActual: true, isCurrent: false },
      { id: 'fc', name: 'Forecast', isActual: false, isCurrent: true },
      { id: 'bud', name: 'Budget', isActual: false, isCurrent: false },
    ],
    views: [],
    actions: [],
  }
}
