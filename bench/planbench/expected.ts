/**
 * Expected answers, computed from cells the independent reader reads: single figures, our own
 * arithmetic for differences, % changes, shares, rankings and the split of a change over the
 * children of another dimension. Nothing here knows how the bot computes.
 */
import type { CellSource } from './reader.ts'
import type { Coordinates, Expect } from './spec.ts'

/** One figure an answer may state; `percent` figures are fractions shown as `12.3%`. */
export interface Figure {
  value: number
  percent?: boolean
  /** What it is, for the result file ("Revenue · EMEA"). */
  label: string
}

export type ExpectedAnswer =
  | {
      kind: 'figures'
      /** Figures the reply must state (differences compare by size: "down 1,200" is 1,200). */
      required: Figure[]
      /** Further figures a full answer may state (totals, shares, the values compared). */
      allowed: Figure[]
      /** Names the reply must state; in this order when `ordered` (rankings). */
      names: string[]
      ordered: boolean
    }
  | { kind: 'unknown'; name: string }
  | { kind: 'fallback' }
  | { kind: 'askBack'; choices: string[] }

/** Every module dimension of the line item pinned: spec keys mapped, the rest at their defaults. */
export function complete(
  source: CellSource,
  lineItem: string,
  at: Coordinates = {},
  axis?: string,
): Record<string, string> {
  const full: Record<string, string> = {}
  for (const [key, item] of Object.entries(at))
    full[source.dimensionFor(lineItem, key)] = source.canonical(item)
  // The axis a comparison or a change runs along is set by each of its items, never by a default
  // (a calendar of several years has no one top period).
  const along = axis === undefined ? undefined : source.dimensionFor(lineItem, axis)
  for (const d of source.dimensions(lineItem)) if (d !== along) full[d] ??= source.topItem(d)
  return full
}

const fig = (value: number, label: string, percent = false): Figure =>
  percent ? { value, label, percent } : { value, label }

function describe(lineItem: string, at: Record<string, string>): string {
  return [lineItem, ...Object.values(at)].join(' · ')
}

/** The items a breakdown or ranking covers: below the slice's item of `dim`. */
function members(source: CellSource, dim: string, parent: string, level?: string): string[] {
  const items = level ? source.descendants(dim, parent, level) : source.children(dim, parent)
  if (items.length === 0) throw new Error(`${parent} has no items below it in ${dim}`)
  return items
}

async function valuesOf(
  source: CellSource,
  lineItem: string,
  base: Record<string, string>,
  dim: string,
  items: string[],
): Promise<{ item: string; value: number }[]> {
  return Promise.all(
    items.map(async (item) => ({
      item,
      value: await source.value(lineItem, { ...base, [dim]: item }, [dim]),
    })),
  )
}

const pctChange = (from: number, to: number) => (from === 0 ? undefined : (to - from) / from)

/** Computes what the reply to one turn must contain. */
export async function expectedAnswer(source: CellSource, expect: Expect): Promise<ExpectedAnswer> {
  switch (expect.shape) {
    case 'unknown':
      return { kind: 'unknown', name: expect.name }
    case 'fallback':
      return { kind: 'fallback' }
    case 'askBack':
      return { kind: 'askBack', choices: expect.choices ?? [] }
    default:
      break
  }
  const { lineItem } = expect
  const along = expect.shape === 'compare' || expect.shape === 'explain' ? expect.axis : undefined
  const at = complete(source, lineItem, expect.at, along)
  const figures = (required: Figure[], allowed: Figure[] = [], names: string[] = [], ordered = false) =>
    ({ kind: 'figures', required, allowed, names, ordered }) as const
  switch (expect.shape) {
    case 'value':
      return figures([fig(await source.value(lineItem, at), describe(lineItem, at))])
    case 'compare': {
      const dim = source.dimensionFor(lineItem, expect.axis)
      const [a, b] = await valuesOf(source, lineItem, at, dim, expect.items)
      if (!a || !b) throw new Error('a comparison needs two items')
      const label = describe(lineItem, { ...at, [dim]: `${a.item} vs ${b.item}` })
      const allowed = [pctChange(a.value, b.value), pctChange(b.value, a.value)]
        .filter((p): p is number => p !== undefined)
        .map((p) => fig(Math.abs(p), `% change · ${label}`, true))
      return figures(
        [
          fig(a.value, describe(lineItem, { ...at, [dim]: a.item })),
          fig(b.value, describe(lineItem, { ...at, [dim]: b.item })),
          fig(Math.abs(b.value - a.value), `difference · ${label}`),
        ],
        allowed,
      )
    }
    case 'breakdown':
    case 'ranking':
    case 'share': {
      const dim = source.dimensionFor(lineItem, expect.by)
      const parent = at[dim] as string
      const level = expect.shape === 'share' ? undefined : expect.level
      const items = await valuesOf(source, lineItem, at, dim, members(source, dim, parent, level))
      const total = await source.value(lineItem, at)
      const shares = items.map((i) =>
        fig(total === 0 ? 0 : i.value / total, `share · ${i.item} of ${parent}`, true),
      )
      const each = items.map((i) => fig(i.value, describe(lineItem, { ...at, [dim]: i.item })))
      const totalFig = fig(total, describe(lineItem, at))
      if (expect.shape === 'breakdown') return figures(each, [totalFig, ...shares])
      if (expect.shape === 'share') {
        const one = items.find((i) => i.item === expect.item)
        if (!one) throw new Error(`${expect.item} is not below ${parent}`)
        return figures(
          [fig(total === 0 ? 0 : one.value / total, `share · ${one.item} of ${parent}`, true)],
          [fig(one.value, describe(lineItem, { ...at, [dim]: one.item })), totalFig],
        )
      }
      const sorted = [...items].sort((x, y) =>
        expect.order === 'desc' ? y.value - x.value : x.value - y.value,
      )
      const top = sorted.slice(0, expect.limit)
      return figures(
        top.map((i) => fig(i.value, describe(lineItem, { ...at, [dim]: i.item }))),
        [...each, totalFig, ...shares],
        top.map((i) => i.item),
        top.length > 1,
      )
    }
    case 'trend': {
      const periods = source.descendants('Time', at.Time as string, expect.level)
      if (periods.length === 0) throw new Error(`${at.Time} has no ${expect.level}s`)
      const series = await valuesOf(source, lineItem, at, 'Time', periods)
      const steps = series.slice(1).flatMap((s, i) => {
        const prev = series[i] as { value: number }
        const p = pctChange(prev.value, s.value)
        return [
          fig(Math.abs(s.value - prev.value), `change to ${s.item}`),
          ...(p === undefined ? [] : [fig(Math.abs(p), `% change to ${s.item}`, true)]),
        ]
      })
      return figures(
        series.map((s) => fig(s.value, describe(lineItem, { ...at, Time: s.item }))),
        [fig(await source.value(lineItem, at), describe(lineItem, at)), ...steps],
      )
    }
    case 'explain': {
      const axis = source.dimensionFor(lineItem, expect.axis)
      const over = source.dimensionFor(lineItem, expect.over)
      const from = { ...at, [axis]: expect.from }
      const to = { ...at, [axis]: expect.to }
      const vary = [axis, over]
      const [a, b] = [await source.value(lineItem, from, vary), await source.value(lineItem, to, vary)]
      const items = members(source, over, at[over] as string, expect.level)
      const parts = await Promise.all(
        items.map(async (item) => {
          const x = await source.value(lineItem, { ...from, [over]: item }, vary)
          const y = await source.value(lineItem, { ...to, [over]: item }, vary)
          return { item, from: x, to: y, change: y - x }
        }),
      )
      const diff = b - a
      // The top contributor moved the same way as the total, by the most.
      const top = [...parts].sort((x, y) => Math.sign(diff || 1) * (y.change - x.change))[0]
      if (!top) throw new Error('nothing to split the change over')
      const label = `${expect.from} → ${expect.to}`
      const pct = pctChange(a, b)
      return figures(
        [
          fig(Math.abs(diff), `change · ${describe(lineItem, at)} · ${label}`),
          fig(Math.abs(top.change), `change · ${top.item}`),
        ],
        [
          fig(a, describe(lineItem, from)),
          fig(b, describe(lineItem, to)),
          ...(pct === undefined ? [] : [fig(Math.abs(pct), `% change · ${label}`, true)]),
          ...parts.flatMap((p) => {
            const pp = pctChange(p.from, p.to)
            return [
              fig(Math.abs(p.change), `change · ${p.item}`),
              fig(p.from, `${p.item} · ${expect.from}`),
              fig(p.to, `${p.item} · ${expect.to}`),
              ...(pp === undefined ? [] : [fig(Math.abs(pp), `% change · ${p.item}`, true)]),
            ]
          }),
        ],
        [top.item],
      )
    }
  }
}
