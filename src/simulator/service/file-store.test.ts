import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { FileStore } from './file-store.ts'

const dirs: string[] = []
function store(): FileStore {
  const dir = mkdtempSync(join(tmpdir(), 'sim-files-'))
  dirs.push(dir)
  return new FileStore(dir)
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function text(iter: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = []
  for await (const p of iter) parts.push(p)
  return Buffer.concat(parts).toString('utf8')
}

const key = { modelId: 'M', userId: 'U', fileId: '113000000000' }

describe('FileStore', () => {
  it('stores raw and gzip chunks and reads them back in order', async () => {
    const files = store()
    await files.begin(key, 2)
    await files.putChunk(key, 1, Readable.from([gzipSync('world')]), true)
    await files.putChunk(key, 0, Readable.from([Buffer.from('hello ')]), false)
    expect(files.chunkIds(key)).toEqual([0, 1])
    expect(files.chunkCount(key)).toBe(2)
    expect(await text(files.readAll(key))).toBe('hello world')
    expect(await files.size(key)).toBe(11)
  })

  it('counts chunks of a streaming upload on complete', async () => {
    const files = store()
    await files.begin(key, -1)
    for (const i of [0, 1, 2]) await files.putChunk(key, i, Readable.from([Buffer.from(String(i))]), false)
    expect(files.chunkCount(key)).toBe(3)
    files.complete(key)
    expect(files.chunkCount(key)).toBe(3)
  })

  it('splits generated content into chunks of the given size', async () => {
    const files = store()
    async function* gen() {
      yield 'abcdefg'
      yield 'hij'
    }
    expect(await files.writeGenerated(key, gen(), 4)).toBe(3)
    expect(await text(files.readAll(key))).toBe('abcdefghij')
    expect(await text(files.readChunk(key, 1) as AsyncIterable<Buffer>)).toBe('efgh')
  })

  it('keeps users apart and deletes only the own content', async () => {
    const files = store()
    const other = { ...key, userId: 'V' }
    await files.putWhole(key, Readable.from([Buffer.from('mine')]))
    expect(files.chunkIds(other)).toBeUndefined()
    expect(await files.delete(key)).toBe(true)
    expect(files.chunkIds(key)).toBeUndefined()
  })
})
