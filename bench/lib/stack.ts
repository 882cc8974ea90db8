/**
 * The whole project wired for benchmarks and the reliability suite: a simulator on port 0, one
 * Anaplan client acting as the demo analyst, the bot core and its HTTP server (in-process through
 * `app.request()`, or on a real loopback socket when `listen` is set), plus the simulator's admin
 * calls (`/__sim/stats`, `/__sim/faults`, `/__sim/reset`).
 */

import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { AnaplanClient, type AnaplanClientOptions } from '../../src/anaplan/index.ts'
import {
  allowAllPolicy,
  type BotPolicy,
  createBot,
  DiskDownloadStore,
  MemoryAuditSink,
} from '../../src/bot/core/index.ts'
import type { Bot, BotReply, Identity } from '../../src/bot/core/types.ts'
import { type BotServerOptions, createBotServer } from '../../src/bot/server.ts'
import type { Logger } from '../../src/shared/logger.ts'
import {
  type RunningSimulator,
  type StartSimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.ts'
import { apiChat, testUserAuthenticator } from '../../test/support/api-chat.ts'
import { TEST_WEBHOOK_AUTH } from './channels.ts'

export const ANALYST = { username: 'analyst@example.com', password: 'demo-password' } as const
export const VIEWER = { username: 'viewer@example.com', password: 'viewer-password' } as const

/** `GET /__sim/stats`, as the simulator documents it. */
export interface SimStats {
  routes: Record<string, number>
  auth: { authenticate: number; refresh: number; validate: number; logout: number }
  mutations: { taskStarts: number; cellWrites: number; listWrites: number }
  tasks: Record<string, number>
}

/** A fault for `POST /__sim/faults`. */
export interface FaultSpec {
  method?: string
  path: string
  count?: number
  status?: number
  retryAfter?: string
  latencyMs?: number
  drop?: boolean
  afterHandler?: boolean
}

/** Thrown when an admin call to the simulator does not answer as documented. */
export class SimAdminError extends Error {
  override readonly name = 'SimAdminError'
}

async function adminCall(url: string, init: RequestInit, expected: number): Promise<unknown> {
  const res = await fetch(url, init)
  const text = await res.text()
  if (res.status !== expected)
    throw new SimAdminError(`${init.method ?? 'GET'} ${url} answered ${res.status}`)
  return text ? (JSON.parse(text) as unknown) : undefined
}

/** Reads `/__sim/stats`. */
export async function simStats(simUrl: string): Promise<SimStats> {
  return (await adminCall(`${simUrl}/__sim/stats`, {}, 200)) as SimStats
}

/** Adds one fault; resolves with its id. */
export async function addFault(simUrl: string, spec: FaultSpec): Promise<string> {
  const body = (await adminCall(
    `${simUrl}/__sim/faults`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) },
    201,
  )) as { fault: { id: string } }
  return body.fault.id
}

/** Removes every fault. */
export async function clearFaults(simUrl: string): Promise<void> {
  await adminCall(`${simUrl}/__sim/faults`, { method: 'DELETE' }, 204)
}

/** Demo model, tokens, tasks and counters back to their initial state. */
export async function resetSim(simUrl: string): Promise<void> {
  await adminCall(`${simUrl}/__sim/reset`, { method: 'POST' }, 200)
}

/** Revokes a token the way a user logging out elsewhere would (`POST /token/logout`). */
export async function revokeToken(simUrl: string, token: string): Promise<void> {
  const res = await fetch(`${simUrl}/token/logout`, {
    method: 'POST',
    headers: { Authorization: `AnaplanAuthToken ${token}` },
  })
  await res.arrayBuffer()
  if (res.status >= 300) throw new SimAdminError(`logout answered ${res.status}`)
}

export interface StackOptions {
  /** Simulator options (port and host are always 0 and loopback). */
  simulator?: Omit<StartSimulatorOptions, 'port' | 'host'>
  /**
   * Use the simulator already running at this base URL (another process) instead of starting one
   * in this process; `close()` leaves it running.
   */
  simulatorUrl?: string
  /** Extra options of the bot's Anaplan client. */
  client?: Partial<AnaplanClientOptions>
  /** Extra clients for `anaplanUser` profiles of the policy. */
  profiles?: Record<string, { username: string; password: string }>
  /** @default allowAllPolicy() */
  policy?: BotPolicy
  /** Server options (Slack, Dialogflow…); `logger` is filled in from `logger`. */
  server?: BotServerOptions
  /** One logger for the bot core and the server. */
  logger?: Logger
  /** Also serve the bot on a loopback port (benchmarks measure real HTTP). */
  listen?: boolean
  /** Poll interval of long tasks in the core. @default 25 */
  pollIntervalMs?: number
  /**
   * The original design's baseline: a brand-new client (so a new token) for every turn, instead of
   * one client and one token manager for the process.
   */
  clientPerTurn?: boolean
}

export interface Stack {
  sim: RunningSimulator
  /** The client the bot acts through (the demo analyst). */
  client: AnaplanClient
  bot: Bot
  app: Hono
  audit: MemoryAuditSink
  /** The bot's base URL when `listen` was set. */
  url?: string
  /** One `/api/chat` turn through the app; throws on a non-200 answer. */
  chat(sessionId: string, input: string | { choice: string }, user?: string): Promise<BotReply>
  stats(): Promise<SimStats>
  fault(spec: FaultSpec): Promise<string>
  close(): Promise<void>
}

/** A handle on a simulator another process runs: reset over HTTP, closing is its owner's job. */
function remoteSimulator(url: string): RunningSimulator {
  const base = url.replace(/\/+$/, '')
  return {
    url: base,
    authUrl: base,
    apiUrl: `${base}/2/0`,
    port: Number(new URL(base).port),
    reset: () => resetSim(base),
    close: async () => {},
  }
}

/** Starts a simulator, a client, the bot and its server. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = options.simulatorUrl
    ? remoteSimulator(options.simulatorUrl)
    : await startSimulator({
        taskMs: 30,
        latencyMs: 0,
        ...options.simulator,
        port: 0,
        host: '127.0.0.1',
      })
  const makeClient = (who: { username: string; password: string }) =>
    new AnaplanClient({
      authUrl: sim.authUrl,
      apiUrl: sim.apiUrl,
      credentials: { kind: 'basic', ...who },
      ...options.client,
    })
  const client = makeClient(ANALYST)
  const profiles = new Map(Object.entries(options.profiles ?? {}).map(([k, v]) => [k, makeClient(v)]))
  const audit = new MemoryAuditSink()
  const downloads = new DiskDownloadStore()
  const bot = await createBot({
    anaplan: {
      clientFor: (_identity: Identity, o?: { profile?: string }) =>
        (o?.profile ? profiles.get(o.profile) : undefined) ??
        (options.clientPerTurn ? makeClient(ANALYST) : client),
    },
    audit,
    downloads,
    pollIntervalMs: options.pollIntervalMs ?? 25,
    policy: options.policy ?? allowAllPolicy(),
    ...(options.logger ? { logger: options.logger } : {}),
  })
  const app = createBotServer(bot, {
    downloads,
    // Webhooks are served only with caller auth; the stack's callers send it (see postJson).
    dialogflowEs: { auth: TEST_WEBHOOK_AUTH },
    dialogflowCx: { auth: TEST_WEBHOOK_AUTH },
    ...options.server,
    // Turns name their user (see apiChat); the test sign-in reads it from a header.
    web: { auth: testUserAuthenticator(), ...options.server?.web },
    ...(options.logger ? { logger: options.logger } : {}),
  })

  let server: ReturnType<typeof serve> | undefined
  let url: string | undefined
  if (options.listen) {
    const s = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started))
      started.once('error', reject)
    })
    server = s
    url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  }

  const chat = apiChat(app)

  return {
    sim,
    client,
    bot,
    app,
    audit,
    ...(url ? { url } : {}),
    chat,
    stats: () => simStats(sim.url),
    fault: (spec) => addFault(sim.url, spec),
    async close() {
      if (server) {
        const s = server as unknown as { closeAllConnections?: () => void }
        await new Promise<void>((resolve) => {
          server?.close(() => resolve())
          s.closeAllConnections?.()
        })
      }
      await bot.close()
      await client.close()
      for (const c of profiles.values()) await c.close()
      await sim.close()
    },
  }
}
