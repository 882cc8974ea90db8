/**
 * Conversation state and where it is kept. The store is an interface (after bolt's
 * `ConversationStore`): memory by default, Redis for several instances (`src/bot/stores/redis.ts`).
 * Updates are optimistic: every stored value has a version, and `set` with `ifVersion` fails when
 * another instance wrote in between, so a pending confirmation is never silently lost.
 */
import type { Question } from '../query/question.ts'
import type { ChoiceOption } from './choices.ts'
import type { Identity, Message } from './types.ts'

/** A write, action or list change waiting for the user's yes or no. */
export interface PendingConfirmation {
  id: string
  intent: string
  parameters: Record<string, unknown>
  /** What the user was asked to confirm, in words. */
  summary: string
  /** Model the change targets (name). */
  model: string
  /** Its id, when known: the policy is checked again against it when the yes arrives. */
  modelId?: string
  createdAt: number
  expiresAt: number
}

/** A question the bot asked (which view, which page item, which model...) awaiting a choice. */
export interface PendingQuestion {
  intent: string
  parameters: Record<string, unknown>
  /** Parameter the answer fills. */
  slot: string
  options: { label: string; value: string }[]
}

/** A long task started from this session and still being watched. */
export interface TrackedTask {
  taskId: string
  actionType: 'import' | 'export' | 'process' | 'action'
  actionId: string
  actionName: string
  workspaceId: string
  modelId: string
  modelName: string
  startedAt: number
  /** `running` until the bot has seen the task end (and recorded that end in the audit trail). */
  state: 'running' | 'done' | 'failed' | 'cancelled'
  /** Who started it: the end is audited for them, and reconciled with their Anaplan client. */
  identity?: Identity
}

/**
 * The last question answered: what a follow-up ("and Q2?", "break that down by product") edits.
 * `view`/`pages` say which view was on screen then; a different view on screen is the newer focus.
 */
export interface Focus {
  question: Question
  /** The question answered before it, for "the gap between those two". */
  prior?: Question
  at: number
  view?: string
  pages?: Record<string, string>
}

/** Everything the bot remembers about one conversation. Plain JSON: it is stored as such. */
export interface SessionState {
  connected?: { workspaceId: string; workspaceName: string; modelId: string; modelName: string }
  view?: { name: string; pages: Record<string, string> }
  pending?: PendingConfirmation
  question?: PendingQuestion
  focus?: Focus
  /** The options of the last reply's choices, so a typed label or number answers them. */
  offered?: ChoiceOption[]
  tasks: TrackedTask[]
  /** Follow-up messages no push channel delivered yet (drained by `drainPending` or the next reply). */
  outbox: Message[]
  updatedAt: number
}

export function emptySession(now: number): SessionState {
  return { tasks: [], outbox: [], updatedAt: now }
}

/** A stored value and its version (0 = absent). */
export interface Versioned<T> {
  value: T
  version: number
  /**
   * The JSON the value was read from, when the store keeps it so: the core then works out what a
   * turn started from only when a concurrent write makes it merge, instead of on every turn.
   */
  json?: string
}

export interface SessionSetOptions {
  /** Time to live in ms. @default the store's default */
  ttlMs?: number
  /** Write only when the stored version still equals this (0 = must not exist). */
  ifVersion?: number
}

/** Where sessions live. Implementations must make `set` with `ifVersion` atomic. */
export interface SessionStore {
  /**
   * The stored value and its version. The value must be the caller's own copy (as a JSON or
   * Redis read gives): the bot changes it in place during a turn.
   */
  get(sessionId: string): Promise<Versioned<SessionState> | undefined>
  /** Returns the new version, or `false` when `ifVersion` did not match. */
  set(sessionId: string, value: SessionState, options?: SessionSetOptions): Promise<number | false>
  delete(sessionId: string): Promise<void>
  /**
   * Every live session (for reconciling open tasks when the bot starts). Optional: a store that
   * cannot list its sessions just skips that reconciliation.
   */
  entries?(): AsyncIterable<[string, Versioned<SessionState>]>
  close?(): Promise<void>
}

/** @default 24 h: long enough for a task to finish while the user is away. */
export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60_000

let warned = false

/** @default 60 s: how often the memory store drops expired sessions (on the next write). */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000

/**
 * In-process store: fine for one instance and tests. Several instances behind a load balancer each
 * get their own memory, so it warns once; use `RedisSessionStore` there. Expired sessions are
 * swept on writes at most once per `sweepIntervalMs`, so memory stays bounded by the sessions
 * alive within one TTL, however many session ids clients invent.
 */
export class MemorySessionStore implements SessionStore {
  readonly #map = new Map<string, { json: string; version: number; expiresAt: number }>()
  readonly #now: () => number
  readonly #ttlMs: number
  readonly #sweepIntervalMs: number
  #lastSweep: number

  constructor(
    options: {
      now?: () => number
      ttlMs?: number
      sweepIntervalMs?: number
      warn?: (msg: string) => void
    } = {},
  ) {
    this.#now = options.now ?? Date.now
    this.#ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS
    this.#sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS
    this.#lastSweep = this.#now()
    if (!warned && options.warn) {
      warned = true
      options.warn(
        'MemorySessionStore keeps sessions in this process only; use a shared store (Redis) when running more than one instance',
      )
    }
  }

  async get(sessionId: string): Promise<Versioned<SessionState> | undefined> {
    const e = this.#live(sessionId)
    // A copy, so callers cannot mutate what is stored (Redis would not let them either).
    return e ? { value: JSON.parse(e.json) as SessionState, version: e.version, json: e.json } : undefined
  }

  async set(
    sessionId: string,
    value: SessionState,
    options: SessionSetOptions = {},
  ): Promise<number | false> {
    this.#sweep()
    const cur = this.#live(sessionId)
    const curVersion = cur?.version ?? 0
    if (options.ifVersion !== undefined && options.ifVersion !== curVersion) return false
    const version = curVersion + 1
    this.#map.set(sessionId, {
      json: JSON.stringify(value),
      version,
      expiresAt: this.#now() + (options.ttlMs ?? this.#ttlMs),
    })
    return version
  }

  async delete(sessionId: string): Promise<void> {
    this.#map.delete(sessionId)
  }

  async *entries(): AsyncIterable<[string, Versioned<SessionState>]> {
    for (const id of [...this.#map.keys()]) {
      const e = this.#live(id)
      if (e) yield [id, { value: JSON.parse(e.json) as SessionState, version: e.version }]
    }
  }

  /** Sessions held, expired ones included until the next sweep (for tests and metrics). */
  get size(): number {
    return this.#map.size
  }

  #sweep(): void {
    const now = this.#now()
    if (now - this.#lastSweep < this.#sweepIntervalMs) return
    this.#lastSweep = now
    for (const [id, e] of this.#map) if (e.expiresAt <= now) this.#map.delete(id)
  }

  #live(sessionId: string) {
    const e = this.#map.get(sessionId)
    if (e && e.expiresAt <= this.#now()) {
      this.#map.delete(sessionId)
      return undefined
    }
    return e
  }
}
