/**
 * Task results and failure dumps in plain words: what an integration admin reads after a run,
 * instead of a raw `result` object or a CSV nobody opens.
 */
import { parse } from 'csv-parse/sync'
import type { Task, TaskResult } from '../anaplan/index.ts'

/** One dump row, explained. */
export interface DumpRow {
  /** Source line number (`_Line_`), when the dump has one. */
  line?: string
  severity: 'error' | 'warning' | 'other'
  /** The `_Error_N_` texts. */
  errors: string[]
  /** Source columns of the row: column name → value. */
  values: Record<string, string>
}

/** Counts and first rows of an import failure dump. */
export interface DumpSummary {
  rows: number
  errors: number
  warnings: number
  columns: string[]
  first: DumpRow[]
}

/**
 * Reads a dump CSV (`"_Status_", source columns…, "_Line_", "_Error_1_"…`) and keeps the counts
 * and the first `max` rows. A dump that is not CSV still yields its row count.
 */
export function summarizeDump(csv: string, max = 5): DumpSummary {
  let records: string[][]
  try {
    records = parse(csv, { skip_empty_lines: true, relax_column_count: true, relax_quotes: true, bom: true })
  } catch {
    const lines = csv.split(/\r?\n/).filter((l) => l.trim())
    return { rows: Math.max(0, lines.length - 1), errors: 0, warnings: 0, columns: [], first: [] }
  }
  const [header = [], ...rows] = records
  const statusAt = header.findIndex((h) => /^_?status_?$/i.test(h.trim()))
  const lineAt = header.findIndex((h) => /^_?line_?$/i.test(h.trim()))
  const errorAt = header.flatMap((h, i) => (/^_?error_?\d*_?$/i.test(h.trim()) ? [i] : []))
  const special = new Set([statusAt, lineAt, ...errorAt])
  const columns = header.filter((_, i) => !special.has(i))
  let errors = 0
  let warnings = 0
  const first: DumpRow[] = []
  for (const r of rows) {
    const status = (statusAt >= 0 ? (r[statusAt] ?? '') : '').trim().toUpperCase()
    const severity = status === 'E' ? 'error' : status === 'W' ? 'warning' : 'other'
    if (severity === 'error') errors++
    if (severity === 'warning') warnings++
    if (first.length < max) {
      const values: Record<string, string> = {}
      header.forEach((h, i) => {
        if (!special.has(i)) values[h] = r[i] ?? ''
      })
      const line = lineAt >= 0 ? r[lineAt] : undefined
      first.push({
        ...(line ? { line } : {}),
        severity,
        errors: errorAt.map((i) => r[i] ?? '').filter((t) => t.trim()),
        values,
      })
    }
  }
  return { rows: rows.length, errors, warnings, columns, first }
}

/** The summary as a few lines of text, e.g. `line 151 (error): Invalid parent — Column 1=Max Warren`. */
export function formatDumpSummary(s: DumpSummary, label = 'Failure dump'): string {
  const counts = [`${s.rows} ${plural(s.rows, 'row')}`]
  if (s.errors) counts.push(`${s.errors} ${plural(s.errors, 'error')}`)
  if (s.warnings) counts.push(`${s.warnings} ${plural(s.warnings, 'warning')}`)
  const out = [`${label}: ${counts.join(', ')}`]
  for (const r of s.first) {
    const where = r.line ? `line ${r.line}` : 'row'
    const why = r.errors.length ? r.errors.join('; ') : 'no reason given'
    const values = Object.entries(r.values)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')
    out.push(`  ${where} (${r.severity}): ${why}${values ? ` — ${values}` : ''}`)
  }
  if (s.rows > s.first.length) out.push(`  … and ${s.rows - s.first.length} more`)
  return out.join('\n')
}

/**
 * A task result as indented lines: the outcome, each detail's message, and nested results (one per
 * action of a process) below it.
 */
export function formatTaskResult(
  result: TaskResult,
  names: Record<string, string> = {},
  indent = '',
): string {
  const name = result.objectName ?? (result.objectId ? (names[result.objectId] ?? result.objectId) : 'Task')
  // Anaplan reports an import with rejected rows as successful; the dump tells the real story.
  const outcome = !result.successful
    ? `FAILED${result.failureDumpAvailable ? ' (failure dump available)' : ''}`
    : result.failureDumpAvailable
      ? 'completed with failures (failure dump available)'
      : 'succeeded'
  const out = [`${indent}${name}: ${outcome}`]
  for (const d of result.details ?? []) {
    const text = d.localMessageText?.trim() || describeValues(d.type, d.values)
    if (text) out.push(`${indent}  ${text}`)
  }
  for (const n of result.nestedResults ?? []) out.push(formatTaskResult(n, names, `${indent}  `))
  return out.join('\n')
}

/** One line for a task's state, e.g. `IN_PROGRESS 40% Importing rows`. */
export function formatTaskState(task: Task): string {
  const pct = typeof task.progress === 'number' ? ` ${Math.round(task.progress * 100)}%` : ''
  const step = task.currentStep ? ` ${task.currentStep}` : ''
  return `${task.taskState}${pct}${step}`
}

function describeValues(type: string, values: (string | null)[] | undefined): string {
  if (!values?.length) return type
  // `values` are flattened key/value pairs: ["hierarchyName","Employees","successRowCount","90"].
  const pairs: string[] = []
  for (let i = 0; i + 1 < values.length; i += 2) pairs.push(`${values[i]}=${values[i + 1] ?? ''}`)
  return `${type}: ${pairs.join(', ')}`
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`
}
