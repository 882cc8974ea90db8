/**
 * The calculation engine: a cell's value is computed on read, from stored inputs, formulas and
 * aggregation, and memoised until the next change to the model. Aggregation follows the line
 * item's `timeSummary` over time totals first, then its `summary` over list parents.
 */
import { evaluateFormula, type FormulaRef } from './formula.ts'
import { lazySeedValue, SparseIndex } from './sparse.ts'
import type { CellValue, LineItem, Module, ResolvedRef } from './types.ts'

export class Calculator {
  private memo = new Map<string, CellValue>()
  private sparse = new Map<Module, SparseIndex>()
  private zeroPreserving = new Map<LineItem, boolean>()
  /** Incremented on every change; lets callers (exports) notice a model changed under them. */
  generation = 0

  /** Forgets every computed value; call after any change to cells or dimensions. */
  invalidate(): void {
    this.memo.clear()
    this.generation++
  }

  /** The value of a cell at any coordinates (leaf or aggregate), in module dimension order. */
  value(li: LineItem, coords: string[]): CellValue {
    if (li.module.sparse) {
      const v = this.sparseValue(this.sparseIndex(li.module), li, coords)
      if (v !== undefined) return v
    }
    const key = `${li.id}#${coords.join('|')}`
    const hit = this.memo.get(key)
    if (hit !== undefined) return hit
    const v = this.compute(li, coords)
    this.memo.set(key, v)
    return v
  }

  /** The module's sparse index, up to date with its cells and dimensions. */
  sparseIndex(m: Module): SparseIndex {
    let index = this.sparse.get(m)
    if (!index) {
      index = new SparseIndex(m, m.sparse!.density, m.sparse!.hash)
      this.sparse.set(m, index)
    }
    index.refresh(this.generation)
    return index
  }

  /**
   * Sparse modules' leaves are not memoised (there are millions, each cheap) and their sums over
   * the sparse dimensions visit carried pairs only; undefined leaves the cell to `compute`.
   */
  private sparseValue(index: SparseIndex, li: LineItem, coords: string[]): CellValue | undefined {
    const dims = li.module.dims
    const [ia, ib] = li.module.sparse!.dims
    let aggregate = false
    for (let i = 0; i < dims.length; i++) {
      if (!dims[i]!.isAggregate(coords[i]!)) continue
      if (i !== ia && i !== ib) return undefined
      aggregate = true
    }
    if (!aggregate) return this.sparseLeaf(index, li, coords)
    if (li.summary !== 'SUM' || !this.preservesZero(li)) return undefined
    return index.sum(li, coords, (at) => toNumber(this.sparseLeaf(index, li, at)))
  }

  /** A leaf of a sparse module: the hot path of its sums, so same-module references stay here. */
  private sparseLeaf(index: SparseIndex, li: LineItem, coords: string[]): CellValue {
    if (li.formula) {
      return evaluateFormula(li.formula, (ref) => {
        const resolved = this.resolve(li, ref)
        if (!resolved) return 0
        if (resolved.lineItem.module === li.module)
          return toNumber(this.sparseLeaf(index, resolved.lineItem, coords))
        return toNumber(
          this.value(
            resolved.lineItem,
            resolved.dimMap.map((i) => coords[i]!),
          ),
        )
      })
    }
    if (li.cells.size > 0) {
      const stored = li.cells.get(coords.join('|'))
      if (stored !== undefined) return stored
    }
    if (li.lazySeed && index.seededAt(coords)) return lazySeedValue(li.lazySeed, coords)
    return defaultValue(li)
  }

  private resolved = new WeakMap<FormulaRef, ResolvedRef | null>()
  private resolve(li: LineItem, ref: FormulaRef): ResolvedRef | undefined {
    let hit = this.resolved.get(ref)
    if (hit === undefined) {
      hit = li.refs.get(refKey(ref)) ?? null
      this.resolved.set(ref, hit)
    }
    return hit ?? undefined
  }

  /** True when the line item is 0 wherever its module has no data, so empty pairs can be skipped. */
  private preservesZero(li: LineItem): boolean {
    let known = this.zeroPreserving.get(li)
    if (known !== undefined) return known
    this.zeroPreserving.set(li, false) // a cycle (already cut at build) is not zero-preserving
    known =
      li.format === 'NUMBER' &&
      (!li.formula ||
        ([...li.refs.values()].every(
          (r) => r.lineItem.module === li.module && this.preservesZero(r.lineItem),
        ) &&
          evaluateFormula(li.formula, () => 0) === 0))
    this.zeroPreserving.set(li, known)
    return known
  }

  private compute(li: LineItem, coords: string[]): CellValue {
    const dims = li.module.dims
    let timeIdx = -1
    let listIdx = -1
    for (let i = 0; i < dims.length; i++) {
      if (!dims[i]!.isAggregate(coords[i]!)) continue
      if (dims[i]!.kind === 'time') timeIdx = i
      else if (listIdx < 0) listIdx = i
    }
    // A list total of a line item summarised NONE is blank at every time level too.
    if (listIdx >= 0 && li.summary === 'NONE') return ''
    if (timeIdx >= 0) return this.aggregate(li, coords, timeIdx, li.timeSummary)
    if (listIdx >= 0) return this.aggregate(li, coords, listIdx, li.summary)
    return this.leaf(li, coords)
  }

  private leaf(li: LineItem, coords: string[]): CellValue {
    if (li.formula) return evaluateFormula(li.formula, (ref) => this.refValue(li, coords, ref))
    const stored = li.cells.get(coords.join('|'))
    return stored ?? defaultValue(li)
  }

  private refValue(li: LineItem, coords: string[], ref: { module?: string; lineItem: string }): number {
    const resolved = li.refs.get(refKey(ref))
    if (!resolved) return 0
    const target = resolved.dimMap.map((i) => coords[i]!)
    return toNumber(this.value(resolved.lineItem, target))
  }

  private aggregate(li: LineItem, coords: string[], idx: number, method: string): CellValue {
    const dim = li.module.dims[idx]!
    const item = dim.get(coords[idx]!)!
    const childValue = (childId: string): CellValue => {
      const next = coords.slice()
      next[idx] = childId
      return this.value(li, next)
    }
    const children = item.children
    switch (method) {
      case 'SUM': {
        let sum = 0
        for (const c of children) sum += toNumber(childValue(c))
        return sum
      }
      case 'AVERAGE': {
        // Weight each child by its leaf count so the result is the average of the leaves.
        const total = dim.leafCount(item.id)
        if (total === 0) return 0
        let sum = 0
        for (const c of children) sum += toNumber(childValue(c)) * dim.leafCount(c)
        return sum / total
      }
      case 'MIN':
      case 'MAX': {
        if (children.length === 0) return 0
        const values = children.map((c) => toNumber(childValue(c)))
        return method === 'MIN' ? Math.min(...values) : Math.max(...values)
      }
      case 'FIRST':
        return children.length > 0 ? childValue(children[0]!) : defaultValue(li)
      case 'LAST':
        return children.length > 0 ? childValue(children.at(-1)!) : defaultValue(li)
      case 'FORMULA':
        return li.formula ? evaluateFormula(li.formula, (ref) => this.refValue(li, coords, ref)) : ''
      default:
        return ''
    }
  }
}

/** The key under which a formula reference is stored in `LineItem.refs`. */
export function refKey(ref: { module?: string; lineItem: string }): string {
  return `${(ref.module ?? '').toLowerCase()}|${ref.lineItem.toLowerCase()}`
}

export function defaultValue(li: LineItem): CellValue {
  if (li.format === 'NUMBER') return 0
  if (li.format === 'BOOLEAN') return false
  return ''
}

export function toNumber(v: CellValue): number {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  const n = Number(v)
  return v.trim() === '' || Number.isNaN(n) ? 0 : n
}

/** A number as Anaplan exports it: plain decimal, no grouping, no float noise, no exponent. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '0'
  let r = Number(n.toPrecision(15))
  if (Object.is(r, -0)) r = 0
  const s = String(r)
  if (!/e/i.test(s)) return s
  if (Math.abs(r) >= 1) return BigInt(Math.round(r)).toString()
  return r.toFixed(20).replace(/0+$/, '').replace(/\.$/, '')
}

/** A cell value as text, the way views and exports show it. */
export function formatCell(v: CellValue): string {
  if (typeof v === 'number') return formatNumber(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return v
}
