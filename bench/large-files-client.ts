/**
 * The client side of the large-files benchmark, run in its own process so its peak resident memory
 * is the client's alone:
 *
 *   node --import tsx bench/large-files-client.ts download <file>   (the Bench Export's output)
 *   node --import tsx bench/large-files-client.ts upload <file>     (into amounts.csv, no gzip)
 *
 * Anaplan comes from ANAPLAN_AUTH_URL / ANAPLAN_API_URL / ANAPLAN_USERNAME / ANAPLAN_PASSWORD. Prints
 * one JSON line: bytes moved, milliseconds, and the process's peak RSS (VmHWM on Linux).
 */
import { readFileSync } from 'node:fs'
import { AnaplanClient } from '../src/anaplan/index.ts'

const [mode, file] = process.argv.slice(2)
if ((mode !== 'download' && mode !== 'upload') || !file) {
  console.error('usage: large-files-client.ts download|upload <file>')
  process.exit(2)
}
const client = new AnaplanClient({
  authUrl: process.env.ANAPLAN_AUTH_URL ?? '',
  apiUrl: process.env.ANAPLAN_API_URL ?? '',
  credentials: {
    kind: 'basic',
    username: process.env.ANAPLAN_USERNAME ?? '',
    password: process.env.ANAPLAN_PASSWORD ?? '',
  },
})
const model = await client.model({ workspace: 'Bench', model: 'Bench Model' })
await client.tokens.getToken()
// What the process holds before moving a byte (Node, tsx, the client): the transfer's own cost is the rest.
const rssBeforeMB = process.memoryUsage().rss / 1024 / 1024
const started = performance.now()
let bytes = 0
if (mode === 'download') bytes = await model.downloadToFile('Bench Export', file)
else {
  await model.upload('amounts.csv', { path: file }, { gzip: false, onProgress: (sent) => (bytes = sent) })
}
const ms = performance.now() - started
await client.close()
process.stdout.write(`${JSON.stringify({ bytes, ms, rssBeforeMB, maxRssMB: peakRssMB() })}\n`)

/**
 * This process's peak RSS in MB. On Linux `getrusage` maxRSS is inherited across fork and exec, so
 * a child of a large parent reports the parent's size; VmHWM belongs to this process alone.
 */
function peakRssMB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm?.[1]) return Number(hwm[1]) / 1024
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS / 1024
}
