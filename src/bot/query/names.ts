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
