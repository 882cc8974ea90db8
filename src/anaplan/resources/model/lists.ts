/** `model.lists`: lists, their items (read, added, updated, deleted in batches) and large reads. */
import type {
  ItemFailure,
  LargeReadOptions,
  ListItem,
  ListItemInput,
  ListWriteResult,
  NamedObject,
  RequestOptions,
  Selector,
} from '../../api.ts'
import { path } from '../../internal/path.ts'
import { listAll, objectOf } from '../envelope.ts'
import { rethrowReadLimit } from '../read-limit.ts'
import { ModelResource, requestOptions } from '../resource.ts'
import { readLarge } from './read-request.ts'

/** Anaplan's per-call limit for list writes. */
export const LIST_BATCH = 100_000

export class ListsResource extends ModelResource {
  /** A fresh listing. @example const lists = await model.lists.list() */
  list(options?: RequestOptions): Promise<NamedObject[]> {
    return listAll<NamedObject>(
      this._host,
      { path: `${this._model.ws}/lists` },
      'lists',
      requestOptions(options),
    )
  }

  /** A list's metadata: `itemCount`, `topLevelItem`, `parent`, properties, subsets. */
  async metadata(list: Selector, options?: RequestOptions): Promise<Record<string, unknown>> {
    const ro = requestOptions(options)
    const { id } = await this._catalog.list(list, ro)
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.ws}${path`/lists/${id}`}` },
      ro,
    )
    return objectOf<Record<string, unknown>>(res.data, 'metadata', 'list metadata')
  }

  /** Items of a list (all pages). @example await model.lists.items('Products', { includeAll: true }) */
  async items(
    list: Selector,
    params: { includeAll?: boolean } = {},
    options?: RequestOptions,
  ): Promise<ListItem[]> {
    const ro = requestOptions(options)
    const { id } = await this._catalog.list(list, ro)
    return listAll<ListItem>(
      this._host,
      {
        path: `${this._model.ws}${path`/lists/${id}/items`}`,
        ...(params.includeAll ? { query: { includeAll: true } } : {}),
      },
      'listItems',
      ro,
    ).catch(rethrowReadLimit('readListLarge'))
  }

  /**
   * Adds items in batches of 100,000. Not idempotent: never re-sent after an ambiguous failure.
   * Per-item failures come back in `failures` with `requestIndex` into `items`.
   * @example const r = await model.lists.add('Products', [{ name: 'Doohickeys', code: 'DOO' }])
   */
  add(list: Selector, items: ListItemInput[], options?: RequestOptions): Promise<ListWriteResult> {
    return this.#write('add', list, items, options)
  }

  /** Updates items (identified by id, code or name) in batches of 100,000. */
  update(list: Selector, items: ListItemInput[], options?: RequestOptions): Promise<ListWriteResult> {
    return this.#write('update', list, items, options)
  }

  /** Deletes items in batches of 100,000. Not idempotent. */
  delete(list: Selector, items: ListItemInput[], options?: RequestOptions): Promise<ListWriteResult> {
    return this.#write('delete', list, items, options)
  }

  async #write(
    op: 'add' | 'update' | 'delete',
    list: Selector,
    items: ListItemInput[],
    options?: RequestOptions,
  ): Promise<ListWriteResult> {
    const ro = requestOptions(options)
    const { id } = await this._catalog.list(list, ro)
    const p = `${this._model.ws}${path`/lists/${id}/items`}`
    const total: ListWriteResult = {}
    const failures: ItemFailure[] = []
    try {
      for (let start = 0; start < items.length; start += LIST_BATCH) {
        const batch = items.slice(start, start + LIST_BATCH)
        const res = await this._host.request<ListWriteResult>(
          op === 'update'
            ? // PUT by id/code/name sets fields to given values: re-sending it is harmless.
              { method: 'PUT', path: p, body: { items: batch }, idempotent: true }
            : { method: 'POST', path: p, query: { action: op }, body: { items: batch }, idempotent: false },
          ro,
        )
        const r = res.data ?? {}
        for (const k of ['added', 'updated', 'deleted', 'ignored', 'total'] as const) {
          if (typeof r[k] === 'number') total[k] = (total[k] ?? 0) + r[k]
        }
        for (const f of r.failures ?? []) failures.push({ ...f, requestIndex: f.requestIndex + start })
      }
    } finally {
      // Even a failed batch may have changed the list (earlier batches, or an ambiguous failure).
      this._catalog.invalidateList(id)
    }
    if (failures.length) total.failures = failures
    return total
  }

  /**
   * Reads every item of a list (with subsets and properties) through a list read request
   * (reference §6.3), yielding CSV pages; the request is deleted at the end.
   * @throws {ReadRequestFailedError} When Anaplan reports the read failed or cancelled it.
   * @example for await (const page of model.lists.readLarge('Employees')) out.write(page)
   */
  async *readLarge(list: Selector, options: LargeReadOptions = {}): AsyncIterable<string> {
    const l = await this._catalog.list(list, requestOptions(options))
    yield* readLarge(
      this._host,
      (ms, s) => this._sleep(ms, s),
      {
        base: `${this._model.ws}${path`/lists/${l.id}/readRequests`}`,
        key: 'listReadRequest',
        what: `list "${l.name}"`,
        raw: options.rawPages === true,
      },
      options,
    )
  }
}
