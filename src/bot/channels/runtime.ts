/**
 * Wires a running bot for the commands (`anaplan-bot serve | chat | agent export`, `npm start`):
 * Anaplan (configured credentials, or the embedded simulator with the demo analyst), the core with
 * its policy, audit trail, session store and download store, and the server options read from the
 * environment (Slack, Dialogflow caller auth, public URL).
 */
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { AnaplanClient } from '../../anaplan/index.ts'
import { hasAnaplanCredentials, loadAnaplanConfig } from '../../shared/config.ts'
import type { Logger } from '../../shared/logger.ts'
import { registerSecret, silentLogger } from '../../shared/logger.ts'
import { anaplanClientOptions } from '../../shared/secrets.ts'
import { type RunningSimulator, startSimulator } from '../../simulator/index.ts'
import {
  type AuditSink,
  type BotPolicy,
  createBot,
  DiskDownloadStore,
  JsonlFileAuditSink,
  loadPolicy,
  MemoryAuditSink,
  type SessionStore,
} from '../core/index.ts'
import type { Bot } from '../core/types.ts'
import { type BotServerOptions, createBotServer } from '../server.ts'
import { RedisSessionStore } from '../stores/redis.ts'
import { channelOptions } from './env.ts'
import { type BotSettings, readBotSettings } from './settings.ts'
import { startSlackSocketMode } from './slack/app.ts'

/** The simulator's demo user the bot acts as when no Anaplan credentials are configured. */
export const DEMO_USER = { username: 'analyst@example.com', password: 'demo-password' } as const

/**
 * Policy used with the embedded simulator when no policy file is given: the demo is meant to be
 * tried, so people on the web chat and in the terminal may change the demo models. Real
 * deployments start from the core's default (read-only for everyone) and a policy file.
 */
export const DEMO_POLICY_YAML = `
rules:
  - match: [{ channel: web }, { channel: terminal }]
    models:
      "*": { read: true, write: true, lists: true, run: true }
defaults:
  "*": { read: true }
`

export interface BotRuntimeOptions {
  env?: NodeJS.ProcessEnv
  /** Policy file (YAML/JSON). @default env BOT_POLICY_FILE, else the demo policy with the simulator */
  policyFile?: string
  /** JSONL audit file. @default env BOT_AUDIT_FILE, else in memory */
  auditFile?: string
  /** Where export downloads are kept. @default env BOT_DOWNLOADS_DIR, else a temp dir */
  downloadsDir?: string
  /** Use the embedded simulator even when credentials are configured. */
  forceSimulator?: boolean
  /** Simulator port when it is started. @default 0 (any free port) */
  simulatorPort?: number
  /** Simulator task duration in ms. @default 1500 */
  simulatorTaskMs?: number
  /** Session store. @default Redis when env REDIS_URL is set, else the core's in-memory store */
  store?: SessionStore
  logger?: Logger
}

export interface BotRuntime {
  bot: Bot
  downloads: DiskDownloadStore
  audit: AuditSink
  /** Set when the embedded simulator was started. */
  simulator?: RunningSimulator
  /** Where Anaplan is: the simulator's URL or the configured API URL. */
  anaplanUrl: string
  /** The Anaplan client the bot uses (one technical user, or the demo analyst). */
  client: AnaplanClient
  close(): Promise<void>
}

export interface AnaplanAccess {
  client: AnaplanClient
  simulator?: RunningSimulator
  anaplanUrl: string
}

/**
 * An Anaplan client from the configured credentials, or, when there are none (or `forceSimulator`),
 * the embedded simulator with its demo model and a client acting as the demo analyst.
 */
export async function connectAnaplan(
  options: Pick<BotRuntimeOptions, 'env' | 'forceSimulator' | 'simulatorPort' | 'simulatorTaskMs'> = {},
): Promise<AnaplanAccess> {
  const env = options.env ?? process.env
  if (options.forceSimulator || !hasAnaplanCredentials(env)) {
    const simulator = await startSimulator({
      port: options.simulatorPort ?? 0,
      host: '127.0.0.1',
      taskMs: options.simulatorTaskMs ?? 1500,
    })
    const client = new AnaplanClient({
      authUrl: simulator.authUrl,
      apiUrl: simulator.apiUrl,
      credentials: { kind: 'basic', ...DEMO_USER },
    })
    return { client, simulator, anaplanUrl: simulator.url }
  }
  const config = loadAnaplanConfig(env)
  return { client: new AnaplanClient({ ...anaplanClientOptions(config) }), anaplanUrl: config.apiUrl }
}

/** Starts Anaplan (or the simulator) and the bot core. */
export async function startBotRuntime(options: BotRuntimeOptions = {}): Promise<BotRuntime> {
  const env = options.env ?? process.env
  const logger = options.logger ?? silentLogger
  const { client, simulator, anaplanUrl } = await connectAnaplan({
    env,
    ...(options.forceSimulator ? { forceSimulator: true } : {}),
    ...(options.simulatorPort !== undefined ? { simulatorPort: options.simulatorPort } : {}),
    ...(options.simulatorTaskMs !== undefined ? { simulatorTaskMs: options.simulatorTaskMs } : {}),
  })

  const policyFile = options.policyFile ?? env.BOT_POLICY_FILE
  let policy: BotPolicy | undefined
  if (policyFile) policy = loadPolicy(policyFile)
  else if (simulator) policy = loadPolicy(DEMO_POLICY_YAML)

  const auditFile = options.auditFile ?? env.BOT_AUDIT_FILE
  const audit: AuditSink = auditFile ? new JsonlFileAuditSink(auditFile) : new MemoryAuditSink()
  const downloadsDir = options.downloadsDir ?? env.BOT_DOWNLOADS_DIR
  const downloads = new DiskDownloadStore(downloadsDir ? { dir: join(downloadsDir) } : {})

  // Several instances share sessions (pending confirmations, running tasks) through Redis.
  const store = options.store ?? (env.REDIS_URL ? new RedisSessionStore({ url: env.REDIS_URL }) : undefined)
  if (env.REDIS_URL) registerSecret(new URL(env.REDIS_URL).password || undefined)
  const bot = await createBot({
    anaplan: client,
    audit,
    downloads,
    logger,
    ...(policy ? { policy } : {}),
    ...(store ? { store } : {}),
  })

  return {
    bot,
    downloads,
    audit,
    client,
    anaplanUrl,
    ...(simulator ? { simulator } : {}),
    async close() {
      await bot.close()
      await audit.close?.()
      await client.close()
      await simulator?.close()
    },
  }
}

/**
 * Server options from the environment plus the runtime's downloads.
 * @throws {ConfigError} On bad settings or unsafe combinations (see {@link readBotSettings}).
 */
export function serverOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  runtime: Pick<BotRuntime, 'downloads' | 'simulator'>,
  logger: Logger = silentLogger,
  settings: BotSettings = readBotSettings(env, { realAnaplan: !runtime.simulator }),
): BotServerOptions {
  return { ...channelOptions(settings, logger), downloads: runtime.downloads, logger }
}

export interface BotServiceOptions extends BotRuntimeOptions {
  /** @default 8080 */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
}

export interface BotService {
  /** The web chat URL. */
  url: string
  runtime: BotRuntime
  close(): Promise<void>
}

/**
 * Starts everything `anaplan-bot serve` and `npm start` run: Anaplan or the simulator, the core,
 * the HTTP server, and Slack Socket Mode when `SLACK_APP_TOKEN` and `SLACK_BOT_TOKEN` are set.
 */
export async function startBotService(options: BotServiceOptions = {}): Promise<BotService> {
  const env = options.env ?? process.env
  const logger = options.logger ?? silentLogger
  // Checked before anything starts: an unsafe combination is one start-up error, not a warning.
  const settings = readBotSettings(env, {
    realAnaplan: !options.forceSimulator && hasAnaplanCredentials(env),
  })
  const runtime = await startBotRuntime(options)
  const app = createBotServer(runtime.bot, serverOptionsFromEnv(env, runtime, logger, settings))
  const host = options.host ?? '127.0.0.1'
  let server: ReturnType<typeof serve>
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, () => resolve(s))
      s.once('error', reject)
    })
  } catch (err) {
    await runtime.close()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  const loopbackOrAny = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(host)
  const shownHost = loopbackOrAny ? 'localhost' : host.includes(':') ? `[${host}]` : host
  let stopSocketMode: (() => Promise<void>) | undefined
  const { slackAppToken, slackBotToken, publicUrl } = settings.env
  if (slackAppToken && slackBotToken) {
    stopSocketMode = await startSlackSocketMode(runtime.bot, {
      appToken: slackAppToken,
      botToken: slackBotToken,
      logger,
      ...(publicUrl ? { publicUrl } : {}),
    })
  }
  let closing: Promise<void> | undefined
  return {
    url: `http://${shownHost}:${port}`,
    runtime,
    close() {
      closing ??= (async () => {
        await stopSocketMode?.()
        // SSE streams stay open forever; cut them so close() does not wait for browsers to leave.
        const s = server as unknown as { closeAllConnections?: () => void }
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          s.closeAllConnections?.()
        })
        await runtime.close()
      })()
      return closing
    },
  }
}
