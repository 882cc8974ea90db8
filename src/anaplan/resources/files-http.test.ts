/**
 * The streamed download path over real sockets, through both wires (the default `node:http` one
 * and Node's own fetch, undici): the unit tests in files.test.ts script the failures, these check
 * that each wire's real errors for a dropped, stalled or aborted body are the ones the client
 * recognises.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AnaplanClient } from '../client.ts'
import { AbortError, TimeoutError } from '../errors.ts'
import { closeServer } from '../testing/server.ts'

const CHUNK = 256 * 1024
const FILE = '116000000001'

function content(id: number): Buffer {
  const b = Buffer.allocUnsafe(CHUNK)
  for (let i = 0; i < CHUNK; i++) b[i] = (i * 13 + id * 5) % 251
  return b
}

type ChunkHandler = (id: number, call: number, res: ServerResponse) => void

let server: Server | undefined
afterEach(async () => {
  const s = server
  server = undefined
  await closeServer(s)
})

/** A minimal Anaplan: token, file listing, chunk listing, and chunks served by `onChunk`. */
async function anaplan(
  chunks: number,
  onChunk: ChunkHandler,
  wire: { fetch?: typeof fetch },
): Promise<AnaplanClient> {
  const calls = new Map<number, number>()
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? ''
    const json = (body: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url === '/token/authenticate') {
      return json({
        status: 'SUCCESS',
        tokenInfo: { tokenValue: 't1', expiresAt: Date.now() + 3.6e6, tokenId: 'i' },
      })
    }
    if (url.endsWith('/files')) return json({ files: [{ id: FILE, name: 'Revenue Export' }] })
    if (url.endsWith(`/files/${FILE}/chunks`)) {
      return json({
        chunks: Array.from({ length: chunks }, (_, i) => ({ id: String(i), name: `Chunk ${i}` })),
      })
    }
    const m = /\/chunks\/(\d+)$/.exec(url)
    if (m) {
      const id = Number(m[1])
      const call = (calls.get(id) ?? 0) + 1
      calls.set(id, call)
      return onChunk(id, call, res)
    }
    json({ status: { code: 404 } }, 404)
  })
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return new AnaplanClient({
    authUrl: `http://127.0.0.1:${port}`,
    apiUrl: `http://127.0.0.1:${port}/2/0`,
    credentials: { kind: 'basic', username: 'a@example.com', password: 'pw-123456' },
    timeoutMs: 500,
    sleep: async () => undefined,
    ...wire,
  })
}

/** Sends the whole chunk in pieces of 16 KiB (chunked encoding, as the simulator does). */
function serve(id: number, res: ServerResponse, stopAfter?: number, stall = false): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' })
  const bytes = content(id)
  let offset = 0
  const step = () => {
    if (stopAfter !== undefined && offset >= stopAfter) {
      if (!stall) res.socket?.destroy()
      return
    }
    if (offset >= bytes.length) return void res.end()
    res.write(bytes.subarray(offset, offset + 16 * 1024))
    offset += 16 * 1024
    setImmediate(step)
  }
  step()
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of it) parts.push(p)
  return Buffer.concat(parts)
}

describe.each([
  { name: 'node:http', wire: {} },
  { name: 'fetch', wire: { fetch: globalThis.fetch } },
])('streamed download over real sockets ($name)', ({ wire }) => {
  it('resumes a chunk whose connection drops midway, without duplicated bytes', async () => {
    const client = await anaplan(
      3,
      (id, call, res) => serve(id, res, id === 1 && call === 1 ? 100_000 : undefined),
      wire,
    )
    const got = await collect(client.modelById('ws1', 'M1').download(FILE))
    expect(got.equals(Buffer.concat([content(0), content(1), content(2)]))).toBe(true)
    expect(client.stats.retriesByReason).toEqual({ reset: 1 })
  })

  it('times out a body that stops arriving, then resumes it', async () => {
    const client = await anaplan(
      1,
      (id, call, res) => serve(id, res, call === 1 ? 64 * 1024 : undefined, true),
      wire,
    )
    const got = await collect(client.modelById('ws1', 'M1').download(FILE))
    expect(got.equals(content(0))).toBe(true)
    expect(client.stats.retriesByReason).toEqual({ timeout: 1 })
  })

  it('ends with AbortError, not a retry, when the caller aborts mid-body', async () => {
    const controller = new AbortController()
    const client = await anaplan(
      2,
      (id, _call, res) => serve(id, res, id === 0 ? 64 * 1024 : undefined, true),
      wire,
    )
    let received = 0
    const run = (async () => {
      for await (const p of client.modelById('ws1', 'M1').download(FILE, { signal: controller.signal })) {
        received += p.byteLength
        if (received >= 32 * 1024) controller.abort()
      }
    })()
    await expect(run).rejects.toBeInstanceOf(AbortError)
    expect(client.stats.retries).toBe(0)
    expect(received).toBeLessThanOrEqual(64 * 1024)
  })

  it('fails with TimeoutError when every attempt stalls', async () => {
    const client = await anaplan(1, (id, _call, res) => serve(id, res, 16 * 1024, true), wire)
    await expect(
      collect(client.withOptions({ maxRetries: 1 }).modelById('ws1', 'M1').download(FILE)),
    ).rejects.toBeInstanceOf(TimeoutError)
  })
})
