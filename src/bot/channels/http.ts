/**
 * HTTP plumbing shared by every channel: JSON errors that never carry a stack, body size limits,
 * JSON parsing with precise 400s, and constant-time secret comparison.
 */
import { hash, timingSafeEqual } from 'node:crypto'
import { IncomingMessage } from 'node:http'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Largest request body any channel accepts. Dialogflow and Slack bodies are far smaller. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024

/** The error body every endpoint returns: `{ error: { code, message } }`. */
export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status)
}

/** Rejects bodies over `maxSize` bytes with a JSON 413 (checked on Content-Length and while streaming). */
export function limitBody(maxSize: number = DEFAULT_BODY_LIMIT_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => jsonError(c, 413, 'payload_too_large', `Request body exceeds ${maxSize} bytes.`),
  })
}

/** Thrown by {@link readJson} when the body is not a JSON object. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError'
}

/** Thrown by {@link readBodyText} when the body is larger than allowed. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError'
}

/**
 * The request body as UTF-8 text, refused with {@link PayloadTooLargeError} past `maxSize` bytes
 * (on Content-Length first, then while reading).
 *
 * Under `@hono/node-server` (and the Functions Framework, which has read the body into `rawBody`)
 * the body is taken from Node's request directly: going through `c.req.raw` makes the adapter build
 * a web `Request`, an AbortController and a web stream over the socket for every turn, which was a
 * measurable part of a chat turn's CPU. Elsewhere (`app.request()`, other runtimes) the web body
 * is read.
 */
export async function readBodyText(c: Context, maxSize: number): Promise<string> {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming
  if (incoming instanceof IncomingMessage) {
    // Node's own header object: `c.req.header()` would build a web Headers from the raw headers.
    checkDeclaredLength(incoming.headers['content-length'], incoming.headers['transfer-encoding'], maxSize)
    const raw = (incoming as { rawBody?: unknown }).rawBody
    if (Buffer.isBuffer(raw)) {
      if (raw.length > maxSize) throw tooLarge(maxSize)
      return raw.toString('utf8')
    }
    if (!incoming.readableDidRead) return collect(incoming, maxSize)
  } else {
    checkDeclaredLength(c.req.header('content-length'), c.req.header('transfer-encoding'), maxSize)
  }
  const reader = c.req.raw.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxSize) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(maxSize)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size).toString('utf8')
}

/** A Content-Length over the limit is refused before reading (unless chunked framing overrides it). */
function checkDeclaredLength(
  length: string | undefined,
  transferEncoding: string | undefined,
  maxSize: number,
) {
  if (transferEncoding === undefined && Number(length ?? Number.NaN) > maxSize) throw tooLarge(maxSize)
}

function tooLarge(maxSize: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`Request body exceeds ${maxSize} bytes.`)
}

function collect(incoming: IncomingMessage, maxSize: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (err?: Error) => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('aborted', onAborted)
      // The rest of a refused body still flows and is dropped (the adapter drains it after the
      // answer), so the connection stays usable.
      if (err) reject(err)
      else resolve(Buffer.concat(chunks, size).toString('utf8'))
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxSize) done(tooLarge(maxSize))
      else chunks.push(chunk)
    }
    const onEnd = () => done()
    const onError = () => done(new BadRequestError('The request body could not be read.'))
    const onAborted = () => done(new BadRequestError('The request body was not sent completely.'))
    incoming.on('data', onData)
    incoming.once('end', onEnd)
    incoming.once('error', onError)
    incoming.once('aborted', onAborted)
  })
}

/** Parses the body as JSON; a syntax error becomes a {@link BadRequestError} with a readable message. */
export async function readJson(text: string): Promise<unknown> {
  if (text.trim() === '') throw new BadRequestError('Request body is empty; expected JSON.')
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new BadRequestError('Request body is not valid JSON.')
  }
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so that neither the length
 * nor the position of the first difference leaks through timing.
 */
export function safeEqual(a: string, b: string): boolean {
  // The one-shot hash: no Hash object per call (the web chat checks a CSRF token on every POST).
  const ha = hash('sha256', a, 'buffer')
  const hb = hash('sha256', b, 'buffer')
  return timingSafeEqual(ha, hb) && a.length === b.length
}

/** A JSON 404 for routes no one serves. */
export function notFound(c: Context): Response {
  return jsonError(c, 404, 'not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)
}
