/**
 * A scripted `fetch` for unit tests of code built on the client (the client takes `fetch` by
 * injection, so no socket and no module mocking is needed). Routes match method + path pattern
 * (`*` one segment, `**` any); every call is recorded.
 */

export interface RecordedRequest {
  method: string
  url: string
  /** Path without the query string. */
  path: string
  query: URLSearchParams
  headers: Headers
  /** Raw body bytes (or undefined). */
  body: Uint8Array | undefined
  /** Body parsed as JSON when it is JSON. */
  json: unknown
  signal: AbortSignal | undefined
}

export type FakeHandler = (req: RecordedRequest, call: number) => Response | Promise<Response>

export interface FakeRoute {
  method: string
  pattern: string | RegExp
  handler: FakeHandler
}

export interface FakeFetch {
  fetch: typeof fetch
  calls: RecordedRequest[]
  /** Calls whose method and path match. */
  callsTo(method: string, pattern: string | RegExp): RecordedRequest[]
  /** Adds routes; later routes take precedence. */
  on(method: string, pattern: string | RegExp, handler: FakeHandler): FakeFetch
}

function toRegex(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern
  const body = pattern
    .split('/')
    .map((seg) => (seg === '**' ? '.*' : seg === '*' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`${body}$`)
}

function matches(route: { method: string; pattern: string | RegExp }, method: string, path: string): boolean {
  return (route.method === '*' || route.method === method) && toRegex(route.pattern).test(path)
}

/** Creates a fake fetch; unmatched requests answer 404 with Anaplan's error envelope. */
export function createFakeFetch(routes: FakeRoute[] = []): FakeFetch {
  const table = [...routes]
  const counts = new Map<FakeRoute, number>()
  const calls: RecordedRequest[] = []
  const fake: FakeFetch = {
    calls,
    callsTo: (method, pattern) => calls.filter((c) => matches({ method, pattern }, c.method, c.path)),
    on(method, pattern, handler) {
      table.unshift({ method, pattern, handler })
      return fake
    },
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      const u = new URL(url)
      const method = (init?.method ?? 'GET').toUpperCase()
      let body: Uint8Array | undefined
      const b = init?.body
      if (typeof b === 'string') body = new TextEncoder().encode(b)
      else if (b instanceof Uint8Array) body = b
      else if (b instanceof ArrayBuffer) body = new Uint8Array(b)
      else if (b instanceof ReadableStream) body = await readAll(b as ReadableStream<Uint8Array>)
      let json: unknown
      if (body) {
        try {
          json = JSON.parse(new TextDecoder().decode(body))
        } catch {
          json = undefined
        }
      }
      const req: RecordedRequest = {
        method,
        url,
        path: u.pathname,
        query: u.searchParams,
        headers: new Headers(init?.headers),
        body,
        json,
        signal: init?.signal ?? undefined,
      }
      calls.push(req)
      if (req.signal?.aborted) throw abortError(req.signal)
      const route = table.find((r) => matches(r, method, u.pathname))
      if (!route) return jsonResponse({ status: { code: 404, message: 'Not Found' }, path: u.pathname }, 404)
      const n = (counts.get(route) ?? 0) + 1
      counts.set(route, n)
      return route.handler(req, n)
    }) as typeof fetch,
  }
  return fake
}

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

/** An Integration API envelope around `payload`, with paging when given. */
export function envelope(
  payload: Record<string, unknown>,
  paging?: { offset: number; currentPageSize: number; totalSize: number },
) {
  return jsonResponse({
    meta: { schema: 'https://api.anaplan.com/2/0/objects/x', ...(paging ? { paging } : {}) },
    status: { code: 200, message: 'Success' },
    ...payload,
  })
}

/** A fetch that never answers until its signal aborts (for timeout tests). */
export function hang(req: RecordedRequest): Promise<Response> {
  return new Promise((_, reject) => {
    req.signal?.addEventListener('abort', () => reject(abortError(req.signal!)), { once: true })
  })
}

/** What undici throws for a dropped or refused connection. */
export function networkError(code: 'ECONNRESET' | 'ECONNREFUSED' | 'UND_ERR_SOCKET'): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) })
}

/** Copies a request body stream (the client streams byte bodies so fetch does not copy them). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  const reader = stream.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(new Uint8Array(r.value))
  return new Uint8Array(Buffer.concat(parts))
}

function abortError(signal: AbortSignal): Error {
  const e = new Error('This operation was aborted')
  e.name = 'AbortError'
  ;(e as { cause?: unknown }).cause = signal.reason
  return e
}

/** Auth routes that hand out `token-N` tokens living `ttlMs` from `now()`. */
export function authRoutes(now: () => number, ttlMs = 35 * 60_000): FakeRoute[] {
  let n = 0
  const info = () => {
    n++
    return {
      tokenId: `id-${n}`,
      tokenValue: `token-${n}`,
      expiresAt: now() + ttlMs,
      refreshTokenId: `r-${n}`,
    }
  }
  return [
    {
      method: 'POST',
      pattern: '/token/authenticate',
      handler: () =>
        jsonResponse({ status: 'SUCCESS', statusMessage: 'Login successful', tokenInfo: info() }, 201),
    },
    {
      method: 'POST',
      pattern: '/token/refresh',
      handler: () => jsonResponse({ status: 'SUCCESS', statusMessage: 'Token refreshed', tokenInfo: info() }),
    },
    { method: 'POST', pattern: '/token/logout', handler: () => new Response(null, { status: 204 }) },
  ]
}
