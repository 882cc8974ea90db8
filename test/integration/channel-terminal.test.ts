import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTerminalChat } from '../../src/bot/channels/terminal.ts'
import { ScriptedBot } from './channel-helpers.ts'

/** Collects a child's stdout and waits for text to appear in it. */
class Output {
  text = ''
  #waiters: (() => void)[] = []
  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (c) => {
      this.text += String(c)
      for (const w of this.#waiters.splice(0)) w()
    })
  }
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (!pattern.test(this.text.slice(from))) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${pattern}; output so far:\n${this.text}`)
      await new Promise<void>((r) => {
        this.#waiters.push(r)
        setTimeout(r, 200)
      })
    }
    return this.text.slice(from)
  }
}

describe('anaplan-bot chat (spawned, piped stdin, embedded simulator)', () => {
  let child: ChildProcessWithoutNullStreams
  let out: Output
  let dir: string
  let stderr = ''

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'terminal-chat-'))
    const env: NodeJS.ProcessEnv = {}
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ANAPLAN_')) env[k] = v
    child = spawn(process.execPath, [join(process.cwd(), 'bin/anaplan-bot.js'), 'chat', '--user', 'tester'], {
      cwd: dir,
      env: { ...env, LOG_LEVEL: 'error', COLUMNS: '80' },
    })
    child.stderr.on('data', (c) => {
      stderr += String(c)
    })
    out = new Output(child.stdout)
    await out.waitFor(/Type "help"/)
  })

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await rm(dir, { recursive: true, force: true })
  })

  it('connects, picks numbered choices, prints an aligned table, saves a download and quits on exit', async () => {
    let mark = out.text.length
    child.stdin.write('connect to Sales Forecast\n')
    await out.waitFor(/Connected to Sales Forecast[\s\S]*type a number to choose/, mark)

    // The view opens in one turn on its saved pages; the pages are named, not asked for.
    mark = out.text.length
    child.stdin.write('show Revenue by Region\n')
    await out.waitFor(/Total Regions/, mark)
    expect(out.text.slice(mark)).toContain('Pages: Products Widgets, Versions Actual')

    mark = out.text.length
    child.stdin.write('switch the page to Forecast\n')
    const table = await out.waitFor(/Total Regions/, mark)
    expect(table).toContain('Revenue by Region (Widgets, Forecast, Revenue)')
    const lines = table.split('\n')
    const header = lines.find((l) => l.startsWith('Regions'))!
    const emea = lines.find((l) => l.startsWith('EMEA'))!
    expect(header).toBeDefined()
    // Columns line up: "Jan 26" ends where the EMEA value for Jan 26 ends (numbers right-aligned).
    const janEnd = header.indexOf('Jan 26') + 'Jan 26'.length
    expect(emea.slice(0, janEnd)).toMatch(/\d$/)
    expect(emea[janEnd]).toBe(' ')
    // The label and 17 period columns do not fit 80 characters: they come in groups, each line fitting.
    const tableText = table.slice(table.indexOf('(columns'), table.indexOf('[line chart'))
    expect(tableText).toMatch(/^\(columns 2–\d+ of 18\)/)
    for (const l of tableText.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80)
    expect(tableText.match(/^EMEA/gm)?.length).toBeGreaterThan(1)

    mark = out.text.length
    child.stdin.write('run Revenue Export\n')
    await out.waitFor(/Run the export Revenue Export/, mark)
    mark = out.text.length
    child.stdin.write('1\n')
    await out.waitFor(/Saved Revenue Export\.csv to /, mark, 40_000)
    expect(await readdir(dir)).toContain('Revenue Export.csv')

    child.stdin.write('exit\n')
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    expect(stderr).toBe('')
  })
})

describe('runTerminalChat (in process)', () => {
  it('prints follow-ups as they arrive and stops at the end of input', async () => {
    const bot = new ScriptedBot()
    const input = new PassThrough()
    const output = new PassThrough()
    let text = ''
    output.on('data', (c) => {
      text += String(c)
    })
    const done = runTerminalChat(bot, {
      input,
      output,
      identity: { channel: 'terminal', userId: 'me' },
      sessionId: 'terminal:me:1',
    })
    input.write('choose a view\n')
    await new Promise((r) => setTimeout(r, 50))
    await bot.notify({
      sessionId: 'terminal:me:1',
      identity: { channel: 'terminal', userId: 'me' },
      messages: [{ type: 'text', text: 'Load Actuals finished.' }],
    })
    input.write('Units by Product\n')
    input.end()
    await done
    expect(text).toContain('  1. Revenue by Region\n  2. Units by Product')
    expect(text).toContain('[update] Load Actuals finished.')
    expect(bot.turns[1]?.choice).toBe('view:Units by Product')
  })
})
