/** Tenant-level resources: the user, workspaces, models. */
import type {
  Model,
  ModelStatus,
  ModelsApi,
  RequestOptions,
  User,
  UsersApi,
  Workspace,
  WorkspacesApi,
} from '../api.ts'
import type { TtlCache } from '../core/names.ts'
import type { Transport } from '../core/transport.ts'
import { path } from '../internal/path.ts'
import { listAll, objectOf } from './envelope.ts'

export class UsersResource implements UsersApi {
  constructor(private readonly t: Transport) {}

  /**
   * The authenticated user.
   * @example const me = await client.users.me()
   */
  async me(options?: RequestOptions): Promise<User> {
    const res = await this.t.request({ method: 'GET', path: '/users/me' }, options)
    return objectOf<User>(res.data, 'user')
  }
}

/** A client's transport and its name cache, which fresh tenant listings refresh. */
export interface TenantHost extends Transport {
  readonly cache: TtlCache
}

export class WorkspacesResource implements WorkspacesApi {
  constructor(private readonly t: TenantHost) {}

  /**
   * Workspaces the user belongs to (all pages). The fresh listing also refreshes the client's
   * cache, so resolving a workspace name right after needs no second request.
   * @example const list = await client.workspaces.list()
   */
  async list(options?: RequestOptions): Promise<Workspace[]> {
    const all = await listAll<Workspace>(this.t, { path: '/workspaces' }, 'workspaces', options)
    this.t.cache.set('workspaces', all)
    return all
  }

  /** One workspace (404 for users who are not its admin). */
  async get(workspaceId: string, options?: RequestOptions): Promise<Workspace> {
    const res = await this.t.request({ method: 'GET', path: path`/workspaces/${workspaceId}` }, options)
    return objectOf<Workspace>(res.data, 'workspace')
  }
}

export class ModelsResource implements ModelsApi {
  constructor(private readonly t: TenantHost) {}

  /**
   * Models the user sees, tenant-wide or in one workspace (all pages); refreshes the client's cache
   * of the same listing.
   * @example const models = await client.models.list({ workspaceId })
   */
  async list(
    query: { workspaceId?: string; modelDetails?: boolean } = {},
    options?: RequestOptions,
  ): Promise<Model[]> {
    const p = query.workspaceId ? path`/workspaces/${query.workspaceId}/models` : '/models'
    const all = await listAll<Model>(
      this.t,
      { path: p, ...(query.modelDetails ? { query: { modelDetails: true } } : {}) },
      'models',
      options,
    )
    this.t.cache.set(query.workspaceId ? `models:${query.workspaceId}` : 'models:*', all)
    return all
  }

  /** One model (`GET /models/{id}`; the workspace form answers 405). */
  async get(modelId: string, options?: RequestOptions): Promise<Model> {
    const res = await this.t.request({ method: 'GET', path: path`/models/${modelId}` }, options)
    return objectOf<Model>(res.data, 'model')
  }

  /** Model status: the bare `GET /models/{id}/status` form (`{requestStatus}`, no envelope). */
  async status(_workspaceId: string, modelId: string, options?: RequestOptions): Promise<ModelStatus> {
    const res = await this.t.request({ method: 'GET', path: path`/models/${modelId}/status` }, options)
    return objectOf<ModelStatus>(res.data, 'requestStatus')
  }

  /** Wakes (loads) a model; asynchronous on Anaplan's side (202). Do not use as a keep-alive. */
  async open(_workspaceId: string, modelId: string, options?: RequestOptions): Promise<void> {
    await this.t.request(
      {
        method: 'POST',
        path: path`/models/${modelId}/open`,
        idempotent: true,
        parse: 'none',
      },
      options,
    )
  }

  /** Closes (unloads) a model (204). */
  async close(_workspaceId: string, modelId: string, options?: RequestOptions): Promise<void> {
    await this.t.request(
      {
        method: 'POST',
        path: path`/models/${modelId}/close`,
        idempotent: true,
        parse: 'none',
      },
      options,
    )
  }
}
