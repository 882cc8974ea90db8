/**
 * Executes a `Question` against Anaplan, deterministically: each dimension becomes a list of
 * points (`points.ts`), the cells are read in as few view reads as the layout allows (`cells.ts`),
 * and each figure is a cell Anaplan computed or an aggregate of cells by the line item's own
 * summary method (`cube.ts`). This module picks the computation per shape; nothing here invents
 * a figure.
 */
import type { CatalogLineItem, ModelCatalog } from '../../anaplan/catalog.ts'
import type { ModelScope, RequestOptions } from '../core/anaplan.ts'
import { BotError } from '../core/errors.ts'
import { combinations, cube, round } from './cube.ts'
import { explainChange } from './explain.ts'
import { listChain } from './names.ts'
import { previousPeriod } from './periods.ts'
import {
  byPoints,
  dimensionFor,
  dimName,
  type Point,
  periodsOf,
  slicePoints,
  totalOf,
  versionPoints,
} from './points.ts'
import type { Measure, Question } from './question.ts'
import { TIME_ID, VERSIONS_ID } from './read.ts'
import type { Base, Executed, Figure, Result } from './result.ts'

export { summarise } from './cube.ts'
export type { Point } from './points.ts'
export type { Executed, Figure, Result, Where } from './result.ts'

function lineItem(catalog: ModelCatalog, m: Measure): CatalogLineItem {
  const li = catalog.lineItems.find((x) => x.id === m.lineItemId)
  if (!li) throw new BotError('not_found', `${m.lineItem} is no longer in the model.`)
  return li
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
  for (const each of perItem(q, catalog)) {
    for (const m of each.measures) {
      const li = lineItem(catalog, m)
      const r = await executeOne(each, li, m, scope, catalog, requestOptions)
      results.push(r.result)
      reads += r.reads
    }
  }
  // "revenue and units combined": two measures are added up only through a line item whose
  // formula is their sum (the parser picks it); otherwise their units may differ.
  const last = results.at(-1)
  if (q.shape.kind === 'value' && q.shape.combine && q.measures.length > 1 && last)
    last.notes.push(
      `No line item of the model adds up ${q.measures.map((m) => m.lineItem).join(' and ')}, so they are shown apart.`,
    )
  return { results, reads }
}

/**
 * The named points added up ("EMEA and APAC combined"): only over one list or Time at a time, and
 * only where the line item's summary there is a sum, as Anaplan would add them in a parent.
 */
function combinedFigure(
  li: CatalogLineItem,
  varying: readonly string[],
  figures: readonly Figure[],
): { figure: Figure } | { reason: string } {
  const [d, ...more] = varying
  if (d === undefined || more.length)
    return { reason: 'is added up over one list at a time, so there is no combined figure' }
  if (d === VERSIONS_ID) return { reason: 'is not added up over versions' }
  const method = d === TIME_ID ? li.timeSummary : li.summary
  if (method !== 'SUM')
    return {
      reason: `is not added up (its summary is ${method.toLowerCase()}), so there is no combined figure`,
    }
  const label = figures.map((f) => f.label).join(' + ')
  if (figures.some((f) => f.value === null))
    return { reason: `has no value for all of ${label}, so there is no combined figure` }
  return { figure: { label, value: round(figures.reduce((a, f) => a + (f.value ?? 0), 0)) } }
}

/** The most answers one question may split into ("by month for widgets, gadgets and gizmos"). */
const MAX_SPLIT = 6

/**
 * A breakdown, ranking, share, trend, comparison or explanation with several items named on
 * another dimension ("units by month for widgets and gadgets") is one answer per item: each
 * shape varies one axis, and an item beside it is never dropped nor silently summed.
 */
function perItem(q: Question, catalog: ModelCatalog): Question[] {
  const s = q.shape
  if (s.kind === 'value') return [q]
  const axis = s.kind === 'trend' ? TIME_ID : 'by' in s ? s.by.id : s.axis.id
  const onAxis = (key: string) => {
    if (key === axis) return true
    // Items of a list above the axis narrow its members ("stores in Norway and Sweden").
    const list = catalog.lists.find((l) => l.id === axis)
    return list ? listChain(catalog, list).some((l) => l.id === key) : false
  }
  const split = Object.entries(q.slice).find(
    ([key, sel]) => sel.kind === 'items' && sel.items.length > 1 && !onAxis(key),
  )
  if (!split) return [q]
  const [key, sel] = split as [string, { kind: 'items'; items: { id: string; name: string }[] }]
  if (sel.items.length > MAX_SPLIT)
    throw new BotError(
      'invalid_input',
      `That asks for ${sel.items.length} separate answers, one per ${sel.items.map((i) => i.name).join(', ')}; please name at most ${MAX_SPLIT}.`,
    )
  return sel.items.flatMap((item) =>
    perItem({ ...q, slice: { ...q.slice, [key]: { kind: 'items', items: [item] } } }, catalog),
  )
}

/** The question with its one period preceded by the period before it, when the model has one. */
function intoPeriod(q: Question, catalog: ModelCatalog): Question | undefined {
  const t = q.slice[TIME_ID]
  if (t?.kind !== 'items' || t.items.length !== 1) return undefined
  const p = catalog.periods.find((x) => x.id === t.items[0]?.id)
  const before = p ? previousPeriod(catalog, p) : undefined
  if (!p || !before) return undefined
  const items = [
    { id: before.id, name: before.name },
    { id: p.id, name: p.name },
  ]
  return { ...q, slice: { ...q.slice, [TIME_ID]: { kind: 'items', items } } }
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
  for (const d of dims) axes.set(d, slicePoints(q, d, catalog))
  const shape = q.shape
  // "why did headcount jump in april": a change at one period is the change into it, from the
  // period before at its level; the answer names both.
  const into = shape.kind === 'explain' && shape.axis.id === TIME_ID ? intoPeriod(q, catalog) : undefined
  if (into) axes.set(TIME_ID, slicePoints(into, TIME_ID, catalog))
  const notes: string[] = []
  const base = (vary: readonly string[]): Base => ({
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
  const read = (a: Map<string, Point[]>) => cube(scope, li, a, catalog, requestOptions)

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
        `${li.name} is not broken down by ${shape.kind === 'trend' ? 'time' : shape.by.name || dimName(catalog, shape.by.id)}.`,
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
    const { cube: c, reads } = await read(axes)
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
    // "by country" on Store: the rows are countries, and the answer says so.
    const byName =
      byId === TIME_ID
        ? level
        : shape.kind !== 'trend' && shape.by.kind === 'list'
          ? dimName(catalog, shape.by.id)
          : dimName(catalog, byId)
    const series: Result & { kind: 'series' } = {
      ...base([byId]),
      kind: 'series',
      shape: shape.kind,
      by: byName,
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
        axisId === TIME_ID
          ? 'Which two periods should I compare? Name them, for example "from Q1 to Q2".'
          : `Which two ${shape.axis.name || dimName(catalog, axisId)} should I compare?`,
      )
    if (shape.kind === 'explain') {
      // A gap between versions is explained from the plan to what happened: "from Budget to
      // Actual", whichever order they were named in.
      if (axisId === VERSIONS_ID) {
        const actual = catalog.versions.find((v) => v.isActual)
        const [a, b] = axisPoints
        if (actual && a && b && a.label === actual.name && b.label !== actual.name)
          axes.set(axisId, [b, a, ...axisPoints.slice(2)])
      }
      const over = shape.over?.map((d) =>
        d.kind === 'list' ? (dimensionFor(li, d.id, catalog) ?? d.id) : d.id,
      )
      const x = await explainChange(li, axisId, axes, scope, catalog, requestOptions, {
        ...(over ? { over } : {}),
        ...(shape.rank ? { rank: shape.rank } : {}),
      })
      notes.push(...x.notes)
      const { from, to, change, splits } = x
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
        reads: x.reads,
      }
    }
    const { cube: c, reads } = await read(axes)
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

  // A value: one figure per combination of the named points (a table when several).
  const { cube: c, reads } = await read(axes)
  const varying = dims.filter((d) => (axes.get(d) ?? []).length > 1)
  const figures: Figure[] = []
  for (const at of combinations(axes, dims)) {
    const v = c.value(at)
    note(v.reason)
    figures.push({ label: varying.map((d) => at.get(d)?.label ?? '').join(' · '), value: v.value })
  }
  const result: Result = { ...base(varying), kind: 'value', figures }
  if (varying.length) result.by = varying.map((d) => dimName(catalog, d)).join(' · ')
  // "salaries and travel combined", answered by Total Expenses: what it adds up, said.
  if (shape.kind === 'value' && shape.combine && li.formula && figures.length === 1)
    notes.push(`${li.name} is ${li.formula} in the model.`)
  if (shape.kind === 'value' && shape.combine && figures.length > 1) {
    const sum = combinedFigure(li, varying, figures)
    if ('figure' in sum) result.combined = sum.figure
    else note(sum.reason)
  }
  return { result, reads }
}
