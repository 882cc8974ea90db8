/**
 * Following `meta.paging` to the end. The next offset is `offset + currentPageSize`, never the
 * `next` URL (live `next` links can lag behind what was returned), and a short result is an error,
 * never a silent truncation.
 */
import type { Paging } from '../api.ts'
import { ProtocolError } from '../errors.ts'

export interface Page<T> {
  items: T[]
  paging?: Paging | undefined
}

/** Safety valve against a server that keeps returning pages forever. */
const MAX_PAGES = 10_000

/**
 * Collects every item of a paged listing.
 * @param fetchPage loads the page starting at `offset` (first call: 0).
 * @throws {ProtocolError} When the server stops before `totalSize` items arrived.
 */
export async function collectPages<T>(fetchPage: (offset: number) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = []
  let offset = 0
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await fetchPage(offset)
    all.push(...page.items)
    const p = page.paging
    if (!p) return all
    const size = p.currentPageSize ?? page.items.length
    const reached = (p.offset ?? offset) + size
    if (reached >= p.totalSize) return all
    if (size <= 0 || page.items.length === 0) {
      throw new ProtocolError(
        `Paged listing stopped at ${all.length} of ${p.totalSize} items (empty page at offset ${reached})`,
      )
    }
    offset = reached
  }
  throw new ProtocolError(`Paged listing did not finish after ${MAX_PAGES} pages`)
}
