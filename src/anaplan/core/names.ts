/**
 * Names or ids, everywhere: one resolver used by every selector, and a short-lived cache of the
 * listings it resolves against. Matching is case-insensitive on the trimmed text; ids win over
 * names, names over codes. Unknown or ambiguous input raises `NameResolutionError` with close matches.
 */
import { NameResolutionError } from '../errors.ts'
import { editDistance } from './edit-distance.ts'

export interface Nameable {
  id: string
  name: string
  code?: string | undefined
}

/**
 * Normalises for comparison: trimmed, case-folded, inner whitespace collapsed. `toLowerCase()` is
 * the same mapping as English's `toLocaleLowerCase('en')` (locale rules differ only for Turkish,
 * Azeri and Lithuanian) and independent of the host locale as well, at half the cost per call; a
 * view read resolves a score of names.
 */
export function normalizeName(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase()
}

/**
 * Finds the one object whose id, name or code matches `query`.
 * @throws {NameResolutionError} `not_found` with up to 5 close matches, or `ambiguous` with the matches.
 */
export function resolveName<T extends Nameable>(kind: string, items: readonly T[], query: string): T {
  const q = query.trim()
  const byId = items.filter((i) => i.id === q)
  if (byId.length === 1) return byId[0]!
  const nq = normalizeName(q)
  for (const field of ['name', 'code'] as const) {
    const hits = items.filter((i) => {
      const v = i[field]
      return typeof v === 'string' && normalizeName(v) === nq
    })
    if (hits.length === 1) return hits[0]!
    if (hits.length > 1) throw new NameResolutionError(kind, query, 'ambiguous', hits.map(display))
  }
  // Ids are case-insensitive in practice (model ids are upper-case hex, users type lower-case).
  const byIdCi = items.filter((i) => i.id.toLowerCase() === q.toLowerCase())
  if (byIdCi.length === 1) return byIdCi[0]!
  throw new NameResolutionError(kind, query, 'not_found', closeMatches(items, q).map(display))
}

function display(i: Nameable): string {
  return `${i.name} (${i.id})`
}

/** Up to `max` items whose name is near `query`: substring matches first, then by edit distance. */
export function closeMatches<T extends Nameable>(items: readonly T[], query: string, max = 5): T[] {
  const nq = normalizeName(query)
  if (!nq) return []
  const scored: { item: T; score: number }[] = []
  for (const item of items) {
    const n = normalizeName(item.name)
    const contains = n.includes(nq) || (nq.length >= 3 && nq.includes(n))
    const d = levenshtein(nq, n)
    const limit = Math.max(2, Math.floor(Math.max(nq.length, n.length) / 3))
    if (contains) scored.push({ item, score: -1 + d / 1000 })
    else if (d <= limit) scored.push({ item, score: d })
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, max)
    .map((s) => s.item)
}

/** Edit distance (insert, delete, substitute; a swap counts two). */
export function levenshtein(a: string, b: string): number {
  return editDistance(a, b, { swaps: false })
}

/**
 * A per-client cache of listings (workspaces, a model's lists, actions...), keyed by string.
 * Entries expire after `ttlMs`; concurrent loads of one key share a promise; failures are not cached.
 */
/** Derived values kept at most (they are rebuilt on a miss). */
const MAX_DERIVED = 1000

export class TtlCache {
  readonly #entries = new Map<string, { expires: number; value: Promise<unknown> }>()
  readonly #derived = new Map<string, { version: number; until: number; value: unknown }>()
  #version = 0
  #earliest = Number.POSITIVE_INFINITY
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key)
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>
    const value = load()
    const entry = { expires: this.now() + this.ttlMs, value }
    this.#put(key, entry, hit !== undefined)
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#drop([key])
    })
    return value
  }

  /** The fresh entry of `key`, if any, without loading it. */
  peek<T>(key: string): Promise<T> | undefined {
    const hit = this.#entries.get(key)
    return hit && hit.expires > this.now() ? (hit.value as Promise<T>) : undefined
  }

  /** Stores a value just read elsewhere (a fresh listing), so the next `get` needs no request. */
  set<T>(key: string, value: T): void {
    this.#put(
      key,
      { expires: this.now() + this.ttlMs, value: Promise.resolve(value) },
      this.#entries.has(key),
    )
  }

  /**
   * A value built from entries (a model's catalog, a resolved model), kept while the cache holds
   * exactly what it was built from: no entry added, replaced, dropped or expired since. A build
   * during which the entries changed is returned but not kept.
   */
  async derived<T>(key: string, build: () => Promise<T>): Promise<T> {
    const hit = this.#derived.get(key)
    if (hit && hit.version === this.#version && this.now() < hit.until) return hit.value as T
    const version = this.#version
    const value = await build()
    if (this.#version === version) {
      if (this.#derived.size >= MAX_DERIVED) this.#derived.clear()
      this.#derived.set(key, { version, until: this.#earliest, value })
    } else this.#derived.delete(key)
    return value
  }

  /** Drops entries whose key starts with `prefix` (all when omitted), e.g. after a list write. */
  invalidate(prefix = ''): void {
    this.#drop([...this.#entries.keys()].filter((k) => k.startsWith(prefix)))
  }

  #put(key: string, entry: { expires: number; value: Promise<unknown> }, replaces: boolean): void {
    this.#entries.set(key, entry)
    this.#version++
    if (replaces) this.#recount()
    else this.#earliest = Math.min(this.#earliest, entry.expires)
  }

  #drop(keys: string[]): void {
    if (!keys.length) return
    for (const k of keys) this.#entries.delete(k)
    this.#version++
    this.#recount()
  }

  #recount(): void {
    this.#earliest = Number.POSITIVE_INFINITY
    for (const e of this.#entries.values()) this.#earliest = Math.min(this.#earliest, e.expires)
  }
}
