/**
 * Plain-text rendering of bot messages, for channels without rich widgets (terminal, Dialogflow
 * `fulfillmentText`, Slack notification fallbacks).
 */
import type { Message } from '../core/types.ts'

export interface TextRenderOptions {
  /** Rows shown per table before "… N more rows". @default 50 */
  maxRows?: number
  /** Number choices `1. Label` so a user can answer with the number. @default true */
  numberChoices?: boolean
  /** Turns a relative download url into an absolute one. */
  fileUrl?: (url: string) => string
  /** Widest column in characters before cells are cut with "…". @default 40 */
  maxColumnWidth?: number
  /** Characters per line (a terminal's columns); wider tables are split into column groups. */
  width?: number
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(1, width - 1))}…` : text
}

const GAP = '  '

/**
 * Renders a table with columns padded to a common width; numbers are right-aligned. With `width`
 * (a terminal's columns) a table too wide for it is split into column groups that each fit, the
 * row labels repeated in every group, so no line wraps in the middle of a cell.
 */
export function renderTable(columns: string[], rows: string[][], options: TextRenderOptions = {}): string {
  const maxRows = options.maxRows ?? 50
  const width = options.width && options.width > 20 ? options.width : undefined
  // The label column keeps at most a third of a narrow screen, so figures still fit beside it.
  const labelMax = Math.min(options.maxColumnWidth ?? 40, width ? Math.floor(width / 3) : Infinity)
  const maxWidth = Math.min(options.maxColumnWidth ?? 40, width ? width - labelMax - GAP.length : Infinity)
  const shown = rows.slice(0, maxRows)
  const cells = [columns, ...shown].map((r) =>
    columns.map((_, i) => cut(r[i] ?? '', i === 0 ? labelMax : maxWidth)),
  )
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const numeric = columns.map(
    (_, i) => shown.length > 0 && shown.every((r) => /^-?[\d,.]*%?$/.test((r[i] ?? '').trim())),
  )
  const groups = columnGroups(widths, width)
  const blocks = groups.map((group) => {
    const pick = (r: string[]) => group.map((i) => r[i] ?? '')
    const w = group.map((i) => widths[i] ?? 0)
    const line = (r: string[]) =>
      pick(r)
        .map((cell, j) => (numeric[group[j] ?? 0] ? cell.padStart(w[j] ?? 0) : cell.padEnd(w[j] ?? 0)))
        .join(GAP)
        .trimEnd()
    const out = [line(cells[0] ?? []), w.map((n) => '-'.repeat(n)).join(GAP)]
    for (const r of cells.slice(1)) out.push(line(r))
    if (groups.length > 1) {
      const first = group[1] ?? 0
      const last = group.at(-1) ?? 0
      out.unshift(`(columns ${first + 1}–${last + 1} of ${columns.length})`)
    }
    return out.join('\n')
  })
  const more = rows.length > shown.length ? `\n… ${rows.length - shown.length} more rows` : ''
  return blocks.join('\n\n') + more
}

/**
 * Column indexes per printed block: everything in one block when it fits `width` (or no width is
 * known), else the label column followed by as many further columns as fit, block after block.
 */
export function columnGroups(widths: number[], width: number | undefined): number[][] {
  const all = widths.map((_, i) => i)
  const total = widths.reduce((a, w) => a + w, 0) + GAP.length * Math.max(0, widths.length - 1)
  if (!width || total <= width || widths.length < 2) return [all]
  const label = widths[0] ?? 0
  const groups: number[][] = []
  let group = [0]
  let used = label
  for (let i = 1; i < widths.length; i++) {
    const need = GAP.length + (widths[i] ?? 0)
    if (group.length > 1 && used + need > width) {
      groups.push(group)
      group = [0]
      used = label
    }
    group.push(i)
    used += need
  }
  groups.push(group)
  return groups
}

/** Renders one message as text. */
export function renderMessage(message: Message, options: TextRenderOptions = {}): string {
  switch (message.type) {
    case 'text':
      return message.text
    case 'table': {
      const table = renderTable(message.columns, message.rows, options)
      const pages = message.pages?.length
        ? `Pages: ${message.pages.map((p) => `${p.dimension} ${p.selected}`).join(', ')} (say "switch the page to …")\n`
        : ''
      return `${message.title ? `${message.title}\n` : ''}${pages}${table}`
    }
    case 'chart': {
      const first = message.labels[0] ?? ''
      const last = message.labels[message.labels.length - 1] ?? ''
      const names = message.series.map((s) => (s.total ? `${s.name} (bars, right axis)` : s.name)).join(', ')
      const span = message.labels.length > 1 ? `${first} to ${last}` : first
      return `[${message.kind} chart${message.title ? `: ${message.title}` : ''}: ${names}, ${span}]`
    }
    case 'choices': {
      const numbered = options.numberChoices ?? true
      const lines = message.options.map((o, i) => (numbered ? `  ${i + 1}. ${o.label}` : `  - ${o.label}`))
      return [message.prompt, ...lines].filter((l): l is string => Boolean(l)).join('\n')
    }
    case 'file': {
      const url = options.fileUrl ? options.fileUrl(message.url) : message.url
      return `Download ${message.name}: ${url}`
    }
  }
}

/** Renders messages as text blocks separated by blank lines. */
export function renderMessages(messages: Message[], options: TextRenderOptions = {}): string {
  return messages.map((m) => renderMessage(m, options)).join('\n\n')
}
