/**
 * The cells of one line item at the points a question needs, and the figure at a combination of
 * points: a cell Anaplan computed, or an aggregate of cells by the line item's own summary method
 * (list summary over list members, time summary over a run of months). Nothing here invents a figure.
 */
import type { CatalogLineItem, ModelCatalog, SummaryMethod } from '../../anaplan/catalog.ts'
import type { ModelScope, RequestOptions } from '../core/anaplan.ts'
import { numberOf, readCells, SEP } from './cells.ts'
import type { Point } from './points.ts'
import { TIME_ID } from './read.ts'

/** Aggregates values by a summary method; `null` with a reason when the method has no total. */
export function summarise(
  values: readonly (number | null)[],
  method: SummaryMethod,
): { value: number | null; reason?: string } {
  const xs = values.filter((v): v is number => v !== null)
  if (!xs.length) return { value: null }
  switch (method) {
    case 'SUM':
      return { value: round(xs.reduce((a, b) => a + b, 0)) }
    case 'AVERAGE':
      // Exact only when every value is there: a missing month would change the weights.
      return xs.length === values.length
        ? { value: round(xs.reduce((a, b) => a + b, 0) / xs.length) }
        : { value: null, reason: 'an average over periods with missing values cannot be computed exactly' }
    case 'MIN':
      return { value: Math.min(...xs) }
    case 'MAX':
      return { value: Math.max(...xs) }
    case 'FIRST':
    case 'OPENING_BALANCE':
      return { value: values[0] ?? null }
    case 'LAST':
    case 'CLOSING_BALANCE':
      return { value: values[values.length - 1] ?? null }
    case 'NONE':
      return { value: null, reason: 'has no total (its summary is None)' }
    default:
      return {
        value: null,
        reason: `is summarised by ${method.toLowerCase()} in Anaplan, which cannot be recomputed here`,
      }
  }
}

export function round(v: number): number {
  return Math.round(v * 1e9) / 1e9
}

export class Cube {
  constructor(
    readonly li: CatalogLineItem,
    readonly dims: string[],
    readonly cells: Map<string, string>,
  ) {}

  /** The figure at one point per dimension: a cell, or an aggregate of the points' members. */
  value(at: ReadonlyMap<string, Point>): { value: number | null; reason?: string } {
    const listDims = this.dims.filter((d) => d !== TIME_ID)
    const time = at.get(TIME_ID)
    const combos: string[][] = [[]]
    for (const d of listDims) {
      const ms = at.get(d)?.members ?? ['']
      const grown: string[][] = []
      for (const c of combos) for (const m of ms) grown.push([...c, m])
      combos.splice(0, combos.length, ...grown)
    }
    const perCombo = combos.map((c) => {
      const byDim = new Map(listDims.map((d, i) => [d, c[i] as string]))
      const timeMembers = this.dims.includes(TIME_ID) ? (time?.members ?? ['']) : ['']
      const vals = timeMembers.map((t) => {
        if (this.dims.includes(TIME_ID)) byDim.set(TIME_ID, t)
        return numberOf(this.cells.get(this.dims.map((d) => byDim.get(d) ?? '').join(SEP)))
      })
      return vals.length === 1 ? { value: vals[0] ?? null } : summarise(vals, this.li.timeSummary)
    })
    if (perCombo.length === 1) return perCombo[0] as { value: number | null }
    const missing = perCombo.find((p) => p.reason)
    if (missing) return missing
    return summarise(
      perCombo.map((p) => p.value),
      this.li.summary,
    )
  }
}

/** Reads the cells of `li` at every member of the axes' points (see `cells.ts` for how). */
export async function cube(
  scope: ModelScope,
  li: CatalogLineItem,
  axes: Map<string, Point[]>,
  catalog: ModelCatalog,
  requestOptions?: RequestOptions,
): Promise<{ cube: Cube; reads: number }> {
  const wants = new Map<string, Set<string>>()
  for (const d of li.dimensionIds) wants.set(d, new Set((axes.get(d) ?? []).flatMap((p) => p.members)))
  const grid = await readCells(scope, li, wants, {
    catalog,
    ...(requestOptions ? { requestOptions } : {}),
  })
  return { cube: new Cube(li, grid.dims, grid.cells), reads: grid.reads }
}

/** Every point combination of the axes, as maps dimension → point. */
export function* combinations(
  axes: Map<string, Point[]>,
  dims: readonly string[],
): Generator<Map<string, Point>> {
  const ids = dims.filter((d) => axes.has(d))
  const idx = ids.map(() => 0)
  if (ids.some((d) => !(axes.get(d) ?? []).length)) return
  for (;;) {
    yield new Map(ids.map((d, k) => [d, (axes.get(d) as Point[])[idx[k] as number] as Point]))
    let k = ids.length - 1
    for (; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1
      if ((idx[k] as number) < (axes.get(ids[k] as string) as Point[]).length) break
      idx[k] = 0
    }
    if (k < 0) return
  }
}
