/**
 * Chunked file transfer (reference/anaplan-api.md §5.4). Uploads hold at most two chunks (one being
 * read, one being sent, plus the latter's gzip copy); downloads stream each chunk as it arrives.
 */
import { type FileHandle, open } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gzip as gzipCb } from 'node:zlib'
import type { AnaplanFile, DownloadOptions, RequestOptions, UploadOptions, UploadSource } from '../api.ts'
import type { BodyStream, Transport } from '../core/transport.ts'
import { ValidationError } from '../errors.ts'
import { path } from '../internal/path.ts'
import { listAll, objectOf } from './envelope.ts'

const gzip = promisify(gzipCb)

export const MiB = 1024 * 1024
/** Anaplan expects chunks of 1–50 MB. */
export const MIN_CHUNK = MiB
export const MAX_CHUNK = 50 * MiB
export const DEFAULT_CHUNK = 10 * MiB

function requestOptions(o: UploadOptions | DownloadOptions): RequestOptions {
  const { onProgress: _p, ...rest } = o as UploadOptions
  const { chunkSize: _c, gzip: _g, ...r } = rest
  return r
}

/**
 * Uploads `source` into file `fileId` under `base` (`/workspaces/{ws}/models/{m}`).
 * Bytes and strings of known size use a known chunk count; streams and paths use `chunkCount: -1`
 * followed by `complete`. Streams and paths are read into two reused chunk buffers: chunk n+1 is read
 * while chunk n is on the wire, and nothing else holds a chunk, so memory stays near two chunks.
 */
export async function uploadFile(
  t: Transport,
  base: string,
  fileId: string,
  source: UploadSource,
  options: UploadOptions = {},
): Promise<AnaplanFile> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
    throw new ValidationError(`chunkSize must be an integer between ${MIN_CHUNK} and ${MAX_CHUNK} bytes`)
  }
  const useGzip = options.gzip ?? true
  const ro = requestOptions(options)
  const filePath = `${base}${path`/files/${fileId}`}`
  let sent = 0

  const putChunk = async (index: number, bytes: Uint8Array, total?: number) => {
    // The gzip copy is the only one made; the raw bytes are sent as they are (see client requestBody).
    const body = useGzip ? await gzip(bytes) : bytes
    await t.request(
      {
        method: 'PUT',
        path: `${filePath}${path`/chunks/${index}`}`,
        rawBody: body,
        contentType: useGzip ? 'application/x-gzip' : 'application/octet-stream',
        parse: 'none',
      },
      ro,
    )
    sent += bytes.byteLength
    options.onProgress?.(sent, total)
  }

  if (typeof source === 'string' || source instanceof Uint8Array) {
    const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source
    const count = Math.max(1, Math.ceil(bytes.byteLength / chunkSize))
    const res = await t.request(
      // Setting the chunk count twice is harmless, so this POST may be retried.
      { method: 'POST', path: filePath, body: { chunkCount: count }, idempotent: true },
      ro,
    )
    const file = objectOf<AnaplanFile>(res.data, 'file')
    for (let i = 0; i < count; i++) {
      await putChunk(i, bytes.subarray(i * chunkSize, (i + 1) * chunkSize), bytes.byteLength)
    }
    return { ...file, chunkCount: count }
  }

  let total: number | undefined
  let reader: ChunkReader
  if (isPathSource(source)) {
    const handle = await open(source.path, 'r')
    let regular: boolean
    try {
      const info = await handle.stat()
      // A pipe or device (`/dev/stdin`, `<(…)`) has no size and no positions: read it as a stream.
      regular = info.isFile()
      if (regular) total = info.size
    } catch (error) {
      await handle.close()
      throw error
    }
    reader = fileChunkReader(handle, regular)
  } else {
    reader = streamChunkReader(source as AsyncIterable<Uint8Array | string>)
  }
  try {
    const res = await t.request(
      { method: 'POST', path: filePath, body: { chunkCount: -1 }, idempotent: true },
      ro,
    )
    const file = objectOf<AnaplanFile>(res.data, 'file')
    // A file smaller than one chunk needs no chunk-sized buffers.
    const bufferSize = total === undefined ? chunkSize : Math.max(1, Math.min(chunkSize, total))
    const buffers: Buffer[] = []
    let index = 0
    let sending: Promise<void> | undefined
    try {
      for (;;) {
        // Buffer index % 2 was last sent by chunk index - 2, which finished before chunk index - 1 began.
        buffers[index % 2] ??= Buffer.allocUnsafe(bufferSize)
        const bytes = await reader.fill(buffers[index % 2] as Buffer)
        if (bytes.byteLength === 0 && index > 0) break
        if (sending !== undefined) await sending
        sending = putChunk(index, bytes, total)
        // Handled later by `await sending`; this keeps a failure during the next read from going unhandled.
        sending.catch(() => undefined)
        index++
        if (bytes.byteLength < bufferSize && total !== undefined) break
      }
      if (sending !== undefined) await sending
    } finally {
      await sending?.catch(() => undefined)
    }
    const done = await t.request(
      {
        method: 'POST',
        path: `${filePath}/complete`,
        body: { id: file.id ?? fileId, name: file.name, chunkCount: index },
        idempotent: true,
      },
      ro,
    )
    const completed = (done.data as { file?: AnaplanFile } | undefined)?.file
    return { ...file, ...completed, chunkCount: index }
  } finally {
    await reader.close()
  }
}

function isPathSource(s: UploadSource): s is { path: string } {
  return (
    typeof s === 'object' && s !== null && 'path' in s && typeof (s as { path: unknown }).path === 'string'
  )
}

/** Fills caller-owned buffers from a source; a short (or empty) fill means the source has ended. */
export interface ChunkReader {
  /** Reads until `target` is full or the source ends; returns the filled part of `target`. */
  fill(target: Buffer): Promise<Buffer>
  close(): Promise<void>
}

/**
 * Reads a file straight into the target buffers: no intermediate stream buffers, no copies. A
 * regular file is read by position; anything else from where it stands.
 */
export function fileChunkReader(handle: FileHandle, regular = true): ChunkReader {
  let position = 0
  return {
    async fill(target) {
      let filled = 0
      while (filled < target.length) {
        const at = regular ? position : null
        const { bytesRead } = await handle.read(target, filled, target.length - filled, at)
        if (bytesRead === 0) break
        filled += bytesRead
        position += bytesRead
      }
      return target.subarray(0, filled)
    },
    close: () => handle.close(),
  }
}

/**
 * Copies a byte stream into the target buffers (one copy, as the stream's own buffers are not ours
 * to keep), holding back the rest of a piece that overflows a chunk for the next fill.
 */
export function streamChunkReader(source: AsyncIterable<Uint8Array | string>): ChunkReader {
  const it = source[Symbol.asyncIterator]()
  let rest: Uint8Array | undefined
  let ended = false
  return {
    async fill(target) {
      let filled = 0
      while (filled < target.length) {
        if (!rest || rest.byteLength === 0) {
          if (ended) break
          const r = await it.next()
          if (r.done) {
            ended = true
            break
          }
          rest = typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value
          continue
        }
        const n = Math.min(rest.byteLength, target.length - filled)
        target.set(rest.subarray(0, n), filled)
        filled += n
        rest = rest.subarray(n)
      }
      return target.subarray(0, filled)
    },
    async close() {
      rest = undefined
      // Stop a stream we did not read to the end (after a failed chunk), so it releases its resources.
      if (!ended) await it.return?.()
    },
  }
}

/**
 * Yields the bytes of file `fileId` in order as they arrive, one request per chunk. The next chunk's
 * request goes out while the current chunk is read, so its first bytes are waiting when it is
 * reached; no more than two chunk requests are open at once, and neither is read ahead of the
 * consumer beyond the socket's buffers.
 */
export async function* downloadFile(
  t: Transport,
  base: string,
  fileId: string,
  options: DownloadOptions = {},
): AsyncGenerator<Uint8Array> {
  const ro = requestOptions(options)
  const filePath = `${base}${path`/files/${fileId}`}`
  const chunks = await listAll<{ id: string }>(t, { path: `${filePath}/chunks` }, 'chunks', ro)
  // Lets us stop a request opened ahead when the consumer stops early or a chunk fails.
  const local = new AbortController()
  const signal = ro.signal ? AbortSignal.any([ro.signal, local.signal]) : local.signal
  const get = (id: string) => {
    const pending = t.request<BodyStream>(
      {
        method: 'GET',
        path: `${filePath}${path`/chunks/${id}`}`,
        accept: 'application/octet-stream',
        parse: 'stream',
      },
      { ...ro, signal },
    )
    pending.catch(() => undefined)
    return pending
  }
  let received = 0
  let next = chunks[0] ? get(chunks[0].id) : undefined
  try {
    for (let i = 0; i < chunks.length && next !== undefined; i++) {
      const res = await next
      const following = chunks[i + 1]
      next = following ? get(following.id) : undefined
      for await (const piece of res.data) {
        received += piece.byteLength
        yield piece
      }
      options.onProgress?.(received, chunks.length)
    }
  } finally {
    if (next !== undefined) {
      const pending = next
      next = undefined
      local.abort()
      await pending.then(
        (r) => r.data.cancel(),
        () => undefined,
      )
    }
  }
}
