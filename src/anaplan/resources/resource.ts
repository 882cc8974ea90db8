/**
 * The base of every model resource (openai-node's `APIResource`): the client it sends through and
 * the model it addresses. Resources hold no state of their own; what they cache lives in the
 * client's shared cache, so two scopes of one model share it.
 */
import type { RequestOptions } from '../api.ts'
import type { ClientLogger } from '../auth/token-manager.ts'
import type { TtlCache } from '../core/names.ts'
import type { Transport } from '../core/transport.ts'
import { path } from '../internal/path.ts'

/** What a model's resources need from their client. */
export interface ScopeHost extends Transport {
  readonly cache: TtlCache
  readonly options: {
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
    readonly logger?: ClientLogger
    readonly reconcileSkewMs?: number
  }
}

/** The model a resource works in, with both path prefixes Anaplan uses. */
export class ModelAddress {
  /** `/workspaces/{ws}/models/{m}` */
  readonly ws: string
  /** `/models/{m}` */
  readonly m: string
  constructor(
    readonly workspaceId: string,
    readonly modelId: string,
    readonly modelName?: string,
  ) {
    this.ws = path`/workspaces/${workspaceId}/models/${modelId}`
    this.m = path`/models/${modelId}`
  }
}

export abstract class ModelResource {
  constructor(
    protected readonly _host: ScopeHost,
    protected readonly _model: ModelAddress,
  ) {}
}

/** Only the fields of {@link RequestOptions}: resource-specific options never reach the transport. */
export function requestOptions(o: RequestOptions | undefined): RequestOptions {
  if (!o) return {}
  const out: RequestOptions = {}
  if (o.signal) out.signal = o.signal
  if (o.timeoutMs !== undefined) out.timeoutMs = o.timeoutMs
  if (o.maxRetries !== undefined) out.maxRetries = o.maxRetries
  if (o.deadline !== undefined) out.deadline = o.deadline
  if (o.headers) out.headers = o.headers
  return out
}
