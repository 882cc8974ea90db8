/**
 * `AnaplanClient`: options, the one `request()` (auth, timeout, deadline, retries) and the wiring of
 * the resources. Multi-step flows (chunked upload, start-poll-dump) live in the resources, never here.
 */
import { createHash } from 'node:crypto'
import type {
  AnaplanCredentials,
  AuthTokenInfo,
  Model,
  ModelRef,
  ModelScope,
  ModelsApi,
  RequestOptions,
  TokenValidation,
  UsersApi,
  WorkspacesApi,
} from './api.ts'
import { AuthApi } from './auth/auth-api.ts'
import { type ClientLogger, noopLogger, TokenManager, type TokenStore } from './auth/token-manager.ts'
import { normalizeName, resolveName, TtlCache } from './core/names.ts'
import {
  type AttemptOutcome,
  backoff,
  parseRetryAfter,
  type RetryDecision,
  shouldRetry,
} from './core/retry.ts'
import type { ApiResponse, BodyStream, RequestSpec, Transport } from './core/transport.ts'
import {
  AbortError,
  AnaplanError,
  APIError,
  ConfigError,
  ConnectionError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
} from './errors.ts'
import { fetchWire } from './http/fetch-wire.ts'
import { nodeWire } from './http/node-wire.ts'
import type { Wire, WireReadResult, WireResponse } from './http/wire.ts'
import { redactUrl } from './internal/redact.ts'
import { sleep as defaultSleep } from './internal/sleep.ts'
import { ModelScopeImpl } from './resources/model-scope.ts'
import { ModelsResource, UsersResource, WorkspacesResource } from './resources/tenant.ts'

export type { ClientLogger } from './auth/token-manager.ts'

/** Options of {@link AnaplanClient}. */
export interface AnaplanClientOptions {
  /** Auth service base. @default 'https://auth.anaplan.com' */
  authUrl?: string
  /** Integration API base. @default 'https://api.anaplan.com/2/0' */
  apiUrl?: string
  /** Credentials; or give `credentialsProvider`. */
  credentials?: AnaplanCredentials
  /** Called once, on the first authenticate, when `credentials` is not given (secret managers). */
  credentialsProvider?: () => Promise<AnaplanCredentials>
  /**
   * Send requests through this WHATWG `fetch` instead of `node:http` (tests inject one; so can
   * runtimes without `node:http`). @default `node:http`/`node:https` with keep-alive agents
   */
  fetch?: typeof fetch
  /** Per-attempt timeout in ms. @default 60000 */
  timeoutMs?: number
  /** Retries after the first attempt. @default 3 */
  maxRetries?: number
  /** @default a logger that drops everything */
  logger?: ClientLogger
  /** Clock (epoch ms). @default Date.now */
  now?: () => number
  /** @default 'anaplan-chat-bot-client/0.1' */
  userAgent?: string
  /** Sleep used between retries and polls (tests capture delays with it). @default setTimeout-based */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number
  /** Random bytes for the certificate nonce. @default crypto.randomBytes */
  randomBytes?: (n: number) => Uint8Array
  /** How long resolved names stay cached. @default 60000 */
  nameCacheTtlMs?: number
  /** Background token refresh this long before expiry. @default 300000 */
  eagerRefreshMs?: number
  /** Shares tokens between instances (e.g. Redis); `close()` then forgets instead of logging out. */
  tokenStore?: TokenStore
  /** Key in `tokenStore`. @default derived from `authUrl` and the credential identity (never the secret) */
  tokenStoreKey?: string
  /**
   * Tolerance for clock skew when adopting a task after an ambiguous start: a task created up to this
   * long before our POST began still counts as ours. @default 1000
   */
  reconcileSkewMs?: number
}

/** Counters for benchmarks and health pages. */
export interface ClientStats {
  /** HTTP attempts sent, retries included. */
  requests: number
  retries: number
  retriesByReason: Record<string, number>
  readonly authenticate: number
  readonly refresh: number
}

interface Shared {
  tokens: TokenManager
  cache: TtlCache
  counters: { requests: number; retries: number; retriesByReason: Record<string, number> }
}

/** One logical request; its header attempts and any body resumes share `attempt`. */
interface Call {
  spec: RequestSpec
  options: RequestOptions
  url: string
  info: { method: string; url: string }
  idempotent: boolean
  maxRetries: number
  timeoutMs: number
  attempt: number
  replayed401: boolean
}

/** A 2xx response whose body is still on the wire (`parse: 'stream'`). */
interface OpenBody {
  response: WireResponse
  /** Aborts this attempt's request (read timeout). */
  controller: AbortController
  timedOut: boolean
  /** Content-Length when the server sent one. */
  length: string | null
  /** Detaches the caller's signal from this attempt. */
  release(): void
}

interface BodyState {
  current: OpenBody
  /** Bytes handed to the consumer, over all attempts. */
  delivered: number
  cancelled: boolean
  length: string | null
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * A typed client for the Anaplan auth service and Integration API v2.
 *
 * @example
 * const client = new AnaplanClient({ credentials: { kind: 'basic', username, password } })
 * const model = await client.model({ workspace: 'FP&A Demo', model: 'Sales Forecast' })
 * const data = await model.readView('Revenue by Region', { Products: 'Widgets' })
 * await client.close()
 */
let clients = 0

export class AnaplanClient implements Transport {
  readonly users: UsersApi
  readonly workspaces: WorkspacesApi
  readonly models: ModelsApi
  /** The token manager, shared with clients made by {@link withOptions}. */
  readonly tokens: TokenManager
  /** Auth-service calls: `validate()` the current token. */
  readonly auth: { validate(options?: RequestOptions): Promise<TokenValidation> }
  /** @internal name cache shared with derived clients */
  readonly cache: TtlCache
  readonly options: Readonly<AnaplanClientOptions>
  readonly #authUrl: string
  readonly #apiUrl: string
  readonly #wire: Wire
  readonly #logger: ClientLogger
  readonly #shared: Shared
  readonly #authApi: AuthApi
  /** Distinguishes this client's resolved scopes from those of clients sharing its cache. */
  readonly #id = ++clients

  constructor(options: AnaplanClientOptions, shared?: Shared) {
    this.options = { ...options }
    this.#authUrl = trimSlash(options.authUrl ?? 'https://auth.anaplan.com')
    this.#apiUrl = trimSlash(options.apiUrl ?? 'https://api.anaplan.com/2/0')
    checkUrl('authUrl', this.#authUrl)
    checkUrl('apiUrl', this.#apiUrl)
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new ConfigError('`fetch` must be a function')
    }
    this.#wire = options.fetch ? fetchWire(options.fetch) : defaultWire()
    this.#logger = options.logger ?? noopLogger
    this.#authApi = new AuthApi(this, {
      ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
    })
    if (shared) this.#shared = shared
    else {
      if (!options.credentials && !options.credentialsProvider) {
        throw new ConfigError('AnaplanClient needs `credentials` or `credentialsProvider`')
      }
      this.#shared = {
        tokens: this.#makeTokenManager(options),
        cache: new TtlCache(options.nameCacheTtlMs ?? 60_000, () => this.now()),
        counters: { requests: 0, retries: 0, retriesByReason: {} },
      }
    }
    this.tokens = this.#shared.tokens
    this.cache = this.#shared.cache
    this.users = new UsersResource(this)
    this.workspaces = new WorkspacesResource(this)
    this.models = new ModelsResource(this)
    this.auth = {
      validate: async (o?: RequestOptions) => this.#authApi.validate(await this.tokens.getToken(), o),
    }
  }

  #makeTokenManager(options: AnaplanClientOptions): TokenManager {
    let creds: Promise<AnaplanCredentials> | undefined
    const getCreds = (): Promise<AnaplanCredentials> => {
      if (options.credentials) return Promise.resolve(options.credentials)
      if (!creds) {
        creds = options.credentialsProvider!()
        creds.catch(() => {
          creds = undefined
        })
      }
      return creds
    }
    const kind = options.credentials?.kind
    // Tokens handed to us (kind 'token') are not ours to revoke; OAuth access tokens have no logout.
    const owned = kind !== 'token' && kind !== 'oauth'
    return new TokenManager({
      authenticate: async () => this.#authApi.authenticate(await getCreds(), { now: () => this.now() }),
      refresh: async (token): Promise<AuthTokenInfo> => {
        const c = await getCreds()
        if (c.kind === 'oauth' || c.kind === 'token')
          return this.#authApi.authenticate(c, { now: () => this.now() })
        return this.#authApi.refresh(token)
      },
      ...(owned || !kind
        ? {
            logout: async (token: string) => {
              const c = await getCreds()
              if (c.kind === 'basic' || c.kind === 'certificate') await this.#authApi.logout(token)
            },
          }
        : {}),
      now: () => this.now(),
      ...(options.eagerRefreshMs !== undefined ? { eagerRefreshMs: options.eagerRefreshMs } : {}),
      ...(options.tokenStore ? { store: options.tokenStore, storeKey: this.#storeKey(options) } : {}),
      logger: this.#logger,
    })
  }

  #storeKey(options: AnaplanClientOptions): string {
    if (options.tokenStoreKey) return options.tokenStoreKey
    const c = options.credentials
    if (!c || c.kind === 'token') {
      throw new ConfigError('tokenStore needs tokenStoreKey when credentials come from a provider')
    }
    const identity =
      c.kind === 'basic'
        ? c.username.toLowerCase()
        : c.kind === 'certificate'
          ? createHash('sha256').update(c.certificate).digest('hex').slice(0, 32)
          : `oauth:${c.clientId}`
    return `anaplan-token:${this.#authUrl}:${identity}`
  }

  /** The client's clock. */
  now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** Counters shared with derived clients. */
  get stats(): ClientStats {
    const c = this.#shared.counters
    const t = this.tokens.stats
    return {
      requests: c.requests,
      retries: c.retries,
      retriesByReason: { ...c.retriesByReason },
      authenticate: t.authenticate,
      refresh: t.refresh,
    }
  }

  /** A client with some options changed that shares this one's token manager, name cache and stats. */
  withOptions(
    partial: Partial<Omit<AnaplanClientOptions, 'credentials' | 'credentialsProvider'>>,
  ): AnaplanClient {
    return new AnaplanClient({ ...this.options, ...partial }, this.#shared)
  }

  /**
   * Resolves a workspace and model by name or id (searching every workspace the user sees when
   * `workspace` is omitted) and returns the operations on that model.
   * @throws {NameResolutionError} When either name is unknown or ambiguous.
   * @example const m = await client.model({ model: 'Sales Forecast' })
   */
  async model(ref: ModelRef, options?: RequestOptions): Promise<ModelScope> {
    // A chat turn resolves its model every time: the same names give the same model while the
    // cache holds the same listings.
    return this.cache.derived(`model:${this.#id}\0${ref.workspace ?? ''}\0${ref.model}`, () =>
      this.#resolve(ref, options),
    )
  }

  async #resolve(ref: ModelRef, options?: RequestOptions): Promise<ModelScope> {
    if (ref.workspace) {
      const known = await this.#fromTenantListing(ref.workspace, ref.model)
      if (known) return known
      const workspaces = await this.cache.get('workspaces', () => this.workspaces.list(options))
      const ws = resolveName('workspace', workspaces, ref.workspace)
      const models = await this.cache.get(`models:${ws.id}`, () =>
        this.models.list({ workspaceId: ws.id }, options),
      )
      const m = resolveName('model', models, ref.model)
      return new ModelScopeImpl(this, ws.id, m.id, { workspaceName: ws.name, modelName: m.name })
    }
    const models = await this.cache.get('models:*', () => this.models.list({}, options))
    const m = resolveName('model', models, ref.model)
    return new ModelScopeImpl(this, m.currentWorkspaceId, m.id, {
      workspaceName: m.currentWorkspaceName,
      modelName: m.name,
    })
  }

  /**
   * The model from the tenant-wide model listing when it is cached (each model names its workspace),
   * so a chat that listed the models connects without listing the workspace's models again.
   */
  async #fromTenantListing(workspace: string, model: string): Promise<ModelScope | undefined> {
    const cached = this.cache.peek<Model[]>('models:*')
    if (!cached) return undefined
    const ws = normalizeName(workspace)
    const inWorkspace = (await cached.catch(() => [])).filter(
      (m) => m.currentWorkspaceId === workspace.trim() || normalizeName(m.currentWorkspaceName ?? '') === ws,
    )
    // Two workspaces of one name, or a model not listed: the full lookup decides.
    if (new Set(inWorkspace.map((m) => m.currentWorkspaceId)).size !== 1) return undefined
    let m: Model
    try {
      m = resolveName('model', inWorkspace, model)
    } catch {
      return undefined
    }
    return new ModelScopeImpl(this, m.currentWorkspaceId, m.id, {
      workspaceName: m.currentWorkspaceName,
      modelName: m.name,
    })
  }

  /** Operations on a model whose ids are known (no lookup). */
  modelById(workspaceId: string, modelId: string): ModelScope {
    return new ModelScopeImpl(this, workspaceId, modelId, {})
  }

  /** Logs out if a token is held. The client can still be used afterwards (it re-authenticates). */
  async close(): Promise<void> {
    await this.tokens.logout()
  }

  /**
   * Sends one logical request: authenticates, applies the per-attempt timeout and the deadline, and
   * retries by the policy of `core/retry.ts`. A 401 invalidates the token and replays once. With
   * `parse: 'stream'` it resolves at the headers and `data` is a {@link BodyStream}.
   * @throws {APIError} subclass per status; {@link ConnectionError}, {@link TimeoutError}, {@link AbortError}.
   */
  async request<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const method = spec.method
    const url = this.#url(spec)
    const call: Call = {
      spec,
      options,
      url,
      info: { method, url },
      idempotent: spec.idempotent ?? (method !== 'POST' && method !== 'PATCH'),
      maxRetries: options.maxRetries ?? this.options.maxRetries ?? 3,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 60_000,
      attempt: 0,
      replayed401: false,
    }
    const { response, body } = await this.#send(call)
    if (!body) return response as ApiResponse<T>
    return { ...response, data: this.#bodyStream(call, body) as T }
  }

  /** The retry loop up to a 2xx; `call` keeps the attempt count so body resumes share the budget. */
  async #send(call: Call): Promise<{ response: ApiResponse<unknown>; body?: OpenBody }> {
    const { spec, url, options } = call
    const { method } = spec
    const { deadline, signal } = options

    for (;;) {
      if (signal?.aborted) throw new AbortError('The request was aborted', { cause: signal.reason })
      let budget = call.timeoutMs
      if (deadline !== undefined) {
        const left = deadline - this.now()
        if (left <= 0)
          throw new TimeoutError(`${method} ${redactUrl(url)} passed its deadline`, call.info, 'connect')
        budget = Math.min(budget, left)
      }
      const token = spec.auth === 'none' ? undefined : await this.tokens.getToken()
      const headers = this.#headers(spec, options, token)
      this.#shared.counters.requests++
      const began = this.now()
      const result = await this.#attempt(spec, url, headers, budget, signal)
      // Redacting the URL for a line nobody reads is a measurable share of a view read's CPU.
      if (this.#logger.isLevelEnabled?.('debug') !== false)
        this.#logger.debug(
          {
            method,
            url: redactUrl(url),
            status: result.ok
              ? result.response.status
              : result.outcome.kind === 'status'
                ? result.outcome.status
                : result.outcome.kind,
            ms: this.now() - began,
            attempt: call.attempt,
          },
          'Anaplan request',
        )

      if (result.ok) return result.body ? { response: result.response, body: result.body } : result
      const { error, outcome } = result

      if (outcome.kind === 'status' && outcome.status === 401 && token !== undefined && !call.replayed401) {
        // The token died server-side (logout elsewhere, clock skew): renew and replay once.
        call.replayed401 = true
        this.tokens.invalidate(token)
        this.#logger.info({ method, url: redactUrl(url) }, 'Anaplan token rejected; re-authenticating')
        continue
      }
      const decision = shouldRetry(outcome, call.idempotent)
      if (!decision.retry || call.attempt >= call.maxRetries) throw error
      await this.#beforeRetry(call, error, decision)
    }
  }

  /** Waits out the backoff (or `Retry-After`) before the next attempt, unless it would pass the deadline. */
  async #beforeRetry(call: Call, error: AnaplanError, decision: RetryDecision): Promise<void> {
    const { deadline, signal } = call.options
    const hinted =
      error instanceof APIError ? parseRetryAfter(error.headers.get('retry-after'), this.now()) : undefined
    const delay = hinted ?? backoff(call.attempt, decision.policy, this.options.random)
    if (deadline !== undefined && this.now() + delay >= deadline) {
      if (error instanceof RateLimitError) error.retryAfterMs = delay
      throw error
    }
    const reason = decision.reason ?? 'unknown'
    const c = this.#shared.counters
    c.retries++
    c.retriesByReason[reason] = (c.retriesByReason[reason] ?? 0) + 1
    this.#logger.info(
      {
        method: call.spec.method,
        url: redactUrl(call.url),
        attempt: call.attempt + 1,
        reason,
        delayMs: delay,
      },
      'retrying Anaplan request',
    )
    try {
      await (this.options.sleep ?? defaultSleep)(delay, signal)
    } catch (e) {
      throw e instanceof AnaplanError ? e : new AbortError('The request was aborted', { cause: e })
    }
    call.attempt++
  }

  async #attempt(
    spec: RequestSpec,
    url: string,
    headers: Record<string, string>,
    budget: number,
    signal: AbortSignal | undefined,
  ): Promise<
    | { ok: true; response: ApiResponse<unknown>; body?: OpenBody }
    | { ok: false; error: AnaplanError; outcome: AttemptOutcome }
  > {
    const info = { method: spec.method, url }
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, budget)
    const onAbort = () => controller.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    // A streamed body keeps the caller's signal wired to this attempt until the body is released.
    let open: OpenBody | undefined
    try {
      let res: WireResponse
      try {
        res = await this.#wire({
          method: spec.method,
          url,
          headers,
          signal: controller.signal,
          ...requestBody(spec),
        })
      } catch (cause) {
        return this.#failure(cause, info, timedOut, signal, 'send')
      }
      try {
        if (res.status >= 200 && res.status < 300) {
          const response = { status: res.status, headers: res.headers, data: undefined as unknown }
          if (spec.parse === 'stream') {
            // From here the per-read timer of #read applies: a consumer that is slow to pull is not
            // a server that is slow to send.
            clearTimeout(timer)
            open = {
              response: res,
              controller,
              timedOut: false,
              length: res.headers.get('content-length'),
              release: () => signal?.removeEventListener('abort', onAbort),
            }
            return { ok: true, response, body: open }
          }
          response.data = await this.#parse(res, spec.parse ?? 'json', info)
          return { ok: true, response }
        }
        const text = await res.text()
        const error =
          res.status >= 300 && res.status < 400
            ? redirectError(res, parseMaybeJson(text), info)
            : APIError.fromResponse(res, parseMaybeJson(text), info)
        return { ok: false, error, outcome: { kind: 'status', status: res.status } }
      } catch (cause) {
        if (cause instanceof ProtocolError) return { ok: false, error: cause, outcome: { kind: 'unknown' } }
        return this.#failure(cause, info, timedOut, signal, 'body')
      }
    } finally {
      if (!open) {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
    }
  }

  /**
   * Wraps a streamed 2xx body. A body that fails midway (reset, read timeout) counts as one more
   * attempt of the same call: when the policy allows, the request is re-sent and the bytes already
   * delivered are skipped, so the consumer never sees a byte twice.
   */
  #bodyStream(call: Call, first: OpenBody): BodyStream {
    const state: BodyState = { current: first, delivered: 0, cancelled: false, length: first.length }
    let pieces: AsyncGenerator<Uint8Array> | undefined
    return {
      [Symbol.asyncIterator]: () => {
        pieces ??= this.#pieces(call, state)
        return pieces
      },
      cancel: async () => {
        state.cancelled = true
        await releaseBody(state.current)
        await pieces?.return(undefined)
      },
    }
  }

  async *#pieces(call: Call, state: BodyState): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        let skip = state.delivered
        try {
          for (;;) {
            const { done, value } = await this.#read(call, state.current)
            if (done) {
              if (skip > 0 && !state.cancelled) {
                throw new ProtocolError(
                  `${call.spec.method} ${redactUrl(call.url)} answered a resumed read with fewer bytes than before`,
                )
              }
              return
            }
            let piece = value
            if (skip > 0) {
              if (piece.byteLength <= skip) {
                skip -= piece.byteLength
                continue
              }
              piece = piece.subarray(skip)
              skip = 0
            }
            state.delivered += piece.byteLength
            yield piece
          }
        } catch (cause) {
          if (cause instanceof AnaplanError) throw cause
          const failed = this.#failure(cause, call.info, state.current.timedOut, call.options.signal, 'body')
          await releaseBody(state.current)
          const decision = shouldRetry(failed.outcome, call.idempotent)
          if (state.cancelled || !decision.retry || call.attempt >= call.maxRetries) throw failed.error
          await this.#beforeRetry(call, failed.error, decision)
          const again = await this.#send(call)
          if (!again.body) throw new ProtocolError('A resumed stream request returned no body')
          state.current = again.body
          // Skipping delivered bytes is only sound when the resource did not change in between.
          const was = state.length
          const is = again.body.length
          if (was !== null && is !== null && was !== is) {
            throw new ProtocolError(
              `${call.spec.method} ${redactUrl(call.url)} changed length between attempts (${was} → ${is} bytes)`,
            )
          }
        }
      }
    } finally {
      await releaseBody(state.current)
    }
  }

  /** One read of a streamed body, bounded by the per-attempt timeout and the deadline. */
  async #read(call: Call, body: OpenBody): Promise<WireReadResult> {
    const { deadline } = call.options
    const ms = deadline === undefined ? call.timeoutMs : Math.min(call.timeoutMs, deadline - this.now())
    const timer = setTimeout(
      () => {
        body.timedOut = true
        body.controller.abort()
      },
      Math.max(0, ms),
    )
    try {
      return await body.response.read()
    } finally {
      clearTimeout(timer)
    }
  }

  #failure(
    cause: unknown,
    info: { method: string; url: string },
    timedOut: boolean,
    signal: AbortSignal | undefined,
    stage: 'send' | 'body',
  ): { ok: false; error: AnaplanError; outcome: AttemptOutcome } {
    if (signal?.aborted) {
      throw new AbortError('The request was aborted', { cause: signal.reason })
    }
    const where = `${info.method} ${redactUrl(info.url)}`
    if (timedOut) {
      return {
        ok: false,
        error: new TimeoutError(`${where} timed out`, info, 'response', { cause }),
        outcome: { kind: 'timeout' },
      }
    }
    const code = errorCode(cause)
    if (stage === 'send' && code && CONNECT_CODES.has(code)) {
      return {
        ok: false,
        error: new ConnectionError(`${where} could not connect (${code})`, info, 'connect', { cause }),
        outcome: { kind: 'connect' },
      }
    }
    if (cause instanceof TypeError || code) {
      return {
        ok: false,
        error: new ConnectionError(
          `${where} lost its connection${code ? ` (${code})` : ''}`,
          info,
          'response',
          {
            cause,
          },
        ),
        outcome: { kind: 'reset' },
      }
    }
    return {
      ok: false,
      error: new ConnectionError(`${where} failed unexpectedly`, info, 'response', { cause }),
      outcome: { kind: 'unknown' },
    }
  }

  async #parse(
    res: WireResponse,
    parse: NonNullable<RequestSpec['parse']>,
    info: { method: string; url: string },
  ) {
    if (parse === 'none') {
      await res.cancel()
      return undefined
    }
    if (parse === 'bytes') return await res.bytes()
    const text = await res.text()
    if (parse === 'text') return text
    if (text.trim() === '') return undefined
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new ProtocolError(
        `${info.method} ${redactUrl(info.url)} returned ${res.status} with a body that is not JSON`,
      )
    }
  }

  #url(spec: RequestSpec): string {
    if (spec.url) return appendQuery(spec.url, spec.query)
    const base = spec.service === 'auth' ? this.#authUrl : this.#apiUrl
    return appendQuery(base + spec.path, spec.query)
  }

  #headers(spec: RequestSpec, options: RequestOptions, token: string | undefined): Record<string, string> {
    const h: Record<string, string> = {
      accept: spec.accept ?? 'application/json',
      'user-agent': this.options.userAgent ?? 'anaplan-chat-bot-client/0.1',
    }
    if (spec.body !== undefined) h['content-type'] = 'application/json'
    if (spec.contentType) h['content-type'] = spec.contentType
    if (token !== undefined) h.authorization = `AnaplanAuthToken ${token}`
    Object.assign(h, options.headers, spec.headers)
    return h
  }
}

/** Detaches the signal and cancels the body (idempotent). */
async function releaseBody(body: OpenBody): Promise<void> {
  body.release()
  await body.response.cancel()
}

/**
 * A 3xx answer. Anaplan's APIs do not redirect, so one means a base URL that is not the service's
 * (`http://` for `https://`, an old host) or a proxy in the way; following it could resend a
 * credential or a write somewhere else, so the client says where it was sent instead.
 */
function redirectError(res: WireResponse, body: unknown, info: { method: string; url: string }): APIError {
  const location = res.headers.get('location')
  let target = ''
  try {
    if (location) target = ` to ${redactUrl(new URL(location, info.url).href)}`
  } catch {
    // An unparsable Location: say only that it redirected.
  }
  return new APIError(
    res.status,
    res.headers,
    body,
    info,
    `${info.method} ${redactUrl(info.url)} was redirected (${res.status})${target}; the client does not follow redirects: check authUrl/apiUrl`,
  )
}

let sharedNodeWire: Wire | undefined
function defaultWire(): Wire {
  sharedNodeWire ??= nodeWire()
  return sharedNodeWire
}

/** The body of a request as the wire sends it. */
function requestBody(spec: RequestSpec): { body?: string | Uint8Array } {
  if (spec.body !== undefined) return { body: JSON.stringify(spec.body) }
  return spec.rawBody === undefined ? {} : { body: spec.rawBody }
}

function appendQuery(url: string, query: RequestSpec['query']): string {
  if (!query) return url
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v))
  const qs = params.toString()
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url
}

function parseMaybeJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, i = 0; cur && i < 4; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === 'string') return code
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '')
}

function checkUrl(name: string, value: string): void {
  try {
    const u = new URL(value)
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol')
  } catch {
    throw new ConfigError(`${name} is not an http(s) URL: ${redactUrl(value)}`)
  }
}
