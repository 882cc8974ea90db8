/**
 * `npm start`: the bot server with the web chat, plus the Anaplan simulator with the demo model
 * unless `ANAPLAN_*` credentials are configured. `PORT` (default 8080) and `HOST` (default
 * 127.0.0.1; use 0.0.0.0 in a container) are honoured. Stops cleanly on SIGINT/SIGTERM.
 */
import { startBotService } from './bot/channels/runtime.ts'
import { createLogger, redactSecrets } from './shared/logger.ts'

const logger = createLogger({ name: 'anaplan-bot' })
const port = Number(process.env.PORT ?? 8080)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`error: PORT must be an integer from 0 to 65535, got "${process.env.PORT}"\n`)
  process.exit(2)
}

try {
  const service = await startBotService({ port, host: process.env.HOST ?? '127.0.0.1', logger })
  const sim = service.runtime.simulator
  process.stdout.write(
    `${sim ? `Anaplan simulator (demo model) running on ${sim.url}\n` : `Using Anaplan at ${service.runtime.anaplanUrl}\n`}` +
      `Web chat: ${service.url}\n`,
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) process.exit(130)
    stopping = true
    logger.info({ signal }, 'shutting down')
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
} catch (err) {
  process.stderr.write(`error: ${redactSecrets((err as Error).message)}\n`)
  process.exit(1)
}
