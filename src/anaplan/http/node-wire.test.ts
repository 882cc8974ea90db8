/** The `node:http` wire against a real loopback server: bodies, headers, pooling, backpressure, failures. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { closeServer } from '../testing/server.ts'
import { nodeWire } from './node-wire.ts'
import type { WireResponse } from './wire.ts'

let server: Server | undefined
const sockets = new Set<Socket>()

afterEach(async () => {
  const s = server
  server = undefined
  await closeServer(s)
  sockets.clear()
})

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler)
  server.on('connection', (s) => sockets.add(s))
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function readAll(res: WireResponse): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for (;;) {
    const r = await res.read()
    if (r.done) return Buffer.concat(parts)
    parts.push(r.value)
  }
}

const wire = nodeWire()
const get = (url: string, signal = new AbortController().signal) =>
  wire({ method: 'GET', url, headers: { accept: 'application/json' }, signal })

describe('node:http wire', () => {
  it('answers status, case-insensitive headers and the body, and reuses the connection', async () => {
    const base = await listen((_req, res) => {
      res.setHeader('Content-Type', 'application/json')
      res.setHeader('Set-Cookie', ['a=1', 'b=2'])
      res.end('{"ok":true}')
    })
    const first = await get(`${base}/x`)
    expect(first.status).toBe(200)
    expect(first.headers.get('CONTENT-TYPE')).toBe('application/json')
    expect(first.headers.get('set-cookie')).toBe('a=1, b=2')
    expect(first.headers.has('x-missing')).toBe(false)
    expect(first.headers.get('x-missing')).toBeNull()
    const seen: string[] = []
    first.headers.forEach((_v, k) => {
      seen.push(k)
    })
    expect(seen).toContain('content-type')
    expect(JSON.parse(await first.text())).toEqual({ ok: true })
    const second = await get(`${base}/y`)
    expect(await second.text()).toBe('{"ok":true}')
    expect(sockets.size).toBe(1)
  })

  it('sends string and byte bodies whole, with their byte length', async () => {
    const got: { length: string | undefined; body: Buffer }[] = []
    const base = await listen((req, res) => {
      const parts: Buffer[] = []
      req.on('data', (p: Buffer) => parts.push(p))
      req.on('end', () => {
        got.push({ length: req.headers['content-length'], body: Buffer.concat(parts) })
        res.end()
      })
    })
    const signal = new AbortController().signal
    const text = '{"name":"Zürich – ✓"}'
    await (await wire({ method: 'POST', url: base, headers: {}, body: text, signal })).cancel()
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251)
    await (await wire({ method: 'PUT', url: base, headers: {}, body: bytes, signal })).cancel()
    expect(got[0]).toEqual({ length: String(Buffer.byteLength(text)), body: Buffer.from(text) })
    expect(got[1]?.length).toBe('300000')
    expect(got[1]?.body.equals(bytes)).toBe(true)
  })

  it('sends the path and query URL parsing makes of the URL, and the Host of its origin', async () => {
    const seen: { url: string | undefined; host: string | undefined }[] = []
    const base = await listen((req, res) => {
      seen.push({ url: req.url, host: req.headers.host })
      res.end()
    })
    const paths = [
      '/2/0/models/M1/views/V1/data?format=v1&pages=1%3A2%2C3%3A4',
      "/a(b)!$&*+,;=:@~-_.x/?q=1&r=a+b&s=%20'",
      '/a/./b/../c',
      '/a/%2E%2e/b',
      '/with space/and "quotes"',
      '/back\\slash',
      '/ünï?q=ç',
      '/x?',
      '/x#fragment',
      '',
      '?only=query',
    ]
    for (const p of paths) await (await get(`${base}${p}`)).cancel()
    expect(seen).toEqual(
      paths.map((p) => {
        const u = new URL(`${base}${p}`)
        return { url: `${u.pathname}${u.search}`, host: u.host }
      }),
    )
  })

  it('stops reading from the socket while the consumer does not pull (bounded memory)', async () => {
    const piece = Buffer.alloc(64 * 1024, 7)
    let accepted = 0
    let blocked = false
    const base = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      const pump = () => {
        while (accepted < 256 * 1024 * 1024) {
          accepted += piece.length
          if (!res.write(piece)) {
            blocked = true
            res.once('drain', pump)
            return
          }
        }
        res.end()
      }
      pump()
    })
    const res = await get(base)
    expect((await res.read()).done).toBe(false)
    await new Promise((r) => setTimeout(r, 300))
    // Read-ahead (16 pieces) plus the kernel's socket buffers: a few MiB, never the 256 MiB offered.
    expect(blocked).toBe(true)
    expect(accepted).toBeLessThan(32 * 1024 * 1024)
    await res.cancel()
  })

  it('rejects a read when the connection drops before the body ends', async () => {
    const base = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' })
      res.write(Buffer.alloc(1000))
      setTimeout(() => res.socket?.destroy(), 20)
    })
    const res = await get(base)
    await expect(readAll(res)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|PREMATURE/) })
  })

  it('fails the first read of a body whose connection dropped before anyone read it', async () => {
    const base = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' })
      res.write(Buffer.alloc(1000), () => setTimeout(() => res.socket?.destroy(), 10))
    })
    const res = await get(base)
    await new Promise((r) => setTimeout(r, 100))
    await expect(readAll(res)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|PREMATURE/) })
  })

  it('fails the send and a pending read when the signal fires', async () => {
    const base = await listen((req, res) => {
      if (req.url === '/slow-headers') return
      res.writeHead(200)
      res.write('first')
    })
    const early = new AbortController()
    const pending = get(`${base}/slow-headers`, early.signal)
    setTimeout(() => early.abort(), 20)
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })

    const late = new AbortController()
    const res = await get(`${base}/body`, late.signal)
    expect(Buffer.from((await res.read()).value ?? []).toString()).toBe('first')
    const next = res.read()
    late.abort()
    await expect(next).rejects.toBeInstanceOf(Error)
  })

  it('cancel() cuts a body still arriving and keeps a finished one’s connection', async () => {
    let closed = 0
    const base = await listen((req, res) => {
      res.on('close', () => {
        if (!res.writableFinished) closed++
      })
      if (req.url === '/big') {
        res.writeHead(200)
        res.write(Buffer.alloc(64 * 1024))
        return
      }
      res.end('small')
    })
    const big = await get(`${base}/big`)
    await big.cancel()
    await new Promise((r) => setTimeout(r, 50))
    expect(closed).toBe(1)

    sockets.clear()
    const small = await get(`${base}/small`)
    await new Promise((r) => setTimeout(r, 20))
    await small.cancel()
    await (await get(`${base}/small`)).text()
    expect(sockets.size).toBe(1)
  })

  it('closes idle connections after the idle timeout, but not a slow response', async () => {
    const base = await listen((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 300)
      else res.end('ok')
    })
    const quick = nodeWire({ idleTimeoutMs: 100 })
    const call = async (path: string) =>
      (
        await quick({
          method: 'GET',
          url: `${base}${path}`,
          headers: {},
          signal: new AbortController().signal,
        })
      ).text()
    expect(await call('/slow')).toBe('late')
    expect(await call('/a')).toBe('ok')
    expect(sockets.size).toBe(1)
    await new Promise((r) => setTimeout(r, 250))
    expect(await call('/b')).toBe('ok')
    expect(sockets.size).toBe(2)
  })

  it('rejects with the system error code when nothing listens', async () => {
    const base = await listen(() => undefined)
    server?.close()
    await new Promise((r) => setTimeout(r, 20))
    await expect(get(base)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})

describe('node:http wire over TLS', () => {
  // NODE_EXTRA_CA_CERTS is read once at process start, so the client runs in a child process: with
  // the test CA it must connect, verify and reuse the connection; without it, refuse the server.
  const script = (url: string) => `
    import { nodeWire } from ${JSON.stringify(new URL('./node-wire.ts', import.meta.url).pathname)}
    const wire = nodeWire()
    try {
      for (let i = 0; i < 2; i++) {
        const res = await wire({ method: 'GET', url: ${JSON.stringify(url)}, headers: {}, signal: new AbortController().signal })
        console.log(res.status, await res.text())
      }
    } catch (e) { console.log('error', e.code) }`

  it('verifies the server against the trusted CAs and reuses the connection', async () => {
    const { generateServerCertificate } = await import('../testing/certificate.ts')
    const { certPem, keyPem } = await generateServerCertificate()
    const { createServer: createHttpsServer } = await import('node:https')
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { execFile } = await import('node:child_process')
    const tls = createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('secure'))
    let connections = 0
    tls.on('secureConnection', () => connections++)
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r))
    const dir = await mkdtemp(join(tmpdir(), 'wire-tls-'))
    try {
      const ca = join(dir, 'ca.pem')
      await writeFile(ca, certPem)
      const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/x`
      const run = (extraCa: string | undefined) =>
        new Promise<string>((resolve, reject) => {
          const { NODE_EXTRA_CA_CERTS: _inherited, ...rest } = process.env
          const env = extraCa ? { ...rest, NODE_EXTRA_CA_CERTS: extraCa } : rest
          execFile(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '-e', script(url)],
            { env, timeout: 20_000 },
            (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
          )
        })
      expect(await run(ca)).toBe('200 secure\n200 secure')
      expect(connections).toBe(1)
      expect(await run(undefined)).toMatch(/^error (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/)
    } finally {
      tls.closeAllConnections()
      await new Promise((r) => tls.close(r))
      await rm(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
