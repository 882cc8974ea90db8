import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureTestDeps, findExecutable, planTestDeps, TEST_DEPENDENCIES } from './ensure-test-deps.ts'

const dirs: string[] = []
function binDir(...commands: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ensure-deps-'))
  dirs.push(dir)
  for (const c of commands) fake(dir, c)
  return dir
}
function fake(dir: string, command: string): void {
  writeFileSync(join(dir, command), '#!/bin/sh\nexit 0\n')
  chmodSync(join(dir, command), 0o755)
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const [chromium, redis] = TEST_DEPENDENCIES as [(typeof TEST_DEPENDENCIES)[0], (typeof TEST_DEPENDENCIES)[0]]

describe('planTestDeps', () => {
  const base = { isRoot: true, isDebian: true, hasAptGet: true }
  it('is ready when nothing is missing, installs as root on Debian, else says what to install', () => {
    expect(planTestDeps({ ...base, missing: [] })).toEqual({ action: 'ready' })
    expect(planTestDeps({ ...base, missing: [chromium, redis] })).toEqual({
      action: 'install',
      packages: ['chromium', 'redis-server'],
    })
    const notRoot = planTestDeps({ ...base, isRoot: false, missing: [redis] })
    expect(notRoot).toEqual({
      action: 'stop',
      message:
        'npm test needs redis-server: run `sudo apt-get install -y redis-server`, then npm test again.',
    })
    const mac = planTestDeps({ isRoot: false, isDebian: false, hasAptGet: false, missing: [chromium] })
    expect(mac.action).toBe('stop')
    expect(mac.action === 'stop' && mac.message).toMatch(/needs chromium.*CHROMIUM_PATH/)
    expect(planTestDeps({ ...base, hasAptGet: false, missing: [redis] }).action).toBe('stop')
  })
})

describe('ensureTestDeps', () => {
  it('finds programs on PATH and honours CHROMIUM_PATH', () => {
    const dir = binDir('chromium', 'redis-server')
    expect(findExecutable('redis-server', `/nonexistent:${dir}`)).toBe(join(dir, 'redis-server'))
    const calls: string[] = []
    const run = (c: string, a: string[]) => {
      calls.push([c, ...a].join(' '))
      return 0
    }
    expect(ensureTestDeps({ env: { PATH: dir }, run, isRoot: true, isDebian: true })).toBe(0)
    expect(calls).toEqual([])
    const onlyRedis = binDir('redis-server')
    const env = { PATH: onlyRedis, CHROMIUM_PATH: join(dir, 'chromium') }
    expect(ensureTestDeps({ env, run, isRoot: false, isDebian: true })).toBe(0)
  })

  it('installs the missing packages with apt-get as root on Debian, then checks again', () => {
    const dir = binDir('chromium', 'apt-get')
    const calls: string[] = []
    const lines: string[] = []
    const run = (c: string, a: string[]) => {
      calls.push([c, ...a].join(' '))
      if (a[0] === 'install') fake(dir, 'redis-server')
      return 0
    }
    expect(
      ensureTestDeps({ env: { PATH: dir }, run, isRoot: true, isDebian: true, say: (l) => lines.push(l) }),
    ).toBe(0)
    expect(calls).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends redis-server',
    ])
    expect(lines).toHaveLength(1)
  })

  it('stops with one line when apt-get did not make the program appear', () => {
    const dir = binDir('chromium', 'apt-get')
    const lines: string[] = []
    const code = ensureTestDeps({
      env: { PATH: dir },
      run: () => 0,
      isRoot: true,
      isDebian: true,
      say: (l) => lines.push(l),
    })
    expect(code).toBe(1)
    expect(lines.at(-1)).toBe(
      'npm test: apt-get could not install redis-server; install it by hand and run npm test again.',
    )
  })

  it('as a script: exits 1 at once with one line naming both packages when it cannot install', () => {
    const empty = binDir()
    const script = fileURLToPath(new URL('./ensure-test-deps.ts', import.meta.url))
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      env: { PATH: empty },
      encoding: 'utf8',
    })
    expect(r.status).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^npm test needs chromium and redis-server/)
  })
})
