/**
 * `anaplanData`: the transactional operations the bot uses, as validated JSON calls.
 *
 * `POST /` with `{ "op": "<operation>", ... }`, or `POST /<operation>` with the rest of the input.
 * Every selector (workspace, model, view, module, list, dimension, item) takes a name or an id.
 * Operations: listWorkspaces, listModels, listViews, listModules, listLineItems, listLists, readView,
 * readCells, writeCells, listItems, addListItems, updateListItems, deleteListItems.
 */
import * as z from 'zod/mini'
import {
  type CellWrite,
  type ListItemInput,
  normalizeName,
  resolveName,
  type ViewData,
} from './common/anaplan.ts'
import { createFunctionApp, type FunctionApp, parseInput, readJson } from './common/function-app.ts'
import { FunctionError } from './common/http-error.ts'
import type { FunctionRuntime } from './common/runtime.ts'

export const ANAPLAN_DATA = 'anaplanData'

const name = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(500))
const inModel = { workspace: z.optional(name), model: name }
const pages = z.optional(z.record(name, name))

const dimensionRef = z
  .strictObject({
    dimensionId: z.optional(name),
    dimensionName: z.optional(name),
    itemId: z.optional(name),
    itemName: z.optional(name),
    itemCode: z.optional(name),
  })
  .check(
    z.refine(
      (d) => Boolean(d.dimensionId || d.dimensionName),
      'each dimension needs dimensionId or dimensionName',
    ),
    z.refine(
      (d) => Boolean(d.itemId || d.itemName || d.itemCode),
      'each dimension needs itemId, itemName or itemCode',
    ),
  )

const cellWrite = z
  .strictObject({
    lineItemId: z.optional(name),
    lineItemName: z.optional(name),
    dimensions: z.optional(z.array(dimensionRef).check(z.maxLength(50))),
    value: z.union([z.string().check(z.maxLength(10_000)), z.number(), z.boolean()]),
  })
  .check(
    z.refine((c) => Boolean(c.lineItemId || c.lineItemName), 'each cell needs lineItemId or lineItemName'),
  )

const listItemShape = {
  id: z.optional(name),
  name: z.optional(name),
  code: z.optional(z.string().check(z.maxLength(500))),
  parent: z.optional(name),
  properties: z.optional(z.record(z.string(), z.string())),
  subsets: z.optional(z.record(z.string(), z.boolean())),
}
const listItem = z.strictObject(listItemShape)

/** Anaplan's per-call limit for list writes and cell writes; the client batches beyond it. */
const MAX_ITEMS = 100_000

const listWrite = <Op extends string>(
  op: Op,
  check: (i: z.infer<typeof listItem>) => boolean,
  rule: string,
) =>
  z.strictObject({
    op: z.literal(op),
    ...inModel,
    list: name,
    items: z
      .array(z.strictObject(listItemShape).check(z.refine(check, rule)))
      .check(z.minLength(1, 'needs at least one item'), z.maxLength(MAX_ITEMS)),
  })

const input = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('listWorkspaces') }),
  z.strictObject({ op: z.literal('listModels'), workspace: z.optional(name) }),
  z.strictObject({ op: z.literal('listViews'), ...inModel }),
  z.strictObject({ op: z.literal('listModules'), ...inModel }),
  z.strictObject({ op: z.literal('listLineItems'), ...inModel, module: z.optional(name) }),
  z.strictObject({ op: z.literal('listLists'), ...inModel }),
  z.strictObject({
    op: z.literal('readView'),
    ...inModel,
    view: name,
    pages,
    format: z._default(z.enum(['json', 'csv']), 'json'),
  }),
  z.strictObject({
    op: z.literal('readCells'),
    ...inModel,
    view: name,
    pages,
    /** Keep rows with all these items among their coordinates. */
    rows: z.optional(z.array(name).check(z.maxLength(20))),
    /** Keep columns with all these items among their coordinates. */
    columns: z.optional(z.array(name).check(z.maxLength(20))),
  }),
  z.strictObject({
    op: z.literal('writeCells'),
    ...inModel,
    module: name,
    cells: z.array(cellWrite).check(z.minLength(1, 'needs at least one cell'), z.maxLength(MAX_ITEMS)),
  }),
  z.strictObject({ op: z.literal('listItems'), ...inModel, list: name, includeAll: z.optional(z.boolean()) }),
  listWrite('addListItems', (i) => Boolean(i.name || i.code), 'each new item needs a name or a code'),
  listWrite(
    'updateListItems',
    (i) => Boolean(i.id || i.code || i.name),
    'each item needs an id, code or name',
  ),
  listWrite(
    'deleteListItems',
    (i) => Boolean(i.id || i.code || i.name),
    'each item needs an id, code or name',
  ),
])

/** The input of one operation. */
export type DataInput = z.input<typeof input>
/** The operation names. */
export const DATA_OPERATIONS: DataInput['op'][] = input.def.options.map(
  (o) => o.shape.op.def.values[0] as DataInput['op'],
)

/** One cell of a `readCells` answer. */
export interface CellValue {
  row: string[]
  column: string[]
  value: string
}

/** Builds the data function's app. */
export function createDataFunction(runtime: FunctionRuntime): FunctionApp {
  return createFunctionApp({ name: ANAPLAN_DATA, runtime }, (app) => {
    const handle = async (req: Request, opFromPath?: string): Promise<Response> => {
      const body = await readJson(req)
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new FunctionError(400, 'invalid_input', 'The request body must be a JSON object')
      }
      if (opFromPath !== undefined) {
        if (!DATA_OPERATIONS.includes(opFromPath as never)) {
          throw new FunctionError(404, 'not_found', `Unknown operation "${opFromPath}"`, {
            details: { operations: DATA_OPERATIONS },
          })
        }
        const given = (body as { op?: unknown }).op
        if (given !== undefined && given !== opFromPath) {
          throw new FunctionError(
            400,
            'invalid_input',
            `op "${String(given)}" contradicts the path /${opFromPath}`,
          )
        }
      }
      const op = opFromPath ?? (body as { op?: unknown }).op
      if (op === undefined) {
        throw new FunctionError(
          400,
          'invalid_input',
          `Invalid input: op: required, one of ${DATA_OPERATIONS.join(', ')}`,
        )
      }
      const parsed = parseInput(input, { ...body, op })
      return execute(runtime, parsed, req.signal)
    }
    app.post('/', (c) => handle(c.req.raw))
    app.post('/:op', (c) => handle(c.req.raw, c.req.param('op')))
  })
}

async function execute(
  runtime: FunctionRuntime,
  i: z.output<typeof input>,
  signal: AbortSignal,
): Promise<Response> {
  const client = runtime.client()
  const o = { signal }
  switch (i.op) {
    case 'listWorkspaces':
      return Response.json({ workspaces: await client.workspaces.list(o) })
    case 'listModels': {
      if (!i.workspace) return Response.json({ models: await client.models.list({}, o) })
      const w = resolveName('workspace', await client.workspaces.list(o), i.workspace)
      return Response.json({ models: await client.models.list({ workspaceId: w.id }, o) })
    }
    default:
      break
  }
  const model = await client.model(
    i.workspace ? { workspace: i.workspace, model: i.model } : { model: i.model },
    o,
  )
  const where = { workspaceId: model.workspaceId, modelId: model.modelId }
  switch (i.op) {
    case 'listViews':
      return Response.json({ ...where, views: await model.listViews(o) })
    case 'listModules':
      return Response.json({ ...where, modules: await model.listModules(o) })
    case 'listLineItems':
      return Response.json({ ...where, lineItems: await model.listLineItems(i.module, o) })
    case 'listLists':
      return Response.json({ ...where, lists: await model.listLists(o) })
    case 'readView': {
      if (i.format === 'csv') {
        const csv = await model.readViewCsv(i.view, i.pages, o)
        return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8' } })
      }
      return Response.json({ ...where, view: i.view, data: await model.readView(i.view, i.pages, o) })
    }
    case 'readCells': {
      const data = await model.readView(i.view, i.pages, o)
      return Response.json({
        ...where,
        view: i.view,
        pages: data.pages ?? [],
        cells: selectCells(data, i.rows, i.columns),
      })
    }
    case 'writeCells':
      return Response.json({
        ...where,
        ...(await model.writeCells(i.module, asWire<CellWrite[]>(i.cells), o)),
      })
    case 'listItems':
      return Response.json({
        ...where,
        items: await model.listItems(i.list, {
          ...o,
          ...(i.includeAll !== undefined ? { includeAll: i.includeAll } : {}),
        }),
      })
    case 'addListItems':
      return Response.json({
        ...where,
        ...(await model.addListItems(i.list, asWire<ListItemInput[]>(i.items), o)),
      })
    case 'updateListItems':
      return Response.json({
        ...where,
        ...(await model.updateListItems(i.list, asWire<ListItemInput[]>(i.items), o)),
      })
    case 'deleteListItems':
      return Response.json({
        ...where,
        ...(await model.deleteListItems(i.list, asWire<ListItemInput[]>(i.items), o)),
      })
  }
}

/**
 * The cells of `data` whose row and column coordinates include every requested item (matched the
 * way names are everywhere: trimmed, case-insensitive). No filter keeps every row or column.
 */
export function selectCells(data: ViewData, rows?: string[], columns?: string[]): CellValue[] {
  const matches = (coords: string[], wanted?: string[]) => {
    if (!wanted?.length) return true
    const have = new Set(coords.map(normalizeName))
    return wanted.every((w) => have.has(normalizeName(w)))
  }
  const cols = data.columnCoordinates
    .map((coords, index) => ({ coords, index }))
    .filter((c) => matches(c.coords, columns))
  const out: CellValue[] = []
  for (const row of data.rows) {
    if (!matches(row.rowCoordinates, rows)) continue
    for (const c of cols)
      out.push({ row: row.rowCoordinates, column: c.coords, value: row.cells[c.index] ?? '' })
  }
  return out
}

/**
 * Zod types optional fields as `T | undefined`; parsed JSON never holds an explicit `undefined`
 * (absent keys stay absent), so the value already has the client's exact optional shape.
 */
function asWire<T>(value: unknown): T {
  return value as T
}
