/**
 * The read-request flow shared by views and lists (reference §6.2, §6.3): create, poll with the
 * common {@link Poller}, download each page once `availablePages` covers it, until COMPLETE; the
 * request is deleted in `finally`, also on error, abort or an early `break`.
 */
import type { LargeReadOptions, ReadRequest, RequestOptions } from '../../api.ts'
import { Poller } from '../../core/polling.ts'
import { ProtocolError, ReadRequestFailedError, TimeoutError } from '../../errors.ts'
import { path } from '../../internal/path.ts'
import { objectOf } from '../envelope.ts'
import { requestOptions, type ScopeHost } from '../resource.ts'

export interface ReadRequestTarget {
  /** `…/views/{id}/readRequests` or `…/lists/{id}/readRequests` */
  base: string
  key: 'viewReadRequest' | 'listReadRequest'
  body?: unknown
  /** For messages: `view "Revenue by Region"`. */
  what: string
  /** Yield pages as sent, without dropping repeated header lines. */
  raw: boolean
}

/** The first line of a CSV page, without its line ending. */
function firstLine(text: string): string {
  const end = text.indexOf('\n')
  return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '')
}

export async function* readLarge(
  host: ScopeHost,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  target: ReadRequestTarget,
  options: LargeReadOptions,
): AsyncGenerator<string> {
  const { base, key, body, what, raw } = target
  const ro = requestOptions(options)
  const created = await host.request(
    // Creating a read request changes no model data; a duplicate from a re-send is reclaimed by
    // Anaplan after 30 idle minutes, so a retry after an ambiguous failure is acceptable.
    { method: 'POST', path: base, ...(body === undefined ? {} : { body }), idempotent: true },
    ro,
  )
  const requestId = objectOf<ReadRequest>(created.data, key, `${key}`).requestId
  if (!requestId) throw new ProtocolError(`The response has no ${key}.requestId`)
  const requestPath = `${base}${path`/${requestId}`}`
  const poller = new Poller({
    now: () => host.now(),
    sleep,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.maxIntervalMs !== undefined ? { maxIntervalMs: options.maxIntervalMs } : {}),
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  let next = 0
  let header: string | undefined
  try {
    for (;;) {
      const res = await host.request({ method: 'GET', path: requestPath }, ro)
      const status = objectOf<ReadRequest>(res.data, key)
      options.onProgress?.(status)
      if (status.requestState === 'CANCELLED' || status.requestState === 'CANCELLING') {
        throw new ReadRequestFailedError(`The read request for ${what} was cancelled`, status)
      }
      const complete = status.requestState === 'COMPLETE'
      if (complete && status.successful === false) {
        throw new ReadRequestFailedError(
          `The read request for ${what} failed; Anaplan keeps no pages of a failed read`,
          status,
        )
      }
      const available = status.availablePages ?? 0
      const before = next
      for (; next < available; next++) {
        const page = await host.request<string>(
          { method: 'GET', path: `${requestPath}/pages/${next}`, accept: 'text/csv', parse: 'text' },
          ro,
        )
        let text = page.data
        if (!raw) {
          const first = firstLine(text)
          if (header === undefined) header = first
          else if (first === header) text = text.slice(text.indexOf('\n') + 1)
        }
        yield text
      }
      if (complete) return
      await poller.wait(
        () =>
          new TimeoutError(
            `The read request for ${what} was still ${status.requestState} at the deadline (${next} pages read)`,
            { method: 'GET', url: requestPath },
            'response',
          ),
        next > before,
      )
    }
  } finally {
    await deleteReadRequest(host, requestPath, what, options)
  }
}

/** Frees the request's pages on Anaplan's side; never masks the error that brought us here. */
async function deleteReadRequest(
  host: ScopeHost,
  requestPath: string,
  what: string,
  options: RequestOptions,
): Promise<void> {
  try {
    // Without the caller's signal or deadline: an aborted or late read must still clean up.
    await host.request(
      { method: 'DELETE', path: requestPath },
      { timeoutMs: Math.min(options.timeoutMs ?? 10_000, 10_000), maxRetries: 1 },
    )
  } catch (error) {
    host.options.logger?.warn(
      { err: error instanceof Error ? error.message : String(error) },
      `could not delete the read request for ${what}; Anaplan reclaims it after 30 idle minutes`,
    )
  }
}
