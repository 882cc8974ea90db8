/**
 * Chunked file transfer (reference/anaplan-api.md §5.4). Uploads read the source chunk by chunk and
 * never hold more than one chunk (plus its gzip copy) in memory; downloads yield chunk by chunk.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gzip as gzipCb } from 'node:zlib'
import type { AnaplanFile, DownloadOptions, RequestOptions, UploadOptions, UploadSource } from '../api.ts'
import type { Transport } from '../core/transport.ts'
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
 * followed by `complete`.
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
    const body = useGzip ? new Uint8Array(await gzip(bytes)) : bytes
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
  let iterable: AsyncIterable<Uint8Array | string>
  if (isPathSource(source)) {
    total = (await stat(source.path)).size
    iterable = createReadStream(source.path, { highWaterMark: Math.min(chunkSize, 4 * MiB) })
  } else {
    iterable = source as AsyncIterable<Uint8Array | string>
  }
  const res = await t.request(
    { method: 'POST', path: filePath, body: { chunkCount: -1 }, idempotent: true },
    ro,
  )
  const file = objectOf<AnaplanFile>(res.data, 'file')
  let index = 0
  for await (const chunk of rechunk(iterable, chunkSize)) await putChunk(index++, chunk, total)
  if (index === 0) await putChunk(index++, new Uint8Array(0), total)
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
}

function isPathSource(s: UploadSource): s is { path: string } {
  return (
    typeof s === 'object' && s !== null && 'path' in s && typeof (s as { path: unknown }).path === 'string'
  )
}

/**
 * Re-slices a byte stream into pieces of exactly `size` bytes (the last may be shorter), holding at
 * most one piece plus one input buffer.
 */
export async function* rechunk(
  source: AsyncIterable<Uint8Array | string>,
  size: number,
): AsyncGenerator<Uint8Array> {
  let parts: Buffer[] = []
  let held = 0
  for await (const piece of source) {
    let buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece)
    while (held + buf.length >= size) {
      const take = size - held
      parts.push(buf.subarray(0, take))
      yield Buffer.concat(parts, size)
      parts = []
      held = 0
      buf = buf.subarray(take)
    }
    if (buf.length) {
      parts.push(buf)
      held += buf.length
    }
  }
  if (held) yield Buffer.concat(parts, held)
}

/** Yields the chunks of file `fileId` in order, one request per chunk. */
export async function* downloadFile(
  t: Transport,
  base: string,
  fileId: string,
  options: DownloadOptions = {},
): AsyncGenerator<Uint8Array> {
  const ro = requestOptions(options)
  const filePath = `${base}${path`/files/${fileId}`}`
  const chunks = await listAll<{ id: string }>(t, { path: `${filePath}/chunks` }, 'chunks', ro)
  let received = 0
  for (const c of chunks) {
    const res = await t.request<Uint8Array>(
      {
        method: 'GET',
        path: `${filePath}${path`/chunks/${c.id}`}`,
        accept: 'application/octet-stream',
        parse: 'bytes',
      },
      ro,
    )
    received += res.data.byteLength
    options.onProgress?.(received, chunks.length)
    yield res.data
  }
}
