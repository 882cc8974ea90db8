/**
 * Loads the vocabulary the NLU needs from Anaplan: the models and workspaces a user sees and,
 * for a connected model, the names of its catalog (`scope.catalog()`).
 * Cached per (credentials profile, model) for a short time: names change rarely, turns are many.
 */

import type { Vocabulary } from '../nlu/vocabulary.ts'
import { emptyVocabulary, mergeVocabularies } from '../nlu/vocabulary.ts'
import type { BotAnaplanClient, ModelScope } from './anaplan.ts'

/** @default 60 s */
export const DEFAULT_METADATA_TTL_MS = 60_000
/** Lists bigger than this are not indexed item by item (names are still resolved by Anaplan). */
const MAX_LIST_ITEMS = 2000
/** Models whose names {@link MetadataCache.accessible} pools (the first ones the user sees). */
export const MAX_POOLED_MODELS = 10

export class MetadataCache {
  readonly #ttlMs: number
  readonly #now: () => number
  readonly #entries = new Map<string, { expiresAt: number; value: Promise<Vocabulary> }>()

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_METADATA_TTL_MS
    this.#now = options.now ?? Date.now
  }

  /** Models and workspaces the client's user sees (no model connected). */
  tenant(key: string, client: BotAnaplanClient): Promise<Vocabulary> {
    return this.#cached(`${key}|tenant`, () => loadTenant(client))
  }

  /** The full vocabulary of a connected model, plus the tenant's models. */
  model(key: string, client: BotAnaplanClient, scope: ModelScope): Promise<Vocabulary> {
    return this.#cached(`${key}|${scope.modelId}`, async () => {
      const [tenant, model] = await Promise.all([this.tenant(key, client), loadModel(scope)])
      return { ...model, models: tenant.models, workspaces: tenant.workspaces }
    })
  }

  /**
   * The names of every model the client's user can open (the first {@link MAX_POOLED_MODELS}),
   * pooled: what `/api/nlu` understands with when no model is connected. Each model's vocabulary
   * is the one connected sessions share; a model that cannot be read contributes nothing.
   */
  async accessible(
    key: string,
    client: BotAnaplanClient,
    read: (m: { id: string; name: string }) => boolean = () => true,
  ): Promise<Vocabulary> {
    const all = await this.tenant(key, client)
    // Only models the caller may read lend their names: the others stay unknown words. Callers
    // allowed the same models share one pooled vocabulary.
    const tenant = { ...all, models: all.models.filter((m) => read(m)) }
    return this.#cached(`${key}|${tenant.models.map((m) => m.id).join(',')}|*`, async () => {
      const models = await Promise.all(
        tenant.models.slice(0, MAX_POOLED_MODELS).map(async (m) => {
          try {
            const ref = m.workspaceId ? { workspace: m.workspaceId, model: m.id } : { model: m.id }
            return await this.model(key, client, await client.model(ref))
          } catch {
            return undefined
          }
        }),
      )
      return mergeVocabularies([tenant, ...models.filter((v) => v !== undefined)])
    })
  }

  /** Drops cached vocabularies of a model (after a list change), and the pooled ones. */
  invalidate(modelId?: string): void {
    for (const k of [...this.#entries.keys()])
      if (!modelId || k.endsWith(`|${modelId}`) || k.endsWith('|*')) this.#entries.delete(k)
  }

  #cached(key: string, load: () => Promise<Vocabulary>): Promise<Vocabulary> {
    const hit = this.#entries.get(key)
    if (hit && hit.expiresAt > this.#now()) return hit.value
    const value = load()
    this.#entries.set(key, { expiresAt: this.#now() + this.#ttlMs, value })
    // A failed load must not be cached: the next turn tries again.
    value.catch(() => this.#entries.delete(key))
    return value
  }
}

async function loadTenant(client: BotAnaplanClient): Promise<Vocabulary> {
  const [workspaces, models] = await Promise.all([client.workspaces.list(), client.models.list()])
  const ws = new Map(workspaces.map((w) => [w.id, w.name]))
  const v = emptyVocabulary()
  v.workspaces = workspaces.map((w) => ({ id: w.id, name: w.name }))
  v.models = models.map((m) => ({
    id: m.id,
    name: m.name,
    workspaceId: m.currentWorkspaceId,
    workspaceName: m.currentWorkspaceName ?? ws.get(m.currentWorkspaceId) ?? '',
  }))
  return v
}

/**
 * The model's names from its catalog: the client reads each listing once per TTL and shares it with
 * its own name resolution and the question engine, so the vocabulary costs no listing of its own.
 * A catalog that cannot be read gives no model names (the next turn tries again).
 */
async function loadModel(scope: ModelScope): Promise<Vocabulary> {
  const v = emptyVocabulary()
  const catalog = await scope.catalog()
  v.actions = catalog.actions.map((a) => ({ id: a.id, name: a.name, type: a.type }))
  v.views = savedViews(catalog.views)
  v.lineItems = catalog.lineItems.map((li) => ({
    id: li.id,
    name: li.name,
    moduleName: li.moduleName,
    moduleId: li.moduleId,
  }))
  v.versions = catalog.versions.map((x) => x.name)
  // Months, quarters and years, as before; halves and totals are the question engine's to use.
  v.periods = catalog.periods
    .filter((p) => p.level === 'month' || p.level === 'quarter' || p.level === 'year')
    .map((p) => p.name)
  v.lists = catalog.lists.map((l) => ({
    id: l.id,
    name: l.name,
    // The list's top level ("All Products", "Total Company") is a page and a coordinate as its
    // items are, though Anaplan lists it apart from them.
    items: [
      ...(l.items ?? []).slice(0, MAX_LIST_ITEMS),
      ...(l.topLevelItem && !(l.items ?? []).some((i) => i.id === l.topLevelItem?.id)
        ? [l.topLevelItem]
        : []),
    ].map((i) => ({ id: i.id, name: i.name, ...(i.code ? { code: i.code } : {}) })),
  }))
  return v
}

/**
 * Saved views by the name people use. Anaplan names them `Module.View` (quoted when special) and
 * also lists each module's default view (its id is the module's); those are reached through line
 * items, so only saved views are offered.
 */
export function savedViews(
  views: readonly { id: string; name: string; moduleId: string }[],
): { id: string; name: string }[] {
  const out: { id: string; name: string }[] = []
  for (const x of views) {
    if (x.id === x.moduleId) continue
    const m = /^(?:'[^']*'|[^.]*)\.(.+)$/.exec(x.name)
    const name = (m?.[1] ?? x.name).replace(/^'(.*)'$/, '$1')
    out.push({ id: x.id, name })
  }
  // Two modules may have views with the same short name: keep the full name for those.
  return out.map((v, i) =>
    out.some((o, j) => j !== i && o.name === v.name)
      ? { id: v.id, name: views.find((x) => x.id === v.id)?.name ?? v.name }
      : v,
  )
}
