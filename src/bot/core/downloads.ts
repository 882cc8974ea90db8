/**
 * Files the bot hands to users (export results). Stored on disk under unguessable ids that expire;
 * the server serves them at `GET /downloads/:id` and the core links them as `/downloads/<id>`.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export interface StoredDownload {
  id: string
  name: string
  size: number
}

export interface OpenedDownload {
  name: string
  size: number
  /** The bytes; a web stream so Hono can return it as a `Response` body. */
  stream: ReadableStream<Uint8Array>
}

export interface DownloadStore {
  put(name: string, content: AsyncIterable<Uint8Array | string>): Promise<StoredDownload>
  /** `undefined` for unknown, malformed or expired ids. */
  open(id: string): Promise<OpenedDownload | undefined>
}

/** @default 1 h */
export const DEFAULT_DOWNLOAD_TTL_MS = 60 * 60_000

const ID_RE = /^[A-Za-z0-9_-]{32}$/

/** Builds the relative URL the web chat, Slack and Dialogflow messages link to. */
export function downloadUrl(id: string): string {
  return `/downloads/${id}`
}

/** A disk-backed {@link DownloadStore}; ids are 24 random bytes, base64url. */
export class DiskDownloadStore implements DownloadStore {
  readonly #dir: Promise<string>
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(options: { dir?: string; ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_DOWNLOAD_TTL_MS
    this.#now = options.now ?? Date.now
    const dir = options.dir
    this.#dir = dir
      ? mkdir(dir, { recursive: true }).then(() => dir)
      : mkdtemp(join(tmpdir(), 'anaplan-bot-downloads-'))
  }

  async put(name: string, content: AsyncIterable<Uint8Array | string>): Promise<StoredDownload> {
    const dir = await this.#dir
    await this.#sweep(dir)
    const id = randomBytes(24).toString('base64url')
    const file = join(dir, `${id}.bin`)
    await pipeline(Readable.from(content), createWriteStream(file))
    const { size } = await stat(file)
    const safeName = name.replace(/[/\\\r\n"]/g, '_')
    await writeFile(
      join(dir, `${id}.json`),
      JSON.stringify({ name: safeName, size, expiresAt: this.#now() + this.#ttlMs }),
    )
    return { id, name: safeName, size }
  }

  async open(id: string): Promise<OpenedDownload | undefined> {
    // The id becomes a file name: anything but our own alphabet is refused before touching disk.
    if (!ID_RE.test(id)) return undefined
    const dir = await this.#dir
    const meta = await readMeta(join(dir, `${id}.json`))
    if (!meta) return undefined
    if (meta.expiresAt <= this.#now()) {
      await this.#remove(dir, id)
      return undefined
    }
    const stream = Readable.toWeb(createReadStream(join(dir, `${id}.bin`))) as ReadableStream<Uint8Array>
    return { name: meta.name, size: meta.size, stream }
  }

  async #sweep(dir: string): Promise<void> {
    const now = this.#now()
    for (const f of await readdir(dir)) {
      if (!f.endsWith('.json')) continue
      const id = f.slice(0, -5)
      const meta = await readMeta(join(dir, f))
      if (meta && meta.expiresAt <= now) await this.#remove(dir, id)
    }
  }

  async #remove(dir: string, id: string): Promise<void> {
    await rm(join(dir, `${id}.bin`), { force: true })
    await rm(join(dir, `${id}.json`), { force: true })
  }
}

async function readMeta(
  path: string,
): Promise<{ name: string; size: number; expiresAt: number } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as { name: string; size: number; expiresAt: number }
  } catch {
    return undefined
  }
}
