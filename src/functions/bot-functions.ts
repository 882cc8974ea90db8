/**
 * The bot's channels as functions: `dialogflowWebhook` (ES), `dialogflowCxWebhook` (CX) and
 * `slackEvents`. Each wraps the same channel app and the same bot core that `anaplan-bot serve`
 * mounts; only the wiring differs. They are deployed public because they authenticate their callers
 * themselves (Dialogflow webhook credentials, Slack request signatures), so the shared-key check is
 * off for them.
 *
 * The bot is built once per instance, when the instance warms up or on the first request, and
 * acts through the instance's Anaplan client. Each function imports only its own channel (Slack's SDK alone takes a quarter of
 * a second to load), and the NLU loads the model trained at build time (see `docs/deploy.md`,
 * cold starts).
 *
 * Environment: `DIALOGFLOW_ES_USERNAME`/`_PASSWORD` (or `_HEADER_NAME`/`_HEADER_VALUE`), the same
 * for `DIALOGFLOW_CX_*`, `DIALOGFLOW_CX_TIMEOUT_MS`; `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN`,
 * `SLACK_API_URL`, `SLACK_BOT_USER_ID`, `SLACK_BOT_ID`; `BOT_PUBLIC_URL`, `BOT_POLICY_FILE`,
 * `BOT_AUDIT_FILE`.
 */
import type { Hono } from 'hono'
import { readBotSettings } from '../bot/channels/settings.ts'
// The core's modules one by one, not its index: the index also brings the policy-file reader
// (YAML, zod), which only an instance with BOT_POLICY_FILE needs.
import { type AuditSink, JsonlFileAuditSink, MemoryAuditSink } from '../bot/core/audit.ts'
import { type CreateBotOptions, createBot } from '../bot/core/bot.ts'
import type { Bot } from '../bot/core/types.ts'
import type { Env } from './common/config.ts'
import { createFunctionApp, type FunctionApp } from './common/function-app.ts'
import { FunctionError } from './common/http-error.ts'
import type { FunctionRuntime } from './common/runtime.ts'
import type { BotFunctionName } from './instance.ts'

export type { BotFunctionName } from './instance.ts'

export interface BotFunctionOptions {
  /** @default process.env */
  env?: Env
  /** Overrides for the bot core (policy, store, clock...). */
  bot?: Partial<Omit<CreateBotOptions, 'anaplan'>>
}

const bots = new WeakMap<FunctionRuntime, Promise<Bot>>()

/** The instance's bot, built on first use around the runtime's Anaplan client. */
export function instanceBot(runtime: FunctionRuntime, options: BotFunctionOptions = {}): Promise<Bot> {
  let bot = bots.get(runtime)
  if (!bot) {
    const env = options.env ?? process.env
    const audit: AuditSink = env.BOT_AUDIT_FILE
      ? new JsonlFileAuditSink(env.BOT_AUDIT_FILE)
      : new MemoryAuditSink()
    const policyFile = env.BOT_POLICY_FILE
    const policy = policyFile
      ? import('../bot/core/policy-file.ts').then((m) => m.loadPolicy(policyFile))
      : Promise.resolve(undefined)
    bot = policy.then((p) =>
      createBot({
        anaplan: runtime.client(),
        audit,
        logger: runtime.logger,
        ...(p ? { policy: p } : {}),
        ...options.bot,
      }),
    )
    bots.set(runtime, bot)
    // A failed build (bad policy file) is retried on the next request, not cached.
    bot.catch(() => {
      if (bots.get(runtime) === bot) bots.delete(runtime)
    })
  }
  return bot
}

/** Builds the channel app of a bot function from the environment, importing only that channel. */
async function channelApp(
  name: BotFunctionName,
  bot: Bot,
  runtime: FunctionRuntime,
  env: Env,
): Promise<Hono> {
  // The same table and checks as `anaplan-bot serve`; these functions serve no web chat.
  const settings = readBotSettings(env, { realAnaplan: true, servesWeb: false })
  const publicUrl = settings.env.publicUrl
  const common = { logger: runtime.logger, ...(publicUrl ? { publicUrl } : {}) }
  if (name === 'slackEvents') {
    if (!settings.slack) {
      throw new FunctionError(
        500,
        'configuration_error',
        'slackEvents needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN',
      )
    }
    const { slackApp } = await import('../bot/channels/slack/app.ts')
    const { slackApiUrl, slackBotUserId, slackBotId } = settings.env
    return slackApp(bot, {
      ...common,
      ...settings.slack,
      ...(slackApiUrl ? { apiUrl: slackApiUrl } : {}),
      ...(slackBotUserId ? { botUserId: slackBotUserId } : {}),
      ...(slackBotId ? { botId: slackBotId } : {}),
    })
  }
  const es = name === 'dialogflowWebhook'
  const auth = es ? settings.dialogflowEs : settings.dialogflowCx
  if (!auth) {
    // Fail closed: without caller credentials anyone could speak to the bot as the agent.
    const prefix = es ? 'DIALOGFLOW_ES' : 'DIALOGFLOW_CX'
    throw new FunctionError(
      503,
      'not_configured',
      `${name} has no caller authentication: set ${prefix}_USERNAME/PASSWORD or ${prefix}_HEADER_NAME/VALUE`,
    )
  }
  if (es) {
    const { dialogflowEsApp } = await import('../bot/channels/dialogflow/es.ts')
    return dialogflowEsApp(bot, {
      ...common,
      auth,
      ...(settings.env.esFollowupEvents ? { followupEvents: true } : {}),
    })
  }
  const { dialogflowCxApp } = await import('../bot/channels/dialogflow/cx.ts')
  const timeoutMs = settings.env.cxTimeoutMs
  return dialogflowCxApp(bot, { ...common, auth, ...(timeoutMs ? { timeoutMs } : {}) })
}

/** A bot function's app, which can build its bot and channel ahead of the first request. */
export type BotFunctionApp = FunctionApp & { warm(): Promise<void> }

/**
 * Builds a bot function's app (health, logs and JSON errors from the shared shell). The bot and
 * the channel are built on the first `POST`, or by `warm()`.
 */
export function createBotFunction(
  name: BotFunctionName,
  runtime: FunctionRuntime,
  options: BotFunctionOptions = {},
): BotFunctionApp {
  const env = options.env ?? process.env
  let channel: Promise<Hono> | undefined
  // Dialogflow recognises the intents itself, so its turns do not need our classifier up front.
  const botOptions = { ...options, bot: { warmUp: name === 'slackEvents', ...options.bot } }
  const getChannel = () => {
    if (!channel) {
      const p = instanceBot(runtime, botOptions).then((bot) => channelApp(name, bot, runtime, env))
      channel = p
      // A failed build is retried by the next request, which then reports the error.
      p.catch(() => {
        if (channel === p) channel = undefined
      })
    }
    return channel
  }
  const app = createFunctionApp({ name, runtime, verifiesOwnCallers: true }, (app) => {
    app.post('*', async (c) => (await getChannel()).fetch(c.req.raw, c.env))
  })
  // An instance warming up (see instance.ts) builds the bot and its channel before the first request,
  // and fetches the models list most first turns need (a greeting offers them): on real Anaplan
  // those are round trips the first request would otherwise wait for.
  return Object.assign(app, {
    // The prefetch starts as soon as the bot exists, while the channel's module still loads.
    warm: async () => {
      const prefetched = instanceBot(runtime, botOptions).then((bot) => bot.prefetch?.())
      await Promise.all([getChannel(), prefetched])
    },
  })
}
