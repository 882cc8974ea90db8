/**
 * Rendering for people and for machines: aligned text tables, CSV, JSON, and the {@link Output}
 * sink that decides what goes to stdout (results) and what to stderr (notes, errors).
 */
import { stringify } from 'csv-stringify/sync'
import type { ViewData } from '../anaplan/index.ts'
import type { ErrorReport } from './exit-codes.ts'

/** A rectangular result: one header row and string cells. */
export interface Grid {
  columns: string[]
  rows: string[][]
}

/** The formats `view` (and listings) can print. */
export type GridFormat = 'table' | 'csv' | 'json'

const NUMERIC = /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$/

/**
 * Renders an aligned text table. Numeric columns are right-aligned so digits line up, as in a
 * spreadsheet; everything else is left-aligned.
 */
export function formatTable(grid: Grid): string {
  const width = grid.columns.length
  const cells = [grid.columns, ...grid.rows.map((r) => pad(r, width))].map((r) => r.map(clean))
  const widths = grid.columns.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)))
  // Ids are digits too, but they are names, not quantities: keep them left-aligned.
  const numeric = grid.columns.map(
    (c, i) =>
      !/(^|\s)id$/i.test(c) &&
      grid.rows.length > 0 &&
      grid.rows.every((r) => (r[i] ?? '') === '' || NUMERIC.test(r[i]!)),
  )
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const out = [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  ')]
  for (const r of cells.slice(1)) out.push(line(r))
  return `${out.join('\n')}\n`
}

/**
 * Renders RFC 4180 CSV with a header row. A cell that a spreadsheet would run as a formula (it
 * starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number) gets a leading
 * `'`, as OWASP advises against CSV injection: a list item named `=HYPERLINK(…)` stays text.
 */
export function formatCsv(grid: Grid): string {
  const rows = [grid.columns, ...grid.rows.map((r) => pad(r, grid.columns.length))]
  return stringify(rows.map((r) => r.map(csvCell)))
}

const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?%?$/

/** One CSV cell, neutralised when a spreadsheet would evaluate it (numbers such as `-5` stay numbers). */
export function csvCell(cell: string): string {
  return FORMULA_START.test(cell) && !(PLAIN_NUMBER.test(cell) && /\d/.test(cell)) ? `'${cell}` : cell
}

/**
 * Text safe to print on a terminal: escape sequences (CSI, OSC and the rest) and other control
 * characters in names that came from Anaplan are removed, so a name cannot move the cursor,
 * retitle the window or hide what follows. Newlines and tabs stay.
 */
export function printable(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x1b) i = escapeEnd(text, i)
    else if (c === 0x9b) i = csiEnd(text, i + 1)
    else if (!isControl(c)) out += text[i]
  }
  return out
}

/** C0 and C1 control characters other than newline and tab. */
export function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x0a && code !== 0x09) || (code >= 0x7f && code <= 0x9f)
}

/** Index of the last character of the escape sequence starting with ESC at `i`. */
function escapeEnd(text: string, i: number): number {
  const next = text[i + 1]
  if (next === '[') return csiEnd(text, i + 2)
  if (next === ']') {
    // OSC (window title, hyperlinks) runs to BEL or ESC \.
    for (let j = i + 2; j < text.length; j++) {
      if (text.charCodeAt(j) === 0x07) return j
      if (text.charCodeAt(j) === 0x1b && text[j + 1] === '\\') return j + 1
    }
    return text.length - 1
  }
  return next !== undefined && next >= '@' && next <= '_' ? i + 1 : i
}

/** Index of a CSI sequence's final byte: parameters and intermediates are 0x20–0x3f. */
function csiEnd(text: string, j: number): number {
  let k = j
  while (k < text.length && text.charCodeAt(k) >= 0x20 && text.charCodeAt(k) <= 0x3f) k++
  const final = text.charCodeAt(k)
  // A sequence cut short (no final byte) ends before the character that is not part of it.
  return final >= 0x40 && final <= 0x7e ? k : k - 1
}

/** Turns a grid into an array of objects keyed by column name (for `--json`). */
export function gridToObjects(grid: Grid): Record<string, string>[] {
  return grid.rows.map((r) => Object.fromEntries(grid.columns.map((c, i) => [c, r[i] ?? ''])))
}

/**
 * Flattens view data into a grid: the row coordinates first (one column per row dimension, headed
 * by `rowHeaders` when known), then one column per column coordinate (multi-dimension column
 * headers joined with " / ").
 */
export function viewToGrid(data: ViewData, rowHeaders: string[] = []): Grid {
  const depth = Math.max(1, ...data.rows.map((r) => r.rowCoordinates.length))
  const heads = Array.from({ length: depth }, (_, i) => rowHeaders[i] ?? (depth === 1 ? '' : `Row ${i + 1}`))
  const columns = [...heads, ...data.columnCoordinates.map((c) => c.join(' / '))]
  const rows = data.rows.map((r) => [...pad(r.rowCoordinates, depth), ...r.cells])
  return { columns, rows }
}

/** Renders a grid in one of the three formats. */
export function formatGrid(grid: Grid, format: GridFormat): string {
  if (format === 'csv') return formatCsv(grid)
  if (format === 'json') return `${JSON.stringify(gridToObjects(grid), null, 2)}\n`
  return formatTable(grid)
}

/** Stable JSON for stdout. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** A writable the CLI prints to (process.stdout or a test buffer). */
export interface TextSink {
  write(chunk: string | Uint8Array): boolean
  isTTY?: boolean
  columns?: number
}

/**
 * Where output goes. Results go to stdout; notes (what was done, hints) go to stderr so that stdout
 * stays pipeable; in `--json` mode stdout carries exactly one JSON document and notes are dropped.
 */
export class Output {
  readonly json: boolean
  readonly quiet: boolean
  readonly stdout: TextSink
  readonly stderr: TextSink

  constructor(o: { json: boolean; quiet: boolean; stdout: TextSink; stderr: TextSink }) {
    this.json = o.json
    this.quiet = o.quiet
    this.stdout = o.stdout
    this.stderr = o.stderr
  }

  /** Prints a result: `value` as JSON in `--json` mode, else the human text. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.stdout.write(formatJson(value))
    else {
      const text = printable(human())
      if (text) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
  }

  /** Prints a grid result (objects in `--json` mode). */
  grid(grid: Grid): void {
    this.result(gridToObjects(grid), () => (grid.rows.length ? formatTable(grid) : '(none)\n'))
  }

  /** A note for people on stderr; silent with `--quiet` or `--json`. */
  note(text: string): void {
    if (!this.json && !this.quiet) {
      const safe = printable(text)
      this.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`)
    }
  }

  /** A warning on stderr; silent only in `--json` mode. */
  warn(text: string): void {
    if (!this.json) this.stderr.write(`anaplan: warning: ${printable(text)}\n`)
  }

  /** The final error: one line on stderr (`anaplan: …`), or `{error:{code,message}}` in `--json` mode. */
  error(report: ErrorReport): void {
    if (this.json) {
      this.stderr.write(`${JSON.stringify({ error: { code: report.code, message: report.message } })}\n`)
    } else this.stderr.write(`anaplan: ${printable(report.message).replace(/[\r\n]+/g, ' ')}\n`)
  }
}

function pad(r: string[], width: number): string[] {
  if (r.length >= width) return r
  return [...r, ...Array.from({ length: width - r.length }, () => '')]
}

function clean(s: string): string {
  // A newline or tab inside a cell would break the alignment of every following row.
  return printable(s.replace(/[\r\n\t]+/g, ' '))
}
