/**
 * Child-process entry of {@link startProxyProcess}: the smallest server that does a turn's Anaplan
 * work: it takes a chat request, makes one read (the URL given, with a token fetched once) and
 * returns the data as JSON. The `turn-cpu` benchmark compares the bot's CPU per turn with its.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BotProcessMessage } from './processes.ts'

const [authUrl, dataUrl, username, password] = process.argv.slice(2)
const send = (m: BotProcessMessage) => process.send?.(m)

try {
  if (!authUrl || !dataUrl || !username || !password)
    throw new Error('usage: proxy-main.ts <auth url> <data url> <username> <password>')
  const auth = await fetch(`${authUrl}/token/authenticate`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
  })
  const token = ((await auth.json()) as { tokenInfo?: { tokenValue?: string } }).tokenInfo?.tokenValue
  if (!token) throw new Error(`authenticate answered ${auth.status}`)
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      void (async () => {
        const upstream = await fetch(dataUrl, {
          headers: { authorization: `AnaplanAuthToken ${token}`, accept: 'application/json' },
        })
        const data = (await upstream.json()) as unknown
        res.writeHead(upstream.status === 200 ? 200 : 502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ data }))
      })().catch(() => {
        res.writeHead(502).end()
      })
    })
  })
  server.listen(0, '127.0.0.1', () => {
    send({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  })
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage() })
  })
  const stop = () => server.close(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('disconnect', stop)
} catch (e) {
  send({ type: 'failed', message: e instanceof Error ? e.message : String(e) })
  process.exit(1)
}
