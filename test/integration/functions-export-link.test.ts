/**
 * Large export results as a signed link: `runAnaplanAction` under the Functions Framework against
 * the simulator, with a fake of the Cloud Storage SDK's interface (bucket → file → write stream,
 * getSignedUrl) standing in for the bucket.
 */
import type { Server } from 'node:http'
import { Writable } from 'node:stream'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnaplanClient } from '../../src/anaplan/index.ts'
import {
  type ExportDeliveryOptions,
  readExportDeliveryConfig,
  type StorageClient,
  type StorageObject,
} from '../../src/functions/common/export-delivery.ts'
import { createActionFunction } from '../../src/functions/run-anaplan-action.ts'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  ANALYST,
  captureLogger,
  serveWithFramework,
  simEnv,
  simRuntime,
  simStats,
  startSim,
} from './functions-helpers.ts'

const MODEL = 'Sales Forecast'
const BUCKET = 'acme-anaplan-exports'
const NOW = Date.parse('2026-03-14T09:26:53Z')
// What a real SDK error can carry: the resumable session URI is a bearer credential for the upload.
const SESSION_URI =
  'https://storage.googleapis.com/upload/storage/v1/b/x/o?uploadType=resumable&upload_id=SESSION-SECRET-42'

type Step = 'write' | 'finish' | 'sign'

class StorageFailure extends Error {
  override name = 'ApiError'
  readonly code = 403
}

/** One object of the fake bucket: the bytes it received and when, relative to Anaplan's chunks. */
interface FakeObject {
  name: string
  options: Parameters<StorageObject['createWriteStream']>[0]
  parts: Buffer[]
  /** For each write: how many Anaplan chunk GETs had been made by then, and the bytes written with it. */
  writes: { chunkGets: number; bytes: number }[]
  finished: boolean
  signed: Parameters<StorageObject['getSignedUrl']>[0][]
}

/** A fake of the `@google-cloud/storage` calls the function makes, with a step that can fail. */
class FakeStorage implements StorageClient {
  readonly objects: FakeObject[] = []
  readonly buckets: string[] = []
  failAt: Step | undefined
  constructor(readonly chunkGets: () => number = () => 0) {}

  bucket(name: string) {
    this.buckets.push(name)
    return {
      file: (objectName: string): StorageObject => {
        const fake = this
        return {
          createWriteStream(options) {
            const obj: FakeObject = {
              name: objectName,
              options,
              parts: [],
              writes: [],
              finished: false,
              signed: [],
            }
            fake.objects.push(obj)
            // A high-water mark of 1 byte: every write asks the writer to wait for `drain`.
            return new Writable({
              highWaterMark: 1,
              write(chunk: Buffer, _encoding, callback) {
                obj.parts.push(Buffer.from(chunk))
                const bytes = (obj.writes.at(-1)?.bytes ?? 0) + chunk.length
                obj.writes.push({ chunkGets: fake.chunkGets(), bytes })
                if (fake.failAt === 'write') callback(new StorageFailure(`upload failed at ${SESSION_URI}`))
                else setImmediate(callback)
              },
              final(callback) {
                if (fake.failAt === 'finish')
                  callback(new StorageFailure(`finalize failed at ${SESSION_URI}`))
                else {
                  obj.finished = true
                  callback()
                }
              },
            })
          },
          async getSignedUrl(config) {
            const obj = fake.objects.find((o) => o.name === objectName)
            obj?.signed.push(config)
            if (fake.failAt === 'sign')
              throw new StorageFailure('Permission iam.serviceAccounts.signBlob denied')
            const q = new URLSearchParams({
              'X-Goog-Algorithm': 'GOOG4-RSA-SHA256',
              'X-Goog-Expires': String(Math.round((config.expires - NOW) / 1000)),
              'X-Goog-Signature': 'fakesignature',
            })
            return [`https://storage.googleapis.com/${name}/${encodeURI(objectName)}?${q}`]
          },
        }
      },
    }
  }

  bytes(o: FakeObject): Buffer {
    return Buffer.concat(o.parts)
  }
}

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = []
  res.on('data', (c: Buffer) => parts.push(c))
  res.on('end', () => cb(null, Buffer.concat(parts)))
}

let sim: RunningSimulator
beforeAll(async () => {
  sim = await startSim({ taskMs: 20 })
})
afterAll(async () => {
  await sim?.close()
})

let serial = 0
/** The action function with the given delivery settings, served by the Functions Framework. */
function serve(delivery: ExportDeliveryOptions, env: Record<string, string> = {}): Server {
  const runtime = simRuntime(simEnv(sim, env), { now: () => NOW })
  serial += 1
  return serveWithFramework(
    `runAnaplanActionLink${serial}`,
    createActionFunction(runtime, { exportDelivery: delivery }),
  )
}

describe('export delivery configuration', () => {
  it('reads the bucket, threshold and expiry, with defaults for missing or invalid values', () => {
    expect(readExportDeliveryConfig({})).toEqual({
      bucket: undefined,
      thresholdBytes: 32 * 1024 * 1024,
      ttlSeconds: 900,
    })
    expect(
      readExportDeliveryConfig({
        EXPORT_BUCKET: ` ${BUCKET} `,
        EXPORT_LINK_THRESHOLD_BYTES: '1048576',
        EXPORT_LINK_TTL_SECONDS: '300',
      }),
    ).toEqual({ bucket: BUCKET, thresholdBytes: 1048576, ttlSeconds: 300 })
    // V4 signatures cannot outlive 7 days; nonsense falls back rather than breaking every export.
    expect(
      readExportDeliveryConfig({ EXPORT_LINK_TTL_SECONDS: '700000', EXPORT_LINK_THRESHOLD_BYTES: '-5' }),
    ).toMatchObject({ thresholdBytes: 32 * 1024 * 1024, ttlSeconds: 900 })
  })
})

describe('runAnaplanAction export delivery', () => {
  it('stores a large export in the bucket byte-exact and answers with a signed link', async () => {
    const storage = new FakeStorage()
    const server = serve({ bucket: BUCKET, thresholdBytes: 100, ttlSeconds: 600, storage: () => storage })
    const res = await request(server)
      .post('/')
      .send({ model: MODEL, action: 'Revenue Export', download: true })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'COMPLETE', actionType: 'export', successful: true })
    const link = res.body.download
    expect(link.url).toMatch(new RegExp(`^https://storage\\.googleapis\\.com/${BUCKET}/exports/`))
    expect(link.expiresAt).toBe(new Date(NOW + 600_000).toISOString())
    expect(link.contentType).toMatch(/^text\/csv/)

    expect(storage.buckets).toEqual([BUCKET])
    expect(storage.objects).toHaveLength(1)
    const obj = storage.objects[0]!
    // Unguessable: a dated folder, then 128 random bits.
    expect(obj.name).toMatch(/^exports\/2026-03-14\/[A-Za-z0-9_-]{22}\/[^/]+$/)
    expect(obj.name.endsWith(`/${link.name}`)).toBe(true)
    expect(obj.finished).toBe(true)
    expect(obj.options).toMatchObject({
      resumable: true,
      contentType: link.contentType,
      preconditionOpts: { ifGenerationMatch: 0 },
    })
    expect(obj.options.metadata.contentDisposition).toContain('attachment')
    expect(obj.signed).toEqual([{ version: 'v4', action: 'read', expires: NOW + 600_000 }])

    // The same export streamed (no bucket) is the same bytes, and the size says so too.
    const plain = serve({})
    const streamed = await request(plain)
      .post('/')
      .send({ model: MODEL, action: 'Revenue Export', download: true })
      .buffer(true)
      .parse(binary)
    expect(streamed.status).toBe(200)
    const bytes = streamed.body as Buffer
    expect(bytes.length).toBeGreaterThan(100)
    expect(storage.bytes(obj).equals(bytes)).toBe(true)
    expect(link.size).toBe(bytes.length)
  })

  it('streams an export below the threshold even with a bucket, and never touches storage', async () => {
    const storage = new FakeStorage()
    const server = serve({ bucket: BUCKET, storage: () => storage })
    const res = await request(server)
      .post('/')
      .send({ model: MODEL, action: 'Revenue Export', download: true })
      .buffer(true)
      .parse(binary)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/csv/)
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="/)
    expect(Number(res.headers['content-length'])).toBe((res.body as Buffer).length)
    expect((res.body as Buffer).toString('utf8')).toMatch(/,/)
    expect(storage.buckets).toEqual([])
  })

  it('links on request ("delivery": "link") and streams on request ("delivery": "stream")', async () => {
    const storage = new FakeStorage()
    const server = serve({ bucket: BUCKET, storage: () => storage })
    const linked = await request(server)
      .post('/')
      .send({ model: MODEL, action: 'Revenue Export', delivery: 'link' })
    expect(linked.status).toBe(200)
    expect(linked.body.download.url).toContain(BUCKET)
    expect(storage.objects).toHaveLength(1)
    const streamed = await request(server)
      .post('/')
      .send({ model: MODEL, action: 'Revenue Export', delivery: 'stream' })
      .buffer(true)
      .parse(binary)
    expect(streamed.status).toBe(200)
    expect(storage.bytes(storage.objects[0]!).equals(streamed.body as Buffer)).toBe(true)
    expect(storage.objects).toHaveLength(1)
  })

  it('without a bucket, streams (today’s behaviour) and refuses "link" before running the export', async () => {
    const server = serve({})
    const streamed = await request(server)
      .post('/')
      .send({ model: MODEL, action: 'Revenue Export', download: true })
      .buffer(true)
      .parse(binary)
    expect(streamed.status).toBe(200)
    expect(streamed.headers['content-type']).toMatch(/^text\/csv/)

    const before = (await simStats(sim)).mutations.taskStarts
    const res = await request(server)
      .post('/')
      .send({ model: MODEL, action: 'Revenue Export', delivery: 'link' })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_input')
    expect(res.body.error.message).toMatch(/EXPORT_BUCKET/)
    expect((await simStats(sim)).mutations.taskStarts).toBe(before)
  })

  it('reads the bucket from EXPORT_BUCKET when no delivery options are given', async () => {
    // Only the environment the deploy plan sets: the function must not need code changes to link.
    const runtime = simRuntime(simEnv(sim))
    process.env.EXPORT_BUCKET = BUCKET
    process.env.EXPORT_LINK_THRESHOLD_BYTES = '1'
    try {
      const storage = new FakeStorage()
      const app = createActionFunction(runtime, { exportDelivery: { storage: () => storage } })
      const res = await app.request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, action: 'Revenue Export', download: true }),
      })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { download: { url: string } }).download.url).toContain(BUCKET)
      expect(storage.objects).toHaveLength(1)
    } finally {
      delete process.env.EXPORT_BUCKET
      delete process.env.EXPORT_LINK_THRESHOLD_BYTES
    }
  })

  it.each([
    ['write', /store the export/, /objectCreator/],
    ['finish', /store the export/, /objectCreator/],
    ['sign', /sign a link/, /serviceAccountTokenCreator/],
  ] as const)(
    'answers a storage failure at %s with 502 naming the bucket, not the session',
    async (step, what, hint) => {
      const storage = new FakeStorage()
      storage.failAt = step
      const log = captureLogger()
      const runtime = simRuntime(simEnv(sim), { logger: log.logger, now: () => NOW })
      serial += 1
      const server = serveWithFramework(
        `runAnaplanActionFail${serial}`,
        createActionFunction(runtime, {
          exportDelivery: { bucket: BUCKET, thresholdBytes: 1, storage: () => storage },
        }),
      )
      const res = await request(server)
        .post('/')
        .send({ model: MODEL, action: 'Revenue Export', download: true })
      expect(res.status).toBe(502)
      expect(res.headers['content-type']).toMatch(/json/)
      expect(res.body.error.code).toBe('export_storage_failed')
      expect(res.body.error.message).toContain(BUCKET)
      expect(res.body.error.message).toMatch(what)
      expect(res.body.error.message).toMatch(hint)
      expect(res.body.error.message).toContain('403')
      expect(res.body.error.details).toEqual({ bucket: BUCKET })
      const all = JSON.stringify(res.body) + log.text()
      expect(all).not.toContain('SESSION-SECRET-42')
      expect(all).not.toContain(ANALYST.password)
      expect(all).not.toContain('fakesignature')
    },
  )

  it('answers 502 when the storage client cannot be created, and tries again next time', async () => {
    let attempts = 0
    const storage = new FakeStorage()
    const server = serve({
      bucket: BUCKET,
      thresholdBytes: 1,
      storage: () => {
        attempts += 1
        if (attempts === 1) throw new StorageFailure('Could not load the default credentials')
        return storage
      },
    })
    const body = { model: MODEL, action: 'Revenue Export', download: true }
    const first = await request(server).post('/').send(body)
    expect(first.status).toBe(502)
    expect(first.body.error.message).toContain(BUCKET)
    const second = await request(server).post('/').send(body)
    expect(second.status).toBe(200)
    expect(second.body.download.size).toBeGreaterThan(0)
    expect(attempts).toBe(2)
  })
})

describe('a multi-chunk file into the bucket', () => {
  const MiB = 1024 * 1024
  const CHUNKS = 6
  let content: Buffer
  let chunkGets = 0
  const countingFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
    if (method === 'GET' && /\/files\/[^/]+\/chunks\/\d+$/.test(new URL(url).pathname)) chunkGets += 1
    return fetch(input, init)
  }

  beforeAll(async () => {
    // Distinct bytes per chunk, so a reordered or repeated chunk cannot pass as equal.
    content = Buffer.alloc(CHUNKS * MiB)
    for (let i = 0; i < content.length; i += 4) content.writeUInt32BE(i, i)
    const client = new AnaplanClient({
      authUrl: sim.authUrl,
      apiUrl: sim.apiUrl,
      credentials: { kind: 'basic', username: ANALYST.username, password: ANALYST.password },
    })
    const model = await client.model({ model: MODEL })
    await model.upload('actuals.csv', new Uint8Array(content), { chunkSize: MiB })
    await client.close()
  })

  function serveCounting(delivery: ExportDeliveryOptions): Server {
    const runtime = simRuntime(simEnv(sim), { client: { fetch: countingFetch }, now: () => NOW })
    serial += 1
    return serveWithFramework(
      `runAnaplanActionChunks${serial}`,
      createActionFunction(runtime, { exportDelivery: delivery }),
    )
  }

  it('passes chunks to the object as they come from Anaplan (bounded memory), byte-exact', async () => {
    const storage = new FakeStorage(() => chunkGets)
    const server = serveCounting({ bucket: BUCKET, storage: () => storage })
    chunkGets = 0
    const res = await request(server).get('/files/actuals.csv').query({ model: MODEL, delivery: 'link' })
    expect(res.status).toBe(200)
    expect(res.body.download).toMatchObject({ size: content.length, name: 'actuals.csv' })
    const obj = storage.objects[0]!
    expect(storage.bytes(obj).equals(content)).toBe(true)
    expect(chunkGets).toBe(CHUNKS)
    // Bytes of chunk c reach the object once at most c+1 chunks and the client's one chunk of
    // look-ahead were fetched: the function never gathers the file before writing it.
    expect(obj.writes[0]!.chunkGets).toBeLessThanOrEqual(2)
    for (const w of obj.writes) expect(w.chunkGets).toBeLessThanOrEqual(Math.floor(w.bytes / MiB) + 2)
  })

  it('in auto mode reads ahead only until the threshold is passed, then streams the rest', async () => {
    const storage = new FakeStorage(() => chunkGets)
    const server = serveCounting({
      bucket: BUCKET,
      thresholdBytes: Math.floor(1.5 * MiB),
      storage: () => storage,
    })
    chunkGets = 0
    const res = await request(server).get('/files/actuals.csv').query({ model: MODEL })
    expect(res.status).toBe(200)
    expect(res.body.download.size).toBe(content.length)
    const obj = storage.objects[0]!
    expect(storage.bytes(obj).equals(content)).toBe(true)
    // Two chunks decide (2 MiB > 1.5 MiB); from then on the object keeps pace with Anaplan.
    expect(obj.writes[0]!.chunkGets).toBeLessThanOrEqual(3)
    for (const w of obj.writes) expect(w.chunkGets).toBeLessThanOrEqual(Math.floor(w.bytes / MiB) + 3)
  })

  it('streams the file below the threshold with its length known', async () => {
    const storage = new FakeStorage()
    const server = serveCounting({ bucket: BUCKET, thresholdBytes: 64 * MiB, storage: () => storage })
    const res = await request(server)
      .get('/files/actuals.csv')
      .query({ model: MODEL })
      .buffer(true)
      .parse(binary)
    expect(res.status).toBe(200)
    expect(Number(res.headers['content-length'])).toBe(content.length)
    expect((res.body as Buffer).equals(content)).toBe(true)
    expect(storage.objects).toHaveLength(0)
  })
})
