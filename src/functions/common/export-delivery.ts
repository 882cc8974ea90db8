/**
 * How an export's file reaches the caller: streamed in the HTTP response, or, when it is large (or
 * the caller asks) and a bucket is configured, streamed into a Cloud Storage object and answered
 * with a short-lived V4 signed GET URL.
 *
 * Why a link at all, when Cloud Run streams responses of any size: HTTP/1 responses that are
 * buffered are capped at 32 MiB, Lambda at 6 MB (20 MB streamed), proxies and API gateways in
 * front of the function have their own limits, and a link survives a dropped connection (the
 * caller retries the GET, not the export) and can be handed to a chat user or another system.
 *
 * Memory stays bounded either way: chunks go from Anaplan to the response or to the object as
 * they arrive. In `auto` mode the function first reads ahead up to the threshold to decide, so at
 * most the threshold plus one chunk is held.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type { Logger } from '../../shared/logger.ts'
import type { Env } from './config.ts'
import { FunctionError } from './http-error.ts'

/** Cloud Run's limit on a buffered HTTP/1 response. */
export const DEFAULT_EXPORT_LINK_THRESHOLD_BYTES = 32 * 1024 * 1024
/** Signed links live 15 minutes unless configured otherwise. */
export const DEFAULT_EXPORT_LINK_TTL_SECONDS = 15 * 60
/** V4 signatures are valid for at most 7 days. */
export const MAX_EXPORT_LINK_TTL_SECONDS = 7 * 24 * 3600
/**
 * Objects are written under this prefix: the deploy plan scopes the function's bucket roles to it
 * with an IAM condition, and the recommended lifecycle rule deletes it after a day.
 */
export const EXPORT_OBJECT_PREFIX = 'exports/'
/**
 * Resumable upload chunk: each is one request that can be retried on its own, and the library
 * holds one in memory. Must be a multiple of 256 KiB.
 */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024

/** How the caller wants the file: `auto` links large files when a bucket is configured. */
export type DeliveryMode = 'auto' | 'stream' | 'link'
export const DELIVERY_MODES = ['auto', 'stream', 'link'] as const

export interface ExportDeliveryConfig {
  /** `EXPORT_BUCKET`: the bucket for signed links; without it every file is streamed. */
  bucket: string | undefined
  /** `EXPORT_LINK_THRESHOLD_BYTES`: files larger than this are linked in `auto` mode. @default 32 MiB */
  thresholdBytes: number
  /** `EXPORT_LINK_TTL_SECONDS`: how long a signed link is valid. @default 900 */
  ttlSeconds: number
}

/** Reads {@link ExportDeliveryConfig} from the environment; invalid numbers fall back to the defaults. */
export function readExportDeliveryConfig(env: Env): ExportDeliveryConfig {
  const ttl = positiveInt(env.EXPORT_LINK_TTL_SECONDS)
  return {
    bucket: env.EXPORT_BUCKET?.trim() || undefined,
    thresholdBytes: positiveInt(env.EXPORT_LINK_THRESHOLD_BYTES) ?? DEFAULT_EXPORT_LINK_THRESHOLD_BYTES,
    ttlSeconds:
      ttl !== undefined && ttl <= MAX_EXPORT_LINK_TTL_SECONDS ? ttl : DEFAULT_EXPORT_LINK_TTL_SECONDS,
  }
}

function positiveInt(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined
  const n = Number(v)
  return Number.isSafeInteger(n) && n > 0 ? n : undefined
}

/**
 * The few Cloud Storage calls used here, shaped like `@google-cloud/storage` 7 so its `Storage`
 * satisfies it and tests pass a fake of the SDK's interface.
 */
export interface StorageClient {
  bucket(name: string): StorageBucket
}
export interface StorageBucket {
  file(name: string): StorageObject
}
export interface StorageObject {
  createWriteStream(options: {
    resumable: boolean
    contentType: string
    chunkSize?: number
    metadata: { contentDisposition: string; cacheControl: string }
    preconditionOpts: { ifGenerationMatch: number }
  }): Writable
  getSignedUrl(config: { version: 'v4'; action: 'read'; expires: number }): Promise<[string]>
}

/** What a linked export answers with. */
export interface DownloadLink {
  /** V4 signed GET URL; anyone holding it can read the file until `expiresAt`. */
  url: string
  /** ISO 8601. */
  expiresAt: string
  /** Bytes. */
  size: number
  /** The file's name in Anaplan. */
  name: string
  contentType: string
}

/** A file to deliver: its chunks as Anaplan hands them out, and how to label it. */
export interface DeliverySource {
  chunks: AsyncIterable<Uint8Array>
  name: string
  contentType: string
}

export type Delivered = { kind: 'stream'; response: Response } | { kind: 'link'; link: DownloadLink }

export interface ExportDeliveryOptions extends Partial<ExportDeliveryConfig> {
  /** The storage client, created on first use. @default `new Storage()` of `@google-cloud/storage`, imported lazily */
  storage?: () => StorageClient | Promise<StorageClient>
  /** @default Date.now */
  now?: () => number
  /** Names the object's folder; must be unguessable. @default 16 random bytes, base64url */
  randomId?: () => string
  logger?: Logger
}

/**
 * Writing to the bucket or signing the link failed. Names the bucket and the failing step; the
 * SDK's own message is left out because it can quote the resumable session URI, which is a
 * bearer credential for the upload.
 */
export class ExportStorageError extends FunctionError {
  override name = 'ExportStorageError'
  readonly bucket: string

  constructor(bucket: string, step: 'upload' | 'sign', cause: unknown) {
    const hint =
      step === 'sign'
        ? 'signing needs roles/iam.serviceAccountTokenCreator on the function’s own service account'
        : 'writing needs roles/storage.objectCreator on the bucket'
    super(
      502,
      'export_storage_failed',
      `Could not ${step === 'sign' ? 'sign a link to' : 'store'} the export in Cloud Storage bucket ${bucket}: ${describeStorageFailure(cause)} (${hint})`,
      { cause, details: { bucket } },
    )
    this.bucket = bucket
  }
}

/** Decides how each export reaches its caller and carries it there. */
export class ExportDelivery {
  readonly config: ExportDeliveryConfig
  readonly #storage: () => StorageClient | Promise<StorageClient>
  readonly #now: () => number
  readonly #randomId: () => string
  readonly #logger: Logger | undefined
  #client: Promise<StorageClient> | undefined

  constructor(options: ExportDeliveryOptions = {}) {
    this.config = {
      bucket: options.bucket,
      thresholdBytes: options.thresholdBytes ?? DEFAULT_EXPORT_LINK_THRESHOLD_BYTES,
      ttlSeconds: options.ttlSeconds ?? DEFAULT_EXPORT_LINK_TTL_SECONDS,
    }
    this.#storage = options.storage ?? defaultStorage
    this.#now = options.now ?? Date.now
    this.#randomId = options.randomId ?? (() => randomBytes(16).toString('base64url'))
    this.#logger = options.logger
  }

  /** Whether signed links can be made (a bucket is configured). */
  get linksEnabled(): boolean {
    return this.config.bucket !== undefined
  }

  /**
   * Checks a requested mode before any work is done, so a run asking for a link on a deployment
   * without a bucket fails before the export runs.
   * @throws {FunctionError} 400 when `link` is asked for and no bucket is configured.
   */
  assertSupported(mode: DeliveryMode): void {
    if (mode === 'link' && !this.linksEnabled) {
      throw new FunctionError(
        400,
        'invalid_input',
        'delivery "link" needs a Cloud Storage bucket, and this function has none configured (EXPORT_BUCKET); ask for "stream" instead',
      )
    }
  }

  /**
   * Delivers a file. The first chunk is always read before answering, so a missing file is an
   * error response, not a broken 200.
   * @throws {ExportStorageError} when the bucket refuses the object or the link cannot be signed.
   */
  async deliver(source: DeliverySource, mode: DeliveryMode, signal?: AbortSignal): Promise<Delivered> {
    this.assertSupported(mode)
    const iterator = source.chunks[Symbol.asyncIterator]()
    const useLink = mode === 'link' || (mode === 'auto' && this.linksEnabled)
    if (!useLink) {
      const first = await iterator.next()
      return { kind: 'stream', response: streamResponse(source, first.done ? [] : [first.value], iterator) }
    }
    const ahead: Uint8Array[] = []
    let size = 0
    let done = false
    // In auto mode, read ahead until the file proves larger than the threshold, or ends below it.
    do {
      const next = await iterator.next()
      if (next.done) done = true
      else {
        ahead.push(next.value)
        size += next.value.byteLength
      }
    } while (!done && mode === 'auto' && size <= this.config.thresholdBytes)
    if (mode === 'auto' && size <= this.config.thresholdBytes) {
      return { kind: 'stream', response: streamResponse(source, ahead, iterator, size) }
    }
    return { kind: 'link', link: await this.#upload(source, ahead, done ? undefined : iterator, signal) }
  }

  async #upload(
    source: DeliverySource,
    ahead: Uint8Array[],
    rest: AsyncIterator<Uint8Array> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<DownloadLink> {
    const bucket = this.config.bucket as string
    const started = this.#now()
    const objectName = `${EXPORT_OBJECT_PREFIX}${new Date(started).toISOString().slice(0, 10)}/${this.#randomId()}/${objectFileName(source.name)}`
    let object: StorageObject
    let stream: Writable
    try {
      this.#client ??= Promise.resolve(this.#storage()).catch((error: unknown) => {
        this.#client = undefined
        throw error
      })
      object = (await this.#client).bucket(bucket).file(objectName)
      stream = object.createWriteStream({
        resumable: true,
        contentType: source.contentType,
        chunkSize: UPLOAD_CHUNK_BYTES,
        metadata: { contentDisposition: contentDisposition(source.name), cacheControl: 'private, no-store' },
        // The name is new: the precondition makes every retried request of the upload idempotent.
        preconditionOpts: { ifGenerationMatch: 0 },
      })
    } catch (error) {
      await rest?.return?.()
      throw new ExportStorageError(bucket, 'upload', error)
    }

    let storageError: unknown
    const failed = new Promise<never>((_, reject) => {
      stream.on('error', (error) => {
        storageError ??= error
        reject(error)
      })
    })
    failed.catch(() => {})
    const wrap = (error: unknown): unknown =>
      storageError !== undefined && error === storageError
        ? new ExportStorageError(bucket, 'upload', error)
        : error
    let size = 0
    try {
      const write = async (chunk: Uint8Array) => {
        size += chunk.byteLength
        // Back-pressure: the next Anaplan chunk is fetched only once the object stream takes more.
        if (!stream.write(chunk)) await Promise.race([once(stream, 'drain', { signal }), failed])
      }
      for (const chunk of ahead) await write(chunk)
      ahead.length = 0
      if (rest) {
        for (let next = await rest.next(); !next.done; next = await rest.next()) await write(next.value)
      }
      stream.end()
      // The SDK emits `finish` only once the upload is complete and its checksum verified.
      await Promise.race([once(stream, 'finish', { signal }), failed])
    } catch (error) {
      stream.destroy()
      await rest?.return?.()
      throw wrap(error)
    }

    const expires = this.#now() + this.config.ttlSeconds * 1000
    let url: string
    try {
      ;[url] = await object.getSignedUrl({ version: 'v4', action: 'read', expires })
    } catch (error) {
      throw new ExportStorageError(bucket, 'sign', error)
    }
    this.#logger?.info(
      { bucket, size, file: source.name, ms: this.#now() - started },
      'export stored for a signed link',
    )
    return {
      url,
      expiresAt: new Date(expires).toISOString(),
      size,
      name: source.name,
      contentType: source.contentType,
    }
  }
}

async function defaultStorage(): Promise<StorageClient> {
  // Loaded on the link path only: the SDK costs cold-start time every other call would pay.
  const { Storage } = await import('@google-cloud/storage')
  return new Storage()
}

/** The response of a streamed file: chunks already read, then the rest as the caller reads. */
function streamResponse(
  source: DeliverySource,
  ahead: Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
  knownSize?: number,
): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of ahead) controller.enqueue(chunk)
      ahead.length = 0
    },
    async pull(controller) {
      try {
        const { done, value } = await rest.next()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (error) {
        controller.error(error)
      }
    },
    async cancel() {
      await rest.return?.()
    },
  })
  const headers: Record<string, string> = {
    'content-type': source.contentType,
    'content-disposition': contentDisposition(source.name),
    'cache-control': 'no-store',
  }
  if (knownSize !== undefined) headers['content-length'] = String(knownSize)
  return new Response(body, { status: 200, headers })
}

/** The content type of a file, from its export format (`text/csv`...) or its name. */
export function fileContentType(fileName: string, format: string | undefined): string {
  if (format && /^[a-z]+\/[\w.+-]+$/i.test(format))
    return format.startsWith('text/') ? `${format}; charset=utf-8` : format
  if (/\.csv$/i.test(fileName)) return 'text/csv; charset=utf-8'
  if (/\.txt$/i.test(fileName)) return 'text/plain; charset=utf-8'
  return 'application/octet-stream'
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}

/** The last part of the object name: the file's name without separators or control characters. */
function objectFileName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const safe = name.replace(/[/\\\x00-\x1f\x7f]/g, '_').slice(0, 200)
  return safe === '' || safe === '.' || safe === '..' ? 'export' : safe
}

/** The error's class and HTTP or gRPC code: enough to act on, nothing that could hold a credential. */
function describeStorageFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error'
  const code = (error as { code?: unknown }).code
  return typeof code === 'number' || typeof code === 'string' ? `${error.name} (${code})` : error.name
}
