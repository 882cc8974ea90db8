/**
 * Everything a running simulator holds: the tenant loaded from the model file, tokens, users' files,
 * tasks, dumps, read requests, faults and counters. `reset()` swaps in a fresh world.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Logger, silentLogger } from '../../shared/logger.ts'
import type { LoadTenant, ModelEngine, SimUser, Tenant } from '../engine/contract.ts'
import { createExecutor } from './bulk-runner.ts'
import { FaultTable } from './faults.ts'
import { FileStore } from './file-store.ts'
import { emptyStats, type SimStats } from './stats.ts'
import { TaskQueue } from './task-queue.ts'
import { TokenStore } from './token-store.ts'

/** Options of an in-process simulator (the `anaplan-sim` flags map onto these). */
export interface SimulatorOptions {
  /** Token lifetime in seconds. @default 2100 (35 minutes, as Anaplan) */
  tokenTtlSeconds?: number
  /** How long each action of a task takes, in ms. @default 1000 */
  taskMs?: number
  /** Latency added to every request, in ms. @default 0 */
  latencyMs?: number
  /** A model file (YAML or JSON) to use instead of the demo model. */
  modelFile?: string | undefined
  /** Model file text, as an alternative to `modelFile`. */
  modelText?: string
  /** Extra CA certificates to register for users at start. */
  certificates?: { email: string; certificatePem: string }[]
  /**
   * How long a non-exempt model request waits for a running task before answering 409
   * (reference §8.2). @default 30000
   */
  busyWaitMs?: number
  /** Rows per page of a view or list read request. @default 1000 */
  readRequestPageRows?: number
  /**
   * Most cells one plain view read (`GET …/views/{id}/data`, per page selection) returns before
   * Anaplan's 400 that sends callers to read requests. Lower it in tests to exercise that path
   * without a million-cell model. @default 1000000
   */
  maxViewCells?: number
  /** Most items one plain list-items GET returns before the 400. @default 1000000 */
  maxListItems?: number
  /** Where per-user file content is kept; a fresh temp dir by default. */
  dataDir?: string
  /** Clock in epoch ms (token expiry, timestamps, cert v2 window). @default Date.now */
  now?: () => number
  /** The engine's loader; defaults to `loadTenant` of `src/simulator/engine`. */
  loadTenant?: LoadTenant
  /** Where unexpected (500) errors are logged. @default silentLogger */
  logger?: Logger
}

/** A failing import's dump, kept for the user's latest failing task only (reference §5.6). */
export interface DumpRecord {
  taskId: string
  content: string
}

/** An asynchronous view or list read (reference §6.2, §6.3). */
export interface ReadRequestRecord {
  requestId: string
  kind: 'view' | 'list'
  /** The view id or the list id. */
  objectId: string
  modelId: string
  workspaceId: string
  userId: string
  exportType: string
  state: 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETE' | 'CANCELLED'
  successful: boolean
  readyAt: number
  /** The pages, held when the view is small enough (a snapshot, as Anaplan's are)… */
  pages?: string[]
  /** …or, past the plain-read limit, computed one page at a time when fetched. */
  pager?: { count: number; page(index: number): string }
  error?: string
}

/** One generation of simulator state; `reset()` replaces it whole. */
export class World {
  readonly tokens: TokenStore
  readonly files: FileStore
  readonly tasks: TaskQueue
  readonly dumps = new Map<string, DumpRecord>()
  readonly readRequests = new Map<string, ReadRequestRecord>()
  /** Optimizer solver logs by `modelId|actionId|taskId` (the task that ran the action). */
  readonly solutionLogs = new Map<string, string>()
  readonly stats: SimStats = emptyStats()
  /** Models closed by `POST …/close`; any later data access opens them again. */
  readonly closedModels = new Set<string>()
  /** Private files created by `POST …/files/{unknownId}`: model id → file records. */
  readonly privateFiles = new Map<string, { id: string; name: string; ownerId: string }[]>()
  privateFileSeq = 0

  constructor(
    readonly tenant: Tenant,
    readonly options: ResolvedOptions,
    readonly dir: string,
  ) {
    this.tokens = new TokenStore(options.tokenTtlSeconds * 1000, options.now)
    this.files = new FileStore(dir)
    this.tasks = new TaskQueue(createExecutor(this), options.now)
  }

  model(modelId: string): ModelEngine | undefined {
    return this.tenant.models.find((m) => m.info.id === modelId)
  }

  user(userId: string): SimUser | undefined {
    return this.tenant.users.find((u) => u.id === userId)
  }

  dumpKey(modelId: string, userId: string, objectId: string): string {
    return `${modelId}:${userId}:${objectId}`
  }
}

export type ResolvedOptions = Required<
  Pick<
    SimulatorOptions,
    | 'tokenTtlSeconds'
    | 'taskMs'
    | 'latencyMs'
    | 'busyWaitMs'
    | 'readRequestPageRows'
    | 'maxViewCells'
    | 'maxListItems'
    | 'now'
    | 'logger'
  >
> &
  SimulatorOptions

/** The simulator's mutable state across resets. */
export class SimState {
  readonly options: ResolvedOptions
  readonly faults = new FaultTable()
  readonly dataDir: string
  readonly #ownsDataDir: boolean
  #world: World
  #generation = 0

  constructor(options: SimulatorOptions, loadTenant: LoadTenant) {
    this.options = {
      tokenTtlSeconds: 2100,
      taskMs: 1000,
      latencyMs: 0,
      busyWaitMs: 30_000,
      readRequestPageRows: 1000,
      maxViewCells: 1_000_000,
      maxListItems: 1_000_000,
      now: Date.now,
      logger: silentLogger,
      ...stripUndefined(options),
    }
    this.#ownsDataDir = options.dataDir === undefined
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'anaplan-sim-'))
    this.#load = () => {
      const source = options.modelText
        ? { text: options.modelText }
        : options.modelFile
          ? { file: options.modelFile }
          : undefined
      const tenant = loadTenant(source)
      for (const cert of options.certificates ?? []) {
        const user = tenant.users.find((u) => u.email.toLowerCase() === cert.email.toLowerCase())
        if (!user) throw new Error(`Certificate for unknown user ${cert.email}`)
        user.certificates.push(cert.certificatePem)
      }
      return tenant
    }
    this.#world = this.#newWorld()
  }

  readonly #load: () => Tenant

  #newWorld(): World {
    const dir = join(this.dataDir, `w${++this.#generation}`)
    return new World(this.#load(), this.options, dir)
  }

  get world(): World {
    return this.#world
  }

  /** Demo model, files, tasks, tokens, faults and counters back to the initial state. */
  async reset(): Promise<void> {
    const old = this.#world
    this.#world = this.#newWorld()
    this.faults.clear()
    old.tasks.dispose()
    await rm(old.dir, { recursive: true, force: true })
  }

  /** Stops tasks and removes the data directory when the simulator created it. */
  dispose(): void {
    this.#world.tasks.dispose()
    if (this.#ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true })
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
