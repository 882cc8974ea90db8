/**
 * Parsing and validating argument values. Every function throws {@link UsageError} (exit 2) with a
 * message that names the option and shows the expected form.
 */
import type { ActionType, CellWrite, ListItemInput } from '../anaplan/index.ts'
import { UsageError } from './exit-codes.ts'

export const ACTION_TYPES: readonly ActionType[] = ['import', 'export', 'process', 'action']

/** `import|export|process|action` (plural and "delete" accepted, as people type them). */
export function parseActionType(value: string): ActionType {
  const v = value
    .trim()
    .toLowerCase()
    .replace(/(process)es$|(import|export|action)s$/, '$1$2')
  if (v === 'delete' || v === 'delete-action' || v === 'other') return 'action'
  if ((ACTION_TYPES as readonly string[]).includes(v)) return v as ActionType
  throw new UsageError(`unknown action type "${value}"; use one of: ${ACTION_TYPES.join(', ')}`)
}

/** `Dimension=Item` (the item may itself contain `=`). */
export function parsePair(option: string, value: string): [string, string] {
  const i = value.indexOf('=')
  const key = i > 0 ? value.slice(0, i).trim() : ''
  const item = i > 0 ? value.slice(i + 1).trim() : ''
  if (!key || !item) throw new UsageError(`${option} expects Dimension=Item, got "${value}"`)
  return [key, item]
}

/** Collects repeated `Dimension=Item` options into a record; a dimension given twice is an error. */
export function parsePairs(option: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of values) {
    const [k, item] = parsePair(option, v)
    if (Object.keys(out).some((x) => x.toLowerCase() === k.toLowerCase())) {
      throw new UsageError(`${option} names the dimension "${k}" twice`)
    }
    out[k] = item
  }
  return out
}

/** `name[:code]` for `list-items --add`. A backslash escapes a colon that belongs to the name. */
export function parseItemSpec(value: string, parent?: string): ListItemInput {
  const m = /^((?:\\:|[^:])*)(?::(.*))?$/.exec(value)
  const name = (m?.[1] ?? '').replace(/\\:/g, ':').trim()
  const code = m?.[2]?.trim()
  if (!name) throw new UsageError(`--add expects name[:code], got "${value}"`)
  return { name, ...(code ? { code } : {}), ...(parent ? { parent } : {}) }
}

/** A positive number of seconds (fractions allowed) returned as milliseconds. */
export function parseSeconds(option: string, value: string): number {
  const n = Number(value)
  if (!value.trim() || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${option} expects a positive number of seconds, got "${value}"`)
  }
  return Math.round(n * 1000)
}

/** Chunk size in MB (1–50, Anaplan's limits) returned as bytes. */
export function parseChunkSizeMb(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 50) {
    throw new UsageError(`--chunk-size expects a whole number of MB between 1 and 50, got "${value}"`)
  }
  return n * 1024 * 1024
}

/** One of a fixed set of choices. */
export function parseChoice<T extends string>(option: string, value: string, choices: readonly T[]): T {
  const v = value.trim().toLowerCase()
  if ((choices as readonly string[]).includes(v)) return v as T
  throw new UsageError(`${option} must be one of ${choices.join(', ')}; got "${value}"`)
}

/**
 * A cell value as typed on the command line: plain numbers become numbers and `true`/`false`
 * booleans; anything else (including numbers with leading zeros, which are usually codes) is text.
 */
export function parseCellValue(value: string): string | number | boolean {
  const v = value.trim()
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(v)) return Number(v)
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true'
  return value
}

/** The flags of a single-cell `write-cells`. */
export interface CellFlags {
  lineItem?: string
  item?: string[]
  period?: string
  version?: string
  value?: string
}

/** The dimension names Anaplan gives to time and versions. */
export const TIME_DIMENSION = 'Time'
export const VERSIONS_DIMENSION = 'Versions'

/** Builds the one cell of `write-cells --line-item … --value …`. */
export function cellFromFlags(f: CellFlags): CellWrite {
  if (!f.lineItem) throw new UsageError('write-cells needs --line-item (or --from FILE)')
  if (f.value === undefined) throw new UsageError('write-cells needs --value (or --from FILE)')
  const items = parsePairs('--item', f.item ?? [])
  if (f.period) items[TIME_DIMENSION] = f.period
  if (f.version) items[VERSIONS_DIMENSION] = f.version
  return {
    lineItemName: f.lineItem,
    dimensions: Object.entries(items).map(([dimensionName, itemName]) => ({ dimensionName, itemName })),
    value: parseCellValue(f.value),
  }
}
