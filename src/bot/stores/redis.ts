/**
 * A {@link SessionStore} in Redis (or Google Memorystore) for several bot instances. Each session
 * is one hash `{v, d}`; `set` with `ifVersion` runs as one Lua script, so a compare-and-set cannot
 * interleave with another instance's write.
 */
import { createClient } from 'redis'
import type { SessionSetOptions, SessionState, SessionStore, Versioned } from '../core/session.ts'
import { DEFAULT_SESSION_TTL_MS } from '../core/session.ts'

/** ARGV: ifVersion ('' = unconditional), json, ttlMs. Returns the new version or -1. */
const CAS_SCRIPT = `
local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return -1 end
local nv = cur + 1
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return nv
`

type Client = ReturnType<typeof createClient>

export interface RedisSessionStoreOptions {
  /** `redis://host:port` (Memorystore: its private IP). Ignored when `client` is given. */
  url?: string
  /** An existing client (connected or not); the store does not close a client it did not create. */
  client?: Client
  /** @default 'anaplan-bot:session:' */
  prefix?: string
  /** @default 24 h */
  ttlMs?: number
}

export class RedisSessionStore implements SessionStore {
  readonly #client: Client
  readonly #owned: boolean
  readonly #prefix: string
  readonly #ttlMs: number
  #ready: Promise<unknown> | undefined

  constructor(options: RedisSessionStoreOptions) {
    this.#owned = !options.client
    this.#client = options.client ?? createClient(options.url ? { url: options.url } : {})
    this.#prefix = options.prefix ?? 'anaplan-bot:session:'
    this.#ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS
    // Without a listener an 'error' event would crash the process; reconnects are automatic.
    this.#client.on('error', () => {})
  }

  async #conn(): Promise<Client> {
    if (!this.#client.isOpen) this.#ready ??= this.#client.connect()
    await this.#ready
    return this.#client
  }

  async get(sessionId: string): Promise<Versioned<SessionState> | undefined> {
    const c = await this.#conn()
    const h = await c.hGetAll(this.#prefix + sessionId)
    if (!h.d || !h.v) return undefined
    return { value: JSON.parse(h.d) as SessionState, version: Number(h.v), json: h.d }
  }

  async set(
    sessionId: string,
    value: SessionState,
    options: SessionSetOptions = {},
  ): Promise<number | false> {
    const c = await this.#conn()
    const res = await c.eval(CAS_SCRIPT, {
      keys: [this.#prefix + sessionId],
      arguments: [
        options.ifVersion === undefined ? '' : String(options.ifVersion),
        JSON.stringify(value),
        String(options.ttlMs ?? this.#ttlMs),
      ],
    })
    const n = Number(res)
    return n < 0 ? false : n
  }

  async delete(sessionId: string): Promise<void> {
    const c = await this.#conn()
    await c.del(this.#prefix + sessionId)
  }

  async *entries(): AsyncIterable<[string, Versioned<SessionState>]> {
    const c = await this.#conn()
    for await (const keys of c.scanIterator({ MATCH: `${this.#prefix}*`, COUNT: 200 })) {
      // node-redis 5 yields batches of keys; 4 yielded one key at a time.
      for (const key of Array.isArray(keys) ? keys : [keys]) {
        const id = String(key).slice(this.#prefix.length)
        const got = await this.get(id)
        if (got) yield [id, got]
      }
    }
  }

  async close(): Promise<void> {
    if (this.#owned && this.#client.isOpen) await this.#client.quit()
  }
}
