/**
 * Transactional commands: `view` (read a saved view as a table, CSV or JSON), `write-cells` (one
 * cell from flags, or many from a JSON/CSV file) and `list-items` (show, add, delete). Writes are
 * confirmed first (see confirm.ts).
 */
import { createWriteStream } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import {
  type CellWrite,
  type ItemFailure,
  type ListItemInput,
  type ListWriteResult,
  ReadLimitError,
  resolveName,
} from '../../anaplan/index.ts'
import { cellFromFlags, parseChoice, parseItemSpec, parsePairs, parseSeconds } from '../args.ts'
import { parseCellsFile } from '../cells-input.ts'
import { confirmWrite, refuseUnattended } from '../confirm.ts'
import type { CliContext } from '../context.ts'
import { CliError, ExitCode, UsageError } from '../exit-codes.ts'
import { formatGrid, type GridFormat, viewToGrid } from '../output.ts'
import { type Act, collect } from '../program.ts'

/** Registers `view`, `write-cells`, `list-items`. */
export function registerDataCommands(program: Command, act: Act): void {
  program
    .command('view')
    .argument('<name|id>', 'saved view or module (its default view)')
    .description('read a view; pages chosen with --page Dimension=Item')
    .option('-p, --page <Dimension=Item>', 'page selection, repeatable', collect)
    .option('--format <format>', 'table, csv or json (default: table on a terminal, csv when piped)')
    .option('--large', 'read a view of any size with a read request: every page, as CSV, streamed')
    .option(
      '--export-type <layout>',
      'with --large: TABULAR_MULTI_COLUMN (default), TABULAR_SINGLE_COLUMN, GRID_ALL_PAGES, GRID_CURRENT_PAGE',
    )
    .option('-o, --out <path>', 'with --large: save the CSV here instead of writing it to stdout')
    .option(
      '--poll-interval <seconds>',
      'with --large: first read-request poll interval; grows to 10 s (default 1)',
    )
    .action(act((ctx, [name], opts) => view(ctx, name as string, opts as ViewFlags)))

  program
    .command('write-cells')
    .argument('<module>', 'module name or id')
    .description('write one cell (flags) or many (--from cells.json|cells.csv)')
    .option('-l, --line-item <name>', 'line item to write')
    .option('-i, --item <Dimension=Item>', 'list item per dimension, repeatable', collect)
    .option('--period <period>', 'time period, e.g. "Mar 26"')
    .option('--version <version>', 'version, e.g. Forecast')
    .option('--value <value>', 'the value (numbers and true/false are sent as such)')
    .option('--from <file>', 'cells to write: JSON array or CSV (lineItem, dimension columns, value)')
    .action(act((ctx, [module], opts) => writeCells(ctx, module as string, opts as WriteFlags)))

  program
    .command('list-items')
    .argument('<list>', 'list name or id')
    .description('show the items of a list, or --add / --delete items')
    .option('--add <name[:code]>', 'add an item, repeatable', collect)
    .option('--parent <item>', 'parent of the added items')
    .option('--delete <name|code|id>', 'delete an item, repeatable', collect)
    .option('--large', 'read a list of any size with a read request: every item, as CSV, streamed')
    .option('-o, --out <path>', 'with --large: save the CSV here instead of writing it to stdout')
    .option(
      '--poll-interval <seconds>',
      'with --large: first read-request poll interval; grows to 10 s (default 1)',
    )
    .action(act((ctx, [list], opts) => listItems(ctx, list as string, opts as ListFlags)))
}

interface ViewFlags {
  page?: string[]
  format?: string
  large?: boolean
  exportType?: string
  out?: string
  pollInterval?: string
}

const EXPORT_TYPES = [
  'TABULAR_MULTI_COLUMN',
  'TABULAR_SINGLE_COLUMN',
  'GRID_ALL_PAGES',
  'GRID_CURRENT_PAGE',
] as const

/** `tabular-single-column` or `TABULAR_SINGLE_COLUMN` → `TABULAR_SINGLE_COLUMN`. */
function parseExportType(value: string): (typeof EXPORT_TYPES)[number] {
  const v = value.trim().toUpperCase().replaceAll('-', '_')
  const hit = EXPORT_TYPES.find((t) => t === v)
  if (!hit) throw new UsageError(`--export-type must be one of ${EXPORT_TYPES.join(', ')}; got "${value}"`)
  return hit
}

/** Request options of a large read: the Ctrl-C signal and the first status poll interval. */
function largeReadOptions(ctx: CliContext, pollInterval: string | undefined) {
  return {
    ...ctx.request,
    ...(pollInterval !== undefined ? { intervalMs: parseSeconds('--poll-interval', pollInterval) } : {}),
  }
}

/**
 * Anaplan's 400 for a read over its limit, told in CLI terms: which flag reads it instead.
 * Layouts differ (grid of one page vs. every page in a table), so the CLI never switches silently.
 */
function tooLarge(error: unknown, command: string): never {
  if (error instanceof ReadLimitError) {
    throw new CliError(
      `${error.statusMessage ?? error.message} — read it in pages with: anaplan ${command} --large`,
      ExitCode.UNAVAILABLE,
      'too_large',
    )
  }
  throw error
}

/** Checks the flags that go with --large, before anything is sent. */
function largeFlags(ctx: CliContext, f: { out?: string; large?: boolean; pollInterval?: string }): void {
  if (f.out !== undefined && !f.large) throw new UsageError('--out goes with --large')
  if (f.pollInterval !== undefined && !f.large) throw new UsageError('--poll-interval goes with --large')
  if (f.large && ctx.out.json && (f.out === undefined || f.out === '-')) {
    throw new UsageError('--large writes CSV: with --json, save it with --out FILE')
  }
}

/**
 * Writes streamed CSV pages to stdout (honouring back-pressure) or to `out` (a partial file is
 * removed on failure). Returns bytes and pages written.
 */
async function writePages(
  ctx: CliContext,
  pages: AsyncIterable<string>,
  out: string | undefined,
  label: string,
): Promise<{ bytes: number; pages: number }> {
  const bar = ctx.progress.bytes(label)
  const toFile = out !== undefined && out !== '-'
  let bytes = 0
  let count = 0
  async function* counted(): AsyncGenerator<string> {
    for await (const page of pages) {
      bytes += Buffer.byteLength(page)
      count++
      bar.update(bytes)
      yield page
    }
  }
  try {
    if (toFile) {
      // pipeline owns back-pressure and errors, and destroys the file stream (waiting for writes in
      // flight) when the read fails or is interrupted, so the partial file can then be removed.
      await pipeline(Readable.from(counted()), createWriteStream(out))
    } else {
      const sink = ctx.io.stdout
      for await (const page of counted()) {
        if (!sink.write(page)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()))
      }
    }
    return { bytes, pages: count }
  } catch (error) {
    if (toFile) await rm(out, { force: true })
    throw error
  } finally {
    bar.stop()
  }
}

async function view(ctx: CliContext, name: string, o: ViewFlags): Promise<undefined> {
  largeFlags(ctx, o)
  if (o.exportType !== undefined && !o.large) throw new UsageError('--export-type goes with --large')
  if (o.large) {
    if (o.page?.length) {
      throw new UsageError('--page does not go with --large: a read request covers every page of the view')
    }
    if (o.format !== undefined && o.format !== 'csv') throw new UsageError('--large writes CSV only')
    const exportType = o.exportType ? parseExportType(o.exportType) : undefined
    const scope = await ctx.scope()
    const written = await writePages(
      ctx,
      scope.readViewLarge(name, {
        ...largeReadOptions(ctx, o.pollInterval),
        ...(exportType ? { exportType } : {}),
      }),
      o.out,
      `view ${name}`,
    )
    if (o.out !== undefined && o.out !== '-') {
      ctx.out.result(
        { view: name, path: o.out, ...written },
        () => `Saved ${written.bytes} bytes (${written.pages} page(s)) of "${name}" to ${o.out}`,
      )
    }
    return undefined
  }
  const pages = parsePairs('--page', o.page ?? [])
  const format: GridFormat = o.format
    ? parseChoice('--format', o.format, ['table', 'csv', 'json'] as const)
    : ctx.out.json
      ? 'json'
      : ctx.io.stdout.isTTY
        ? 'table'
        : 'csv'
  const scope = await ctx.scope()
  const [data, meta] = await Promise.all([
    scope.readView(name, pages, ctx.request).catch((e: unknown) => tooLarge(e, `view ${shellQuote(name)}`)),
    // Only for the row header labels: the view reads fine without them.
    scope.viewMetadata(name, ctx.request).catch(() => undefined),
  ])
  if (format === 'json') {
    ctx.io.stdout.write(`${JSON.stringify({ view: meta?.viewName ?? name, ...data }, null, 2)}\n`)
    return undefined
  }
  const grid = viewToGrid(
    data,
    (meta?.rows ?? []).map((d) => d.name),
  )
  if (format === 'table' && data.pages?.length) ctx.out.note(`Pages: ${data.pages.join(', ')}`)
  ctx.io.stdout.write(formatGrid(grid, format))
  return undefined
}

interface WriteFlags {
  lineItem?: string
  item?: string[]
  period?: string
  version?: string
  value?: string
  from?: string
}

async function writeCells(ctx: CliContext, module: string, f: WriteFlags): Promise<number> {
  const single =
    f.lineItem !== undefined || f.value !== undefined || (f.item?.length ?? 0) > 0 || f.period || f.version
  if (f.from && single) throw new UsageError('use either --from FILE or --line-item/--item/--value, not both')
  let cells: CellWrite[]
  if (f.from) {
    let text: string
    try {
      text = await readFile(f.from, 'utf8')
    } catch {
      throw new UsageError(`--from ${f.from}: no such file`)
    }
    cells = parseCellsFile(f.from, text)
  } else {
    cells = [
      cellFromFlags({
        item: f.item ?? [],
        ...(f.lineItem !== undefined ? { lineItem: f.lineItem } : {}),
        ...(f.period !== undefined ? { period: f.period } : {}),
        ...(f.version !== undefined ? { version: f.version } : {}),
        ...(f.value !== undefined ? { value: f.value } : {}),
      }),
    ]
  }
  refuseUnattended(ctx, 'write cells')
  const scope = await ctx.scope()
  const what =
    cells.length === 1
      ? `write ${describeCell(cells[0]!)} in module "${module}" of ${scope.modelName ?? scope.modelId}`
      : `write ${cells.length} cells in module "${module}" of ${scope.modelName ?? scope.modelId}`
  await confirmWrite(ctx, what)
  const result = await scope.writeCells(module, cells, ctx.request)
  const failures = result.failures ?? []
  ctx.out.result({ ...result, failures }, () =>
    [
      `${result.numberOfCellsChanged} cell(s) changed`,
      ...failures.map(
        (x) =>
          `  failed: ${describeFailure(x, cells[x.requestIndex] && describeCell(cells[x.requestIndex]!))}`,
      ),
    ].join('\n'),
  )
  return failures.length ? ExitCode.FAILED : ExitCode.OK
}

interface ListFlags {
  add?: string[]
  parent?: string
  delete?: string[]
  large?: boolean
  out?: string
  pollInterval?: string
}

async function listItems(ctx: CliContext, list: string, flags: ListFlags): Promise<number> {
  const f = { ...flags, add: flags.add ?? [], delete: flags.delete ?? [] }
  largeFlags(ctx, f)
  if (f.large && (f.add.length || f.delete.length))
    throw new UsageError('--large only reads; it does not go with --add or --delete')
  if (f.parent && !f.add.length) throw new UsageError('--parent applies to --add')
  if (f.large) {
    const scope = await ctx.scope()
    const written = await writePages(
      ctx,
      scope.readListLarge(list, largeReadOptions(ctx, f.pollInterval)),
      f.out,
      `list ${list}`,
    )
    if (f.out !== undefined && f.out !== '-') {
      ctx.out.result(
        { list, path: f.out, ...written },
        () => `Saved ${written.bytes} bytes (${written.pages} page(s)) of "${list}" to ${f.out}`,
      )
    }
    return ExitCode.OK
  }
  const adds: ListItemInput[] = f.add.map((a) => parseItemSpec(a, f.parent))
  if (adds.length || f.delete.length) refuseUnattended(ctx, 'change list items')
  const scope = await ctx.scope()
  if (!adds.length && !f.delete.length) {
    const items = await scope
      .listItems(list, ctx.request)
      .catch((e: unknown) => tooLarge(e, `list-items ${shellQuote(list)}`))
    ctx.out.grid({
      columns: ['id', 'name', 'code', 'parent'],
      rows: items.map((i) => [i.id, i.name, i.code ?? '', i.parent ?? '']),
    })
    return ExitCode.OK
  }
  let deletes: ListItemInput[] = []
  let deleteNames: string[] = []
  if (f.delete.length) {
    // Resolve names and codes up front so a typo stops before anything is written.
    const items = await scope.listItems(list, ctx.request)
    const hits = f.delete.map((q) => resolveName('list item', items, q))
    deletes = hits.map((h) => ({ id: h.id }))
    deleteNames = hits.map((h) => h.name)
  }
  const parts = [
    ...(adds.length ? [`add ${adds.map((a) => `"${a.name}"`).join(', ')}`] : []),
    ...(deletes.length ? [`delete ${deleteNames.map((n) => `"${n}"`).join(', ')}`] : []),
  ]
  await confirmWrite(ctx, `${parts.join(' and ')} in list "${list}"`)
  const results: { add?: ListWriteResult; delete?: ListWriteResult } = {}
  if (adds.length) results.add = await scope.addListItems(list, adds, ctx.request)
  if (deletes.length) results.delete = await scope.deleteListItems(list, deletes, ctx.request)
  const failures = [
    ...(results.add?.failures ?? []).map((x) => ({ ...x, op: 'add', item: adds[x.requestIndex]?.name })),
    ...(results.delete?.failures ?? []).map((x) => ({
      ...x,
      op: 'delete',
      item: deleteNames[x.requestIndex],
    })),
  ]
  ctx.out.result(results, () => {
    const lines: string[] = []
    if (results.add) lines.push(`added ${results.add.added ?? 0} of ${adds.length} item(s)`)
    if (results.delete) lines.push(`deleted ${results.delete.deleted ?? 0} of ${deletes.length} item(s)`)
    for (const x of failures) lines.push(`  ${x.op} failed: ${describeFailure(x, x.item && `"${x.item}"`)}`)
    return lines.join('\n')
  })
  return failures.length ? ExitCode.FAILED : ExitCode.OK
}

/** A name as typed in a shell: quoted when it holds anything but letters, digits and `-_.`. */
function shellQuote(s: string): string {
  return /^[\w.-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`
}

/** `Units[Regions=APAC, Time=Mar 26] = 500`. */
export function describeCell(c: CellWrite): string {
  const li = c.lineItemName ?? c.lineItemId ?? '?'
  const dims = (c.dimensions ?? []).map(
    (d) => `${d.dimensionName ?? d.dimensionId}=${d.itemName ?? d.itemCode ?? d.itemId}`,
  )
  return `${li}${dims.length ? `[${dims.join(', ')}]` : ''} = ${JSON.stringify(c.value)}`
}

function describeFailure(f: ItemFailure, what: string | undefined): string {
  return `${what ?? `#${f.requestIndex + 1}`}: ${f.failureType}${f.failureMessageDetails ? ` (${f.failureMessageDetails})` : ''}`
}
