/**
 * A dimension of a model: a list (with its hierarchy and top-level item), Time or Versions.
 * Items form a forest; an item with children is an aggregate whose cells are calculated.
 */

export const TIME_DIMENSION_ID = '20000000003'
export const VERSIONS_DIMENSION_ID = '20000000020'
/** Anaplan labels this id "Line items" in view metadata (reference §1.3). */
export const LINE_ITEMS_DIMENSION_ID = '101999999999'

export interface DimItem {
  id: string
  name: string
  code?: string
  parentId?: string
  children: string[]
  /** List property values, always strings as on the wire. */
  properties: Record<string, string>
  subsets: Set<string>
  /** Set on items a composite list shows from its parent lists (a Store list's countries). */
  listId?: string
  /** True for a list's top-level item (`Total Regions`): never returned as a list item. */
  topLevel?: boolean
  /** Time only: the last day of the period, YYYY-MM-DD, and its first day. */
  lastDay?: string
  firstDay?: string
  /** Time only: 'month' | 'quarter' | 'year'. */
  level?: string
}

export type DimensionKind = 'list' | 'time' | 'versions'

export class Dimension {
  readonly items = new Map<string, DimItem>()
  private byName = new Map<string, DimItem>()
  private byCode = new Map<string, DimItem>()
  private orderCache: DimItem[] | undefined
  /** Incremented whenever items are added, removed or moved: lets derived indexes notice. */
  version = 0

  constructor(
    readonly kind: DimensionKind,
    readonly id: string,
    public name: string,
    readonly code?: string,
  ) {}

  /** Adds an item; the parent must already exist. */
  add(item: Omit<DimItem, 'children' | 'properties' | 'subsets'> & Partial<DimItem>): DimItem {
    const full: DimItem = { properties: {}, subsets: new Set(), ...item, children: [] }
    this.items.set(full.id, full)
    this.byName.set(full.name.toLowerCase(), full)
    if (full.code) this.byCode.set(full.code.toLowerCase(), full)
    if (full.parentId) this.items.get(full.parentId)?.children.push(full.id)
    this.orderCache = undefined
    this.version++
    return full
  }

  remove(id: string): void {
    const item = this.items.get(id)
    if (!item) return
    this.items.delete(id)
    this.byName.delete(item.name.toLowerCase())
    if (item.code) this.byCode.delete(item.code.toLowerCase())
    if (item.parentId) {
      const parent = this.items.get(item.parentId)
      if (parent) parent.children = parent.children.filter((c) => c !== id)
    }
    this.orderCache = undefined
    this.version++
  }

  rename(item: DimItem, name: string): void {
    this.byName.delete(item.name.toLowerCase())
    item.name = name
    this.byName.set(name.toLowerCase(), item)
    this.orderCache = undefined
    this.version++
  }

  recode(item: DimItem, code: string | undefined): void {
    if (item.code) this.byCode.delete(item.code.toLowerCase())
    if (code) {
      item.code = code
      this.byCode.set(code.toLowerCase(), item)
    } else delete item.code
  }

  reparent(item: DimItem, parentId: string | undefined): void {
    if (item.parentId) {
      const old = this.items.get(item.parentId)
      if (old) old.children = old.children.filter((c) => c !== item.id)
    }
    if (parentId) {
      item.parentId = parentId
      this.items.get(parentId)?.children.push(item.id)
    } else delete item.parentId
    this.orderCache = undefined
    this.version++
  }

  get(id: string): DimItem | undefined {
    return this.items.get(id)
  }
  findByName(n: string): DimItem | undefined {
    return this.byName.get(n.toLowerCase())
  }
  findByCode(c: string): DimItem | undefined {
    return this.byCode.get(c.toLowerCase())
  }
  /** By name, then by code, then by id: how import files and users refer to items. */
  find(ref: string): DimItem | undefined {
    return this.findByName(ref) ?? this.findByCode(ref) ?? this.items.get(ref)
  }

  /** Items in display order: children before their parent (totals last), as Anaplan grids show them. */
  order(): DimItem[] {
    if (this.orderCache) return this.orderCache
    const out: DimItem[] = []
    const visit = (item: DimItem): void => {
      for (const c of item.children) {
        const child = this.items.get(c)
        if (child) visit(child)
      }
      out.push(item)
    }
    const roots = [...this.items.values()].filter((i) => !i.parentId)
    // The top-level item closes the list whatever the file order.
    for (const root of roots.filter((r) => !r.topLevel)) visit(root)
    for (const root of roots.filter((r) => r.topLevel)) visit(root)
    this.orderCache = out
    return out
  }

  leaves(): DimItem[] {
    return this.order().filter((i) => i.children.length === 0 && !i.topLevel)
  }

  isAggregate(id: string): boolean {
    const item = this.items.get(id)
    return !!item && (item.children.length > 0 || !!item.topLevel)
  }

  /** Number of leaf items under an item (1 for a leaf). */
  leafCount(id: string): number {
    const item = this.items.get(id)
    if (!item) return 0
    if (item.children.length === 0) return item.topLevel ? 0 : 1
    let n = 0
    for (const c of item.children) n += this.leafCount(c)
    return n
  }

  /** Leaf items under an item (itself when it is a leaf). */
  leavesUnder(id: string): DimItem[] {
    const item = this.items.get(id)
    if (!item) return []
    if (item.children.length === 0) return item.topLevel ? [] : [item]
    return item.children.flatMap((c) => this.leavesUnder(c))
  }
}
