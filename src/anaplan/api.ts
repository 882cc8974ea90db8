/**
 * The public contract of the Anaplan client: wire types and the resource interfaces that
 * `AnaplanClient` implements. Consumers (bot, CLI, functions) code against these; the client's
 * classes declare `implements` so the compiler keeps both sides honest.
 *
 * Wire names are Anaplan's own (`taskState`, `expiresAt`, `chunkCount`). All ids are strings.
 * Every method's last argument is an optional {@link RequestOptions}.
 */

import type { CatalogOptions, ModelCatalog } from './catalog.ts'
import type { ActionsResource } from './resources/model/actions.ts'
import type { CalendarResource } from './resources/model/calendar.ts'
import type { CellsResource } from './resources/model/cells.ts'
import type { DimensionsResource } from './resources/model/dimensions.ts'
import type { FilesResource } from './resources/model/files.ts'
import type { ListsResource } from './resources/model/lists.ts'
import type { ModulesResource } from './resources/model/modules.ts'
import type { ViewsResource } from './resources/model/views.ts'

/** Per-call options accepted by every client method. */
export interface RequestOptions {
  /** Caller cancellation; aborting rejects with `AbortError` and never retries. */
  signal?: AbortSignal
  /** Per-attempt timeout in ms. @default the client's `timeoutMs` (60 000) */
  timeoutMs?: number
  /** Retries after the first attempt. @default the client's `maxRetries` (3) */
  maxRetries?: number
  /** Absolute epoch-ms deadline bounding the whole call, retries and waits included. */
  deadline?: number
  /** Extra request headers. */
  headers?: Record<string, string>
}

// ---------------------------------------------------------------- auth

/** `tokenInfo` of `/token/authenticate` and `/token/refresh`. */
export interface AuthTokenInfo {
  tokenId: string
  tokenValue: string
  /** Epoch ms. */
  expiresAt: number
  refreshTokenId: string
  refreshToken?: string
}

export interface TokenValidation {
  expiresAt: number
  tokenId: string
  userGuid: string
  userId: string
  customerGuid: string
}

/** Credentials understood by the client. PEM values are text, not paths (paths are resolved at the edge). */
export type AnaplanCredentials =
  | { kind: 'basic'; username: string; password: string }
  | {
      kind: 'certificate'
      /** PEM text of the CA-issued certificate. */
      certificate: string
      /** PEM text of the private key. */
      privateKey: string
      /** @default 'v2' */
      encodedDataFormat?: 'v1' | 'v2'
    }
  | { kind: 'oauth'; clientId: string; refreshToken: string; clientSecret?: string; oauthUrl?: string }
  /** A token obtained elsewhere (e.g. from the token function). Cannot be renewed. */
  | { kind: 'token'; tokenValue: string; expiresAt?: number }

// ---------------------------------------------------------------- envelope pieces

export interface Paging {
  currentPageSize: number
  totalSize: number
  offset: number
  next?: string
  previous?: string
}

export interface User {
  id: string
  active?: boolean
  email: string
  emailOptIn?: boolean
  firstName?: string
  lastName?: string
  lastLoginDate?: string
  customerId?: string
}

export interface Workspace {
  id: string
  name: string
  active: boolean
  sizeAllowance?: number
  currentSize?: number
}

export type ModelActiveState =
  | 'UNLOCKED'
  | 'ACTIVE'
  | 'PRODUCTION'
  | 'MAINTENANCE'
  | 'PRODUCTION_MAINTENANCE'
  | 'ARCHIVED'
  | 'LOCKED'

export interface Model {
  id: string
  name: string
  activeState: ModelActiveState | string
  currentWorkspaceId: string
  currentWorkspaceName: string
  modelUrl?: string
  categoryValues?: unknown[]
  lastSavedSerialNumber?: number | string
  lastModifiedByUserGuid?: string
  memoryUsage?: number
  isoCreationDate?: string
  lastModified?: string
  modelTransactionRunning?: boolean
}

export interface ModelStatus {
  currentStep: string
  progress: number
  creationTime: number
  taskId: string | null
  tooltip: string | null
  exportTaskType: string | null
  peakMemoryUsageEstimate: number | null
  peakMemoryUsageTime: number | null
}

/**
 * What a method's selector takes: a name, a code or an id (resolved against the model catalog), or
 * an entry of the catalog or of a listing, which is used as it is without resolving.
 */
export type Selector = string | { readonly id: string; readonly name: string }

/** A named object with an id (modules, lists, processes, actions, dimension items...). */
export interface NamedObject {
  id: string
  name: string
  code?: string
}

export interface ImportDefinition extends NamedObject {
  importDataSourceId: string
  importType: string
}
export interface ExportDefinition extends NamedObject {
  exportType: string
  exportFormat: string
  encoding?: string
  layout?: string
}
export interface ActionDefinition extends NamedObject {
  actionType?: string
}

export interface AnaplanFile {
  id: string
  name: string
  chunkCount: number
  delimiter?: string
  encoding?: string
  firstDataRow: number
  format?: string
  headerRow: number
  separator?: string
  origin?: string
}

// ---------------------------------------------------------------- tasks

export type ActionType = 'import' | 'export' | 'process' | 'action'
export type TaskState = 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETE' | 'CANCELLING' | 'CANCELLED'

export interface TaskResultDetail {
  type: string
  localMessageText?: string
  occurrences?: number
  values?: (string | null)[]
}
export interface TaskResult {
  successful: boolean
  failureDumpAvailable: boolean
  objectId?: string
  objectName?: string
  details?: TaskResultDetail[]
  nestedResults?: TaskResult[]
  startTime?: string
  duration?: string
}
export interface Task {
  type?: string
  taskId: string
  taskState: TaskState
  creationTime?: number
  currentStep?: string
  progress?: number
  result?: TaskResult
  cancelledBy?: string
}

export interface MappingParameter {
  entityType: string
  entityName: string
}

export interface StartTaskOptions extends RequestOptions {
  /** @default 'en_US' */
  localeName?: string
  mappingParameters?: MappingParameter[]
}

export interface PollOptions extends RequestOptions {
  /** First poll interval in ms; grows with backoff up to `maxIntervalMs`. @default 1000 */
  intervalMs?: number
  /** @default 10000 */
  maxIntervalMs?: number
  /** Called after each poll. */
  onProgress?: (task: Task) => void
}

/** Outcome of a run: the final task, plus the dump text for failed or partially failed imports. */
export interface RunResult {
  actionType: ActionType
  actionId: string
  actionName: string
  task: Task
  /** `result.successful` of the final task. */
  successful: boolean
  /** Import failure dump (CSV) when one is available; for processes, keyed by nested object id. */
  dumps?: { objectId: string; csv: string }[]
}

export interface RunOptions extends StartTaskOptions, Omit<PollOptions, keyof RequestOptions> {
  /** For imports (or a process whose imports read files): content uploaded to the data source first. */
  file?: UploadSource
  /**
   * Throw `TaskFailedError` when the task ends unsuccessfully.
   * @default true
   */
  throwOnFailure?: boolean
  /** Fetch failure dumps when available. @default true */
  fetchDumps?: boolean
}

// ---------------------------------------------------------------- files

/** Bytes to upload: a buffer, a string, a Node readable stream, a web ReadableStream, or a file path object. */
export type UploadSource =
  | Uint8Array
  | string
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | { path: string }

export interface UploadOptions extends RequestOptions {
  /** Chunk size in bytes, 1–50 MB. @default 10 MiB */
  chunkSize?: number
  /** Gzip each chunk (`Content-Type: application/x-gzip`). @default true */
  gzip?: boolean
  /** Bytes sent so far. */
  onProgress?: (sentBytes: number, totalBytes?: number) => void
}

export interface DownloadOptions extends RequestOptions {
  /** Called after each chunk with the bytes received so far and the file's chunk count. */
  onProgress?: (receivedBytes: number, totalChunks?: number) => void
}

// ---------------------------------------------------------------- transactional

export interface Module extends NamedObject {}
export interface LineItem {
  moduleId: string
  moduleName: string
  id: string
  name: string
  code?: string
  format?: string
  formula?: string
  isSummary?: boolean
  appliesTo?: NamedObject[]
  [field: string]: unknown
}
export interface View extends NamedObject {
  moduleId: string
}
export interface ViewMetadata {
  viewId: string
  viewName: string
  rows?: NamedObject[]
  columns?: NamedObject[]
  pages?: NamedObject[]
}
/** View data in `format=v1`. Cells are strings, as Anaplan sends them. */
export interface ViewData {
  pages?: string[]
  columnCoordinates: string[][]
  rows: { rowCoordinates: string[]; cells: string[] }[]
}
/** A page selection: dimension (name or id) → item (name, code or id). */
export type PageSelection = Record<string, string>

/** CSV layouts of a view read request (reference §6.2). */
export type ViewExportType =
  | 'TABULAR_MULTI_COLUMN'
  | 'TABULAR_SINGLE_COLUMN'
  | 'GRID_ALL_PAGES'
  | 'GRID_CURRENT_PAGE'
export type ReadRequestState = 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETE' | 'CANCELLING' | 'CANCELLED'
/** A view or list read request (`viewReadRequest` / `listReadRequest`). */
export interface ReadRequest {
  requestId: string
  requestState: ReadRequestState
  url?: string
  /** Pages ready to download (0-based numbers below this), also while IN_PROGRESS. */
  availablePages?: number
  /** With COMPLETE: true when every page is ready, false when the read failed. */
  successful?: boolean
  viewId?: string | number
  listId?: string | number
}

/** Options of `readViewLarge` and `readListLarge`. */
export interface LargeReadOptions extends RequestOptions {
  /** First status poll interval in ms; grows ×1.5 up to `maxIntervalMs`. @default 1000 */
  intervalMs?: number
  /** @default 10000 */
  maxIntervalMs?: number
  /** Called with every status the client reads. */
  onProgress?: (request: ReadRequest) => void
  /**
   * Yield pages exactly as Anaplan sends them. By default a tabular page that starts with the
   * first page's header line has that line dropped, so the pages concatenate into one CSV.
   * @default false
   */
  rawPages?: boolean
}

export interface ViewReadLargeOptions extends LargeReadOptions {
  /** @default 'TABULAR_MULTI_COLUMN' */
  exportType?: ViewExportType
}

export interface ListItem {
  id: string
  name: string
  code?: string
  parent?: string
  parentId?: string
  listId?: string
  listName?: string
  properties?: Record<string, string>
  subsets?: Record<string, boolean>
}
export interface ItemFailure {
  requestIndex: number
  failureType: string
  failureMessageDetails: string
}
export interface ListItemInput {
  id?: string
  name?: string
  code?: string
  parent?: string
  properties?: Record<string, string>
  subsets?: Record<string, boolean>
}
export interface ListWriteResult {
  added?: number
  updated?: number
  deleted?: number
  ignored?: number
  total?: number
  failures?: ItemFailure[]
}

export interface CellWrite {
  lineItemId?: string
  lineItemName?: string
  dimensions?: {
    dimensionId?: string
    dimensionName?: string
    itemId?: string
    itemName?: string
    itemCode?: string
  }[]
  value: string | number | boolean
}
/** One cell read by `readCell`: the value as Anaplan sends it, and where it was read. */
export interface CellValue {
  value: string
  moduleId: string
  lineItemName: string
  /** Dimension name → item name, for every axis of the view that was read. */
  coordinates: Record<string, string>
}
export interface CellWriteResult {
  numberOfCellsChanged: number
  failures?: ItemFailure[]
}

export interface Version {
  id: string
  name: string
  isCurrent?: boolean
  isActual?: boolean
  editFrom?: { periodText: string; date: string }
  editTo?: { periodText: string; date: string }
}
export interface CurrentPeriod {
  /** e.g. `Mar 26`; empty when no current period is set. */
  periodText: string
  /** YYYY-MM-DD; empty when no current period is set. */
  lastDay: string
  calendarType: string
}
/**
 * `GET …/modelCalendar`. Every field is optional: the object is `{}` for calendars without a fiscal
 * year (Weeks: General), and the week fields exist only for week calendars.
 */
export interface ModelCalendar {
  /** `Calendar Months/Quarters/Years`, `Weeks: 4-4-5, 4-5-4 or 5-4-4`, `Weeks: General`, `Weeks: 13 4-week Periods`. */
  calendarType?: string
  currentPeriod?: { periodText: string; lastDay: string }
  fiscalYear?: { year: string; startDate: string; endDate: string }
  pastYearsCount?: number
  futureYearsCount?: number
  startDate?: string
  weeksCount?: number
  extraWeekMonth?: number
  weekFormat?: string
  weekGrouping?: string
  /** Anaplan's SDK and OpenAPI disagree on the `is` prefix (`quarterTotals` vs `isQuarterTotals`). */
  totalsSelection?: Record<string, boolean | number>
  [field: string]: unknown
}

// ---------------------------------------------------------------- resources

export interface UsersApi {
  /** The authenticated user (`GET /users/me`). */
  me(options?: RequestOptions): Promise<User>
}

export interface WorkspacesApi {
  list(options?: RequestOptions): Promise<Workspace[]>
  get(workspaceId: string, options?: RequestOptions): Promise<Workspace>
}

export interface ModelsApi {
  /** All models the user sees; across the tenant, or in one workspace. Follows paging. */
  list(query?: { workspaceId?: string; modelDetails?: boolean }, options?: RequestOptions): Promise<Model[]>
  get(modelId: string, options?: RequestOptions): Promise<Model>
  status(workspaceId: string, modelId: string, options?: RequestOptions): Promise<ModelStatus>
  open(workspaceId: string, modelId: string, options?: RequestOptions): Promise<void>
  close(workspaceId: string, modelId: string, options?: RequestOptions): Promise<void>
}

/** Operations on one model, with workspace and model ids resolved. Selectors take a name or an id. */
export interface ModelScope {
  readonly workspaceId: string
  readonly modelId: string
  readonly workspaceName?: string
  readonly modelName?: string

  // resources (one file each under resources/model/); the flat methods below delegate to them
  readonly modules: ModulesResource
  readonly dimensions: DimensionsResource
  readonly views: ViewsResource
  readonly cells: CellsResource
  readonly lists: ListsResource
  readonly files: FilesResource
  readonly imports: ActionsResource<ImportDefinition>
  readonly exports: ActionsResource<ExportDefinition>
  readonly processes: ActionsResource
  readonly actions: ActionsResource<ActionDefinition>
  readonly calendar: CalendarResource

  /**
   * The model's names (modules, line items, lists and items, Time periods, versions, views, actions,
   * files) in one object, read once per TTL (the client's `nameCacheTtlMs`) and shared by every scope
   * of the client and by the scope's own name resolution. Concurrent callers share one fetch.
   */
  catalog(options?: CatalogOptions & RequestOptions): Promise<ModelCatalog>
  /** Forgets the cached catalog (after a change made outside this client). */
  invalidateCatalog(): void

  // bulk
  listActions(type: ActionType, options?: RequestOptions): Promise<NamedObject[]>
  listImports(options?: RequestOptions): Promise<ImportDefinition[]>
  listExports(options?: RequestOptions): Promise<ExportDefinition[]>
  listProcesses(options?: RequestOptions): Promise<NamedObject[]>
  listOtherActions(options?: RequestOptions): Promise<ActionDefinition[]>
  /** Resolves an action by name or id, across all four types when `type` is not given. */
  findAction(
    nameOrId: Selector,
    type?: ActionType,
    options?: RequestOptions,
  ): Promise<{ type: ActionType; action: NamedObject }>
  /** Metadata of an import, export or process (`importMetadata`, `exportMetadata`, `processMetadata`). */
  actionMetadata(
    type: Exclude<ActionType, 'action'>,
    nameOrId: Selector,
    options?: RequestOptions,
  ): Promise<Record<string, unknown>>
  /** Starts a task; safe against ambiguous failures (reconciles instead of re-posting). */
  startTask(type: ActionType, actionId: string, options?: StartTaskOptions): Promise<Task>
  getTask(type: ActionType, actionId: string, taskId: string, options?: RequestOptions): Promise<Task>
  listTasks(type: ActionType, actionId: string, options?: RequestOptions): Promise<Task[]>
  cancelTask(type: ActionType, actionId: string, taskId: string, options?: RequestOptions): Promise<Task>
  /**
   * Polls until COMPLETE or CANCELLED; throws TimeoutError past `deadline`. Returns the final task
   * even when unsuccessful, unless `throwOnFailure` is set (then TaskFailedError).
   */
  waitForTask(
    type: ActionType,
    actionId: string,
    taskId: string,
    options?: PollOptions & { throwOnFailure?: boolean },
  ): Promise<Task>
  /** Upload (imports), start, poll, fetch dumps. */
  run(type: ActionType, nameOrId: Selector, options?: RunOptions): Promise<RunResult>
  /** Import dump CSV (whole text); nestedObjectId for a process's nested import. */
  getDump(
    type: 'import' | 'process',
    actionId: string,
    taskId: string,
    nestedObjectId?: string,
    options?: RequestOptions,
  ): Promise<string>

  // files
  listFiles(options?: RequestOptions): Promise<AnaplanFile[]>
  upload(fileNameOrId: Selector, source: UploadSource, options?: UploadOptions): Promise<AnaplanFile>
  /**
   * Streams a file (e.g. an export output, file id == export id) as its bytes arrive, chunk after
   * chunk; pieces are socket-sized, and a chunk that fails midway resumes without repeating bytes.
   */
  download(fileNameOrId: Selector, options?: DownloadOptions): AsyncIterable<Uint8Array>
  /** Downloads to a path with bounded memory; returns bytes written. */
  downloadToFile(fileNameOrId: Selector, path: string, options?: DownloadOptions): Promise<number>
  deleteFile(fileNameOrId: Selector, options?: RequestOptions): Promise<void>

  // transactional
  listModules(options?: RequestOptions): Promise<Module[]>
  listLineItems(
    moduleNameOrId?: Selector,
    options?: RequestOptions & { includeAll?: boolean },
  ): Promise<LineItem[]>
  lineItemDimensions(lineItemNameOrId: Selector, options?: RequestOptions): Promise<NamedObject[]>
  listViews(options?: RequestOptions): Promise<View[]>
  viewMetadata(viewNameOrId: Selector, options?: RequestOptions): Promise<ViewMetadata>
  /**
   * Items of one dimension of a view (rows, columns or pages), with the view's filters applied:
   * for its Line Items dimension, the line items the view shows. Cached like the listings.
   * @throws {NameResolutionError} When the view has no such dimension.
   * @example const shown = await model.viewDimensionItems('SKU Ranking', 'Line Items')
   */
  viewDimensionItems(
    viewNameOrId: Selector,
    dimensionNameOrId: Selector,
    options?: RequestOptions,
  ): Promise<NamedObject[]>
  /** Page selectors take dimension and item names, codes or ids. */
  readView(viewNameOrId: Selector, pages?: PageSelection, options?: RequestOptions): Promise<ViewData>
  readViewCsv(viewNameOrId: Selector, pages?: PageSelection, options?: RequestOptions): Promise<string>
  /**
   * Reads a view of any size through a read request: yields the CSV pages as they become available
   * (every page of the view; read requests take no page selector), and deletes the request at the
   * end, also on error, abort, or when the consumer stops early.
   */
  readViewLarge(viewNameOrId: Selector, options?: ViewReadLargeOptions): AsyncIterable<string>
  /** Reads every item of a list of any size through a list read request, as CSV pages. */
  readListLarge(listNameOrId: Selector, options?: LargeReadOptions): AsyncIterable<string>
  /**
   * Reads one cell through the module's default view. `coordinates` maps every other dimension of
   * the line item (name or id) to an item (name, code or id); page dimensions may be left out (the
   * view's current page is used).
   */
  readCell(
    moduleNameOrId: Selector,
    lineItemNameOrId: Selector,
    coordinates: PageSelection,
    options?: RequestOptions,
  ): Promise<CellValue>
  /** Items of a dimension (list, Time, Versions...) by name or id. */
  dimensionItems(dimensionNameOrId: Selector, options?: RequestOptions): Promise<NamedObject[]>
  /** Looks up items by name or code (`POST …/dimensions/{id}/items`). */
  lookupDimensionItems(
    dimension: Selector,
    query: { names?: string[]; codes?: string[] },
    options?: RequestOptions,
  ): Promise<NamedObject[]>
  listLists(options?: RequestOptions): Promise<NamedObject[]>
  listItems(listNameOrId: Selector, options?: RequestOptions & { includeAll?: boolean }): Promise<ListItem[]>
  /** Batches at 100,000 items per call. Not idempotent: never blindly retried. */
  addListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult>
  updateListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult>
  deleteListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult>
  /** Batches within 100,000 cells / 15 MB. Not idempotent: never blindly retried. */
  writeCells(moduleNameOrId: Selector, cells: CellWrite[], options?: RequestOptions): Promise<CellWriteResult>
  versions(options?: RequestOptions): Promise<Version[]>
  currentPeriod(options?: RequestOptions): Promise<CurrentPeriod>
  /** The model's calendar: type, fiscal year, current period, past/future years, totals. */
  modelCalendar(options?: RequestOptions): Promise<ModelCalendar>
  /**
   * Moves the current period to the period containing `date` (`YYYY-MM-DD`, or a `Date` read in
   * UTC); `''` clears it. Needs workspace administrator rights. DESTRUCTIVE: Anaplan may delete data
   * in time periods the new range no longer includes, and formulas that use the current period change.
   */
  setCurrentPeriod(date: string | Date, options?: RequestOptions): Promise<CurrentPeriod>
}

/** Names a workspace and model; each part takes a name or an id. */
export interface ModelRef {
  /** Optional: when absent the model is searched in every workspace the user sees. */
  workspace?: string
  model: string
}
