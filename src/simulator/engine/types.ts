/**
 * The engine's internal model structures, built by `build-model.ts` from a model file and
 * operated on by `model.ts`. Nothing here is seen by the HTTP service (it sees `contract.ts`).
 */
import type { Dimension } from './dimension.ts'
import type { FormulaNode } from './formula.ts'
import type { SummaryMethod } from './model-file.ts'

export type CellValue = number | string | boolean

export type LineItemFormat = 'NUMBER' | 'TEXT' | 'BOOLEAN' | 'DATE' | 'TIME PERIOD'

export interface ListDef {
  dim: Dimension
  properties: { name: string; format: string }[]
  subsets: { id: string; name: string }[]
  topLevelItemId?: string
  /** Composite hierarchy: the list whose items are this list's parents. */
  parentList?: ListDef
  /** Numbered list: items are named `#<index>`; the index restarts at 1 after resetIndex. */
  numbered?: { nextIndex: number; displayName?: string }
  productionData?: boolean
}

/** A seed computed when a cell is read (sparse modules): see `sparse.ts`. */
export interface LazySeed {
  min: number
  max: number
  scale: number
  /** Module dimension indexes the value depends on. */
  by: number[]
  /** Hash of the model seed and the line item. */
  hash: number
}

/** A resolved formula reference: the line item and, per its module dimension, our dimension index. */
export interface ResolvedRef {
  lineItem: LineItem
  dimMap: number[]
}

export interface LineItem {
  id: string
  name: string
  code?: string
  notes?: string
  module: Module
  format: LineItemFormat
  /** Anaplan's `unitsType` of a NUMBER line item, when not NONE. */
  units?: 'CURRENCY' | 'PERCENTAGE'
  formulaText?: string
  formula?: FormulaNode
  /** Formula references by their source text key (`module|lineItem`, lowercased). */
  refs: Map<string, ResolvedRef>
  /** How list aggregates are computed. */
  summary: SummaryMethod
  /** How time aggregates (quarters, years) are computed. */
  timeSummary: SummaryMethod
  /** Stored input cells of leaf coordinates, keyed by item ids joined with '|' in module dim order. */
  cells: Map<string, CellValue>
  lazySeed?: LazySeed
}

export interface Module {
  id: string
  name: string
  code?: string
  dims: Dimension[]
  lineItems: LineItem[]
  defaultView: View
  sparse?: SparseSpec
}

/** A sparse module: seeded cells exist only on `density` of the pairs of two list dimensions. */
export interface SparseSpec {
  dims: [number, number]
  density: number
  /** Hash of the model seed. */
  hash: number
}

/** The Line Items pseudo-dimension on a view axis. */
export const LINE_ITEMS = 'LINE_ITEMS' as const
export type AxisDim = Dimension | typeof LINE_ITEMS

export interface View {
  id: string
  name: string
  code?: string
  module: Module
  rows: AxisDim[]
  columns: AxisDim[]
  pages: AxisDim[]
  /** Line items shown: the items of the Line Items dimension, which is always on an axis. */
  lineItems: LineItem[]
  saved: boolean
}

export interface ImportInternal {
  id: string
  name: string
  code?: string
  fileId: string
  fileName: string
  content: string
  /** Source column header → target name, as written in the model file. */
  columns: Record<string, string>
  target: { kind: 'module'; module: Module; fixed: Map<number, string> } | { kind: 'list'; list: ListDef }
  /** 0: the file has no header row and `columns` maps column numbers. */
  headerRow: 0 | 1
}

export interface ExportInternal {
  id: string
  name: string
  code?: string
  layout: 'TABULAR_MULTI_COLUMN' | 'TABULAR_SINGLE_COLUMN' | 'GRID_CURRENT_PAGE'
  source:
    | { kind: 'module'; module: Module; lineItems: LineItem[]; filters: Map<number, Set<string>> }
    | { kind: 'view'; view: View }
    | { kind: 'synthetic'; rows: number; rowBytes: number }
}

export interface ProcessInternal {
  id: string
  name: string
  code?: string
  actionIds: string[]
}

export type ActionInternal =
  | {
      kind: 'delete'
      id: string
      name: string
      code?: string
      list: ListDef
      where: { property: string } | { subset: string }
    }
  | {
      kind: 'optimizer'
      id: string
      name: string
      code?: string
      status: 'OPTIMAL' | 'INFEASIBLE'
      objective: number
      log?: string
    }

export interface VersionInfo {
  id: string
  name: string
  code?: string
  actual: boolean
  current: boolean
  /** The switchover month (its id in Time), set by `PUT …/versions/{id}/switchover`. */
  switchoverId?: string
}
