/**
 * The bulk form of `write-cells --from FILE`: JSON or CSV turned into Anaplan cell writes.
 *
 * JSON: an array whose entries are either Anaplan's own cell-write objects (`lineItemName` or
 * `lineItemId`, `dimensions[]`, `value`) or the short form that mirrors the flags:
 * `{ "lineItem": "Units", "items": { "Regions": "APAC" }, "period": "Mar 26", "version": "Forecast", "value": 500 }`.
 *
 * CSV: a header row with `lineItem` and `value` columns (any case); every other column is a dimension
 * name (`period` and `version` are shorthands for Time and Versions) and its cells are item names.
 * An empty cell leaves that dimension out of the row.
 */
import { parse } from 'csv-parse/sync'
import type { CellWrite } from '../anaplan/index.ts'
import { parseCellValue, TIME_DIMENSION, VERSIONS_DIMENSION } from './args.ts'
import { UsageError } from './exit-codes.ts'

type Dim = NonNullable<CellWrite['dimensions']>[number]

/** Parses a cells file by its extension (`.json` or `.csv`), or by a leading `[` when unknown. */
export function parseCellsFile(fileName: string, text: string): CellWrite[] {
  const lower = fileName.toLowerCase()
  const isJson = lower.endsWith('.json') || (!lower.endsWith('.csv') && text.trimStart().startsWith('['))
  const cells = isJson ? parseCellsJson(text, fileName) : parseCellsCsv(text, fileName)
  if (cells.length === 0) throw new UsageError(`${fileName} contains no cells`)
  return cells
}

/** Parses the JSON form (see the module comment). */
export function parseCellsJson(text: string, fileName = 'cells.json'): CellWrite[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new UsageError(`${fileName} is not valid JSON (${(e as Error).message})`)
  }
  if (!Array.isArray(data)) throw new UsageError(`${fileName} must contain a JSON array of cells`)
  return data.map((entry, i) => jsonCell(entry, `${fileName} entry ${i + 1}`))
}

function jsonCell(entry: unknown, where: string): CellWrite {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    throw new UsageError(`${where} is not an object`)
  const e = entry as Record<string, unknown>
  const value = e.value
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new UsageError(`${where} needs a "value" (text, number or boolean)`)
  }
  if (typeof e.lineItemName === 'string' || typeof e.lineItemId === 'string') {
    const dims = e.dimensions
    if (dims !== undefined && !Array.isArray(dims))
      throw new UsageError(`${where}: "dimensions" must be an array`)
    return {
      ...(typeof e.lineItemId === 'string' ? { lineItemId: e.lineItemId } : {}),
      ...(typeof e.lineItemName === 'string' ? { lineItemName: e.lineItemName } : {}),
      ...(dims ? { dimensions: dims as Dim[] } : {}),
      value,
    }
  }
  if (typeof e.lineItem !== 'string' || !e.lineItem.trim()) {
    throw new UsageError(`${where} needs "lineItem" (or Anaplan's "lineItemName"/"lineItemId")`)
  }
  const items: Record<string, string> = {}
  if (e.items !== undefined) {
    if (!e.items || typeof e.items !== 'object' || Array.isArray(e.items)) {
      throw new UsageError(`${where}: "items" must be an object of Dimension: Item`)
    }
    for (const [k, v] of Object.entries(e.items)) {
      if (typeof v !== 'string') throw new UsageError(`${where}: item of "${k}" must be text`)
      items[k] = v
    }
  }
  if (typeof e.period === 'string') items[TIME_DIMENSION] = e.period
  if (typeof e.version === 'string') items[VERSIONS_DIMENSION] = e.version
  return { lineItemName: e.lineItem, dimensions: toDims(items), value }
}

/** Parses the CSV form (see the module comment). */
export function parseCellsCsv(text: string, fileName = 'cells.csv'): CellWrite[] {
  let records: string[][]
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: false })
  } catch (e) {
    throw new UsageError(`${fileName} is not valid CSV (${(e as Error).message})`)
  }
  const [header, ...rows] = records
  if (!header) return []
  const lower = header.map((h) => h.toLowerCase().replace(/[\s_-]/g, ''))
  const li = lower.indexOf('lineitem')
  const vi = lower.indexOf('value')
  if (li < 0 || vi < 0) throw new UsageError(`${fileName} needs "lineItem" and "value" columns in its header`)
  return rows.map((row, r) => {
    const lineItem = row[li] ?? ''
    if (!lineItem) throw new UsageError(`${fileName} row ${r + 2} has no line item`)
    const items: Record<string, string> = {}
    header.forEach((h, i) => {
      if (i === li || i === vi || !row[i]) return
      const dim = lower[i] === 'period' ? TIME_DIMENSION : lower[i] === 'version' ? VERSIONS_DIMENSION : h
      items[dim] = row[i]!
    })
    return { lineItemName: lineItem, dimensions: toDims(items), value: parseCellValue(row[vi] ?? '') }
  })
}

function toDims(items: Record<string, string>): Dim[] {
  return Object.entries(items).map(([dimensionName, itemName]) => ({ dimensionName, itemName }))
}
