/**
 * The points of each dimension a question covers: an Anaplan item (a leaf, a parent, a list's
 * top-level item, a period), or several members to aggregate (a run of months). Levels of a
 * composite hierarchy (Region > Country > Store) are items of the lowest list's dimension, so
 * "by country" is the Country items on the Store dimension.
 */
import type { CatalogLineItem, CatalogPeriod, ModelCatalog } from '../../anaplan/catalog.ts'
import { BotError } from '../core/errors.ts'
import { childrenOf, defaultVersion, itemsUnder, leaves, listChain } from './names.ts'
import { defaultYear, monthsOf, periodById, periodsWithin, runOf, yearsOf } from './periods.ts'
import type { Question, Selector } from './question.ts'
import { TIME_ID, VERSIONS_ID } from './read.ts'

/** One position on a dimension: an item Anaplan has, or several to aggregate (a run of months). */
export interface Point {
  label: string
  members: string[]
  /** The dimension's total (a list's top-level item, a year): said as "all Products". */
  total?: boolean
  /** The catalog item when the point is one list item. */
  itemId?: string
}

/** The selector of the slice for dimension `dimId`: its own, or one keyed by a list above it. */
export function selectorFor(q: Question, dimId: string, catalog: ModelCatalog): Selector | undefined {
  if (q.slice[dimId]) return q.slice[dimId]
  const list = catalog.lists.find((x) => x.id === dimId)
  if (!list) return undefined
  for (const l of listChain(catalog, list).slice(1)) if (q.slice[l.id]) return q.slice[l.id]
  return undefined
}

/** The measure dimension a "by" list stands for (itself, or the dimension below it). */
export function dimensionFor(li: CatalogLineItem, byId: string, catalog: ModelCatalog): string | undefined {
  if (byId === TIME_ID) return li.timeScale ? TIME_ID : undefined
  if (li.dimensionIds.includes(byId)) return byId
  for (const d of li.dimensionIds) {
    const list = catalog.lists.find((x) => x.id === d)
    if (list && listChain(catalog, list).some((l) => l.id === byId)) return d
  }
  return undefined
}

export function dimName(catalog: ModelCatalog, id: string): string {
  if (id === TIME_ID) return 'Time'
  if (id === VERSIONS_ID) return 'Versions'
  return catalog.lists.find((l) => l.id === id)?.name ?? id
}

const itemPoint = (i: { id: string; name: string }): Point => ({
  label: i.name,
  members: [i.name],
  itemId: i.id,
})

/** The points of one dimension for the question's slice (no breakdown). */
export function slicePoints(q: Question, dimId: string, catalog: ModelCatalog): Point[] {
  const sel = selectorFor(q, dimId, catalog)
  if (dimId === TIME_ID) {
    if (!sel) {
      const y = defaultYear(catalog)
      if (!y) throw noPeriod(catalog)
      return [{ label: y.name, members: [y.name], total: true }]
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
    return sel.items.map((i) => ({ ...itemPoint(i), total: i.id === list.topLevelItem?.id }))
  if (sel?.kind === 'children') return childrenOf(list, sel.of.id).map(itemPoint)
  if (sel?.kind === 'all') return leaves(list).map(itemPoint)
  if (list.topLevelItem)
    return [
      {
        label: `all ${list.name}`,
        members: [list.topLevelItem.name],
        total: true,
        itemId: list.topLevelItem.id,
      },
    ]
  // No top-level item: the total is the aggregate of the leaves by the line item's summary.
  return [{ label: `all ${list.name}`, members: leaves(list).map((i) => i.name), total: true }]
}

/** Several years and no period named: asked back (the parser does; this is the engine's backstop). */
function noPeriod(catalog: ModelCatalog): BotError {
  const years = yearsOf(catalog).map((y) => y.name)
  return new BotError(
    'invalid_input',
    `For which period? ${catalog.modelName ?? 'The model'} covers ${years.join(', ')}; please name one (for example "${years.at(-1) ?? 'FY26'}").`,
  )
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
  return monthsOf(catalog, ...yearSpan(catalog, 'month')).map((m) => ({ label: m.name, members: [m.name] }))
}

/** The span a shape over Time covers when no period is named: the only year, or every year "by year". */
function yearSpan(catalog: ModelCatalog, level: string): [CatalogPeriod, CatalogPeriod] {
  const years = yearsOf(catalog)
  const y = defaultYear(catalog)
  if (level === 'year' && years.length) return [years[0] as CatalogPeriod, years.at(-1) as CatalogPeriod]
  if (!y) throw years.length ? noPeriod(catalog) : new BotError('not_found', 'The model has no time periods.')
  return [y, y]
}

/** The periods of `level` a trend or a time breakdown shows, within the time slice (the year by default). */
export function periodsOf(q: Question, level: string, catalog: ModelCatalog): Point[] {
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
  if (!from || !to) [from, to] = yearSpan(catalog, level)
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

/**
 * The rows of a breakdown or ranking on dimension `dimId`, at the level asked: the dimension's own
 * list, or a list above it ("by country" on Store). Items the slice names narrow them to what is
 * under those items ("per subcategory for Footwear"); two or more of the asked level are the rows.
 */
export function byPoints(q: Question, dimId: string, catalog: ModelCatalog): Point[] {
  const list = catalog.lists.find((l) => l.id === dimId)
  if (!list) return []
  const askedId =
    q.shape.kind === 'breakdown' || q.shape.kind === 'ranking' || q.shape.kind === 'share'
      ? q.shape.by.id
      : dimId
  const target = listChain(catalog, list).find((l) => l.id === askedId) ?? list
  const sel = selectorFor(q, dimId, catalog)
  const own = (id: string) => (target.items ?? []).some((i) => i.id === id)
  if (sel?.kind === 'items' && sel.items.length >= 2 && sel.items.every((i) => own(i.id)))
    return sel.items.map(itemPoint)
  if (sel?.kind === 'items' && sel.items.length) {
    const under = sel.items.flatMap((i) => itemsUnder(catalog, target, i.id))
    if (under.length) return [...new Map(under.map((i) => [i.id, i])).values()].map(itemPoint)
    return sel.items.map(itemPoint)
  }
  if (sel?.kind === 'children') return itemsUnder(catalog, target, sel.of.id).map(itemPoint)
  return leaves(target).map(itemPoint)
}

export function versionPoints(catalog: ModelCatalog): Point[] {
  return catalog.versions.map((v) => ({ label: v.name, members: [v.name] }))
}

/** The total a breakdown or share is measured against: the named parent, else the list's top. */
export function totalOf(q: Question, dimId: string, catalog: ModelCatalog): Point | undefined {
  if (dimId === TIME_ID || dimId === VERSIONS_ID) return undefined
  const list = catalog.lists.find((l) => l.id === dimId)
  if (!list) return undefined
  const sel = selectorFor(q, dimId, catalog)
  if (q.shape.kind === 'share' && sel?.kind === 'items' && sel.items.length === 1) {
    // "South's share" with South an item of the level asked: measured against South's parent.
    const by = q.shape.by.id
    const target = listChain(catalog, list).find((l) => l.id === by)
    const own = target?.items?.find((i) => i.id === sel.items[0]?.id)
    if (target && own) {
      const parent = own.parentId ? parentItem(catalog, own.parentId) : undefined
      const top = parent ?? list.topLevelItem ?? target.topLevelItem
      if (top) return { label: top.name, members: [top.name], total: true, itemId: top.id }
    }
  }
  // "drop gizmos" from a breakdown: the total of the items shown, not of the whole list.
  if (q.shape.kind === 'breakdown' && sel?.kind === 'items' && sel.items.length >= 2)
    return { label: `The ${sel.items.length} shown`, members: sel.items.map((i) => i.name) }
  if (sel?.kind === 'items' && sel.items.length === 1) {
    const it = sel.items[0] as { id: string; name: string }
    if (itemsUnder(catalog, list, it.id).length || it.id === list.topLevelItem?.id)
      return { label: it.name, members: [it.name], total: true, itemId: it.id }
  }
  if (sel?.kind === 'children') return { label: sel.of.name, members: [sel.of.name], total: true }
  if (list.topLevelItem)
    return {
      label: list.topLevelItem.name,
      members: [list.topLevelItem.name],
      total: true,
      itemId: list.topLevelItem.id,
    }
  return { label: `all ${list.name}`, members: leaves(list).map((i) => i.name), total: true }
}

/** An item by id in any list, or a list's top-level item. */
function parentItem(catalog: ModelCatalog, id: string): { id: string; name: string } | undefined {
  for (const l of catalog.lists) {
    if (l.topLevelItem?.id === id) return l.topLevelItem
    const it = l.items?.find((i) => i.id === id)
    if (it) return it
  }
  return undefined
}
