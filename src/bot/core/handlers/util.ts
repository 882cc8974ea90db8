/** Small helpers the intent handlers share. */

import { editDistance, fold } from '../../nlu/text.ts'
import type { Vocabulary } from '../../nlu/vocabulary.ts'
import { type ModelCatalog, NameResolutionError } from '../anaplan.ts'
import type { TurnContext } from '../context.ts'
import { encodeChoiceEach } from '../context.ts'
import { BotError } from '../errors.ts'

/** The connected model, or a `not_connected` error that tells the user how to connect. */
export function connected(ctx: TurnContext) {
  const c = ctx.session.connected
  if (!c)
    throw new BotError(
      'not_connected',
      'You are not connected to a model yet. Say "list models" or "connect to <model>".',
    )
  return c
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined
}

export function strList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x.trim() !== '')
  const s = str(v)
  return s ? [s] : []
}

function key(s: string): string {
  return s
    .split(/\s+/)
    .map((w) => fold(w))
    .join(' ')
}

/** Finds a name in a list by id, exact or folded name, then by small typos; throws with close matches. */
export function pick<T extends { name: string; id?: string; code?: string }>(
  kind: string,
  items: readonly T[],
  query: string,
): T {
  const q = key(query)
  const exact = items.filter(
    (i) =>
      i.id === query ||
      i.name.toLowerCase() === query.toLowerCase() ||
      i.code?.toLowerCase() === query.toLowerCase(),
  )
  if (exact.length === 1) return exact[0] as T
  const folded = items.filter((i) => key(i.name) === q)
  if (folded.length === 1) return folded[0] as T
  const scored = items
    .map((i) => ({ i, d: editDistance(key(i.name), q, 3) }))
    .filter((x) => x.d <= Math.min(3, Math.floor(q.length / 4)))
    .sort((a, b) => a.d - b.d)
  if (scored.length === 1 || (scored.length > 1 && (scored[0]?.d ?? 0) < (scored[1]?.d ?? 0)))
    return (scored[0] as { i: T }).i
  const candidates = (
    exact.length > 1 ? exact : scored.length ? scored.map((s) => s.i) : closeByPrefix(items, q)
  ).map((i) => i.name)
  throw new NameResolutionError(
    kind,
    query,
    exact.length > 1 || scored.length > 1 ? 'ambiguous' : 'not_found',
    [...new Set(candidates)].slice(0, 5),
  )
}

/** What {@link pickIn} resolves in a model catalog. */
export type CatalogKind = 'module' | 'lineItem' | 'list' | 'item' | 'view' | 'version' | 'period' | 'action'

/**
 * The catalog's entries of one kind, as `pick` takes them: views by the short name people use, the
 * items of `list` (name or id) with its top-level item, every period of every level.
 */
export function catalogEntries(
  catalog: ModelCatalog,
  kind: CatalogKind,
  list?: string,
): { id: string; name: string; code?: string }[] {
  switch (kind) {
    case 'module':
      return catalog.modules
    case 'lineItem':
      return catalog.lineItems
    case 'list':
      return catalog.lists
    case 'item': {
      const l = list === undefined ? undefined : pick('list', catalog.lists, list)
      const lists = l ? [l] : catalog.lists
      return lists.flatMap((x) => [...(x.items ?? []), ...(x.topLevelItem ? [x.topLevelItem] : [])])
    }
    case 'view':
      return catalog.views.filter((v) => !v.isDefault).map((v) => ({ ...v, name: v.shortName ?? v.name }))
    case 'version':
      return catalog.versions
    case 'period':
      return catalog.periods
    case 'action':
      return catalog.actions
  }
}

/**
 * Resolves a name against the model catalog, as {@link pick} does against a list (ids, names,
 * codes, then small typos); an unknown or ambiguous name throws `NameResolutionError` with close
 * matches, so it is named back, never dropped.
 * @example pickIn(catalog, 'item', 'emea', 'Regions') // → { id, name: 'EMEA', code: 'EMEA', … }
 */
export function pickIn(
  catalog: ModelCatalog,
  kind: CatalogKind,
  query: string,
  list?: string,
): { id: string; name: string; code?: string } {
  return pick(kind === 'item' && list ? `${list} item` : kind, catalogEntries(catalog, kind, list), query)
}

function closeByPrefix<T extends { name: string }>(items: readonly T[], q: string): T[] {
  const words = q.split(' ').filter((w) => w.length > 2)
  return items.filter((i) => words.some((w) => key(i.name).includes(w))).slice(0, 5)
}

/** The list a list item belongs to (first list that has it). */
export function listOfItem(v: Vocabulary, item: string): string | undefined {
  const lower = item.toLowerCase()
  return v.lists.find((l) =>
    l.items.some((i) => i.name.toLowerCase() === lower || i.code?.toLowerCase() === lower),
  )?.name
}

/** "a, b and c" */
export function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}

// `toLocaleString` with options builds a new Intl.NumberFormat on every call: with a table of a
// few hundred cells that was ~45% of a view turn (bench/turn-latency.ts profile). One shared
// formatter gives the same text. It is made on first use: building it loads ICU data, tens of
// milliseconds that a cold start answering a greeting need not spend.
let numberFormat: Intl.NumberFormat | undefined

/** Formats a cell as Anaplan sends it (a string) for reading: numbers get separators. */
export function formatValue(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'empty'
  const n = Number(raw)
  if (!Number.isFinite(n) || (n === 0 && raw.trim() === '')) return raw
  // Most cells are whole numbers: grouping their digits is what en-US formatting does to them, at
  // a fraction of Intl's cost (it was still the largest single item of a view turn's profile).
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return groupThousands(n)
  numberFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
  return numberFormat.format(n)
}

/** 1234567 → "1,234,567"; -1234 → "-1,234" (a safe integer; en-US grouping). */
function groupThousands(n: number): string {
  const digits = String(n < 0 ? -n : n)
  const head = digits.length % 3 || 3
  let out = digits.slice(0, head)
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`
  return n < 0 ? `-${out}` : out
}

/** Options that replay `intent` with one parameter set to each value. */
export function optionsFor(intent: string, base: Record<string, unknown>, param: string, values: string[]) {
  const encoded = encodeChoiceEach(intent, values, (v) => ({ ...base, [param]: v }))
  return values.map((v, i) => ({ label: v, value: encoded[i] as string }))
}

/** Asks a question with choices and remembers it so a typed answer also works. */
export function ask(
  ctx: TurnContext,
  prompt: string,
  intent: string,
  slot: string,
  options: { label: string; value: string }[],
): void {
  ctx.messages.push({ type: 'choices', prompt, options })
  ctx.session.question = { intent, parameters: ctx.parameters, slot, options }
}
