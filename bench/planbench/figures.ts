/**
 * The figures a reply states: numbers in en-US format (`1,234,567`, `25.5`, `-3,210`, `(3,210)`,
 * `12.3%`, `1.2M`) in its text, tables and charts. Not figures: words the user typed back in
 * quotes, period names (`Q3 FY26`, `Jan 26`, `FY26`), years, dates and times, numbers inside
 * names or codes (`S0001`, `SKU00042`, `Store 0007 Bergen`), list numbering (`1.`), and counts (`4 regions`, `top 5`).
 */

/** A reply as `/api/chat` returns it (only the fields read here). */
export interface ReplyMessage {
  type: string
  text?: string
  prompt?: string
  title?: string
  columns?: string[]
  rows?: string[][]
  labels?: string[]
  series?: { name: string; values: (number | null)[] }[]
  options?: { label: string; value: string }[]
}

export interface Reply {
  intent?: { name: string }
  messages: ReplyMessage[]
}

/** One number as shown: its value and the half-unit of its last shown digit. */
export interface Shown {
  value: number
  percent: boolean
  /** Half of the displayed precision: `25.5` → 0.05, `1.2M` → 50,000. */
  tolerance: number
  /** The text it came from, for the result file. */
  text: string
}

const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec'
const PERIOD = new RegExp(
  [
    `\\b(?:${MONTHS})[a-z]*\\.?\\s+'?\\d{2,4}\\b`,
    '\\bq[1-4]\\s*(?:fy\\s?)?\\d{0,4}\\b',
    '\\bh[12]\\s*(?:fy\\s?)?\\d{0,4}\\b',
    '\\bfy\\s?\\d{2,4}\\b',
    '\\b\\d{4}-\\d{2}-\\d{2}(?:t[\\d:.]+z?)?\\b',
    '\\b\\d{1,2}:\\d{2}(?::\\d{2})?\\b',
  ].join('|'),
  'gi',
)
/** Words that make the number before them a count, not a figure. */
const COUNTED =
  /^\s+(?:[a-z]+\s+)?(?:regions?|products?|stores?|skus?|items?|months?|quarters?|periods?|views?|actions?|imports?|exports?|processes|departments?|employees?|categor(?:y|ies)|subcategor(?:y|ies)|countr(?:y|ies)|versions?|lists?|line items?|rows?|columns?|cells?|results?|models?|workspaces?|contributors?|detractors?|names?|choices?|options?|dimensions?|modules?|years?|days?|weeks?|hours?|minutes?|seconds?)\b/i
const NUMBER =
  /(?<![\w.,])([-−–]|\()?\s?[$€£]?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\)?\s?(%|[kmb]\b|bn\b|mn\b)?(?![\w])/gi

/** Removes text in quotes: the user's own words echoed back are not the bot's figures. */
function unquote(text: string): string {
  return text.replace(/"[^"\n]*"|“[^”\n]*”|‘[^’\n]*’|(?<=^|[\s(])'[^'\n]{1,80}'(?=[\s.,;:!?)]|$)/g, ' ')
}

/** The figures in one piece of text. */
export function figuresInText(raw: string): Shown[] {
  const text = unquote(raw).replace(PERIOD, ' ')
  const out: Shown[] = []
  for (const m of text.matchAll(NUMBER)) {
    const [whole, sign, int = '', frac = '', suffix = ''] = m
    const start = m.index ?? 0
    const end = start + whole.length
    const before = text.slice(Math.max(0, start - 12), start)
    const after = text.slice(end)
    if (sign === '(' && !whole.endsWith(')')) continue
    const digits = int.replace(/,/g, '')
    // A bare four-digit year; an en-US figure of that size is written 2,026.
    if (!frac && !suffix && !int.includes(',') && /^(19|20)\d\d$/.test(digits)) continue
    // A zero-padded number is part of a name or code ("Store 0007 Bergen"): figures never are.
    if (!frac && !suffix && /^0\d/.test(digits)) continue
    // List numbering at the start of a line ("1." or "2)") and ranks ("#1", "no. 2").
    if (/(^|\n)\s*$/.test(before) && /^[.)]\s/.test(after)) continue
    if (/(#|\bno\.?\s?|\brank\s?)$/i.test(before)) continue
    if (!frac && !suffix && (/\b(top|bottom|first|last)\s+$/i.test(before) || COUNTED.test(after))) continue
    const decimals = frac ? frac.length - 1 : 0
    const scale = /^k$/i.test(suffix)
      ? 1e3
      : /^(m|mn)$/i.test(suffix)
        ? 1e6
        : /^(b|bn)$/i.test(suffix)
          ? 1e9
          : 1
    const magnitude = Number(`${digits}${frac}`) * scale
    out.push({
      value: sign ? -magnitude : magnitude,
      percent: suffix === '%',
      tolerance: (0.5 * scale) / 10 ** decimals,
      text: whole.trim(),
    })
  }
  return out
}

/** Every figure a reply states, and the plain text it states them in (names, questions). */
export function replyFigures(reply: Reply): { figures: Shown[]; text: string } {
  const figures: Shown[] = []
  const texts: string[] = []
  for (const m of reply.messages) {
    if (m.type === 'text' && m.text) {
      texts.push(m.text)
      figures.push(...figuresInText(m.text))
    } else if (m.type === 'table') {
      if (m.title) texts.push(m.title)
      texts.push((m.columns ?? []).join(' | '))
      for (const row of m.rows ?? []) {
        texts.push(row.join(' | '))
        // The first column names the row; every other cell is a figure or a word.
        for (const cell of row.slice(1)) figures.push(...figuresInText(cell))
      }
    } else if (m.type === 'chart') {
      if (m.title) texts.push(m.title)
      texts.push((m.labels ?? []).join(' | '))
      for (const s of m.series ?? [])
        for (const v of s.values)
          if (typeof v === 'number')
            figures.push({ value: v, percent: false, tolerance: 0.005, text: String(v) })
    } else if (m.type === 'choices') {
      texts.push(m.prompt ?? '', ...(m.options ?? []).map((o) => o.label))
    }
  }
  return { figures, text: texts.join('\n') }
}
