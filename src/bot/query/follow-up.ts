/**
 * A follow-up edits the focus (the last question) instead of starting over: a coordinate replaced
 * ("how about LATAM?", "and Q2?", "for Actual instead"), the measure changed ("what about price?"),
 * a breakdown added ("break that down by product", "by month"), a ranking flipped ("and the
 * lowest?"), the presentation changed ("as a graph"). Words that refer back ("that region", "the
 * same period") leave the focus as it is.
 */
import type { CatalogLineItem, ModelCatalog } from '../../anaplan/catalog.ts'
import { nearNames } from './names.ts'
import { askedDim, combined, isAncestorList, measureOf, shapeOf, sliceOf } from './parse.ts'
import type { DimensionRef, Question, Selector, Shape } from './question.ts'
import { type Reading, TIME_ID, TIME_REF, VERSIONS_ID, VERSIONS_REF } from './read.ts'

function lineItem(catalog: ModelCatalog, id: string): CatalogLineItem | undefined {
  return catalog.lineItems.find((li) => li.id === id)
}

/** The focus changed by the words of `r`; undefined when the words change nothing. */
export function applyFollowUp(
  focus: Question,
  r: Reading,
  catalog: ModelCatalog,
  prior?: Question,
): Question | undefined {
  const next: Question = structuredClone(focus)
  let changed = false
  // "whats the gap between those two" after Actual then Forecast: the two answers compared.
  const pair =
    (r.cues.compare || r.cues.explain) && !r.items.length && !r.versions.length && !r.periods.points.length
  // A comparison on screen has its own two points: "which depts explain the gap" is its gap.
  const own = focus.shape.kind === 'compare' || focus.shape.kind === 'explain'
  const axis = pair && prior && !own ? lastTwoAxis(prior, focus) : undefined
  if (axis && !r.measures.length) {
    const a = prior?.slice[axis.id]
    const b = focus.slice[axis.id]
    const first = a?.kind === 'items' ? a.items[0] : defaultPoint(axis.id, catalog)
    const second = b?.kind === 'items' ? b.items[0] : defaultPoint(axis.id, catalog)
    if (first && second && first.id !== second.id) {
      next.slice[axis.id] = { kind: 'items', items: [first, second] }
      next.shape = r.cues.explain ? { kind: 'explain', axis } : { kind: 'compare', axis }
      return next
    }
  }
  // "whats the total of both" after EMEA then APAC, or after Salaries then Travel: the last two
  // answers added up, each shown beside the sum.
  const plain = !r.items.length && !r.versions.length && !r.periods.points.length && !r.measures.length
  if (r.cues.combine && plain && prior && prior.modelId === focus.modelId) {
    const along = lastTwoAxis(prior, focus)
    const a = along ? prior.slice[along.id] : undefined
    const b = along ? focus.slice[along.id] : undefined
    const first =
      along && a?.kind === 'items' ? a.items[0] : along ? defaultPoint(along.id, catalog) : undefined
    const second =
      along && b?.kind === 'items' ? b.items[0] : along ? defaultPoint(along.id, catalog) : undefined
    if (along && along.kind !== 'version' && first && second && first.id !== second.id) {
      next.slice[along.id] = { kind: 'items', items: [first, second] }
      next.shape = { kind: 'value', combine: true }
      return next
    }
    const pm = prior.measures[0]
    const fm = focus.measures[0]
    const sameSlice = JSON.stringify(prior.slice) === JSON.stringify(focus.slice)
    if (pm && fm && pm.lineItemId !== fm.lineItemId && sameSlice && prior.measures.length === 1) {
      next.measures = [pm, ...focus.measures]
      next.shape = { kind: 'value', combine: true }
      combined(next, catalog)
      return next
    }
  }
  if (r.measures.length) {
    next.measures = r.measures.map(measureOf)
    changed = true
  }
  const words = sliceOf(r)
  // "vs budget" after an Actual figure: Actual against Budget, not the current version added.
  const shown = focus.slice[VERSIONS_ID]
  const said = words[VERSIONS_ID]
  if (r.versionAdded && shown?.kind === 'items' && shown.items.length === 1 && said?.kind === 'items') {
    const [first, ...rest] = said.items
    const was = shown.items[0]
    if (first && was && !rest.some((x) => x.id === was.id))
      words[VERSIONS_ID] = { kind: 'items', items: [was, ...rest] }
  }
  // "for the company", "overall": every list back at its total.
  if (r.whole)
    for (const dim of Object.keys(next.slice))
      if (dim !== TIME_ID && dim !== VERSIONS_ID && !words[dim]) {
        delete next.slice[dim]
        changed = true
      }
  // "…? all regions", "across every product": that list back at its total.
  for (const d of r.dims)
    if (
      d.ref.kind === 'list' &&
      !words[d.ref.id] &&
      next.slice[d.ref.id] &&
      /\b(?:all|every|across(?:\s+all)?)(?:\s+(?:the|our|of\s+the))?\s*$/.test(r.lc.slice(0, d.start))
    ) {
      delete next.slice[d.ref.id]
      changed = true
    }
  // "swap gadgets for sprockets", "sprockets instead of gadgets": one item of the focus replaced
  // by another, the rest of the comparison kept.
  const swap = swapped(r)
  if (swap) {
    const had = next.slice[swap.listId]
    if (had?.kind === 'items' && had.items.some((i) => i.id === swap.out.id)) {
      next.slice[swap.listId] = {
        kind: 'items',
        items: had.items.map((i) => (i.id === swap.out.id ? swap.in : i)),
      }
      delete words[swap.listId]
      changed = true
    }
  }
  // The words name both points of a comparison on some dimension: nothing to add from the focus.
  const pairInWords = Object.values(words).some((w) => w.kind === 'items' && w.items.length >= 2)
  const shapeWords = (r.cues.compare || r.cues.explain) && !pairInWords
  for (const [dim, raw] of Object.entries(words)) {
    const had = next.slice[dim]
    // "what about jan to feb" after a change between two months: the two ends, not their sum.
    const between =
      raw.kind === 'range' &&
      dim === TIME_ID &&
      (focus.shape.kind === 'explain' || focus.shape.kind === 'compare')
    const sel: Selector = between && raw.kind === 'range' ? { kind: 'items', items: [raw.from, raw.to] } : raw
    // "compare with budget" after a Forecast figure: both versions, the focus's first.
    if (shapeWords && sel.kind === 'items' && sel.items.length === 1) {
      const first =
        had?.kind === 'items' && had.items.length === 1 ? had.items[0] : defaultPoint(dim, catalog)
      if (first && first.id !== sel.items[0]?.id) {
        next.slice[dim] = { kind: 'items', items: [first, ...sel.items] }
        changed = true
        continue
      }
    }
    next.slice[dim] = sel
    changed = true
  }
  // A measure without a dimension the focus sliced (Headcount has no Products): that slice goes.
  const dims = new Set(next.measures.flatMap((m) => lineItem(catalog, m.lineItemId)?.dimensionIds ?? []))
  const timed = next.measures.some((m) => lineItem(catalog, m.lineItemId)?.timeScale)
  // With no measure matched yet (named back), nothing says which slices fit: all are kept.
  for (const dim of next.measures.length ? Object.keys(next.slice) : []) {
    if (dim === VERSIONS_ID) continue
    // A list above a dimension (Country above Store) slices it too: kept.
    const listDim = catalog.lists.some((l) => l.id === dim)
    if (dim === TIME_ID ? !timed : listDim && !dims.has(dim) && !isAncestorList(catalog, dim, dims))
      delete next.slice[dim]
  }
  const shape = newShape(focus, next, r, catalog)
  if (shape) {
    next.shape = shape
    changed = true
  }
  if (r.cues.presentation) {
    next.presentation = r.cues.presentation
    changed = true
  }
  // A name the last question could not match stays unmatched until the words replace it: "ok what
  // about sprockets then" after "rev for thingamajigs" asks of Sprockets; "and in q2?" still names
  // 'thingamajigs' back, never dropping it.
  // "ok what about legal" after "HR headcount" named HR back: the new unknown word stands where
  // the last one did (a department), replacing it, never a second refusal beside it.
  const stood = focus.unresolved?.filter((u) => u.expected === 'item')
  const was = stood?.length === 1 ? stood[0] : undefined
  const bare = !r.items.length && !r.periods.points.length && r.lc.trim().split(/\s+/).length <= 5
  const typed = r.unresolved.length === 1 ? r.unresolved[0] : undefined
  const retarget = was && typed && bare && !r.measures.length && typed.expected === 'measure'
  const list = retarget && was.dimension ? catalog.lists.find((l) => l.name === was.dimension) : undefined
  const told: NonNullable<Question['unresolved']> = retarget
    ? [
        {
          text: typed.text,
          expected: 'item',
          ...(was.dimension ? { dimension: was.dimension } : {}),
          near: nearNames(
            (list?.items ?? []).map((x) => x.name),
            typed.text,
          ),
        },
      ]
    : r.unresolved
  const carried = (focus.unresolved ?? []).filter((u) => !replaced(u, r, catalog) && !(retarget && u === was))
  const unresolved = [...carried, ...told]
  if (unresolved.length) next.unresolved = unresolved
  else delete next.unresolved
  if ((focus.unresolved?.length ?? 0) !== (next.unresolved?.length ?? 0) || r.unresolved.length)
    changed = true
  return changed ? next : undefined
}

/** Words of the difference a comparison showed. */
const GAP_RE = /\b(?:gap|difference|diff|variance|delta|change|shortfall|overrun)\b/

const SWAP_VERB_RE =
  /\b(?:swap|switch|replace|change|exchange|sub|substitute|trade)\s+(?:out\s+)?(?:the\s+)?$/
const SWAP_INTO_RE = /^\s*(?:for|with|to|by|into|->|→|=>)\s+(?:the\s+)?$/
const SWAP_INSTEAD_RE = /^\s*,?\s*(?:instead\s+of|in\s+place\s+of|rather\s+than|not)\s+(?:the\s+)?$/

/** The item taken out and the one put in, when the words swap two items of one list. */
function swapped(
  r: Reading,
): { listId: string; out: { id: string; name: string }; in: { id: string; name: string } } | undefined {
  const named = r.items.filter((i) => i.start >= 0).sort((a, b) => a.start - b.start)
  for (let k = 0; k + 1 < named.length; k++) {
    const a = named[k] as (typeof named)[number]
    const b = named[k + 1] as (typeof named)[number]
    if (a.listId !== b.listId || a.item.id === b.item.id) continue
    // The words between the two names (the first as typed: its name, else its first word).
    const from = r.lc.slice(a.start, b.start)
    const name = a.item.name.toLowerCase()
    const between = from.startsWith(name) ? from.slice(name.length) : from.replace(/^\S*/, '')
    const before = r.lc.slice(0, a.start)
    const ref = (x: typeof a) => ({ id: x.item.id, name: x.item.name })
    if (SWAP_VERB_RE.test(before) && SWAP_INTO_RE.test(between))
      return { listId: a.listId, out: ref(a), in: ref(b) }
    if (SWAP_INSTEAD_RE.test(between)) return { listId: a.listId, out: ref(b), in: ref(a) }
  }
  return undefined
}

/** Whether the words name what an unmatched name of the focus stood for. */
function replaced(
  u: NonNullable<Question['unresolved']>[number],
  r: Reading,
  catalog: ModelCatalog,
): boolean {
  switch (u.expected) {
    case 'operation':
      // What the engine does not compute is not carried on: the next words are a new attempt.
      return true
    case 'measure':
      // Another measure named, known or not ("whats the churn rate then"), replaces it.
      return r.measures.length > 0 || r.unresolved.some((x) => x.expected === 'measure')
    case 'period':
      // A trend or a series by period ("so what's the trend") runs over the periods there are.
      return (
        r.periods.points.length > 0 ||
        Boolean(r.periods.selector) ||
        Boolean(r.periods.perLevel) ||
        r.cues.trend
      )
    case 'version':
      return r.versions.length > 0
    case 'dimension':
      return r.dims.length > 0
    default: {
      const list = u.dimension ? catalog.lists.find((l) => l.name === u.dimension) : undefined
      return r.items.some((i) => !list || i.listId === list.id)
    }
  }
}

/** "and which month?", "what about the best quarter": a level of periods asked for. */
const WHICH_LEVEL_RE = /\b(?:which|what|best|worst|top|highest|lowest)\s+(month|mth|quarter|qtr|half)s?\b/

function defaultPoint(dim: string, catalog: ModelCatalog): { id: string; name: string } | undefined {
  if (dim !== VERSIONS_ID) return undefined
  const v =
    catalog.versions.find((x) => x.isCurrent) ?? catalog.versions.find((x) => /forecast/i.test(x.name))
  return v ? { id: v.id, name: v.name } : undefined
}

function newShape(focus: Question, next: Question, r: Reading, catalog: ModelCatalog): Shape | undefined {
  const c = r.cues
  const was = focus.shape
  // "flip it", "reverse the ranking": the same ranking, the order turned over (a page change
  // names where to: "flip it to budget").
  if (c.flip && was.kind === 'ranking' && !r.items.length && !r.versions.length && !r.periods.points.length) {
    const flipped: Shape = { ...was, order: was.order === 'asc' ? 'desc' : 'asc' }
    if (c.ranking?.limit) flipped.limit = c.ranking.limit
    return flipped
  }
  // "and which month?" after the highest quarter: the same ranking, of months.
  const level = WHICH_LEVEL_RE.exec(r.lc)?.[1]
  if (
    level &&
    was.kind === 'ranking' &&
    was.by.id === TIME_ID &&
    r.dims.every((d) => d.ref.id === TIME_ID) &&
    !r.items.length
  ) {
    const l = level.startsWith('q') ? 'quarter' : level.startsWith('h') ? 'half' : 'month'
    // "and the worst month" after the best quarter: months, and the order said.
    const order = c.ranking?.explicitOrder ? c.ranking.order : was.order
    if (l !== (was.level ?? 'month') || order !== was.order) return { ...was, level: l, order }
  }
  // "ok and the full-year total for that" after a series: the one figure over it.
  if (
    c.total &&
    // "what about total expense?" names a measure, not a total of the series.
    !r.measures.some((m) => /\b(?:total|overall|sum)\b/i.test(m.name)) &&
    !c.ranking &&
    !c.share &&
    !c.compare &&
    !r.dims.length &&
    !r.periods.perLevel &&
    (was.kind === 'trend' || was.kind === 'breakdown' || was.kind === 'ranking')
  )
    return { kind: 'value' }
  // "and which was the lowest?": the same ranking, the other way.
  if (c.ranking && was.kind === 'ranking' && !askedDim(r, next.measures, catalog)) {
    const flipped: Shape = { ...was, order: c.ranking.explicitOrder ? c.ranking.order : was.order }
    if (c.ranking.limit) flipped.limit = c.ranking.limit
    return flipped
  }
  if (
    c.ranking &&
    (was.kind === 'breakdown' || was.kind === 'share') &&
    !askedDim(r, next.measures, catalog)
  ) {
    // "which was the lowest?" after a breakdown: one item; "sort them" keeps them all.
    const one =
      /\b(?:which|what)\s+(?:one\s+)?(?:was|is|had|has|did)\b|\bthe\s+\w+est\b|\bthe\s+(?:most|least)\b/.test(
        r.lc,
      )
    const limit = c.ranking.limit ?? (one && c.ranking.explicitOrder ? 1 : undefined)
    return { kind: 'ranking', by: was.by, order: c.ranking.order, ...(limit ? { limit } : {}) }
  }
  // "same thing but by product" after a why: the change split over the products instead.
  if (was.kind === 'explain' && r.dims.length && !(c.compare || c.share || c.trend || c.ranking)) {
    const over = r.dims.map((d) => d.ref).filter((d) => d.id !== was.axis.id && d.id !== TIME_ID)
    if (over.length === r.dims.length) return { ...was, over }
  }
  // "break it down by product" after Actual against Budget: the gap split over the products, both
  // sides kept (a breakdown of one side would drop the comparison asked before).
  if (
    was.kind === 'compare' &&
    r.dims.length === 1 &&
    r.dims[0]?.ref.kind === 'list' &&
    r.dims[0].ref.id !== was.axis.id &&
    !(c.share || c.trend) &&
    // "which product accounts for most of that gap": a ranking of the gap is its split too.
    (!c.ranking || GAP_RE.test(r.lc))
  )
    return { kind: 'explain', axis: was.axis, over: [r.dims[0].ref] }
  const asked =
    c.explain || c.compare || c.share || c.trend || c.ranking || r.dims.length || r.periods.perLevel
  if (!asked) {
    // A new coordinate on the axis of a comparison keeps comparing only if two points remain.
    if (was.kind === 'compare' || was.kind === 'explain') {
      const axis = next.slice[was.axis.id]
      if (!axis || (axis.kind === 'items' && axis.items.length < 2)) return { kind: 'value' }
    }
    // "and gizmos?" after Widgets' share: Gizmos' share.
    if (was.kind === 'share' && isSingle(focus.slice[was.by.id]) && isSingle(next.slice[was.by.id]))
      return undefined
    // A breakdown by a list the user now named one item of becomes that item's figure.
    if (
      (was.kind === 'breakdown' || was.kind === 'share' || was.kind === 'ranking') &&
      isSingle(next.slice[was.by.id]) &&
      r.items.some((i) => i.listId === was.by.id)
    )
      return { kind: 'value' }
    return undefined
  }
  const shape = shapeOf(r, next.slice, next.measures, catalog)
  // "how has travel trended month by month there" after a Q2 figure: a trend runs over the year;
  // a period said with it ("trend in q2") stays.
  if (
    shape.kind === 'trend' &&
    // "now by month instead" after Q1 is Q1's months; a trend said so runs over the year.
    /\btrend\w*|\bover\s+time\b|\btrajectory\b/.test(r.lc) &&
    was.kind !== 'trend' &&
    isSingle(next.slice[TIME_ID]) &&
    !r.periods.points.length &&
    !r.periods.selector
  )
    delete next.slice[TIME_ID]
  // "across all regions, which region drove the change": split over the regions, so the one
  // region the last answer was for goes.
  if (shape.kind === 'explain')
    for (const d of shape.over ?? [])
      if (isSingle(next.slice[d.id]) && !r.items.some((i) => i.listId === d.id)) delete next.slice[d.id]
  // "break that down by product" after a single figure of Widgets: the product slice goes.
  if (shape.kind === 'breakdown' || shape.kind === 'ranking' || shape.kind === 'trend') {
    const by = shape.kind === 'trend' ? TIME_ID : shape.by.id
    const sel = next.slice[by]
    // A single period stays: "which month was highest" after Q1 by month ranks Q1's months.
    if (
      sel &&
      isSingle(sel) &&
      !r.items.some((i) => i.listId === by) &&
      shape.kind !== 'trend' &&
      by !== TIME_ID
    )
      delete next.slice[by]
  }
  if (
    shape.kind === 'ranking' &&
    !shape.by.id &&
    (was.kind === 'ranking' || was.kind === 'breakdown' || was.kind === 'share')
  )
    return { ...shape, by: was.by }
  // "now products" after a ranking of the regions: the products ranked the same way (a "break it
  // down" says a breakdown).
  if (shape.kind === 'breakdown' && was.kind === 'ranking' && shape.by.id && !/\bbreak|\bsplit/.test(r.lc))
    return { ...was, by: shape.by }
  // "compare to budget" after Actual by department: each department's gap, not one total (the
  // breakdown asked before kept; the axis is not the list broken down).
  if (
    shape.kind === 'compare' &&
    was.kind === 'breakdown' &&
    was.by.kind === 'list' &&
    shape.axis.id !== was.by.id &&
    !r.dims.length
  ) {
    delete next.slice[was.by.id]
    return { kind: 'explain', axis: shape.axis, over: [was.by] }
  }
  if (shape.kind === 'value' && !c.compare) return undefined
  return shape
}

/**
 * The one dimension on which the last two questions differ, each at a single point, the measure
 * and the rest the same: what "those two" compares.
 */
function lastTwoAxis(prior: Question, focus: Question): DimensionRef | undefined {
  if (prior.measures[0]?.lineItemId !== focus.measures[0]?.lineItemId) return undefined
  const dims = new Set([...Object.keys(prior.slice), ...Object.keys(focus.slice)])
  const differ = [...dims].filter((d) => JSON.stringify(prior.slice[d]) !== JSON.stringify(focus.slice[d]))
  const [d] = differ
  if (differ.length !== 1 || d === undefined) return undefined
  const single = (s: Selector | undefined) => !s || isSingle(s)
  if (!single(prior.slice[d]) || !single(focus.slice[d])) return undefined
  if (d === VERSIONS_ID) return VERSIONS_REF
  if (d === TIME_ID) return TIME_REF
  return { id: d, name: '', kind: 'list' }
}

function isSingle(s: Selector | undefined): boolean {
  return s?.kind === 'items' && s.items.length === 1
}
