/**
 * Runs an import: streams the CSV through csv-parse (never holding the whole file), applies every
 * good row to the model or list, and collects bad rows into a failure dump in Anaplan's format:
 * `"_Status_",<source columns>,"_Line_","_Error_1_"`, one `"E"` row per rejected line.
 */
import { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { stringify } from 'csv-stringify/sync'
import type { ActionOutcome } from './contract.ts'
import { coerceValue, type Model } from './model.ts'
import type { ImportInternal, LineItem, ListDef, Module } from './types.ts'

async function* decode(csv: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  for await (const chunk of csv) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    if (text) yield text
  }
  const tail = decoder.decode()
  if (tail) yield tail
}

interface RowResult {
  error?: string
  /** Row had nothing to import (all value columns empty). */
  ignored?: boolean
  created?: boolean
  /** An existing list item whose name the row wrote. */
  renamed?: boolean
}

type RowHandler = (row: string[]) => RowResult

/** Parses the CSV and changes the model; see the module comment for the dump format. */
export async function runImport(
  model: Model,
  imp: ImportInternal,
  csv: AsyncIterable<Uint8Array | string>,
  mappingParameters: { entityType: string; entityName: string }[] = [],
): Promise<ActionOutcome> {
  let fixed = imp.target.kind === 'module' ? imp.target.fixed : new Map<number, string>()
  // Dimensions chosen at run time: their file column (if any) is neither needed nor read.
  const runtime = new Set<number>()
  if (mappingParameters.length > 0) {
    if (imp.target.kind !== 'module')
      return failedOutcome(imp, 'Mapping parameters apply to module imports only')
    const m = imp.target.module
    fixed = new Map(fixed)
    for (const p of mappingParameters) {
      const type = String(p?.entityType ?? '').trim()
      const t = type.toLowerCase()
      const k = m.dims.findIndex(
        (d) => d.name.toLowerCase() === t || d.id === type || (d.kind === 'versions' && t === 'version'),
      )
      if (k < 0) {
        return failedOutcome(
          imp,
          `Mapping parameter for an unknown dimension: ${type || '(empty)'} (${m.name} has ${m.dims.map((d) => d.name).join(', ')})`,
        )
      }
      const dim = m.dims[k]!
      const name = String(p.entityName ?? '').trim()
      const item = name === '' ? undefined : dim.find(name)
      if (!item)
        return failedOutcome(imp, `Mapping parameter item not found in ${dim.name}: ${name || '(empty)'}`)
      if (dim.isAggregate(item.id)) {
        return failedOutcome(
          imp,
          `Mapping parameter ${item.name} is an aggregate of ${dim.name} and cannot be imported into`,
        )
      }
      fixed.set(k, item.id)
      runtime.add(k)
    }
  }
  const parser = Readable.from(decode(csv)).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }),
  )
  let header: string[] | undefined
  let handle: RowHandler | undefined
  const dumpRows: string[][] = []
  let ok = 0
  let failed = 0
  let ignored = 0
  let created = 0
  let renamed = 0
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[]
      info: { lines: number }
    }>) {
      if (!header) {
        // A file without a header row: columns are numbered 1, 2, … and this row is data.
        header = imp.headerRow === 0 ? record.map((_, i) => String(i + 1)) : record.map((h) => h.trim())
        const plan =
          imp.target.kind === 'module'
            ? moduleHandler(model, imp.target.module, imp.columns, fixed, runtime, header)
            : listHandler(model, imp, imp.target.list, header)
        if (typeof plan === 'string') return failedOutcome(imp, plan)
        handle = plan
        if (imp.headerRow !== 0) continue
      }
      const result = handle!(record)
      if (result.error) {
        failed++
        dumpRows.push(['E', ...header.map((_, i) => record[i] ?? ''), String(info.lines), result.error])
      } else if (result.ignored) ignored++
      else {
        ok++
        if (result.created) created++
        if (result.renamed) renamed++
      }
    }
  } catch (err) {
    return failedOutcome(imp, `The file could not be read as CSV: ${(err as Error).message}`)
  } finally {
    model.changed()
  }
  if (!header) return failedOutcome(imp, 'The file is empty: a header row is needed')

  const total = ok + failed + ignored
  const target =
    imp.target.kind === 'module'
      ? { type: 'moduleRowsProcessed', key: 'moduleName', name: imp.target.module.name }
      : { type: 'hierarchyRowsProcessed', key: 'hierarchyName', name: imp.target.list.dim.name }
  const updated = ok - created
  // Anaplan's wording: "(created/updated)" after the successful rows, and a longer text (with its
  // own type) when rows failed.
  const text =
    failed > 0
      ? `${target.name}: ${ok} (${created}/${updated}) rows successful, 0 (0/0) rows has warnings, ${failed} failed, ${ignored} ignored`
      : `${target.name}: ${ok} (${created}/${updated}) rows successful, ${ignored} ignored `
  const outcome: ActionOutcome = {
    // Partial success counts as success, as in Anaplan; only a run where every row failed does not.
    successful: failed === 0 || ok > 0,
    objectId: imp.id,
    objectName: imp.name,
    details: [
      {
        type: failed > 0 ? `${target.type}WithFailures` : target.type,
        localMessageText: text,
        occurrences: 0,
        values: rowCounters(target.key, target.name, {
          ok,
          created,
          updated,
          failed,
          ignored,
          total,
          renamed,
        }),
      },
    ],
  }
  if (dumpRows.length > 0) {
    outcome.details.push({
      type: 'failureDumpAvailable',
      localMessageText: `${failed} rows failed: download the failure dump for the reasons`,
      occurrences: failed,
      values: ['failedCount', String(failed)],
    })
    const names = imp.headerRow === 0 ? header.map((h) => `Column ${h}`) : header
    outcome.dump = stringify([['_Status_', ...names, '_Line_', '_Error_1_'], ...dumpRows], {
      quoted: true,
      quoted_empty: true,
      record_delimiter: '\n',
    })
  }
  return outcome
}

/**
 * The counters of an import's row summary, named and ordered as Anaplan Connect's recorded task
 * results give them (`values` are flattened key/value pairs). The simulator raises no row
 * warnings, so the warnings counters are 0, and every failed row is a `failedCount` (none `invalidCount`).
 */
function rowCounters(
  key: string,
  name: string,
  n: {
    ok: number
    created: number
    updated: number
    failed: number
    ignored: number
    total: number
    renamed: number
  },
): string[] {
  const pairs: [string, number | string][] = [
    [key, name],
    ['successRowCount', n.ok],
    ['successCreateCount', n.created],
    ['successUpdateCount', n.updated],
    ['warningsRowCount', 0],
    ['warningsCreateCount', 0],
    ['warningsUpdateCount', 0],
    ['failedCount', n.failed],
    ['ignoredCount', n.ignored],
    ['totalRowCount', n.total],
    ['totalCreateCount', n.created],
    ['totalUpdateCount', n.updated],
    ['invalidCount', 0],
    ['updatedCount', n.updated],
    ['renamedCount', n.renamed],
    ['createdCount', n.created],
  ]
  return pairs.flatMap(([k, v]) => [k, String(v)])
}

function failedOutcome(imp: ImportInternal, message: string): ActionOutcome {
  return {
    successful: false,
    objectId: imp.id,
    objectName: imp.name,
    details: [
      { type: 'importFailed', localMessageText: message, occurrences: 1, values: ['message', message] },
    ],
  }
}

function columnIndex(header: string[], column: string): number {
  const c = column.trim().toLowerCase()
  return header.findIndex((h) => h.toLowerCase() === c)
}

function moduleHandler(
  model: Model,
  m: Module,
  columns: Record<string, string>,
  fixed: Map<number, string>,
  runtime: ReadonlySet<number>,
  header: string[],
): RowHandler | string {
  const dimCols: { idx: number; col: number | undefined; fixed: string | undefined }[] = m.dims.map(
    (_, idx) => ({
      idx,
      col: undefined,
      fixed: fixed.get(idx),
    }),
  )
  const valueCols: { li: LineItem; col: number }[] = []
  for (const [column, target] of Object.entries(columns)) {
    const t = target.toLowerCase()
    const dimIdx = m.dims.findIndex((d) => d.name.toLowerCase() === t)
    // A mapping parameter supplies this dimension: the file may leave the column out.
    if (dimIdx >= 0 && runtime.has(dimIdx)) continue
    const col = columnIndex(header, column)
    if (col < 0) return `Column not found in the file: ${column} (the header has: ${header.join(', ')})`
    if (dimIdx >= 0) dimCols[dimIdx]!.col = col
    else {
      const li = m.lineItems.find((x) => x.name.toLowerCase() === t)
      if (li) valueCols.push({ li, col })
    }
  }
  return (row) => {
    const coords: string[] = []
    for (const d of dimCols) {
      const dim = m.dims[d.idx]!
      const ref = (d.col !== undefined ? row[d.col] : d.fixed)?.trim() ?? ''
      if (ref === '') return { error: `No item given for ${dim.name}` }
      const item = dim.find(ref)
      if (!item) return { error: `Item not found in ${dim.name}: ${ref}` }
      if (dim.isAggregate(item.id))
        return { error: `${item.name} is an aggregate of ${dim.name} and cannot be imported into` }
      coords.push(item.id)
    }
    const values: { li: LineItem; value: string | number | boolean }[] = []
    for (const { li, col } of valueCols) {
      const raw = row[col]
      if (raw === undefined || raw.trim() === '') continue
      const value = coerceValue(li, raw, model)
      if (typeof value === 'object') return { error: value.error }
      values.push({ li, value })
    }
    if (values.length === 0) return { ignored: true }
    for (const { li, value } of values) model.setCell(li, coords, value)
    return {}
  }
}

function listHandler(
  model: Model,
  imp: ImportInternal,
  list: ListDef,
  header: string[],
): RowHandler | string {
  const cols: { col: number; kind: 'name' | 'code' | 'parent' | 'property' | 'subset'; target: string }[] = []
  for (const [column, target] of Object.entries(imp.columns)) {
    const col = columnIndex(header, column)
    if (col < 0) return `Column not found in the file: ${column} (the header has: ${header.join(', ')})`
    const t = target.toLowerCase()
    if (t === 'name' || t === 'code' || t === 'parent') cols.push({ col, kind: t, target })
    else if (list.subsets.some((s) => s.name.toLowerCase() === t)) cols.push({ col, kind: 'subset', target })
    else cols.push({ col, kind: 'property', target })
  }
  return (row) => {
    const get = (kind: string): string | undefined => {
      const c = cols.find((x) => x.kind === kind)
      return c ? (row[c.col] ?? '').trim() : undefined
    }
    const name = get('name')
    const code = get('code')
    const parent = get('parent')
    const properties: Record<string, string> = {}
    const subsets: Record<string, boolean> = {}
    for (const c of cols) {
      const v = (row[c.col] ?? '').trim()
      if (c.kind === 'property') properties[c.target] = v
      if (c.kind === 'subset') {
        if (!/^(true|false)$/i.test(v)) return { error: `Subset ${c.target} must be true or false: ${v}` }
        subsets[c.target] = v.toLowerCase() === 'true'
      }
    }
    if (!name && !code) return { ignored: true }
    const existing =
      (code ? list.dim.findByCode(code) : undefined) ?? (name ? list.dim.findByName(name) : undefined)
    const item: Record<string, unknown> = { properties, subsets }
    if (parent) item.parent = parent
    if (existing && !existing.topLevel) {
      item.id = existing.id
      if (name) item.name = name
      if (code) item.code = code
      const r = model.listEditor.update(list, [item])
      return r.failures[0] ? { error: r.failures[0].failureMessageDetails } : { renamed: name !== '' }
    }
    if (!name) return { error: `No item with code ${code} in ${list.dim.name}, and no name to create it` }
    item.name = name
    if (code) item.code = code
    const r = model.listEditor.add(list, [item])
    return r.failures[0] ? { error: r.failures[0].failureMessageDetails } : { created: true }
  }
}
