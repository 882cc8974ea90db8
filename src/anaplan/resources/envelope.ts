/** Reading the Integration API envelope: payload keys that vanish when empty, paging, task shapes. */
import type { Paging, RequestOptions, Task } from '../api.ts'
import { collectPages, type Page } from '../core/pagination.ts'
import type { RequestSpec, Transport } from '../core/transport.ts'
import { ProtocolError } from '../errors.ts'

export type Envelope = Record<string, unknown> & { meta?: { paging?: Paging } }

/** The array under `key`; Anaplan omits the key for an empty collection. */
export function arrayOf<T>(body: unknown, ...keys: string[]): T[] {
  if (!body || typeof body !== 'object') return []
  for (const key of keys) {
    const v = (body as Record<string, unknown>)[key]
    if (Array.isArray(v)) return v as T[]
    if (v && typeof v === 'object') return [v as T]
  }
  return []
}

/** The object under `key`, or a ProtocolError. */
export function objectOf<T>(body: unknown, key: string, what = key): T {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined
  if (!v || typeof v !== 'object') throw new ProtocolError(`The response has no ${what}`)
  return v as T
}

/** GETs every page of a paged listing and returns the items under `key`. */
export function listAll<T>(
  t: Transport,
  spec: Omit<RequestSpec, 'method'>,
  key: string | string[],
  options?: RequestOptions,
): Promise<T[]> {
  const keys = Array.isArray(key) ? key : [key]
  return collectPages<T>(async (offset): Promise<Page<T>> => {
    const query = { ...spec.query, ...(offset > 0 ? { offset } : {}) }
    const res = await t.request<Envelope>({ ...spec, method: 'GET', query }, options)
    return { items: arrayOf<T>(res.data, ...keys), paging: res.data?.meta?.paging }
  })
}

/** A task from `{task:{…}}` or, in old docs, a bare `{taskId}`. */
export function taskOf(body: unknown): Task {
  const b = (body ?? {}) as { task?: Task; taskId?: string; taskState?: Task['taskState'] }
  const task = b.task ?? (b.taskId ? (b as Task) : undefined)
  if (!task?.taskId) throw new ProtocolError('The response has no task')
  return { ...task, taskState: task.taskState ?? 'NOT_STARTED' }
}
