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

/** Renders RFC 4180 CSV with a header row. */
export function formatCsv(grid: Grid): string {
  return stringify([grid.columns, ...grid.rows.map((r) => pad(r, grid.columns.length))])
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
      const text = human()
      if (text) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
  }

  /** Prints a grid result (objects in `--json` mode). */
  grid(grid: Grid): void {
    this.result(gridToObjects(grid), () => (grid.rows.length ? formatTable(grid) : '(none)\n'))
  }

  /** A note for people on stderr; silent with `--quiet` or `--json`. */
  note(text: string): void {
    if (!this.json && !this.quiet) this.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** A warning on stderr; silent only in `--json` mode. */
  warn(text: string): void {
    if (!this.json) this.stderr.write(`anaplan: warning: ${text}\n`)
  }

  /** The final error: one line on stderr (`anaplan: …`), or `{error:{code,message}}` in `--json` mode. */
  error(report: ErrorReport): void {
    if (this.json) {
      this.stderr.write(`${JSON.stringify({ error: { code: report.code, message: report.message } })}\n`)
    } else this.stderr.write(`anaplan: ${report.message}\n`)
  }
}

function pad(r: string[], width: number): string[] {
  if (r.length >= width) return r
  return [...r, ...Array.from({ length: width - r.length }, () => '')]
}

function clean(s: string): string {
  // A newline or tab inside a cell would break the alignment of every following row.
  return s.replace(/[\r\n\t]+/g, ' ')
}
