/**
 * Finds the connected model's names in an utterance: models, workspaces, views, actions, lists,
 * list items (by name or code), line items and versions. Tolerates case, plurals and small typos
 * (per-word edit distance scaled to the word's length) and prefers the longest, closest match.
 * Periods and numbers are found by `slots.ts`.
 */
import { allowedTypos, editDistance, STOPWORDS, type Token, tokenize } from './text.ts'
import type { Vocabulary } from './vocabulary.ts'

export type NameKind =
  | 'model'
  | 'workspace'
  | 'view'
  | 'action'
  | 'list'
  | 'listItem'
  | 'lineItem'
  | 'version'
  | 'dimension'

/** One name a kind can take, with what it refers to. */
export interface EntityOption {
  kind: NameKind
  /** Canonical name (the model's spelling). */
  value: string
  /** For list items: the list; for dimensions and versions: the dimension name. */
  dimension?: string
  /** For actions: import, export, process, action. */
  actionType?: string
  /** Folded words of the synonym matched. */
  words: string[]
}

export interface EntityMatch {
  kind: NameKind
  value: string
  dimension?: string
  actionType?: string
  start: number
  end: number
  text: string
  /** 1 for an exact (folded) match, lower with typos. */
  score: number
  /** Other readings of the same words, equally good (ambiguity to ask about). */
  alternatives: { kind: NameKind; value: string; dimension?: string }[]
}

/** Precedence when one span reads equally well as two kinds (a list item named like a version...). */
const KIND_RANK: Record<NameKind, number> = {
  view: 9,
  action: 8,
  model: 7,
  lineItem: 6,
  listItem: 5,
  version: 5,
  list: 4,
  dimension: 3,
  workspace: 2,
}

/** An index over one vocabulary; build once per model and reuse. */
export class EntityIndex {
  readonly options: EntityOption[] = []
  readonly #byFirstWord = new Map<string, EntityOption[]>()
  readonly #fuzzy: EntityOption[] = []

  constructor(vocabulary: Vocabulary) {
    const add = (o: Omit<EntityOption, 'words'>, synonym: string) => {
      const words = tokenize(synonym).map((t) => t.norm)
      if (!words.length) return
      const opt: EntityOption = { ...o, words }
      this.options.push(opt)
      const first = words[0] as string
      const bucket = this.#byFirstWord.get(first) ?? []
      bucket.push(opt)
      this.#byFirstWord.set(first, bucket)
      this.#fuzzy.push(opt)
    }
    for (const m of vocabulary.models) {
      add({ kind: 'model', value: m.name }, m.name)
      // Ids work too ("connect to 75A40874E6B64FA3AE0404A2A1FCA4E4").
      if (/^[0-9A-F]{32}$/i.test(m.id)) add({ kind: 'model', value: m.name }, m.id)
    }
    for (const w of vocabulary.workspaces) add({ kind: 'workspace', value: w.name }, w.name)
    for (const v of vocabulary.views) add({ kind: 'view', value: v.name }, v.name)
    for (const a of vocabulary.actions) add({ kind: 'action', value: a.name, actionType: a.type }, a.name)
    for (const l of vocabulary.lists) {
      add({ kind: 'list', value: l.name }, l.name)
      for (const i of l.items) {
        add({ kind: 'listItem', value: i.name, dimension: l.name }, i.name)
        if (i.code && i.code.toLowerCase() !== i.name.toLowerCase())
          add({ kind: 'listItem', value: i.name, dimension: l.name }, i.code)
      }
    }
    for (const li of vocabulary.lineItems) add({ kind: 'lineItem', value: li.name }, li.name)
    for (const v of vocabulary.versions) add({ kind: 'version', value: v, dimension: 'Versions' }, v)
    for (const d of ['Versions', 'Version', 'Time', 'Period']) {
      add({ kind: 'dimension', value: d.startsWith('Version') ? 'Versions' : 'Time' }, d)
    }
  }

  /** All name matches in `text`, non-overlapping, longest and closest first, in text order. */
  find(text: string, exclude: { start: number; end: number }[] = []): EntityMatch[] {
    const tokens = tokenize(text).filter((t) => !exclude.some((x) => t.start < x.end && t.end > x.start))
    const candidates: (EntityMatch & { len: number; rank: number })[] = []
    for (let i = 0; i < tokens.length; i++) {
      for (const opt of this.#fuzzy) {
        const n = opt.words.length
        if (i + n > tokens.length) continue
        const span = tokens.slice(i, i + n)
        // Tokens must be adjacent in the text (an excluded period in between breaks a name).
        if (!adjacent(text, span)) continue
        const score = matchScore(span, opt.words)
        if (score <= 0) continue
        const first = span[0] as Token
        const last = span[n - 1] as Token
        candidates.push({
          kind: opt.kind,
          value: opt.value,
          ...(opt.dimension ? { dimension: opt.dimension } : {}),
          ...(opt.actionType ? { actionType: opt.actionType } : {}),
          start: first.start,
          end: last.end,
          text: text.slice(first.start, last.end),
          score,
          alternatives: [],
          len: opt.words.join(' ').length,
          rank: KIND_RANK[opt.kind],
        })
      }
    }
    // Longest covered text first, then exactness, then kind precedence.
    candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || b.score - a.score || b.rank - a.rank)
    const chosen: (EntityMatch & { len: number; rank: number })[] = []
    for (const c of candidates) {
      const same = chosen.find((x) => x.start === c.start && x.end === c.end)
      if (same) {
        const dup = same.value === c.value && same.kind === c.kind
        const known = same.alternatives.some((a) => a.value === c.value && a.kind === c.kind)
        if (!dup && !known && c.score === same.score && c.value !== same.value) {
          same.alternatives.push({
            kind: c.kind,
            value: c.value,
            ...(c.dimension ? { dimension: c.dimension } : {}),
          })
        }
        continue
      }
      if (chosen.some((x) => c.start < x.end && c.end > x.start)) continue
      chosen.push(c)
    }
    return chosen.sort((a, b) => a.start - b.start).map(({ len: _l, rank: _r, ...m }) => m)
  }
}

function adjacent(text: string, span: Token[]): boolean {
  for (let k = 1; k < span.length; k++) {
    const gap = text.slice((span[k - 1] as Token).end, (span[k] as Token).start)
    if (!/^[\s,·\-–]*$/.test(gap)) return false
  }
  return true
}

/** 1 for exact folded words; less for typos; 0 when any word is too far or the span is all stopwords. */
function matchScore(span: Token[], words: string[]): number {
  let typos = 0
  let chars = 0
  let content = false
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as string
    const t = (span[k] as Token).norm
    chars += w.length
    if (!STOPWORDS.has(w)) content = true
    if (t === w) continue
    // Stopwords and short words must match exactly: "in" is not "EMEA"'s typo.
    if (STOPWORDS.has(t) || STOPWORDS.has(w)) return 0
    const allowed = allowedTypos(Math.min(t.length, w.length))
    const d = editDistance(t, w, allowed)
    if (d > allowed) return 0
    typos += d
  }
  if (!content) return 0
  return 1 - typos / Math.max(chars, 1)
}
