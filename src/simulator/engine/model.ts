/**
 * One model's data and every operation the service performs on it (`ModelEngine`): metadata,
 * views, cell writes, list item changes, imports, exports, delete actions, versions and calendar.
 */
import { stringify } from 'csv-stringify/sync'
import { Calculator, formatCell } from './calc.ts'
import type { CalendarInfo } from './calendar.ts'
import { CALENDAR_TYPE } from './calendar.ts'
import {
  type ActionDef,
  type ActionOutcome,
  type CellWriteInput,
  type DataSourceFile,
  type ExportDef,
  type Grid,
  type ImportDef,
  type ItemFailure,
  type LineItemMeta,
  type ListItemRecord,
  type ModelEngine,
  type Named,
  type ProcessDef,
  SimError,
  type SimModelInfo,
  type ViewMeta,
  type ViewTable,
} from './contract.ts'
import { type Dimension, type DimItem, LINE_ITEMS_DIMENSION_ID } from './dimension.ts'
import { exportMetadata, runExport } from './export-runner.ts'
import { runImport } from './import-runner.ts'
import { ListEditor } from './list-editor.ts'
import {
  type ActionInternal,
  type AxisDim,
  type CellValue,
  type ExportInternal,
  type ImportInternal,
  LINE_ITEMS,
  type LineItem,
  type ListDef,
  type Module,
  type ProcessInternal,
  type VersionInfo,
  type View,
} from './types.ts'

const CSV = { record_delimiter: '\n' } as const

/** Anaplan's limits (reference §7). */
export const MAX_VIEW_CELLS = 1_000_000
export const MAX_DIMENSION_ITEMS = 1_000_000
export const MAX_CELL_WRITES = 100_000
export const MAX_LIST_ITEMS_PER_CALL = 100_000

/** Everything a model is built from (see `build-model.ts`). */
export interface ModelParts {
  info: SimModelInfo
  calendar?: CalendarInfo
  currentPeriodId?: string
  versionsDim?: Dimension
  versions: VersionInfo[]
  lists: ListDef[]
  modules: Module[]
  savedViews: View[]
  imports: ImportInternal[]
  exports: ExportInternal[]
  processes: ProcessInternal[]
  actions: ActionInternal[]
  /** The next list item id number (model-wide counter, never reused). */
  nextItemId: number
  /** The current fiscal year set by `PUT …/modelCalendar/fiscalYear` (else the current period's). */
  fiscalYear?: string
}

interface AxisItem {
  dim: AxisDim
  id: string
  name: string
  code?: string
  lineItem?: LineItem
}

export class Model implements ModelEngine {
  readonly info: SimModelInfo
  readonly calc = new Calculator()
  readonly parts: ModelParts
  readonly listEditor: ListEditor

  constructor(parts: ModelParts) {
    this.parts = parts
    this.info = parts.info
    this.listEditor = new ListEditor(this)
  }

  // ---- lookups used by the runners -------------------------------------------------------

  module(moduleId: string): Module {
    const m = this.parts.modules.find((x) => x.id === moduleId)
    if (!m) throw new SimError(404, `Module not found: ${moduleId}`)
    return m
  }

  list(listId: string): ListDef {
    const l = this.parts.lists.find((x) => x.dim.id === listId)
    if (!l) throw new SimError(404, `List not found: ${listId}`)
    return l
  }

  /** Every dimension of the model that has items: lists, Time, Versions. */
  allDimensions(): Dimension[] {
    const out: Dimension[] = this.parts.lists.map((l) => l.dim)
    if (this.parts.calendar) out.push(this.parts.calendar.dimension)
    if (this.parts.versionsDim) out.push(this.parts.versionsDim)
    return out
  }

  /** Call after any change to cells or dimensions. */
  changed(): void {
    this.calc.invalidate()
  }

  // ---- modules, line items, dimensions ----------------------------------------------------

  modules(): Named[] {
    return this.parts.modules.map((m) => named(m))
  }

  lineItems(moduleId?: string): LineItemMeta[] {
    const modules = moduleId === undefined ? this.parts.modules : [this.module(moduleId)]
    const all = this.parts.modules.flatMap((m) => m.lineItems)
    return modules.flatMap((m) =>
      m.lineItems.map((li) => {
        const referencedBy = all.filter((o) => [...o.refs.values()].some((r) => r.lineItem === li))
        const meta: LineItemMeta = {
          moduleId: m.id,
          moduleName: m.name,
          id: li.id,
          name: li.name,
          format: li.format,
          isSummary: false,
          appliesTo: m.dims.map(dimNamed),
          readOnly: li.formula !== undefined,
          summary: summaryLabel(li.summary),
          timeSummary: summaryLabel(li.timeSummary),
          formatMetadata:
            li.format === 'NUMBER'
              ? { dataType: 'NUMBER', unitsType: li.units ?? 'NONE' }
              : { dataType: li.format === 'TIME PERIOD' ? 'TIME_ENTITY' : li.format },
          referencedBy: referencedBy.map((o) => ({ id: o.id, name: `${o.module.name}.${o.name}` })),
        }
        if (li.code) meta.code = li.code
        if (li.formulaText) meta.formula = li.formulaText
        if (li.notes) meta.notes = li.notes
        return meta
      }),
    )
  }

  lineItem(lineItemId: string): LineItem {
    for (const m of this.parts.modules) {
      const li = m.lineItems.find((x) => x.id === lineItemId)
      if (li) return li
    }
    throw new SimError(404, `Line item not found: ${lineItemId}`)
  }

  lineItemDimensions(lineItemId: string): Named[] {
    return this.lineItem(lineItemId).module.dims.map(dimNamed)
  }

  /** Items of a line item's dimension, flat, in model order (`…/lineItems/{id}/dimensions/{d}/items`). */
  lineItemDimensionItems(lineItemId: string, dimensionId: string): Named[] {
    const dim = this.lineItem(lineItemId).module.dims.find((d) => d.id === dimensionId)
    if (!dim)
      throw new SimError(404, `Dimension ${dimensionId} is not a dimension of line item ${lineItemId}`)
    return dim.order().map(itemNamed)
  }

  dimensionItems(dimensionId: string): Named[] {
    if (this.parts.calendar && dimensionId === this.parts.calendar.dimension.id) {
      throw new SimError(400, 'Time dimension is not supported at model level')
    }
    const subset = this.findSubset(dimensionId)
    if (subset) {
      const items = subset.list.dim.order().filter((i) => i.subsets.has(subset.name))
      return checkItemLimit(items).map(itemNamed)
    }
    const dim = this.allDimensions().find((d) => d.id === dimensionId)
    if (!dim) throw new SimError(404, `Dimension not found: ${dimensionId}`)
    return checkItemLimit(dim.order()).map(itemNamed)
  }

  lookupDimensionItems(dimensionId: string, names: string[], codes: string[]): Named[] {
    if (names.length === 0 && codes.length === 0) {
      throw new SimError(400, 'At least one of names or codes must be given')
    }
    const dim = this.allDimensions().find((d) => d.id === dimensionId)
    if (!dim) throw new SimError(404, `Dimension not found: ${dimensionId}`)
    if (codes.length > 0 && dim.kind !== 'list') {
      throw new SimError(400, `Dimension ${dim.name} has no codes`)
    }
    const wanted = new Set<DimItem>()
    for (const n of names) {
      const item = dim.findByName(n)
      if (item) wanted.add(item)
    }
    for (const c of codes) {
      const item = dim.findByCode(c)
      if (item) wanted.add(item)
    }
    return dim
      .order()
      .filter((i) => wanted.has(i))
      .map(itemNamed)
  }

  private findSubset(id: string): { list: ListDef; name: string } | undefined {
    for (const list of this.parts.lists) {
      const s = list.subsets.find((x) => x.id === id)
      if (s) return { list, name: s.name }
    }
    return undefined
  }

  // ---- lists ------------------------------------------------------------------------------

  lists(): Named[] {
    return this.parts.lists.map((l) => named({ id: l.dim.id, name: l.dim.name, code: l.dim.code }))
  }

  listMetadata(listId: string): Record<string, unknown> {
    const list = this.list(listId)
    const meta: Record<string, unknown> = {
      id: list.dim.id,
      name: list.dim.name,
      properties: list.properties.map((p) => ({
        name: p.name,
        format: p.format,
        notes: '',
        referencedBy: '',
      })),
      hasSelectiveAccess: false,
      managedBy: '',
      numberedList: list.numbered !== undefined,
      ...(list.numbered ? { nextItemIndex: list.numbered.nextIndex } : {}),
      useTopLevelAsPageDefault: false,
      itemCount: this.listEditor.records(list).length,
      workflowEnabled: false,
      productionData: list.productionData === true,
      permittedItems: MAX_DIMENSION_ITEMS - list.dim.items.size,
    }
    if (list.subsets.length > 0) meta.subsets = list.subsets.map((s) => ({ id: s.id, name: s.name }))
    const top = list.topLevelItemId ? list.dim.get(list.topLevelItemId) : undefined
    if (top) meta.topLevelItem = { id: top.id, name: top.name }
    const usedIn = this.parts.modules.filter((m) => m.dims.includes(list.dim))
    if (usedIn.length > 0) meta.usedInAppliesTo = usedIn.map((m) => m.name).join(', ')
    return meta
  }

  listItems(listId: string): ListItemRecord[] {
    const list = this.list(listId)
    const records = this.listEditor.records(list)
    if (records.length > MAX_DIMENSION_ITEMS) {
      throw new SimError(400, `The list has more than ${MAX_DIMENSION_ITEMS} items: use a list read request`)
    }
    return records
  }

  addListItems(listId: string, items: Record<string, unknown>[]) {
    return this.listEditor.add(this.list(listId), items)
  }

  updateListItems(listId: string, items: Record<string, unknown>[]) {
    return this.listEditor.update(this.list(listId), items)
  }

  deleteListItems(listId: string, items: Record<string, unknown>[]) {
    return this.listEditor.delete(this.list(listId), items)
  }

  // ---- views ------------------------------------------------------------------------------

  /**
   * Default views (id = module id, name = module name) then saved views. At model level a saved
   * view is named `Module.View`, as Anaplan names it; within a module, just the view name.
   */
  views(moduleId?: string): (Named & { moduleId: string })[] {
    const modules = moduleId === undefined ? this.parts.modules : [this.module(moduleId)]
    const out: (Named & { moduleId: string })[] = []
    for (const m of modules) out.push({ ...named(m), moduleId: m.id })
    for (const v of this.parts.savedViews) {
      if (!modules.includes(v.module)) continue
      const name = moduleId === undefined ? `${v.module.name}.${v.name}` : v.name
      out.push({ ...named({ id: v.id, name, code: v.code }), moduleId: v.module.id })
    }
    return out
  }

  /** A saved view, a module's default view (module id) or a line item's view (line item id). */
  view(viewId: string): View {
    const saved = this.parts.savedViews.find((v) => v.id === viewId)
    if (saved) return saved
    const m = this.parts.modules.find((x) => x.id === viewId)
    if (m) return m.defaultView
    for (const mod of this.parts.modules) {
      const li = mod.lineItems.find((x) => x.id === viewId)
      if (li) return { ...mod.defaultView, id: li.id, name: `${mod.name}.${li.name}`, lineItems: [li] }
    }
    throw new SimError(404, `View not found: ${viewId}`)
  }

  viewMetadata(viewId: string): ViewMeta {
    const v = this.view(viewId)
    const meta: ViewMeta = {
      id: v.id,
      name: v.name,
      moduleId: v.module.id,
      rows: v.rows.map(axisNamed),
      columns: v.columns.map(axisNamed),
      pages: v.pages.map(axisNamed),
    }
    if (v.code) meta.code = v.code
    return meta
  }

  viewDimensionItems(viewId: string, dimensionId: string): Named[] {
    const v = this.view(viewId)
    const dim = [...v.pages, ...v.rows, ...v.columns].find((d) => axisId(d) === dimensionId)
    if (!dim) throw new SimError(404, `Dimension ${dimensionId} is not on view ${viewId}`)
    const items = this.axisItems(v, dim)
    if (items.length > MAX_DIMENSION_ITEMS)
      throw new SimError(400, 'The dimension has more than 1,000,000 items')
    return items.map((i) => named(i))
  }

  private axisItems(v: View, dim: AxisDim): AxisItem[] {
    if (dim === LINE_ITEMS) {
      return v.lineItems.map((li) => ({
        dim,
        id: li.id,
        name: li.name,
        lineItem: li,
        ...opt('code', li.code),
      }))
    }
    return dim.order().map((i) => ({ dim, id: i.id, name: i.name, ...opt('code', i.code) }))
  }

  private tuples(v: View, axis: AxisDim[]): AxisItem[][] {
    let out: AxisItem[][] = [[]]
    for (const dim of axis) {
      const items = this.axisItems(v, dim)
      const next: AxisItem[][] = []
      for (const prefix of out) for (const item of items) next.push([...prefix, item])
      out = next
    }
    return out
  }

  private selectPages(v: View, pages: Record<string, string>): AxisItem[] {
    for (const dimId of Object.keys(pages)) {
      if (!v.pages.some((d) => axisId(d) === dimId))
        throw new SimError(400, `Invalid page selector [${dimId}]`)
    }
    return v.pages.map((dim) => {
      const items = this.axisItems(v, dim)
      const wanted = pages[axisId(dim)]
      if (wanted === undefined) {
        const first = items[0]
        if (!first) throw new SimError(400, `Page dimension ${axisName(dim)} has no items`)
        return first
      }
      const hit = items.find((i) => i.id === wanted)
      if (!hit) throw new SimError(400, `Invalid page selector [${axisId(dim)}:${wanted}]`)
      return hit
    })
  }

  private cellText(v: View, selection: AxisItem[]): string {
    const li = selection.find((s) => s.lineItem)?.lineItem ?? v.lineItems[0]!
    const coords = v.module.dims.map((d) => selection.find((s) => s.dim === d)!.id)
    return formatCell(this.calc.value(li, coords))
  }

  private grid(viewId: string, pages: Record<string, string>, maxCells = MAX_VIEW_CELLS) {
    const v = this.view(viewId)
    const pageSel = this.selectPages(v, pages)
    const count = (axis: AxisDim[]): number =>
      axis.reduce((n, d) => n * (d === LINE_ITEMS ? v.lineItems.length : d.items.size), 1)
    if (count(v.rows) * count(v.columns) > maxCells) {
      throw new SimError(
        400,
        `The view has more than ${maxCells} cells: use a read request or page selectors`,
      )
    }
    const rows = this.tuples(v, v.rows)
    const cols = this.tuples(v, v.columns)
    const data = rows.map((row) => ({
      row,
      cells: cols.map((col) => this.cellText(v, [...pageSel, ...row, ...col])),
    }))
    return { v, pageSel, cols, data }
  }

  readView(viewId: string, pages: Record<string, string>): Grid {
    const { v, pageSel, cols, data } = this.grid(viewId, pages)
    const grid: Grid = {
      columnCoordinates: cols.map((c) => c.map((i) => i.name)),
      rows: data.map((r) => ({ rowCoordinates: r.row.map((i) => i.name), cells: r.cells })),
    }
    if (v.pages.length > 0) grid.pages = pageSel.map((p) => p.name)
    return grid
  }

  readViewCsv(
    viewId: string,
    pages: Record<string, string>,
    exportType = 'GRID_CURRENT_PAGE',
    maxCells = MAX_VIEW_CELLS,
  ): string {
    const v = this.view(viewId)
    if (exportType === 'GRID_CURRENT_PAGE') return stringify(this.gridLines(viewId, pages, maxCells), CSV)
    if (!['GRID_ALL_PAGES', 'TABULAR_SINGLE_COLUMN', 'TABULAR_MULTI_COLUMN'].includes(exportType)) {
      throw new SimError(400, `Unsupported exportType: ${exportType}`)
    }
    if (this.viewCellCount(viewId) > maxCells) {
      throw new SimError(
        400,
        `The view has more than ${maxCells} cells over all its pages: use a read request`,
      )
    }
    const pageCombos = this.tuples(v, v.pages)
    const lines: string[][] = []
    if (exportType === 'TABULAR_SINGLE_COLUMN')
      lines.push([...[...v.pages, ...v.rows, ...v.columns].map(axisName), 'Value'])
    for (const combo of pageCombos) {
      const sel = Object.fromEntries(combo.map((i) => [axisId(i.dim), i.id]))
      if (exportType === 'GRID_ALL_PAGES') {
        lines.push(...this.gridLines(viewId, sel, maxCells))
        continue
      }
      const { cols, data } = this.grid(viewId, sel, maxCells)
      const labels = combo.map((i) => i.name)
      if (exportType === 'TABULAR_MULTI_COLUMN') {
        if (lines.length === 0) {
          lines.push([
            ...[...v.pages, ...v.rows].map(axisName),
            ...cols.map((c) => c.map((i) => i.name).join(' ')),
          ])
        }
        for (const r of data) lines.push([...labels, ...r.row.map((i) => i.name), ...r.cells])
      } else {
        for (const r of data) {
          r.cells.forEach((value, k) => {
            lines.push([...labels, ...r.row.map((i) => i.name), ...cols[k]!.map((i) => i.name), value])
          })
        }
      }
    }
    return stringify(lines, CSV)
  }

  viewCellCount(viewId: string): number {
    const v = this.view(viewId)
    return [...v.pages, ...v.rows, ...v.columns].reduce((n, d) => n * this.axisItems(v, d).length, 1)
  }

  viewTable(viewId: string, exportType: 'TABULAR_MULTI_COLUMN' | 'TABULAR_SINGLE_COLUMN'): ViewTable {
    const v = this.view(viewId)
    const items = (axis: AxisDim[]) => axis.map((d) => this.axisItems(v, d))
    const [pageItems, rowItems, colItems] = [items(v.pages), items(v.rows), items(v.columns)]
    const size = (axis: AxisItem[][]) => axis.reduce((n, l) => n * l.length, 1)
    const [nPages, nRows, nCols] = [size(pageItems), size(rowItems), size(colItems)]
    // The index-th tuple in `tuples()` order: the last dimension varies fastest.
    const tupleAt = (axis: AxisItem[][], index: number): AxisItem[] => {
      const out: AxisItem[] = new Array(axis.length)
      let rest = index
      for (let k = axis.length - 1; k >= 0; k--) {
        const list = axis[k]!
        out[k] = list[rest % list.length]!
        rest = Math.floor(rest / list.length)
      }
      return out
    }
    const names = (tuple: AxisItem[]) => tuple.map((i) => i.name)
    if (exportType === 'TABULAR_MULTI_COLUMN') {
      const cols = Array.from({ length: nCols }, (_, k) => tupleAt(colItems, k))
      return {
        header: [...[...v.pages, ...v.rows].map(axisName), ...cols.map((c) => names(c).join(' '))],
        lineCount: nPages * nRows,
        line: (index) => {
          const page = tupleAt(pageItems, Math.floor(index / nRows))
          const row = tupleAt(rowItems, index % nRows)
          return [
            ...names(page),
            ...names(row),
            ...cols.map((col) => this.cellText(v, [...page, ...row, ...col])),
          ]
        },
      }
    }
    return {
      header: [...[...v.pages, ...v.rows, ...v.columns].map(axisName), 'Value'],
      lineCount: nPages * nRows * nCols,
      line: (index) => {
        const page = tupleAt(pageItems, Math.floor(index / (nRows * nCols)))
        const row = tupleAt(rowItems, Math.floor(index / nCols) % nRows)
        const col = tupleAt(colItems, index % nCols)
        return [...names(page), ...names(row), ...names(col), this.cellText(v, [...page, ...row, ...col])]
      },
    }
  }

  private gridLines(viewId: string, pages: Record<string, string>, maxCells = MAX_VIEW_CELLS): string[][] {
    const { v, pageSel, cols, data } = this.grid(viewId, pages, maxCells)
    const lines: string[][] = []
    if (v.pages.length > 0) lines.push(pageSel.map((p) => p.name))
    for (let level = 0; level < v.columns.length; level++) {
      lines.push([...v.rows.map(() => ''), ...cols.map((c) => c[level]!.name)])
    }
    for (const r of data) lines.push([...r.row.map((i) => i.name), ...r.cells])
    return lines
  }

  // ---- cell writes ------------------------------------------------------------------------

  writeCells(
    moduleId: string,
    writes: CellWriteInput[],
  ): { numberOfCellsChanged: number; failures: ItemFailure[] } {
    const m = this.module(moduleId)
    if (!Array.isArray(writes)) throw new SimError(400, 'The request body must be an array of cell writes')
    if (writes.length > MAX_CELL_WRITES) {
      throw new SimError(
        400,
        `A request can write at most ${MAX_CELL_WRITES} cells; this one has ${writes.length}`,
      )
    }
    const failures: ItemFailure[] = []
    let changed = 0
    writes.forEach((w, requestIndex) => {
      const fail = (failureType: string, failureMessageDetails: string): void => {
        failures.push({ requestIndex, failureType, failureMessageDetails })
      }
      if (typeof w !== 'object' || w === null) {
        fail('INCOMPLETE_DATA', 'A cell write must be an object')
        return
      }
      const li = resolveLineItem(m, w)
      if (!li) {
        fail('INVALID_LINE_ITEM', `Line item not found in ${m.name}: ${w.lineItemId ?? w.lineItemName}`)
        return
      }
      const coords = this.resolveCellCoords(m, w.dimensions ?? [])
      if (typeof coords === 'string') {
        fail('INVALID_DIMENSION', coords)
        return
      }
      if (li.formula) {
        fail('READ_ONLY_CELL', `${li.name} is calculated by a formula and cannot be written`)
        return
      }
      const aggregate = coords.findIndex((id, i) => m.dims[i]!.isAggregate(id))
      if (aggregate >= 0) {
        const item = m.dims[aggregate]!.get(coords[aggregate]!)!
        fail(
          'READ_ONLY_CELL',
          `${item.name} is an aggregate of ${m.dims[aggregate]!.name} and cannot be written`,
        )
        return
      }
      const value = coerceValue(li, w.value, this)
      if (typeof value === 'object') {
        fail('INCORRECT_FORMAT', value.error)
        return
      }
      li.cells.set(coords.join('|'), value)
      changed++
    })
    if (changed > 0) this.changed()
    return { numberOfCellsChanged: changed, failures }
  }

  /** Item ids in module dimension order, or a message saying what is wrong. */
  private resolveCellCoords(m: Module, dims: NonNullable<CellWriteInput['dimensions']>): string[] | string {
    if (!Array.isArray(dims)) return 'dimensions must be an array'
    const coords: (string | undefined)[] = m.dims.map(() => undefined)
    for (const d of dims) {
      const idx = m.dims.findIndex(
        (x) =>
          (d.dimensionId !== undefined && x.id === d.dimensionId) ||
          (d.dimensionName !== undefined && dimNameMatches(x, d.dimensionName)),
      )
      if (idx < 0) return `Dimension not in module ${m.name}: ${d.dimensionId ?? d.dimensionName}`
      if (coords[idx] !== undefined) return `Dimension given twice: ${m.dims[idx]!.name}`
      const dim = m.dims[idx]!
      const item =
        d.itemId !== undefined
          ? dim.get(String(d.itemId))
          : d.itemCode !== undefined
            ? dim.findByCode(String(d.itemCode))
            : d.itemName !== undefined
              ? dim.findByName(String(d.itemName))
              : undefined
      if (!item)
        return `Item not found in ${dim.name}: ${d.itemId ?? d.itemCode ?? d.itemName ?? '(none given)'}`
      coords[idx] = item.id
    }
    const missing = m.dims.filter((_, i) => coords[i] === undefined)
    if (missing.length > 0) return `Missing dimensions: ${missing.map((d) => d.name).join(', ')}`
    return coords as string[]
  }

  /** A leaf cell by item ids, for imports; validation is the caller's job. */
  setCell(li: LineItem, coords: string[], value: CellValue): void {
    li.cells.set(coords.join('|'), value)
  }

  // ---- imports, exports, processes, actions ------------------------------------------------

  imports(): ImportDef[] {
    return this.parts.imports.map((i) => ({
      ...named(i),
      importDataSourceId: i.fileId,
      importType: i.target.kind === 'module' ? 'MODULE_DATA' : 'HIERARCHY_DATA',
    }))
  }

  exports(): ExportDef[] {
    return this.parts.exports.map((e) => ({
      ...named(e),
      exportType: e.layout,
      exportFormat: 'text/csv',
      encoding: 'UTF-8',
      layout: e.layout,
    }))
  }

  processes(): ProcessDef[] {
    return this.parts.processes.map((p) => ({ ...named(p), actions: [...p.actionIds] }))
  }

  actions(): ActionDef[] {
    return this.parts.actions.map((a) => ({
      ...named(a),
      actionType: a.kind === 'optimizer' ? ('OPTIMIZER' as const) : ('DELETE_BY_SELECTION' as const),
    }))
  }

  importDef(importId: string): ImportInternal {
    const i = this.parts.imports.find((x) => x.id === importId)
    if (!i) throw new SimError(404, `Import not found: ${importId}`)
    return i
  }

  exportDef(exportId: string): ExportInternal {
    const e = this.parts.exports.find((x) => x.id === exportId)
    if (!e) throw new SimError(404, `Export not found: ${exportId}`)
    return e
  }

  importMetadata(importId: string): Record<string, unknown> {
    const i = this.importDef(importId)
    const headerNames = Object.keys(i.columns)
    return {
      name: i.name,
      type: 'FILE',
      source: {
        textEncoding: 'UTF-8',
        columnSeparator: ',',
        textDelimiter: '"',
        headerRow: i.headerRow,
        firstDataRow: i.headerRow + 1,
        decimalSeparator: '.',
        headerNames: i.headerRow === 0 ? headerNames.map((n) => `Column ${n}`) : headerNames,
        columnCount: headerNames.length,
      },
    }
  }

  exportMetadata(exportId: string): Record<string, unknown> {
    return exportMetadata(this, this.exportDef(exportId))
  }

  processMetadata(processId: string): Record<string, unknown> {
    const p = this.parts.processes.find((x) => x.id === processId)
    if (!p) throw new SimError(404, `Process not found: ${processId}`)
    return {
      name: p.name,
      actions: p.actionIds.map((id) => {
        const imp = this.parts.imports.find((x) => x.id === id)
        if (imp) {
          return {
            id,
            name: imp.name,
            actionType: 'IMPORT',
            importDataSourceId: imp.fileId,
            importType: imp.target.kind === 'module' ? 'MODULE_DATA' : 'HIERARCHY_DATA',
          }
        }
        const exp = this.parts.exports.find((x) => x.id === id)
        if (exp) {
          return {
            id,
            name: exp.name,
            actionType: 'EXPORT',
            exportType: exp.layout,
            exportFormat: 'text/csv',
            layout: exp.layout,
          }
        }
        const act = this.parts.actions.find((x) => x.id === id)
        return {
          id,
          name: act?.name ?? id,
          actionType: act?.kind === 'optimizer' ? 'OPTIMIZER' : 'DELETE_BY_SELECTION',
        }
      }),
    }
  }

  dataSourceFiles(): DataSourceFile[] {
    const seen = new Set<string>()
    const out: DataSourceFile[] = []
    for (const i of this.parts.imports) {
      if (seen.has(i.fileId)) continue
      seen.add(i.fileId)
      out.push({
        id: i.fileId,
        name: i.fileName,
        firstDataRow: i.headerRow + 1,
        headerRow: i.headerRow,
        separator: ',',
        delimiter: '"',
        encoding: 'UTF-8',
        format: 'txt',
        defaultContent: i.content,
      })
    }
    return out
  }

  runImport(
    importId: string,
    csv: AsyncIterable<Uint8Array | string>,
    options?: { mappingParameters?: { entityType: string; entityName: string }[] },
  ): Promise<ActionOutcome> {
    return runImport(this, this.importDef(importId), csv, options?.mappingParameters ?? [])
  }

  runExport(exportId: string): { outcome: ActionOutcome; content: AsyncIterable<string> } {
    return runExport(this, this.exportDef(exportId))
  }

  runAction(actionId: string): ActionOutcome {
    const a = this.parts.actions.find((x) => x.id === actionId)
    if (!a) throw new SimError(404, `Action not found: ${actionId}`)
    if (a.kind === 'optimizer') return runOptimizer(a)
    const selected = this.listEditor
      .records(a.list)
      .filter((r) =>
        'property' in a.where
          ? r.properties?.[a.where.property]?.toLowerCase() === 'true'
          : r.subsets?.[a.where.subset],
      )
    // Children go first so a selected parent is empty by the time it is deleted.
    const ids = selected.map((r) => r.id).reverse()
    const { deleted, failures } = this.listEditor.delete(
      a.list,
      ids.map((id) => ({ id })),
    )
    const values = [
      'listName',
      a.list.dim.name,
      'deletedCount',
      String(deleted),
      'failedCount',
      String(failures.length),
    ]
    return {
      successful: failures.length === 0,
      objectId: a.id,
      objectName: a.name,
      details: [
        {
          type: 'deleteItemsProcessed',
          localMessageText: `${a.list.dim.name}: ${deleted} items deleted${failures.length ? `, ${failures.length} could not be deleted` : ''}`,
          occurrences: deleted,
          values,
        },
      ],
    }
  }

  /**
   * `POST …/lists/{id}/resetIndex`: only an empty list (top-level item aside), and in a deployed
   * model only a production list (Anaplan's two 400 messages, from the OpenAPI description).
   */
  resetListIndex(listId: string): void {
    const list = this.list(listId)
    if (this.listEditor.records(list).length > 0) {
      throw new SimError(
        400,
        "We can't reset the list item index of a list that contains data. Select an empty list that doesn't contain any list items.",
      )
    }
    if (this.info.activeState === 'PRODUCTION' && !list.productionData) {
      throw new SimError(
        400,
        'We cannot reset a list if the list is not production data and the model is in deployed mode.',
      )
    }
    if (list.numbered) list.numbered.nextIndex = 1
  }

  // ---- versions and calendar ---------------------------------------------------------------

  versions(): Record<string, unknown>[] {
    const cal = this.parts.calendar
    const months = cal?.dimension.leaves() ?? []
    const first = months[0]
    const last = months.at(-1)
    return this.parts.versions.map((v) => {
      const out: Record<string, unknown> = {
        id: v.id,
        name: v.name,
        isActual: v.actual,
        isCurrent: v.current,
      }
      if (v.code) out.code = v.code
      const switchover = v.switchoverId ? cal?.dimension.get(v.switchoverId) : undefined
      if (switchover) out.switchover = { periodText: switchover.name, date: switchover.firstDay }
      if (first && last) {
        out.editFrom = { periodText: first.name, date: first.firstDay }
        out.editTo = { periodText: last.name, date: last.lastDay }
      }
      return out
    })
  }

  currentPeriod(): { periodText: string; lastDay: string; calendarType: string } {
    const item = this.parts.currentPeriodId
      ? this.parts.calendar?.dimension.get(this.parts.currentPeriodId)
      : undefined
    return { periodText: item?.name ?? '', lastDay: item?.lastDay ?? '', calendarType: CALENDAR_TYPE }
  }

  /**
   * Moves the current period to the month containing `date` (YYYY-MM-DD); an empty date resets it.
   * A date outside the timescale → SimError 400.
   */
  setCurrentPeriod(date: string): { periodText: string; lastDay: string; calendarType: string } {
    if (date === '') {
      delete this.parts.currentPeriodId
      return this.currentPeriod()
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new SimError(400, `Invalid date: ${date}`)
    const month = this.monthOf(date)
    this.parts.currentPeriodId = month.id
    return this.currentPeriod()
  }

  /** The month of the timescale holding `date` (YYYY-MM-DD), or Anaplan's out-of-range 400. */
  private monthOf(date: string) {
    const months = this.parts.calendar?.dimension.leaves() ?? []
    const month = months.find((m) => m.firstDay! <= date && date <= m.lastDay!)
    if (month) return month
    // Anaplan's wording (OpenAPI description of PUT currentPeriod, 400 case 2).
    const range = months.length ? ` ${months[0]!.firstDay} - ${months.at(-1)!.lastDay}` : ''
    throw new SimError(400, `Specified date '${date}' is out of timescale range${range}`)
  }

  setFiscalYear(year: string): { year: string; startDate: string; endDate: string } {
    const m = /^FY(\d{2})$/i.exec(year.trim())
    if (!m) throw new SimError(400, `Invalid fiscal year '${year}': expected a year such as FY26`)
    const fy = this.parts.calendar?.years.find((y) => y.name.toLowerCase() === year.trim().toLowerCase())
    // Anaplan names the calendar year in its message (reference §5.7).
    if (!fy) throw new SimError(400, `Specified year is out of range: ${2000 + Number(m[1])}`)
    this.parts.fiscalYear = fy.name
    return { year: fy.name, startDate: fy.startDate, endDate: fy.endDate }
  }

  setSwitchover(versionId: string, date: string): { periodText: string; date: string; calendarType: string } {
    const v = this.parts.versions.find((x) => x.id === versionId)
    if (!v) throw new SimError(404, `Version not found: ${versionId}`)
    if (v.actual) {
      throw new SimError(
        400,
        `${v.name} is the actual version: a switchover needs a forecast or variance version`,
      )
    }
    if (date === '') {
      delete v.switchoverId
      return { periodText: '', date: '', calendarType: CALENDAR_TYPE }
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
      throw new SimError(400, `Invalid ISO date format '${date}'. Date should match format YYYY-MM-DD`)
    }
    const month = this.monthOf(date)
    const current = v.switchoverId ? this.parts.calendar?.dimension.get(v.switchoverId) : undefined
    if (current && month.firstDay! < current.firstDay!) {
      throw new SimError(
        400,
        `The switchover date ${date} is earlier than the current switchover date ${current.firstDay}`,
      )
    }
    v.switchoverId = month.id
    return { periodText: month.name, date: month.firstDay!, calendarType: CALENDAR_TYPE }
  }

  modelCalendar(): Record<string, unknown> {
    const cal = this.parts.calendar
    if (!cal) return {}
    const current = this.currentPeriod()
    const chosen = cal.years.find((y) => y.name === this.parts.fiscalYear)
    const fy =
      chosen ??
      cal.years.find(
        (y) => current.lastDay !== '' && y.startDate <= current.lastDay && current.lastDay <= y.endDate,
      ) ??
      cal.years[0]!
    return {
      calendarType: CALENDAR_TYPE,
      currentPeriod: { periodText: current.periodText, lastDay: current.lastDay },
      fiscalYear: { year: fy.name, startDate: fy.startDate, endDate: fy.endDate },
      pastYearsCount: cal.years.indexOf(fy),
      futureYearsCount: cal.years.length - 1 - cal.years.indexOf(fy),
      startDate: cal.startDate,
      totalsSelection: {
        isQuarterTotals: true,
        isHalfYearTotals: false,
        isYearToDateSummary: false,
        isYearToGoSummary: false,
        isTotalOfAllPeriods: false,
      },
    }
  }
}

// ---- helpers --------------------------------------------------------------------------------

/** An optimizer run: the simulator does not solve; the outcome and log come from the model file. */
function runOptimizer(a: Extract<ActionInternal, { kind: 'optimizer' }>): ActionOutcome {
  const optimal = a.status === 'OPTIMAL'
  const objective = formatCell(a.objective)
  const log =
    a.log ??
    [
      `Optimizer action: ${a.name}`,
      'Solver: Anaplan simulator (no model is solved; the result is set in the model file)',
      optimal ? 'Optimal solution found' : 'Model is infeasible',
      optimal ? `Best objective ${objective}` : 'No solution',
      '',
    ].join('\n')
  return {
    successful: optimal,
    objectId: a.id,
    objectName: a.name,
    details: [
      {
        type: optimal ? 'optimizerSolved' : 'optimizerInfeasible',
        localMessageText: optimal
          ? `${a.name}: optimal solution found, objective ${objective}`
          : `${a.name}: the model is infeasible`,
        occurrences: 0,
        values: ['status', a.status, ...(optimal ? ['objective', objective] : [])],
      },
    ],
    solutionLog: log,
  }
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function named(x: { id: string; name: string; code?: string | undefined }): Named {
  return { id: x.id, name: x.name, ...opt('code', x.code) }
}

function itemNamed(i: DimItem): Named {
  return named(i)
}

function dimNamed(d: Dimension): Named {
  return { id: d.id, name: d.name }
}

function axisId(d: AxisDim): string {
  return d === LINE_ITEMS ? LINE_ITEMS_DIMENSION_ID : d.id
}

function axisName(d: AxisDim): string {
  return d === LINE_ITEMS ? 'Line Items' : d.name
}

function axisNamed(d: AxisDim): Named {
  return { id: axisId(d), name: axisName(d) }
}

function checkItemLimit<T>(items: T[]): T[] {
  if (items.length > MAX_DIMENSION_ITEMS)
    throw new SimError(400, 'The dimension has more than 1,000,000 items')
  return items
}

function summaryLabel(s: string): string {
  const labels: Record<string, string> = {
    SUM: 'Sum',
    AVERAGE: 'Average',
    MIN: 'Min',
    MAX: 'Max',
    FIRST: 'First',
    LAST: 'Last',
    FORMULA: 'Formula',
    NONE: 'None',
  }
  return labels[s] ?? s
}

/** Matches a dimension by name, accepting `Version` for Versions as Anaplan's own example does. */
function dimNameMatches(d: Dimension, name: string): boolean {
  const n = name.trim().toLowerCase()
  return d.name.toLowerCase() === n || (d.kind === 'versions' && n === 'version')
}

function resolveLineItem(m: Module, w: CellWriteInput): LineItem | undefined {
  if (w.lineItemId !== undefined) return m.lineItems.find((li) => li.id === String(w.lineItemId))
  if (w.lineItemName !== undefined) {
    const n = String(w.lineItemName).toLowerCase()
    return m.lineItems.find((li) => li.name.toLowerCase() === n)
  }
  return undefined
}

/** Converts a written or imported value to the line item's format, or explains why it cannot. */
export function coerceValue(li: LineItem, value: unknown, model: Model): CellValue | { error: string } {
  if (value === null || value === undefined) return { error: 'The value must not be null' }
  switch (li.format) {
    case 'NUMBER': {
      if (typeof value === 'number' && Number.isFinite(value)) return value
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value.trim()))) {
        return Number(value.trim())
      }
      return { error: `Invalid number for ${li.name}: ${String(value)}` }
    }
    case 'BOOLEAN': {
      if (typeof value === 'boolean') return value
      const s = String(value).trim().toLowerCase()
      if (s === 'true' || s === 'false') return s === 'true'
      return { error: `Invalid boolean for ${li.name}: ${String(value)}` }
    }
    case 'TIME PERIOD': {
      const s = String(value).trim()
      if (s === '') return ''
      const item = model.parts.calendar?.dimension.findByName(s)
      if (!item) return { error: `Invalid time period for ${li.name}: ${s}` }
      return item.name
    }
    case 'DATE': {
      const s = String(value).trim()
      if (s === '' || /^\d{4}-\d{2}-\d{2}$/.test(s)) return s
      return { error: `Invalid date for ${li.name} (expected YYYY-MM-DD): ${s}` }
    }
    default:
      if (typeof value === 'object') return { error: `Invalid text for ${li.name}` }
      return String(value)
  }
}
