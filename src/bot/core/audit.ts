/**
 * The audit trail: one record per change (write, action, list change) and per refusal. Records
 * hold names and values the user typed, never credentials.
 *
 * A change whose answer was lost (Anaplan may or may not have applied it) is recorded `unknown`,
 * never `failed`; once the bot learns the outcome (it reads the cell back, looks the task up, or
 * finds a task finished after a restart) it records a second entry with `reconciled: true` and
 * the real result.
 */
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Identity } from './types.ts'

export interface AuditEntry {
  /** ISO timestamp. */
  ts: string
  identity: Identity
  sessionId: string
  /** Model name, when one was involved. */
  model?: string
  /** What was attempted: `write_cell`, `run_action`, `add_list_item`, `read_cell`... */
  action: string
  details: Record<string, unknown>
  result: AuditResult
  /** Error code or class name and a short text, for `failed`, `refused` and `unknown`. */
  error?: string
  /** This entry settles an earlier `unknown` (or unwatched) entry of the same change. */
  reconciled?: true
}

export type AuditResult = 'ok' | 'refused' | 'failed' | 'cancelled' | 'unknown'

export interface AuditSink {
  write(entry: AuditEntry): Promise<void>
  close?(): Promise<void>
}

/** Keeps entries in memory: tests, and a default that loses nothing within a process. */
export class MemoryAuditSink implements AuditSink {
  readonly entries: AuditEntry[] = []
  async write(entry: AuditEntry): Promise<void> {
    this.entries.push(structuredClone(entry))
  }
}

/** Appends one JSON line per entry to a file (JSONL), creating its folder when needed. */
export class JsonlFileAuditSink implements AuditSink {
  readonly path: string
  #chain: Promise<void> = Promise.resolve()
  #dirReady = false

  constructor(path: string) {
    this.path = path
  }

  write(entry: AuditEntry): Promise<void> {
    // Appends are serialised so concurrent turns never interleave partial lines.
    const next = this.#chain.then(async () => {
      if (!this.#dirReady) {
        await mkdir(dirname(this.path), { recursive: true })
        this.#dirReady = true
      }
      await appendFile(this.path, `${JSON.stringify(entry)}\n`, 'utf8')
    })
    this.#chain = next.catch(() => {})
    return next
  }

  async close(): Promise<void> {
    await this.#chain
  }
}
