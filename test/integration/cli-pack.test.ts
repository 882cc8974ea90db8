/**
 * `npm pack` makes a package whose three commands run from the packed files alone. The tarball is
 * unpacked into a temp dir next to this checkout's node_modules (the dependencies a global install
 * would fetch), so a file the bins need but `files` leaves out fails here. The full
 * `npm install -g --prefix` check needs the registry and is described in the README.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'anaplan-pack-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm pack', () => {
  it('holds the three bins and what they load, and no tests; `anaplan --help` runs from the unpacked files', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--json', '--pack-destination', dir], { encoding: 'utf8' }),
    ) as { filename: string; files: { path: string }[] }[]
    const files = packed[0]!.files.map((f) => f.path)
    for (const f of ['bin/anaplan.js', 'bin/anaplan-sim.js', 'bin/anaplan-bot.js', 'src/bot/web/app.js'])
      expect(files).toContain(f)
    expect(files.some((f) => f.startsWith('src/simulator/engine/models/'))).toBe(true)
    expect(files.filter((f) => f.endsWith('.test.ts') || f.startsWith('test/'))).toEqual([])

    execFileSync('tar', ['-xzf', join(dir, packed[0]!.filename), '-C', dir])
    const pkg = join(dir, 'package')
    symlinkSync(join(process.cwd(), 'node_modules'), join(pkg, 'node_modules'), 'dir')
    const env: NodeJS.ProcessEnv = {}
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ANAPLAN_')) env[k] = v
    // Each bin imports its entry through tsx; `anaplan --help` proves the chain works from the tarball.
    for (const entry of ['src/cli/main.ts', 'src/simulator/main.ts', 'src/bot/main.ts'])
      expect(files).toContain(entry)
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'anaplan.js'), '--help'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^Usage: anaplan \[options\] \[command\]/)
  })
})
