/**
 * One Anaplan token per credential, renewed before it dies (HOUSE-STYLE §9.6).
 *
 * Two thresholds: inside the eager window the current token is handed out while a refresh runs in
 * the background; inside the safety margin callers wait for the renewal. Exactly one authenticate or
 * refresh is in flight at a time and every caller awaits it. A 401 from the API invalidates the token
 * it was sent with, so many concurrent 401s on one stale token cause a single re-authentication.
 */
import type { AuthTokenInfo } from '../api.ts'
import { AuthenticationError } from '../errors.ts'

/** Minimal structured logger (pino-compatible: `(fields, message)`). */
export interface ClientLogger {
  debug(fields: object, message?: string): void
  info(fields: object, message?: string): void
  warn(fields: object, message?: string): void
  error(fields: object, message?: string): void
  /** When present and false for `debug`, the client skips building its per-request debug line (pino has it). */
  isLevelEnabled?(level: string): boolean
}

export const noopLogger: ClientLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  isLevelEnabled: () => false,
}

/**
 * Where tokens are shared between instances (e.g. Redis for several function instances). Values are
 * live tokens: implementations must keep them out of logs and expire them at `expiresAt`.
 */
export interface TokenStore {
  get(key: string): Promise<{ value: string; expiresAt: number } | null>
  set(key: string, token: { value: string; expiresAt: number }): Promise<void>
  delete(key: string): Promise<void>
}

export interface TokenManagerOptions {
  /** Shared token cache; the manager still keeps its own copy. @default none (per process) */
  store?: TokenStore
  /** Key of this credential in `store` (never the secret itself). */
  storeKey?: string
  /** Obtains a new token (basic, certificate, OAuth refresh grant...). */
  authenticate: () => Promise<AuthTokenInfo>
  /** Extends a token (`POST /token/refresh`); absent means "authenticate again". */
  refresh?: (token: string) => Promise<AuthTokenInfo>
  /** Revokes a token (`POST /token/logout`); absent for tokens we do not own. */
  logout?: (token: string) => Promise<void>
  /** @default Date.now */
  now?: () => number
  /** Refresh in the background this long before expiry (at most half the token's lifetime). @default 300000 */
  eagerRefreshMs?: number
  /** Block and renew this long before expiry (at most a tenth of the lifetime). @default 30000 */
  safetyMs?: number
  logger?: ClientLogger
}

interface HeldToken {
  value: string
  expiresAt: number
  obtainedAt: number
}

/** Hands out a valid token; see the module comment for the renewal rules. */
export class TokenManager {
  readonly #opts: TokenManagerOptions
  #token: HeldToken | null = null
  #inflight: Promise<string> | null = null
  #generation = 0
  /** Counts of auth-service calls made by this manager. */
  readonly stats = { authenticate: 0, refresh: 0, logout: 0 }

  constructor(options: TokenManagerOptions) {
    this.#opts = options
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)()
  }

  /** A token valid for at least the safety margin. */
  async getToken(): Promise<string> {
    const t = this.#token
    if (!t) return this.#singleFlight(true)
    const now = this.#now()
    const lifetime = Math.max(0, t.expiresAt - t.obtainedAt)
    const safety = Math.min(this.#opts.safetyMs ?? 30_000, lifetime * 0.1)
    const eager = Math.min(this.#opts.eagerRefreshMs ?? 300_000, lifetime * 0.5)
    if (now >= t.expiresAt - safety) return this.#singleFlight()
    if (now >= t.expiresAt - eager) {
      // A background failure is only logged: the next hard-expiry call surfaces it.
      this.#singleFlight().catch((error: unknown) =>
        (this.#opts.logger ?? noopLogger).warn({ err: errorName(error) }, 'background token refresh failed'),
      )
    }
    return t.value
  }

  /** Expiry of the held token (epoch ms), or null when none is held. */
  current(): { expiresAt: number } | null {
    return this.#token ? { expiresAt: this.#token.expiresAt } : null
  }

  /**
   * Drops the held token after the API rejected it with 401. When `rejected` is given and a newer
   * token is already held (another caller renewed it), nothing happens.
   */
  invalidate(rejected?: string): void {
    if (rejected !== undefined && this.#token && this.#token.value !== rejected) return
    if (rejected !== undefined && !this.#token && this.#inflight !== null) return
    this.#generation++
    this.#token = null
    this.#inflight = null
    this.#storeDelete(rejected)
  }

  #storeDelete(value: string | undefined): void {
    const { store, storeKey } = this.#opts
    if (!store || !storeKey) return
    // Only drop the shared entry if it still holds the token we know to be dead.
    store
      .get(storeKey)
      .then((shared) =>
        shared && (value === undefined || shared.value === value) ? store.delete(storeKey) : undefined,
      )
      .catch((error: unknown) =>
        (this.#opts.logger ?? noopLogger).warn({ err: errorName(error) }, 'token store delete failed'),
      )
  }

  /**
   * Revokes the held token (if this manager owns it) and forgets it. Never throws. With a shared
   * `store` the token is only forgotten: other instances are still using it.
   */
  async logout(): Promise<void> {
    const t = this.#token
    this.#generation++
    this.#token = null
    this.#inflight = null
    if (this.#opts.store) return
    if (!t || !this.#opts.logout || t.expiresAt <= this.#now()) return
    try {
      this.stats.logout++
      await this.#opts.logout(t.value)
    } catch (error) {
      ;(this.#opts.logger ?? noopLogger).warn({ err: errorName(error) }, 'token logout failed')
    }
  }

  #singleFlight(fromStore = false): Promise<string> {
    if (this.#inflight !== null) return this.#inflight
    const gen = this.#generation
    const p: Promise<string> = (fromStore ? this.#fromStore(gen) : this.#renew(gen)).finally(() => {
      if (this.#inflight === p) this.#inflight = null
    })
    this.#inflight = p
    return p
  }

  /** Adopts a token another instance stored, if it has more than a safety margin left. */
  async #fromStore(gen: number): Promise<string> {
    const { store, storeKey } = this.#opts
    if (store && storeKey) {
      try {
        const shared = await store.get(storeKey)
        if (shared && shared.expiresAt - this.#now() > (this.#opts.safetyMs ?? 30_000)) {
          if (gen === this.#generation) this.#token = { ...shared, obtainedAt: this.#now() }
          return shared.value
        }
      } catch (error) {
        ;(this.#opts.logger ?? noopLogger).warn({ err: errorName(error) }, 'token store read failed')
      }
    }
    return this.#renew(gen)
  }

  async #renew(gen: number): Promise<string> {
    const held = this.#token
    let info: AuthTokenInfo
    const refresh = this.#opts.refresh
    if (held && refresh && held.expiresAt > this.#now()) {
      try {
        this.stats.refresh++
        info = await refresh(held.value)
      } catch (error) {
        // The token died server-side (logout elsewhere, revocation): start over.
        if (!(error instanceof AuthenticationError)) throw error
        this.stats.authenticate++
        info = await this.#opts.authenticate()
      }
    } else {
      this.stats.authenticate++
      info = await this.#opts.authenticate()
    }
    if (gen === this.#generation) {
      this.#token = { value: info.tokenValue, expiresAt: info.expiresAt, obtainedAt: this.#now() }
      const { store, storeKey } = this.#opts
      if (store && storeKey) {
        await store
          .set(storeKey, { value: info.tokenValue, expiresAt: info.expiresAt })
          .catch((error: unknown) =>
            (this.#opts.logger ?? noopLogger).warn({ err: errorName(error) }, 'token store write failed'),
          )
      }
    }
    return info.tokenValue
  }
}

function errorName(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error'
}
