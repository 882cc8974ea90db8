import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { AnaplanClientOptions } from '../client.ts'
import { AnaplanClient } from '../client.ts'
import {
  AbortError,
  BadRequestError,
  ConnectionError,
  NameResolutionError,
  ReadLimitError,
  ReadRequestFailedError,
  TaskFailedError,
  TimeoutError,
  ValidationError,
} from '../errors.ts'
import { authRoutes, createFakeFetch, envelope, jsonResponse, networkError } from '../testing/fake-fetch.ts'
import { MiB } from './files.ts'
import { cellBatches, shortViewName } from './model-scope.ts'

const WSM = '/2/0/workspaces/ws1/models/M1'
const M = '/2/0/models/M1'

function setup(extra: Partial<AnaplanClientOptions> = {}) {
  let t = 1_700_000_000_000
  const clock = { now: () => t, advance: (ms: number) => (t += ms) }
  const fake = createFakeFetch(authRoutes(clock.now))
  const delays: number[] = []
  const client = new AnaplanClient({
    authUrl: 'https://auth.example.test',
    apiUrl: 'https://api.example.test/2/0',
    credentials: { kind: 'basic', username: 'a@example.com', password: 'pw-123456' },
    fetch: fake.fetch,
    now: clock.now,
    random: () => 1,
    sleep: async (ms) => {
      delays.push(ms)
      clock.advance(ms)
    },
    ...extra,
  })
  return { client, fake, clock, delays, model: client.modelById('ws1', 'M1') }
}

describe('task start reconciliation', () => {
  it('adopts the task created by an ambiguous start instead of starting a second one', async () => {
    const { model, fake, clock } = setup()
    const startedAt = clock.now()
    fake.on('POST', `${WSM}/imports/112000000001/tasks`, () => {
      throw networkError('UND_ERR_SOCKET')
    })
    fake.on('GET', `${WSM}/imports/112000000001/tasks`, () =>
      envelope({
        tasks: [
          { taskId: 'OLD', taskState: 'COMPLETE', creationTime: startedAt - 60_000 },
          { taskId: 'MINE', taskState: 'IN_PROGRESS', creationTime: startedAt + 5 },
        ],
      }),
    )
    const task = await model.startTask('import', '112000000001', {
      mappingParameters: [{ entityType: 'Version', entityName: 'Actual' }],
    })
    expect(task.taskId).toBe('MINE')
    const posts = fake.callsTo('POST', `${WSM}/imports/*/tasks`)
    expect(posts).toHaveLength(1)
    expect(posts[0]!.json).toEqual({
      localeName: 'en_US',
      mappingParameters: [{ entityType: 'Version', entityName: 'Actual' }],
    })
  })

  it('throws the original error when no task appeared, still without re-posting', async () => {
    const { model, fake } = setup()
    fake.on('POST', `${WSM}/exports/*/tasks`, () => jsonResponse({}, 502))
    fake.on('GET', `${WSM}/exports/*/tasks`, () => envelope({}))
    await expect(model.startTask('export', '116000000001')).rejects.toMatchObject({ status: 502 })
    expect(fake.callsTo('POST', `${WSM}/exports/*/tasks`)).toHaveLength(1)
  })

  it('retries a start rejected with 409 (the server did not act) and reads bare task bodies', async () => {
    const { model, fake, delays } = setup()
    fake.on('POST', `${WSM}/processes/*/tasks`, (_r, n) =>
      n === 1
        ? jsonResponse({ status: { code: 409, message: 'busy' } }, 409)
        : jsonResponse({ taskId: 'T1' }),
    )
    expect((await model.startTask('process', '118000000001')).taskId).toBe('T1')
    expect(delays).toEqual([3000])
  })
})

describe('polling and run()', () => {
  it('polls with growing intervals and gives up at the deadline', async () => {
    const { model, fake, clock, delays } = setup()
    fake.on('GET', `${WSM}/exports/*/tasks/*`, () =>
      envelope({ task: { taskId: 'T', taskState: 'IN_PROGRESS' } }),
    )
    const err = await model
      .waitForTask('export', '116000000001', 'T', { intervalMs: 1000, deadline: clock.now() + 5000 })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(delays).toEqual([1000, 1500, 2250, 250])
  })

  it('uploads the file, runs the import and throws TaskFailedError carrying the dump', async () => {
    const { model, fake } = setup()
    fake.on('GET', `${M}/imports`, () =>
      envelope({
        imports: [
          {
            id: '112000000001',
            name: 'Load Actuals',
            importDataSourceId: '113000000001',
            importType: 'MODULE_DATA',
          },
        ],
      }),
    )
    for (const kind of ['exports', 'processes', 'actions']) fake.on('GET', `${M}/${kind}`, () => envelope({}))
    fake.on('GET', `${WSM}/files`, () =>
      envelope({ files: [{ id: '113000000001', name: 'actuals.csv', chunkCount: 0 }] }),
    )
    fake.on('POST', `${WSM}/files/113000000001`, () =>
      envelope({ file: { id: '113000000001', name: 'actuals.csv' } }),
    )
    fake.on('PUT', `${WSM}/files/113000000001/chunks/*`, () => new Response(null, { status: 204 }))
    fake.on('POST', `${WSM}/imports/*/tasks`, () =>
      envelope({ task: { taskId: 'T9', taskState: 'NOT_STARTED' } }),
    )
    fake.on('GET', `${WSM}/imports/*/tasks/T9`, (_r, n) =>
      envelope({
        task:
          n < 2
            ? { taskId: 'T9', taskState: 'IN_PROGRESS' }
            : {
                taskId: 'T9',
                taskState: 'COMPLETE',
                result: {
                  successful: false,
                  failureDumpAvailable: true,
                  objectId: '112000000001',
                  details: [{ type: 'x', localMessageText: '2 rows failed' }],
                },
              },
      }),
    )
    fake.on('GET', `${WSM}/imports/*/tasks/T9/dump/chunks`, () =>
      envelope({ chunks: [{ id: '0' }, { id: '1' }] }),
    )
    fake.on(
      'GET',
      `${WSM}/imports/*/tasks/T9/dump/chunks/*`,
      (req) => new Response(req.path.endsWith('/0') ? '"_Status_","_Line_"\n' : '"E","3"\n'),
    )
    const err = (await model
      .run('import', 'load actuals', { file: 'a,b\n1,2\n', intervalMs: 10 })
      .catch((e: unknown) => e)) as TaskFailedError
    expect(err).toBeInstanceOf(TaskFailedError)
    expect(err.message).toContain('2 rows failed')
    expect(err.dumpAvailable).toBe(true)
    expect(err.dumps).toEqual([{ objectId: '112000000001', csv: '"_Status_","_Line_"\n"E","3"\n' }])
    expect(fake.callsTo('PUT', `${WSM}/files/113000000001/chunks/0`)).toHaveLength(1)
  })

  it('rejects an action name that exists in several types', async () => {
    const { model, fake } = setup()
    fake.on('GET', `${M}/imports`, () => envelope({ imports: [{ id: '112000000001', name: 'Sync' }] }))
    fake.on('GET', `${M}/exports`, () => envelope({ exports: [{ id: '116000000001', name: 'sync' }] }))
    fake.on('GET', `${M}/processes`, () => envelope({}))
    fake.on('GET', `${M}/actions`, () => envelope({}))
    await expect(model.findAction('SYNC')).rejects.toBeInstanceOf(NameResolutionError)
    expect((await model.findAction('116000000001')).type).toBe('export')
  })
})

describe('files', () => {
  function fileRoutes(fake: ReturnType<typeof setup>['fake']) {
    const puts: Buffer[] = []
    fake.on('GET', `${WSM}/files`, () =>
      envelope({ files: [{ id: '113000000007', name: 'big.csv', chunkCount: 0 }] }),
    )
    fake.on('POST', `${WSM}/files/113000000007`, () =>
      envelope({ file: { id: '113000000007', name: 'big.csv' } }),
    )
    fake.on('POST', `${WSM}/files/113000000007/complete`, () =>
      envelope({ file: { id: '113000000007', name: 'big.csv', chunkCount: 3 } }),
    )
    fake.on('PUT', `${WSM}/files/113000000007/chunks/*`, (req) => {
      puts.push(Buffer.from(req.body ?? new Uint8Array()))
      return new Response(null, { status: 204 })
    })
    return puts
  }
  const data = Buffer.alloc(Math.round(2.5 * MiB), 0)
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251

  it('uploads bytes in chunks of chunkSize with a known chunk count, gzipped', async () => {
    const { model, fake } = setup()
    const puts = fileRoutes(fake)
    const progress: number[] = []
    const file = await model.upload('BIG.CSV', data, { chunkSize: MiB, onProgress: (n) => progress.push(n) })
    expect(file.chunkCount).toBe(3)
    expect(fake.callsTo('POST', `${WSM}/files/113000000007`)[0]!.json).toEqual({ chunkCount: 3 })
    const chunkCalls = fake.callsTo('PUT', `${WSM}/files/*/chunks/*`)
    expect(chunkCalls.map((c) => c.path.split('/').pop())).toEqual(['0', '1', '2'])
    expect(chunkCalls.every((c) => c.headers.get('content-type') === 'application/x-gzip')).toBe(true)
    expect(Buffer.concat(puts.map((p) => gunzipSync(p))).equals(data)).toBe(true)
    expect(progress).toEqual([MiB, 2 * MiB, data.length])
    expect(fake.callsTo('POST', `${WSM}/files/*/complete`)).toHaveLength(0)
  })

  it('streams a source of unknown length with chunkCount -1 and completes', async () => {
    const { model, fake } = setup()
    const puts = fileRoutes(fake)
    // Odd-sized pieces, so chunks must be re-sliced exactly at chunkSize.
    const pieces: Buffer[] = []
    for (let o = 0; o < data.length; o += 300_001) pieces.push(data.subarray(o, o + 300_001))
    await model.upload('113000000007', Readable.from(pieces), { chunkSize: MiB, gzip: false })
    expect(fake.callsTo('POST', `${WSM}/files/113000000007`)[0]!.json).toEqual({ chunkCount: -1 })
    expect(puts.map((p) => p.length)).toEqual([MiB, MiB, data.length - 2 * MiB])
    expect(Buffer.concat(puts).equals(data)).toBe(true)
    expect(fake.callsTo('POST', `${WSM}/files/*/complete`)[0]!.json).toMatchObject({
      id: '113000000007',
      chunkCount: 3,
    })
  })

  it('rejects chunk sizes outside 1–50 MB', async () => {
    const { model, fake } = setup()
    fileRoutes(fake)
    await expect(model.upload('big.csv', 'x', { chunkSize: 1000 })).rejects.toBeInstanceOf(ValidationError)
  })

  it('downloads chunk by chunk across paged chunk listings', async () => {
    const { model, fake } = setup()
    fake.on('GET', `${WSM}/files`, () => envelope({}))
    fake.on('GET', `${M}/exports`, () =>
      envelope({ exports: [{ id: '116000000001', name: 'Revenue Export' }] }),
    )
    fake.on('GET', `${WSM}/files/116000000001/chunks`, (req) =>
      req.query.get('offset') === '2'
        ? envelope({ chunks: [{ id: '2' }] }, { offset: 2, currentPageSize: 1, totalSize: 3 })
        : envelope({ chunks: [{ id: '0' }, { id: '1' }] }, { offset: 0, currentPageSize: 2, totalSize: 3 }),
    )
    fake.on(
      'GET',
      `${WSM}/files/116000000001/chunks/*`,
      (req) => new Response(`part${req.path.split('/').pop()};`),
    )
    const seen: string[] = []
    for await (const chunk of model.download('revenue export')) {
      seen.push(new TextDecoder().decode(chunk))
      // Bounded memory: at most the chunk being read and the one after it have been requested.
      expect(fake.callsTo('GET', `${WSM}/files/*/chunks/*`).length).toBeLessThanOrEqual(seen.length + 1)
    }
    expect(seen).toEqual(['part0;', 'part1;', 'part2;'])
  })
})

describe('transactional', () => {
  it('resolves page selectors by dimension and item name (or code) to ids', async () => {
    const { model, fake } = setup()
    fake.on('GET', `${M}/views`, () =>
      envelope({ views: [{ id: '207000000001', name: 'Revenue by Region', moduleId: '102000000001' }] }),
    )
    fake.on('GET', `${M}/views/207000000001`, () =>
      envelope({
        viewId: '207000000001',
        viewName: 'Revenue by Region',
        pages: [
          { id: '101000000002', name: 'Products' },
          { id: '20000000020', name: 'Versions' },
        ],
      }),
    )
    fake.on('GET', `${M}/views/*/dimensions/101000000002/items`, () =>
      envelope({
        items: [
          { id: '202000000001', name: 'Widgets' },
          { id: '202000000002', name: 'Gadgets' },
        ],
      }),
    )
    fake.on('GET', `${M}/views/*/dimensions/20000000020/items`, () =>
      envelope({ items: [{ id: '107000000002', name: 'Forecast' }] }),
    )
    fake.on('POST', `${M}/dimensions/101000000002/items`, (req) =>
      envelope({
        items: (req.json as { codes?: string[] }).codes?.includes('GAD')
          ? [{ id: '202000000002', name: 'Gadgets', code: 'GAD' }]
          : [],
      }),
    )
    fake.on('GET', `${M}/views/*/data`, () =>
      jsonResponse({
        pages: ['Gadgets', 'Forecast'],
        columnCoordinates: [['Jan 26']],
        rows: [{ rowCoordinates: ['EMEA'], cells: ['5'] }],
      }),
    )
    const data = await model.readView('revenue by region', { products: 'GAD', VERSIONS: 'forecast' })
    expect(data.rows[0]!.cells).toEqual(['5'])
    const call = fake.callsTo('GET', `${M}/views/*/data`)[0]!
    expect(call.query.get('format')).toBe('v1')
    expect(call.query.get('pages')).toBe('101000000002:202000000002,20000000020:107000000002')
    expect(call.headers.get('accept')).toBe('application/json')
    await expect(model.readView('Revenue by Region', { Regions: 'EMEA' })).rejects.toBeInstanceOf(
      NameResolutionError,
    )
  })

  it('batches list writes and keeps per-item failure indexes global', async () => {
    const { model, fake } = setup()
    fake.on('GET', `${WSM}/lists`, () => envelope({ lists: [{ id: '101000000002', name: 'Products' }] }))
    fake.on('POST', `${WSM}/lists/*/items`, (req) => {
      const n = (req.json as { items: unknown[] }).items.length
      return envelope({
        added: n - 1,
        ignored: 1,
        total: n,
        failures: [{ requestIndex: 1, failureType: 'DUPLICATE', failureMessageDetails: 'dup' }],
      })
    })
    const items = Array.from({ length: 100_001 }, (_, i) => ({ name: `P${i}` }))
    const r = await model.addListItems('products', items)
    const posts = fake.callsTo('POST', `${WSM}/lists/*/items`)
    expect(posts.map((p) => (p.json as { items: unknown[] }).items.length)).toEqual([100_000, 1])
    expect(posts[0]!.query.get('action')).toBe('add')
    expect(r).toMatchObject({ added: 99_999, ignored: 2, total: 100_001 })
    expect(r.failures?.map((f) => f.requestIndex)).toEqual([1, 100_001])
  })

  it('splits cell writes at 100,000 cells or 15 MB, whichever comes first', () => {
    const cells = Array.from({ length: 7 }, (_, i) => ({ lineItemName: 'Units', value: i }))
    expect([...cellBatches(cells, 3)].map(([s, b]) => [s, b.length])).toEqual([
      [0, 3],
      [3, 3],
      [6, 1],
    ])
    const size = Buffer.byteLength(JSON.stringify(cells[0])) + 1
    expect([...cellBatches(cells, 100, 2 + size * 2)].map(([, b]) => b.length)).toEqual([2, 2, 2, 1])
  })

  it('does not re-send a cell write after a timeout', async () => {
    const { model, fake } = setup({ sleep: async () => {} })
    fake.on('GET', `${M}/modules`, () =>
      envelope({ modules: [{ id: '102000000001', name: 'REV01 Revenue' }] }),
    )
    fake.on(
      'POST',
      `${M}/modules/*/data`,
      (req) =>
        new Promise((_, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    )
    await expect(
      model.writeCells('REV01 Revenue', [{ lineItemName: 'Units', value: 1 }], { timeoutMs: 20 }),
    ).rejects.toBeInstanceOf(ConnectionError)
    expect(fake.callsTo('POST', `${M}/modules/*/data`)).toHaveLength(1)
  })
})

function csvResponse(text: string): Response {
  return new Response(text, { status: 200, headers: { 'content-type': 'text/csv' } })
}

/** A view (by name) and a read request whose successive status reads are `states`. */
function largeView(fake: ReturnType<typeof setup>['fake'], states: Record<string, unknown>[]) {
  fake.on('GET', `${M}/views`, () =>
    envelope({ views: [{ id: '207000000001', name: 'REV01 Revenue.Big View', moduleId: '102000000001' }] }),
  )
  const base = `${WSM}/views/207000000001/readRequests`
  fake.on('POST', base, () =>
    envelope({ viewReadRequest: { requestId: 'RR1', requestState: 'NOT_STARTED', url: 'x' } }),
  )
  fake.on('GET', `${base}/RR1`, (_r, n) =>
    envelope({ viewReadRequest: { requestId: 'RR1', ...states[Math.min(n, states.length) - 1] } }),
  )
  fake.on('GET', `${base}/RR1/pages/*`, (req) => {
    const n = Number(req.path.split('/').at(-1))
    return csvResponse(`Regions,Jan 26\nR${n}a,1\nR${n}b,2\n`)
  })
  fake.on('DELETE', `${base}/RR1`, () =>
    envelope({ viewReadRequest: { requestId: 'RR1', requestState: 'COMPLETE' } }),
  )
  return base
}

async function collectPages(iter: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const page of iter) out.push(page)
  return out
}

describe('large reads (read requests)', () => {
  it('downloads pages as they become available, joins them into one CSV, and deletes the request', async () => {
    const { model, fake, delays } = setup()
    const base = largeView(fake, [
      { requestState: 'IN_PROGRESS', availablePages: 0, successful: false },
      { requestState: 'IN_PROGRESS', availablePages: 1, successful: false },
      { requestState: 'IN_PROGRESS', availablePages: 1, successful: false },
      { requestState: 'COMPLETE', availablePages: 3, successful: true },
    ])
    const seen: string[] = []
    const pages = await collectPages(
      model.readViewLarge('Big View', {
        intervalMs: 100,
        onProgress: (r) => seen.push(`${r.requestState}:${r.availablePages}`),
      }),
    )
    expect(pages.join('')).toBe('Regions,Jan 26\nR0a,1\nR0b,2\nR1a,1\nR1b,2\nR2a,1\nR2b,2\n')
    expect(seen).toEqual(['IN_PROGRESS:0', 'IN_PROGRESS:1', 'IN_PROGRESS:1', 'COMPLETE:3'])
    // Backoff grows while nothing new arrives and starts again after a page came in.
    expect(delays).toEqual([100, 100, 150])
    expect(fake.callsTo('POST', base)[0]!.json).toEqual({ exportType: 'TABULAR_MULTI_COLUMN' })
    expect(fake.callsTo('GET', `${base}/RR1/pages/*`).map((c) => c.path.split('/').at(-1))).toEqual([
      '0',
      '1',
      '2',
    ])
    expect(fake.callsTo('GET', `${base}/RR1/pages/*`)[0]!.headers.get('accept')).toBe('text/csv')
    expect(fake.callsTo('DELETE', `${base}/RR1`)).toHaveLength(1)
  })

  it('keeps pages as sent with rawPages and for grid layouts', async () => {
    const { model, fake } = setup()
    const base = largeView(fake, [{ requestState: 'COMPLETE', availablePages: 2, successful: true }])
    const raw = await collectPages(model.readViewLarge('Big View', { rawPages: true }))
    expect(raw.every((p) => p.startsWith('Regions,Jan 26\n'))).toBe(true)
    const grid = await collectPages(model.readViewLarge('Big View', { exportType: 'GRID_ALL_PAGES' }))
    expect(grid.every((p) => p.startsWith('Regions,Jan 26\n'))).toBe(true)
    expect(fake.callsTo('POST', base).map((c) => c.json)).toEqual([
      { exportType: 'TABULAR_MULTI_COLUMN' },
      { exportType: 'GRID_ALL_PAGES' },
    ])
  })

  it('throws ReadRequestFailedError for a failed read and still deletes the request', async () => {
    const { model, fake } = setup()
    const base = largeView(fake, [{ requestState: 'COMPLETE', availablePages: 0, successful: false }])
    const err = await collectPages(model.readViewLarge('Big View')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ReadRequestFailedError)
    expect((err as ReadRequestFailedError).request.requestId).toBe('RR1')
    expect(fake.callsTo('DELETE', `${base}/RR1`)).toHaveLength(1)
  })

  it('deletes the request when the consumer stops early, and fetches no further page', async () => {
    const { model, fake } = setup()
    const base = largeView(fake, [{ requestState: 'COMPLETE', availablePages: 5, successful: true }])
    for await (const page of model.readViewLarge('Big View')) {
      expect(page).toContain('R0a')
      break
    }
    expect(fake.callsTo('GET', `${base}/RR1/pages/*`)).toHaveLength(1)
    expect(fake.callsTo('DELETE', `${base}/RR1`)).toHaveLength(1)
  })

  it('gives up at the deadline with TimeoutError and on abort with AbortError, deleting each time', async () => {
    const { model, fake, clock } = setup()
    const base = largeView(fake, [{ requestState: 'IN_PROGRESS', availablePages: 0, successful: false }])
    const late = await collectPages(
      model.readViewLarge('Big View', { intervalMs: 1000, deadline: clock.now() + 2500 }),
    ).catch((e: unknown) => e)
    expect(late).toBeInstanceOf(TimeoutError)
    expect((late as Error).message).toMatch(/still IN_PROGRESS at the deadline/)
    expect(fake.callsTo('DELETE', `${base}/RR1`)).toHaveLength(1)

    const controller = new AbortController()
    const aborted = await collectPages(
      model.readViewLarge('Big View', {
        onProgress: () => controller.abort(),
        signal: controller.signal,
      }),
    ).catch((e: unknown) => e)
    expect(aborted).toBeInstanceOf(AbortError)
    expect(fake.callsTo('DELETE', `${base}/RR1`)).toHaveLength(2)
  })

  it('a failed cleanup is logged, never thrown over the result', async () => {
    const warnings: string[] = []
    const logger = { debug() {}, info() {}, error() {}, warn: (_f: unknown, m: string) => warnings.push(m) }
    const { model, fake } = setup({ logger })
    const base = largeView(fake, [{ requestState: 'COMPLETE', availablePages: 1, successful: true }])
    fake.on('DELETE', `${base}/RR1`, () => jsonResponse({ status: { code: 500, message: 'boom' } }, 500))
    expect(await collectPages(model.readViewLarge('Big View'))).toHaveLength(1)
    expect(warnings).toEqual([expect.stringMatching(/could not delete the read request for view/)])
  })

  it('reads a list with a body-less list read request', async () => {
    const { model, fake } = setup()
    fake.on('GET', `${WSM}/lists`, () => envelope({ lists: [{ id: '101000000009', name: 'Employees' }] }))
    const base = `${WSM}/lists/101000000009/readRequests`
    fake.on('POST', base, () =>
      envelope({ listReadRequest: { requestId: 'L1', requestState: 'IN_PROGRESS' } }),
    )
    fake.on('GET', `${base}/L1`, () =>
      envelope({
        listReadRequest: { requestId: 'L1', requestState: 'COMPLETE', availablePages: 2, successful: true },
      }),
    )
    fake.on('GET', `${base}/L1/pages/*`, (req) => csvResponse(`id,name\r\n${req.path.at(-1)},E\r\n`))
    fake.on('DELETE', `${base}/L1`, () => envelope({}))
    expect((await collectPages(model.readListLarge('employees'))).join('')).toBe('id,name\r\n0,E\r\n1,E\r\n')
    expect(fake.callsTo('POST', base)[0]!.body).toBeUndefined()
    expect(fake.callsTo('DELETE', `${base}/L1`)).toHaveLength(1)
  })

  it('turns the 1,000,000-cell 400 of a plain read into ReadLimitError pointing at readViewLarge', async () => {
    const { model, fake } = setup()
    largeView(fake, [])
    fake.on('GET', `${M}/views/*/data`, (_r, n) =>
      jsonResponse(
        { status: { code: 400, message: n <= 2 ? 'Cell count exceeds the limit of 1,000,000' : 'Bad page' } },
        400,
      ),
    )
    for (const read of [() => model.readView('Big View'), () => model.readViewCsv('Big View')]) {
      const err = await read().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ReadLimitError)
      expect(err).toBeInstanceOf(BadRequestError)
      expect((err as ReadLimitError).useInstead).toBe('readViewLarge')
      expect((err as Error).message).toMatch(
        /failed with 400 Bad Request: Cell count exceeds.*use readViewLarge\(\)/,
      )
    }
    const other = await model.readView('Big View').catch((e: unknown) => e)
    expect(other).toBeInstanceOf(BadRequestError)
    expect(other).not.toBeInstanceOf(ReadLimitError)
  })
})

describe('calendar', () => {
  it('sets the current period with a PUT of {date}, checking the date before sending anything', async () => {
    const { model, fake } = setup()
    fake.on('PUT', `${WSM}/currentPeriod`, (req) => {
      const date = (req.json as { date: string }).date
      return envelope({
        currentPeriod: {
          periodText: date ? 'Mar 26' : '',
          lastDay: date ? '2026-03-31' : '',
          calendarType: 'C',
        },
      })
    })
    expect((await model.setCurrentPeriod('2026-03-15')).periodText).toBe('Mar 26')
    await model.setCurrentPeriod(new Date(Date.UTC(2026, 2, 31, 23, 30)))
    expect((await model.setCurrentPeriod('')).periodText).toBe('')
    expect(fake.callsTo('PUT', `${WSM}/currentPeriod`).map((c) => c.json)).toEqual([
      { date: '2026-03-15' },
      { date: '2026-03-31' },
      { date: '' },
    ])
    for (const bad of ['15/03/2026', '2026-02-30', '2026-3-1', 'soon']) {
      await expect(model.setCurrentPeriod(bad)).rejects.toBeInstanceOf(ValidationError)
    }
    await expect(model.setCurrentPeriod(new Date(Number.NaN))).rejects.toBeInstanceOf(ValidationError)
    expect(fake.callsTo('PUT', `${WSM}/currentPeriod`)).toHaveLength(3)
  })

  it('reads the model calendar, and an empty one when Anaplan leaves the key out', async () => {
    const { model, fake } = setup()
    fake.on('GET', `${M}/modelCalendar`, (_r, n) =>
      n === 1
        ? envelope({ modelCalendar: { fiscalYear: { year: 'FY26', startDate: 'a', endDate: 'b' } } })
        : envelope({}),
    )
    expect((await model.modelCalendar()).fiscalYear?.year).toBe('FY26')
    expect(await model.modelCalendar()).toEqual({})
  })
})

describe('shortViewName', () => {
  it.each([
    ['REV01 Revenue.Revenue by Region', 'Revenue by Region'],
    ["'A.B'.'C.D'", 'C.D'],
    ['REV01 Revenue', 'REV01 Revenue'],
  ])('%s → %s', (name, short) => expect(shortViewName(name)).toBe(short))
})
