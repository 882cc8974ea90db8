/**
 * The catalog's names as the NLU's entity index sees them (line items, lists with their items and
 * top-level items, versions), built once per catalog object, plus lookups the parser needs.
 */
import type { CatalogLineItem, CatalogList, CatalogListItem, ModelCatalog } from '../../anaplan/catalog.ts'
import { closeMatches } from '../../anaplan/index.ts'
import { EntityIndex } from '../nlu/entities.ts'
import { emptyVocabulary, type Vocabulary } from '../nlu/vocabulary.ts'

const indexes = new WeakMap<ModelCatalog, EntityIndex>()

export function vocabularyOf(catalog: ModelCatalog): Vocabulary {
  const v = emptyVocabulary()
  v.lineItems = catalog.lineItems.map((li) => ({
    id: li.id,
    name: li.name,
    moduleName: li.moduleName,
    moduleId: li.moduleId,
  }))
  v.lists = catalog.lists.map((l) => ({
    id: l.id,
    name: l.name,
    items: [...(l.topLevelItem ? [l.topLevelItem] : []), ...(l.items ?? [])].map((i) => ({
      id: i.id,
      name: i.name,
      ...(i.code ? { code: i.code } : {}),
    })),
  }))
  v.versions = catalog.versions.map((x) => x.name)
  return v
}

export function entityIndex(catalog: ModelCatalog): EntityIndex {
  let idx = indexes.get(catalog)
  if (!idx) {
    idx = new EntityIndex(vocabularyOf(catalog))
    indexes.set(catalog, idx)
  }
  return idx
}

export function listByName(catalog: ModelCatalog, name: string): CatalogList | undefined {
  const n = name.toLowerCase()
  return catalog.lists.find((l) => l.name.toLowerCase() === n || l.id === name)
}

export function itemOf(list: CatalogList, name: string): CatalogListItem | undefined {
  const n = name.toLowerCase()
  if (list.topLevelItem?.name.toLowerCase() === n) return list.topLevelItem
  return list.items?.find((i) => i.name.toLowerCase() === n || i.code?.toLowerCase() === n)
}

export function lineItemByName(catalog: ModelCatalog, name: string): CatalogLineItem | undefined {
  const n = name.toLowerCase()
  return catalog.lineItems.find((li) => li.name.toLowerCase() === n)
}

/** Items with no children in the same list: what a breakdown "by <list>" shows. */
export function leaves(list: CatalogList): CatalogListItem[] {
  const items = list.items ?? []
  const parents = new Set(items.map((i) => i.parentId))
  return items.filter((i) => !parents.has(i.id))
}

export function childrenOf(list: CatalogList, parentId: string): CatalogListItem[] {
  return (list.items ?? []).filter((i) => i.parentId === parentId)
}

/** Near matches for an unknown word among names of one kind, for "did you mean". */
export function nearNames(names: readonly string[], query: string, max = 4): string[] {
  return closeMatches(
    names.map((n) => ({ id: n, name: n })),
    query,
    max,
  ).map((x) => x.name)
}

/** "Regions" → "region": the word for one item of a list. */
export function singular(listName: string): string {
  const w = listName.toLowerCase()
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`
  if (w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1)
  return w
}

const parents = new WeakMap<ModelCatalog, Map<string, string | undefined>>()

/** Item id → parent item id over every list (a composite hierarchy's parents are other lists' items). */
function parentIndex(catalog: ModelCatalog): Map<string, string | undefined> {
  let idx = parents.get(catalog)
  if (!idx) {
    idx = new Map()
    for (const l of catalog.lists) for (const i of l.items ?? []) idx.set(i.id, i.parentId)
    parents.set(catalog, idx)
  }
  return idx
}

/** The lists of a composite hierarchy from `list` up (Store, Country, Region). */
export function listChain(catalog: ModelCatalog, list: CatalogList): CatalogList[] {
  const out = [list]
  for (let l = list; l.parentListId && out.length < 8; ) {
    const up = catalog.lists.find((x) => x.id === l.parentListId)
    if (!up) break
    out.push(up)
    l = up
  }
  return out
}

/**
 * Items of `list` under the item `ofId` (of `list` or of a list above it): its children in the
 * list when it has some, else the items of `list` that descend from it ("stores" under Spain or
 * under South). The list's top-level item has every leaf of the list under it.
 */
export function itemsUnder(catalog: ModelCatalog, list: CatalogList, ofId: string): CatalogListItem[] {
  if (ofId === list.topLevelItem?.id) return leaves(list)
  const kids = childrenOf(list, ofId)
  if (kids.length) return kids
  const up = parentIndex(catalog)
  return (list.items ?? []).filter((i) => {
    for (let p = i.parentId, depth = 0; p && depth < 8; p = up.get(p), depth++) if (p === ofId) return true
    return false
  })
}

/**
 * The items one level below `ofId` in the hierarchy of `list` (its lists and the lists above):
 * below a total the top level (Regions), below a country its stores. Empty for a leaf.
 */
export function levelBelow(catalog: ModelCatalog, list: CatalogList, ofId: string): CatalogListItem[] {
  for (const l of listChain(catalog, list)) {
    const kids = (l.items ?? []).filter((i) => i.parentId === ofId)
    if (kids.length) return kids
  }
  return []
}

/** The version a question means when it names none: the current one, else Forecast, else the first. */
export function defaultVersion(catalog: ModelCatalog): { id: string; name: string } | undefined {
  return (
    catalog.versions.find((v) => v.isCurrent) ??
    catalog.versions.find((v) => /forecast/i.test(v.name)) ??
    catalog.versions[0]
  )
}
