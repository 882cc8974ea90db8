import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../errors.ts'
import { collectPages } from './pagination.ts'

describe('collectPages', () => {
  it('follows offset + currentPageSize even when the server returns short pages', async () => {
    const data = Array.from({ length: 12 }, (_, i) => i)
    const offsets: number[] = []
    // The server caps pages at 5 whatever was asked, like Anaplan's silent 5000 cap.
    const items = await collectPages(async (offset) => {
      offsets.push(offset)
      const page = data.slice(offset, offset + 5)
      return { items: page, paging: { offset, currentPageSize: page.length, totalSize: data.length } }
    })
    expect(items).toEqual(data)
    expect(offsets).toEqual([0, 5, 10])
  })

  it('returns a single unpaged response as is', async () => {
    expect(await collectPages(async () => ({ items: ['a'] }))).toEqual(['a'])
  })

  it('throws instead of silently truncating when pages stop early', async () => {
    await expect(
      collectPages(async (offset) =>
        offset === 0
          ? { items: [1, 2], paging: { offset: 0, currentPageSize: 2, totalSize: 5 } }
          : { items: [], paging: { offset, currentPageSize: 0, totalSize: 5 } },
      ),
    ).rejects.toBeInstanceOf(ProtocolError)
  })
})
