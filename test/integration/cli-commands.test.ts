import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { memoryIo } from '../../src/cli/memory-io.ts'
import { runCli } from '../../src/cli/program.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

// Every `anaplan` command run in-process (runCli with in-memory streams) against the simulator.
// The spawned-process checks (bin, signals, stdin) are in cli-process.test.ts.

let sim: RunningSimulator
let dir: string
let env: Record<string, string>

interface Run {
  code: number
  stdout: string
  stderr: string
  bytes: Buffer
}

async function cli(
  argv: string[],
  o: {
    env?: Record<string, string>
    stdin?: string
    tty?: boolean
    confirm?: (q: string) => Promise<boolean>
  } = {},
): Promise<Run> {
  const io = memoryIo({
    env: { ...env, ...o.env },
    ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
    ...(o.tty ? { tty: true } : {}),
    ...(o.confirm ? { confirm: o.confirm } : {}),
  })
  const code = await runCli(argv, io)
  return { code, stdout: io.stdoutText(), stderr: io.stderrText(), bytes: io.stdoutBytes() }
}

async function stats(s: RunningSimulator = sim): Promise<{
  auth: Record<string, number>
  mutations: { taskStarts: number; cellWrites: number; listWrites: number }
  tasks: Record<string, number>
}> {
  return (await fetch(`${s.url}/__sim/stats`)).json() as never
}

/** Reads a model file straight from the simulator's API, independently of the CLI and the client. */
async function rawFile(fileId: string): Promise<Buffer> {
  const auth = await fetch(`${sim.authUrl}/token/authenticate`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('analyst@example.com:demo-password').toString('base64')}`,
    },
  })
  const token = ((await auth.json()) as { tokenInfo: { tokenValue: string } }).tokenInfo.tokenValue
  const h = { authorization: `AnaplanAuthToken ${token}` }
  const models = (await (await fetch(`${sim.apiUrl}/models`, { headers: h })).json()) as {
    models: { id: string; name: string; currentWorkspaceId: string }[]
  }
  const m = models.models.find((x) => x.name === 'Sales Forecast')!
  const base = `${sim.apiUrl}/workspaces/${m.currentWorkspaceId}/models/${m.id}/files/${fileId}`
  const chunks = (await (await fetch(`${base}/chunks`, { headers: h })).json()) as {
    chunks?: { id: string }[]
  }
  const parts: Buffer[] = []
  for (const c of chunks.chunks ?? []) {
    parts.push(Buffer.from(await (await fetch(`${base}/chunks/${c.id}`, { headers: h })).arrayBuffer()))
  }
  return Buffer.concat(parts)
}

const BAD_ACTUALS = [
  'Region,Product,Month,Version,Units,Price',
  'Atlantis,Widgets,Jan 26,Actual,10,25',
  'EMEA,Widgets,Jan 26,Actual,abc,25',
  'APAC,Widgets,Jan 26,Actual,12,25',
  '',
].join('\n')
const GOOD_ACTUALS = 'Region,Product,Month,Version,Units,Price\nAPAC,Gadgets,Feb 26,Actual,77,40\n'

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 20, latencyMs: 0 })
  dir = await mkdtemp(join(tmpdir(), 'anaplan-cli-'))
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
beforeEach(async () => {
  await sim.reset()
})

describe('anaplan: who and what', () => {
  it('whoami, workspaces, models, and the model listings', async () => {
    const who = await cli(['whoami'])
    expect(who.code).toBe(0)
    expect(who.stdout).toMatch(/^analyst@example\.com/)
    expect(who.stdout).toContain('signed in with password (ANAPLAN_PASSWORD)')

    const ws = await cli(['workspaces'])
    expect(ws.stdout).toMatch(/FP&A Demo\s+true/)

    const models = await cli(['models', '--workspace', 'FP&A Demo', '--json'])
    expect(models.code).toBe(0)
    const rows = JSON.parse(models.stdout) as { name: string; state: string }[]
    expect(rows.map((r) => r.name).sort()).toEqual([
      'Budget 2024',
      'Retail Demand',
      'Sales Forecast',
      'Workforce Plan',
    ])
    expect(rows.find((r) => r.name === 'Budget 2024')?.state).toBe('ARCHIVED')

    const expected: [string[], RegExp[]][] = [
      [['imports'], [/Load Actuals\s+MODULE_DATA/, /Load Products/]],
      [['exports'], [/Revenue Export/, /Expenses Export/]],
      [['processes'], [/Monthly Refresh/]],
      [['actions'], [/Delete Discontinued Products/]],
      [
        ['actions', '--all'],
        [/^import\s.*Load Actuals$/m, /^process\s.*Monthly Refresh$/m, /^action\s.*Delete/m],
      ],
      [['files'], [/actuals\.csv/]],
      [['views'], [/Revenue by Region/, /Units by Product/, /Expenses Summary/]],
      [['modules'], [/REV01 Revenue/, /OPX01 Expenses/, /SYS01 Settings/]],
      [['lists'], [/Regions/, /Products/, /Channels/]],
      [
        ['line-items', 'REV01 Revenue'],
        [/Units/, /Price/, /Revenue/],
      ],
    ]
    for (const [argv, patterns] of expected) {
      const r = await cli(argv)
      expect(r.code, argv.join(' ')).toBe(0)
      for (const p of patterns) expect(r.stdout, argv.join(' ')).toMatch(p)
    }
    // A selector by id works as well as by name.
    const model = rows.find((r) => r.name === 'Sales Forecast') as unknown as { id: string }
    const byId = await cli(['imports', '--model', model.id, '--json'])
    expect((JSON.parse(byId.stdout) as { name: string }[]).map((i) => i.name)).toContain('Load Actuals')
  })

  it('token prints a fresh token that stays valid; other commands log out', async () => {
    const before = await stats()
    const r = await cli(['token'])
    expect(r.code).toBe(0)
    const t = JSON.parse(r.stdout) as { tokenValue: string; expiresAt: number }
    expect(Object.keys(t).sort()).toEqual(['expiresAt', 'tokenValue'])
    expect(t.expiresAt).toBeGreaterThan(Date.now())
    const me = await fetch(`${sim.apiUrl}/users/me`, {
      headers: { authorization: `AnaplanAuthToken ${t.tokenValue}` },
    })
    expect(me.status).toBe(200)
    expect((await stats()).auth.logout ?? 0).toBe(before.auth.logout ?? 0)
    await cli(['workspaces'])
    expect((await stats()).auth.logout).toBe((before.auth.logout ?? 0) + 1)
  })

  it('certificate authentication with --cert and --key', async () => {
    const { generateTestCertificate } = await import('../../src/anaplan/testing/certificate.ts')
    const c = await generateTestCertificate('analyst@example.com')
    const certSim = await startSimulator({
      port: 0,
      host: '127.0.0.1',
      certificates: [{ email: 'analyst@example.com', certificatePem: c.certificatePem }],
    })
    try {
      await writeFile(join(dir, 'cert.pem'), c.certificatePem)
      await writeFile(join(dir, 'key.pem'), c.privateKeyPem)
      const r = await cli(['whoami', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')], {
        env: { ANAPLAN_AUTH_URL: certSim.authUrl, ANAPLAN_API_URL: certSim.apiUrl, ANAPLAN_USERNAME: '' },
      })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('analyst@example.com')
      expect(r.stdout).toContain('certificate (--cert/--key)')
      expect(r.stdout + r.stderr).not.toContain('PRIVATE KEY')
    } finally {
      await certSim.close()
    }
  })
})

describe('anaplan: errors and exit codes', () => {
  it('names that match nothing exit 4 with close matches, in one line', async () => {
    const action = await cli(['run', 'import', 'Load Actual'])
    expect(action.code).toBe(4)
    expect(action.stderr).toMatch(
      /^anaplan: No import named "Load Actual" was found\. Did you mean: "Load Actuals \(\d+\)"\?\n$/,
    )
    const model = await cli(['imports', '--model', 'Sales Forcast'])
    expect(model.code).toBe(4)
    expect(model.stderr).toContain('Did you mean: "Sales Forecast')
    const json = await cli(['view', 'Revenue by Regoin', '--json'])
    expect(json.code).toBe(4)
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'name_not_resolved' } })
  })

  it('no access exits 4; a wrong password exits 3 without echoing it', async () => {
    const viewer = { ANAPLAN_USERNAME: 'viewer@example.com', ANAPLAN_PASSWORD: 'viewer-password' }
    const noAccess = await cli(['imports', '--model', 'Workforce Plan'], { env: viewer })
    expect(noAccess.code).toBe(4)
    expect(noAccess.stderr.split('\n').filter(Boolean)).toHaveLength(1)

    const wrong = await cli(['whoami'], { env: { ANAPLAN_PASSWORD: 'not-the-password-123' } })
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toMatch(/^anaplan: .+\n$/)
    expect(wrong.stderr).not.toContain('not-the-password-123')
    const wrongJson = await cli(['whoami', '--json'], { env: { ANAPLAN_PASSWORD: 'not-the-password-123' } })
    expect(wrongJson.code).toBe(3)
    expect(JSON.parse(wrongJson.stderr).error.code).toBe('auth_failed')
  })

  it('download before the export ran, upload with its arguments swapped, an archived model: each says what is wrong', async () => {
    const out = join(dir, 'never.csv')
    const early = await cli(['download', 'Revenue Export', '--out', out])
    expect(early.code).toBe(4)
    expect(early.stderr).toBe(
      'anaplan: "Revenue Export" has not produced a file yet: run the export first, e.g. anaplan run export "Revenue Export" --out out.csv\n',
    )
    await expect(readFile(out)).rejects.toThrow(/ENOENT/)
    const toStdout = await cli(['download', '116000000000', '--json'])
    expect(toStdout.code).toBe(4)
    expect(JSON.parse(toStdout.stderr).error.code).toBe('no_content')

    const local = join(dir, 'my-actuals.csv')
    await writeFile(local, GOOD_ACTUALS)
    const swapped = await cli(['upload', local, 'actuals.csv'])
    expect(swapped.code).toBe(2)
    expect(swapped.stderr).toContain('The order is: anaplan upload <anaplan-file> <local-path>')
    expect(swapped.stderr).toContain(`anaplan upload "actuals.csv" "${local}"`)
    const neither = await cli(['upload', 'actuals.csv', join(dir, 'missing.csv')])
    expect(neither.stderr).not.toContain('The order is')
    expect(neither.code).toBe(2)

    const archived = await cli(['imports', '--workspace', 'FP&A Demo', '--model', 'Budget 2024'])
    expect(archived.code).toBe(4)
    expect(archived.stderr).toBe(
      'anaplan: The model "Budget 2024" is archived: Anaplan serves no data from an archived model. Restore it in Anaplan, or choose another with --model.\n',
    )
  })

  it('rate limited after retries exits 5', async () => {
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'GET',
        path: '/2/0/workspaces',
        status: 429,
        retryAfter: '0',
        count: 10,
      }),
    })
    try {
      const r = await cli(['workspaces', '--json'])
      expect(r.code).toBe(5)
      expect(JSON.parse(r.stderr).error.code).toBe('rate_limited')
    } finally {
      await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' })
    }
  })
})

describe('anaplan run', () => {
  it('an import with --file succeeds and exits 0', async () => {
    const file = join(dir, 'good.csv')
    await writeFile(file, GOOD_ACTUALS)
    const r = await cli(['run', 'import', 'Load Actuals', '--file', file, '--poll-interval', '0.02'])
    expect(r.stderr).toContain(`Uploaded ${file}`)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Load Actuals: succeeded$/m)
    expect(r.stdout).not.toContain('Failure dump')
    const view = await cli(['view', 'Units by Product', '--format', 'json', '--page', 'Regions=APAC'])
    expect(view.code).toBe(0)
  })

  it('--mapping supplies the version a file without a Version column loads into', async () => {
    const file = join(dir, 'no-version.csv')
    await writeFile(file, 'Region,Product,Month,Units,Price\nAPAC,Gadgets,Feb 26,4242,40\n')
    const units = async (version: string) => {
      const v = await cli([
        'view',
        'Units by Product',
        '--page',
        'Regions=APAC',
        '--page',
        `Versions=${version}`,
        '--json',
      ])
      const data = JSON.parse(v.stdout) as {
        columnCoordinates: string[][]
        rows: { rowCoordinates: string[]; cells: string[] }[]
      }
      const col = data.columnCoordinates.findIndex((c) => c.includes('Feb 26'))
      return data.rows.find((r) => r.rowCoordinates.includes('Gadgets'))?.cells[col]
    }
    const actual = await units('Actual')
    const args = ['run', 'import', 'Load Actuals', '--file', file, '--poll-interval', '0.02']
    const r = await cli([...args, '--mapping', 'Version=Budget'])
    expect(r.stderr).not.toContain('anaplan:')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Load Actuals: succeeded$/m)
    expect(await units('Budget')).toBe('4242')
    expect(await units('Actual')).toBe(actual)

    const unknown = await cli([...args, '--mapping', 'Scenario=Budget'])
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain('Mapping parameter for an unknown dimension: Scenario')
    const missing = await cli(args)
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain('Column not found in the file: Version')
  })

  it('a partly failing import exits 1, explains the dump, and --dump-out saves it whole', async () => {
    const file = join(dir, 'bad.csv')
    const dumpPath = join(dir, 'dump.csv')
    await writeFile(file, BAD_ACTUALS)
    const r = await cli([
      'run',
      'import',
      'Load Actuals',
      '--file',
      file,
      '--dump-out',
      dumpPath,
      '--poll-interval',
      '0.02',
    ])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/Failure dump of Load Actuals: 2 rows, 2 errors/)
    expect(r.stdout).toMatch(/line 2 \(error\): .*Atlantis/)
    expect(r.stdout).toMatch(/line 3 \(error\): .*abc/)
    expect(r.stdout).toContain(`saved to ${dumpPath}`)
    const saved = await readFile(dumpPath, 'utf8')
    expect(saved.split('\n')[0]).toContain('_Status_')
    expect(saved).toContain('Atlantis')

    // The same dump, fetched later by task id.
    const tasks = await cli(['tasks', 'import', 'Load Actuals', '--json'])
    const taskId = (JSON.parse(tasks.stdout) as { taskId: string }[]).at(-1)!.taskId
    const dump = await cli(['dump', 'import', 'Load Actuals', taskId])
    expect(dump.code).toBe(0)
    expect(dump.stdout).toBe(saved)
    const summary = await cli([
      'dump',
      'import',
      'Load Actuals',
      taskId,
      '--out',
      join(dir, 'd2.csv'),
      '--json',
    ])
    expect(JSON.parse(summary.stdout)).toMatchObject({ taskId, rows: 2, errors: 2, warnings: 0 })
    expect(await readFile(join(dir, 'd2.csv'), 'utf8')).toBe(saved)

    // --json carries the counts too.
    const json = await cli(['run', 'import', 'Load Actuals', '--poll-interval', '0.02', '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      actionName: 'Load Actuals',
      successful: true,
      dumps: [{ rows: 2, errors: 2 }],
    })
  })

  it('a process whose import rejects rows exits 1; dump fetches the nested dump by task id', async () => {
    const file = join(dir, 'bad-process.csv')
    await writeFile(file, BAD_ACTUALS)
    const dumpPath = join(dir, 'process-dump.csv')
    const r = await cli([
      'run',
      'process',
      'Monthly Refresh',
      '--file',
      file,
      '--dump-out',
      dumpPath,
      '--poll-interval',
      '0.02',
    ])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^ {2}Load Actuals: completed with failures/m)
    expect(r.stdout).toContain('Failure dump of Load Actuals: 2 rows, 2 errors')
    expect(r.stdout).toContain(`saved to ${dumpPath}`)
    const tasks = JSON.parse((await cli(['tasks', 'process', 'Monthly Refresh', '--json'])).stdout) as {
      taskId: string
    }[]
    const id = tasks.at(-1)!.taskId
    const dump = await cli(['dump', 'process', 'Monthly Refresh', id])
    expect(dump.code).toBe(0)
    expect(dump.stdout).toBe(await readFile(dumpPath, 'utf8'))
    const named = await cli(['dump', 'process', 'Monthly Refresh', id, '--object', 'load actuals', '--json'])
    expect(JSON.parse(named.stdout)).toMatchObject({ rows: 2, errors: 2 })
  })

  it('an export with --out writes the exact bytes; download does the same to stdout and to a file', async () => {
    const out = join(dir, 'rev.csv')
    const r = await cli(['run', 'export', 'Revenue Export', '--out', out, '--poll-interval', '0.02'])
    expect(r.code).toBe(0)
    const written = await readFile(out)
    expect(written.length).toBeGreaterThan(1000)
    expect(r.stdout).toContain(`Saved ${written.length} bytes to ${out}`)
    const exports = JSON.parse((await cli(['exports', '--json'])).stdout) as { id: string; name: string }[]
    const id = exports.find((e) => e.name === 'Revenue Export')!.id
    expect(written.equals(await rawFile(id))).toBe(true)

    const piped = await cli(['download', 'Revenue Export'])
    expect(piped.code).toBe(0)
    expect(piped.bytes.equals(written)).toBe(true)
    const toFile = await cli(['download', id, '--out', join(dir, 'rev2.csv')])
    expect(toFile.code).toBe(0)
    expect((await readFile(join(dir, 'rev2.csv'))).equals(written)).toBe(true)

    const stdoutRun = await cli(['run', 'export', 'Revenue Export', '--out', '-', '--poll-interval', '0.02'])
    expect(stdoutRun.bytes.equals(written)).toBe(true)
    expect(stdoutRun.stderr).toContain('Revenue Export: succeeded')
  })

  it('draws progress bars on a terminal only, never with --json', async () => {
    const out = join(dir, 'tty.csv')
    const tty = await cli(['run', 'export', 'Revenue Export', '--out', out, '--poll-interval', '0.02'], {
      tty: true,
    })
    expect(tty.code).toBe(0)
    expect(tty.stderr).toMatch(/export "Revenue Export" \[=+\] 100% Complete/)
    expect(tty.stderr).toMatch(/save .*tty\.csv \[.*\] \d+(\.\d)? KB/)
    const json = await cli(
      ['run', 'export', 'Revenue Export', '--out', out, '--json', '--poll-interval', '0.02'],
      {
        tty: true,
      },
    )
    expect(json.stderr).toBe('')
    const off = await cli(['run', 'export', 'Revenue Export', '--no-progress', '--poll-interval', '0.02'], {
      tty: true,
    })
    expect(off.stderr).not.toContain('[')
  })

  it('a process shows nested results; an action runs', async () => {
    const p = await cli(['run', 'process', 'Monthly Refresh', '--poll-interval', '0.02'])
    expect(p.code).toBe(0)
    expect(p.stdout).toMatch(
      /^Monthly Refresh: succeeded\n {2}Load Actuals: succeeded\n[\s\S]*^ {2}Revenue Export: succeeded$/m,
    )
    const a = await cli([
      'run',
      'action',
      'Delete Discontinued Products',
      '--poll-interval',
      '0.02',
      '--json',
    ])
    expect(a.code).toBe(0)
    expect(JSON.parse(a.stdout)).toMatchObject({ actionType: 'action', successful: true })
    const s = await stats()
    expect(Object.values(s.tasks).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(2)
  })

  it('--no-wait prints the task id; rejects options that do not fit the action type', async () => {
    const r = await cli(['run', 'export', 'Revenue Export', '--no-wait', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).task.taskId).toMatch(/^[0-9A-F]{32}$/)
    const bad = await cli(['run', 'process', 'Monthly Refresh', '--out', 'x.csv'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('anaplan: --out is for exports, not for a process\n')
  })
})

describe('anaplan files and data', () => {
  it('upload then download returns the same bytes, in several uncompressed chunks', async () => {
    const big = Buffer.from(
      `${'Region,Product,Month,Version,Units,Price\n'}${'APAC,Widgets,Jan 26,Actual,1,25\n'.repeat(80_000)}`,
    )
    const path = join(dir, 'big.csv')
    await writeFile(path, big)
    const up = await cli(['upload', 'actuals.csv', path, '--chunk-size', '1', '--no-gzip', '--json'])
    expect(up.stderr).toBe('')
    expect(up.code).toBe(0)
    expect(JSON.parse(up.stdout).file.chunkCount).toBe(Math.ceil(big.length / (1024 * 1024)))
    const down = await cli(['download', 'actuals.csv'])
    expect(down.bytes.equals(big)).toBe(true)
  })

  it('view as csv, json and table, with pages', async () => {
    const csv = await cli([
      'view',
      'Revenue by Region',
      '--page',
      'Products=Gadgets',
      '--page',
      'Versions=Budget',
    ])
    expect(csv.code).toBe(0)
    const lines = csv.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^Regions,Jan 26,Feb 26,Mar 26,Q1 FY26,/)
    expect(lines.map((l) => l.split(',')[0])).toEqual([
      'Regions',
      'North America',
      'EMEA',
      'APAC',
      'LATAM',
      'Total Regions',
    ])
    const json = await cli([
      'view',
      'Revenue by Region',
      '--page',
      'Products=Gadgets',
      '--page',
      'Versions=Budget',
      '--json',
    ])
    const data = JSON.parse(json.stdout) as {
      pages: string[]
      rows: { rowCoordinates: string[]; cells: string[] }[]
    }
    expect(data.pages).toEqual(['Gadgets', 'Budget', 'Revenue'])
    expect(data.rows[0]!.cells.length).toBe(lines[0]!.split(',').length - 1)
    // The view shows Revenue alone: its Line Items page takes Revenue, and refuses Units.
    const revenue = await cli(['view', 'Revenue by Region', '--page', 'Line Items=Revenue', '--json'])
    expect(revenue.code).toBe(0)
    expect((JSON.parse(revenue.stdout) as { pages: string[] }).pages).toEqual([
      'Widgets',
      'Actual',
      'Revenue',
    ])
    const units = await cli(['view', 'Revenue by Region', '--page', 'Line Items=Units'])
    expect(units.code).not.toBe(0)
    expect(units.stderr).toContain('Units')
    const table = await cli(['view', 'Revenue by Region', '--format', 'table'])
    expect(table.stdout.split('\n')[1]).toMatch(/^-+ {2}-+/)
    const onTerminal = await cli(['view', 'Expenses Summary'], { tty: true })
    expect(onTerminal.code).toBe(0)
    expect(onTerminal.stdout.split('\n')[1]).toMatch(/^-+ {2}-+/)
    const badPage = await cli(['view', 'Revenue by Region', '--page', 'Products=Doohickeys'])
    expect(badPage.code).toBe(4)
  })

  it('write-cells with --yes changes the model; failures exit 1; --from writes in bulk', async () => {
    const flags = [
      '--line-item',
      'Units',
      '--item',
      'Regions=APAC',
      '--item',
      'Products=Widgets',
      '--period',
      'Mar 26',
    ]
    const one = await cli([
      'write-cells',
      'REV01 Revenue',
      ...flags,
      '--version',
      'Forecast',
      '--value',
      '500',
      '--yes',
    ])
    expect(one.stderr).toBe('')
    expect(one.code).toBe(0)
    expect(one.stdout).toBe('1 cell(s) changed\n')
    const view = await cli([
      'view',
      'Units by Product',
      '--format',
      'json',
      '--page',
      'Regions=APAC',
      '--page',
      'Versions=Forecast',
    ])
    expect(view.stdout).toContain('"500"')

    const bad = await cli([
      'write-cells',
      'REV01 Revenue',
      ...flags,
      '--version',
      'Nope',
      '--value',
      '1',
      '--yes',
    ])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/failed: Units\[.*Versions=Nope\] = 1: \w+/)

    await writeFile(
      join(dir, 'cells.json'),
      JSON.stringify([
        {
          lineItem: 'Units',
          items: { Regions: 'EMEA', Products: 'Gizmos' },
          period: 'Jan 26',
          version: 'Forecast',
          value: 11,
        },
        {
          lineItem: 'Units',
          items: { Regions: 'EMEA', Products: 'Gizmos' },
          period: 'Feb 26',
          version: 'Forecast',
          value: 12,
        },
      ]),
    )
    await writeFile(
      join(dir, 'cells.csv'),
      'lineItem,Regions,Products,period,version,value\nUnits,LATAM,Gadgets,Jan 26,Budget,7\n',
    )
    const fromJson = await cli([
      'write-cells',
      'REV01 Revenue',
      '--from',
      join(dir, 'cells.json'),
      '--yes',
      '--json',
    ])
    expect(JSON.parse(fromJson.stdout)).toMatchObject({ numberOfCellsChanged: 2, failures: [] })
    const fromCsv = await cli(['write-cells', 'REV01 Revenue', '--from', join(dir, 'cells.csv'), '--yes'])
    expect(fromCsv.stdout).toBe('1 cell(s) changed\n')
  })

  it('writes ask on a terminal, and never write without --yes when nobody can answer', async () => {
    const flags = [
      'write-cells',
      'REV01 Revenue',
      '--line-item',
      'Units',
      '--item',
      'Regions=APAC',
      '--item',
      'Products=Widgets',
      '--period',
      'Jan 26',
      '--version',
      'Forecast',
      '--value',
      '9',
    ]
    const before = (await stats()).mutations.cellWrites
    const refused = await cli(flags)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/refusing to write cells without --yes/)
    const questions: string[] = []
    const declined = await cli(flags, {
      tty: true,
      confirm: async (q) => {
        questions.push(q)
        return false
      },
    })
    expect(declined.code).toBe(1)
    expect(declined.stderr).toBe('anaplan: cancelled; nothing was written\n')
    expect(questions[0]).toMatch(
      /^About to write Units\[Regions=APAC, Products=Widgets, Time=Jan 26, Versions=Forecast\] = 9 in module "REV01 Revenue" of Sales Forecast\. Continue\? \[y\/N\] $/,
    )
    expect((await stats()).mutations.cellWrites).toBe(before)
    const accepted = await cli(flags, { tty: true, confirm: async () => true })
    expect(accepted.code).toBe(0)
    expect((await stats()).mutations.cellWrites).toBeGreaterThan(before)
  })

  it('list-items shows, adds (with code and parent) and deletes by name', async () => {
    const show = await cli(['list-items', 'Products'])
    expect(show.stdout).toMatch(/Widgets\s+WID\s+All Products/)
    const add = await cli([
      'list-items',
      'Products',
      '--add',
      'Doohickeys:DOO',
      '--parent',
      'All Products',
      '--yes',
    ])
    expect(add.code).toBe(0)
    expect(add.stdout).toBe('added 1 of 1 item(s)\n')
    const again = await cli(['list-items', 'Products', '--add', 'Doohickeys', '--yes'])
    expect(again.code).toBe(1)
    expect(again.stdout).toMatch(/add failed: "Doohickeys": \w+/)
    const items = JSON.parse((await cli(['list-items', 'Products', '--json'])).stdout) as {
      name: string
      code: string
    }[]
    expect(items).toContainEqual(expect.objectContaining({ name: 'Doohickeys', code: 'DOO' }))
    const typo = await cli(['list-items', 'Products', '--delete', 'Doohickey', '--yes'])
    expect(typo.code).toBe(4)
    expect(typo.stderr).toContain('Did you mean: "Doohickeys')
    const del = await cli(['list-items', 'Products', '--delete', 'doohickeys', '--yes'])
    expect(del.code).toBe(0)
    expect(del.stdout).toBe('deleted 1 of 1 item(s)\n')
  })
})

describe('anaplan with long tasks: cancel and Ctrl-C', () => {
  let slow: RunningSimulator
  let slowEnv: Record<string, string>
  beforeAll(async () => {
    slow = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 60_000 })
    slowEnv = { ANAPLAN_AUTH_URL: slow.authUrl, ANAPLAN_API_URL: slow.apiUrl }
  })
  afterAll(async () => {
    await slow?.close()
  })

  it('cancel stops a running task; tasks lists it as CANCELLED', async () => {
    const started = await cli(['run', 'import', 'Load Products', '--no-wait', '--json'], { env: slowEnv })
    const taskId = JSON.parse(started.stdout).task.taskId as string
    const cancel = await cli(['cancel', 'import', 'Load Products', taskId], { env: slowEnv })
    expect(cancel.stderr).toBe('')
    expect(cancel.code).toBe(0)
    expect(cancel.stdout).toContain(`task ${taskId}: CANCELLED`)
    const tasks = await cli(['tasks', 'import', 'Load Products'], { env: slowEnv })
    expect(tasks.stdout).toMatch(new RegExp(`${taskId}\\s+CANCELLED`))
  })

  it('Ctrl-C still exits 130 when the cancel fails, and says the task may still run', async () => {
    await fetch(`${slow.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'DELETE',
        path: '/2/0/workspaces/*/models/*/imports/*/tasks/*',
        status: 404,
        count: 1,
      }),
    })
    const io = memoryIo({ env: { ...env, ...slowEnv } })
    const before = (await stats(slow)).mutations.taskStarts
    const running = runCli(['run', 'import', 'Load Products', '--poll-interval', '0.05'], io)
    for (let i = 0; i < 200 && (await stats(slow)).mutations.taskStarts === before; i++) {
      await new Promise((r) => setTimeout(r, 25))
    }
    io.interrupt()
    expect(await running).toBe(130)
    expect(io.stderrText()).toMatch(
      /anaplan: interrupted; could not cancel import "Load Products" task \w+, it may still be running/,
    )
    await fetch(`${slow.url}/__sim/faults`, { method: 'DELETE' })
    // Leave the slow model idle for the next tests.
    const tasks = JSON.parse(
      (await cli(['tasks', 'import', 'Load Products', '--json'], { env: slowEnv })).stdout,
    ) as {
      taskId: string
    }[]
    expect(
      (await cli(['cancel', 'import', 'Load Products', tasks.at(-1)!.taskId], { env: slowEnv })).code,
    ).toBe(0)
  })

  it('--max-wait stops waiting with exit 5 and leaves the task running', async () => {
    const r = await cli(
      ['run', 'export', 'Expenses Export', '--max-wait', '0.3', '--poll-interval', '0.05', '--json'],
      {
        env: slowEnv,
      },
    )
    expect(r.code).toBe(5)
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'still_running' })
    const tasks = await cli(['tasks', 'export', 'Expenses Export', '--json'], { env: slowEnv })
    expect((JSON.parse(tasks.stdout) as { taskState: string }[]).at(-1)!.taskState).toMatch(
      /NOT_STARTED|IN_PROGRESS/,
    )
  })

  it('Ctrl-C during a run cancels the task on the server and exits 130', async () => {
    const io = memoryIo({ env: { ...env, ...slowEnv } })
    const before = (await stats(slow)).mutations.taskStarts
    const running = runCli(['run', 'import', 'Load Actuals', '--poll-interval', '0.05'], io)
    // Press Ctrl-C once the task exists on the server.
    for (let i = 0; i < 200 && (await stats(slow)).mutations.taskStarts === before; i++) {
      await new Promise((r) => setTimeout(r, 25))
    }
    io.interrupt()
    const code = await running
    expect(code).toBe(130)
    expect(io.stderrText()).toMatch(
      /anaplan: interrupted; import "Load Actuals" task [0-9A-F]{32} was cancelled\n$/,
    )
    const tasks = await cli(['tasks', 'import', 'Load Actuals', '--json'], { env: slowEnv })
    expect((JSON.parse(tasks.stdout) as { taskState: string }[]).at(-1)!.taskState).toBe('CANCELLED')
  })
})
