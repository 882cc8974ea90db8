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
