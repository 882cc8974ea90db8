import { IncomingMessage, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Socket } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PayloadTooLargeError, readBodyText } from './http.ts'

const LIMIT = 1024

function echoApp(): Hono {
  const app = new Hono()
  app.onError((err, c) =>
    err instanceof PayloadTooLargeError ? c.json({ error: err.message }, 413) : c.json({ error: 'x' }, 500),
  )
  app.post('/echo', async (c) => c.json({ body: await readBodyText(c, LIMIT) }))
  return app
}

/** Sends `pieces` as separate writes (chunked unless a length is given). */
function send(port: number, pieces: Buffer[], headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ port, method: 'POST', path: '/echo', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    for (const p of pieces) req.write(p)
    req.end()
  })
}

describe('readBodyText over @hono/node-server', () => {
  let server: ReturnType<typeof serve>
  let port = 0
  beforeAll(async () => {
    server = await new Promise((resolve) => {
      const s = serve({ fetch: echoApp().fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('reads a body sent in pieces, with a character split between them', async () => {
    const text = '{"text":"Überblick €"}'
    const bytes = Buffer.from(text)
    const cut = bytes.indexOf(Buffer.from('€')) + 1
    const res = await send(port, [bytes.subarray(0, cut), bytes.subarray(cut)])
    expect(res).toEqual({ status: 200, body: JSON.stringify({ body: text }) })
  })

  it('refuses a chunked body past the limit and keeps serving', async () => {
    const res = await send(port, [Buffer.alloc(800, 97), Buffer.alloc(800, 98)])
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toEqual({ error: `Request body exceeds ${LIMIT} bytes.` })
    expect((await send(port, [Buffer.from('ok')])).body).toBe('{"body":"ok"}')
  })

  it('refuses on Content-Length before reading', async () => {
    const res = await send(port, [Buffer.alloc(2000, 97)], { 'content-length': '2000' })
    expect(res.status).toBe(413)
  })
})

describe('readBodyText elsewhere', () => {
  it('reads the web body through app.request() and enforces the limit there too', async () => {
    const app = echoApp()
    const ok = await app.request('/echo', { method: 'POST', body: 'hello' })
    expect(await ok.json()).toEqual({ body: 'hello' })
    const big = await app.request('/echo', { method: 'POST', body: 'x'.repeat(LIMIT + 1) })
    expect(big.status).toBe(413)
  })

  it('takes the body the Functions Framework already read (rawBody)', async () => {
    const incoming = new IncomingMessage(new Socket()) as IncomingMessage & { rawBody?: Buffer }
    incoming.rawBody = Buffer.from('from rawBody')
    const res = await echoApp().fetch(new Request('http://x/echo', { method: 'POST' }), { incoming })
    expect(await res.json()).toEqual({ body: 'from rawBody' })
    incoming.rawBody = Buffer.alloc(LIMIT + 1)
    const big = await echoApp().fetch(new Request('http://x/echo', { method: 'POST' }), { incoming })
    expect(big.status).toBe(413)
  })
})
