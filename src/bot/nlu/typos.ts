/**
 * Words within typo distance of a token, by symmetric deletion: each indexed word is stored under
 * every string it becomes with up to its allowed number of letters deleted, and a token is looked
 * up under its own deletions. Used for the model's names and for the words of the intents' phrases.
 */
import { allowedTypos, editDistance, exactOnly, STOPWORDS } from './text.ts'

/** Lookups remembered per index (tokens repeat across calls: "show", "revenue"). */
const CACHE_SIZE = 5000

export class TypoIndex {
  readonly #words = new Set<string>()
  readonly #deletions = new Map<string, string[]>()
  readonly #cache = new Map<string, string[]>()
  /** Length of the longest word that tolerates typos: longer tokens are never expanded. */
  #longest = 0
  readonly #stopwordsExact: boolean

  /**
   * @param options.stopwordsExact Stopwords are found only as typed (a name's "in" is nobody's
   *   typo); a phrase's "show" may be misspelt "shwo". @default true
   */
  constructor(options: { stopwordsExact?: boolean } = {}) {
    this.#stopwordsExact = options.stopwordsExact ?? true
  }

  /** Indexes a folded word. Ids, codes and numbers (any digit), and stopwords unless told, match exactly only. */
  add(w: string): void {
    if (this.#words.has(w)) return
    this.#words.add(w)
    this.#cache.clear()
    if ((this.#stopwordsExact && STOPWORDS.has(w)) || exactOnly(w) || /^[0-9a-f]{32}$/.test(w)) return
    const allowed = allowedTypos(w.length)
    if (!allowed) return
    this.#longest = Math.max(this.#longest, w.length)
    for (const d of deletions(w, allowed)) {
      const list = this.#deletions.get(d)
      if (list) list.push(w)
      else this.#deletions.set(d, [w])
    }
  }

  has(w: string): boolean {
    return this.#words.has(w)
  }

  /**
   * Indexed words within typo distance of a folded token (the token itself when indexed).
   * Stopwords and short words only ever match exactly: "in" is not "EMEA"'s typo. A token longer
   * than the longest typo-tolerant word + 2 is nobody's typo and is never expanded, so the work
   * per token is bounded by the indexed words' length, not the token's.
   */
  similar(norm: string): string[] {
    const hit = this.#cache.get(norm)
    if (hit) return hit
    const out = this.#words.has(norm) ? [norm] : []
    const allowed = allowedTypos(norm.length)
    if (allowed > 0 && !STOPWORDS.has(norm) && !exactOnly(norm) && norm.length <= this.#longest + allowed) {
      const seen = new Set(out)
      for (const d of deletions(norm, allowed)) {
        for (const w of this.#deletions.get(d) ?? []) {
          if (seen.has(w)) continue
          seen.add(w)
          const max = allowedTypos(Math.min(norm.length, w.length))
          if (max > 0 && editDistance(norm, w, max) <= max) out.push(w)
        }
      }
    }
    // "untis": a plural typed with its letters swapped keeps the "s" folding leaves on "-is"
    // words; without it, it is the typo of the singular ("unit").
    if (!out.length && norm.length > 4 && norm.endsWith('s') && !this.#words.has(norm))
      for (const w of this.similar(norm.slice(0, -1))) out.push(w)
    if (this.#cache.size >= CACHE_SIZE) this.#cache.clear()
    this.#cache.set(norm, out)
    return out
  }

  /** The closest indexed word to a token (fewest edits, then the first indexed), if any. */
  closest(norm: string): string | undefined {
    const found = this.similar(norm)
    if (found.length < 2) return found[0]
    return found
      .map((w) => ({ w, d: editDistance(norm, w, 2) }))
      .reduce((best, x) => (x.d < best.d ? x : best)).w
  }
}

/** `word` with every combination of up to `max` letters deleted (itself included). */
function deletions(word: string, max: number): Set<string> {
  const out = new Set([word])
  let frontier = [word]
  for (let d = 0; d < max; d++) {
    const next: string[] = []
    for (const w of frontier) {
      for (let i = 0; i < w.length; i++) {
        const v = w.slice(0, i) + w.slice(i + 1)
        if (!out.has(v)) {
          out.add(v)
          next.push(v)
        }
      }
    }
    frontier = next
  }
  return out
}
