import { generateKeyPairSync } from 'node:crypto'
import { Writable } from 'node:stream'
import { Storage } from '@google-cloud/storage'
import { describe, expect, it } from 'vitest'
import { ServerError } from './anaplan.ts'
import {
  contentDisposition,
  ExportDelivery,
  ExportStorageError,
  type StorageClient,
  type StorageObject,
} from './export-delivery.ts'
import { FunctionError } from './http-error.ts'

const NOW = Date.parse('2026-01-02T03:04:05Z')

/** An in-memory fake of the SDK calls; `failWrite` makes the object stream fail on its first write. */
function fakeStorage(options: { failWrite?: boolean } = {}) {
  const objects = new Map<string, Buffer[]>()
  const client: StorageClient = {
    bucket: () => ({
      file: (name: string): StorageObject => ({
        createWriteStream: () => {
          const parts: Buffer[] = []
          objects.set(name, parts)
          return new Writable({
            write(chunk: Buffer, _e, cb) {
              if (options.failWrite) cb(Object.assign(new Error('boom'), { code: 503 }))
              else {
                parts.push(chunk)
                cb()
              }
            },
          })
        },
        getSignedUrl: async () => [`https://signed.example/${encodeURI(name)}`],
      }),
    }),
  }
  return { client, objects }
}

/** Chunks as a download would yield them, recording whether the consumer closed it early. */
function source(chunks: (string | Error)[]) {
  const state = { returned: false, pulled: 0 }
  async function* gen() {
    try {
      for (const c of chunks) {
        state.pulled += 1
        if (c instanceof Error) throw c
        yield new TextEncoder().encode(c)
      }
    } finally {
      state.returned = true
    }
  }
  return { state, chunks: gen() }
}

const delivery = (storage: StorageClient, thresholdBytes = 4) =>
  new ExportDelivery({
    bucket: 'b',
    thresholdBytes,
    ttlSeconds: 60,
    storage: () => storage,
    now: () => NOW,
    randomId: () => 'RANDOM',
  })

describe('ExportDelivery', () => {
  it('names objects by date and random id, with a safe file name', async () => {
    const { client, objects } = fakeStorage()
    const out = await delivery(client).deliver(
      { chunks: source(['abc', 'def']).chunks, name: '../Q1/Revenue\u0000.csv', contentType: 'text/csv' },
      'auto',
    )
    expect(out).toMatchObject({
      kind: 'link',
      link: { size: 6, expiresAt: new Date(NOW + 60_000).toISOString(), name: '../Q1/Revenue\u0000.csv' },
    })
    expect([...objects.keys()]).toEqual(['exports/2026-01-02/RANDOM/.._Q1_Revenue_.csv'])
  })

  it('links an empty file when asked to, and streams it otherwise', async () => {
    const { client, objects } = fakeStorage()
    const linked = await delivery(client).deliver(
      { chunks: source([]).chunks, name: 'e.csv', contentType: 'text/csv' },
      'link',
    )
    expect(linked).toMatchObject({ kind: 'link', link: { size: 0 } })
    expect(objects.size).toBe(1)
    const streamed = await delivery(client).deliver(
      { chunks: source([]).chunks, name: 'e.csv', contentType: 'text/csv' },
      'auto',
    )
    expect(streamed.kind).toBe('stream')
    if (streamed.kind === 'stream') {
      expect(streamed.response.headers.get('content-length')).toBe('0')
      expect(await streamed.response.text()).toBe('')
    }
  })

  it('passes an Anaplan failure through unchanged and stops the download on a storage failure', async () => {
    const { client } = fakeStorage()
    const anaplan = new ServerError(503, new Headers(), {}, { method: 'GET', url: 'https://x/chunks/2' })
    const failing = source(['abc', 'def', anaplan])
    await expect(
      delivery(client).deliver({ chunks: failing.chunks, name: 'f', contentType: 'text/csv' }, 'link'),
    ).rejects.toBe(anaplan)

    const broken = fakeStorage({ failWrite: true })
    const src = source(['abc', 'def', 'ghi', 'jkl'])
    const error = await delivery(broken.client)
      .deliver({ chunks: src.chunks, name: 'f', contentType: 'text/csv' }, 'link')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ExportStorageError)
    expect((error as ExportStorageError).message).toMatch(/bucket b: Error \(503\)/)
    expect(src.state.returned).toBe(true)
    expect(src.state.pulled).toBeLessThan(4)
  })

  it('refuses "link" without a bucket', () => {
    const none = new ExportDelivery({})
    expect(none.linksEnabled).toBe(false)
    expect(() => none.assertSupported('link')).toThrow(FunctionError)
    expect(() => none.assertSupported('auto')).not.toThrow()
  })

  it('quotes file names safely in Content-Disposition', () => {
    expect(contentDisposition('Umsätze "Q1".csv')).toBe(
      `attachment; filename="Ums_tze _Q1_.csv"; filename*=UTF-8''Ums%C3%A4tze%20%22Q1%22.csv`,
    )
  })
})

describe('the real @google-cloud/storage against the StorageClient interface', () => {
  it('signs a V4 GET URL offline with the options ExportDelivery passes', async () => {
    // A throwaway key: signing with a key needs no network (on Cloud Run, signBlob does the same).
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const client: StorageClient = new Storage({
      projectId: 'demo-project',
      credentials: {
        client_email: 'fn@demo-project.iam.gserviceaccount.com',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    })
    const [url] = await client
      .bucket('acme-exports')
      .file('exports/2026-01-02/RANDOM/Revenue Export.csv')
      .getSignedUrl({ version: 'v4', action: 'read', expires: Date.now() + 900_000 })
    const u = new URL(url)
    expect(u.origin + u.pathname).toBe(
      'https://storage.googleapis.com/acme-exports/exports/2026-01-02/RANDOM/Revenue%20Export.csv',
    )
    expect(u.searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256')
    expect(u.searchParams.get('X-Goog-Credential')).toMatch(/^fn@demo-project\.iam\.gserviceaccount\.com\//)
    expect(Number(u.searchParams.get('X-Goog-Expires'))).toBeGreaterThan(890)
    expect(Number(u.searchParams.get('X-Goog-Expires'))).toBeLessThanOrEqual(900)
    expect(u.searchParams.get('X-Goog-Signature')).toMatch(/^[0-9a-f]{512}$/)
  })
})
