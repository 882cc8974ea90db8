import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { webClient } from '../support/api-chat.ts'

describe('npm start (src/main.ts)', () => {
  it('starts the simulator and the bot server, serves the web chat, and stops cleanly on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = {}
    for (const [k, v] of Object.entries(process.env))
      if (!k.startsWith('ANAPLAN_') && !k.startsWith('SLACK_')) env[k] = v
    const tsx = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs')
    const child = spawn(process.execPath, [tsx, 'src/main.ts'], {
      env: { ...env, PORT: '0', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (c) => {
      stderr += String(c)
    })
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        stdout += String(c)
        const m = /Web chat: (http:\/\/localhost:\d+)/.exec(stdout)
        if (m?.[1]) resolve(m[1])
      })
      child.on('exit', (code) => reject(new Error(`exited early (${code}): ${stdout}${stderr}`)))
    })
    expect(stdout).toMatch(/Anaplan simulator \(demo model\) running on http:\/\/127\.0\.0\.1:\d+/)
    const base = url.replace('localhost', '127.0.0.1')
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Anaplan Chat Bot')
    // The local demo sign-in: the page's session cookie and CSRF token, from its own origin.
    const signedIn = await webClient({ request: (p, init) => fetch(`${base}${p}`, init) }, base).headers()
    const reply = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedIn },
      body: JSON.stringify({ sessionId: 'start-test', text: 'connect to Sales Forecast' }),
    })
    expect(JSON.stringify(await reply.json())).toContain('Connected to Sales Forecast')
    // No page session, no turn: a bare POST (what a hostile page or a script sends) is refused.
    const bare = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 'start-test', text: 'connect to Sales Forecast' }),
    })
    expect(bare.status).toBe(403)
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
  })
})
