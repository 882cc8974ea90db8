/**
 * The one seam between `AnaplanClient.request()` and the network: send a request, get the status,
 * the headers and a body to read piece by piece. Two implementations: `node:http` (the default,
 * `node-wire.ts`) and any WHATWG `fetch` (`fetch-wire.ts`, used when a `fetch` is injected).
 */

/** Case-insensitive response headers: fetch's `Headers`, or the node wire's view of a response. */
export interface ResponseHeaders {
  get(name: string): string | null
  has(name: string): boolean
  forEach(callback: (value: string, name: string) => void): void
}

export interface WireRequest {
  method: string
  url: string
  /** Lower-case names. The wire adds `content-length` for bodies it sends whole. */
  headers: Record<string, string>
  /** Sent as it is, never copied: the caller keeps it unchanged until the response settles. */
  body?: string | Uint8Array
  /** Aborting it fails the pending send or read (the client's timeouts and cancellation). */
  signal: AbortSignal
}

/** One read of a body: the next piece, or the end. */
export type WireReadResult = { done: true; value?: undefined } | { done: false; value: Uint8Array }

export interface WireResponse {
  status: number
  headers: ResponseHeaders
  /** The next piece of the body; rejects when the connection fails or the signal fires midway. */
  read(): Promise<WireReadResult>
  /** The rest of the body as UTF-8 text. */
  text(): Promise<string>
  /** The rest of the body as bytes. */
  bytes(): Promise<Uint8Array>
  /** Gives the connection back without reading the rest (idempotent, never rejects). */
  cancel(): Promise<void>
}

/** Sends one request and resolves at the response headers. */
export type Wire = (request: WireRequest) => Promise<WireResponse>
