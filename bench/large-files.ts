/**
 * Large files: a synthetic export of `size` bytes downloaded, and a file of the same size uploaded,
 * through the client (in a child process, peak RSS sampled), against `curl` moving the same chunks
 * with the same token from the same simulator, in alternating rounds. The bytes are checked too.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AnaplanClient } from '../src/anaplan/index.ts'
import { startSimulator } from '../src/simulator/index.ts'
import { BENCH_DIR, type BenchResult, goal, machine, round } from './lib/report.ts'
import { ANALYST } from './lib/stack.ts'

export interface LargeFilesOptions {
  /** Bytes per direction. @default 1 GiB */
  sizeBytes?: number
  /** Alternating client and curl rounds per direction; the median of each side is reported. @default 3 */
  rounds?: number
}

/** What `large-files-client.ts` prints. */
interface ClientRun {
  bytes: number
  ms: number
  maxRssMB: number
  rssBeforeMB: number
}

const MiB = 1024 * 1024
const ROW_BYTES = 1024
/** The client's default upload chunk; curl sends the same boundaries. */
const CHUNK = 10 * MiB

interface Transfer {
  bytes: number
  seconds: number
  mibPerSecond: number
  peakRssMB?: number
  rssBeforeTransferMB?: number
}

function transfer(bytes: number, ms: number, peakRssMB?: number, rssBeforeMB?: number): Transfer {
  return {
    ...(rssBeforeMB !== undefined ? { rssBeforeTransferMB: round(rssBeforeMB, 1) } : {}),
    bytes,
    seconds: round(ms / 1000, 2),
    mibPerSecond: round(bytes / MiB / (ms / 1000), 1),
    ...(peakRssMB !== undefined ? { peakRssMB: round(peakRssMB, 1) } : {}),
  }
}

/**
 * Runs a command; with `stdoutFile` its stdout is that file itself (as `cmd > file` in a shell), so
 * the baseline pays no copy through this process.
 */
async function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; stdoutFile?: string } = {},
): Promise<{ stdout: string; ms: number }> {
  const sink = opts.stdoutFile ? await open(opts.stdoutFile, 'w') : undefined
  try {
    return await new Promise((resolve, reject) => {
      const started = performance.now()
      const child = spawn(cmd, args, {
        env: opts.env ?? process.env,
        stdio: ['pipe', sink ? sink.fd : 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout?.on('data', (c: Buffer) => {
        stdout += c.toString('utf8')
      })
      child.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString('utf8')
      })
      child.on('error', reject)
      child.on('close', (code) => {
        const ms = performance.now() - started
        if (code === 0) resolve({ stdout, ms })
        else reject(new Error(`${cmd} exited ${code}: ${stderr.slice(-400)}`))
      })
      child.stdin?.end(opts.stdin ?? '')
    })
  } finally {
    await sink?.close()
  }
}

/** Writes `size` bytes of CSV-looking rows. */
async function makeSource(path: string, size: number): Promise<void> {
  const row = `${'A001,Jan 26,Actual,'.padEnd(ROW_BYTES - 1, '7')}\n`
  const block = Buffer.from(row.repeat(MiB / ROW_BYTES))
  const h = await open(path, 'w')
  try {
    for (let written = 0; written < size; written += block.length) {
      await h.write(block, 0, Math.min(block.length, size - written))
    }
  } finally {
    await h.close()
  }
}

/** The element whose key is the median (the lower middle for an even count). */
function median<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b))
  return sorted[Math.floor((sorted.length - 1) / 2)] as T
}

/** Cuts `path` into files of `size` bytes (the last may be shorter) in `dir`; returns their paths. */
async function splitFile(path: string, size: number, dir: string): Promise<string[]> {
  const files: string[] = []
  const buffer = Buffer.allocUnsafe(size)
  const h = await open(path, 'r')
  try {
    for (let i = 0; ; i++) {
      const { bytesRead } = await h.read(buffer, 0, size, i * size)
      if (bytesRead === 0) break
      const file = join(dir, `chunk-${i}`)
      await writeFile(file, buffer.subarray(0, bytesRead))
      files.push(file)
    }
  } finally {
    await h.close()
  }
  return files
}

/** SHA-256 of a file, streamed. */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer)
  return hash.digest('hex')
}

/** SHA-256 of a simulator file, chunk after chunk, streamed. */
async function sha256Remote(fileUrl: string, token: string): Promise<string> {
  const headers = { Authorization: `AnaplanAuthToken ${token}` }
  const list = (await (await fetch(`${fileUrl}/chunks`, { headers })).json()) as { chunks: { id: string }[] }
  const hash = createHash('sha256')
  for (const c of list.chunks) {
    const res = await fetch(`${fileUrl}/chunks/${c.id}`, {
      headers: { ...headers, Accept: 'application/octet-stream' },
    })
    if (!res.ok || !res.body) throw new Error(`chunk ${c.id} of the uploaded file answered ${res.status}`)
    const reader = res.body.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) hash.update(r.value)
  }
  return hash.digest('hex')
}

/** Runs the large-files benchmark. */
export async function largeFiles(options: LargeFilesOptions = {}): Promise<BenchResult> {
  const rounds = Math.max(1, options.rounds ?? 3)
  const size = Math.max(MiB, Math.floor((options.sizeBytes ?? 1024 * MiB) / ROW_BYTES) * ROW_BYTES)
  const started = performance.now()
  const dir = await mkdtemp(join(tmpdir(), 'bench-large-'))
  const modelText = (
    await readFile(join(BENCH_DIR, '../src/simulator/engine/models/bench.yaml'), 'utf8')
  ).replace(/rows: 1048576/, `rows: ${size / ROW_BYTES}`)
  const modelFile = join(dir, 'bench-model.yaml')
  await writeFile(modelFile, modelText)
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', modelFile, taskMs: 10, dataDir: dir })
  const client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', ...ANALYST },
  })
  try {
    const model = await client.model({ workspace: 'Bench', model: 'Bench Model' })
    // The export's output is produced once; both downloads read the same stored chunks.
    const ran = await model.run('export', 'Bench Export', { intervalMs: 200 })
    const exportId = ran.actionId
    const files = await model.listFiles()
    const upload = files.find((f) => f.name === 'amounts.csv')
    if (!upload) throw new Error('the bench model has no amounts.csv')
    const token = await client.tokens.getToken()
    const base = `${sim.apiUrl}/workspaces/${model.workspaceId}/models/${model.modelId}/files`
    // The token goes to curl in a private config file (-K), never on its command line.
    const curlConfig = join(dir, 'curl.conf')
    await writeFile(
      curlConfig,
      `header = "Authorization: AnaplanAuthToken ${token}"\nsilent\nshow-error\nfail\n`,
      {
        mode: 0o600,
      },
    )
    const env = {
      ...process.env,
      ANAPLAN_AUTH_URL: sim.authUrl,
      ANAPLAN_API_URL: sim.apiUrl,
      ANAPLAN_USERNAME: ANALYST.username,
      ANAPLAN_PASSWORD: ANALYST.password,
    }
    const clientScript = join(BENCH_DIR, 'large-files-client.ts')
    const node = (mode: string, file: string) =>
      run(process.execPath, ['--import', 'tsx', clientScript, mode, file], { env }).then(
        (r) => JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as ClientRun,
      )

    // Download: the client and curl (every chunk URL, in one process, into one file) take turns, so
    // load from elsewhere on the machine falls on both; each side's median round is reported.
    const chunkList = (await (
      await fetch(`${base}/${exportId}/chunks`, { headers: { Authorization: `AnaplanAuthToken ${token}` } })
    ).json()) as { chunks: { id: string }[] }
    const urls = chunkList.chunks.map((c) => `url = "${base}/${exportId}/chunks/${c.id}"`).join('\n')
    const urlList = join(dir, 'urls.conf')
    await writeFile(urlList, `${urls}\n`)
    const downClientRuns: ClientRun[] = []
    const downCurlMs: number[] = []
    // What Node can do without the client: plain fetch, and a socket that allocates nothing per read.
    const floorMs: Record<'fetch' | 'socket', number[]> = { fetch: [], socket: [] }
    const floorScript = join(BENCH_DIR, 'large-files-floor.ts')
    const floor = async (mode: 'fetch' | 'socket') => {
      const r = await run(
        process.execPath,
        ['--import', 'tsx', floorScript, mode, `${base}/${exportId}`, join(dir, `down-${mode}.csv`)],
        { env: { ...process.env, ANAPLAN_TOKEN: token } },
      )
      const { bytes, ms } = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
        bytes: number
        ms: number
      }
      if (bytes !== size) throw new Error(`the ${mode} floor moved ${bytes} bytes, not ${size}`)
      floorMs[mode].push(ms)
    }
    let curlBytes = 0
    for (let r = 0; r < rounds; r++) {
      downClientRuns.push(await node('download', join(dir, 'down-client.csv')))
      const curlDown = await run(
        'curl',
        ['-K', curlConfig, '-K', urlList, '-H', 'Accept: application/octet-stream'],
        { stdoutFile: join(dir, 'down-curl.csv') },
      )
      downCurlMs.push(curlDown.ms)
      curlBytes = (await stat(join(dir, 'down-curl.csv'))).size
      await floor('fetch')
      await floor('socket')
    }
    for (const mode of ['fetch', 'socket'] as const) {
      if (
        (await sha256File(join(dir, `down-${mode}.csv`))) !== (await sha256File(join(dir, 'down-curl.csv')))
      ) {
        throw new Error(`the ${mode} floor downloaded different bytes than curl`)
      }
      await rm(join(dir, `down-${mode}.csv`))
    }
    // Speed means nothing if the bytes are wrong: both downloads must be the same file.
    const [clientHash, curlHash] = [
      await sha256File(join(dir, 'down-client.csv')),
      await sha256File(join(dir, 'down-curl.csv')),
    ]
    if (clientHash !== curlHash || downClientRuns.some((d) => d.bytes !== curlBytes)) {
      throw new Error('the client downloaded different bytes than curl')
    }
    await rm(join(dir, 'down-curl.csv'))
    await rm(join(dir, 'down-client.csv'))

    // Upload: the client (no gzip: the same bytes curl sends), then curl PUTting the same chunks from
    // chunk files cut beforehand (as `split` + `curl -T` would), one curl process per chunk.
    const source = join(dir, 'source.csv')
    await makeSource(source, size)
    const chunks = Math.ceil(size / CHUNK)
    const chunkFiles = await splitFile(source, CHUNK, dir)
    const post = (path: string, body: unknown) =>
      fetch(`${base}/${upload.id}${path}`, {
        method: 'POST',
        headers: { Authorization: `AnaplanAuthToken ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.arrayBuffer())
    const upClientRuns: ClientRun[] = []
    const upCurlMs: number[] = []
    const sourceHash = await sha256File(source)
    for (let r = 0; r < rounds; r++) {
      upClientRuns.push(await node('upload', source))
      if ((await sha256Remote(`${base}/${upload.id}`, token)) !== sourceHash) {
        throw new Error('the file the client uploaded differs from its source')
      }
      const upStarted = performance.now()
      await post('', { chunkCount: -1 })
      for (const [i, file] of chunkFiles.entries()) {
        await run('curl', [
          '-K',
          curlConfig,
          '-H',
          'Content-Type: application/octet-stream',
          '-T',
          file,
          `${base}/${upload.id}/chunks/${i}`,
        ])
      }
      await post('/complete', { id: upload.id, name: upload.name, chunkCount: chunks })
      upCurlMs.push(performance.now() - upStarted)
    }
    if ((await sha256Remote(`${base}/${upload.id}`, token)) !== sourceHash) {
      throw new Error('the file curl uploaded differs from its source')
    }

    const downClient = median(downClientRuns, (d) => d.ms)
    const upClient = median(upClientRuns, (d) => d.ms)
    const down = {
      ...transfer(downClient.bytes, downClient.ms, downClient.maxRssMB, downClient.rssBeforeMB),
      peakRssMB: round(Math.max(...downClientRuns.map((d) => d.maxRssMB)), 1),
      roundsMibPerSecond: downClientRuns.map((d) => round(d.bytes / MiB / (d.ms / 1000), 1)),
    }
    const downCurl = {
      ...transfer(
        curlBytes,
        median(downCurlMs, (ms) => ms),
      ),
      roundsMibPerSecond: downCurlMs.map((ms) => round(curlBytes / MiB / (ms / 1000), 1)),
    }
    const floorTransfer = (ms: number[]) => ({
      ...transfer(
        size,
        median(ms, (x) => x),
      ),
      roundsMibPerSecond: ms.map((x) => round(size / MiB / (x / 1000), 1)),
    })
    const downloadFloors = { fetch: floorTransfer(floorMs.fetch), socket: floorTransfer(floorMs.socket) }
    const up = {
      ...transfer(upClient.bytes, upClient.ms, upClient.maxRssMB, upClient.rssBeforeMB),
      peakRssMB: round(Math.max(...upClientRuns.map((d) => d.maxRssMB)), 1),
      roundsMibPerSecond: upClientRuns.map((d) => round(d.bytes / MiB / (d.ms / 1000), 1)),
    }
    const upCurl = {
      ...transfer(
        size,
        median(upCurlMs, (ms) => ms),
      ),
      roundsMibPerSecond: upCurlMs.map((ms) => round(size / MiB / (ms / 1000), 1)),
    }
    return {
      name: 'large-files',
      description: `${round(size / MiB, 0)} MiB export downloaded and import file uploaded through the client vs curl`,
      machine: machine(),
      parameters: { sizeBytes: size, chunkBytes: CHUNK, gzip: false, rounds },
      project: { download: down, upload: up },
      baseline: { download: downCurl, upload: upCurl, downloadFloors },
      goals: [
        goal('download throughput / curl', down.mibPerSecond / downCurl.mibPerSecond, '>=', 0.8),
        goal('upload throughput / curl', up.mibPerSecond / upCurl.mibPerSecond, '>=', 0.8),
        goal('client peak RSS during download (MB)', down.peakRssMB ?? Number.NaN, '<=', 200),
        goal('client peak RSS during upload (MB)', up.peakRssMB ?? Number.NaN, '<=', 200),
      ],
      notes: [
        'Peak RSS is the child process’s own high-water mark (VmHWM; getrusage maxRSS would include the parent’s size at fork): Node, tsx and the client code included.',
        'Uploads use gzip: false so both sides send identical bytes; the client’s default gzips each chunk (fewer bytes on a real network, more CPU here).',
        'curl downloads every chunk URL in one process (connection reused) straight into the file (`curl … > file`), and uploads each chunk file (cut beforehand, untimed) with one `curl -T` process, as a shell script would.',
        `Download floors (no goal; bench/large-files-floor.ts in its own process): plain fetch streamed to the file ${downloadFloors.fetch.mibPerSecond} MiB/s (client / fetch ${round(down.mibPerSecond / downloadFloors.fetch.mibPerSecond, 2)}), a socket reading into one reused buffer ${downloadFloors.socket.mibPerSecond} MiB/s (${round(downloadFloors.socket.mibPerSecond / downCurl.mibPerSecond, 2)}× curl). The client's time includes resolving the file name and listing its chunks; the floors' does not.`,
        `Client and curl runs alternate, ${rounds} rounds per direction; the medians are compared, and every round is listed under roundsMibPerSecond. Peak RSS is the highest over the client's rounds.`,
        'Checked after timing: the client’s download is byte-identical to curl’s (SHA-256), and the file the client uploaded reads back identical to its source.',
      ],
      durationMs: Math.round(performance.now() - started),
    }
  } finally {
    await client.close()
    await sim.close()
    await rm(dir, { recursive: true, force: true })
  }
}
