import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryIo } from '../../src/cli/memory-io.ts'
import { runCli } from '../../src/cli/program.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

// The real `anaplan` binary (bin/anaplan.js through tsx) in a child process: exit codes as a
// scheduler sees them, stdin for the password, and Ctrl-C as a real SIGINT. Spawns cost ~0.5 s
// each, so independent ones run side by side and each asserts several things.

const BIN = resolve(import.meta.dirname, '../../bin/anaplan.js')
let sim: RunningSimulator
let slow: RunningSimulator
let dir: string

interface Proc {
  code: number | null
  stdout: string
  stderr: string
}

function env(s: RunningSimulator, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ANAPLAN_AUTH_URL: s.authUrl,
    ANAPLAN_API_URL: s.apiUrl,
    ANAPLAN_MODEL: 'Sales Forecast',
    ...extra,
  }
}
const analyst = { ANAPLAN_USERNAME: 'analyst@example.com', ANAPLAN_PASSWORD: 'demo-password' }

function start(argv: string[], e: NodeJS.ProcessEnv, stdin?: string) {
  const child = spawn(process.execPath, [BIN, ...argv], { env: e, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  child.stdin.end(stdin ?? '')
  const done = new Promise<Proc>((res) => child.on('close', (code) => res({ code, stdout, stderr })))
  return { child, done, stderr: () => stderr }
}

function anaplan(argv: string[], e: NodeJS.ProcessEnv, stdin?: string): Promise<Proc> {
  return start(argv, e, stdin).done
}

beforeAll(async () => {
  ;[sim, slow] = await Promise.all([
    startSimulator({ port: 0, host: '127.0.0.1', taskMs: 20 }),
    startSimulator({ port: 0, host: '127.0.0.1', taskMs: 60_000 }),
  ])
  dir = await mkdtemp(join(tmpdir(), 'anaplan-cli-proc-'))
})
afterAll(async () => {
  await Promise.all([sim?.close(), slow?.close()])
  await rm(dir, { recursive: true, force: true })
})

describe('anaplan binary', () => {
  it('exit codes: help 0, usage 2, wrong password 3, unknown name 4; JSON and stdin password work', async () => {
    const [help, usage, wrong, unknown, json, token, view] = await Promise.all([
      anaplan(['--help'], env(sim)),
      anaplan(['run', 'job', 'Load Actuals'], env(sim, analyst)),
      anaplan(
        ['whoami', '--user', 'analyst@example.com', '--password-stdin'],
        env(sim),
        'wrong-password-42\n',
      ),
      anaplan(['run', 'export', 'Revenue Exprt'], env(sim, analyst)),
      anaplan(['imports', '--json'], env(sim, analyst)),
      anaplan(['token', '--user', 'analyst@example.com', '--password-stdin'], env(sim), 'demo-password\n'),
      anaplan(
        ['view', 'Revenue by Region', '--page', 'Products=Gadgets', '--format', 'csv'],
        env(sim, analyst),
      ),
    ])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Exit codes:')
    expect(help.stdout).toContain('write-cells')

    expect(usage.code).toBe(2)
    expect(usage.stderr).toBe(
      'anaplan: unknown action type "job"; use one of: import, export, process, action\n',
    )

    expect(wrong.code).toBe(3)
    expect(wrong.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(wrong.stderr).not.toContain('wrong-password-42')
    expect(wrong.stderr).not.toMatch(/\bat .+\.ts:\d+/)

    expect(unknown.code).toBe(4)
    expect(unknown.stderr).toMatch(/Did you mean: "Revenue Export/)

    expect(json.code).toBe(0)
    expect((JSON.parse(json.stdout) as { name: string }[]).map((i) => i.name)).toEqual([
      'Load Actuals',
      'Load Products',
    ])

    expect(token.code).toBe(0)
    const t = JSON.parse(token.stdout) as { tokenValue: string; expiresAt: number }
    expect(typeof t.tokenValue).toBe('string')
    expect(t.expiresAt).toBeGreaterThan(Date.now())

    expect(view.code).toBe(0)
    expect(view.stdout.split('\n')[0]).toMatch(/^Regions,Jan 26,/)
    // No progress bars or notes on stdout when piped.
    expect(view.stdout.includes('\u001b[')).toBe(false)
  })

  it('a failing import exits 1 with the dump summary and --dump-out; an export lands byte-exact', async () => {
    const bad = join(dir, 'bad.csv')
    await writeFile(bad, 'Region,Product,Month,Version,Units,Price\nAtlantis,Widgets,Jan 26,Actual,10,25\n')
    const dumpPath = join(dir, 'dump.csv')
    const out = join(dir, 'rev.csv')
    const e = env(sim, analyst)
    const imp = await anaplan(
      ['run', 'import', 'Load Actuals', '--file', bad, '--dump-out', dumpPath, '--poll-interval', '0.02'],
      e,
    )
    expect(imp.code).toBe(1)
    expect(imp.stdout).toMatch(/Failure dump of Load Actuals: 1 row, 1 error/)
    expect(imp.stdout).toMatch(/line 2 \(error\): .*Atlantis/)
    expect(await readFile(dumpPath, 'utf8')).toMatch(/^"_Status_"[\s\S]*"E","Atlantis"/)

    const exp = await anaplan(['run', 'export', 'Revenue Export', '--out', out, '--poll-interval', '0.02'], e)
    expect(exp.code).toBe(0)
    const io = memoryIo({ env: { ...(e as Record<string, string>) } })
    expect(await runCli(['download', 'Revenue Export'], io)).toBe(0)
    expect((await readFile(out)).equals(io.stdoutBytes())).toBe(true)
  })

  it('a download piped into a reader that stops early ends quietly', async () => {
    const e = env(sim, analyst)
    const big = join(dir, 'big.csv')
    await writeFile(big, 'x'.repeat(1_000_000).concat('\n').repeat(4))
    const io = memoryIo({ env: { ...(e as Record<string, string>) } })
    expect(await runCli(['upload', 'products.csv', big], io)).toBe(0)
    const dl = start(['download', 'products.csv'], e)
    dl.child.stdout.once('data', () => dl.child.stdout.destroy())
    const r = await dl.done
    expect(r.stderr).not.toContain('EPIPE')
    expect(r.code).toBe(0)
  })

  it('SIGINT during a run cancels the task on the server and exits 130', async () => {
    const e = env(slow, analyst)
    const run = start(['run', 'import', 'Load Actuals', '--poll-interval', '0.05'], e)
    for (let i = 0; i < 400 && !run.stderr().includes('Running import'); i++) {
      await new Promise((r) => setTimeout(r, 25))
    }
    expect(run.stderr()).toContain('Running import "Load Actuals"')
    run.child.kill('SIGINT')
    const r = await run.done
    expect(r.code).toBe(130)
    expect(r.stderr).toMatch(/Interrupted: cancelling import "Load Actuals" task/)
    expect(r.stderr).toMatch(/anaplan: interrupted; .* was cancelled\n$/)
    const taskId = /task ([0-9A-F]{32})/.exec(r.stderr)![1]
    const io = memoryIo({ env: { ...(e as Record<string, string>) } })
    expect(await runCli(['tasks', 'import', 'Load Actuals', '--json'], io)).toBe(0)
    const tasks = JSON.parse(io.stdoutText()) as { taskId: string; taskState: string }[]
    expect(tasks.find((t) => t.taskId === taskId)?.taskState).toBe('CANCELLED')
  })
})
