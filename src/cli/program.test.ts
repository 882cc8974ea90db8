import { describe, expect, it } from 'vitest'
import { ExitCode } from './exit-codes.ts'
import { memoryIo } from './memory-io.ts'
import { runCli } from './program.ts'

// A fetch that fails the test if any command reaches the network.
const noNetwork: typeof fetch = () => Promise.reject(new Error('unexpected network call'))

async function cli(argv: string[], env: Record<string, string> = {}, stdin?: string) {
  const io = memoryIo({ env, fetch: noNetwork, ...(stdin !== undefined ? { stdin } : {}) })
  const code = await runCli(argv, io)
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() }
}

const creds = { ANAPLAN_USERNAME: 'a@example.com', ANAPLAN_PASSWORD: 'secret-password-1' }

describe('anaplan command line (no network)', () => {
  it('--help lists the commands and the exit codes, exit 0', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    for (const word of [
      'run',
      'upload',
      'download',
      'view',
      'write-cells',
      'list-items',
      'dump',
      'token',
      'whoami',
    ]) {
      expect(r.stdout).toContain(word)
    }
    expect(r.stdout).toContain('130  interrupted')
    expect(r.stdout).toContain('4    not found')
  })

  it('no command prints the help on stderr and exits 2', async () => {
    const r = await cli([])
    expect(r.code).toBe(ExitCode.USAGE)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^Usage: anaplan/)
    expect(r.stderr).not.toContain('(outputHelp)')
  })

  it('an unknown command is a one-line usage error with a suggestion, exit 2', async () => {
    const r = await cli(['workspace'])
    expect(r.code).toBe(ExitCode.USAGE)
    expect(r.stderr).toBe("anaplan: unknown command 'workspace' (Did you mean workspaces?)\n")
  })

  it('an unknown option and a missing argument exit 2', async () => {
    expect((await cli(['imports', '--bogus'])).code).toBe(2)
    const r = await cli(['run', 'import'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^anaplan: missing required argument 'name\|id'\n$/)
  })

  it('bad values exit 2 before any request', async () => {
    const cases = [
      ['run', 'job', 'X', '--model', 'M'],
      ['run', 'export', 'X', '--file', 'a.csv', '--model', 'M'],
      ['run', 'import', 'X', '--file', '/definitely/missing.csv', '--model', 'M'],
      ['upload', 'f', '/definitely/missing.csv', '--model', 'M'],
      ['upload', 'f', 'x', '--chunk-size', '99', '--model', 'M'],
      ['view', 'V', '--page', 'Products', '--model', 'M'],
      ['view', 'V', '--format', 'xml', '--model', 'M'],
      ['write-cells', 'REV01', '--value', '1', '--model', 'M'],
      ['list-items', 'Products', '--parent', 'All', '--model', 'M'],
      ['imports', '--timeout', 'soon', '--model', 'M'],
      ['imports', '--cert-format', 'v3', '--model', 'M'],
    ]
    for (const argv of cases) {
      const r = await cli(argv, creds)
      expect(r.code, argv.join(' ')).toBe(ExitCode.USAGE)
      expect(r.stderr.split('\n').filter(Boolean), argv.join(' ')).toHaveLength(1)
      expect(r.stderr.startsWith('anaplan: '), argv.join(' ')).toBe(true)
    }
  })

  it('says how to select a model and how to give credentials', async () => {
    const noModel = await cli(['imports'], creds)
    expect(noModel.code).toBe(2)
    expect(noModel.stderr).toBe('anaplan: no model selected: pass --model NAME|ID or set ANAPLAN_MODEL\n')
    const noCreds = await cli(['workspaces'])
    expect(noCreds.code).toBe(2)
    expect(noCreds.stderr).toMatch(/^anaplan: no credentials: set ANAPLAN_USERNAME and ANAPLAN_PASSWORD/)
  })

  it('prints a stack trace only with DEBUG=anaplan', async () => {
    const plain = await cli(['imports'], creds)
    expect(plain.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    const debug = await cli(['imports'], { ...creds, DEBUG: 'other,anaplan' })
    expect(debug.code).toBe(2)
    expect(debug.stderr).toMatch(/^anaplan: no model selected.*\n.*UsageError[\s\S]*\n\s+at /)
  })

  it('prints errors as JSON on stderr with --json', async () => {
    const r = await cli(['imports', '--json'], creds)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'usage', message: 'no model selected: pass --model NAME|ID or set ANAPLAN_MODEL' },
    })
    const unknown = await cli(['nope', '--json'])
    expect(JSON.parse(unknown.stderr).error.code).toBe('usage')
  })

  it('refuses writes without --yes when stdin is not a terminal, before any request', async () => {
    const r = await cli(
      ['write-cells', 'REV01', '--line-item', 'Units', '--value', '5', '--model', 'M'],
      creds,
    )
    expect(r.code).toBe(ExitCode.USAGE)
    expect(r.stderr).toBe(
      'anaplan: refusing to write cells without --yes (stdin is not a terminal, so nobody can confirm)\n',
    )
    const list = await cli(['list-items', 'Products', '--add', 'Doohickeys', '--model', 'M'], creds)
    expect(list.code).toBe(ExitCode.USAGE)
    expect(list.stderr).toMatch(/refusing to change list items without --yes/)
  })

  it('never prints the password', async () => {
    const r = await cli(
      ['workspaces', '--password-stdin', '--user', 'a@example.com'],
      {},
      'stdin-secret-99\n',
    )
    expect(r.stderr).not.toContain('stdin-secret-99')
    expect(r.stdout).not.toContain('stdin-secret-99')
    // The injected fetch fails like an unreachable host.
    expect(r.code).toBe(ExitCode.UNAVAILABLE)
  })
})
