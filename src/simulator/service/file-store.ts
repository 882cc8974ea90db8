/**
 * Per-user file content on disk (reference §5.4). Chunks stream straight to and from files in the
 * simulator's temp directory, so a 1 GiB upload never needs 1 GiB of heap.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'

/** Chunk size used when the simulator itself writes content (export outputs, dumps): 10 MB. */
export const OUTPUT_CHUNK_BYTES = 10 * 1024 * 1024

interface Content {
  /** Declared chunk count; -1 while a streaming upload (`chunkCount: -1`) is open. */
  declared: number
  chunks: Set<number>
  dir: string
}

/** Where a user's content lives: model, user, file. */
export interface FileKey {
  modelId: string
  userId: string
  fileId: string
}

/** A user's uploaded or generated content for model files. */
export class FileStore {
  readonly #contents = new Map<string, Content>()
  #seq = 0

  constructor(private readonly root: string) {}

  #id(key: FileKey): string {
    return `${key.modelId}/${key.userId}/${key.fileId}`
  }

  async #fresh(key: FileKey, declared: number): Promise<Content> {
    await this.delete(key)
    const dir = join(this.root, `f${++this.#seq}`)
    await mkdir(dir, { recursive: true })
    const content: Content = { declared, chunks: new Set(), dir }
    this.#contents.set(this.#id(key), content)
    return content
  }

  /** Starts new content for the user (`POST …/files/{id} {chunkCount}`), dropping the old. */
  async begin(key: FileKey, chunkCount: number): Promise<void> {
    await this.#fresh(key, chunkCount)
  }

  /** Streams one chunk to disk; `gzip` chunks are inflated on the way. */
  async putChunk(key: FileKey, index: number, body: Readable, gzip: boolean): Promise<void> {
    const content = this.#contents.get(this.#id(key)) ?? (await this.#fresh(key, -1))
    const target = join(content.dir, `${index}.chunk`)
    const partial = `${target}.${++this.#seq}.part`
    if (gzip) await pipeline(body, createGunzip(), createWriteStream(partial))
    else await pipeline(body, createWriteStream(partial))
    await rename(partial, target)
    // The content may have been replaced while this chunk streamed in; the newest upload wins.
    if (this.#contents.get(this.#id(key)) !== content) {
      await rm(target, { force: true })
      return
    }
    content.chunks.add(index)
  }

  /** Replaces the content with a single chunk (`PUT …/files/{id}`). */
  async putWhole(key: FileKey, body: Readable): Promise<void> {
    await this.#fresh(key, 1)
    await this.putChunk(key, 0, body, false)
  }

  /** Closes a streaming upload: the chunk count becomes the chunks received. */
  complete(key: FileKey): void {
    const content = this.#contents.get(this.#id(key))
    if (content) content.declared = this.#chunkIds(content).length
  }

  /** Writes generated text (an export's output) as chunks of at most `chunkBytes`. */
  async writeGenerated(
    key: FileKey,
    source: AsyncIterable<string | Uint8Array>,
    chunkBytes = OUTPUT_CHUNK_BYTES,
  ): Promise<number> {
    const content = await this.#fresh(key, -1)
    let index = 0
    let pending: Buffer[] = []
    let size = 0
    const flush = async (): Promise<void> => {
      await pipeline(Readable.from(pending), createWriteStream(join(content.dir, `${index}.chunk`)))
      content.chunks.add(index)
      index++
      pending = []
      size = 0
    }
    for await (const piece of source) {
      let buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece)
      while (buf.length > 0) {
        const room = chunkBytes - size
        const part = buf.subarray(0, room)
        pending.push(part)
        size += part.length
        buf = buf.subarray(part.length)
        if (size >= chunkBytes) await flush()
      }
    }
    if (size > 0 || index === 0) await flush()
    content.declared = index
    return index
  }

  #chunkIds(content: Content): number[] {
    return [...content.chunks].sort((a, b) => a - b)
  }

  /** Chunk indexes the user has for this file; undefined when the user has no own content. */
  chunkIds(key: FileKey): number[] | undefined {
    const content = this.#contents.get(this.#id(key))
    return content ? this.#chunkIds(content) : undefined
  }

  /** The chunk count shown in the file list, or undefined when the user has no own content. */
  chunkCount(key: FileKey): number | undefined {
    const content = this.#contents.get(this.#id(key))
    if (!content) return undefined
    return content.declared >= 0 ? content.declared : content.chunks.size
  }

  /** A stream of one chunk, or undefined when it does not exist. */
  readChunk(key: FileKey, index: number): Readable | undefined {
    const content = this.#contents.get(this.#id(key))
    if (!content?.chunks.has(index)) return undefined
    return createReadStream(join(content.dir, `${index}.chunk`))
  }

  /** Total bytes of the user's content. */
  async size(key: FileKey): Promise<number> {
    const content = this.#contents.get(this.#id(key))
    if (!content) return 0
    let total = 0
    for (const i of this.#chunkIds(content)) total += (await stat(join(content.dir, `${i}.chunk`))).size
    return total
  }

  /** All chunks in order as one stream of bytes, read lazily from disk. */
  async *readAll(key: FileKey): AsyncGenerator<Buffer> {
    const content = this.#contents.get(this.#id(key))
    if (!content) return
    for (const i of this.#chunkIds(content)) {
      for await (const piece of createReadStream(join(content.dir, `${i}.chunk`))) yield piece as Buffer
    }
  }

  /** Removes the user's own content (the file's default content, if any, shows again). */
  async delete(key: FileKey): Promise<boolean> {
    const id = this.#id(key)
    const content = this.#contents.get(id)
    if (!content) return false
    this.#contents.delete(id)
    await rm(content.dir, { recursive: true, force: true })
    return true
  }

  /** Removes everything (reset, close). */
  async clear(): Promise<void> {
    this.#contents.clear()
    await rm(this.root, { recursive: true, force: true })
    await mkdir(this.root, { recursive: true })
  }
}
