/**
 * The model file: a YAML (or JSON, which is YAML) description of users, workspaces and models.
 * People write these by hand, so every error names the line and the key path that is wrong.
 * The format is documented for users in `docs/model-file.md`.
 */
import { type Document, isMap, LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'

/** A model file that cannot be used; `issues` lists every problem found, with its line. */
export class ModelFileError extends Error {
  override name = 'ModelFileError'
  constructor(
    readonly source: string,
    readonly issues: { path: (string | number)[]; line?: number; message: string }[],
  ) {
    const shown = issues.slice(0, 20).map((i) => {
      const where = [i.line ? `line ${i.line}` : '', formatPath(i.path)].filter(Boolean).join(', ')
      return `  - ${where ? `${where}: ` : ''}${i.message}`
    })
    const more = issues.length > 20 ? `\n  … and ${issues.length - 20} more` : ''
    super(`Invalid model file ${source}:\n${shown.join('\n')}${more}`)
  }
}

/** `models[0].lists[1].items[2]` from a path array. */
export function formatPath(path: (string | number)[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else if (/^[A-Za-z_][\w]*$/.test(part)) out += out ? `.${part}` : part
    else out += `[${JSON.stringify(part)}]`
  }
  return out
}

const name = z.string().trim().min(1, 'must be a non-empty name')
const named = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), z.strictObject({ name, ...shape }))

const ROLES = ['admin', 'write', 'read', 'none'] as const
const hex32 = z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hexadecimal characters')

const userSchema = z.strictObject({
  email: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an e-mail address'),
  password: z.string().min(1, 'must not be empty'),
  id: hex32.optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  /** Workspace names the user belongs to. */
  workspaces: z.array(name).default([]),
  /** Workspace names the user administers: every model of them with the admin role. */
  workspaceAdmin: z.array(name).default([]),
  /** Model name → role. Models not listed are NO ACCESS unless the user is a workspace admin. */
  roles: z.record(z.string(), z.enum(ROLES)).default({}),
  /** PEM certificates accepted for CA-certificate authentication. */
  certificates: z.array(z.string()).default([]),
  /** PEM CA certificates: a certificate one of them issued that names the user's e-mail signs in. */
  caCertificates: z.array(z.string()).default([]),
})

const workspaceSchema = named({
  id: hex32.optional(),
  active: z.boolean().default(true),
  sizeAllowance: z
    .number()
    .int()
    .nonnegative()
    .default(10 * 1024 ** 3),
})

const cellValue = z.union([z.number(), z.string(), z.boolean()])

const timeSchema = z.strictObject({
  /** First month of the first fiscal year, `YYYY-MM`. */
  start: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM, e.g. 2026-01'),
  years: z.number().int().min(1).max(20).default(1),
  /** A month name such as `Jun 26`; empty for none. */
  currentPeriod: z.string().optional(),
})

const versionSchema = named({
  code: z.string().optional(),
  actual: z.boolean().default(false),
  current: z.boolean().default(false),
})

const PROPERTY_FORMATS = ['TEXT', 'NUMBER', 'BOOLEAN', 'DATE', 'LIST', 'TIME PERIOD'] as const
// A numbered list's items have no name in the file (Anaplan numbers them: #1, #2, …).
const listItemSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { name: v } : v),
  z.strictObject({
    name: name.optional(),
    code: z.string().optional(),
    parent: z.string().optional(),
    properties: z.record(z.string(), cellValue).optional(),
    subsets: z.array(z.string()).optional(),
  }),
)
/**
 * Many items from templates, for large models: `{n}` is the item's number (1-based, zero-padded to
 * `digits`), `{word}` cycles through the words of the item's parent in `parents` (or `words`).
 */
const generateSchema = z.strictObject({
  count: z.number().int().min(1).max(1_000_000),
  name: z.string().min(1),
  code: z.string().optional(),
  digits: z.number().int().min(1).max(9).default(1),
  /** Parent item → words for its items; items are shared out in blocks, in this order. */
  parents: z.record(z.string(), z.array(z.string()).min(1)).optional(),
  words: z.array(z.string()).min(1).optional(),
})
const listSchema = z.strictObject({
  name,
  code: z.string().optional(),
  /** The total every parentless item rolls up to, e.g. `Total Regions`. */
  topLevelItem: z.string().optional(),
  /** Composite hierarchy: items' parents are items of this (earlier) list, e.g. Store → Country. */
  parentList: z.string().optional(),
  generate: generateSchema.optional(),
  /** Items are numbered (#1, #2, …) rather than named; `displayName` is the property people see. */
  numbered: z.boolean().default(false),
  displayName: z.string().optional(),
  /** An ALM production list: its items may change (and its index be reset) in a deployed model. */
  productionData: z.boolean().default(false),
  properties: z.array(named({ format: z.enum(PROPERTY_FORMATS).default('TEXT') })).default([]),
  subsets: z.array(name).default([]),
  items: z.array(listItemSchema).default([]),
})

const FORMATS = ['NUMBER', 'TEXT', 'BOOLEAN', 'DATE', 'TIME PERIOD'] as const
const SUMMARIES = ['SUM', 'AVERAGE', 'MIN', 'MAX', 'FORMULA', 'NONE'] as const
const TIME_SUMMARIES = ['SUM', 'AVERAGE', 'MIN', 'MAX', 'FIRST', 'LAST', 'FORMULA', 'NONE'] as const

const lineItemSchema = named({
  code: z.string().optional(),
  format: z.enum(FORMATS).default('NUMBER'),
  /** What a NUMBER counts (Anaplan's `formatMetadata.unitsType`): money, a percentage, or plain. */
  units: z.enum(['NONE', 'CURRENCY', 'PERCENTAGE']).optional(),
  formula: z.string().optional(),
  /** How list parents (and, unless `timeSummary` is set, time totals) aggregate. */
  summary: z.enum(SUMMARIES).optional(),
  timeSummary: z.enum(TIME_SUMMARIES).optional(),
  /** Deterministic pseudo-random values for every leaf cell. */
  seed: z
    .strictObject({
      min: z.number(),
      max: z.number(),
      decimals: z.number().int().min(0).max(10).default(0),
      /** Sparse modules only: the value depends on these dimensions alone (e.g. a price per SKU). */
      by: z.array(name).optional(),
    })
    .optional(),
  notes: z.string().optional(),
})

const axesShape = {
  rows: z.array(name).default([]),
  columns: z.array(name).default([]),
  pages: z.array(name).default([]),
}
const viewSchema = z.strictObject({
  name,
  code: z.string().optional(),
  ...axesShape,
  /** Line items shown (default all). Line Items left off the axes goes last on pages. */
  lineItems: z.array(name).optional(),
})

const moduleSchema = z.strictObject({
  name,
  code: z.string().optional(),
  /** List names, `Time` and `Versions`, in the order cells are addressed. */
  dimensions: z.array(name).default([]),
  lineItems: z.array(lineItemSchema).min(1, 'a module needs at least one line item'),
  /** Explicit cells; dimensions left out of `at` mean every leaf item of them. */
  data: z
    .array(
      z.strictObject({
        lineItem: name,
        at: z.record(z.string(), z.string()).default({}),
        value: cellValue,
      }),
    )
    .default([]),
  defaultView: z.strictObject(axesShape).optional(),
  views: z.array(viewSchema).default([]),
  /**
   * Seeded cells exist only where the combination of these two list dimensions is "carried"
   * (a pseudo-random `density` share of the pairs), and are computed when read, never stored.
   */
  sparse: z
    .strictObject({
      dims: z.tuple([name, name]),
      density: z.number().gt(0).max(1),
    })
    .optional(),
})

const importSchema = z
  .strictObject({
    name,
    code: z.string().optional(),
    /** Data source file name, e.g. `actuals.csv`. */
    file: name,
    module: z.string().optional(),
    list: z.string().optional(),
    /** Source column header → target (dimension or line item; for lists: name, code, parent, a property or a subset). */
    columns: z.record(z.string(), z.string()),
    /** Dimension → item for dimensions no column maps, e.g. `{ Versions: Actual }`. */
    fixed: z.record(z.string(), z.string()).default({}),
    /** Default file content (CSV with a header row) until a user uploads their own. */
    content: z.string().default(''),
    /** 0 for a file without a header row: `columns` then maps column numbers (1, 2, …). */
    headerRow: z.union([z.literal(0), z.literal(1)]).default(1),
  })
  .refine((v) => (v.module === undefined) !== (v.list === undefined), {
    message: 'an import needs exactly one of `module` or `list`',
  })

const EXPORT_LAYOUTS = ['TABULAR_MULTI_COLUMN', 'TABULAR_SINGLE_COLUMN', 'GRID_CURRENT_PAGE'] as const
const exportSchema = z
  .strictObject({
    name,
    code: z.string().optional(),
    module: z.string().optional(),
    view: z.string().optional(),
    layout: z.enum(EXPORT_LAYOUTS).optional(),
    lineItems: z.array(name).optional(),
    /** Only these items of a dimension (leaf items otherwise), e.g. `{ Versions: [Actual] }`. */
    filters: z.record(z.string(), z.array(z.string())).default({}),
    /** A generated export for benchmarks: `rows` deterministic lines of `rowBytes` bytes each. */
    synthetic: z
      .strictObject({
        rows: z.number().int().nonnegative(),
        rowBytes: z.number().int().min(16).max(1_000_000).default(100),
      })
      .optional(),
  })
  .refine((v) => [v.module, v.view, v.synthetic].filter((x) => x !== undefined).length === 1, {
    message: 'an export needs exactly one of `module`, `view` or `synthetic`',
  })

const processSchema = z.strictObject({
  name,
  code: z.string().optional(),
  /** Names of imports, exports and actions, run in this order. */
  actions: z.array(name).min(1, 'a process needs at least one action'),
})

const actionSchema = z
  .strictObject({
    name,
    code: z.string().optional(),
    /** A delete action: the list to delete items from… */
    deleteFrom: name.optional(),
    /** …and which items: those whose boolean property is true, or the members of a subset. */
    where: z.union([z.strictObject({ property: name }), z.strictObject({ subset: name })]).optional(),
    /**
     * An optimizer action. The simulator does not solve: a run ends with this status and objective,
     * and leaves a solver log for `…/optimizeActions/{id}/tasks/{taskId}/solutionLogs`.
     */
    optimizer: z
      .strictObject({
        status: z.enum(['OPTIMAL', 'INFEASIBLE']).default('OPTIMAL'),
        objective: z.number().default(0),
        log: z.string().optional(),
      })
      .optional(),
  })
  .refine((v) => (v.optimizer !== undefined) !== (v.deleteFrom !== undefined && v.where !== undefined), {
    message: 'an action needs either `deleteFrom` with `where`, or `optimizer`',
  })

const MODEL_STATES = ['UNLOCKED', 'PRODUCTION', 'ARCHIVED', 'LOCKED', 'MAINTENANCE'] as const
const modelSchema = z.strictObject({
  name,
  id: hex32.optional(),
  workspace: name,
  state: z.enum(MODEL_STATES).default('UNLOCKED'),
  /** Seed of the pseudo-random cell values. */
  seed: z.number().int().default(1),
  time: timeSchema.optional(),
  versions: z.array(versionSchema).default([]),
  lists: z.array(listSchema).default([]),
  modules: z.array(moduleSchema).default([]),
  imports: z.array(importSchema).default([]),
  exports: z.array(exportSchema).default([]),
  processes: z.array(processSchema).default([]),
  actions: z.array(actionSchema).default([]),
})

const fileSchema = z.strictObject({
  customer: z.string().default('Demo Customer'),
  users: z.array(userSchema).min(1, 'at least one user is needed to sign in'),
  workspaces: z.array(workspaceSchema).min(1),
  models: z.array(modelSchema).default([]),
})

export type ModelFile = z.output<typeof fileSchema>
export type ModelSpec = ModelFile['models'][number]
export type ListSpec = ModelSpec['lists'][number]
export type ModuleSpec = ModelSpec['modules'][number]
export type LineItemSpec = ModuleSpec['lineItems'][number]
export type ViewSpec = ModuleSpec['views'][number]
export type ImportSpec = ModelSpec['imports'][number]
export type ExportSpec = ModelSpec['exports'][number]
export type ActionSpec = ModelSpec['actions'][number]
export type SummaryMethod = (typeof TIME_SUMMARIES)[number]

/** A parsed model file plus a way to turn a key path into a line number for later checks. */
export interface ParsedModelFile {
  spec: ModelFile
  source: string
  lineOf(path: (string | number)[]): number | undefined
}

/** Parses and validates the text of a model file (YAML or JSON). */
export function parseModelFile(text: string, source = 'model file'): ParsedModelFile {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const lineOf = (path: (string | number)[]): number | undefined => lineOfPath(doc, lineCounter, path)
  if (doc.errors.length > 0) {
    throw new ModelFileError(
      source,
      doc.errors.map((e) => {
        const line = lineCounter.linePos(e.pos[0]).line
        return { path: [], message: e.message.split('\n')[0] ?? e.message, ...(line ? { line } : {}) }
      }),
    )
  }
  const result = fileSchema.safeParse(doc.toJS())
  if (!result.success) {
    throw new ModelFileError(
      source,
      result.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
        // Point an unknown key at the key itself, not at the object holding it.
        const keyPath = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path
        const line = lineOf(keyPath)
        return { path: keyPath, message: issue.message, ...(line ? { line } : {}) }
      }),
    )
  }
  return { spec: result.data, source, lineOf }
}

function lineOfPath(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let len = path.length; len >= 0; len--) {
    const sub = path.slice(0, len)
    const parent = sub.length > 0 ? doc.getIn(sub.slice(0, -1), true) : undefined
    // Prefer the key's position for map entries: it is where the reader looks.
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === sub.at(-1))
      const range = (pair?.key as { range?: [number, number, number] } | null)?.range
      if (range) return lc.linePos(range[0]).line
    }
    const node = sub.length > 0 ? doc.getIn(sub, true) : doc.contents
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range
    if (range) return lc.linePos(range[0]).line
  }
  return undefined
}
