/**
 * Everything inside one model, as resources in openai-node's shape: `model.views`, `model.cells`,
 * `model.lists`, `model.modules`, `model.dimensions`, `model.imports` / `exports` / `processes` /
 * `actions` (each with `tasks`), `model.files`, `model.calendar` and `model.catalog`, one file each
 * under `model/`. Every selector is resolved against the catalog's cached listings.
 *
 * The flat methods of {@link ModelScope} (`readView`, `run`, `listItems`…) stay as thin delegates,
 * so the CLI, the functions and the bot keep working unchanged.
 */
import type {
  ActionDefinition,
  ActionType,
  AnaplanFile,
  CellValue,
  CellWrite,
  CellWriteResult,
  CurrentPeriod,
  DownloadOptions,
  ExportDefinition,
  ImportDefinition,
  LargeReadOptions,
  LineItem,
  ListItem,
  ListItemInput,
  ListWriteResult,
  ModelCalendar,
  ModelScope,
  Module,
  NamedObject,
  PageSelection,
  PollOptions,
  RequestOptions,
  RunOptions,
  RunResult,
  Selector,
  StartTaskOptions,
  Task,
  UploadOptions,
  UploadSource,
  Version,
  View,
  ViewData,
  ViewMetadata,
  ViewReadLargeOptions,
} from '../api.ts'
import type { CatalogOptions, ModelCatalog } from '../catalog.ts'
import { ValidationError } from '../errors.ts'
import { CatalogResource } from './catalog.ts'
import { ActionsResource, type RunParams } from './model/actions.ts'
import { CalendarResource } from './model/calendar.ts'
import { CellsResource } from './model/cells.ts'
import { DimensionsResource } from './model/dimensions.ts'
import { FilesResource } from './model/files.ts'
import { ListsResource } from './model/lists.ts'
import { ModulesResource } from './model/modules.ts'
import { ViewsResource } from './model/views.ts'
import { ModelAddress, type ModelContext, requestOptions as reqOpts, type ScopeHost } from './resource.ts'

export {
  LINE_ITEMS_DIMENSION_ID,
  shortViewName,
  TIME_DIMENSION_ID,
  VERSIONS_DIMENSION_ID,
} from '../core/catalog-build.ts'
export { CELL_BATCH, CELL_BATCH_BYTES, cellBatches } from './model/cells.ts'
export { LIST_BATCH } from './model/lists.ts'
export { isAmbiguousFailure } from './model/tasks.ts'
export type { ScopeHost } from './resource.ts'

export class ModelScopeImpl implements ModelScope {
  readonly workspaceName?: string
  readonly modelName?: string
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
  /** The catalog's cached listings: every selector of every resource is resolved against them. */
  readonly #names: CatalogResource

  constructor(
    host: ScopeHost,
    readonly workspaceId: string,
    readonly modelId: string,
    names: { workspaceName?: string; modelName?: string },
  ) {
    if (names.workspaceName !== undefined) this.workspaceName = names.workspaceName
    if (names.modelName !== undefined) this.modelName = names.modelName
    const model = new ModelAddress(workspaceId, modelId, names.modelName)
    // The catalog reads its listings through the resources below, which resolve through it.
    this.#names = new CatalogResource(host, model, {
      modules: (o) => this.modules.list(o),
      lineItems: (o) => this.modules.lineItems(undefined, { includeAll: true }, o),
      lists: (o) => this.lists.list(o),
      listMetadata: (id, o) => this.lists.metadata({ id, name: id }, o),
      listItems: (id, o) => this.lists.items({ id, name: id }, {}, o),
      views: (o) => this.views.list(o),
      viewMetadata: (id, o) => this.views.fetchMetadata(id, o),
      lineItemDimensionItems: (li, dim, o) => this.dimensions.ofLineItem(li, dim, o),
      versions: (o) => this.calendar.versions(o),
      calendar: (o) => this.calendar.get(o),
      actions: (type, o) => this.#actionsOf(type).list(o),
      files: (o) => this.files.list(o),
    })
    const context: ModelContext = { host, model, catalog: this.#names }
    this.modules = new ModulesResource(context)
    this.dimensions = new DimensionsResource(context)
    this.views = new ViewsResource(context, this.dimensions)
    this.cells = new CellsResource(context, this.views)
    this.lists = new ListsResource(context)
    this.files = new FilesResource(context)
    this.imports = new ActionsResource<ImportDefinition>(context, 'import', this.files)
    this.exports = new ActionsResource<ExportDefinition>(context, 'export', this.files)
    this.processes = new ActionsResource(context, 'process', this.files)
    this.actions = new ActionsResource<ActionDefinition>(context, 'action', this.files)
    this.calendar = new CalendarResource(context)
  }

  #actionsOf(type: ActionType): ActionsResource {
    const r = { import: this.imports, export: this.exports, process: this.processes, action: this.actions }[
      type
    ]
    if (!r) throw new ValidationError(`Unknown action type "${String(type)}"`)
    return r
  }

  /**
   * The model's names in one object, read once per TTL and shared by every scope of this client
   * (and the scope's own name resolution). Concurrent callers share one fetch; failures are not kept.
   * @example const { lineItems, lists, periods } = await model.catalog()
   */
  catalog(options?: CatalogOptions & RequestOptions): Promise<ModelCatalog> {
    return this.#names.get(options)
  }

  /** Forgets the cached catalog, e.g. after the model's structure changed outside this client. */
  invalidateCatalog(): void {
    this.#names.invalidate()
  }

  // ------------------------------------------------------------------ bulk (delegates)

  listActions(type: ActionType, options?: RequestOptions): Promise<NamedObject[]> {
    return this.#actionsOf(type).list(options)
  }
  listImports(options?: RequestOptions): Promise<ImportDefinition[]> {
    return this.imports.list(options)
  }
  listExports(options?: RequestOptions): Promise<ExportDefinition[]> {
    return this.exports.list(options)
  }
  listProcesses(options?: RequestOptions): Promise<NamedObject[]> {
    return this.processes.list(options)
  }
  listOtherActions(options?: RequestOptions): Promise<ActionDefinition[]> {
    return this.actions.list(options)
  }
  actionMetadata(type: Exclude<ActionType, 'action'>, nameOrId: Selector, options?: RequestOptions) {
    return this.#actionsOf(type).metadata(nameOrId, options)
  }
  findAction(
    nameOrId: Selector,
    type?: ActionType,
    options?: RequestOptions,
  ): Promise<{ type: ActionType; action: NamedObject }> {
    return this.#names.action(nameOrId, type, reqOpts(options))
  }
  startTask(type: ActionType, actionId: string, options: StartTaskOptions = {}): Promise<Task> {
    const { localeName, mappingParameters } = options
    return this.#actionsOf(type).tasks.start(
      actionId,
      { ...(localeName ? { localeName } : {}), ...(mappingParameters ? { mappingParameters } : {}) },
      reqOpts(options),
    )
  }
  getTask(type: ActionType, actionId: string, taskId: string, options?: RequestOptions): Promise<Task> {
    return this.#actionsOf(type).tasks.get(actionId, taskId, options)
  }
  listTasks(type: ActionType, actionId: string, options?: RequestOptions): Promise<Task[]> {
    return this.#actionsOf(type).tasks.list(actionId, options)
  }
  cancelTask(type: ActionType, actionId: string, taskId: string, options?: RequestOptions): Promise<Task> {
    return this.#actionsOf(type).tasks.cancel(actionId, taskId, options)
  }
  waitForTask(
    type: ActionType,
    actionId: string,
    taskId: string,
    options: PollOptions & { throwOnFailure?: boolean } = {},
  ): Promise<Task> {
    return this.#actionsOf(type).tasks.wait(actionId, taskId, options)
  }
  /** Resolves the action across all four types when `type` is not given, then runs it. */
  async run(type: ActionType | undefined, nameOrId: Selector, options: RunOptions = {}): Promise<RunResult> {
    const found = await this.findAction(nameOrId, type, options)
    const { signal, timeoutMs, maxRetries, deadline, headers, ...params } = options
    const ro = reqOpts({
      ...(signal ? { signal } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(maxRetries !== undefined ? { maxRetries } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      ...(headers ? { headers } : {}),
    })
    return this.#actionsOf(found.type).run(found.action, params as RunParams, ro)
  }
  getDump(
    type: 'import' | 'process',
    actionId: string,
    taskId: string,
    nestedObjectId?: string,
    options?: RequestOptions,
  ): Promise<string> {
    return this.#actionsOf(type).dump(actionId, taskId, nestedObjectId, options)
  }

  // ------------------------------------------------------------------ files (delegates)

  listFiles(options?: RequestOptions): Promise<AnaplanFile[]> {
    return this.files.list(options)
  }
  upload(fileNameOrId: Selector, source: UploadSource, options: UploadOptions = {}): Promise<AnaplanFile> {
    return this.files.upload(fileNameOrId, source, options)
  }
  download(fileNameOrId: Selector, options: DownloadOptions = {}): AsyncIterable<Uint8Array> {
    return this.files.download(fileNameOrId, options)
  }
  downloadToFile(fileNameOrId: Selector, filePath: string, options: DownloadOptions = {}): Promise<number> {
    return this.files.downloadToFile(fileNameOrId, filePath, options)
  }
  deleteFile(fileNameOrId: Selector, options?: RequestOptions): Promise<void> {
    return this.files.delete(fileNameOrId, options)
  }

  // ------------------------------------------------------------------ structure and cells (delegates)

  listModules(options?: RequestOptions): Promise<Module[]> {
    return this.modules.list(options)
  }
  listLineItems(
    moduleNameOrId?: Selector,
    options?: RequestOptions & { includeAll?: boolean },
  ): Promise<LineItem[]> {
    return this.modules.lineItems(moduleNameOrId, { includeAll: options?.includeAll === true }, options)
  }
  lineItemDimensions(lineItemNameOrId: Selector, options?: RequestOptions): Promise<NamedObject[]> {
    return this.modules.lineItemDimensions(lineItemNameOrId, options)
  }
  listViews(options?: RequestOptions): Promise<View[]> {
    return this.views.list(options)
  }
  viewMetadata(viewNameOrId: Selector, options?: RequestOptions): Promise<ViewMetadata> {
    return this.views.metadata(viewNameOrId, options)
  }
  viewDimensionItems(
    viewNameOrId: Selector,
    dimensionNameOrId: Selector,
    options?: RequestOptions,
  ): Promise<NamedObject[]> {
    return this.views.axisItems(viewNameOrId, dimensionNameOrId, options)
  }
  readView(viewNameOrId: Selector, pages?: PageSelection, options?: RequestOptions): Promise<ViewData> {
    return this.views.read(viewNameOrId, pages, options)
  }
  readViewCsv(viewNameOrId: Selector, pages?: PageSelection, options?: RequestOptions): Promise<string> {
    return this.views.readCsv(viewNameOrId, pages, options)
  }
  readViewLarge(viewNameOrId: Selector, options: ViewReadLargeOptions = {}): AsyncIterable<string> {
    return this.views.readLarge(viewNameOrId, options)
  }
  readListLarge(listNameOrId: Selector, options: LargeReadOptions = {}): AsyncIterable<string> {
    return this.lists.readLarge(listNameOrId, options)
  }
  readCell(
    moduleNameOrId: Selector,
    lineItemNameOrId: Selector,
    coordinates: PageSelection,
    options?: RequestOptions,
  ): Promise<CellValue> {
    return this.cells.read(moduleNameOrId, lineItemNameOrId, coordinates, options)
  }
  writeCells(
    moduleNameOrId: Selector,
    cells: CellWrite[],
    options?: RequestOptions,
  ): Promise<CellWriteResult> {
    return this.cells.write(moduleNameOrId, cells, options)
  }
  dimensionItems(dimensionNameOrId: Selector, options?: RequestOptions): Promise<NamedObject[]> {
    return this.dimensions.items(dimensionNameOrId, options)
  }
  lookupDimensionItems(
    dimension: Selector,
    query: { names?: string[]; codes?: string[] },
    options?: RequestOptions,
  ): Promise<NamedObject[]> {
    return this.dimensions.lookup(dimension, query, options)
  }

  // ------------------------------------------------------------------ lists (delegates)

  listLists(options?: RequestOptions): Promise<NamedObject[]> {
    return this.lists.list(options)
  }
  listItems(
    listNameOrId: Selector,
    options?: RequestOptions & { includeAll?: boolean },
  ): Promise<ListItem[]> {
    return this.lists.items(listNameOrId, { includeAll: options?.includeAll === true }, options)
  }
  addListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    return this.lists.add(listNameOrId, items, options)
  }
  updateListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    return this.lists.update(listNameOrId, items, options)
  }
  deleteListItems(
    listNameOrId: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    return this.lists.delete(listNameOrId, items, options)
  }

  // ------------------------------------------------------------------ calendar (delegates)

  versions(options?: RequestOptions): Promise<Version[]> {
    return this.calendar.versions(options)
  }
  currentPeriod(options?: RequestOptions): Promise<CurrentPeriod> {
    return this.calendar.currentPeriod(options)
  }
  modelCalendar(options?: RequestOptions): Promise<ModelCalendar> {
    return this.calendar.get(options)
  }
  setCurrentPeriod(date: string | Date, options?: RequestOptions): Promise<CurrentPeriod> {
    return this.calendar.setCurrentPeriod(date, options)
  }
}
