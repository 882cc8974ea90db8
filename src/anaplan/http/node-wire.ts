/**
 * The default wire: `node:http`/`node:https` with keep-alive agents. It costs less than half the CPU
 * of undici's `fetch` per request (the bot's view reads are CPU-bound at high concurrency), hands
 * socket buffers over without web-stream plumbing (large downloads), and does not make a cold
 * process initialise Node's `fetch` (tens of ms of every function cold start).
 */
import * as http from 'node:http'
import { urlToHttpOptions } from 'node:url'
import type { Wire, WireReadResult, WireRequest, WireResponse } from './wire.ts'

type HttpsModule = typeof import('node:https')

/** Pieces buffered ahead of the consumer before the socket is paused (64 KiB each from a socket). */
const READ_AHEAD = 16

export interface NodeWireOptions {
  /**
   * Idle connections are closed after this long, or a second before the server's announced
   * keep-alive timeout when that is sooner, so that a request is rarely sent on a connection the
   * server is closing (a write that fails that way cannot be safely re-sent). @default 4000, as
   * undici's
   */
  idleTimeoutMs?: number
}

/**
 * The `node:http` wire with its own keep-alive pools (one per protocol). The client shares one
 * per process, like fetch's global dispatcher. Idle sockets are unref'd: they never keep a
 * process alive.
 */
export function nodeWire(options: NodeWireOptions = {}): Wire {
  const agentOptions = {
    keepAlive: true,
    scheduling: 'lifo' as const,
    timeout: options.idleTimeoutMs ?? 4000,
  }
  const httpAgent = new http.Agent(agentOptions)
  // TLS is loaded on the first https request only: the simulator and tests speak plain http, and
  // a cold function should not pay for what it does not use.
  let tls: Promise<{ https: HttpsModule; agent: import('node:https').Agent }> | undefined
  return async (request) => {
    const target = targetOf(request.url)
    if (target.protocol === 'https:') {
      tls ??= import('node:https').then((https) => ({ https, agent: new https.Agent(agentOptions) }))
      const { https, agent } = await tls
      return send(request, (o) => https.request({ ...target, ...o, agent }))
    }
    return send(request, (o) => http.request({ ...target, ...o, agent: httpAgent }))
  }
}

/** Where a request goes, as `http.request` takes it from a URL (`urlToHttpOptions`). */
type RequestTarget = Pick<http.RequestOptions, 'protocol' | 'hostname' | 'port' | 'auth' | 'path'>

/** `http://host:port` as the client's base URLs begin: scheme and authority, up to the path. */
const ORIGIN_RE = /^https?:\/\/[\w.~%!$&'()*+,;=:@[\]-]+/
/**
 * A path and query made of characters WHATWG URL parsing keeps as they are (the client's path tag
 * and query encoding produce nothing else): no space, quote, `#`, backslash or non-ASCII.
 */
const PLAIN_PATH_RE = /^\/[\w.~%!$&()*+,;=:@/?-]*$/
/** What URL parsing would change after all: dot segments (`/./`, `/../`, `%2e`), an empty query. */
const REWRITTEN_RE = /\/\.|%2e|\?$/i
/** Origins parsed so far (a client talks to one or two). */
const origins = new Map<string, RequestTarget>()
const MAX_ORIGINS = 32

/**
 * The request target of `url`, the same as `urlToHttpOptions(new URL(url))` gives for what
 * `http.request` reads. Each request would otherwise parse a URL the client has just built from its
 * base URL (a visible share of a view read's CPU): the origin is parsed once, and a plain path is
 * taken as written. Anything else is parsed whole.
 */
function targetOf(url: string): RequestTarget {
  const origin = ORIGIN_RE.exec(url)?.[0]
  if (origin !== undefined) {
    const path = url.slice(origin.length)
    if (PLAIN_PATH_RE.test(path) && !REWRITTEN_RE.test(path)) {
      let base = origins.get(origin)
      if (!base) {
        const { protocol, hostname, port, auth } = urlToHttpOptions(new URL(origin))
        base = { protocol, hostname, ...(port !== undefined ? { port } : {}), ...(auth ? { auth } : {}) }
        if (origins.size >= MAX_ORIGINS) origins.clear()
        origins.set(origin, base)
      }
      return { ...base, path }
    }
  }
  return urlToHttpOptions(new URL(url))
}

function send(
  { method, headers, body, signal }: WireRequest,
  open: (options: http.RequestOptions) => http.ClientRequest,
): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    if (body !== undefined) {
      headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
    }
    const req = open({ method, headers })
    // The signal is watched here rather than through http.request's `signal` option, which ties
    // it to the request through end-of-stream (several listeners on every request, a measurable
    // share of a view read's CPU). The effect is the same: the request is destroyed with an
    // AbortError, failing the send or a pending read, and the listener goes at the request's close
    // (after its response).
    const onAbort = () => req.destroy(abortError(signal))
    if (signal.aborted) onAbort()
    else {
      signal.addEventListener('abort', onAbort, { once: true })
      req.once('close', () => signal.removeEventListener('abort', onAbort))
    }
    req.once('error', reject)
    req.once('response', (res) => {
      // Later request errors also reach the response (its reads reject); this keeps them from
      // becoming uncaught.
      req.removeListener('error', reject)
      req.on('error', () => undefined)
      resolve(new NodeResponse(res))
    })
    req.end(body)
  })
}

/** The error Node's own `signal` option destroys a request with. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  })
}

class NodeHeaders {
  readonly #raw: http.IncomingHttpHeaders
  constructor(raw: http.IncomingHttpHeaders) {
    this.#raw = raw
  }
  get(name: string): string | null {
    return joined(this.#raw[name.toLowerCase()]) ?? null
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const [k, v] of Object.entries(this.#raw)) {
      const value = joined(v)
      if (value !== undefined) callback(value, k)
    }
  }
}

/** A header's value as fetch's `Headers` gives it: repeated fields joined with `, `. */
function joined(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v
}

/**
 * A response read in flowing mode into a short queue: each piece is the socket's own buffer, handed
 * over without a copy, and the socket pauses when the consumer falls `READ_AHEAD` pieces behind.
 */
class NodeResponse implements WireResponse {
  readonly status: number
  readonly headers: NodeHeaders
  readonly #res: http.IncomingMessage
  readonly #queue: Buffer[] = []
  #started = false
  #ended = false
  #error: Error | undefined
  #wake: (() => void) | undefined

  constructor(res: http.IncomingMessage) {
    this.#res = res
    this.status = res.statusCode ?? 0
    this.headers = new NodeHeaders(res.headers)
    // The end and failure of the body are watched from the headers on, not from the first read:
    // a connection that drops before the consumer starts reading must fail that read, not leave
    // it waiting for events that have already passed.
    res.once('end', () => {
      this.#ended = true
      this.#notify()
    })
    res.once('error', (e) => {
      this.#error ??= e
      this.#notify()
    })
    res.once('close', () => {
      if (!this.#ended && !this.#error) {
        this.#error = Object.assign(new Error('The response closed before its end'), {
          code: res.complete ? 'ERR_STREAM_PREMATURE_CLOSE' : 'ECONNRESET',
        })
      }
      this.#notify()
    })
  }

  /** Switches the body to flowing mode into the queue, on the first read. */
  #start(): void {
    if (this.#started) return
    this.#started = true
    const res = this.#res
    res.on('data', (piece: Buffer) => {
      this.#queue.push(piece)
      if (this.#queue.length >= READ_AHEAD) res.pause()
      this.#notify()
    })
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  async read(): Promise<WireReadResult> {
    this.#start()
    for (;;) {
      const piece = this.#queue.shift()
      if (piece) {
        if (this.#queue.length < READ_AHEAD / 2 && this.#res.isPaused()) this.#res.resume()
        return { done: false, value: piece }
      }
      if (this.#error) throw this.#error
      if (this.#ended) return { done: true }
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }

  async bytes(): Promise<Uint8Array> {
    const pieces: Buffer[] = []
    for (;;) {
      const r = await this.read()
      if (r.done) break
      pieces.push(r.value as Buffer)
    }
    const all = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength)
  }

  async text(): Promise<string> {
    const b = await this.bytes()
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')
  }

  async cancel(): Promise<void> {
    const res = this.#res
    if (res.readableEnded || res.destroyed) return
    // A body that has fully arrived is drained so that its connection goes back to the pool; one
    // still on the wire is cut (reading an unwanted export to its end could take minutes).
    if (!res.complete) {
      res.destroy()
      return
    }
    // Without a 'data' listener, a resumed stream discards what it reads.
    res.removeAllListeners('data')
    this.#queue.length = 0
    await new Promise<void>((resolve) => {
      res.once('end', resolve)
      res.once('close', resolve)
      res.resume()
    })
  }
}
