/**
 * read_cell and write_cell. A cell is addressed by line item + one item per dimension; the bot
 * reads it through the module's default view (page selectors for page dimensions, coordinates
 * for rows and columns), which works for any module layout.
 */
import { periodKeyOf } from '../../nlu/slots.ts'
import type { Vocabulary } from '../../nlu/vocabulary.ts'
import type { Question } from '../../query/question.ts'
import { answerQuestion } from '../../query/turn.ts'
import type {
  CellWrite,
  ModelScope,
  NamedObject,
  RequestOptions,
  ViewData,
  ViewMetadata,
} from '../anaplan.ts'
import { isAmbiguousFailure } from '../anaplan.ts'
import type { IntentHandler, TurnContext } from '../context.ts'
import { encodeChoice } from '../context.ts'
import { BotError } from '../errors.ts'
import { settleLostAnswer } from './lost-answer.ts'
import { connected, formatValue, joinWords, pick, str, strList } from './util.ts'

const LINE_ITEMS_RE = /^line items?$/i

interface Target {
  module: string
  moduleName: string
  lineItem: string
  /** Dimension name → item name, for every dimension the line item has (Time and Versions too). */
  coordinates: Record<string, string>
  dims: NamedObject[]
  /** Dimensions the user did not name (read: totals are shown). */
  unspecified: string[]
}

async function target(
  ctx: TurnContext,
  forWrite: boolean,
): Promise<{ target: Target; scope: ModelScope; v: Vocabulary }> {
  connected(ctx)
  const v = await ctx.vocabulary()
  const scope = await ctx.scope()
  const liName = str(ctx.parameters.lineItem)
  if (!liName)
    throw new BotError(
      'invalid_input',
      `Which line item? For example ${joinWords(v.lineItems.slice(0, 4).map((l) => l.name))}.`,
    )
  const li = pick('lineItem', v.lineItems, liName)
  const dims = await scope.lineItemDimensions(li.id, ctx.requestOptions)
  const items = strList(ctx.parameters.items)
  const period = str(ctx.parameters.period)
  const version = str(ctx.parameters.version)
  const coordinates: Record<string, string> = {}
  const unspecified: string[] = []
  const used = new Set<string>()
  for (const d of dims) {
    if (/^time$/i.test(d.name)) {
      if (period) coordinates[d.name] = period
      else unspecified.push(d.name)
      continue
    }
    if (/^versions?$/i.test(d.name)) {
      // Forecast is the working version people mean when they don't say; else the model's first.
      coordinates[d.name] =
        version ?? v.versions.find((x) => /^forecast$/i.test(x)) ?? v.versions[0] ?? 'Forecast'
      continue
    }
    const list = v.lists.find((l) => l.name === d.name || l.id === d.id)
    const hit = items.find((i) =>
      list?.items.some(
        (x) => x.name.toLowerCase() === i.toLowerCase() || x.code?.toLowerCase() === i.toLowerCase(),
      ),
    )
    if (hit && list) {
      const item = list.items.find(
        (x) => x.name.toLowerCase() === hit.toLowerCase() || x.code?.toLowerCase() === hit.toLowerCase(),
      )
      coordinates[d.name] = item?.name ?? hit
      used.add(hit)
    } else unspecified.push(d.name)
  }
  const stray = items.filter((i) => !used.has(i))
  if (stray.length) {
    throw new BotError(
      'invalid_input',
      `${li.name} isn't broken down by ${joinWords(stray.map((s) => `'${s}'`))}; it is by ${joinWords(dims.map((d) => d.name))}.`,
    )
  }
  if (forWrite && unspecified.length) {
    // Never guess where a value goes: ask for the first missing dimension.
    const dim = dims.find((d) => d.name === unspecified[0]) as NamedObject
    const choices = /^time$/i.test(dim.name)
      ? v.periods.filter((p) => periodKeyOf(p)?.kind === 'month')
      : (v.lists.find((l) => l.name === dim.name)?.items ?? [])
          .map((i) => i.name)
          .filter((n) => !/^(total|all)\b/i.test(n))
    const param = /^time$/i.test(dim.name) ? 'period' : 'items'
    const err = new BotError(
      'invalid_input',
      `Which ${dim.name === 'Time' ? 'period' : dim.name} should I change ${li.name} for?`,
    )
    ctx.messages.push({
      type: 'choices',
      prompt: `${dim.name}:`,
      options: choices.slice(0, 12).map((c) => ({
        label: c,
        value: encodeChoice('write_cell', {
          ...ctx.parameters,
          [param]: param === 'items' ? [...items, c] : c,
        }),
      })),
    })
    throw err
  }
  return {
    target: {
      module: li.moduleId ?? li.moduleName,
      moduleName: li.moduleName,
      lineItem: li.name,
      coordinates,
      dims,
      unspecified,
    },
    scope,
    v,
  }
}

/** Finds the cell of `lineItem` at the coordinates in a grid, preferring totals for unnamed dimensions. */
export function locate(
  meta: ViewMetadata,
  data: ViewData,
  lineItem: string,
  coordinates: Record<string, string>,
): string | undefined {
  const want = (dim: NamedObject | undefined): string | undefined => {
    if (!dim) return undefined
    if (LINE_ITEMS_RE.test(dim.name)) return lineItem
    return coordinates[dim.name]
  }
  const score = (coords: string[], dims: NamedObject[]): number => {
    let s = 0
    for (let k = 0; k < coords.length; k++) {
      const w = want(dims[k])
      const c = coords[k] ?? ''
      if (w !== undefined) {
        if (c.toLowerCase() !== w.toLowerCase()) return -1
        s += 10
      } else if (isTotal(c)) s += 1
    }
    return s
  }
  const rowDims = meta.rows ?? []
  const colDims = meta.columns ?? []
  let best: { s: number; value: string | undefined } = { s: -1, value: undefined }
  data.rows.forEach((r) => {
    const rs = score(r.rowCoordinates, rowDims)
    if (rs < 0) return
    data.columnCoordinates.forEach((cc, j) => {
      const cs = score(cc, colDims)
      if (cs < 0) return
      if (rs + cs > best.s) best = { s: rs + cs, value: r.cells[j] }
    })
  })
  return best.value
}

function isTotal(name: string): boolean {
  return /^(total|all)\b/i.test(name) || periodKeyOf(name)?.kind === 'year'
}

/** Values of the given line items at the target's coordinates, from one read of the module's view. */
async function readValues(
  scope: ModelScope,
  t: Target,
  lineItems: string[],
  options?: RequestOptions,
): Promise<Record<string, string | undefined>> {
  const meta = await scope.viewMetadata(t.module, options)
  const pages: Record<string, string> = {}
  for (const p of meta.pages ?? []) {
    if (LINE_ITEMS_RE.test(p.name)) pages[p.name] = t.lineItem
    else if (t.coordinates[p.name] !== undefined) pages[p.name] = t.coordinates[p.name] as string
  }
  const out: Record<string, string | undefined> = {}
  const lineItemOnPage = (meta.pages ?? []).some((p) => LINE_ITEMS_RE.test(p.name))
  if (lineItemOnPage) {
    // One read per line item: the page selects it.
    for (const li of lineItems) {
      const data = await scope.readView(
        t.module,
        {
          ...pages,
          ...Object.fromEntries(
            (meta.pages ?? []).filter((p) => LINE_ITEMS_RE.test(p.name)).map((p) => [p.name, li]),
          ),
        },
        options,
      )
      out[li] = locate(meta, data, li, t.coordinates)
    }
    return out
  }
  const data = await scope.readView(t.module, pages, options)
  for (const li of lineItems) out[li] = locate(meta, data, li, t.coordinates)
  return out
}

function describe(t: Target): string {
  const parts = t.dims.map((d) => t.coordinates[d.name]).filter((x): x is string => x !== undefined)
  return parts.join(' · ')
}

/** A cell as Anaplan returns it (text) holds the value written (a number or text). */
function sameValue(raw: string | undefined, value: string | number): boolean | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (typeof value === 'number' || (value.trim() !== '' && Number.isFinite(Number(value))))
    return raw.trim() !== '' && Number.isFinite(n) && n === Number(value)
  return raw === value
}

export const readCell: IntentHandler = {
  async run(ctx) {
    // A typed question (parsed from the words, or a choice that carries one) goes to the engine.
    const q = ctx.question ?? (ctx.parameters.question as Question | undefined)
    if (q && typeof q === 'object' && Array.isArray(q.measures)) {
      connected(ctx)
      delete ctx.parameters.question
      return answerQuestion(ctx, q)
    }
    const { target: t, scope } = await target(ctx, false)
    const values = await readValues(scope, t, [t.lineItem], ctx.requestOptions)
    const raw = values[t.lineItem]
    if (raw === undefined)
      throw new BotError('not_found', `I couldn't find that cell of ${t.lineItem} (${describe(t)}).`)
    const totals = t.unspecified.length
      ? ` (total over ${joinWords(t.unspecified.map((d) => (/^time$/i.test(d) ? 'the year' : `all ${d}`)))})`
      : ''
    const where = describe(t)
    ctx.say(`${t.lineItem}${where ? ` for ${where}` : ''} is ${formatValue(raw)}${totals}.`)
    ctx.parameters = {
      ...ctx.parameters,
      lineItem: t.lineItem,
      ...(t.coordinates.Time ? { period: t.coordinates.Time } : {}),
    }
  },
}

export const writeCell: IntentHandler = {
  async summarize(ctx) {
    const value = ctx.parameters.value
    if (
      (typeof value !== 'string' && typeof value !== 'number') ||
      value === '' ||
      (typeof value === 'number' && !Number.isFinite(value))
    ) {
      throw new BotError('invalid_input', 'What value should I write?')
    }
    const { target: t, scope } = await target(ctx, true)
    const before = await readValues(scope, t, [t.lineItem], ctx.requestOptions)
    ctx.parameters = { ...ctx.parameters, lineItem: t.lineItem }
    return `Set ${t.lineItem} for ${describe(t)} from ${formatValue(before[t.lineItem])} to ${formatValue(String(value))}?`
  },
  async run(ctx) {
    const c = connected(ctx)
    const { target: t, scope, v } = await target(ctx, true)
    const value = ctx.parameters.value
    // Choice payloads and platform parameters are client data: only a number or text is a value.
    if (typeof value !== 'number' && typeof value !== 'string')
      throw new BotError('invalid_input', 'What value should I write? It must be a number or text.')
    const siblings = v.lineItems.filter((l) => l.moduleName === t.moduleName).map((l) => l.name)
    const before = await readValues(scope, t, siblings, ctx.requestOptions)
    const write: CellWrite = {
      lineItemName: t.lineItem,
      dimensions: t.dims.map((d) => ({ dimensionName: d.name, itemName: t.coordinates[d.name] as string })),
      value,
    }
    const details = {
      lineItem: t.lineItem,
      coordinates: t.coordinates,
      from: before[t.lineItem] ?? null,
      to: value,
    }
    try {
      const result = await scope.writeCells(t.module, [write], ctx.requestOptions)
      if (result.failures?.length || result.numberOfCellsChanged === 0) {
        const why = result.failures?.[0]?.failureMessageDetails ?? 'Anaplan did not change the cell'
        await ctx.audit({ model: c.modelName, action: 'write_cell', details, result: 'failed', error: why })
        throw new BotError(
          'invalid_input',
          `Anaplan did not accept ${value} for ${t.lineItem} (${describe(t)}): ${why}.`,
        )
      }
    } catch (e) {
      if (isAmbiguousFailure(e)) {
        const where = `${t.lineItem} for ${describe(t)}`
        return settleLostAnswer(ctx, {
          entry: { model: c.modelName, action: 'write_cell', details },
          error: e,
          check: async () =>
            sameValue((await readValues(scope, t, [t.lineItem], ctx.requestOptions))[t.lineItem], value),
          said: {
            applied: `Anaplan's answer was lost, but reading the cell back shows the change was applied: ${where} is now ${formatValue(String(value))}.`,
            notApplied: `Anaplan's answer was lost, and reading the cell back shows it was not applied: ${where} is still ${formatValue(before[t.lineItem])}. Nothing was re-sent; ask again to retry.`,
            unknown: `Anaplan's answer was lost and I couldn't read the cell back, so I don't know whether ${where} changed. Ask "what is ${t.lineItem} for ${describe(t)}?" to check before trying again.`,
          },
        })
      }
      if (!(e instanceof BotError))
        await ctx.audit({
          model: c.modelName,
          action: 'write_cell',
          details,
          result: 'failed',
          error: (e as Error).name,
        })
      throw e
    }
    await ctx.audit({ model: c.modelName, action: 'write_cell', details, result: 'ok' })
    const after = await readValues(scope, t, siblings, ctx.requestOptions)
    const changed = siblings
      .filter((s) => s !== t.lineItem && after[s] !== before[s] && after[s] !== undefined)
      .map((s) => `${s} now ${formatValue(after[s])} (was ${formatValue(before[s])})`)
    ctx.say(
      `Done: ${t.lineItem} for ${describe(t)} is now ${formatValue(after[t.lineItem] ?? String(value))} (was ${formatValue(before[t.lineItem])}).${changed.length ? ` ${changed.join('; ')}.` : ''}`,
    )
  },
}
