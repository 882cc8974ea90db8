/**
 * Finds the connected model's names in an utterance: models, workspaces, views, actions, lists,
 * list items (by name or code), line items and versions. Tolerates case, plurals and small typos
 * (per-word edit distance scaled to the word's length) and prefers the longest, closest match.
 * Also finds parts of names: "the revenue view" (a kind word next to the words) is Revenue by
 * Region, and {@link EntityIndex.partials} offers words like "expenses" as the views, actions,
 * lists and line items they could abbreviate. Periods and numbers are found by `slots.ts`.
 *
 * Everything that depends only on the vocabulary (word lookup, typo neighbourhoods, prefixes) is
 * indexed once when the index is built, so a call costs in proportion to the utterance, not to the
 * number of names in the model.
 */
import {
  allowedTypos,
  Coverage,
  editDistance,
  exactOnly,
  fold,
  pluralOf,
  STOPWORDS,
  type Token,
  tokenize,
} from './text.ts'
import { TypoIndex } from './typos.ts'
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
  /**
   * Only as typed, case and all: a code that is also an everyday word ("NO" for Norway, "IT"
   * for Italy), so "no thanks" is no page change.
   */
  exact?: string
}

export interface EntityMatch {
  kind: NameKind
  /** The canonical name; for an ambiguous part of a name, the words as typed. */
  value: string
  dimension?: string
  actionType?: string
  start: number
  end: number
  text: string
  /** 1 for an exact (folded) match, lower with typos or for a part of a name. */
  score: number
  /** Other readings of the same words, equally good (ambiguity to ask about). */
  alternatives: { kind: NameKind; value: string; dimension?: string }[]
  /**
   * The words are part of a name only ("revenue" for Revenue by Region). When several names
   * share them, `value` is the text as typed and `alternatives` holds every candidate.
   */
  partial?: boolean
}

/** Words of a name's part that could abbreviate names of several kinds ("expenses"). */
export interface PartialSpan {
  start: number
  end: number
  text: string
  /** Candidate names per kind, best kind first. */
  byKind: Map<NameKind, EntityOption[]>
}

/** Kinds whose names people shorten ("the refresh process", "units view", "expenses"). */
export const PARTIAL_KINDS: readonly NameKind[] = ['view', 'action', 'lineItem', 'list']

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

/**
 * How planners shorten or say the usual versions ("bud", "fcst", "planned"), by the start of the
 * version's name. A word is used only when no other version's name starts the same way.
 */
const VERSION_WORDS: [RegExp, string[]][] = [
  [/^actual/i, ['act', 'actuals', 'acts', 'actl']],
  [/^budget/i, ['bud', 'bdgt', 'budgeted', 'planned', 'budgetted']],
  [/^forecast/i, ['fcst', 'fc', 'fcast', 'forecasted', 'projected']],
]

function versionWords(version: string, all: readonly string[]): string[] {
  const hit = VERSION_WORDS.find(([re]) => re.test(version))
  if (!hit || all.filter((v) => hit[0].test(v)).length > 1) return []
  return hit[1]
}

/** Score of a name found through some of its words: below any whole name, even one with typos. */
const PARTIAL_SCORE = 0.5

/** Words that say which kind of name is next to them ("the revenue view", "process refresh"). */
const KIND_WORDS: Record<string, { kind: NameKind; actionType?: string }> = {
  view: { kind: 'view' },
  report: { kind: 'view' },
  process: { kind: 'action', actionType: 'process' },
  import: { kind: 'action', actionType: 'import' },
  export: { kind: 'action', actionType: 'export' },
  action: { kind: 'action' },
  list: { kind: 'list' },
}

/** Short words of chat that are also country or region codes, beside the stopwords. */
const EVERYDAY_CODES = new Set([
  'no',
  'ok',
  'hi',
  'me',
  'us',
  'it',
  'is',
  'in',
  'at',
  'be',
  'so',
  'to',
  'or',
  'an',
  'as',
  'do',
  'go',
  'by',
  'my',
  'pa',
  'ma',
  'id',
  'ad',
  'am',
  'pm',
  'ya',
  'yo',
])

/** Kind words, plural too: never read as part of a name on their own. */
const KIND_WORD_FORMS = new Set([
  ...Object.keys(KIND_WORDS).flatMap((w) => [w, `${w}s`, `${w}es`]),
  'line',
  'item',
  'items',
])

const PLURAL_KIND_WORDS = new Set([...KIND_WORD_FORMS].filter((w) => w.endsWith('s')))

/** Longest run of words read as part of one name. */
const MAX_PARTIAL_WORDS = 3

type Candidate = EntityMatch & { rank: number }

/** An index over one vocabulary; build once per vocabulary and reuse. */
export class EntityIndex {
  readonly options: EntityOption[] = []
  /** Options by their first folded word. */
  readonly #byFirstWord = new Map<string, EntityOption[]>()
  /** Every folded word of every name, with its typo neighbourhood. */
  readonly #typos = new TypoIndex()
  /** Options of {@link PARTIAL_KINDS} by each content word of their name. */
  readonly #byWord = new Map<string, EntityOption[]>()
  /** Prefixes (3 letters or more) of the words in {@link #byWord}. */
  readonly #prefixes = new Map<string, string[]>()

  constructor(vocabulary: Vocabulary) {
    const add = (o: Omit<EntityOption, 'words'>, synonym: string) => {
      const words = tokenize(synonym).map((t) => t.norm)
      if (!words.length) return
      const opt: EntityOption = { ...o, words }
      this.options.push(opt)
      push(this.#byFirstWord, words[0] as string, opt)
      for (const w of words) this.#typos.add(w)
      if (PARTIAL_KINDS.includes(o.kind)) {
        for (const w of new Set(words)) {
          if (STOPWORDS.has(w) || w.length < 3) continue
          push(this.#byWord, w, opt)
          for (let n = 3; n < w.length; n++) push(this.#prefixes, w.slice(0, n), w)
        }
      }
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
      // "SKUs", "KPIs": a plural the folding leaves alone (it keeps "-us" endings) still names the list.
      const plural = pluralOf(l.name)
      if (fold(plural) !== fold(l.name)) add({ kind: 'list', value: l.name }, plural)
      for (const i of l.items) {
        add({ kind: 'listItem', value: i.name, dimension: l.name }, i.name)
        if (i.code && i.code.toLowerCase() !== i.name.toLowerCase()) {
          const everyday = STOPWORDS.has(i.code.toLowerCase()) || EVERYDAY_CODES.has(i.code.toLowerCase())
          add(
            { kind: 'listItem', value: i.name, dimension: l.name, ...(everyday ? { exact: i.code } : {}) },
            i.code,
          )
        }
      }
    }
    for (const li of vocabulary.lineItems) add({ kind: 'lineItem', value: li.name }, li.name)
    for (const v of vocabulary.versions) {
      add({ kind: 'version', value: v, dimension: 'Versions' }, v)
      for (const w of versionWords(v, vocabulary.versions))
        add({ kind: 'version', value: v, dimension: 'Versions' }, w)
    }
    for (const d of ['Versions', 'Version', 'Time', 'Period']) {
      add({ kind: 'dimension', value: d.startsWith('Version') ? 'Versions' : 'Time' }, d)
    }
  }

  /**
   * All name matches in `text`, non-overlapping, longest and closest first, in text order. With
   * `partial`, words next to a kind word are also read as part of a name of that kind ("the
   * revenue view"), in preference to a whole name of another kind ("Revenue" the line item).
   */
  find(
    text: string,
    exclude: { start: number; end: number }[] = [],
    options: { partial?: boolean } = {},
  ): EntityMatch[] {
    const excluded = new Coverage(text.length, exclude)
    const tokens = tokenize(text).filter((t) => !excluded.overlaps(t))
    const candidates: Candidate[] = []
    for (let i = 0; i < tokens.length; i++) {
      for (const firstWord of this.#typos.similar((tokens[i] as Token).norm)) {
        for (const opt of this.#byFirstWord.get(firstWord) ?? []) {
          const n = opt.words.length
          if (i + n > tokens.length) continue
          const span = tokens.slice(i, i + n)
          // Tokens must be adjacent in the text (an excluded period in between breaks a name).
          if (!adjacent(text, span)) continue
          if (opt.exact && text.slice(span[0]?.start, span[n - 1]?.end) !== opt.exact) continue
          const score = matchScore(span, opt.words)
          if (score <= 0) continue
          candidates.push(candidate(text, opt, span, score))
        }
      }
    }
    // Longest covered text first, then exactness, then kind precedence.
    candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || b.score - a.score || b.rank - a.rank)
    let chosen: Candidate[] = []
    const bySpan = new Map<string, Candidate>()
    const occupied = new Coverage(text.length)
    for (const c of candidates) {
      const same = bySpan.get(`${c.start}:${c.end}`)
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
      if (occupied.overlaps(c)) continue
      chosen.push(c)
      bySpan.set(`${c.start}:${c.end}`, c)
      occupied.add(c)
    }
    if (options.partial) chosen = this.#anchored(text, tokens, chosen)
    return chosen.sort((a, b) => a.start - b.start).map(({ rank: _r, ...m }) => m)
  }

  /** Adds the parts of names next to kind words, replacing whole names of other kinds they overlap. */
  #anchored(text: string, tokens: Token[], found: Candidate[]): Candidate[] {
    const chosen = [...found]
    // Which chosen match covers each token (tokens never straddle matches: both are token runs).
    const index = new Map(tokens.map((t, i) => [t.start, i]))
    const at = new Map<number, Candidate>()
    const tokensOf = (c: { start: number; end: number }) => {
      const out: Token[] = []
      for (let k = index.get(c.start) ?? tokens.length; k < tokens.length; k++) {
        const t = tokens[k] as Token
        if (t.end > c.end) break
        out.push(t)
      }
      return out
    }
    for (const c of chosen) for (const t of tokensOf(c)) at.set(t.start, c)
    const covering = (t: Token) => at.get(t.start)
    const removed = new Set<Candidate>()
    for (let a = 0; a < tokens.length; a++) {
      const anchorToken = tokens[a] as Token
      const raw = anchorToken.raw.toLowerCase()
      let anchor = KIND_WORDS[raw]
      let after = a
      // "the total expenses line item"
      if (raw === 'line' && tokens[a + 1]?.raw.toLowerCase() === 'item') {
        anchor = { kind: 'lineItem' }
        after = a + 1
      }
      if (!anchor || covering(anchorToken)) continue
      const kind = anchor.kind
      const runBefore = this.#run(text, tokens, a - 1, -1, kind, covering)
      const runAfter = this.#run(text, tokens, after + 1, 1, kind, covering)
      const found =
        this.#bestPartial(runBefore, true, kind, anchor.actionType) ??
        this.#bestPartial(runAfter, false, kind, anchor.actionType)
      if (!found) continue
      for (const t of found.span) {
        const c = at.get(t.start)
        if (!c) continue
        removed.add(c)
        for (const u of tokensOf(c)) at.delete(u.start)
      }
      const match = partialMatch(text, found.span, found.options, kind, anchor.actionType)
      chosen.push(match)
      for (const t of found.span) at.set(t.start, match)
    }
    return chosen.filter((c) => !removed.has(c))
  }

  /** Up to {@link MAX_PARTIAL_WORDS} adjacent content tokens from `from` walking by `step`. */
  #run(
    text: string,
    tokens: Token[],
    from: number,
    step: 1 | -1,
    kind: NameKind,
    covering: (t: Token) => Candidate | undefined,
  ): Token[] {
    const run: Token[] = []
    for (let i = from; i >= 0 && i < tokens.length && run.length < MAX_PARTIAL_WORDS; i += step) {
      const t = tokens[i] as Token
      if (STOPWORDS.has(t.norm) || KIND_WORD_FORMS.has(t.raw.toLowerCase())) break
      const c = covering(t)
      // A whole name of this very kind is already there: nothing to complete.
      if (c && c.kind === kind && !c.partial) return []
      const prev = run[run.length - 1] ?? tokens[i - step]
      if (prev && !adjacent(text, step === 1 ? [prev, t] : [t, prev])) break
      run.push(t)
    }
    return step === 1 ? run : run.reverse()
  }

  /** The longest part of `run` (keeping the words nearest the kind word) that names some `kind`. */
  #bestPartial(
    run: Token[],
    anchorAfter: boolean,
    kind: NameKind,
    actionType: string | undefined,
  ): { span: Token[]; options: EntityOption[] } | undefined {
    for (let n = run.length; n > 0; n--) {
      const span = anchorAfter ? run.slice(run.length - n) : run.slice(0, n)
      const options = this.#containing(span).filter(
        (o) => o.kind === kind && (!actionType || o.actionType === actionType),
      )
      if (options.length) return { span, options: uniqueByValue(options) }
    }
    return undefined
  }

  /** Options of {@link PARTIAL_KINDS} whose names contain every token (folded, typo or prefix). */
  #containing(span: Token[]): EntityOption[] {
    let result: Set<EntityOption> | undefined
    for (const t of span) {
      const words = new Set(this.#typos.similar(t.norm).filter((w) => this.#byWord.has(w)))
      if (t.norm.length >= 3 && !STOPWORDS.has(t.norm))
        for (const w of this.#prefixes.get(t.norm) ?? []) words.add(w)
      const here = new Set<EntityOption>()
      for (const w of words) for (const o of this.#byWord.get(w) ?? []) here.add(o)
      result = result ? new Set([...result].filter((o) => here.has(o))) : here
      if (!result.size) return []
    }
    // Two typed words must not both stand for the same word of a name.
    return [...(result ?? [])].filter((o) => o.words.length >= span.length)
  }

  /**
   * Words not taken by anything else that could be part of a name ("show me expenses"), with
   * their candidates per kind. `ignore` holds words that carry intent ("start", "load"): those are
   * only read as names next to a kind word.
   */
  partials(
    text: string,
    taken: readonly { start: number; end: number }[],
    ignore: ReadonlySet<string>,
  ): PartialSpan[] {
    const all = tokenize(text)
    const covered = new Coverage(text.length, taken)
    const free = (t: Token) =>
      !covered.overlaps(t) &&
      !STOPWORDS.has(t.norm) &&
      !ignore.has(t.norm) &&
      !KIND_WORD_FORMS.has(t.raw.toLowerCase()) &&
      /\p{L}/u.test(t.norm)
    // A word before a plural kind word names a type, not one name ("the delete actions").
    const typeWords = new Set(
      all.filter((_t, i) => PLURAL_KIND_WORDS.has(all[i + 1]?.raw.toLowerCase() ?? '')).map((t) => t.start),
    )
    const tokens = all.filter((t) => free(t) && t.norm.length >= 3 && !typeWords.has(t.start))
    const spans: { span: Token[]; options: EntityOption[] }[] = []
    for (let i = 0; i < tokens.length; ) {
      let used = 0
      for (let n = Math.min(MAX_PARTIAL_WORDS, tokens.length - i); n > 0 && !used; n--) {
        const span = tokens.slice(i, i + n)
        if (!adjacent(text, span)) continue
        const options = this.#containing(span)
        if (!options.length) continue
        spans.push({ span, options })
        used = n
      }
      i += used || 1
    }
    // A word no name or intent knows, right next to the words ("average temperature", "cost of
    // living"), says they name something else.
    const inSpan = new Set(spans.flatMap((s) => s.span.map((t) => t.start)))
    const foreign = (t: Token | undefined) => t !== undefined && free(t) && !inSpan.has(t.start)
    const neighbour = (i: number, step: 1 | -1) => {
      const t = all[i + step]
      return t?.norm === 'of' ? all[i + 2 * step] : t
    }
    const position = new Map(all.map((t, i) => [t.start, i]))
    const out: PartialSpan[] = []
    for (const { span, options } of spans) {
      const first = span[0] as Token
      const last = span[span.length - 1] as Token
      const i0 = position.get(first.start) ?? -1
      const i1 = position.get(last.start) ?? -1
      if (foreign(neighbour(i0, -1)) || foreign(neighbour(i1, 1))) continue
      const byKind = new Map<NameKind, EntityOption[]>()
      for (const kind of [...PARTIAL_KINDS].sort((a, b) => KIND_RANK[b] - KIND_RANK[a])) {
        const of = uniqueByValue(options.filter((o) => o.kind === kind))
        if (of.length) byKind.set(kind, of)
      }
      out.push({ start: first.start, end: last.end, text: text.slice(first.start, last.end), byKind })
    }
    return out
  }
}

/** The match a part of a name makes once its kind is known. */
export function partialMatch(
  text: string,
  span: { start: number; end: number }[],
  options: readonly EntityOption[],
  kind: NameKind,
  actionType?: string,
): EntityMatch & { rank: number } {
  const start = (span[0] as { start: number }).start
  const end = (span[span.length - 1] as { end: number }).end
  const typed = text.slice(start, end)
  const only = options.length === 1 ? options[0] : undefined
  const type = only?.actionType ?? actionType
  return {
    kind,
    value: only ? only.value : typed,
    ...(type ? { actionType: type } : {}),
    start,
    end,
    text: typed,
    score: PARTIAL_SCORE,
    alternatives: only
      ? []
      : options.map((o) => ({
          kind: o.kind,
          value: o.value,
          ...(o.dimension ? { dimension: o.dimension } : {}),
        })),
    partial: true,
    rank: KIND_RANK[kind],
  }
}

function candidate(text: string, opt: EntityOption, span: Token[], score: number): Candidate {
  const first = span[0] as Token
  const last = span[span.length - 1] as Token
  return {
    kind: opt.kind,
    value: opt.value,
    ...(opt.dimension ? { dimension: opt.dimension } : {}),
    ...(opt.actionType ? { actionType: opt.actionType } : {}),
    start: first.start,
    end: last.end,
    text: text.slice(first.start, last.end),
    score,
    alternatives: [],
    rank: KIND_RANK[opt.kind],
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function uniqueByValue(options: EntityOption[]): EntityOption[] {
  const seen = new Set<string>()
  return options.filter((o) => {
    const k = `${o.kind}|${o.value}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
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
    if (STOPWORDS.has(t) || STOPWORDS.has(w) || exactOnly(t) || exactOnly(w)) return 0
    const allowed = allowedTypos(Math.min(t.length, w.length))
    // "untis" for "units": the plural's "s" off, as the index looked it up (see TypoIndex).
    const d = Math.min(
      editDistance(t, w, allowed),
      t.length > 4 && t.endsWith('s') && !w.endsWith('s')
        ? editDistance(t.slice(0, -1), w, allowed)
        : allowed + 1,
    )
    if (d > allowed) return 0
    typos += d
  }
  if (!content) return 0
  return 1 - typos / Math.max(chars, 1)
}
