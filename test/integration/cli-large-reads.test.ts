import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryIo } from '../../src/cli/memory-io.ts'
import { runCli } from '../../src/cli/program.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

// `anaplan view --large` and `anaplan list-items --large` against a simulator whose read requests
// have 3-row pages and whose plain view reads stop at 100 cells (so REV01's default view, 75 rows ×
// 17 periods, is "too large" for a plain read).
let sim: RunningSimulator
let dir: string
let env: Record<string, string>

async function cli(argv: string[]) {
  const io = memoryIo({ env })
  // Large reads poll fast here; the 1 s default is for real Anaplan.
  if (argv.includes('--large')) argv = [...argv, '--poll-interval', '0.01']
  const code = await runCli(argv, io)
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() }
}

async function routes(): Promise<Record<string, number>> {
  return ((await (await fetch(`${sim.url}/__sim/stats`)).json()) as { routes: Record<string, number> }).routes
}
const VIEW_RR = '/2/0/workspaces/:workspaceId/models/:modelId/views/:viewId/readRequests'
const LIST_RR = '/2/0/workspaces/:workspaceId/models/:modelId/lists/:listId/readRequests'

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    taskMs: 100,
    readRequestPageRows: 3,
    maxViewCells: 100,
  })
  dir = await mkdtemp(join(tmpdir(), 'anaplan-cli-large-'))
  env = {
    ANAPLAN_AUTH_URL: sim.authUrl,
    ANAPLAN_API_URL: sim.apiUrl,
    ANAPLAN_USERNAME: 'analyst@example.com',
    ANAPLAN_PASSWORD: 'demo-password',
    ANAPLAN_MODEL: 'Sales Forecast',
  }
})
afterAll(async () => {
  await sim?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('anaplan view --large', () => {
  it('a plain read over the limit exits 5 and says to use --large', async () => {
    const r = await cli(['view', 'REV01 Revenue'])
    expect(r.code).toBe(5)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'anaplan: The view has more than 100 cells: use a read request or page selectors — read it in pages with: anaplan view "REV01 Revenue" --large\n',
    )
    const json = await cli(['view', 'REV01 Revenue', '--json'])
    expect(json.code).toBe(5)
    expect(JSON.parse(json.stderr).error.code).toBe('too_large')
  })

  it('streams every page as one CSV to stdout, and the same bytes to --out', async () => {
    const before = (await routes())[`GET ${VIEW_RR}/:requestId/pages/:pageNo`] ?? 0
    const r = await cli(['view', 'REV01 Revenue', '--large'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const [header, ...rows] = parse(r.stdout) as string[][]
    expect(header!.slice(0, 5)).toEqual(['Versions', 'Regions', 'Products', 'Line Items', 'Jan 26'])
    expect(rows).toHaveLength(3 * 75)
    expect(rows.some((row) => row[0] === 'Versions')).toBe(false)
    const after = await routes()
    expect(after[`GET ${VIEW_RR}/:requestId/pages/:pageNo`]! - before).toBe(75)
    expect(after[`DELETE ${VIEW_RR}/:requestId`]).toBeGreaterThanOrEqual(1)

    const file = join(dir, 'rev.csv')
    const saved = await cli(['view', 'REV01 Revenue', '--large', '--out', file, '--json'])
    expect(saved.code).toBe(0)
    expect(JSON.parse(saved.stdout)).toMatchObject({ view: 'REV01 Revenue', path: file, pages: 75 })
    expect(await readFile(file, 'utf8')).toBe(r.stdout)
  })

  it('--export-type picks the layout', async () => {
    const r = await cli(['view', 'Revenue by Region', '--large', '--export-type', 'tabular-single-column'])
    expect(r.code).toBe(0)
    const [header, ...rows] = parse(r.stdout) as string[][]
    expect(header).toEqual(['Products', 'Versions', 'Line Items', 'Regions', 'Time', 'Value'])
    // 5 products × 3 versions × 1 line item (Revenue) × 5 regions × 17 periods.
    expect(rows).toHaveLength(5 * 3 * 1 * 5 * 17)
    expect(rows[0]?.[2]).toBe('Revenue')
  })

  it('rejects flags that do not fit, before sending anything', async () => {
    const cases: [string[], string][] = [
      [['view', 'REV01 Revenue', '--large', '--page', 'Versions=Budget'], '--page does not go with --large'],
      [['view', 'REV01 Revenue', '--large', '--format', 'json'], '--large writes CSV only'],
      [['view', 'REV01 Revenue', '--large', '--json'], 'with --json, save it with --out FILE'],
      [['view', 'REV01 Revenue', '--out', 'x.csv'], '--out goes with --large'],
      [['view', 'REV01 Revenue', '--export-type', 'GRID_ALL_PAGES'], '--export-type goes with --large'],
      [['view', 'REV01 Revenue', '--large', '--export-type', 'NOPE'], '--export-type must be one of'],
      [['view', 'REV01 Revenue', '--poll-interval', '1'], '--poll-interval goes with --large'],
      [['list-items', 'Products', '--large', '--add', 'X', '--yes'], '--large only reads'],
    ]
    const before = (await routes())[`POST ${VIEW_RR}`] ?? 0
    for (const [argv, message] of cases) {
      const r = await cli(argv)
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.stderr).toContain(message)
    }
    expect((await routes())[`POST ${VIEW_RR}`] ?? 0).toBe(before)
  })

  it('Ctrl-C stops the read with exit 130, deletes the request and leaves no partial file', async () => {
    // A simulator whose read requests take 10 s: Ctrl-C is pressed once the request exists, and
    // the read cannot have finished by then however slow this machine is.
    const slow = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 10_000, readRequestPageRows: 3 })
    try {
      const stats = async () =>
        ((await (await fetch(`${slow.url}/__sim/stats`)).json()) as { routes: Record<string, number> }).routes
      const file = join(dir, 'partial.csv')
      const io = memoryIo({ env: { ...env, ANAPLAN_AUTH_URL: slow.authUrl, ANAPLAN_API_URL: slow.apiUrl } })
      const running = runCli(
        ['view', 'REV01 Revenue', '--large', '--out', file, '--poll-interval', '0.01'],
        io,
      )
      while (!(await stats())[`GET ${VIEW_RR}/:requestId`]) await new Promise((r) => setTimeout(r, 5))
      io.interrupt()
      expect(await running).toBe(130)
      const after = await stats()
      expect(after[`POST ${VIEW_RR}`]).toBe(1)
      expect(after[`DELETE ${VIEW_RR}/:requestId`]).toBe(1)
      await expect(stat(file)).rejects.toThrow()
    } finally {
      await slow.close()
    }
  })
})

describe('anaplan list-items --large', () => {
  it('streams every item with subsets and properties', async () => {
    const r = await cli(['list-items', 'Products', '--large'])
    expect(r.code).toBe(0)
    const items = parse(r.stdout, { columns: true }) as Record<string, string>[]
    expect(items.map((i) => i.name)).toEqual(['Widgets', 'Gadgets', 'Gizmos', 'Sprockets'])
    expect(items.find((i) => i.name === 'Sprockets')?.Discontinued).toBe('true')
    expect((await routes())[`GET ${LIST_RR}/:requestId/pages/:pageNo`]).toBe(2)
    const plain = await cli(['list-items', 'Products', '--json'])
    expect((JSON.parse(plain.stdout) as { name: string }[]).map((i) => i.name)).toEqual(
      items.map((i) => i.name),
    )
  })
})
