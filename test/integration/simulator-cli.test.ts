/** The `anaplan-sim` command: banner, a working server on --port 0, option errors, clean shutdown. */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { ANALYST, basic } from './simulator-helpers.ts'

const BIN = fileURLToPath(new URL('../../bin/anaplan-sim.js', import.meta.url))
const children: ChildProcess[] = []

function run(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  return child
}

async function collect(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => {
    stdout += d
  })
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout, stderr }
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

describe('anaplan-sim', () => {
  it('prints the banner with the real port, serves the demo, and exits cleanly on SIGTERM', async () => {
    const child = run(['--port', '0', '--task-ms', '10', '--token-ttl', '60'])
    const exited = collect(child)
    const banner = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout?.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
      child.once('exit', () => reject(new Error(`exited before the banner: ${out}`)))
    })
    expect(banner).toMatch(/^Anaplan simulator listening on http:\/\/127\.0\.0\.1:\d+$/)
    const url = banner.slice('Anaplan simulator listening on '.length)
    expect(url).not.toMatch(/:0$/)
    const res = await fetch(`${url}/token/authenticate`, {
      method: 'POST',
      headers: { Authorization: basic(ANALYST.email, ANALYST.password) },
    })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { tokenInfo: { expiresAt: number } }
    expect(body.tokenInfo.expiresAt - Date.now()).toBeLessThanOrEqual(60_000)
    child.kill('SIGTERM')
    expect((await exited).code).toBe(0)
  })

  it('refuses a bad option value with one line and a non-zero exit', async () => {
    const result = await collect(run(['--port', 'abc']))
    expect(result.code).not.toBe(0)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/port/i)
    expect(result.stdout).toBe('')
  })

  it('refuses an unknown option and a missing model file with one line each', async () => {
    const unknown = await collect(run(['--nope']))
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
    const missing = await collect(run(['--model-file', '/nonexistent/model.yaml']))
    expect(missing.code).not.toBe(0)
    expect(missing.stderr.trim()).toBe('error: model file not found: /nonexistent/model.yaml')
  })
})
