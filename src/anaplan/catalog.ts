/**
 * The model catalog: every name a model exposes, with the facts needed to address and aggregate
 * its cells. It is the one source of names for the client's own name resolution, the bot's NLU
 * vocabulary and the bot's handlers and question engine (DESIGN-NEXT R1), fetched once per TTL
 * per model and shared by everything that reads it.
 *
 * This file holds the public types only; `model.catalog` (see `ModelScope.catalog()`) builds them.
 */

/** A line item's summary method, normalised from Anaplan's labels ("Sum", "Closing Balance", …). */
export type SummaryMethod =
  | 'SUM'
  | 'AVERAGE'
  | 'MIN'
  | 'MAX'
  | 'FIRST'
  | 'LAST'
  | 'OPENING_BALANCE'
  | 'CLOSING_BALANCE'
  | 'FORMULA'
  | 'RATIO'
  | 'ANY'
  | 'ALL'
  | 'COUNT'
  | 'NONE'

/** Which kind of thing a dimension is. Anaplan's fixed ids: Time 20000000003, Versions 20000000020. */
export type DimensionKind = 'list' | 'time' | 'version' | 'lineItems'

export interface CatalogDimension {
  id: string
  name: string
  kind: DimensionKind
}

export interface CatalogModule {
  id: string
  name: string
  /** Dimension ids of the module (lists, then Time and Versions where it has them). */
  dimensionIds: string[]
  lineItemIds: string[]
}

export interface CatalogLineItem {
  id: string
  name: string
  code?: string
  moduleId: string
  moduleName: string
  /** Anaplan's `format`: NUMBER, BOOLEAN, TEXT, DATE, LIST, TIME PERIOD, NONE. */
  format: string
  /** What a NUMBER counts, from `formatMetadata.unitsType` when it is not NONE. */
  units?: 'currency' | 'percentage' | 'custom'
  /** Summary over list parents (and over time unless {@link timeSummary} differs). */
  summary: SummaryMethod
  /** Summary over time totals (quarters, years): `timeSummary` when Anaplan sends it, else `summary`. */
  timeSummary: SummaryMethod
  /** e.g. `Month`, `Quarter`, `Year`; absent when the line item has no Time. */
  timeScale?: string
  /** The line item's own dimensions (its `appliesTo` or the module's), in Anaplan's order. */
  dimensionIds: string[]
  formula?: string
  isSummary?: boolean
}

export interface CatalogListItem {
  id: string
  name: string
  code?: string
  /** Parent item id (for a composite hierarchy, an item of the parent list, or the top-level item). */
  parentId?: string
}

export interface CatalogList {
  id: string
  name: string
  code?: string
  /** The parent list in a composite hierarchy (Country's parent list is Region). */
  parentListId?: string
  /** The top-level item ("Total Regions", "All Products"), when the list has one. */
  topLevelItem?: CatalogListItem
  itemCount: number
  /**
   * Every item, in Anaplan's order, when the list has at most `maxIndexedItems` (catalog option);
   * otherwise absent and items are looked up by name through Anaplan.
   */
  items?: CatalogListItem[]
}

/** A level of the model calendar. */
export type PeriodLevel = 'day' | 'week' | 'month' | 'quarter' | 'half' | 'year' | 'all'

export interface CatalogPeriod {
  id: string
  /** As the model writes it: `Jan 26`, `Q1 FY26`, `H1 FY26`, `FY26`. */
  name: string
  level: PeriodLevel
  /** Position within its level, 0-based, in calendar order. */
  index: number
  /** First and last month covered, `YYYY-MM`. */
  start: string
  end: string
  /** Id of the period of the next level up that contains it (a month's quarter, a quarter's year). */
  parentId?: string
}

export interface CatalogVersion {
  id: string
  name: string
  isActual: boolean
  isCurrent: boolean
}

export interface CatalogView {
  id: string
  name: string
  moduleId: string
  moduleName: string
  /** The name people use: a saved view's name without its `Module.` prefix. */
  shortName?: string
  /** True for a module's default view (its id is the module's). */
  isDefault?: boolean
}

/** A file of the model (import data sources, export outputs). */
export interface CatalogFile {
  id: string
  name: string
}

/** A catalog section the user may not read (Anaplan answered 403 or 404 for its listing). */
export type CatalogSection =
  | 'modules'
  | 'lineItems'
  | 'lists'
  | 'time'
  | 'versions'
  | 'views'
  | 'actions'
  | 'files'

export interface CatalogAction {
  id: string
  name: string
  type: 'import' | 'export' | 'process' | 'action'
}

export interface ModelCatalog {
  workspaceId: string
  modelId: string
  modelName?: string
  /** Epoch ms when the listings were read. */
  fetchedAt: number
  dimensions: CatalogDimension[]
  modules: CatalogModule[]
  lineItems: CatalogLineItem[]
  lists: CatalogList[]
  /** Every period of the Time dimension, all levels, in calendar order within each level. */
  periods: CatalogPeriod[]
  versions: CatalogVersion[]
  views: CatalogView[]
  actions: CatalogAction[]
  /** Files of the model, when the catalog was asked for them. */
  files?: CatalogFile[]
  /** The model calendar's current period, when it is set and listed. */
  currentPeriodId?: string
  /** Sections left empty because the user may not read their listings. */
  unavailable?: CatalogSection[]
}

/** Options of `ModelScope.catalog()`. */
export interface CatalogOptions {
  /**
   * Lists with more items than this keep `items` absent; resolve their items through
   * `lookupDimensionItems`. @default 5000
   */
  maxIndexedItems?: number
  /** Read the listings again even when the cached ones are younger than the TTL. @default false */
  refresh?: boolean
}
