/**
 * Executes a `Question` against Anaplan, deterministically: each dimension becomes a list of
 * points (an Anaplan item, or a run of months to aggregate), the cells are read in as few view
 * reads as the layout allows, and each figure is a cell Anaplan computed or an aggregate of cells
 * by the line item's own summary method. Nothing here invents a figure.
 */
import type { CatalogLineItem, CatalogPeriod, ModelCatalog, SummaryMethod } from '../../anaplan/catalog.ts'
import type { ModelScope, RequestOptions } from '../core/anaplan.ts'
import { BotError } from '../core/errors.ts'
import { numberOf, readCells, SEP } from './cells.ts'
import { childrenOf, leaves } from './names.ts'
import { defaultYear, monthsOf, periodById, periodsWithin, runOf } from './periods.ts'
import type { Measure, Question, Selector } from './question.ts'
import { TIME_ID, VERSIONS_ID } from './read.ts'

/** One position on a dimension: an item Anaplan has, or several to aggregate (a run of months). */
export interface Point {
  label: string
  members: string[]
  /** The dimension's total (a list's top-level item, a year): said as "all Products". */
  total?: boolean
}

export interface Figure {
  /** Labels of the varying points (the breakdown item, the period of a trend...). */
  label: string
  value: number | null
}

export interface Where {
  dimension: string
  label: string
  total: boolean
}

interface Base {
  measure: Measure
  /** The fixed coordinates of the answer, for the line saying what was computed. */
  where: Where[]
  /** Why a figure is missing or how it was made (no total, an average...). */
  notes: string[]
  format: string
}

export type Result =
  | (Base & { kind: 'value'; figures: Figure[]; by?: string })
  | (Base & {
      kind: 'series'
      shape: 'breakdown' | 'ranking' | 'trend' | 'share'
      by: string
      figures: (Figure & { share?: number | null })[]
      total?: Figure
      order?: 'asc' | 'desc'
    })
  | (Base & {
      kind: 'compare'
      axis: string
      figures: (Figure & { diff?: number | null; pct?: number | null })[]
    })
  | (Base & {
      kind: 'explain'
      axis: string
      from: Figure
      to: Figure
      change: number | null
      splits: { by: string; parts: { label: string; change: number; share: number | null }[] }[]
    })

export interface Executed {
  results: Result[]
  reads: number
}

function lineItem(catalog: ModelCatalog, m: Measure): CatalogLineItem {
  const li = catalog.lineItems.find((x) => x.id === m.lineItemId)
  if (!li) throw new BotError('not_found', `${m.lineItem} is no longer in the model.`)
  return li
}

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

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9
}

function defaultVersion(catalog: ModelCatalog): { id: string; name: string } | undefined {
  return (
    catalog.versions.find((v) => v.isCurrent) ??
    catalog.versions.find((v) => /forecast/i.test(v.name)) ??
    catalog.versions[0]
  )
}

/** The list of the measure's dimension `dimId` a selector keyed by `key` applies to (itself or an ancestor list). */
function selectorFor(q: Question, dimId: string, catalog: ModelCatalog): Selector | undefined {
  if (q.slice[dimId]) return q.slice[dimId]
  for (const [key, sel] of Object.entries(q.slice)) {
    let l = catalog.lists.find((x) => x.id === dimId)
    for (let depth = 0; l?.parentListId && depth < 8; depth++) {
      if (l.parentListId === key) return sel
      l = catalog.lists.find((x) => x.id === l?.parentListId)
    }
  }
  return undefined
}

/** The points of one dimension for the question's slice (no breakdown). */
function slicePoints(q: Question, li: CatalogLineItem, dimId: string, catalog: ModelCatalog): Point[] {
  const sel = selectorFor(q, dimId, catalog)
  if (dimId === TIME_ID) {
    if (!sel) {
      const y = defaultYear(catalog)
      return y ? [{ label: y.name, members: [y.name], total: true }] : []
    }
    return timePoints(sel, catalog)
  }
  if (dimId === VERSIONS_ID) {
    if (sel?.kind === 'items') return sel.items.map((i) => ({ label: i.name, members: [i.name] }))
    const v = defaultVersion(catalog)
    return v ? [{ label: v.name, members: [v.name] }] : []
  }
  const list = catalog.lists.find((l) => l.id === dimId)
  if (!list) return []
  if (sel?.kind === 'items')
    return sel.items.map((i) => ({ label: i.name, members: [i.name], total: i.id === list.topLevelItem?.id }))
  if (sel?.kind === 'children')
    return childrenOf(list, sel.of.id).map((i) => ({ label: i.name, members: [i.name] }))
  if (sel?.kind === 'all') return leaves(list).map((i) => ({ label: i.name, members: [i.name] }))
  if (list.topLevelItem)
    return [{ label: `all ${list.name}`, members: [list.topLevelItem.name], total: true }]
  // No top-level item: the total is the aggregate of the leaves by the line item's summary.
  void li
  return [{ label: `all ${list.name}`, members: leaves(list).map((i) => i.name), total: true }]
}

function timePoints(sel: Selector, catalog: ModelCatalog): Point[] {
  if (sel.kind === 'items')
    return sel.items.map((i) => {
      const run = i.id.includes('..') ? runOf(catalog, i.id) : undefined
      return { label: i.name, members: run ? monthsOf(catalog, ...run).map((m) => m.name) : [i.name] }
    })
  if (sel.kind === 'range') {
    const from = periodById(catalog, sel.from.id)
    const to = periodById(catalog, sel.to.id)
    if (!from || !to) return []
    if (from.id === to.id) return [{ label: from.name, members: [from.name] }]
    return [{ label: `${from.name} to ${to.name}`, members: monthsOf(catalog, from, to).map((m) => m.name) }]
  }
  if (sel.kind === 'children') {
    const of = periodById(catalog, sel.of.id)
    return of
      ? catalog.periods.filter((p) => p.parentId === of.id).map((p) => ({ label: p.name, members: [p.name] }))
      : []
  }
  return monthsOf(catalog, ...yearSpan(catalog)).map((m) => ({ label: m.name, members: [m.name] }))
}

function yearSpan(catalog: ModelCatalog): [CatalogPeriod, CatalogPeriod] {
  const y = defaultYear(catalog)
  if (!y) throw new BotError('not_found', 'The model has no time periods.')
  return [y, y]
}

/** The periods of `level` a trend or a time breakdown shows, within the time slice (the year by default). */
function periodsOf(q: Question, level: string, catalog: ModelCatalog): Point[] {
  const sel = q.slice[TIME_ID]
  let from: CatalogPeriod | undefined
  let to: CatalogPeriod | undefined
  if (sel?.kind === 'range') {
    from = periodById(catalog, sel.from.id)
    to = periodById(catalog, sel.to.id)
  } else if (sel?.kind === 'items' && sel.items.length) {
    const ps = sel.items
      .flatMap((i) => runOf(catalog, i.id) ?? [periodById(catalog, i.id)])
      .filter((p) => p !== undefined)
    from = ps.sort((a, b) => a.start.localeCompare(b.start))[0]
    to = ps.sort((a, b) => a.end.localeCompare(b.end))[ps.length - 1]
  } else if (sel?.kind === 'children') from = to = periodById(catalog, sel.of.id)
  if (!from || !to) [from, to] = yearSpan(catalog)
  const lvl = level as CatalogPeriod['level']
  let ps = periodsWithin(catalog, lvl, from, to)
  // A single month asked "by month": show the months of its quarter rather than one point.
  if (ps.length <= 1 && lvl === 'month' && from.level === 'month') {
    const parent = catalog.periods.find((p) => p.id === from?.parentId)
    if (parent) ps = periodsWithin(catalog, 'month', parent, parent)
  }
  if (!ps.length && lvl === 'half') {
    // No half-year totals: each half is its run of months.
    const quarters = periodsWithin(catalog, 'quarter', from, to)
    const halves: Point[] = []
    for (let i = 0; i + 1 < quarters.length; i += 2) {
      const first = quarters[i] as CatalogPeriod
      const second = quarters[i + 1] as CatalogPeriod
      halves.push({
        label: `H${(first.index % 4 < 2 ? 1 : 2).toString()} ${first.name.split(' ').pop()}`,
        members: monthsOf(catalog, first, second).map((m) => m.name),
      })
    }
    return halves
  }
  return ps.map((p) => ({ label: p.name, members: [p.name] }))
}

function byPoints(q: Question, dimId: string, catalog: ModelCatalog): Point[] {
  const list = catalog.lists.find((l) => l.id === dimId)
  const sel = selectorFor(q, dimId, catalog)
  if (!list) return []
  if (sel?.kind === 'items' && sel.items.length >= 2)
    return sel.items.map((i) => ({ label: i.name, members: [i.name] }))
  if (sel?.kind === 'items' && sel.items.length === 1) {
    const kids = childrenOf(list, sel.items[0]?.id ?? '')
    if (kids.length) return kids.map((i) => ({ label: i.name, members: [i.name] }))
  }
  if (sel?.kind === 'children')
    return childrenOf(list, sel.of.id).map((i) => ({ label: i.name, members: [i.name] }))
  // "by Country" for a measure by Stores: the items of the ancestor list, as rows of Stores.
  const asked =
    q.shape.kind === 'breakdown' || q.shape.kind === 'ranking' || q.shape.kind === 'share'
      ? q.shape.by.id
      : dimId
  const askedList = catalog.lists.find((l) => l.id === asked)
  if (askedList && askedList.id !== list.id)
    return leaves(askedList).map((i) => ({ label: i.name, members: [i.name] }))
  return leaves(list).map((i) => ({ label: i.name, members: [i.name] }))
}

/** The measure dimension a "by" list stands for (itself, or the dimension below it). */
function dimensionFor(li: CatalogLineItem, byId: string, catalog: ModelCatalog): string | undefined {
  if (byId === TIME_ID) return li.timeScale ? TIME_ID : undefined
  if (li.dimensionIds.includes(byId)) return byId
  for (const d of li.dimensionIds) {
    let l = catalog.lists.find((x) => x.id === d)
    for (let depth = 0; l?.parentListId && depth < 8; depth++) {
      if (l.parentListId === byId) return d
      l = catalog.lists.find((x) => x.id === l?.parentListId)
    }
  }
  return undefined
}

class Cube {
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

async function cube(
  scope: ModelScope,
  li: CatalogLineItem,
  axes: Map<string, Point[]>,
  read: { views?: ModelCatalog['views']; requestOptions?: RequestOptions } = {},
): Promise<{ cube: Cube; reads: number }> {
  const wants = new Map<string, Set<string>>()
  for (const d of li.dimensionIds) wants.set(d, new Set((axes.get(d) ?? []).flatMap((p) => p.members)))
  const grid = await readCells(scope, li, wants, read)
  return { cube: new Cube(li, grid.dims, grid.cells), reads: grid.reads }
}

function dimName(catalog: ModelCatalog, id: string): string {
  if (id === TIME_ID) return 'Time'
  if (id === VERSIONS_ID) return 'Versions'
  return catalog.lists.find((l) => l.id === id)?.name ?? id
}

/** Every point combination of the axes, as maps dimension → point. */
function* combinations(axes: Map<string, Point[]>, dims: readonly string[]): Generator<Map<string, Point>> {
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

export async function execute(
  q: Question,
  scope: ModelScope,
  catalog: ModelCatalog,
  requestOptions?: RequestOptions,
): Promise<Executed> {
  if (q.unresolved?.length)
    throw new BotError('invalid_input', 'The question names things the model does not have.')
  const results: Result[] = []
  let reads = 0
  for (const m of q.measures) {
    const li = lineItem(catalog, m)
    const r = await executeOne(q, li, m, scope, catalog, requestOptions)
    results.push(r.result)
    reads += r.reads
  }
  return { results, reads }
}

async function executeOne(
  q: Question,
  li: CatalogLineItem,
  m: Measure,
  scope: ModelScope,
  catalog: ModelCatalog,
  requestOptions?: RequestOptions,
): Promise<{ result: Result; reads: number }> {
  const dims = li.dimensionIds.filter((d) => d !== TIME_ID || li.timeScale)
  const axes = new Map<string, Point[]>()
  for (const d of dims) axes.set(d, slicePoints(q, li, d, catalog))
  const shape = q.shape
  const notes: string[] = []
  const base = (
    vary: readonly string[],
  ): Omit<Base, 'notes' | 'format'> & { notes: string[]; format: string } => ({
    measure: m,
    where: dims
      .filter((d) => !vary.includes(d))
      .flatMap((d) =>
        (axes.get(d) ?? [])
          .slice(0, 1)
          .map((p) => ({ dimension: dimName(catalog, d), label: p.label, total: Boolean(p.total) })),
      ),
    notes,
    format: li.format,
  })
  const note = (reason: string | undefined) => {
    if (reason && !notes.includes(`${li.name} ${reason}.`)) notes.push(`${li.name} ${reason}.`)
  }

  if (
    shape.kind === 'breakdown' ||
    shape.kind === 'ranking' ||
    shape.kind === 'share' ||
    shape.kind === 'trend'
  ) {
    const byId = shape.kind === 'trend' ? TIME_ID : dimensionFor(li, shape.by.id, catalog)
    if (!byId)
      throw new BotError(
        'invalid_input',
        `${li.name} is not broken down by ${shape.kind === 'trend' ? 'time' : shape.by.name}.`,
      )
    const level =
      shape.kind === 'trend' ? shape.level : shape.kind !== 'share' ? (shape.level ?? 'month') : 'month'
    const points =
      byId === TIME_ID
        ? periodsOf(q, level, catalog)
        : byId === VERSIONS_ID
          ? versionPoints(catalog)
          : byPoints(q, byId, catalog)
    const totalPoint =
      shape.kind === 'share' || shape.kind === 'breakdown' ? totalOf(q, byId, catalog) : undefined
    axes.set(byId, totalPoint ? [...points, totalPoint] : points)
    const { cube: c, reads } = await cube(scope, li, axes, {
      views: catalog.views,
      ...(requestOptions ? { requestOptions } : {}),
    })
    const fixed = new Map([...axes].map(([d, ps]) => [d, ps[0] as Point]))
    let figures = points.map((p) => {
      fixed.set(byId, p)
      const v = c.value(fixed)
      note(v.reason)
      return { label: p.label, value: v.value }
    })
    let total: Figure | undefined
    if (totalPoint) {
      fixed.set(byId, totalPoint)
      const v = c.value(fixed)
      note(v.reason)
      total = { label: totalPoint.label, value: v.value }
    }
    const series: Result & { kind: 'series' } = {
      ...base([byId]),
      kind: 'series',
      shape: shape.kind,
      by: byId === TIME_ID ? level : dimName(catalog, byId),
      figures,
    }
    if (total) series.total = total
    if (shape.kind === 'share') {
      if (li.summary !== 'SUM')
        note(`is summarised by ${li.summary.toLowerCase()}, so a share of its total means nothing`)
      const t = total?.value
      series.figures = figures.map((f) => ({
        ...f,
        share: li.summary === 'SUM' && t && f.value !== null ? (f.value / t) * 100 : null,
      }))
    }
    if (shape.kind === 'ranking') {
      const known = figures.filter((f) => f.value !== null) as { label: string; value: number }[]
      known.sort((a, b) => (shape.order === 'asc' ? a.value - b.value : b.value - a.value))
      figures = shape.limit ? known.slice(0, shape.limit) : known
      series.figures = figures
      series.order = shape.order
    }
    return { result: series, reads }
  }

  if (shape.kind === 'compare' || shape.kind === 'explain') {
    const axisId =
      shape.axis.kind === 'list' ? (dimensionFor(li, shape.axis.id, catalog) ?? shape.axis.id) : shape.axis.id
    const axisPoints = axes.get(axisId) ?? []
    if (axisPoints.length < 2)
      throw new BotError(
        'invalid_input',
        `Which two ${shape.axis.name || dimName(catalog, axisId)} should I compare?`,
      )
    if (shape.kind === 'compare') {
      const { cube: c, reads } = await cube(scope, li, axes, {
        views: catalog.views,
        ...(requestOptions ? { requestOptions } : {}),
      })
      const fixed = new Map([...axes].map(([d, ps]) => [d, ps[0] as Point]))
      const figures = axisPoints.map((p) => {
        fixed.set(axisId, p)
        const v = c.value(fixed)
        note(v.reason)
        return { label: p.label, value: v.value }
      })
      const first = figures[0]?.value ?? null
      return {
        result: {
          ...base([axisId]),
          kind: 'compare',
          axis: dimName(catalog, axisId),
          figures: figures.map((f, i) =>
            i === 0
              ? f
              : {
                  ...f,
                  diff: f.value !== null && first !== null ? round(f.value - first) : null,
                  pct: f.value !== null && first ? ((f.value - first) / Math.abs(first)) * 100 : null,
                },
          ),
        },
        reads,
      }
    }
    // Explain: the change between two points, split over the children of each other list.
    const [a, b] = axisPoints as [Point, Point]
    axes.set(axisId, [a, b])
    const over = dims.filter((d) => d !== axisId && d !== TIME_ID && d !== VERSIONS_ID)
    const splitPoints = new Map<string, Point[]>()
    for (const d of over) {
      const list = catalogList(catalog, d)
      const at = axes.get(d)?.[0]
      const fixedItem = at && !at.total ? (list.items ?? []).find((i) => i.name === at.label) : undefined
      const kids = fixedItem ? childrenOf(list, fixedItem.id) : leaves(list)
      if (kids.length > 1)
        splitPoints.set(
          d,
          kids.map((k) => ({ label: k.name, members: [k.name] })),
        )
    }
    const wide = new Map(axes)
    for (const [d, ps] of splitPoints) wide.set(d, [...(axes.get(d) ?? []), ...ps])
    const { cube: c, reads } = await cube(scope, li, wide, {
      views: catalog.views,
      ...(requestOptions ? { requestOptions } : {}),
    })
    const fixed = new Map([...axes].map(([d, ps]) => [d, ps[0] as Point]))
    const at = (p: Point, d?: string, q2?: Point) => {
      const f = new Map(fixed)
      f.set(axisId, p)
      if (d && q2) f.set(d, q2)
      const v = c.value(f)
      note(v.reason)
      return v.value
    }
    const from = { label: a.label, value: at(a) }
    const to = { label: b.label, value: at(b) }
    const change = from.value !== null && to.value !== null ? round(to.value - from.value) : null
    const splits: { by: string; parts: { label: string; change: number; share: number | null }[] }[] = []
    if (li.summary === 'SUM' && change !== null) {
      for (const [d, ps] of splitPoints) {
        const parts = ps
          .map((p) => {
            const x = at(a, d, p)
            const y = at(b, d, p)
            return x === null || y === null ? undefined : { label: p.label, change: round(y - x) }
          })
          .filter((x) => x !== undefined)
          .map((p) => ({ ...p, share: change ? (p.change / change) * 100 : null }))
        parts.sort((x, y) => (change >= 0 ? y.change - x.change : x.change - y.change))
        splits.push({ by: dimName(catalog, d), parts })
      }
    } else if (change !== null && splitPoints.size)
      notes.push(
        `${li.name} is not summed, so its change does not split over ${[...splitPoints.keys()].map((d) => dimName(catalog, d)).join(' and ')}.`,
      )
    return {
      result: {
        ...base([axisId]),
        kind: 'explain',
        axis: dimName(catalog, axisId),
        from,
        to,
        change,
        splits,
      },
      reads,
    }
  }

  // A value: one figure per combination of the named points (a table when several).
  const { cube: c, reads } = await cube(scope, li, axes, {
    views: catalog.views,
    ...(requestOptions ? { requestOptions } : {}),
  })
  const varying = dims.filter((d) => (axes.get(d) ?? []).length > 1)
  const figures: Figure[] = []
  for (const at of combinations(axes, dims)) {
    const v = c.value(at)
    note(v.reason)
    figures.push({ label: varying.map((d) => at.get(d)?.label ?? '').join(' · '), value: v.value })
  }
  const result: Result = { ...base(varying), kind: 'value', figures }
  if (varying.length) result.by = varying.map((d) => dimName(catalog, d)).join(' · ')
  return { result, reads }
}

function catalogList(catalog: ModelCatalog, id: string) {
  const l = catalog.lists.find((x) => x.id === id)
  if (!l) throw new BotError('not_found', `The model has no list ${id}.`)
  return l
}

function versionPoints(catalog: ModelCatalog): Point[] {
  return catalog.versions.map((v) => ({ label: v.name, members: [v.name] }))
}

/** The total a breakdown or share is measured against: the named parent, else the list's top. */
function totalOf(q: Question, dimId: string, catalog: ModelCatalog): Point | undefined {
  if (dimId === TIME_ID || dimId === VERSIONS_ID) return undefined
  const list = catalog.lists.find((l) => l.id === dimId)
  if (!list) return undefined
  const sel = selectorFor(q, dimId, catalog)
  if (sel?.kind === 'items' && sel.items.length === 1) {
    const it = sel.items[0] as { id: string; name: string }
    if (childrenOf(list, it.id).length || it.id === list.topLevelItem?.id)
      return { label: it.name, members: [it.name], total: true }
  }
  if (sel?.kind === 'children') return { label: sel.of.name, members: [sel.of.name], total: true }
  if (list.topLevelItem)
    return { label: list.topLevelItem.name, members: [list.topLevelItem.name], total: true }
  return { label: `all ${list.name}`, members: leaves(list).map((i) => i.name), total: true }
}
