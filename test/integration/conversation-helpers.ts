/**
 * Shared setup of the conversation tests: a simulator on port 0, a bot over it, and the channels'
 * server so every turn goes through `POST /api/chat`.
 */

import type { Hono } from 'hono'
import { AnaplanClient, type AnaplanClientOptions } from '../../src/anaplan/index.ts'
import { webSessionKey } from '../../src/bot/channels/web/principal.ts'
import { type BotPolicy, createBot, DiskDownloadStore, MemoryAuditSink } from '../../src/bot/core/index.ts'
import type { Bot, BotReply, Identity, Message, Notification } from '../../src/bot/core/types.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { apiChat, testPrincipal, testUserAuthenticator, webClient } from '../support/api-chat.ts'

export const ANALYST = { username: 'analyst@example.com', password: 'demo-password' }
export const VIEWER = { username: 'viewer@example.com', password: 'viewer-password' }

export interface Harness {
  sim: RunningSimulator
  bot: Bot
  app: Hono
  audit: MemoryAuditSink
  notifications: Notification[]
  client: (
    who?: { username: string; password: string },
    extra?: Partial<AnaplanClientOptions>,
  ) => AnaplanClient
  /** The server's session key of a page's conversation (what the core and the audit see). */
  key: (sessionId: string, user?: string) => string
  /** A signed-in page's headers (cookie, Origin, CSRF token) for `user`. */
  headers: (user?: string) => Promise<Record<string, string>>
  /** Sends text (or a choice) through `/api/chat` and returns the reply. */
  chat: (sessionId: string, input: string | { choice: string }, user?: string) => Promise<BotReply>
  close: () => Promise<void>
}

export async function startHarness(
  options: {
    policy?: BotPolicy
    taskMs?: number
    replyBudgetMs?: number
    clientOptions?: Partial<AnaplanClientOptions>
    /** Credentials profiles for `anaplanUser` in the policy. */
    profiles?: Record<string, { username: string; password: string }>
  } = {},
): Promise<Harness> {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: options.taskMs ?? 30, latencyMs: 0 })
  const client = (who = ANALYST, extra: Partial<AnaplanClientOptions> = {}) =>
    new AnaplanClient({
      authUrl: sim.authUrl,
      apiUrl: sim.apiUrl,
      credentials: { kind: 'basic', ...who },
      ...options.clientOptions,
      ...extra,
    })
  const main = client()
  const byProfile = new Map(Object.entries(options.profiles ?? {}).map(([k, v]) => [k, client(v)]))
  const audit = new MemoryAuditSink()
  const downloads = new DiskDownloadStore()
  const bot = await createBot({
    anaplan: {
      clientFor: (_identity: Identity, o?: { profile?: string }) =>
        (o?.profile ? byProfile.get(o.profile) : undefined) ?? main,
    },
    audit,
    downloads,
    pollIntervalMs: 25,
    ...(options.policy ? { policy: options.policy } : {}),
  })
  const notifications: Notification[] = []
  bot.subscribe((n) => {
    notifications.push(n)
  })
  const app = createBotServer(bot, {
    downloads,
    web: { replyBudgetMs: options.replyBudgetMs ?? 5000, auth: testUserAuthenticator() },
  })
  const page = webClient(app)
  const chat = apiChat(app, page)
  return {
    sim,
    bot,
    app,
    audit,
    notifications,
    client,
    chat,
    key: (sessionId, user) => webSessionKey(testPrincipal(user), sessionId),
    headers: (user) => page.headers(user),
    close: async () => {
      await bot.close()
      await sim.close()
    },
  }
}

export function find<T extends Message['type']>(
  reply: BotReply,
  type: T,
): Extract<Message, { type: T }> | undefined {
  return reply.messages.find((m) => m.type === type) as Extract<Message, { type: T }> | undefined
}

/** Polls until `check` passes (for results that arrive after the reply). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('condition not met in time')
}
