/**
 * The contract between the simulator's model engine (`src/simulator/engine/`: the model file,
 * the calculation engine and the pure operations on a model) and its HTTP service
 * (`src/simulator/service/`: auth, envelopes, paging, files, task queue, faults, stats).
 *
 * The engine knows nothing of HTTP, users' tokens or envelopes; the service knows nothing of
 * formulas or cell storage. Ids are strings in Anaplan's formats (reference §1.3).
 */

/** A failure the service turns into an Anaplan error envelope with this status and message. */
export class SimError extends Error {
  override name = 'SimError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export type ModelRole = 'admin' | 'write' | 'read' | 'none'

export interface SimUser {
  /** 32-char lowercase hex. */
  id: string
  email: string
  password: string
  firstName: string
  lastName: string
  customerId: string
  /** PEM certificates registered for CA-certificate authentication. */
  certificates: string[]
  /** (Engine addition) PEM CA certificates: any certificate they issue for the user's e-mail signs in. */
  caCertificates?: string[]
  /** Role per model id; models not listed are 'none'. Workspace admins see every model of it. */
  modelRoles: Record<string, ModelRole>
  /** Workspace ids the user is a member of. */
  workspaces: string[]
  /** (Engine addition) Workspace ids the user administers (`GET /workspaces/{ws}/admins`). */
  adminWorkspaces?: string[]
}

export interface SimWorkspace {
  /** 32-char lowercase hex. */
  id: string
  name: string
  active: boolean
  sizeAllowance: number
  currentSize: number
}

export interface SimModelInfo {
  /** 32-char uppercase hex. */
  id: string
  name: string
  workspaceId: string
  activeState: 'UNLOCKED' | 'PRODUCTION' | 'ARCHIVED' | 'LOCKED' | 'MAINTENANCE'
}

export interface Named {
  id: string
  name: string
  code?: string
}

export interface LineItemMeta {
  moduleId: string
  moduleName: string
  id: string
  name: string
  code?: string
  format: 'NUMBER' | 'TEXT' | 'BOOLEAN' | 'DATE' | 'LIST' | 'TIME PERIOD' | 'NONE'
  formula?: string
  isSummary: boolean
  /** Dimension ids the line item applies to (lists, Time 20000000003, Versions 20000000020). */
  appliesTo: Named[]
  /** True for formula line items and for read-only (calculated) cells. */
  readOnly: boolean
  /** (Engine addition, for `includeAll=true`) How list parents aggregate: Sum, Average, None, … */
  summary?: string
  /** (Engine addition) How time totals aggregate: Sum, Average, Last, … */
  timeSummary?: string
  /** (Engine addition) `{ dataType, unitsType? }` as in Anaplan's full line item metadata. */
  formatMetadata?: { dataType: string; unitsType?: string }
  /** (Engine addition) Line items whose formulas reference this one, named `Module.Line item`. */
  referencedBy?: Named[]
  notes?: string
}

export interface ViewMeta {
  id: string
  name: string
  moduleId: string
  code?: string
  rows: Named[]
  columns: Named[]
  pages: Named[]
}

/** A view's data for one selection of page items, as Anaplan's `format=v1` JSON has it. */
export interface Grid {
  /** Names of the selected page items, in page-dimension order (absent when no page dims). */
  pages?: string[]
  columnCoordinates: string[][]
  rows: { rowCoordinates: string[]; cells: string[] }[]
}

export interface ListItemRecord {
  id: string
  name: string
  code?: string
  parent?: string
  parentId?: string
  listId: string
  listName: string
  properties?: Record<string, string>
  subsets?: Record<string, boolean>
}

export interface ItemFailure {
  requestIndex: number
  failureType: string
  failureMessageDetails: string
}

export interface CellWriteInput {
  lineItemId?: string
  lineItemName?: string
  dimensions?: {
    dimensionId?: string
    dimensionName?: string
    itemId?: string
    itemName?: string
    itemCode?: string
  }[]
  value: unknown
}

export interface ImportDef {
  id: string
  name: string
  code?: string
  importDataSourceId: string
  importType: 'MODULE_DATA' | 'HIERARCHY_DATA'
}
export interface ExportDef {
  id: string
  name: string
  code?: string
  exportType: string
  exportFormat: string
  encoding: string
  layout: string
}
export interface ProcessDef {
  id: string
  name: string
  code?: string
  /** Ids of imports, exports and actions, run in order. */
  actions: string[]
}
export interface ActionDef {
  id: string
  name: string
  code?: string
  actionType: 'DELETE_BY_SELECTION' | 'OPTIMIZER'
}

/** A file known to the model: import data sources (113…) with their default content. */
export interface DataSourceFile {
  id: string
  name: string
  firstDataRow: number
  headerRow: number
  separator: string
  delimiter: string
  encoding: string
  format: string
  /** Default content (CSV text) every user sees until they upload their own. */
  defaultContent?: string
}

/** Outcome of one action, shaped like Anaplan's task `result` (minus nesting, added by the service). */
export interface ActionOutcome {
  successful: boolean
  objectId: string
  objectName: string
  details: { type: string; localMessageText?: string; occurrences: number; values: string[] }[]
  /** Import failure dump: CSV text with `_Status_`, source columns, `_Line_`, `_Error_1_`. */
  dump?: string
  /** Optimizer actions: the solver log (`…/optimizeActions/{id}/tasks/{taskId}/solutionLogs`). */
  solutionLog?: string
}

/** A view's tabular layout, one line at a time. */
export interface ViewTable {
  header: string[]
  lineCount: number
  line(index: number): string[]
}

/** One model's data and the operations on it. All methods are synchronous unless streaming. */
export interface ModelEngine {
  readonly info: SimModelInfo

  modules(): Named[]
  lineItems(moduleId?: string): LineItemMeta[]
  lineItemDimensions(lineItemId: string): Named[]
  /**
   * (Engine addition) Items of one dimension of a line item, flat, in model order, Time included
   * (`GET …/lineItems/{id}/dimensions/{dimensionId}/items`). Not a dimension of it → SimError 404.
   */
  lineItemDimensionItems(lineItemId: string, dimensionId: string): Named[]
  /** Items of a list, list subset, Versions or Users dimension; Time → SimError 400. */
  dimensionItems(dimensionId: string): Named[]
  /** Items of any dimension (including Time) matching names or codes, case-insensitively. */
  lookupDimensionItems(dimensionId: string, names: string[], codes: string[]): Named[]
  lists(): Named[]
  listMetadata(listId: string): Record<string, unknown>
  listItems(listId: string): ListItemRecord[]
  addListItems(
    listId: string,
    items: Record<string, unknown>[],
  ): {
    added: number
    ignored: number
    total: number
    failures: ItemFailure[]
  }
  updateListItems(
    listId: string,
    items: Record<string, unknown>[],
  ): {
    updated: number
    ignored: number
    total: number
    failures: ItemFailure[]
  }
  /** Resets a list's item index; SimError 400 when the list has items or may not be reset. */
  resetListIndex(listId: string): void
  /** Sets the current fiscal year (`FY26`); SimError 400 when out of the timescale. */
  setFiscalYear(year: string): { year: string; startDate: string; endDate: string }
  /** Sets (or, with '', clears) a version's switchover date; SimError 400 when not allowed. */
  setSwitchover(versionId: string, date: string): { periodText: string; date: string; calendarType: string }
  deleteListItems(
    listId: string,
    items: Record<string, unknown>[],
  ): { deleted: number; ignored: number; total: number; failures: ItemFailure[] }

  /**
   * Default views (id = module id, name = module name) and saved views. (Engine addition: each
   * carries its `moduleId`.) At model level a saved view is named `Module.View` as in Anaplan;
   * with a `moduleId`, just the view's own name.
   */
  views(moduleId?: string): (Named & { moduleId: string })[]
  viewMetadata(viewId: string): ViewMeta
  viewDimensionItems(viewId: string, dimensionId: string): Named[]
  /**
   * Reads a view (saved view id, module id = default view, or line item id). `pages` maps page
   * dimension id → item id; unselected page dims use their first item. A dimension that is not a
   * page dimension → SimError(400, 'Invalid page selector [<dimId>]'). > 1,000,000 cells → 400.
   */
  readView(viewId: string, pages: Record<string, string>): Grid
  /** The same grid as CSV, Anaplan's grid layout (page line, column header lines, row labels). */
  /**
   * (Engine addition: `exportType`, default GRID_CURRENT_PAGE.) GRID_ALL_PAGES repeats the grid for
   * every page combination; TABULAR_SINGLE_COLUMN is one line per cell (`<page, row and column
   * dimension names>,Value`); TABULAR_MULTI_COLUMN one line per page combination × row, with the
   * page and row items first. The tabular and all-pages layouts cover every page item (`pages`
   * ignored); the 1,000,000-cell limit applies to what is produced, unless `maxCells` (engine
   * addition) sets another: read requests pass `Infinity`, since they exist for larger views.
   */
  readViewCsv(viewId: string, pages: Record<string, string>, exportType?: string, maxCells?: number): string

  /** (Engine addition) Cells of a view over all its pages (page combinations × rows × columns). */
  viewCellCount(viewId: string): number
  /**
   * (Engine addition) A tabular layout computed line by line on demand, the same lines as
   * `readViewCsv` gives after its header: read requests over views too large to hold in memory.
   */
  viewTable(viewId: string, exportType: 'TABULAR_MULTI_COLUMN' | 'TABULAR_SINGLE_COLUMN'): ViewTable

  /**
   * Writes cells (by ids or by names/codes). Formula and aggregate cells are refused per cell.
   * Roles are the service's job. Returns Anaplan's `{numberOfCellsChanged, failures}`.
   */
  writeCells(
    moduleId: string,
    writes: CellWriteInput[],
  ): { numberOfCellsChanged: number; failures: ItemFailure[] }

  imports(): ImportDef[]
  exports(): ExportDef[]
  processes(): ProcessDef[]
  actions(): ActionDef[]
  importMetadata(importId: string): Record<string, unknown>
  exportMetadata(exportId: string): Record<string, unknown>
  processMetadata(processId: string): Record<string, unknown>
  dataSourceFiles(): DataSourceFile[]

  /** Parses the CSV and changes the model (or list). Bad rows go to `dump`. */
  runImport(
    importId: string,
    csv: AsyncIterable<Uint8Array | string>,
    /**
     * (Engine addition) The task body's `mappingParameters`: `entityType` names a dimension of the
     * target module (`Version` works for Versions) that no file column provides, `entityName` the
     * item to import into. An unknown dimension or item fails the import.
     */
    options?: { mappingParameters?: { entityType: string; entityName: string }[] },
  ): Promise<ActionOutcome>
  /** Produces the export's CSV as a stream of chunks (never one giant string for big models). */
  runExport(exportId: string): { outcome: ActionOutcome; content: AsyncIterable<string> }
  runAction(actionId: string): ActionOutcome

  versions(): Record<string, unknown>[]
  currentPeriod(): { periodText: string; lastDay: string; calendarType: string }
  /**
   * (Engine addition) `PUT …/currentPeriod`: moves the current period to the month containing
   * `date` (YYYY-MM-DD); `''` resets it; a date outside the timescale → SimError 400.
   */
  setCurrentPeriod(date: string): { periodText: string; lastDay: string; calendarType: string }
  modelCalendar(): Record<string, unknown>
}

/** Everything loaded from a model file (the demo file or `--model-file`). */
export interface Tenant {
  users: SimUser[]
  workspaces: SimWorkspace[]
  models: ModelEngine[]
}

/**
 * Implemented by `src/simulator/engine/index.ts`:
 * `loadTenant(source?: { file?: string; text?: string }): Tenant` — the demo model when no source;
 * a fresh, independent Tenant on every call (used by /__sim/reset).
 */
export type LoadTenant = (source?: { file?: string; text?: string }) => Tenant
