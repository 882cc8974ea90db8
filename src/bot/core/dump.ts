/**
 * Import failure dumps in words: "row 12: 'Widgetz' is not a Product". A dump is CSV with
 * `_Status_`, the source columns, `_Line_` and `_Error_1_` (reference §5.6).
 */
import { parse } from 'csv-parse/sync'

/** The first `max` failed rows of a dump, each as one sentence. */
export function dumpInWords(csv: string, max = 3): string[] {
  let rows: Record<string, string>[]
  try {
    rows = parse(csv, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<
      string,
      string
    >[]
  } catch {
    return []
  }
  const out: string[] = []
  for (const row of rows.slice(0, max)) {
    const line = row._Line_ ?? '?'
    const error = (row._Error_1_ ?? '').trim()
    out.push(`row ${line}: ${describe(row, error)}`)
  }
  if (rows.length > max) out.push(`and ${rows.length - max} more row${rows.length - max === 1 ? '' : 's'}`)
  return out
}

function describe(row: Record<string, string>, error: string): string {
  // Most import errors name an item that is not in a list: say it the way a planner would.
  const nf = /item not found in ([^:]+):\s*(.+?)\.?$/i.exec(error)
  if (nf?.[1] && nf[2]) return `'${nf[2].trim()}' is not a ${singular(nf[1].trim())}`
  const m =
    /(?:item|value)?\s*['"]?([^'"]+?)['"]?\s+(?:is\s+)?not\s+(?:found\s+)?in\s+(?:list\s+)?['"]?([^'"]+?)['"]?\.?$/i.exec(
      error,
    ) ??
    /^(?:unknown|invalid)\s+(?:item\s+)?(?:in\s+)?['"]?([^'":]+?)['"]?\s*[:\-–]\s*['"]?([^'"]+?)['"]?\.?$/i.exec(
      error,
    )
  if (m?.[1] && m[2]) {
    const [a, b] = [m[1].trim(), m[2].trim()]
    const [value, list] = Object.values(row).includes(a)
      ? [a, b]
      : Object.values(row).includes(b)
        ? [b, a]
        : [a, b]
    return `'${value}' is not a ${singular(list)}`
  }
  return error || 'rejected'
}

function singular(name: string): string {
  if (/ies$/i.test(name)) return `${name.slice(0, -3)}y`
  if (/s$/i.test(name) && !/ss$/i.test(name)) return name.slice(0, -1)
  return name
}
