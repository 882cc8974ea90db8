/**
 * Text helpers shared by entity matching and slot extraction: tokenising with offsets, folding
 * case and plurals, and a typo distance.
 */
import { editDistance as sharedEditDistance } from '../../anaplan/index.ts'

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

/**
 * British and American spellings of words planners use, folded to one on both sides (a model's
 * names and the user's words), so "nett sales" meets Net Sales and "labor" meets Labour Cost.
 */
const SPELLINGS: ReadonlyMap<string, string> = new Map([
  ['nett', 'net'],
  ['labour', 'labor'],
  ['programme', 'program'],
  ['catalogue', 'catalog'],
  ['favourable', 'favorable'],
  ['unfavourable', 'unfavorable'],
  ['organisation', 'organization'],
  ['licence', 'license'],
  ['centre', 'center'],
])

/** Lower-cases and folds possessives and English plurals so "Widgets'", "widget" and "WIDGETS" meet. */
export function fold(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'")
  w = w.replace(/'s$/, '').replace(/'$/, '')
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`
  else if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2)
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
    w = w.slice(0, -1)
  return SPELLINGS.get(w) ?? w
}

/** The English plural of a name's last word ("SKU" → "SKUs", "Category" → "Categories"). */
export function pluralOf(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`
  if (/(?:s|x|z|ch|sh)$/i.test(name)) return `${name}es`
  return `${name}s`
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 3): number {
  return sharedEditDistance(a, b, { max })
}

/** Typos tolerated in a word of this length: none up to 3 letters, one up to 6, then two. */
/**
 * A word with a digit in it (a code such as SKU00999, a store number, a year) names one thing
 * exactly: "SKU99999" is no typo of "SKU00999", it is an unknown SKU to name back.
 */
export function exactOnly(word: string): boolean {
  return /\d/.test(word)
}

export function allowedTypos(length: number): number {
  if (length <= 3) return 0
  if (length <= 6) return 1
  return 2
}

/**
 * General knowledge asked ("what's the capital of australia", "who wrote pride and prejudice"): no
 * planning model holds it, whatever place or word in it a model also names. Checked only when no
 * measure is named ("working capital of emea" is a figure).
 */
export const GENERAL_KNOWLEDGE_RE =
  /\b(?:capital\s+(?:city\s+)?of|population\s+of|who\s+(?:wrote|invented|discovered|painted|composed|directed|sang|founded|won|built|created|played)|who\s+(?:is|was|r|are)\s+the\s+(?:president|prime\s+minister|pm|king|queen|pope)|when\s+(?:was|were|did)\b(?:\s+\S+){1,4}\s+(?:born|founded|invented|built|die|died|end|ended|start|started)\b|how\s+(?:tall|deep)\s+is|(?:what|which)\s+languages?\s+(?:do|does|is|are)|meaning\s+of\s+life|speed\s+of\s+light|longest\s+river|tallest\s+(?:building|mountain|person)|largest\s+(?:country|city|ocean|planet|animal)|(?:how\s+do\s+(?:you|u|i)\s+say|translate)\b)/i

/** A value given at the end by a sign: "= 12", "-> 90000", "→ 5", ": 80" (a write, never a read). */
export const VALUE_SIGN_RE = /(?:=|->|→|[a-z]\s*:)\s*-?[\d.,]*\d\s*[km%]?\s*$/i

/** Words that never start or make up an entity on their own. */
export const STOPWORDS = new Set(
  'a an the to for in of on at by and or is are was be me my i you it this that what which show set with from into as please now'.split(
    ' ',
  ),
)

/**
 * Which characters of a text are already taken by a match, so "does this span overlap one found
 * before" costs the span's length instead of a scan of every earlier match (utterances may hold
 * thousands of matches).
 */
export class Coverage {
  readonly #taken: Uint8Array

  constructor(length: number, spans: Iterable<{ start: number; end: number }> = []) {
    this.#taken = new Uint8Array(length + 1)
    for (const s of spans) this.add(s)
  }

  add(s: { start: number; end: number }): void {
    this.#taken.fill(1, Math.max(0, s.start), Math.max(0, s.end))
  }

  overlaps(s: { start: number; end: number }): boolean {
    for (let i = Math.max(0, s.start); i < s.end && i < this.#taken.length; i++)
      if (this.#taken[i]) return true
    return false
  }
}

/**
 * How well `w` abbreviates `name`: 3 initials ("ns" Net Sales), 2 a prefix ("rev" Revenue), 1 its
 * first word's letters in order ("unts" Units, "mktg" Marketing); 0 not at all.
 */
export function abbreviationTier(w: string, name: string): number {
  const words = name
    .toLowerCase()
    .split(/[^\p{L}\d]+/u)
    .filter(Boolean)
  const first = words[0] ?? ''
  if (words.length >= 2 && w.length >= 2 && w === words.map((x) => x[0]).join('')) return 3
  if (w.length < 3 || w[0] !== first[0] || w === first) return 0
  if (first.startsWith(w)) return 2
  if (w.length >= first.length || w.length < first.length * 0.35) return 0
  let j = 0
  for (const ch of first) if (ch === w[j]) j++
  return j === w.length ? 1 : 0
}
