/**
 * `anaplan-sim`: the simulator alone.
 * `npx anaplan-sim [--port 8089] [--host 127.0.0.1] [--model-file F] [--token-ttl S] [--task-ms MS] [--latency MS]`
 */
import { existsSync } from 'node:fs'
import { Command, InvalidArgumentError } from 'commander'
import { createLogger } from '../shared/logger.ts'
import { startSimulator } from './index.ts'

function integer(min: number, max: number, what: string): (raw: string) => number {
  return (raw) => {
    const value = Number(raw)
    if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}.`)
    }
    return value
  }
}

const program = new Command('anaplan-sim')
  .description('An Anaplan-compatible auth service and Integration API v2 over a demo (or your) model')
  .option('--port <port>', 'TCP port (0 = any free port)', integer(0, 65535, 'The port'), 8089)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--model-file <file>', 'model file (YAML or JSON) instead of the demo model')
  .option(
    '--token-ttl <seconds>',
    'auth token lifetime in seconds',
    integer(1, 31_536_000, 'The token TTL'),
    2100,
  )
  .option(
    '--task-ms <ms>',
    'how long each action of a task takes',
    integer(0, 3_600_000, 'The task duration'),
    1000,
  )
  .option('--latency <ms>', 'latency added to every request', integer(0, 600_000, 'The latency'), 0)
  .showHelpAfterError(false)
  .configureOutput({ outputError: (text, write) => write(`${text.split('\n')[0]}\n`) })
  .parse()

const opts = program.opts<{
  port: number
  host: string
  modelFile?: string
  tokenTtl: number
  taskMs: number
  latency: number
}>()

if (opts.modelFile !== undefined && !existsSync(opts.modelFile)) {
  process.stderr.write(`error: model file not found: ${opts.modelFile}\n`)
  process.exit(2)
}

try {
  const sim = await startSimulator({
    port: opts.port,
    host: opts.host,
    modelFile: opts.modelFile,
    tokenTtlSeconds: opts.tokenTtl,
    taskMs: opts.taskMs,
    latencyMs: opts.latency,
    logger: createLogger({ name: 'anaplan-sim' }),
  })
  process.stdout.write(`Anaplan simulator listening on ${sim.url}\n`)
  const stop = (): void => {
    void sim.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`error: ${message.split('\n')[0]}\n`)
  process.exit(1)
}
