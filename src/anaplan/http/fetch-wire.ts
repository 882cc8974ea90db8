/** The wire over a WHATWG `fetch` (tests inject one; so can runtimes that prefer their own). */
import type { Wire, WireResponse } from './wire.ts'

/**
 * Adapts `fetch` to the wire. Byte bodies go as a one-piece stream with an explicit Content-Length:
 * undici's fetch copies a `Uint8Array` body, which for 10–50 MB upload chunks doubles their memory.
 */
export function fetchWire(fetchImpl: typeof fetch): Wire {
  return async ({ method, url, headers, body, signal }) => {
    // Redirects are answered, not followed, as over node:http: the client reports them (Anaplan's
    // API does not redirect; a redirect means a mistyped base URL or a proxy in the way).
    const init: RequestInit & { duplex?: 'half' } = { method, headers, signal, redirect: 'manual' }
    if (typeof body === 'string') init.body = body
    else if (body !== undefined) {
      headers['content-length'] = String(body.byteLength)
      init.body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (body.byteLength > 0) controller.enqueue(body)
          controller.close()
        },
      })
      init.duplex = 'half'
    }
    const res = await fetchImpl(url, init)
    return fromResponse(res)
  }
}

function fromResponse(res: Response): WireResponse {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  const getReader = () => {
    reader ??= res.body?.getReader()
    return reader
  }
  return {
    status: res.status,
    headers: res.headers,
    read: async () => {
      const r = getReader()
      if (!r) return { done: true }
      const { done, value } = await r.read()
      return done ? { done: true } : { done: false, value }
    },
    text: () => res.text(),
    bytes: async () => new Uint8Array(await res.arrayBuffer()),
    cancel: async () => {
      if (reader) await reader.cancel().catch(() => undefined)
      else if (!res.bodyUsed) await res.body?.cancel().catch(() => undefined)
    },
  }
}
