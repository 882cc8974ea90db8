/** Redirects are reported, never followed, over both wires. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AnaplanClient } from '../client.ts'
import { APIError } from '../errors.ts'
import { closeServer } from '../testing/server.ts'

let server: Server | undefined
afterEach(async () => {
  const s = server
  server = undefined
  await closeServer(s)
})

describe.each([
  { name: 'node:http', wire: {} },
  { name: 'fetch', wire: { fetch: globalThis.fetch } },
])('a redirect from the API ($name)', ({ wire }) => {
  it('fails with an APIError naming where it was sent, and nothing is requested there', async () => {
    const seen: string[] = []
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/token/authenticate') {
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            status: 'SUCCESS',
            tokenInfo: { tokenValue: 't1', expiresAt: Date.now() + 3.6e6, tokenId: 'i' },
          }),
        )
        return
      }
      res.writeHead(301, { location: '/elsewhere/2/0/users/me?token=secret-value' })
      res.end()
    })
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const client = new AnaplanClient({
      authUrl: base,
      apiUrl: `${base}/2/0`,
      credentials: { kind: 'basic', username: 'a@example.com', password: 'pw-123456' },
      ...wire,
    })
    const error = await client.users.me().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(301)
    expect((error as APIError).message).toBe(
      `GET ${base}/2/0/users/me was redirected (301) to ${base}/elsewhere/2/0/users/me?token=REDACTED; the client does not follow redirects: check authUrl/apiUrl`,
    )
    expect(seen).toEqual(['POST /token/authenticate', 'GET /2/0/users/me'])
  })
})
