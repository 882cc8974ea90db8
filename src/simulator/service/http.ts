/**
 * Anaplan's wire conventions shared by every Integration API route: the `{meta, status, <key>}`
 * envelope, error bodies, paging and sorting (reference §4.1–§4.4).
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Default and maximum page size when `limit` is omitted (live tenants truncate at 5000). */
export const DEFAULT_PAGE_LIMIT = 5000

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Model archived',
  423: 'Model locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** The reason phrase Anaplan puts in `status.message` when nothing more specific applies. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Error'
}

/** A failure a route throws to answer with Anaplan's Integration error body. */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly status: number,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? statusText(status))
  }
}

/**
 * A boolean query flag (`tenantDetails`, `modelDetails`, `includeAll`, …): absent is false, and
 * `true`/`false` in any case are accepted, as Anaplan does (Python clients send `True`). Anything
 * else is a 400, never a silent false that would return less data.
 */
export function boolQuery(c: Context, name: string): boolean {
  const raw = c.req.query(name)
  if (raw === undefined) return false
  const v = raw.trim().toLowerCase()
  if (v === 'true') return true
  if (v === 'false') return false
  throw new HttpError(400, `Invalid value '${raw}' for query parameter '${name}': expected true or false`)
}

/** Anaplan's Integration API error body: `{status:{code,message}, path, timestamp}`. */
export function errorBody(status: number, message: string, path: string): Record<string, unknown> {
  return { status: { code: status, message }, path, timestamp: new Date().toISOString() }
}

/** Answers with the Integration error envelope. */
export function apiError(c: Context, status: number, message?: string): Response {
  return c.json(
    errorBody(status, message ?? statusText(status), new URL(c.req.url).pathname),
    status as ContentfulStatusCode,
  )
}

/** `https://host/2/0` of the request, for `meta.schema` and paging links. */
export function apiBase(c: Context): string {
  return `${new URL(c.req.url).origin}/2/0`
}

/** `meta.schema` the way Anaplan writes it: `…/2/0/models/{modelId}/objects/<type>`. */
export function schemaUrl(c: Context, type: string, modelId?: string): string {
  return modelId ? `${apiBase(c)}/models/${modelId}/objects/${type}` : `${apiBase(c)}/objects/${type}`
}

/** A successful envelope; `undefined` payload values and empty arrays are omitted like Anaplan does. */
export function envelope(
  c: Context,
  schema: string,
  payload: Record<string, unknown>,
  status: ContentfulStatusCode = 200,
): Response {
  const body: Record<string, unknown> = { meta: { schema }, status: { code: 200, message: 'Success' } }
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined) continue
    if (Array.isArray(value) && value.length === 0) continue
    body[key] = value
  }
  return c.json(body, status)
}

/** How a list endpoint treats `sort` (reference §4.3). */
export type SortMode =
  /** `/models`, `/users`, `/workspaces`: prefix mandatory, field validated, 400 otherwise. */
  | { strict: true; fields: string[] }
  /** Model resource lists and task lists: prefix optional, unknown field keeps the default order. */
  | { strict: false }

interface SortKey {
  field: string
  descending: boolean
}

/** Parses `sort=+a,-b`; throws the 400s Anaplan gives for the strict endpoints. */
export function parseSort(raw: string | undefined, mode: SortMode): SortKey[] {
  if (raw === undefined || raw === '') return []
  const keys: SortKey[] = []
  for (const part of raw.split(',')) {
    // `+` arrives as a space when the client did not percent-encode it.
    const token = part.replace(/^ /, '+').trim()
    const prefix = token[0]
    const hasPrefix = prefix === '+' || prefix === '-'
    const field = hasPrefix ? token.slice(1) : token
    if (mode.strict) {
      if (!hasPrefix || field === '') {
        throw new HttpError(
          400,
          `Bad sort order format: '${token}'. Please follow (-){column_name_1},(+){column_name_2}.. format`,
        )
      }
      if (!mode.fields.includes(field)) throw new HttpError(400, 'Failed to parse sort parameter')
    }
    keys.push({ field, descending: prefix === '-' })
  }
  return keys
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1
  if (b === undefined || b === null) return 1
  return String(a).localeCompare(String(b), 'en', { sensitivity: 'base' })
}

/** Sorts a copy of `items`; fields absent from every item leave the default order (lenient lists). */
export function sortItems<T extends object>(items: T[], keys: SortKey[]): T[] {
  const usable = keys.filter((k) => items.some((item) => k.field in item))
  if (usable.length === 0) return items
  return [...items].sort((x, y) => {
    for (const k of usable) {
      const r = compareValues(
        (x as Record<string, unknown>)[k.field],
        (y as Record<string, unknown>)[k.field],
      )
      if (r !== 0) return k.descending ? -r : r
    }
    return 0
  })
}

function intParam(c: Context, name: string, fallback: number): number {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `Invalid value for query parameter '${name}': '${raw}'`)
  return Number(raw)
}

/** One page of `items` plus Anaplan's `meta.paging` (`next`/`previous` as absolute URLs). */
export function paginate<T>(c: Context, items: T[]): { page: T[]; paging: Record<string, unknown> } {
  const offset = intParam(c, 'offset', 0)
  const limit = Math.min(intParam(c, 'limit', DEFAULT_PAGE_LIMIT), DEFAULT_PAGE_LIMIT)
  const page = limit === 0 ? [] : items.slice(offset, offset + limit)
  const paging: Record<string, unknown> = {
    currentPageSize: page.length,
    offset,
    totalSize: items.length,
  }
  const link = (newOffset: number): string => {
    const url = new URL(c.req.url)
    url.searchParams.set('limit', String(limit))
    url.searchParams.set('offset', String(newOffset))
    return url.toString()
  }
  if (limit > 0 && offset + page.length < items.length) paging.next = link(offset + page.length)
  if (offset > 0) paging.previous = link(Math.max(0, offset - limit))
  return { page, paging }
}

/**
 * The undocumented `s=` filter (reference §4.3): case-insensitive "contains" on `name` (or
 * `email`), with `%` and `_` as SQL-like wildcards.
 */
export function searchItems<T extends object>(items: T[], pattern: string | undefined): T[] {
  if (pattern === undefined || pattern === '') return items
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.')
  const re = new RegExp(body, 'i')
  return items.filter((item) => {
    const record = item as Record<string, unknown>
    const text = record.name ?? record.email
    return typeof text === 'string' && re.test(text)
  })
}

/** A sorted, paged collection in the envelope; the key is omitted when the page is empty. */
export function pagedEnvelope<T extends object>(
  c: Context,
  schema: string,
  key: string,
  items: T[],
  sort: SortMode = { strict: false },
  extra: Record<string, unknown> = {},
): Response {
  const sorted = sortItems(searchItems(items, c.req.query('s')), parseSort(c.req.query('sort'), sort))
  const { page, paging } = paginate(c, sorted)
  const body: Record<string, unknown> = {
    meta: { paging, schema },
    status: { code: 200, message: 'Success' },
    ...extra,
  }
  if (page.length > 0) body[key] = page
  return c.json(body)
}

/** Reads a JSON body, turning malformed JSON into Anaplan's 400 instead of a 500. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') throw new HttpError(400, 'Request body is missing or empty')
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'Malformed JSON request body')
  }
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
