/**
 * Results → messages: one short line saying what was computed, a lead sentence with the answer, a
 * table when there is more than one figure, a chart for a series or a ranking. Figures are en-US
 * with thousands separators and at most 2 decimals (`1,234,567`, `25.5`, `-3,210`), percentages
 * with one (`12.3%`); a tiny figure keeps its significant digits instead of rounding to 0.
 */
import type { Message } from '../core/types.ts'
import type { Figure, Result, Where } from './execute.ts'
import type { Question } from './question.ts'

const two = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const tiny = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 })

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'no value'
  if (v !== 0 && Math.abs(v) < 0.005) return tiny.format(v)
  return two.format(Object.is(v, -0) ? 0 : v)
}

export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a'
  return `${v.toFixed(1)}%`
}

function signed(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'no value'
  return v > 0 ? `+${fmt(v)}` : fmt(v)
}

/**
 * The difference of two figures said both ways round, so "how much more did APAC make than EMEA"
 * reads right whichever is larger: "APAC is 2,695 below EMEA".
 */
function twoWay(
  a: { label: string; value: number | null },
  b: { label: string; value: number | null; diff?: number | null },
): string {
  if (a.value === null || b.value === null || b.diff === null || b.diff === undefined) return ''
  if (b.diff === 0) return `${a.label} and ${b.label} are level.`
  const pct = b.value !== 0 ? ` (${signedPct(((a.value - b.value) / Math.abs(b.value)) * 100)})` : ''
  return `${a.label} is ${fmt(Math.abs(b.diff))} ${b.diff < 0 ? 'above' : 'below'} ${b.label}${pct}.`
}

/**
 * Two periods are said the way a change is, the later against the earlier ("Q4 FY26 is 2,625
 * above Q1 FY26 (+5.2%)"); other pairs the first against the second.
 */
function pairSentence(
  axis: string,
  a: { label: string; value: number | null },
  b: { label: string; value: number | null; diff?: number | null },
): string {
  if (axis !== 'Time' || b.diff === null || b.diff === undefined) return twoWay(a, b)
  return twoWay({ label: b.label, value: b.value }, { label: a.label, value: a.value, diff: -b.diff })
}

function signedPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a'
  return v > 0 ? `+${pct(v)}` : pct(v)
}

/** "Revenue · EMEA · Q3 FY26 · Forecast, all Products" */
function computedLine(head: string, where: readonly Where[]): string {
  const named = where.filter((w) => !w.total || w.dimension === 'Time').map((w) => w.label)
  const totals = where.filter((w) => w.total && w.dimension !== 'Time').map((w) => w.label)
  return `${[head, ...named].join(' · ')}${totals.length ? `, ${totals.join(', ')}` : ''}`
}

/** "in North America, Q1 FY26 (Forecast)": the fixed coordinates in words. */
function context(where: readonly Where[]): string {
  const version = where.find((w) => w.dimension === 'Versions')?.label
  const period = where.find((w) => w.dimension === 'Time')?.label
  const items = where
    .filter((w) => w.dimension !== 'Versions' && w.dimension !== 'Time' && !w.total)
    .map((w) => w.label)
  const parts = [items.length ? `for ${items.join(', ')}` : '', period ? `in ${period}` : ''].filter(Boolean)
  return `${parts.join(' ')}${version ? ` (${version})` : ''}`.trim()
}

function sentence(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.:;)])/g, '$1')
    .trim()
}

function series(figures: readonly Figure[]): string {
  return figures.map((f) => `${f.label} ${fmt(f.value)}`).join(', ')
}

export function answerMessages(q: Question, results: readonly Result[]): Message[] {
  const out: Message[] = []
  for (const r of results) out.push(...answerOne(q, r))
  return out
}

function answerOne(q: Question, r: Result): Message[] {
  const li = r.measure.lineItem
  const msgs: Message[] = []
  const say = (text: string) => msgs.push({ type: 'text', text: sentence(text) })
  const wantChart = q.presentation === 'chart'
  const wantTable = q.presentation === 'table'
  const noText = q.presentation === 'chart' || q.presentation === 'table'
  if (r.kind === 'value') {
    say(computedLine(r.combined ? `${li} · ${r.combined.label} combined` : li, r.where))
    const known = r.figures.filter((f) => f.value !== null)
    if (r.figures.length === 1) {
      const f = r.figures[0] as Figure
      const where = [...r.where]
      if (f.value === null) say(`There is no value for ${li} ${context(where)}.`)
      else say(`${li} ${context(where)} is ${fmt(f.value)}.`)
    } else {
      const sum = r.combined
      if (sum)
        say(`${li} for ${sum.label} combined ${context(r.where)} is ${fmt(sum.value)}: ${series(r.figures)}.`)
      else say(`${li} ${context(r.where)}: ${series(r.figures)}.`)
      msgs.push({
        type: 'table',
        title: li,
        columns: [r.by ?? '', li],
        rows: [
          ...r.figures.map((f) => [f.label, fmt(f.value)]),
          ...(sum ? [['Combined', fmt(sum.value)]] : []),
        ],
      })
      if (wantChart && known.length) msgs.push(chart(li, r.figures, 'bar'))
    }
  } else if (r.kind === 'series') {
    const by = r.shape === 'trend' ? `by ${r.by}` : `by ${r.by}`
    say(computedLine(`${li} ${by}`, r.where))
    const ctx = context(r.where)
    const f0 = r.figures[0]
    if (!r.figures.length) say(`There are no values of ${li} ${ctx}.`)
    else if (r.shape === 'ranking') {
      const word = r.order === 'asc' ? 'lowest' : 'highest'
      if (r.figures.length === 1 && f0) say(`${f0.label} has the ${word} ${li} ${ctx}: ${fmt(f0.value)}.`)
      else say(`${li} ${ctx} by ${r.by}, ${word} first: ${series(r.figures)}.`)
    } else if (r.shape === 'trend') {
      const known = r.figures.filter((f) => f.value !== null) as { label: string; value: number }[]
      const first = known[0]
      const last = known[known.length - 1]
      // One period of that level in the model: its figure, not a trend from it to itself.
      if (first && r.figures.length === 1)
        say(`${li} ${ctx} in ${first.label}, the only one there is: ${fmt(first.value)}.`)
      else if (first && last) {
        const hi = known.reduce((a, b) => (b.value > a.value ? b : a))
        const lo = known.reduce((a, b) => (b.value < a.value ? b : a))
        const change = first.value ? ((last.value - first.value) / Math.abs(first.value)) * 100 : null
        say(
          `${li} ${ctx} by ${r.by}: from ${fmt(first.value)} in ${first.label} to ${fmt(last.value)} in ${last.label}${change !== null ? ` (${signedPct(change)})` : ''}; highest ${fmt(hi.value)} in ${hi.label}, lowest ${fmt(lo.value)} in ${lo.label}.`,
        )
      } else say(`There are no values of ${li} ${ctx}.`)
    } else if (r.shape === 'share') {
      const named = namedItems(q, r)
      const shown = named.length ? r.figures.filter((f) => named.includes(f.label)) : r.figures
      const total = r.total ? ` of ${fmt(r.total.value)} (${r.total.label})` : ''
      say(
        `${shown.map((f) => `${possessive(f.label)} share of ${li} is ${pct(f.share)} (${fmt(f.value)}${total})`).join('; ')} ${ctx}.`,
      )
    } else {
      say(
        `${li} ${ctx} by ${r.by}: ${series(r.figures)}${r.total ? `; ${r.total.label} ${fmt(r.total.value)}` : ''}.`,
      )
    }
    if (r.figures.length > 1 || r.shape === 'share') {
      const rows = r.figures.map((f, i) => [
        ...(r.shape === 'ranking' ? [String(i + 1)] : []),
        f.label,
        fmt(f.value),
        ...(r.shape === 'share' ? [pct(f.share)] : []),
      ])
      if (r.total && r.shape !== 'ranking')
        rows.push([r.total.label, fmt(r.total.value), ...(r.shape === 'share' ? ['100.0%'] : [])])
      msgs.push({
        type: 'table',
        title: `${li} by ${r.by}`,
        columns: [
          ...(r.shape === 'ranking' ? ['#'] : []),
          cap(r.by),
          li,
          ...(r.shape === 'share' ? ['Share'] : []),
        ],
        rows,
      })
      if (!wantTable) msgs.push(chart(`${li} by ${r.by}`, r.figures, r.shape === 'trend' ? 'line' : 'bar'))
    }
  } else if (r.kind === 'compare') {
    say(computedLine(`${li} by ${r.axis}`, r.where))
    const [a, ...rest] = r.figures
    // Two figures: the sentence that says which is above and by how much is the difference; a
    // signed difference beside it as well reads as a contradiction ("+10,665 … 10,665 below").
    if (a)
      say(
        `${li} ${context(r.where)}: ${a.label} ${fmt(a.value)}${rest
          .map(
            (f) =>
              `, ${f.label} ${fmt(f.value)}${rest.length > 1 ? ` (${signed(f.diff)} on ${a.label}, ${signedPct(f.pct)})` : ''}`,
          )
          .join('')}.${rest.length === 1 ? ` ${pairSentence(r.axis, a, rest[0] as typeof a)}` : ''}`,
      )
    msgs.push({
      type: 'table',
      title: `${li}: ${r.figures.map((f) => f.label).join(' vs ')}`,
      columns: [r.axis, li, 'Difference', '% change'],
      rows: r.figures.map((f, i) => [
        f.label,
        fmt(f.value),
        i ? signed(f.diff) : '',
        i ? signedPct(f.pct) : '',
      ]),
    })
    if (wantChart) msgs.push(chart(li, r.figures, 'bar'))
  } else {
    say(
      computedLine(`${li} change`, [
        ...r.where,
        { dimension: r.axis, label: `${r.from.label} to ${r.to.label}`, total: false },
      ]),
    )
    const ctx = context(r.where)
    if (r.change === null)
      say(`${li} ${ctx} has no value in ${r.from.value === null ? r.from.label : r.to.label}.`)
    else {
      const verb = r.change < 0 ? 'fell' : r.change > 0 ? 'rose' : 'did not change'
      const p = r.from.value ? (r.change / Math.abs(r.from.value)) * 100 : null
      say(
        `${li} ${ctx} ${verb} from ${fmt(r.from.value)} in ${r.from.label} to ${fmt(r.to.value)} in ${r.to.label}: a change of ${signed(r.change)}${p !== null ? ` (${signedPct(p)})` : ''}.`,
      )
      for (const s of r.splits) {
        if (s.ranked) {
          // "which region grew the most": each item's own change, the asked end first.
          const lead = s.parts[0]
          if (lead) {
            // The largest rise first (desc) rose the most; the smallest change first fell the most.
            const rose = lead.change > 0
            const how =
              lead.change === 0
                ? 'did not change'
                : `${rose ? 'rose' : 'fell'} ${(s.ranked === 'desc') === rose ? 'the most' : 'the least'}`
            const all = s.parts.map((x) => `${x.label} ${signed(x.change)}`).join(', ')
            say(
              `${lead.label} ${how}: ${signed(lead.change)} from ${r.from.label} to ${r.to.label}. By ${s.by}: ${all}.`,
            )
          }
          msgs.push({
            type: 'table',
            title: `${li} change by ${s.by}`,
            columns: [s.by, 'Change'],
            rows: s.parts.map((x) => [x.label, signed(x.change)]),
          })
          continue
        }
        const drivers = s.parts.filter(
          (x) => Math.sign(x.change) === Math.sign(r.change as number) && x.change !== 0,
        )
        const against = s.parts.filter(
          (x) => Math.sign(x.change) === -Math.sign(r.change as number) && x.change !== 0,
        )
        const show = (xs: typeof s.parts) =>
          xs
            .slice(0, 3)
            .map((x) => `${x.label} ${signed(x.change)} (${pct(x.share)} of the change)`)
            .join(', ')
        say(
          `By ${s.by}: ${drivers.length ? `most of it from ${show(drivers)}` : 'no single driver'}${against.length ? `; offset by ${show([...against].reverse())}` : ''}.`,
        )
        msgs.push({
          type: 'table',
          title: `${li} change by ${s.by}`,
          columns: [s.by, 'Change', 'Share of change'],
          rows: s.parts.map((x) => [x.label, signed(x.change), pct(x.share)]),
        })
      }
    }
  }
  for (const n of r.notes) say(n)
  if (noText && wantTable && !msgs.some((m) => m.type === 'table') && r.kind === 'value')
    msgs.push({
      type: 'table',
      title: li,
      columns: ['', li],
      rows: r.figures.map((f) => [f.label || li, fmt(f.value)]),
    })
  return msgs
}

function namedItems(q: Question, r: Result & { kind: 'series' }): string[] {
  const names = r.figures.map((f) => f.label)
  return Object.values(q.slice)
    .flatMap((s) => (s.kind === 'items' ? s.items.map((i) => i.name) : []))
    .filter((n) => names.includes(n))
}

function possessive(name: string): string {
  return /s$/i.test(name) ? `${name}'` : `${name}'s`
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function chart(title: string, figures: readonly Figure[], kind: 'line' | 'bar'): Message {
  return {
    type: 'chart',
    title,
    kind,
    labels: figures.map((f) => f.label),
    series: [{ name: title.split(' by ')[0] ?? title, values: figures.map((f) => f.value) }],
  }
}
