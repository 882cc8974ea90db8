/**
 * Text helpers shared by entity matching and slot extraction: tokenising with offsets, folding
 * case and plurals, and a typo distance.
 */

export interface Token {
  /** As typed. */
  raw: string
  /** Lower-cased, possessive and plural folded. */
  norm: string
  start: number
  end: number
}

const WORD_RE = /[\p{L}\p{N}][\p{L}\p{N}&%'’.\-/]*/gu

/** Splits text into word tokens (letters, digits, `&`, `%`, inner dots and dashes) with offsets. */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  for (const m of text.matchAll(WORD_RE)) {
    let raw = m[0]
    // A sentence-final dot or apostrophe is punctuation, not part of the word.
    raw = raw.replace(/[.'’\-/]+$/, '')
    if (!raw) continue
    const start = m.index ?? 0
    out.push({ raw, norm: fold(raw), start, end: start + raw.length })
  }
  return out
}

/** Lower-cases and folds possessives and English plurals so "Widgets'", "widget" and "WIDGETS" meet. */
export function fold(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'")
  w = w.replace(/'s$/, '').replace(/'$/, '')
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`
  if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2)
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
    return w.slice(0, -1)
  return w
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (a === b) return 0
  if (Math.abs(a.length - b.length) > max) return max + 1
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = new Array(b.length + 1).fill(0)
    row[0] = i
    rows.push(row)
  }
  const r0 = rows[0] as number[]
  for (let j = 0; j <= b.length; j++) r0[j] = j
  for (let i = 1; i <= a.length; i++) {
    const ri = rows[i] as number[]
    const rp = rows[i - 1] as number[]
    let best = Number.POSITIVE_INFINITY
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min((rp[j] as number) + 1, (ri[j - 1] as number) + 1, (rp[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, ((rows[i - 2] as number[])[j - 2] as number) + cost)
      }
      ri[j] = v
      if (v < best) best = v
    }
    if (best > max) return max + 1
  }
  return (rows[a.length] as number[])[b.length] as number
}

/** Typos tolerated in a word of this length: none up to 3 letters, one up to 6, then two. */
export function allowedTypos(length: number): number {
  if (length <= 3) return 0
  if (length <= 6) return 1
  return 2
}

/** Words that never start or make up an entity on their own. */
export const STOPWORDS = new Set(
  'a an the to for in of on at by and or is are was be me my i you it this that what which show set with from into as please now'.split(
    ' ',
  ),
)
