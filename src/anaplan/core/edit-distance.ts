/**
 * The project's one edit distance: the client's close-match suggestions and the bot's typo
 * matching both use it. With a bound it is banded (cells further than `max` from the diagonal
 * cannot be within `max`) and stops as soon as a row exceeds the bound, so comparing a
 * 20,000-letter token to a name costs in proportion to the name's length, not the token's.
 */

export interface EditDistanceOptions {
  /** Answers `max + 1` as soon as the distance is known to exceed it. @default Infinity */
  max?: number
  /** An adjacent swap ("emae" for "emea") costs one edit instead of two. @default true */
  swaps?: boolean
}

/**
 * Levenshtein distance (insert, delete, substitute), plus adjacent swaps unless `swaps` is false
 * (the optimal string alignment distance); capped at `max + 1`.
 */
export function editDistance(a: string, b: string, options: EditDistanceOptions = {}): number {
  const max = options.max ?? Number.POSITIVE_INFINITY
  const swaps = options.swaps ?? true
  if (a === b) return 0
  if (Math.abs(a.length - b.length) > max) return max + 1
  if (!a.length || !b.length) return Math.min(Math.max(a.length, b.length), max + 1)
  // Rows as wide as the shorter string (the distance is symmetric).
  if (a.length < b.length) [a, b] = [b, a]
  const over = max + 1
  const width = b.length + 1
  // Three rows: the transposition looks two rows back.
  let before = new Array<number>(width).fill(over)
  let prev = new Array<number>(width)
  let cur = new Array<number>(width).fill(over)
  for (let j = 0; j < width; j++) prev[j] = j <= max ? j : over
  for (let i = 1; i <= a.length; i++) {
    const lo = Number.isFinite(max) ? Math.max(1, i - max) : 1
    const hi = Number.isFinite(max) ? Math.min(b.length, i + max) : b.length
    // Only the band and its edges are read later; cells outside it keep stale values unread.
    cur.fill(over, lo - 1, Math.min(width, hi + 2))
    if (lo === 1) cur[0] = i <= max ? i : over
    let best = lo === 1 ? (cur[0] as number) : over
    for (let j = lo; j <= hi; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (before[j - 2] as number) + 1)
      if (v > over) v = over
      cur[j] = v
      if (v < best) best = v
    }
    if (best > max) return over
    ;[before, prev, cur] = [prev, cur, before]
  }
  return Math.min(prev[b.length] as number, over)
}
