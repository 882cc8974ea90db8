/**
 * HTTP plumbing shared by every channel: JSON errors that never carry a stack, body size limits,
 * JSON parsing with precise 400s, and constant-time secret comparison.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
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
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb) && a.length === b.length
}

/** A JSON 404 for routes no one serves. */
export function notFound(c: Context): Response {
  return jsonError(c, 404, 'not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)
}
