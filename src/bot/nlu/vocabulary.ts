/**
 * The names the NLU recognises, taken live from the connected model's metadata (and the models
 * the user can see). Plain data, so it can be cached, serialised and built in tests.
 */
import type { ActionType } from '../../anaplan/index.ts'

export interface Vocabulary {
  models: { id: string; name: string; workspaceId?: string; workspaceName?: string }[]
  workspaces: { id: string; name: string }[]
  views: { id: string; name: string }[]
  actions: { id: string; name: string; type: ActionType }[]
  lists: { id: string; name: string; items: { id: string; name: string; code?: string }[] }[]
  lineItems: { id: string; name: string; moduleName: string; moduleId?: string }[]
  /** Time period names as the model writes them ("Jan 26", "Q1 FY26", "FY26"). */
  periods: string[]
  versions: string[]
}

export function emptyVocabulary(): Vocabulary {
  return {
    models: [],
    workspaces: [],
    views: [],
    actions: [],
    lists: [],
    lineItems: [],
    periods: [],
    versions: [],
  }
}

/** Items of `parts` with distinct names (case-insensitive), first one wins. */
function uniqueByName<T extends { name: string }>(parts: readonly (readonly T[])[]): T[] {
  const seen = new Map<string, T>()
  for (const items of parts)
    for (const x of items) {
      const k = x.name.toLowerCase()
      if (!seen.has(k)) seen.set(k, x)
    }
  return [...seen.values()]
}

/**
 * One vocabulary holding the names of several (the models a user can see, for understanding
 * without a connected model). A name that several models share appears once, from the first
 * vocabulary that has it; lists of the same name pool their items.
 */
export function mergeVocabularies(parts: readonly Vocabulary[]): Vocabulary {
  const lists = new Map<string, Vocabulary['lists'][number]>()
  for (const v of parts)
    for (const l of v.lists) {
      const have = lists.get(l.name.toLowerCase())
      if (have) have.items = uniqueByName([have.items, l.items])
      else lists.set(l.name.toLowerCase(), { ...l, items: [...l.items] })
    }
  return {
    models: uniqueByName(parts.map((v) => v.models)),
    workspaces: uniqueByName(parts.map((v) => v.workspaces)),
    views: uniqueByName(parts.map((v) => v.views)),
    actions: uniqueByName(parts.map((v) => v.actions)),
    lists: [...lists.values()],
    lineItems: uniqueByName(parts.map((v) => v.lineItems)),
    periods: [...new Set(parts.flatMap((v) => v.periods))],
    versions: [...new Set(parts.flatMap((v) => v.versions))],
  }
}
