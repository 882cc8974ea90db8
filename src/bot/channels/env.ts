/**
 * Channel settings for the server, from the bot's configuration table (`settings.ts`): web sign-in
 * (OIDC, IAP or the local demo mode), Dialogflow caller auth, Slack, the public URL. A Dialogflow
 * webhook without caller auth is not served, and the start-up log says so in one line.
 */

import type { Env } from '../../shared/env-table.ts'
import type { Logger } from '../../shared/logger.ts'
import { silentLogger } from '../../shared/logger.ts'
import type { WebChatOptions } from '../server.ts'
import type { DialogflowCxOptions } from './dialogflow/cx.ts'
import type { DialogflowEsOptions } from './dialogflow/es.ts'
import { type BotSettings, readBotSettings, type WebAuthSettings } from './settings.ts'
import type { SlackChannelOptions } from './slack/app.ts'
import { iapAuthenticator } from './web/iap.ts'
import { oidcAuthenticator } from './web/oidc.ts'
import { localDemoAuthenticator, type WebAuthenticator } from './web/principal.ts'

export interface ChannelEnvOptions {
  /** `false` when no caller auth is configured: the webhook is not served. */
  dialogflowEs: DialogflowEsOptions | false
  dialogflowCx: DialogflowCxOptions | false
  /** Present when Slack (HTTP mode) is configured. */
  slack?: SlackChannelOptions
  web: WebChatOptions
}

/** The authenticator for the configured web sign-in. */
export function webAuthenticator(web: WebAuthSettings): WebAuthenticator {
  if (web.mode === 'oidc') return oidcAuthenticator(web)
  if (web.mode === 'iap') return iapAuthenticator(web)
  return localDemoAuthenticator()
}

/** Channel options from settings already read (see {@link readBotSettings}). */
export function channelOptions(settings: BotSettings, logger: Logger = silentLogger): ChannelEnvOptions {
  const { env } = settings
  const publicUrl = env.publicUrl
  const url = publicUrl ? { publicUrl } : {}
  for (const [name, auth, vars] of [
    ['Dialogflow ES', settings.dialogflowEs, 'DIALOGFLOW_ES_USERNAME/PASSWORD or _HEADER_NAME/_HEADER_VALUE'],
    ['Dialogflow CX', settings.dialogflowCx, 'DIALOGFLOW_CX_HEADER_NAME/_HEADER_VALUE or _USERNAME/PASSWORD'],
  ] as const) {
    if (!auth) logger.info(`${name} webhook not served: no caller authentication (set ${vars})`)
  }
  const out: ChannelEnvOptions = {
    dialogflowEs: settings.dialogflowEs
      ? { auth: settings.dialogflowEs, ...url, ...(env.esFollowupEvents ? { followupEvents: true } : {}) }
      : false,
    dialogflowCx: settings.dialogflowCx
      ? { auth: settings.dialogflowCx, ...url, ...(env.cxTimeoutMs ? { timeoutMs: env.cxTimeoutMs } : {}) }
      : false,
    web: {
      auth: webAuthenticator(settings.web),
      ...url,
      ...(env.sessionSecret ? { sessionSecret: env.sessionSecret } : {}),
    },
  }
  if (settings.slack) {
    out.slack = {
      ...settings.slack,
      ...(env.slackApiUrl ? { apiUrl: env.slackApiUrl } : {}),
      ...(env.slackBotUserId ? { botUserId: env.slackBotUserId } : {}),
      ...(env.slackBotId ? { botId: env.slackBotId } : {}),
      ...url,
    }
  }
  return out
}

/**
 * Reads the channel settings from `env`.
 * @throws {ConfigError} On bad values and unsafe combinations (see {@link readBotSettings}).
 */
export function channelOptionsFromEnv(
  env: Env,
  logger: Logger = silentLogger,
  options: { realAnaplan?: boolean } = {},
): ChannelEnvOptions {
  return channelOptions(readBotSettings(env, { realAnaplan: options.realAnaplan ?? false }), logger)
}
