/**
 * `npm test`'s pretest step: the suite needs two system programs that npm cannot install, Chromium
 * (the browser test) and redis-server (the shared session store test). When one is missing and this
 * is Debian (or Ubuntu) run as root, they are installed with apt-get; otherwise the run stops at
 * once with one line that says what to install, instead of a red suite minutes later.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** A program the tests run, and the Debian package that provides it. */
export interface TestDependency {
  command: string
  debianPackage: string
  /** Environment variable that may point at the program instead of PATH. */
  env?: string
}

export const TEST_DEPENDENCIES: readonly TestDependency[] = [
  { command: 'chromium', debianPackage: 'chromium', env: 'CHROMIUM_PATH' },
  { command: 'redis-server', debianPackage: 'redis-server' },
]

/** The full path of an executable `command` on `path` (a PATH value), if there is one. */
export function findExecutable(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue
    const file = join(dir, command)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not in this directory
    }
  }
  return undefined
}

/** Where a dependency is: its env override when set, else PATH. */
export function locate(dep: TestDependency, env: NodeJS.ProcessEnv): string | undefined {
  const override = dep.env ? env[dep.env] : undefined
  if (override) return existsSync(override) ? override : undefined
  return findExecutable(dep.command, env.PATH)
}

/** What the machine is, as far as the decision goes. */
export interface MachineFacts {
  missing: readonly TestDependency[]
  isRoot: boolean
  isDebian: boolean
  hasAptGet: boolean
}

export type Plan =
  | { action: 'ready' }
  | { action: 'install'; packages: string[] }
  | { action: 'stop'; message: string }

/** Pure: what to do about the missing dependencies. */
export function planTestDeps(facts: MachineFacts): Plan {
  if (facts.missing.length === 0) return { action: 'ready' }
  const packages = facts.missing.map((d) => d.debianPackage)
  if (facts.isDebian && facts.hasAptGet && facts.isRoot) return { action: 'install', packages }
  const names = facts.missing.map((d) => d.command).join(' and ')
  const chromiumHint = facts.missing.some((d) => d.env === 'CHROMIUM_PATH')
    ? ' (or point CHROMIUM_PATH at a Chromium)'
    : ''
  if (facts.isDebian) {
    return {
      action: 'stop',
      message: `npm test needs ${names}: run \`sudo apt-get install -y ${packages.join(' ')}\`${chromiumHint}, then npm test again.`,
    }
  }
  return {
    action: 'stop',
    message: `npm test needs ${names}, which are not installed: install them with your package manager${chromiumHint}, then npm test again.`,
  }
}

export interface EnsureOptions {
  env?: NodeJS.ProcessEnv
  isRoot?: boolean
  isDebian?: boolean
  /** Runs a command with its output shown; returns its exit status. */
  run?: (command: string, args: string[]) => number
  /** Writes one line for the user. */
  say?: (line: string) => void
}

/** Checks, installs when it can, re-checks; returns the process exit code (0 ready, 1 stopped). */
export function ensureTestDeps(options: EnsureOptions = {}): number {
  const env = options.env ?? process.env
  const say = options.say ?? ((line) => process.stderr.write(`${line}\n`))
  const run =
    options.run ??
    ((command, args) =>
      spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env }).status ?? 1)
  const missing = () => TEST_DEPENDENCIES.filter((d) => !locate(d, env))
  const plan = planTestDeps({
    missing: missing(),
    isRoot: options.isRoot ?? process.getuid?.() === 0,
    isDebian: options.isDebian ?? existsSync('/etc/debian_version'),
    hasAptGet: findExecutable('apt-get', env.PATH) !== undefined,
  })
  if (plan.action === 'ready') return 0
  if (plan.action === 'stop') {
    say(plan.message)
    return 1
  }
  say(`npm test: installing ${plan.packages.join(' ')} with apt-get (needed by the browser and Redis tests)…`)
  const installed =
    run('apt-get', ['update', '-qq']) === 0 &&
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...plan.packages]) === 0
  const still = missing()
  if (!installed || still.length > 0) {
    const names = (still.length ? still : TEST_DEPENDENCIES).map((d) => d.debianPackage).join(' ')
    say(`npm test: apt-get could not install ${names}; install it by hand and run npm test again.`)
    return 1
  }
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = ensureTestDeps({
    env: { ...process.env, DEBIAN_FRONTEND: process.env.DEBIAN_FRONTEND ?? 'noninteractive' },
  })
}
