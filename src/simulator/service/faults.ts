/**
 * Injected faults (`POST /__sim/faults`): for a method and a path glob, the next N requests get a
 * status (429 with Retry-After, 5xx…), extra latency or a dropped connection, before or after the
 * request is really handled.
 */
import { HttpError, isRecord } from './http.ts'

/** A fault as posted to `/__sim/faults`. */
export interface FaultSpec {
  method?: string
  /** Glob over the request path: `*` one segment, `**` any number of segments. */
  path: string
  /** How many matching requests it hits; default 1. */
  count: number
  status?: number
  /** `Retry-After` header value: seconds or an HTTP date. */
  retryAfter?: string
  latencyMs?: number
  drop?: boolean
  /** Handle the request for real first, then answer with the fault (an ambiguous failure). */
  afterHandler?: boolean
}

export interface Fault extends FaultSpec {
  id: string
  remaining: number
}

/** Compiles a path glob into a RegExp (`*` = one segment, `**` = any). */
export function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // `/**` also matches the bare prefix (`/a/**` matches `/a`).
        if (out.endsWith('/') && (glob[i + 2] === undefined || glob[i + 2] === '/')) {
          out = `${out.slice(0, -1)}(?:/.*)?`
          i += glob[i + 2] === '/' ? 1 : 0
        } else out += '.*'
        i++
      } else out += '[^/]*'
    } else out += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}/?$`)
}

/** Validates a posted fault body. */
export function parseFaultSpec(body: unknown): FaultSpec {
  if (!isRecord(body)) throw new HttpError(400, 'Fault must be a JSON object')
  const { method, path, count, status, retryAfter, latencyMs, drop, afterHandler } = body
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new HttpError(400, "Fault needs a 'path' glob starting with '/'")
  }
  if (method !== undefined && typeof method !== 'string')
    throw new HttpError(400, "'method' must be a string")
  if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1)) {
    throw new HttpError(400, "'count' must be a positive integer")
  }
  if (
    status !== undefined &&
    (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)
  ) {
    throw new HttpError(400, "'status' must be an HTTP status code")
  }
  if (retryAfter !== undefined && typeof retryAfter !== 'string' && typeof retryAfter !== 'number') {
    throw new HttpError(400, "'retryAfter' must be seconds or an HTTP date")
  }
  if (latencyMs !== undefined && (typeof latencyMs !== 'number' || latencyMs < 0)) {
    throw new HttpError(400, "'latencyMs' must be a non-negative number")
  }
  if (drop !== undefined && typeof drop !== 'boolean') throw new HttpError(400, "'drop' must be a boolean")
  if (afterHandler !== undefined && typeof afterHandler !== 'boolean') {
    throw new HttpError(400, "'afterHandler' must be a boolean")
  }
  if (status === undefined && !drop && latencyMs === undefined) {
    throw new HttpError(400, "A fault needs 'status', 'drop' or 'latencyMs'")
  }
  const spec: FaultSpec = { path, count: (count as number | undefined) ?? 1 }
  if (method !== undefined) spec.method = method.toUpperCase()
  if (status !== undefined) spec.status = status as number
  if (retryAfter !== undefined) spec.retryAfter = String(retryAfter)
  if (latencyMs !== undefined) spec.latencyMs = latencyMs
  if (drop !== undefined) spec.drop = drop
  if (afterHandler !== undefined) spec.afterHandler = afterHandler
  return spec
}

/** The active faults; each matching request consumes one hit. */
export class FaultTable {
  readonly #faults: { fault: Fault; re: RegExp }[] = []
  #seq = 0

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `fault-${++this.#seq}`, remaining: spec.count }
    this.#faults.push({ fault, re: globToRegExp(spec.path) })
    return fault
  }

  clear(): void {
    this.#faults.length = 0
  }

  list(): Fault[] {
    return this.#faults.map((f) => f.fault)
  }

  /** Takes one hit of the first fault matching the request, if any. */
  take(method: string, path: string): Fault | undefined {
    const index = this.#faults.findIndex(
      ({ fault, re }) => (fault.method === undefined || fault.method === method) && re.test(path),
    )
    if (index < 0) return undefined
    const entry = this.#faults[index]!
    entry.fault.remaining--
    if (entry.fault.remaining <= 0) this.#faults.splice(index, 1)
    return { ...entry.fault }
  }
}
