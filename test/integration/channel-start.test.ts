import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { webClient } from '../support/api-chat.ts'

const TSX = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs')
const MAIN = join(process.cwd(), 'src', 'main.ts')
const cwd = mkdtempSync(join(tmpdir(), 'npm-start-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

function start(extra: NodeJS.ProcessEnv) {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!/^(ANAPLAN_|SLACK_|BOT_|REDIS_URL|LOG_)/.test(k)) env[k] = v
  const child = spawn(process.execPath, [TSX, MAIN], {
    cwd,
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (c) => {
    out.stdout += String(c)
  })
  child.stderr.on('data', (c) => {
    out.stderr += String(c)
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, out, exited }
}

async function chat(base: string, text: string): Promise<string> {
  // The local demo sign-in: the page's session cookie and CSRF token, from its own origin.
  const signedIn = await webClient({ request: (p, init) => fetch(`${base}${p}`, init) }, base).headers()
  const reply = await fetch(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedIn },
    body: JSON.stringify({ sessionId: 'start-test', text }),
  })
  return JSON.stringify(await reply.json())
}

describe('npm start (src/main.ts)', () => {
  it('prints one readable banner, keeps the audit trail in data/audit.jsonl, logs no warnings for user outcomes, stops on SIGTERM', async () => {
    const { child, out, exited } = start({ PORT: '0' })
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /Web chat: +(http:\/\/localhost:\d+)/.exec(out.stdout)
        if (m?.[1] && out.stdout.includes('Ctrl-C')) resolve(m[1])
      })
      void exited.then((code) => reject(new Error(`exited early (${code}): ${out.stdout}${out.stderr}`)))
    })
    expect(out.stdout).toMatch(/^Anaplan Chat Bot is running\.\n/)
    expect(out.stdout).toMatch(/Anaplan: +demo simulator at http:\/\/127\.0\.0\.1:\d+/)
    expect(out.stdout).toMatch(/Audit trail: +data\/audit\.jsonl/)
    expect(out.stdout).toMatch(/PORT to change/)
    const base = url.replace('localhost', '127.0.0.1')
    const page = await fetch(`${base}/`)
    expect(await page.text()).toContain('Anaplan Chat Bot')
    expect(await chat(base, 'connect to Sales Forecast')).toContain('Connected to Sales Forecast')
    // An everyday outcome: the bot asks back, and nothing is logged as a warning.
    expect(await chat(base, 'switch the page to Budget')).toContain('no view on screen')
    expect(await chat(base, 'set Units for Widgets in APAC for Mar 26 Forecast to 500')).toContain('Yes')
    expect(await chat(base, 'yes')).toContain('500')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(out.stderr).toBe('')
    expect(out.stdout).not.toMatch(/WARN|"severity"|stack/)
    const audit = readFileSync(join(cwd, 'data', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
    expect(audit.map((l) => JSON.parse(l).action)).toContain('write_cell')
  })

  it('says in one line that the port is taken and how to change it, and exits 1', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    try {
      const { out, exited } = start({ PORT: String(port) })
      expect(await exited).toBe(1)
      expect(out.stderr).toBe(
        `error: port ${port} is already in use; set PORT to use another one, e.g. PORT=8081 npm start.\n`,
      )
    } finally {
      blocker.close()
    }
  })
})
