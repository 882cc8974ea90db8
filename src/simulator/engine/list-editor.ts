/**
 * List item add / update / delete with Anaplan's per-item failures (`requestIndex` into the
 * request's `items`). Changes take effect in every module dimensioned by the list at once.
 */
import { type ItemFailure, type ListItemRecord, SimError } from './contract.ts'
import type { DimItem } from './dimension.ts'
import type { Model } from './model.ts'
import type { ListDef } from './types.ts'

const MAX_ITEMS_PER_CALL = 100_000

export class ListEditor {
  constructor(private readonly model: Model) {}

  /** The list's items (not its top-level item), in the order they were created. */
  records(list: ListDef): ListItemRecord[] {
    const out: ListItemRecord[] = []
    for (const item of list.dim.items.values()) {
      if (item.topLevel || item.listId) continue
      out.push(this.record(list, item))
    }
    return out
  }

  record(list: ListDef, item: DimItem): ListItemRecord {
    const rec: ListItemRecord = { id: item.id, name: item.name, listId: list.dim.id, listName: list.dim.name }
    if (item.code) rec.code = item.code
    const parent = item.parentId ? list.dim.get(item.parentId) : undefined
    if (parent) {
      rec.parent = parent.name
      rec.parentId = parent.id
    }
    rec.properties = Object.fromEntries(list.properties.map((p) => [p.name, item.properties[p.name] ?? '']))
    rec.subsets = Object.fromEntries(list.subsets.map((s) => [s.name, item.subsets.has(s.name)]))
    return rec
  }

  /** Adds items; duplicate names or codes, unknown parents or properties fail per item. */
  add(list: ListDef, items: Record<string, unknown>[]) {
    let added = 0
    const failures = eachItem(items, (raw, fail) => {
      if (list.numbered && raw.name !== undefined) {
        fail('INCORRECT_FORMAT', `${list.dim.name} is a numbered list: its items get numbers, not names`)
        return
      }
      // A numbered list names its items after their index; the index is used only on success.
      const name = list.numbered
        ? `#${list.numbered.nextIndex}`
        : typeof raw.name === 'string'
          ? raw.name.trim()
          : ''
      if (!name) {
        fail('INCOMPLETE_DATA', 'The item has no name')
        return
      }
      const code = raw.code === undefined || raw.code === null ? undefined : String(raw.code).trim()
      if (list.dim.findByName(name)) {
        fail('DUPLICATE_ITEM', `An item named ${name} already exists`)
        return
      }
      if (code && list.dim.findByCode(code)) {
        fail('DUPLICATE_ITEM', `An item with code ${code} already exists`)
        return
      }
      const parent = this.resolveParent(list, raw.parent)
      if (typeof parent === 'string') {
        fail('INVALID_PARENT', parent)
        return
      }
      const attributes = this.checkAttributes(list, raw)
      if (typeof attributes === 'string') {
        fail('INCORRECT_FORMAT', attributes)
        return
      }
      const { props, subsets } = attributes
      const id = String(this.model.parts.nextItemId++)
      const parentId = parent?.id ?? list.topLevelItemId
      const item = list.dim.add({
        id,
        name,
        ...(code ? { code } : {}),
        ...(parentId ? { parentId } : {}),
        properties: props ?? {},
      })
      for (const [s, member] of Object.entries(subsets ?? {})) if (member) item.subsets.add(s)
      if (list.numbered) list.numbered.nextIndex++
      added++
    })
    if (added > 0) this.model.changed()
    return { added, ignored: failures.length, total: items.length, failures }
  }

  /** Updates items identified by id, else code, else name (one identifier decides). */
  update(list: ListDef, items: Record<string, unknown>[]) {
    let updated = 0
    const failures = eachItem(items, (raw, fail) => {
      let item: DimItem | undefined
      let by: 'id' | 'code' | 'name'
      if (raw.id !== undefined) {
        by = 'id'
        item = list.dim.get(String(raw.id))
      } else if (raw.code !== undefined) {
        by = 'code'
        item = list.dim.findByCode(String(raw.code))
      } else if (raw.name !== undefined) {
        by = 'name'
        item = list.dim.findByName(String(raw.name))
      } else {
        fail('INCOMPLETE_DATA', 'The item needs an id, a code or a name')
        return
      }
      if (!item || item.topLevel || item.listId) {
        fail('ITEM_NOT_FOUND', `No item with ${by} ${String(raw[by])}`)
        return
      }
      if (by === 'name' && item.code) {
        fail('INCOMPLETE_DATA', `The item ${item.name} has a code: identify it by id or code`)
        return
      }
      const newName = by !== 'name' && typeof raw.name === 'string' ? raw.name.trim() : undefined
      const newCode = by === 'id' && raw.code !== undefined ? String(raw.code).trim() : undefined
      if (newName !== undefined) {
        if (!newName) {
          fail('INCOMPLETE_DATA', 'The name must not be empty')
          return
        }
        const other = list.dim.findByName(newName)
        if (other && other !== item) {
          fail('DUPLICATE_ITEM', `An item named ${newName} already exists`)
          return
        }
      }
      if (newCode !== undefined) {
        if (!newCode) {
          fail('INCOMPLETE_DATA', 'The code must not be removed')
          return
        }
        const other = list.dim.findByCode(newCode)
        if (other && other !== item) {
          fail('DUPLICATE_ITEM', `An item with code ${newCode} already exists`)
          return
        }
      }
      const parent = raw.parent === undefined ? undefined : this.resolveParent(list, raw.parent)
      if (typeof parent === 'string') {
        fail('INVALID_PARENT', parent)
        return
      }
      if (parent && (parent === item || this.isDescendant(list, parent, item))) {
        fail('INVALID_PARENT', `${item.name} cannot be its own ancestor`)
        return
      }
      const attributes = this.checkAttributes(list, raw)
      if (typeof attributes === 'string') {
        fail('INCORRECT_FORMAT', attributes)
        return
      }
      const { props, subsets } = attributes
      if (newName !== undefined) list.dim.rename(item, newName)
      if (newCode !== undefined) list.dim.recode(item, newCode)
      if (raw.parent !== undefined) list.dim.reparent(item, parent?.id ?? list.topLevelItemId)
      Object.assign(item.properties, props ?? {})
      for (const [s, member] of Object.entries(subsets ?? {})) {
        if (member) item.subsets.add(s)
        else item.subsets.delete(s)
      }
      updated++
    })
    if (updated > 0) this.model.changed()
    return { updated, ignored: failures.length, total: items.length, failures }
  }

  /** Deletes items by id, code or name, and their cells in every module. */
  delete(list: ListDef, items: Record<string, unknown>[]) {
    const doomed = new Set<string>()
    const failures = eachItem(items, (raw, fail) => {
      if (raw.id !== undefined && raw.code !== undefined) {
        fail('INCORRECT_FORMAT', 'Give either an id or a code, not both')
        return
      }
      const item =
        raw.id !== undefined
          ? list.dim.get(String(raw.id))
          : raw.code !== undefined
            ? list.dim.findByCode(String(raw.code))
            : raw.name !== undefined
              ? list.dim.findByName(String(raw.name))
              : undefined
      if (raw.id === undefined && raw.code === undefined && raw.name === undefined) {
        fail('INCOMPLETE_DATA', 'The item needs an id, a code or a name')
        return
      }
      if (!item || item.topLevel || item.listId) {
        fail('ITEM_NOT_FOUND', `No such item: ${String(raw.id ?? raw.code ?? raw.name)}`)
        return
      }
      if (item.children.some((c) => !doomed.has(c))) {
        fail('ITEM_HAS_CHILDREN', `${item.name} has child items: delete or move them first`)
        return
      }
      doomed.add(item.id)
      list.dim.remove(item.id)
    })
    if (doomed.size > 0) {
      this.purgeCells(list, doomed)
      this.model.changed()
    }
    return { deleted: doomed.size, ignored: failures.length, total: items.length, failures }
  }

  private purgeCells(list: ListDef, ids: Set<string>): void {
    for (const m of this.model.parts.modules) {
      const idx = m.dims.indexOf(list.dim)
      if (idx < 0) continue
      for (const li of m.lineItems) {
        for (const key of li.cells.keys()) {
          if (ids.has(key.split('|')[idx]!)) li.cells.delete(key)
        }
      }
    }
  }

  private resolveParent(list: ListDef, parent: unknown): DimItem | undefined | string {
    if (parent === undefined || parent === null || parent === '') return undefined
    const item = list.dim.find(String(parent))
    if (!item) return `Parent not found in ${list.dim.name}: ${String(parent)}`
    return item
  }

  private isDescendant(list: ListDef, candidate: DimItem, ancestor: DimItem): boolean {
    for (let p = candidate.parentId; p; p = list.dim.get(p)?.parentId) if (p === ancestor.id) return true
    return false
  }

  /** An item's `properties` and `subsets`, checked together: a message when either is wrong. */
  private checkAttributes(
    list: ListDef,
    raw: Record<string, unknown>,
  ): string | { props: Record<string, string> | undefined; subsets: Record<string, boolean> | undefined } {
    const props = this.checkProperties(list, raw.properties)
    if (typeof props === 'string') return props
    const subsets = this.checkSubsets(list, raw.subsets)
    if (typeof subsets === 'string') return subsets
    return { props, subsets }
  }

  private checkProperties(list: ListDef, props: unknown): Record<string, string> | undefined | string {
    if (props === undefined || props === null) return undefined
    if (typeof props !== 'object' || Array.isArray(props)) return 'properties must be an object'
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(props)) {
      const def = list.properties.find((p) => p.name.toLowerCase() === k.toLowerCase())
      if (!def) return `Unknown property of ${list.dim.name}: ${k}`
      if (typeof v === 'object' && v !== null) return `Property ${def.name} must be a string`
      const s = v === null ? '' : String(v)
      if (def.format === 'BOOLEAN' && s !== '' && !/^(true|false)$/i.test(s)) {
        return `Property ${def.name} must be true or false: ${s}`
      }
      if (def.format === 'NUMBER' && s.trim() !== '' && !Number.isFinite(Number(s))) {
        return `Property ${def.name} must be a number: ${s}`
      }
      out[def.name] = def.format === 'BOOLEAN' ? s.toLowerCase() : s
    }
    return out
  }

  private checkSubsets(list: ListDef, subsets: unknown): Record<string, boolean> | undefined | string {
    if (subsets === undefined || subsets === null) return undefined
    if (typeof subsets !== 'object' || Array.isArray(subsets)) return 'subsets must be an object'
    const out: Record<string, boolean> = {}
    for (const [k, v] of Object.entries(subsets)) {
      const def = list.subsets.find((s) => s.name.toLowerCase() === k.toLowerCase())
      if (!def) return `Unknown subset of ${list.dim.name}: ${k}`
      if (typeof v !== 'boolean') return `Subset ${def.name} must be true or false`
      out[def.name] = v
    }
    return out
  }
}

/**
 * Runs `each` over a checked batch, collecting per-item failures with their request index, as
 * Anaplan reports them; an item that is not an object fails before `each` sees it.
 */
function eachItem(
  items: unknown,
  each: (raw: Record<string, unknown>, fail: (failureType: string, details: string) => void) => void,
): ItemFailure[] {
  checkBatch(items)
  const failures: ItemFailure[] = []
  items.forEach((raw, requestIndex) => {
    const fail = (failureType: string, details: string): void => {
      failures.push({ requestIndex, failureType, failureMessageDetails: details })
    }
    if (typeof raw !== 'object' || raw === null) fail('INCORRECT_FORMAT', 'An item must be an object')
    else each(raw, fail)
  })
  return failures
}

function checkBatch(items: unknown): asserts items is Record<string, unknown>[] {
  if (!Array.isArray(items)) throw new SimError(400, 'items must be an array')
  if (items.length > MAX_ITEMS_PER_CALL) {
    throw new SimError(
      400,
      `A request can change at most ${MAX_ITEMS_PER_CALL} list items; this one has ${items.length}`,
    )
  }
}
