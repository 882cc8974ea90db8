/**
 * Builds a `Model` from its model file entry: assigns Anaplan-format ids deterministically (file
 * order), resolves every name reference (dimensions, parents, formulas, views, import columns,
 * process steps) and reports each broken reference with its key path.
 */
import { refKey } from './calc.ts'
import { buildCalendar } from './calendar.ts'
import type { SimModelInfo } from './contract.ts'
import { Dimension, type DimItem, VERSIONS_DIMENSION_ID } from './dimension.ts'
import { FormulaError, formulaRefs, parseFormula } from './formula.ts'
import { coerceValue, Model, type ModelParts } from './model.ts'
import type { ModelSpec, ModuleSpec, SummaryMethod } from './model-file.ts'
import { hash32 } from './sparse.ts'
import {
  type AxisDim,
  type ExportInternal,
  type ImportInternal,
  LINE_ITEMS,
  type LineItem,
  type LineItemFormat,
  type ListDef,
  type Module,
  type ProcessInternal,
  type VersionInfo,
  type View,
} from './types.ts'

type Path = (string | number)[]
export type ReportIssue = (path: Path, message: string) => void

const id12 = (prefix: number, n: number): string => String(prefix * 1_000_000_000 + n)
/** Seeded cells above this count are refused: a model file should not need gigabytes of heap. */
const MAX_SEEDED_CELLS = 5_000_000

/** Builds one model; problems are reported through `issue` (the caller throws if there are any). */
export function buildModel(spec: ModelSpec, info: SimModelInfo, at: Path, issue: ReportIssue): Model {
  const parts: ModelParts = {
    info,
    versions: [],
    lists: [],
    modules: [],
    savedViews: [],
    imports: [],
    exports: [],
    processes: [],
    actions: [],
    nextItemId: 202_000_000_001,
  }

  // Time and versions.
  if (spec.time) {
    parts.calendar = buildCalendar(spec.time.start, spec.time.years)
    if (spec.time.currentPeriod) {
      const item = parts.calendar.dimension.findByName(spec.time.currentPeriod)
      if (item?.level !== 'month') {
        issue([...at, 'time', 'currentPeriod'], `not a month of the timescale: ${spec.time.currentPeriod}`)
      } else parts.currentPeriodId = item.id
    }
  }
  if (spec.versions.length > 0) {
    const dim = new Dimension('versions', VERSIONS_DIMENSION_ID, 'Versions')
    spec.versions.forEach((v, i) => {
      if (dim.findByName(v.name)) {
        issue([...at, 'versions', i], `duplicate version ${v.name}`)
        return
      }
      const id = id12(107, i + 1)
      dim.add({ id, name: v.name })
      const info: VersionInfo = { id, name: v.name, actual: v.actual, current: v.current }
      if (v.code) info.code = v.code
      parts.versions.push(info)
    })
    parts.versionsDim = dim
  }

  // Lists: items first, then parents (a parent may come later in the file).
  let subsetSeq = 0
  spec.lists.forEach((ls, li) => {
    const p = [...at, 'lists', li]
    if (parts.lists.some((x) => x.dim.name.toLowerCase() === ls.name.toLowerCase())) {
      issue([...p, 'name'], `duplicate list ${ls.name}`)
      return
    }
    const dim = new Dimension('list', id12(101, li), ls.name, ls.code)
    const list: ListDef = {
      dim,
      properties: ls.properties.map((x) => ({ name: x.name, format: x.format })),
      subsets: ls.subsets.map((s) => ({ id: id12(109, subsetSeq++), name: s })),
    }
    if (ls.productionData) list.productionData = true
    if (ls.numbered) {
      list.numbered = { nextIndex: 1 }
      if (ls.displayName !== undefined) {
        const def = list.properties.find((x) => x.name.toLowerCase() === ls.displayName!.toLowerCase())
        if (!def) issue([...p, 'displayName'], `${ls.name} has no property ${ls.displayName}`)
        else list.numbered.displayName = def.name
      }
    } else if (ls.displayName !== undefined) issue([...p, 'displayName'], 'displayName needs numbered: true')
    if (ls.parentList !== undefined) {
      const parentList = parts.lists.find((x) => x.dim.name.toLowerCase() === ls.parentList!.toLowerCase())
      if (!parentList)
        issue([...p, 'parentList'], `unknown list ${ls.parentList} (declare it before ${ls.name})`)
      else {
        list.parentList = parentList
        copyHierarchy(parentList, dim)
        if (parentList.topLevelItemId) list.topLevelItemId = parentList.topLevelItemId
      }
      if (ls.topLevelItem)
        issue([...p, 'topLevelItem'], 'a list with a parentList shares the top-level item of its parent list')
    } else if (ls.topLevelItem) {
      const top = dim.add({ id: String(parts.nextItemId++), name: ls.topLevelItem, topLevel: true })
      list.topLevelItemId = top.id
    }
    type ItemSpec = (typeof ls.items)[number] & { name: string }
    const specs: { item: ItemSpec; path: Path }[] = []
    ls.items.forEach((item, ii) => {
      const path = [...p, 'items', ii]
      if (list.numbered) {
        if (item.name !== undefined)
          issue([...path, 'name'], 'items of a numbered list have no name: Anaplan numbers them')
        specs.push({ item: { ...item, name: `#${list.numbered.nextIndex++}` }, path })
      } else if (item.name === undefined) issue(path, 'an item needs a name (or make the list numbered)')
      else specs.push({ item: { ...item, name: item.name }, path })
    })
    if (ls.generate) {
      for (const item of generatedItems(ls.generate)) specs.push({ item, path: [...p, 'generate'] })
    }
    const created = new Map<ItemSpec, DimItem>()
    for (const { item: it, path: ip } of specs) {
      if (dim.findByName(it.name)) {
        issue([...ip, 'name'], `duplicate item ${it.name} in ${ls.name}`)
        continue
      }
      if (it.code && dim.findByCode(it.code)) {
        issue([...ip, 'code'], `duplicate code ${it.code} in ${ls.name}`)
        continue
      }
      const item = dim.add({
        id: String(parts.nextItemId++),
        name: it.name,
        ...(it.code ? { code: it.code } : {}),
      })
      for (const [k, v] of Object.entries(it.properties ?? {})) {
        const def = list.properties.find((x) => x.name.toLowerCase() === k.toLowerCase())
        if (!def) {
          issue([...ip, 'properties', k], `${ls.name} has no property ${k} (declare it under properties)`)
          continue
        }
        item.properties[def.name] = def.format === 'BOOLEAN' ? String(v).toLowerCase() : String(v)
      }
      for (const s of it.subsets ?? []) {
        const def = list.subsets.find((x) => x.name.toLowerCase() === s.toLowerCase())
        if (!def) issue([...ip, 'subsets'], `${ls.name} has no subset ${s} (declare it under subsets)`)
        else item.subsets.add(def.name)
      }
      created.set(it, item)
    }
    for (const { item: it, path: ip } of specs) {
      const item = created.get(it)
      if (!item) continue
      if (it.parent) {
        const parent = dim.find(it.parent)
        // A composite list's parents are items of its parent list; a plain list's are its own.
        const owned = list.parentList ? parent?.listId === list.parentList.dim.id : !parent?.listId
        if (!parent || parent === item || !owned || parent.topLevel) {
          const where = list.parentList ? list.parentList.dim.name : ls.name
          issue(
            ip[ip.length - 1] === 'generate' ? ip : [...ip, 'parent'],
            `parent not found in ${where}: ${it.parent}`,
          )
          continue
        }
        dim.reparent(item, parent.id)
      } else if (list.topLevelItemId) dim.reparent(item, list.topLevelItemId)
    }
    parts.lists.push(list)
  })

  const model = new Model(parts)
  const findDim = (module: Module | undefined, name: string): Dimension | undefined => {
    const n = name.toLowerCase()
    const pool = module ? module.dims : model.allDimensions()
    return pool.find((d) => d.name.toLowerCase() === n || (d.kind === 'versions' && n === 'version'))
  }

  // Modules and line items (formulas resolved once every module exists).
  let lineItemSeq = 0
  spec.modules.forEach((ms, mi) => {
    const p = [...at, 'modules', mi]
    if (parts.modules.some((x) => x.name.toLowerCase() === ms.name.toLowerCase())) {
      issue([...p, 'name'], `duplicate module ${ms.name}`)
      return
    }
    const dims: Dimension[] = []
    ms.dimensions.forEach((dn, di) => {
      const dim = findDim(undefined, dn)
      if (!dim) {
        issue([...p, 'dimensions', di], `unknown dimension ${dn}: use a list name, Time or Versions`)
        return
      }
      if (dims.includes(dim)) {
        issue([...p, 'dimensions', di], `dimension ${dn} given twice`)
        return
      }
      dims.push(dim)
    })
    const m: Module = {
      id: id12(102, mi),
      name: ms.name,
      dims,
      lineItems: [],
      defaultView: undefined as unknown as View,
    }
    if (ms.code) m.code = ms.code
    if (ms.sparse) {
      const [ia, ib] = ms.sparse.dims.map((n) =>
        dims.findIndex((d) => d.name.toLowerCase() === n.toLowerCase()),
      )
      ms.sparse.dims.forEach((n, k) => {
        const idx = k === 0 ? ia! : ib!
        if (idx < 0 || dims[idx]!.kind !== 'list')
          issue([...p, 'sparse', 'dims', k], `${n} is not a list dimension of ${ms.name}`)
      })
      if (ia === ib) issue([...p, 'sparse', 'dims'], 'the two sparse dimensions must differ')
      else if (ia! >= 0 && ib! >= 0)
        m.sparse = {
          dims: [ia!, ib!],
          density: ms.sparse.density,
          hash: hash32(`${spec.seed}|sparse|${ms.name}`),
        }
    }
    ms.lineItems.forEach((ls, i) => {
      const lp = [...p, 'lineItems', i]
      if (m.lineItems.some((x) => x.name.toLowerCase() === ls.name.toLowerCase())) {
        issue([...lp, 'name'], `duplicate line item ${ls.name} in ${ms.name}`)
        return
      }
      const numeric = ls.format === 'NUMBER'
      const summary: SummaryMethod = ls.summary ?? (numeric ? 'SUM' : 'NONE')
      const timeSummary: SummaryMethod = ls.timeSummary ?? summary
      for (const [key, method] of [
        ['summary', summary],
        ['timeSummary', timeSummary],
      ] as const) {
        if (!numeric && !['NONE', 'FIRST', 'LAST'].includes(method)) {
          issue([...lp, key], `${method} needs a NUMBER line item; ${ls.format} can use NONE, FIRST or LAST`)
        }
      }
      if (ls.formula !== undefined && !numeric)
        issue([...lp, 'formula'], 'formulas are supported on NUMBER line items only')
      if (ls.formula !== undefined && ls.seed) issue([...lp, 'seed'], 'a formula line item cannot be seeded')
      if (ls.seed && !numeric) issue([...lp, 'seed'], 'only NUMBER line items can be seeded')
      const li: LineItem = {
        id: id12(206, lineItemSeq++),
        name: ls.name,
        module: m,
        format: ls.format as LineItemFormat,
        refs: new Map(),
        summary,
        timeSummary,
        cells: new Map(),
      }
      if (ls.code) li.code = ls.code
      if (ls.notes) li.notes = ls.notes
      if (ls.units && ls.units !== 'NONE') {
        if (!numeric) issue([...lp, 'units'], 'units belong to NUMBER line items')
        else li.units = ls.units
      }
      if (ls.formula !== undefined) li.formulaText = ls.formula
      m.lineItems.push(li)
    })
    parts.modules.push(m)
  })

  const moduleNames = parts.modules.map((m) => m.name)
  spec.modules.forEach((ms, mi) => {
    const m = parts.modules.find((x) => x.name === ms.name)
    if (!m) return
    ms.lineItems.forEach((ls, i) => {
      const li = m.lineItems.find((x) => x.name === ls.name)
      if (!li || li.formulaText === undefined) return
      const fp = [...at, 'modules', mi, 'lineItems', i, 'formula']
      try {
        li.formula = parseFormula(li.formulaText, [...m.lineItems.map((x) => x.name), ...moduleNames])
      } catch (err) {
        if (err instanceof FormulaError) {
          issue(fp, err.message)
          return
        }
        throw err
      }
      for (const ref of formulaRefs(li.formula)) {
        const target = ref.module
          ? parts.modules.find((x) => x.name.toLowerCase() === ref.module!.toLowerCase())
          : m
        if (!target) {
          issue(fp, `unknown module ${ref.module} in formula`)
          return
        }
        const refLi = target.lineItems.find((x) => x.name.toLowerCase() === ref.lineItem.toLowerCase())
        if (!refLi) {
          issue(fp, `unknown line item ${ref.lineItem} in ${target.name}`)
          return
        }
        if (refLi.format !== 'NUMBER') {
          issue(fp, `${refLi.name} is ${refLi.format}: formulas use NUMBER line items`)
          return
        }
        const dimMap = target.dims.map((d) => m.dims.indexOf(d))
        const missing = target.dims.filter((_, k) => dimMap[k]! < 0)
        if (missing.length > 0) {
          issue(
            fp,
            `${target.name}.${refLi.name} is dimensioned by ${missing.map((d) => d.name).join(', ')}, which ${m.name} is not`,
          )
          return
        }
        li.refs.set(refKey(ref), { lineItem: refLi, dimMap })
      }
    })
  })
  checkCycles(parts.modules, (li, message) => {
    const mi = spec.modules.findIndex((x) => x.name === li.module.name)
    const i = spec.modules[mi]?.lineItems.findIndex((x) => x.name === li.name) ?? -1
    issue([...at, 'modules', mi, 'lineItems', i, 'formula'], message)
  })

  // Views: default views first (ids = module ids), then saved views with 13-digit ids.
  let viewSeq = 0
  spec.modules.forEach((ms, mi) => {
    const m = parts.modules.find((x) => x.name === ms.name)
    if (!m) return
    const p = [...at, 'modules', mi]
    const axes = ms.defaultView ?? defaultAxes(m)
    m.defaultView = buildView(m, { name: m.name, ...axes }, m.id, false, [...p, 'defaultView'], issue)
    ms.views.forEach((vs, vi) => {
      const vp = [...p, 'views', vi]
      if (ms.views.findIndex((x) => x.name.toLowerCase() === vs.name.toLowerCase()) !== vi) {
        issue([...vp, 'name'], `duplicate view ${vs.name} in ${ms.name}`)
        return
      }
      const view = buildView(m, vs, String(2_070_000_000_001 + viewSeq++), true, vp, issue)
      if (vs.code) view.code = vs.code
      parts.savedViews.push(view)
    })
  })

  // Seeded and explicit cells.
  spec.modules.forEach((ms, mi) => {
    const m = parts.modules.find((x) => x.name === ms.name)
    if (!m) return
    ms.lineItems.forEach((ls, i) => {
      const li = m.lineItems.find((x) => x.name === ls.name)
      if (!li || !ls.seed || li.formulaText !== undefined) return
      const sp = [...at, 'modules', mi, 'lineItems', i, 'seed']
      if (m.sparse) {
        const by = (ls.seed.by ?? m.dims.map((d) => d.name)).map((n) => {
          const k = m.dims.findIndex((d) => d.name.toLowerCase() === n.toLowerCase())
          if (k < 0) issue([...sp, 'by'], `${m.name} has no dimension ${n}`)
          return k
        })
        li.lazySeed = {
          min: ls.seed.min,
          max: ls.seed.max,
          scale: 10 ** ls.seed.decimals,
          by: by.filter((k) => k >= 0),
          hash: hash32(`${spec.seed}|${li.name}`),
        }
        return
      }
      if (ls.seed.by) issue([...sp, 'by'], 'by needs a sparse module (see sparse)')
      const leaves = m.dims.map((d) => d.leaves())
      const count = leaves.reduce((n, l) => n * l.length, 1)
      if (count > MAX_SEEDED_CELLS) {
        issue(
          [...at, 'modules', mi, 'lineItems', i, 'seed'],
          `would create ${count} cells (at most ${MAX_SEEDED_CELLS})`,
        )
        return
      }
      const { min, max, decimals } = ls.seed
      const scale = 10 ** decimals
      forEachCombination(leaves, (items) => {
        const key = items.map((x) => x.id).join('|')
        const r = random(`${spec.seed}|${li.name}|${items.map((x) => x.name).join('|')}`)
        li.cells.set(key, Math.round((min + (max - min) * r) * scale) / scale)
      })
    })
    ms.data.forEach((cell, ci) => {
      const cp = [...at, 'modules', mi, 'data', ci]
      const li = m.lineItems.find((x) => x.name.toLowerCase() === cell.lineItem.toLowerCase())
      if (!li) {
        issue([...cp, 'lineItem'], `unknown line item ${cell.lineItem} in ${m.name}`)
        return
      }
      if (li.formulaText !== undefined) {
        issue([...cp, 'lineItem'], `${li.name} has a formula: its cells are calculated`)
        return
      }
      const value = coerceValue(li, cell.value, model)
      if (typeof value === 'object') {
        issue([...cp, 'value'], value.error)
        return
      }
      const choices: DimItem[][] = m.dims.map((d) => d.leaves())
      const cellCount = (): number => choices.reduce((n, c) => n * c.length, 1)
      for (const [dn, itemName] of Object.entries(cell.at)) {
        const found = findDim(m, dn)
        const k = found ? m.dims.indexOf(found) : -1
        if (k < 0) {
          issue([...cp, 'at', dn], `${m.name} has no dimension ${dn}`)
          return
        }
        const item = m.dims[k]!.find(itemName)
        if (!item) {
          issue([...cp, 'at', dn], `item not found in ${m.dims[k]!.name}: ${itemName}`)
          return
        }
        choices[k] = m.dims[k]!.leavesUnder(item.id)
      }
      if (cellCount() > MAX_SEEDED_CELLS) {
        issue(cp, `would store ${cellCount()} cells (at most ${MAX_SEEDED_CELLS}): narrow it with at`)
        return
      }
      forEachCombination(choices, (items) => li.cells.set(items.map((x) => x.id).join('|'), value))
    })
  })

  buildActions(spec, parts, at, issue)
  return model
}

function buildActions(spec: ModelSpec, parts: ModelParts, at: Path, issue: ReportIssue): void {
  const listByName = (n: string): ListDef | undefined =>
    parts.lists.find((l) => l.dim.name.toLowerCase() === n.toLowerCase())
  const moduleByName = (n: string): Module | undefined =>
    parts.modules.find((m) => m.name.toLowerCase() === n.toLowerCase())

  const fileIds = new Map<string, string>()
  spec.imports.forEach((is, i) => {
    const p = [...at, 'imports', i]
    const fileKey = is.file.toLowerCase()
    if (!fileIds.has(fileKey)) fileIds.set(fileKey, id12(113, fileIds.size))
    const base = {
      id: id12(112, i),
      name: is.name,
      fileId: fileIds.get(fileKey)!,
      fileName: is.file,
      content: is.content,
      columns: is.columns,
      headerRow: is.headerRow,
    }
    const imp = (is.code ? { ...base, code: is.code } : base) as Omit<ImportInternal, 'target'>
    if (is.module !== undefined) {
      const m = moduleByName(is.module)
      if (!m) {
        issue([...p, 'module'], `unknown module ${is.module}`)
        return
      }
      const covered = new Set<number>()
      for (const [col, target] of Object.entries(is.columns)) {
        if (is.headerRow === 0 && !/^[1-9]\d*$/.test(col))
          issue([...p, 'columns', col], 'a file without a header row maps column numbers (1, 2, …)')
        const t = target.toLowerCase()
        const k = m.dims.findIndex(
          (d) => d.name.toLowerCase() === t || (d.kind === 'versions' && t === 'version'),
        )
        if (k >= 0) {
          covered.add(k)
          continue
        }
        const li = m.lineItems.find((x) => x.name.toLowerCase() === t)
        if (!li)
          issue([...p, 'columns', col], `${target} is neither a dimension nor a line item of ${m.name}`)
        else if (li.formulaText !== undefined)
          issue([...p, 'columns', col], `${li.name} is calculated: it cannot be imported`)
      }
      const fixed = new Map<number, string>()
      for (const [dn, itemName] of Object.entries(is.fixed)) {
        const k = m.dims.findIndex((d) => d.name.toLowerCase() === dn.toLowerCase())
        if (k < 0) {
          issue([...p, 'fixed', dn], `${m.name} has no dimension ${dn}`)
          continue
        }
        if (!m.dims[k]!.find(itemName)) issue([...p, 'fixed', dn], `item not found in ${dn}: ${itemName}`)
        fixed.set(k, itemName)
        covered.add(k)
      }
      const uncovered = m.dims.filter((_, k) => !covered.has(k))
      if (uncovered.length > 0) {
        issue([...p, 'columns'], `no column or fixed item for ${uncovered.map((d) => d.name).join(', ')}`)
      }
      parts.imports.push({ ...imp, target: { kind: 'module', module: m, fixed } })
    } else {
      const list = listByName(is.list!)
      if (!list) {
        issue([...p, 'list'], `unknown list ${is.list}`)
        return
      }
      const targets = Object.values(is.columns).map((t) => t.toLowerCase())
      if (!targets.includes('name') && !targets.includes('code')) {
        issue([...p, 'columns'], 'a list import needs a column mapped to name or code')
      }
      for (const [col, target] of Object.entries(is.columns)) {
        const t = target.toLowerCase()
        const known =
          ['name', 'code', 'parent'].includes(t) ||
          list.properties.some((x) => x.name.toLowerCase() === t) ||
          list.subsets.some((x) => x.name.toLowerCase() === t)
        if (!known)
          issue(
            [...p, 'columns', col],
            `${target} is not name, code, parent, or a property or subset of ${list.dim.name}`,
          )
      }
      parts.imports.push({ ...imp, target: { kind: 'list', list } })
    }
  })

  spec.exports.forEach((es, i) => {
    const p = [...at, 'exports', i]
    const base = { id: id12(116, i), name: es.name, ...(es.code ? { code: es.code } : {}) }
    if (es.synthetic) {
      parts.exports.push({
        ...base,
        layout: es.layout ?? 'TABULAR_MULTI_COLUMN',
        source: { kind: 'synthetic', ...es.synthetic },
      })
      return
    }
    if (es.view !== undefined) {
      const wanted = es.view.toLowerCase()
      const view =
        parts.savedViews.find(
          (v) => v.name.toLowerCase() === wanted || `${v.module.name}.${v.name}`.toLowerCase() === wanted,
        ) ?? parts.modules.find((m) => m.name.toLowerCase() === wanted)?.defaultView
      if (!view) {
        issue([...p, 'view'], `unknown view ${es.view}`)
        return
      }
      parts.exports.push({
        ...base,
        layout: es.layout ?? 'GRID_CURRENT_PAGE',
        source: { kind: 'view', view },
      })
      return
    }
    const m = moduleByName(es.module!)
    if (!m) {
      issue([...p, 'module'], `unknown module ${es.module}`)
      return
    }
    const lineItems: LineItem[] = []
    for (const [k, n] of (es.lineItems ?? m.lineItems.map((x) => x.name)).entries()) {
      const li = m.lineItems.find((x) => x.name.toLowerCase() === n.toLowerCase())
      if (!li) issue([...p, 'lineItems', k], `unknown line item ${n} in ${m.name}`)
      else lineItems.push(li)
    }
    const filters = new Map<number, Set<string>>()
    for (const [dn, names] of Object.entries(es.filters)) {
      const k = m.dims.findIndex((d) => d.name.toLowerCase() === dn.toLowerCase())
      if (k < 0) {
        issue([...p, 'filters', dn], `${m.name} has no dimension ${dn}`)
        continue
      }
      const ids = new Set<string>()
      for (const n of names) {
        const item = m.dims[k]!.find(n)
        if (!item) issue([...p, 'filters', dn], `item not found in ${dn}: ${n}`)
        else ids.add(item.id)
      }
      filters.set(k, ids)
    }
    const layout =
      es.layout === 'GRID_CURRENT_PAGE' ? 'TABULAR_MULTI_COLUMN' : (es.layout ?? 'TABULAR_MULTI_COLUMN')
    if (es.layout === 'GRID_CURRENT_PAGE')
      issue([...p, 'layout'], 'GRID_CURRENT_PAGE needs a view, not a module')
    parts.exports.push({
      ...base,
      layout,
      source: { kind: 'module', module: m, lineItems, filters },
    } satisfies ExportInternal)
  })

  spec.actions.forEach((as, i) => {
    const p = [...at, 'actions', i]
    const base = { id: id12(117, i), name: as.name, ...(as.code ? { code: as.code } : {}) }
    if (as.optimizer) {
      const { status, objective, log } = as.optimizer
      parts.actions.push({ kind: 'optimizer', ...base, status, objective, ...(log ? { log } : {}) })
      return
    }
    const where = as.where!
    const list = listByName(as.deleteFrom!)
    if (!list) {
      issue([...p, 'deleteFrom'], `unknown list ${as.deleteFrom}`)
      return
    }
    if ('property' in where) {
      const prop = list.properties.find((x) => x.name.toLowerCase() === where.property.toLowerCase())
      if (prop?.format !== 'BOOLEAN') {
        issue([...p, 'where', 'property'], `${list.dim.name} has no BOOLEAN property ${where.property}`)
        return
      }
      parts.actions.push({ kind: 'delete', ...base, list, where: { property: prop.name } })
    } else {
      const subset = list.subsets.find((x) => x.name.toLowerCase() === where.subset.toLowerCase())
      if (!subset) {
        issue([...p, 'where', 'subset'], `${list.dim.name} has no subset ${where.subset}`)
        return
      }
      parts.actions.push({ kind: 'delete', ...base, list, where: { subset: subset.name } })
    }
  })

  spec.processes.forEach((ps, i) => {
    const p = [...at, 'processes', i]
    const actionIds: string[] = []
    ps.actions.forEach((n, k) => {
      const lower = n.toLowerCase()
      const hit = [...parts.imports, ...parts.exports, ...parts.actions].find(
        (x) => x.name.toLowerCase() === lower,
      )
      if (!hit) issue([...p, 'actions', k], `no import, export or action named ${n}`)
      else actionIds.push(hit.id)
    })
    const proc: ProcessInternal = { id: id12(118, i), name: ps.name, actionIds }
    if (ps.code) proc.code = ps.code
    parts.processes.push(proc)
  })
}

/** Anaplan's usual default pivot: lists and line items on rows, time on columns, versions on pages. */
function defaultAxes(m: Module): { rows: string[]; columns: string[]; pages: string[] } {
  const lists = m.dims.filter((d) => d.kind === 'list').map((d) => d.name)
  const time = m.dims.filter((d) => d.kind === 'time').map((d) => d.name)
  const pages = m.dims.filter((d) => d.kind === 'versions').map((d) => d.name)
  if (time.length > 0) return { rows: [...lists, 'Line Items'], columns: time, pages }
  if (lists.length > 0) return { rows: lists, columns: ['Line Items'], pages }
  return { rows: ['Line Items'], columns: [], pages }
}

function buildView(
  m: Module,
  spec: {
    name: string
    rows: string[]
    columns: string[]
    pages: string[]
    lineItems?: string[] | undefined
  },
  id: string,
  saved: boolean,
  p: Path,
  issue: ReportIssue,
): View {
  const lineItems: LineItem[] = []
  for (const [k, n] of (spec.lineItems ?? m.lineItems.map((x) => x.name)).entries()) {
    const li = m.lineItems.find((x) => x.name.toLowerCase() === n.toLowerCase())
    if (!li) issue([...p, 'lineItems', k], `unknown line item ${n} in ${m.name}`)
    else lineItems.push(li)
  }
  const used = new Set<AxisDim>()
  const axis = (key: 'rows' | 'columns' | 'pages'): AxisDim[] =>
    spec[key].flatMap((n, k) => {
      const t = n.toLowerCase()
      const dim: AxisDim | undefined =
        t === 'line items'
          ? LINE_ITEMS
          : m.dims.find((d) => d.name.toLowerCase() === t || (d.kind === 'versions' && t === 'version'))
      if (!dim) {
        issue([...p, key, k], `${m.name} has no dimension ${n} (use its lists, Time, Versions or Line Items)`)
        return []
      }
      if (used.has(dim)) {
        issue([...p, key, k], `${n} is on the view twice`)
        return []
      }
      used.add(dim)
      return [dim]
    })
  const view: View = {
    id,
    name: spec.name,
    module: m,
    rows: axis('rows'),
    columns: axis('columns'),
    pages: axis('pages'),
    lineItems,
    saved,
  }
  // Anaplan keeps Line Items on an axis of every view, even one filtered to a single line item.
  // A view that does not place it gets it as the last page dimension: the other page dimensions
  // keep their positions in the page selectors and in the CSV's first line.
  if (!used.has(LINE_ITEMS)) view.pages.push(LINE_ITEMS)
  const missing = m.dims.filter((d) => !used.has(d))
  if (missing.length > 0)
    issue(
      p,
      `the view must place every dimension of ${m.name}; missing: ${missing.map((d) => d.name).join(', ')}`,
    )
  if (lineItems.length === 0) lineItems.push(...m.lineItems.slice(0, 1))
  return view
}

function checkCycles(modules: Module[], report: (li: LineItem, message: string) => void): void {
  const state = new Map<LineItem, 'visiting' | 'done'>()
  const cyclic = new Set<LineItem>()
  const visit = (li: LineItem, chain: LineItem[]): void => {
    const s = state.get(li)
    if (s === 'done') return
    if (s === 'visiting') {
      const members = chain.slice(chain.indexOf(li))
      for (const x of members) cyclic.add(x)
      report(li, `circular formula reference: ${[...members, li].map((x) => x.name).join(' → ')}`)
      return
    }
    state.set(li, 'visiting')
    for (const ref of li.refs.values()) visit(ref.lineItem, [...chain, li])
    state.set(li, 'done')
  }
  for (const m of modules) for (const li of m.lineItems) visit(li, [])
  // A cycle would recurse forever at read time, so cut it now that it has been reported.
  for (const li of cyclic) li.refs.clear()
}

/** Copies a list's items and hierarchy into a composite child list's dimension, marked as theirs. */
function copyHierarchy(from: ListDef, dim: Dimension): void {
  for (const item of from.dim.items.values()) {
    dim.add({
      id: item.id,
      name: item.name,
      ...(item.code ? { code: item.code } : {}),
      ...(item.topLevel ? { topLevel: true } : {}),
      listId: item.listId ?? from.dim.id,
    })
  }
  for (const item of from.dim.items.values()) {
    if (item.parentId) dim.reparent(dim.get(item.id)!, item.parentId)
  }
}

type GenerateSpec = NonNullable<ModelSpec['lists'][number]['generate']>

/** The items a list's `generate` describes: numbered names and codes, shared out over parents. */
export function generatedItems(g: GenerateSpec): { name: string; code?: string; parent?: string }[] {
  const groups: [string | undefined, string[]][] = g.parents
    ? Object.entries(g.parents)
    : [[undefined, g.words ?? ['']]]
  const seen = groups.map(() => 0)
  const out: { name: string; code?: string; parent?: string }[] = []
  for (let n = 1; n <= g.count; n++) {
    const k = Math.floor(((n - 1) * groups.length) / g.count)
    const [parent, words] = groups[k]!
    const word = words[seen[k]!++ % words.length]!
    const fill = (t: string): string =>
      t.replaceAll('{n}', String(n).padStart(g.digits, '0')).replaceAll('{word}', word)
    const code = g.code === undefined ? undefined : fill(g.code)
    const name = fill(g.name).replaceAll('{code}', code ?? '')
    out.push({ name, ...(code ? { code } : {}), ...(parent ? { parent } : {}) })
  }
  return out
}

function forEachCombination(choices: DimItem[][], fn: (items: DimItem[]) => void): void {
  if (choices.some((c) => c.length === 0)) return
  const idx = choices.map(() => 0)
  for (;;) {
    fn(choices.map((c, k) => c[idx[k]!]!))
    let k = choices.length - 1
    while (k >= 0) {
      idx[k]!++
      if (idx[k]! < choices[k]!.length) break
      idx[k] = 0
      k--
    }
    if (k < 0) return
  }
}

/** A deterministic number in [0, 1) from a string (FNV-1a, then one mulberry32 step). */
export function random(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  let t = (h + 0x6d2b79f5) | 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export type { ModuleSpec }
