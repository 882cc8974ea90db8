/**
 * Runs an export: produces its CSV lazily as a stream of chunks, computed from the model as it is
 * read, so a large export (or a synthetic benchmark export of gigabytes) never sits in memory.
 */
import { stringify } from 'csv-stringify/sync'
import { formatCell } from './calc.ts'
import type { ActionOutcome } from './contract.ts'
import type { Dimension, DimItem } from './dimension.ts'
import type { Model } from './model.ts'
import type { ExportInternal, LineItem, Module } from './types.ts'

/** Chunks are cut at about this many characters. */
export const EXPORT_CHUNK_CHARS = 1 << 20

/** The items of each module dimension an export covers: leaves, narrowed by the export's filters. */
function exportItems(m: Module, filters: Map<number, Set<string>>): DimItem[][] {
  return m.dims.map((d, i) => {
    const only = filters.get(i)
    return only ? d.order().filter((item) => only.has(item.id)) : d.leaves()
  })
}

function product(counts: number[]): number {
  return counts.reduce((a, b) => a * b, 1)
}

function header(exp: ExportInternal): string[] {
  const s = exp.source
  if (s.kind === 'synthetic') return []
  if (s.kind === 'view') return []
  const dims = s.module.dims.map((d) => d.name)
  if (exp.layout === 'TABULAR_SINGLE_COLUMN') return [...dims, 'Line Items', 'Value']
  return [...dims, ...s.lineItems.map((li) => li.name)]
}

function rowCount(model: Model, exp: ExportInternal): number {
  const s = exp.source
  if (s.kind === 'synthetic') return s.rows
  if (s.kind === 'view') return model.readView(s.view.id, {}).rows.length
  const n = product(exportItems(s.module, s.filters).map((x) => x.length))
  return exp.layout === 'TABULAR_SINGLE_COLUMN' ? n * s.lineItems.length : n
}

function dataType(d: Dimension | LineItem): string {
  if ('kind' in d) return d.kind === 'time' ? 'TIME_ENTITY' : 'ENTITY'
  if (d.format === 'TIME PERIOD') return 'TIME_ENTITY'
  return d.format
}

/** `exportMetadata` of an export, in the shape of Anaplan's `GET …/exports/{id}`. */
export function exportMetadata(model: Model, exp: ExportInternal): Record<string, unknown> {
  const s = exp.source
  let headerNames = header(exp)
  let dataTypes: string[]
  let listNames: string[] = []
  if (s.kind === 'module') {
    listNames = s.module.dims.filter((d) => d.kind === 'list').map((d) => d.name)
    dataTypes =
      exp.layout === 'TABULAR_SINGLE_COLUMN'
        ? [...s.module.dims.map(dataType), 'ENTITY', 'MIXED']
        : [...s.module.dims.map(dataType), ...s.lineItems.map(dataType)]
  } else if (s.kind === 'view') {
    const meta = model.viewMetadata(s.view.id)
    const grid = model.readView(s.view.id, {})
    headerNames = [...meta.rows.map((r) => r.name), ...grid.columnCoordinates.map((c) => c.join(' '))]
    dataTypes = [...meta.rows.map(() => 'ENTITY'), ...grid.columnCoordinates.map(() => 'MIXED')]
    listNames = s.view.module.dims.filter((d) => d.kind === 'list').map((d) => d.name)
  } else {
    headerNames = ['Row', 'Payload']
    dataTypes = ['TEXT', 'TEXT']
  }
  return {
    columnCount: headerNames.length,
    dataTypes,
    delimiter: '"',
    encoding: 'UTF-8',
    exportFormat: 'text/csv',
    headerNames,
    listNames,
    rowCount: rowCount(model, exp),
    separator: ',',
    layout: exp.layout,
  }
}

/** Starts an export: the outcome at once, the content as a lazy stream of CSV chunks. */
export function runExport(
  model: Model,
  exp: ExportInternal,
): { outcome: ActionOutcome; content: AsyncIterable<string> } {
  const rows = rowCount(model, exp)
  const outcome: ActionOutcome = {
    successful: true,
    objectId: exp.id,
    objectName: exp.name,
    details: [
      {
        type: 'exportSucceeded',
        localMessageText: `${exp.name}: ${rows} rows exported`,
        occurrences: 0,
        values: ['exportName', exp.name, 'rowCount', String(rows)],
      },
    ],
  }
  return { outcome, content: exportContent(model, exp) }
}

async function* exportContent(model: Model, exp: ExportInternal): AsyncGenerator<string> {
  const s = exp.source
  if (s.kind === 'synthetic') {
    yield* syntheticContent(s.rows, s.rowBytes)
    return
  }
  if (s.kind === 'view') {
    yield model.readViewCsv(s.view.id, {})
    return
  }
  const line = (cells: string[]): string => stringify([cells], { record_delimiter: '\n' })
  let buf = line(header(exp))
  const items = exportItems(s.module, s.filters)
  const coords = items.map(() => '')
  const names = items.map(() => '')
  const dims = items.length
  // An odometer over the dimensions' items: no product array is ever built.
  const idx = items.map(() => 0)
  if (items.some((x) => x.length === 0)) {
    yield buf
    return
  }
  for (;;) {
    for (let d = 0; d < dims; d++) {
      const item = items[d]![idx[d]!]!
      coords[d] = item.id
      names[d] = item.name
    }
    if (exp.layout === 'TABULAR_SINGLE_COLUMN') {
      for (const li of s.lineItems) buf += line([...names, li.name, formatCell(model.calc.value(li, coords))])
    } else {
      buf += line([...names, ...s.lineItems.map((li) => formatCell(model.calc.value(li, coords)))])
    }
    if (buf.length >= EXPORT_CHUNK_CHARS) {
      yield buf
      buf = ''
    }
    let d = dims - 1
    while (d >= 0) {
      idx[d]!++
      if (idx[d]! < items[d]!.length) break
      idx[d] = 0
      d--
    }
    if (d < 0) break
  }
  if (buf) yield buf
}

/** `rows` lines of exactly `rowBytes` ASCII bytes each (newline included), the same every time. */
export async function* syntheticContent(rows: number, rowBytes: number): AsyncGenerator<string> {
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(rowBytes / 36) + 1)
  const perChunk = Math.max(1, Math.floor(EXPORT_CHUNK_CHARS / rowBytes))
  for (let start = 0; start < rows; start += perChunk) {
    const end = Math.min(rows, start + perChunk)
    const parts: string[] = []
    for (let i = start; i < end; i++) {
      const id = String(i + 1).padStart(12, '0')
      // id + ',' + filler + '\n' = rowBytes; the filler rotates with the row so rows differ.
      const fillLen = rowBytes - id.length - 2
      const off = i % 36
      parts.push(`${id},${filler.slice(off, off + fillLen)}\n`)
    }
    yield parts.join('')
  }
}
