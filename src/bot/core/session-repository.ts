/**
 * Session persistence for the core: per-session locking inside this process, compare-and-set
 * against the store's version, and the merge that keeps a concurrent instance's changes when a
 * turn's save races another writer. The store itself (`session.ts`, `stores/redis.ts`) only keeps
 * versioned values.
 */
import { BotError } from './errors.ts'
import {
  DEFAULT_SESSION_TTL_MS,
  emptySession,
  type SessionState,
  type SessionStore,
  type Versioned,
} from './session.ts'

const MERGED_KEYS = ['connected', 'view', 'pending', 'question', 'offered', 'focus'] as const

/** What a turn started from, as JSON per merged key and per task: all a merge compares against. */
export interface SessionSnapshot {
  keys: Partial<Record<(typeof MERGED_KEYS)[number], string>>
  tasks: Map<string, string>
}

export class SessionRepository {
  readonly #store: SessionStore
  readonly #now: () => number
  readonly #ttlMs: number
  readonly #locks = new Map<string, Promise<void>>()

  constructor(store: SessionStore, options: { now: () => number; ttlMs?: number }) {
    this.#store = store
    this.#now = options.now
    this.#ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS
  }

  get store(): SessionStore {
    return this.#store
  }

  load(sessionId: string): Promise<Versioned<SessionState> | undefined> {
    return this.#store.get(sessionId)
  }

  /** Serialises work on one session inside this process (turns and background updates). */
  async withLock<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(sessionId) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>((r) => {
      release = r
    })
    const chained = prev.then(() => mine)
    this.#locks.set(sessionId, chained)
    await prev
    try {
      return await work()
    } finally {
      release()
      if (this.#locks.get(sessionId) === chained) this.#locks.delete(sessionId)
    }
  }

  /**
   * Read-modify-write with the store's version check; another instance writing in between makes
   * it re-read and re-apply, so neither side's change is lost.
   */
  async update(sessionId: string, mutate: (s: SessionState) => void): Promise<SessionState> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const cur = await this.#store.get(sessionId)
      const state = cur?.value ?? emptySession(this.#now())
      mutate(state)
      state.updatedAt = this.#now()
      const ok = await this.#store.set(sessionId, state, { ifVersion: cur?.version ?? 0, ttlMs: this.#ttlMs })
      if (ok !== false) return state
    }
    throw new BotError('internal', 'The session changed too often while saving; please try again.')
  }

  /**
   * Stores a turn's session. Usually nobody wrote since the turn loaded it, and the turn's state is
   * written as it is; when another instance did (the version moved), its state is re-read and only
   * what this turn changed is applied onto it.
   */
  async save(
    sessionId: string,
    loadedVersion: number,
    before: () => SessionSnapshot,
    after: SessionState,
    drained: number,
  ): Promise<void> {
    after.updatedAt = this.#now()
    const ttlMs = this.#ttlMs
    if ((await this.#store.set(sessionId, after, { ifVersion: loadedVersion, ttlMs })) !== false) return
    const started = before()
    await this.update(sessionId, (latest) => mergeSession(latest, started, after, drained))
  }
}

/**
 * What a turn started from, for {@link SessionRepository.save}, taken before the turn changes
 * `session` (the loaded value, changed in place). From the loaded JSON when the store gave it,
 * read only if a merge needs it; otherwise a snapshot now.
 */
export function startingPoint(
  loaded: Versioned<SessionState> | undefined,
  session: SessionState,
): () => SessionSnapshot {
  const json = loaded?.json
  if (json !== undefined) return () => snapshot(JSON.parse(json) as SessionState)
  const taken = snapshot(session)
  return () => taken
}

export function snapshot(s: SessionState): SessionSnapshot {
  const keys: SessionSnapshot['keys'] = {}
  for (const key of MERGED_KEYS) if (s[key] !== undefined) keys[key] = JSON.stringify(s[key])
  return { keys, tasks: new Map(s.tasks.map((t) => [t.taskId, JSON.stringify(t)])) }
}

/** Applies this turn's changes onto the latest stored state (which another instance may have changed). */
export function mergeSession(
  latest: SessionState,
  before: SessionSnapshot,
  after: SessionState,
  drained: number,
): void {
  for (const key of MERGED_KEYS) {
    if (before.keys[key] !== (after[key] === undefined ? undefined : JSON.stringify(after[key]))) {
      if (after[key] === undefined) delete latest[key]
      else (latest as unknown as Record<string, unknown>)[key] = after[key]
    }
  }
  const byId = new Map(latest.tasks.map((t) => [t.taskId, t]))
  for (const t of after.tasks) {
    if (before.tasks.get(t.taskId) !== JSON.stringify(t)) byId.set(t.taskId, t)
  }
  // Tasks this turn dropped (trimmed history) are dropped unless someone else just added them.
  const kept = new Set(after.tasks.map((t) => t.taskId))
  for (const id of before.tasks.keys()) if (!kept.has(id)) byId.delete(id)
  latest.tasks = [...byId.values()]
  latest.outbox = latest.outbox.slice(drained)
}
