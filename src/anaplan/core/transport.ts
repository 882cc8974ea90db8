/** The request description every resource hands to `AnaplanClient.request()`. */
import type { RequestOptions } from '../api.ts'
import type { ResponseHeaders } from '../http/wire.ts'

export type { ResponseHeaders } from '../http/wire.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

export interface RequestSpec {
  method: HttpMethod
  /** Path under the service base, built with the `path` tag. */
  path: string
  /** Which base URL: the Integration API (default) or the auth service. */
  service?: 'api' | 'auth'
  /** Absolute URL instead of service + path (OAuth token endpoint). */
  url?: string
  query?: Record<string, string | number | boolean | undefined>
  /** JSON body. */
  body?: unknown
  /**
   * Raw body (chunk uploads, form posts); `contentType` says what it is. Bytes are sent as they are,
   * never copied, so the caller must not change them until `request()` settles.
   */
  rawBody?: Uint8Array | string
  contentType?: string
  accept?: string
  headers?: Record<string, string>
  /**
   * May the request be re-sent after an ambiguous failure (timeout, reset, 5xx)?
   * @default true for GET/PUT/DELETE, false for POST/PATCH
   */
  idempotent?: boolean
  /** `token` sends `AnaplanAuthToken <token>`; `none` sends only `headers`. @default 'token' */
  auth?: 'token' | 'none'
  /**
   * How to read a 2xx body. `stream` resolves at the headers with a {@link BodyStream}; an idempotent
   * request whose body fails midway is re-sent and resumed after the bytes already delivered.
   * @default 'json'
   */
  parse?: 'json' | 'text' | 'bytes' | 'none' | 'stream'
}

/**
 * A response body read as it arrives (`parse: 'stream'`). Iterate it once; `cancel()` releases the
 * connection when it will not be read to the end (breaking out of `for await` does that too).
 */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  cancel(): Promise<void>
}

export interface ApiResponse<T> {
  status: number
  headers: ResponseHeaders
  data: T
}

/** What resources need from the client. */
export interface Transport {
  request<T>(spec: RequestSpec, options?: RequestOptions): Promise<ApiResponse<T>>
  now(): number
}
