/**
 * Floors for the large-files download, in their own process like the client: what Node itself can
 * do with the same chunk URLs, without the client.
 *
 *   node bench/large-files-floor.ts fetch  <fileUrl> <out>   plain fetch, each body streamed to the file
 *   node bench/large-files-floor.ts socket <fileUrl> <out>   one plain-HTTP socket reading into one
 *                                                            reused buffer (`onread`), written synchronously
 *
 * The token comes from ANAPLAN_TOKEN. Prints one JSON line: bytes and milliseconds. The socket floor
 * speaks just enough HTTP/1.1 for the simulator (plain http, keep-alive, chunked or sized bodies): it
 * shows what a reader that allocates nothing per read costs, and is not a client.
 */
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs'
import { connect } from 'node:net'

const [mode, fileUrl, out] = process.argv.slice(2)
const token = process.env.ANAPLAN_TOKEN
if ((mode !== 'fetch' && mode !== 'socket') || !fileUrl || !out || !token) {
  console.error('usage: ANAPLAN_TOKEN=… large-files-floor.ts fetch|socket <fileUrl> <out>')
  process.exit(2)
}
const auth = `AnaplanAuthToken ${token}`
const list = (await (await fetch(`${fileUrl}/chunks`, { headers: { Authorization: auth } })).json()) as {
  chunks: { id: string }[]
}
const ids = list.chunks.map((c) => c.id)

const started = performance.now()
const bytes = mode === 'fetch' ? await viaFetch() : await viaSocket()
process.stdout.write(`${JSON.stringify({ bytes, ms: performance.now() - started })}\n`)

async function viaFetch(): Promise<number> {
  const file = createWriteStream(out as string, { highWaterMark: 1024 * 1024 })
  let n = 0
  for (const id of ids) {
    const res = await fetch(`${fileUrl}/chunks/${id}`, {
      headers: { Authorization: auth, Accept: 'application/octet-stream' },
    })
    if (!res.ok || !res.body) throw new Error(`chunk ${id}: ${res.status}`)
    const reader = res.body.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      n += r.value.byteLength
      if (!file.write(r.value)) await new Promise<void>((resolve) => file.once('drain', () => resolve()))
    }
  }
  await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())))
  return n
}

async function viaSocket(): Promise<number> {
  const url = new URL(fileUrl as string)
  const fd = openSync(out as string, 'w')
  const buffer = Buffer.allocUnsafe(1024 * 1024)
  let onData: (length: number) => void = () => undefined
  const socket = connect({
    host: url.hostname,
    port: Number(url.port),
    onread: {
      buffer,
      callback: (length: number) => {
        onData(length)
        return true
      },
    },
  })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let n = 0
  try {
    for (const id of ids) {
      n += await new Promise<number>((resolve, reject) => {
        socket.once('error', reject)
        const body = bodyDecoder((from, to) => writeSync(fd, buffer, from, to - from), resolve, reject)
        onData = (length) => body(buffer, length)
        socket.write(
          `GET ${url.pathname}/chunks/${id} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: ${auth}\r\n` +
            'Accept: application/octet-stream\r\n\r\n',
        )
      })
      socket.removeAllListeners('error')
    }
  } finally {
    socket.destroy()
    closeSync(fd)
  }
  return n
}

/**
 * Decodes one response from successive reads into `buffer[0, length)`: the head, then a sized or
 * chunked body whose data ranges go to `write`; resolves with the body's length.
 */
function bodyDecoder(
  write: (from: number, to: number) => void,
  resolve: (bytes: number) => void,
  reject: (e: Error) => void,
): (buffer: Buffer, length: number) => void {
  let head = ''
  let inBody = false
  let chunked = false
  let left = 0
  let total = 0
  let sizeLine = ''
  let state: 'size' | 'data' | 'crlf' | 'trailer' = 'size'
  return (buffer, length) => {
    let i = 0
    if (!inBody) {
      head += buffer.toString('latin1', 0, length)
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      const status = Number(head.slice(9, 12))
      if (status !== 200) return reject(new Error(`status ${status}`))
      inBody = true
      chunked = /^transfer-encoding:\s*chunked/im.test(head.slice(0, end))
      left = chunked ? 0 : Number(/^content-length:\s*(\d+)/im.exec(head.slice(0, end))?.[1] ?? 0)
      i = length - (head.length - end - 4)
    }
    while (i < length) {
      if (!chunked || state === 'data') {
        const take = Math.min(length - i, left)
        write(i, i + take)
        total += take
        i += take
        left -= take
        if (left > 0) continue
        if (!chunked) return resolve(total)
        state = 'crlf'
        left = 2
      } else if (state === 'size') {
        const nl = buffer.indexOf(10, i)
        if (nl < 0 || nl >= length) {
          sizeLine += buffer.toString('latin1', i, length)
          return
        }
        sizeLine += buffer.toString('latin1', i, nl)
        i = nl + 1
        left = Number.parseInt(sizeLine.trim(), 16)
        sizeLine = ''
        state = left === 0 ? 'trailer' : 'data'
      } else if (state === 'crlf') {
        const take = Math.min(length - i, left)
        i += take
        left -= take
        if (left === 0) state = 'size'
      } else {
        // The last chunk is followed by an empty line (no trailers from the simulator).
        const nl = buffer.indexOf(10, i)
        if (nl >= 0 && nl < length) return resolve(total)
        return
      }
    }
    if (!chunked && left === 0) resolve(total)
  }
}
