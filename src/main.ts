/**
 * `npm start`: the bot server with the web chat, plus the Anaplan simulator with the demo model
 * unless `ANAPLAN_*` credentials are configured. `PORT` (default 8080) and `HOST` (default
 * 127.0.0.1; use 0.0.0.0 in a container) are honoured. The audit trail goes to
 * `data/audit.jsonl` unless `BOT_AUDIT_FILE` says otherwise. Stops cleanly on SIGINT/SIGTERM.
 */
import { startBotService } from './bot/channels/runtime.ts'
import { auditFileFor, listenFailureLine, startBanner } from './bot/start-info.ts'
import { hasAnaplanCredentials } from './shared/config.ts'
import { createLogger, redactSecrets, textDestination } from './shared/logger.ts'

const PORT_HINT = 'set PORT to use another one, e.g. PORT=8081 npm start'
const port = Number(process.env.PORT ?? 8080)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`error: PORT must be an integer from 0 to 65535, got "${process.env.PORT}"\n`)
  process.exit(2)
}
const host = process.env.HOST ?? '127.0.0.1'
const level = process.env.LOG_LEVEL ?? 'info'
// A laptop demo: the simulator, reachable from this machine only. Its start-up warnings (sessions
// in memory, webhooks without caller auth) concern deployments, so the start is quiet and a person
// reads log lines as text; anything else keeps JSON for log collectors.
const localDemo = !hasAnaplanCredentials(process.env) && ['127.0.0.1', 'localhost', '::1'].includes(host)
const logger = createLogger({
  name: 'anaplan-bot',
  level: localDemo ? 'error' : level,
  ...(localDemo && process.env.LOG_FORMAT !== 'json' ? { destination: textDestination() } : {}),
})
const auditFile = auditFileFor(undefined, process.env, process.cwd())

try {
  const service = await startBotService({ port, host, logger, auditFile })
  logger.level = level
  process.stdout.write(
    startBanner({
      webUrl: service.url,
      ...(service.runtime.simulator ? { simulatorUrl: service.runtime.simulator.url } : {}),
      anaplanUrl: service.runtime.anaplanUrl,
      auditFile,
      sharedSessions: Boolean(process.env.REDIS_URL),
      cwd: process.cwd(),
      portHint: 'PORT to change',
    }),
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
  const line = listenFailureLine(err, port, PORT_HINT) ?? redactSecrets((err as Error).message)
  process.stderr.write(`error: ${line}\n`)
  process.exit(1)
}
