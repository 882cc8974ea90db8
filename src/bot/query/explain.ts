/**
 * "Why did it change": the change of a figure between two points of an axis (periods or
 * versions), split over the level just below the slice on every other list dimension (below a
 * total its top level, below a country its stores), biggest contributors first.
 */
import type { CatalogLineItem, ModelCatalog } from '../../anaplan/catalog.ts'
import type { ModelScope, RequestOptions } from '../core/anaplan.ts'
import { BotError } from '../core/errors.ts'
import { cube, round } from './cube.ts'
import { leaves, levelBelow } from './names.ts'
import { dimName, type Point } from './points.ts'
import { TIME_ID, VERSIONS_ID } from './read.ts'
import type { ExplainSplit, Figure } from './result.ts'

export interface Explained {
  from: Figure
  to: Figure
  change: number | null
  splits: ExplainSplit[]
  notes: string[]
  reads: number
}

/** The points each change is split over, per list dimension (none for a leaf in the slice). */
export function splitPointsOf(
  dims: readonly string[],
  axes: ReadonlyMap<string, Point[]>,
  catalog: ModelCatalog,
): Map<string, Point[]> {
  const out = new Map<string, Point[]>()
  for (const d of dims) {
    if (d === TIME_ID || d === VERSIONS_ID) continue
    const list = catalog.lists.find((x) => x.id === d)
    if (!list) throw new BotError('not_found', `The model has no list ${d}.`)
    const at = axes.get(d)?.[0]
    const ofId = at?.itemId ?? list.topLevelItem?.id
    const kids = ofId ? levelBelow(catalog, list, ofId) : leaves(list)
    if (kids.length > 1)
      out.set(
        d,
        kids.map((k) => ({ label: k.name, members: [k.name], itemId: k.id })),
      )
  }
  return out
}

export async function explainChange(
  li: CatalogLineItem,
  axisId: string,
  axes: Map<string, Point[]>,
  scope: ModelScope,
  catalog: ModelCatalog,
  requestOptions?: RequestOptions,
  ranking: { over?: readonly string[]; rank?: 'asc' | 'desc' } = {},
): Promise<Explained> {
  const [a, b] = axes.get(axisId) as [Point, Point]
  axes.set(axisId, [a, b])
  const over = ranking.over?.filter((d) => li.dimensionIds.includes(d) && d !== axisId)
  const dims = over?.length ? over : li.dimensionIds.filter((d) => d !== axisId)
  const splitPoints = splitPointsOf(dims, axes, catalog)
  const wide = new Map(axes)
  for (const [d, ps] of splitPoints) wide.set(d, [...(axes.get(d) ?? []), ...ps])
  const { cube: c, reads } = await cube(scope, li, wide, catalog, requestOptions)
  const notes: string[] = []
  const note = (reason: string | undefined) => {
    if (reason && !notes.includes(`${li.name} ${reason}.`)) notes.push(`${li.name} ${reason}.`)
  }
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
  const splits: ExplainSplit[] = []
  // Each item's own change ranks whatever the summary; it splits the total only when summed.
  const summed = li.summary === 'SUM'
  if ((summed || ranking.rank) && change !== null) {
    for (const [d, ps] of splitPoints) {
      const parts = ps
        .map((p) => {
          const x = at(a, d, p)
          const y = at(b, d, p)
          return x === null || y === null ? undefined : { label: p.label, change: round(y - x) }
        })
        .filter((x) => x !== undefined)
        .map((p) => ({ ...p, share: summed && change ? (p.change / change) * 100 : null }))
      const rank = ranking.rank
      if (rank) parts.sort((x, y) => (rank === 'desc' ? y.change - x.change : x.change - y.change))
      else parts.sort((x, y) => (change >= 0 ? y.change - x.change : x.change - y.change))
      splits.push({ by: levelName(catalog, d, ps), parts, ...(rank ? { ranked: rank } : {}) })
    }
  } else if (change !== null && splitPoints.size)
    notes.push(
      `${li.name} is not summed, so its change does not split over ${[...splitPoints.keys()].map((d) => dimName(catalog, d)).join(' and ')}.`,
    )
  return { from, to, change, splits, notes, reads }
}

/** The list the split's items are of (Region for the top level of Store), for the heading. */
function levelName(catalog: ModelCatalog, dimId: string, ps: readonly Point[]): string {
  const id = ps[0]?.itemId
  const list = id ? catalog.lists.find((l) => (l.items ?? []).some((i) => i.id === id)) : undefined
  return list?.name ?? dimName(catalog, dimId)
}
