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
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(1, width - 1))}…` : text
}

/** Renders a table with columns padded to a common width; numbers are right-aligned. */
export function renderTable(columns: string[], rows: string[][], options: TextRenderOptions = {}): string {
  const maxRows = options.maxRows ?? 50
  const maxWidth = options.maxColumnWidth ?? 40
  const shown = rows.slice(0, maxRows)
  const cells = [columns, ...shown].map((r) => columns.map((_, i) => cut(r[i] ?? '', maxWidth)))
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const numeric = columns.map(
    (_, i) => shown.length > 0 && shown.every((r) => /^-?[\d,.]*%?$/.test((r[i] ?? '').trim())),
  )
  const line = (r: string[]) =>
    r
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  const out = [line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  ')]
  for (const r of cells.slice(1)) out.push(line(r))
  if (rows.length > shown.length) out.push(`… ${rows.length - shown.length} more rows`)
  return out.join('\n')
}

/** Renders one message as text. */
export function renderMessage(message: Message, options: TextRenderOptions = {}): string {
  switch (message.type) {
    case 'text':
      return message.text
    case 'table': {
      const table = renderTable(message.columns, message.rows, options)
      return message.title ? `${message.title}\n${table}` : table
    }
    case 'chart': {
      const first = message.labels[0] ?? ''
      const last = message.labels[message.labels.length - 1] ?? ''
      const names = message.series.map((s) => s.name).join(', ')
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
