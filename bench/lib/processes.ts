/**
 * The simulator and the bot server as child processes, for benchmarks that measure latency.
 *
 * Real Anaplan is a remote service and the bot a server of its own: sharing one event loop would
 * make every simulator request queue behind bot work (and the other way round), so at concurrency
 * the measurement would be of one thread doing both jobs, not of the bot. Each gets its own
 * process here, and the load generator stays in the caller's.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { BENCH_DIR } from './report.ts'

const ROOT = join(BENCH_DIR, '..')

/** Thrown when a child process does not start or answer as expected. */
export class ChildProcessError extends Error {
  override readonly name = 'ChildProcessError'
}

export interface SimulatorProcessOptions {
  /** Latency the simulator adds to every request. @default 0 */
  latencyMs?: number
  /** @default 30 */
  taskMs?: number
  /** @default 2100 */
  tokenTtlSeconds?: number
  /** Extra Node options of the child (`--cpu-prof`…). */
  execArgv?: string[]
}

/**
 * CPU time (ms, all threads) a process has used so far, from Linux's `/proc/<pid>/task/<tid>/schedstat`
 * (nanoseconds, unlike the 10 ms ticks of `/proc/<pid>/stat`); `undefined` elsewhere.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    let ns = 0
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
    }
    return ns / 1e6
  } catch {
    return undefined
  }
}

/** Sends SIGTERM and resolves when the child has exited (SIGKILL after 5 s). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Kills the child if this process exits first (a failed run must not leave servers behind). */
function killOnExit(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  child.once('exit', () => process.off('exit', kill))
}

/** Collects the last few KiB of a child's stderr for error messages. */
function tail(child: ChildProcess): () => string {
  let text = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (d: string) => {
    text = (text + d).slice(-4000)
  })
  return () => text.trim()
}

/**
 * Starts `anaplan-sim` (`src/simulator/main.ts`, the product's own entry) on a random loopback
 * port in a child process; resolves once it listens.
 */
export async function startSimulatorProcess(
  options: SimulatorProcessOptions = {},
): Promise<RunningSimulator & { pid: number | undefined }> {
  const child = spawn(
    process.execPath,
    [
      ...(options.execArgv ?? []),
      '--import',
      'tsx',
      join(ROOT, 'src/simulator/main.ts'),
      '--port',
      '0',
      '--latency',
      String(options.latencyMs ?? 0),
      '--task-ms',
      String(options.taskMs ?? 30),
      '--token-ttl',
      String(options.tokenTtlSeconds ?? 2100),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  killOnExit(child)
  const stderr = tail(child)
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const onData = (d: Buffer) => {
      out += d.toString('utf8')
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m?.[1]) {
        child.stdout?.off('data', onData)
        // Keep draining stdout so the child never blocks on a full pipe.
        child.stdout?.resume()
        resolve(m[1])
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) =>
      reject(new ChildProcessError(`simulator exited with ${code} before listening: ${stderr()}`)),
    )
  })
  return {
    pid: child.pid,
    url,
    authUrl: url,
    apiUrl: `${url}/2/0`,
    port: Number(new URL(url).port),
    async reset() {
      const res = await fetch(`${url}/__sim/reset`, { method: 'POST' })
      await res.arrayBuffer()
      if (res.status !== 200) throw new ChildProcessError(`/__sim/reset answered ${res.status}`)
    },
    close: () => stop(child),
  }
}

/** Messages between {@link startBotProcess} and `bot-process-main.ts`. */
export type BotProcessMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'view-reads'; urls: string[] }
  | { type: 'cpu'; usage: NodeJS.CpuUsage }

export interface BotProcess {
  /** The bot server's base URL (`http://127.0.0.1:PORT`). */
  url: string
  /** The child's process id (for its memory in `/proc`). */
  pid: number | undefined
  /** The last view-data URLs the bot's client requested (up to 10), to replay as the floor. */
  viewReads(): Promise<string[]>
  /** The bot process's `process.cpuUsage()` (µs of user and system CPU since it started). */
  cpuUsage(): Promise<NodeJS.CpuUsage>
  close(): Promise<void>
}

export interface BotProcessOptions {
  /** The simulator (or Anaplan) base URL the bot's client talks to. */
  simulatorUrl: string
  /** Extra Node options of the child (`--cpu-prof`…). */
  execArgv?: string[]
  /** Server options that survive JSON (Slack, Dialogflow caller auth), for channel benchmarks. */
  server?: Record<string, unknown>
}

/** A forked server child that speaks {@link BotProcessMessage} over IPC. */
async function forkServer(script: string, args: string[], execArgv: string[] = []) {
  const child = fork(join(BENCH_DIR, script), args, {
    cwd: ROOT,
    execArgv: [...execArgv, '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  killOnExit(child)
  const stderr = tail(child)
  const next = <T extends BotProcessMessage['type']>(type: T) =>
    new Promise<Extract<BotProcessMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (m: BotProcessMessage) => {
        if (m.type === 'failed') return finish(new ChildProcessError(`${script}: ${m.message}`))
        if (m.type === type) finish(undefined, m as Extract<BotProcessMessage, { type: T }>)
      }
      const onExit = (code: number | null) =>
        finish(new ChildProcessError(`${script} exited with ${code}: ${stderr()}`))
      const finish = (err?: Error, m?: Extract<BotProcessMessage, { type: T }>) => {
        child.off('message', onMessage)
        child.off('exit', onExit)
        if (err) reject(err)
        else resolve(m as Extract<BotProcessMessage, { type: T }>)
      }
      child.on('message', onMessage)
      child.once('exit', onExit)
    })
  const ready = await next('ready')
  return {
    url: ready.url,
    pid: child.pid,
    next,
    send: (m: { type: string }) => child.send(m),
    async cpuUsage() {
      const answer = next('cpu')
      child.send({ type: 'cpu' })
      return (await answer).usage
    },
    close: () => stop(child),
  }
}

/**
 * Starts the bot (core, client as the demo analyst, HTTP server) in a child process against
 * `simulatorUrl`, listening on a random loopback port.
 */
export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const child = await forkServer(
    'lib/bot-process-main.ts',
    [options.simulatorUrl, ...(options.server ? [JSON.stringify(options.server)] : [])],
    options.execArgv,
  )
  return {
    url: child.url,
    pid: child.pid,
    async viewReads() {
      const answer = child.next('view-reads')
      child.send({ type: 'view-reads' })
      return (await answer).urls
    },
    cpuUsage: child.cpuUsage,
    close: child.close,
  }
}

/** A minimal proxy (`proxy-main.ts`) that answers every request with one read of `dataUrl`. */
export interface ProxyProcess {
  url: string
  cpuUsage(): Promise<NodeJS.CpuUsage>
  close(): Promise<void>
}

export async function startProxyProcess(options: {
  authUrl: string
  dataUrl: string
  username: string
  password: string
}): Promise<ProxyProcess> {
  const child = await forkServer('lib/proxy-main.ts', [
    options.authUrl,
    options.dataUrl,
    options.username,
    options.password,
  ])
  return { url: child.url, cpuUsage: child.cpuUsage, close: child.close }
}

/** Peak resident memory (VmHWM) of a process in MiB, from Linux's `/proc`; `undefined` elsewhere. */
export function peakRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}
