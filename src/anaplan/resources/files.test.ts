import { execFileSync } from 'node:child_process'
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnaplanClientOptions } from '../client.ts'
import { AnaplanClient } from '../client.ts'
import { AbortError, ConnectionError, ProtocolError, TimeoutError } from '../errors.ts'
import {
  authRoutes,
  createFakeFetch,
  envelope,
  type FakeFetch,
  type RecordedRequest,
} from '../testing/fake-fetch.ts'
import { MiB } from './files.ts'

const WSM = '/2/0/workspaces/ws1/models/M1'
const FILE = '116000000001'
const CHUNK_PATH = `${WSM}/files/${FILE}/chunks/*`

function setup(extra: Partial<AnaplanClientOptions> = {}) {
  let t = 1_700_000_000_000
  const now = () => t
  const fake = createFakeFetch(authRoutes(now))
  const delays: number[] = []
  const client = new AnaplanClient({
    authUrl: 'https://auth.example.test',
    apiUrl: 'https://api.example.test/2/0',
    credentials: { kind: 'basic', username: 'a@example.com', password: 'pw-123456' },
    // Late-bound, so a test can wrap `fake.fetch` after the client is made.
    fetch: (input, init) => fake.fetch(input, init),
    now,
    random: () => 1,
    sleep: async (ms) => {
      delays.push(ms)
      t += ms
    },
    ...extra,
  })
  fake.on('GET', `${WSM}/files`, () => envelope({ files: [{ id: FILE, name: 'Revenue Export' }] }))
  return { client, fake, delays, model: client.modelById('ws1', 'M1') }
}

/** Deterministic content for chunk `id`: `size` bytes that differ from chunk to chunk. */
function content(id: number, size: number): Uint8Array {
  const b = new Uint8Array(size)
  for (let i = 0; i < size; i++) b[i] = (i * 31 + id * 7) % 251
  return b
}

interface BodyPlan {
  /** Piece sizes the body is cut into. */
  pieces: number[]
  /** Fail with a socket error after this many pieces. */
  failAfter?: number
  /** Send nothing more after this many pieces (until the request's signal aborts). */
  stallAfter?: number
  /** Called when the body is read to its end or cancelled. */
  onClose?: () => void
  /** Called before each piece is handed over; may wait (a slow network). */
  beforePiece?: (index: number) => Promise<void>
}

/**
 * A streamed response shaped like undici's: aborting the request's signal errors the body, and a
 * dropped socket surfaces as `TypeError('terminated')` with an `UND_ERR_SOCKET` cause.
 */
function streamed(req: RecordedRequest, bytes: Uint8Array, plan: BodyPlan): Response {
  let index = 0
  let offset = 0
  let closed = false
  const close = () => {
    if (!closed) {
      closed = true
      plan.onClose?.()
    }
  }
  let stalled: ((e: unknown) => void) | undefined
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.signal?.addEventListener('abort', () => {
          const e = new DOMException('This operation was aborted', 'AbortError')
          stalled?.(e)
          try {
            controller.error(e)
          } catch {}
          close()
        })
      },
      async pull(controller) {
        if (plan.failAfter !== undefined && index === plan.failAfter) {
          close()
          controller.error(
            Object.assign(new TypeError('terminated'), {
              cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
            }),
          )
          return
        }
        if (plan.stallAfter !== undefined && index === plan.stallAfter) {
          await new Promise((_, reject) => {
            stalled = reject
          }).catch(() => undefined)
          return
        }
        const size = plan.pieces[index]
        if (size === undefined || offset >= bytes.byteLength) {
          controller.close()
          close()
          return
        }
        await plan.beforePiece?.(index)
        controller.enqueue(bytes.slice(offset, offset + size))
        offset += size
        index++
      },
      cancel() {
        close()
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, {
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
  })
}

function chunkList(fake: FakeFetch, count: number): void {
  fake.on('GET', `${WSM}/files/${FILE}/chunks`, () =>
    envelope({ chunks: Array.from({ length: count }, (_, i) => ({ id: String(i), name: `Chunk ${i}` })) }),
  )
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of it) parts.push(p)
  return Buffer.concat(parts)
}

const chunkId = (req: RecordedRequest) => Number(req.path.split('/').pop())

describe('download', () => {
  it('re-fetches a chunk whose body fails midway and skips the bytes already delivered', async () => {
    const { model, fake, client } = setup()
    chunkList(fake, 2)
    const size = 10_000
    fake.on('GET', CHUNK_PATH, (req, call) => {
      const id = chunkId(req)
      // Chunk 0's first response dies after 2.5 KB; the resend is cut differently, so the skip
      // must split a piece.
      if (id === 0 && call === 1)
        return streamed(req, content(0, size), { pieces: [1000, 1500, 3000], failAfter: 2 })
      return streamed(req, content(id, size), { pieces: [700, 700, 4000, 4600] })
    })
    const got = await collect(model.download(FILE))
    expect(got.equals(Buffer.concat([content(0, size), content(1, size)]))).toBe(true)
    expect(fake.callsTo('GET', CHUNK_PATH).map(chunkId).sort()).toEqual([0, 0, 1])
    expect(client.stats.retriesByReason).toEqual({ reset: 1 })
  })

  it('gives up with ConnectionError once the retries are spent, without duplicating bytes', async () => {
    const { model, fake } = setup({ maxRetries: 2 })
    chunkList(fake, 1)
    fake.on('GET', CHUNK_PATH, (req) =>
      streamed(req, content(0, 3000), { pieces: [1000, 1000, 1000], failAfter: 1 }),
    )
    const seen: Uint8Array[] = []
    const error = await (async () => {
      for await (const p of model.download(FILE)) seen.push(p)
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(fake.callsTo('GET', CHUNK_PATH)).toHaveLength(3)
    // Only the first response's first piece got through; the resends repeat it and it is skipped.
    expect(Buffer.concat(seen).equals(content(0, 3000).subarray(0, 1000))).toBe(true)
  })

  it('refuses to splice a resent chunk whose length changed', async () => {
    const { model, fake } = setup()
    chunkList(fake, 1)
    fake.on('GET', CHUNK_PATH, (req, call) =>
      call === 1
        ? streamed(req, content(0, 3000), { pieces: [1000, 1000, 1000], failAfter: 1 })
        : streamed(req, content(0, 2500), { pieces: [2500] }),
    )
    await expect(collect(model.download(FILE))).rejects.toBeInstanceOf(ProtocolError)
  })

  it('times out a stalled body per read and resumes the chunk', async () => {
    const { model, fake, client } = setup({ timeoutMs: 40 })
    chunkList(fake, 1)
    fake.on('GET', CHUNK_PATH, (req, call) =>
      call === 1
        ? streamed(req, content(0, 3000), { pieces: [1000, 1000, 1000], stallAfter: 1 })
        : streamed(req, content(0, 3000), { pieces: [3000] }),
    )
    const got = await collect(model.download(FILE))
    expect(got.equals(Buffer.from(content(0, 3000)))).toBe(true)
    expect(client.stats.retriesByReason).toEqual({ timeout: 1 })
  })

  it('fails with TimeoutError when a body stalls and no retry is left', async () => {
    const { model, fake } = setup({ timeoutMs: 40, maxRetries: 0 })
    chunkList(fake, 1)
    fake.on('GET', CHUNK_PATH, (req) =>
      streamed(req, content(0, 3000), { pieces: [1000, 1000, 1000], stallAfter: 1 }),
    )
    await expect(collect(model.download(FILE))).rejects.toBeInstanceOf(TimeoutError)
  })

  it('does not time out a body the consumer is slow to read', async () => {
    const { model, fake, client } = setup({ timeoutMs: 30 })
    chunkList(fake, 1)
    fake.on('GET', CHUNK_PATH, (req) => streamed(req, content(0, 3000), { pieces: [1000, 1000, 1000] }))
    const parts: Uint8Array[] = []
    for await (const p of model.download(FILE)) {
      parts.push(p)
      await new Promise((r) => setTimeout(r, 60))
    }
    expect(Buffer.concat(parts).equals(content(0, 3000))).toBe(true)
    expect(client.stats.retries).toBe(0)
  })

  it('keeps at most two chunk requests open while a slow consumer reads', async () => {
    const { model, fake } = setup()
    const count = 6
    chunkList(fake, count)
    let open = 0
    let maxOpen = 0
    fake.on('GET', CHUNK_PATH, (req) => {
      open++
      maxOpen = Math.max(maxOpen, open)
      return streamed(req, content(chunkId(req), 4000), {
        pieces: [1000, 1000, 1000, 1000],
        onClose: () => open--,
      })
    })
    const parts: Uint8Array[] = []
    const requestedWhenRead: number[] = []
    for await (const p of model.download(FILE)) {
      parts.push(p)
      requestedWhenRead.push(fake.callsTo('GET', CHUNK_PATH).length)
      await new Promise((r) => setTimeout(r, 1))
    }
    expect(
      Buffer.concat(parts).equals(Buffer.concat(Array.from({ length: count }, (_, i) => content(i, 4000)))),
    ).toBe(true)
    expect(maxOpen).toBe(2)
    expect(open).toBe(0)
    // While chunk n (pieces 4n..4n+3) is read, chunks up to n+1 and never n+2 have been requested.
    requestedWhenRead.forEach((requested, piece) => {
      expect(requested).toBeLessThanOrEqual(Math.floor(piece / 4) + 2)
    })
  })

  it('releases the chunk requested ahead when the consumer stops early', async () => {
    const { model, fake } = setup()
    chunkList(fake, 3)
    let open = 0
    fake.on('GET', CHUNK_PATH, (req) => {
      open++
      return streamed(req, content(chunkId(req), 2000), { pieces: [1000, 1000], onClose: () => open-- })
    })
    for await (const _ of model.download(FILE)) break
    expect(fake.callsTo('GET', CHUNK_PATH).length).toBeLessThanOrEqual(2)
    expect(open).toBe(0)
  })

  it('stops with AbortError when the caller aborts mid-chunk, aborting the request ahead too', async () => {
    const { model, fake } = setup()
    chunkList(fake, 3)
    const controller = new AbortController()
    fake.on('GET', CHUNK_PATH, (req) =>
      streamed(req, content(chunkId(req), 3000), {
        pieces: [1000, 1000, 1000],
        beforePiece: async (i) => {
          if (chunkId(req) === 0 && i === 1) controller.abort()
        },
      }),
    )
    const seen: Uint8Array[] = []
    const error = await (async () => {
      for await (const p of model.download(FILE, { signal: controller.signal })) seen.push(p)
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect(Buffer.concat(seen).equals(content(0, 3000).subarray(0, 1000))).toBe(true)
    const gets = fake.callsTo('GET', CHUNK_PATH)
    expect(gets.map(chunkId)).toEqual([0, 1])
    expect(gets.every((g) => g.signal?.aborted)).toBe(true)
  })
})

describe('downloadToFile', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'files-test-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes every chunk once, across a mid-body failure', async () => {
    const { model, fake } = setup()
    chunkList(fake, 3)
    fake.on('GET', CHUNK_PATH, (req, call) => {
      const id = chunkId(req)
      return streamed(req, content(id, 5000), {
        pieces: [1200, 1200, 1200, 1400],
        ...(id === 1 && call === 2 ? { failAfter: 3 } : {}),
      })
    })
    const out = join(dir, 'out.csv')
    const n = await model.downloadToFile(FILE, out)
    const expected = Buffer.concat([0, 1, 2].map((i) => content(i, 5000)))
    expect(n).toBe(expected.length)
    expect((await readFile(out)).equals(expected)).toBe(true)
  })

  it('removes the partial file when aborted mid-download', async () => {
    const { model, fake } = setup()
    chunkList(fake, 2)
    const controller = new AbortController()
    fake.on('GET', CHUNK_PATH, (req) =>
      streamed(req, content(chunkId(req), 3000), {
        pieces: [1000, 1000, 1000],
        beforePiece: async (i) => {
          if (chunkId(req) === 1 && i === 1) controller.abort()
        },
      }),
    )
    const out = join(dir, 'out.csv')
    await expect(model.downloadToFile(FILE, out, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    )
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('upload', () => {
  function uploadRoutes(fake: FakeFetch, opts: { delayMs?: number } = {}) {
    const puts: { index: number; body: Buffer; gzip: boolean; length: string | null }[] = []
    let inFlight = 0
    let maxInFlight = 0
    fake.on('GET', `${WSM}/files`, () => envelope({ files: [{ id: '113000000007', name: 'big.csv' }] }))
    fake.on('POST', `${WSM}/files/113000000007`, () =>
      envelope({ file: { id: '113000000007', name: 'big.csv' } }),
    )
    fake.on('POST', `${WSM}/files/113000000007/complete`, (req) =>
      envelope({
        file: {
          id: '113000000007',
          name: 'big.csv',
          chunkCount: (req.json as { chunkCount: number }).chunkCount,
        },
      }),
    )
    const base = fake.fetch
    // The body is read only after a pause, as a slow network would: a chunk buffer reused too early
    // would be overwritten by the next read before it is "sent".
    fake.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      if (init?.method !== 'PUT') return base(input, init)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 5))
        return await base(input, init)
      } finally {
        inFlight--
      }
    }) as typeof fetch
    fake.on('PUT', `${WSM}/files/113000000007/chunks/*`, (req) => {
      const gzip = req.headers.get('content-type') === 'application/x-gzip'
      const raw = Buffer.from(req.body ?? new Uint8Array())
      puts.push({
        index: chunkId(req),
        body: gzip ? gunzipSync(raw) : raw,
        gzip,
        length: req.headers.get('content-length'),
      })
      return new Response(null, { status: 204 })
    })
    return { puts, maxInFlight: () => maxInFlight }
  }

  const data = Buffer.concat([0, 1, 2, 3].map((i) => content(i, MiB))).subarray(0, Math.round(3.5 * MiB))

  it('sends a stream source intact through two reused buffers, one chunk in flight at a time', async () => {
    const { model, fake } = setup()
    const routes = uploadRoutes(fake)
    let pulled = 0
    const pulledAtPut: number[] = []
    let offset = 0
    const source = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (offset >= data.length) return controller.close()
          const piece = data.subarray(offset, offset + 200_003)
          offset += piece.length
          pulled += piece.length
          controller.enqueue(piece)
        },
      },
      { highWaterMark: 0 },
    )
    const progress: number[] = []
    const file = await model.upload('big.csv', source, {
      chunkSize: MiB,
      gzip: false,
      onProgress: (n) => {
        progress.push(n)
        pulledAtPut.push(pulled)
      },
    })
    expect(file.chunkCount).toBe(4)
    expect(routes.puts.map((p) => p.index)).toEqual([0, 1, 2, 3])
    expect(Buffer.concat(routes.puts.map((p) => p.body)).equals(data)).toBe(true)
    expect(routes.puts.map((p) => p.length)).toEqual(routes.puts.map((p) => String(p.body.length)))
    expect(routes.maxInFlight()).toBe(1)
    expect(progress).toEqual([MiB, 2 * MiB, 3 * MiB, data.length])
    // When chunk n has been sent, the source has been read at most into chunk n + 2 (one chunk
    // read ahead, plus the piece that straddles the boundary).
    pulledAtPut.forEach((p, n) => {
      expect(p).toBeLessThanOrEqual((n + 2) * MiB + 200_003)
    })
  })

  it('uploads a file path gzipped, chunk by chunk, and an empty file as one empty chunk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'files-up-'))
    try {
      const { model, fake } = setup()
      const routes = uploadRoutes(fake, { delayMs: 1 })
      await writeFile(join(dir, 'a.csv'), data)
      const file = await model.upload('big.csv', { path: join(dir, 'a.csv') }, { chunkSize: MiB })
      expect(file.chunkCount).toBe(4)
      expect(routes.puts.every((p) => p.gzip)).toBe(true)
      expect(Buffer.concat(routes.puts.map((p) => p.body)).equals(data)).toBe(true)
      expect(fake.callsTo('POST', `${WSM}/files/*/complete`)[0]!.json).toMatchObject({ chunkCount: 4 })

      routes.puts.length = 0
      await writeFile(join(dir, 'empty.csv'), '')
      const empty = await model.upload('big.csv', { path: join(dir, 'empty.csv') }, { gzip: false })
      expect(empty.chunkCount).toBe(1)
      expect(routes.puts.map((p) => p.body.length)).toEqual([0])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reads a named pipe given as a path as a stream, in full chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'files-fifo-'))
    try {
      const { model, fake } = setup()
      const routes = uploadRoutes(fake, { delayMs: 1 })
      const fifo = join(dir, 'pipe')
      execFileSync('mkfifo', [fifo])
      // The writer trickles small pieces, so short reads must not be taken for the end of the file.
      const writer = (async () => {
        const h = await open(fifo, 'w')
        for (let o = 0; o < data.length; o += 65_537) await h.write(data.subarray(o, o + 65_537))
        await h.close()
      })()
      const file = await model.upload('big.csv', { path: fifo }, { chunkSize: MiB, gzip: false })
      await writer
      expect(file.chunkCount).toBe(4)
      expect(routes.puts.map((p) => p.body.length)).toEqual([MiB, MiB, MiB, data.length - 3 * MiB])
      expect(Buffer.concat(routes.puts.map((p) => p.body)).equals(data)).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('re-sends the same bytes when a chunk PUT fails with 503', async () => {
    const { model, fake, delays } = setup()
    const routes = uploadRoutes(fake, { delayMs: 0 })
    const put = routes.puts
    fake.on('PUT', `${WSM}/files/113000000007/chunks/1`, (req, call) => {
      if (call === 1) return new Response('{}', { status: 503 })
      put.push({ index: 1, body: Buffer.from(req.body ?? new Uint8Array()), gzip: false, length: null })
      return new Response(null, { status: 204 })
    })
    await model.upload('big.csv', Readable.from([data]), { chunkSize: MiB, gzip: false })
    expect(fake.callsTo('PUT', `${WSM}/files/*/chunks/1`)).toHaveLength(2)
    expect(delays).toHaveLength(1)
    expect(Buffer.concat(put.sort((a, b) => a.index - b.index).map((p) => p.body)).equals(data)).toBe(true)
  })

  it('hands fetch the caller’s bytes without copying them', async () => {
    const { client, fake } = setup()
    const bytes = new Uint8Array(2 * MiB).fill(7)
    let seen: Uint8Array | undefined
    const base = fake.fetch
    fake.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      if (init?.method !== 'PUT') return base(input, init)
      const reader = (init.body as ReadableStream<Uint8Array>).getReader()
      seen = (await reader.read()).value
      return base(input, { ...init, body: (seen ?? null) as BodyInit | null })
    }) as typeof fetch
    fake.on('PUT', '/2/0/x', () => new Response(null, { status: 204 }))
    await client.request({ method: 'PUT', path: '/x', rawBody: bytes, parse: 'none' })
    expect(seen?.buffer).toBe(bytes.buffer)
    expect(fake.callsTo('PUT', '/2/0/x')[0]!.headers.get('content-length')).toBe(String(2 * MiB))
  })
})
