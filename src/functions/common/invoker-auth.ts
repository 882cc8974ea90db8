/**
 * Defence in depth behind Cloud Run IAM: when `FUNCTION_SHARED_KEY` is configured, every call must
 * present it as `x-api-key` or `Authorization: Bearer <key>`. Deployed functions are also
 * `--no-allow-unauthenticated`, so IAM answers anonymous callers before this code runs; the key is
 * what protects a function run locally or behind a public URL by mistake.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { FunctionError } from './http-error.ts'

/** Extracts the presented key: `x-api-key` first, then a Bearer token. */
export function presentedKey(headers: Headers): string | undefined {
  const header = headers.get('x-api-key')
  if (header) return header.trim()
  const auth = headers.get('authorization')
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null
  return m?.[1]?.trim()
}

/**
 * Compares in constant time. Both sides are hashed first so neither the length nor a common prefix
 * of the expected key shows in the timing.
 */
export function keysMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest()
  const b = createHash('sha256').update(expected, 'utf8').digest()
  return timingSafeEqual(a, b)
}

/**
 * Throws a 401 `FunctionError` unless `headers` carry `expected`. With no expected key configured
 * every call passes (the caller logs a warning at start).
 *
 * Note that on Cloud Run the `Authorization` header carries Google's ID token for IAM; callers of a
 * deployed function then send the shared key as `x-api-key`.
 */
export function checkInvokerKey(headers: Headers, expected: string | undefined): void {
  if (!expected) return
  const key = presentedKey(headers)
  if (!key) {
    throw new FunctionError(401, 'unauthorized', 'This function needs a key: send it as x-api-key', {
      headers: { 'www-authenticate': 'Bearer realm="function"' },
    })
  }
  if (!keysMatch(key, expected)) {
    throw new FunctionError(401, 'unauthorized', 'The key presented is not valid', {
      headers: { 'www-authenticate': 'Bearer realm="function", error="invalid_token"' },
    })
  }
}
