/**
 * Channel settings from the environment, for the server and for serverless functions that wrap a
 * single channel. Secret values are registered so they never reach a log line.
 *
 * - `SLACK_SIGNING_SECRET` + `SLACK_BOT_TOKEN` enable Slack (`SLACK_API_URL` overrides the Web API base);
 * - `DIALOGFLOW_ES_USERNAME`/`_PASSWORD` or `DIALOGFLOW_ES_HEADER_NAME`/`_HEADER_VALUE` (and the same
 *   with `DIALOGFLOW_CX_`) set webhook caller auth; `DIALOGFLOW_CX_TIMEOUT_MS` the CX timeout;
 * - `DIALOGFLOW_ES_FOLLOWUP_EVENTS=true` lets the ES webhook buy time with follow-up events (needs the
 *   exported agent, whose `task_status` intent handles `ANAPLAN_TASK_UPDATE`);
 * - `BOT_PUBLIC_URL` makes download links absolute for Slack and Dialogflow;
 * - `WEB_USER_HEADER` takes the web identity from a trusted proxy header.
 */
import type { Logger } from '../../shared/logger.ts'
import { registerSecret, silentLogger } from '../../shared/logger.ts'
import type { WebChatOptions } from '../server.ts'
import { webhookAuthFromEnv } from './dialogflow/common.ts'
import type { DialogflowCxOptions } from './dialogflow/cx.ts'
import type { DialogflowEsOptions } from './dialogflow/es.ts'
import type { SlackChannelOptions } from './slack/app.ts'

export interface ChannelEnvOptions {
  dialogflowEs: DialogflowEsOptions
  dialogflowCx: DialogflowCxOptions
  /** Present when Slack is configured. */
  slack?: SlackChannelOptions
  web?: WebChatOptions
}

/**
 * Reads the channel settings from `env`.
 * @throws {Error} When `DIALOGFLOW_CX_TIMEOUT_MS` is not an integer from 1000 to 30000.
 */
export function channelOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  logger: Logger = silentLogger,
): ChannelEnvOptions {
  const publicUrl = env.BOT_PUBLIC_URL?.trim().replace(/\/+$/, '') || undefined
  const esAuth = webhookAuthFromEnv(env, 'DIALOGFLOW_ES')
  const cxAuth = webhookAuthFromEnv(env, 'DIALOGFLOW_CX')
  for (const auth of [esAuth, cxAuth]) {
    if (auth?.type === 'basic') registerSecret(auth.password)
    if (auth?.type === 'header') registerSecret(auth.value)
  }
  let cxTimeout: number | undefined
  if (env.DIALOGFLOW_CX_TIMEOUT_MS) {
    cxTimeout = Number(env.DIALOGFLOW_CX_TIMEOUT_MS)
    if (!Number.isInteger(cxTimeout) || cxTimeout < 1000 || cxTimeout > 30_000) {
      throw new Error(
        'DIALOGFLOW_CX_TIMEOUT_MS must be an integer from 1000 to 30000 (the CX webhook timeout).',
      )
    }
  }
  if (!esAuth) {
    logger.warn('Dialogflow ES webhook has no caller authentication (set DIALOGFLOW_ES_USERNAME/PASSWORD)')
  }
  const out: ChannelEnvOptions = {
    dialogflowEs: {
      ...(esAuth ? { auth: esAuth } : {}),
      ...(publicUrl ? { publicUrl } : {}),
      ...(env.DIALOGFLOW_ES_FOLLOWUP_EVENTS === 'true' ? { followupEvents: true } : {}),
    },
    dialogflowCx: {
      ...(cxAuth ? { auth: cxAuth } : {}),
      ...(publicUrl ? { publicUrl } : {}),
      ...(cxTimeout ? { timeoutMs: cxTimeout } : {}),
    },
    ...(env.WEB_USER_HEADER ? { web: { userHeader: env.WEB_USER_HEADER } } : {}),
  }
  const signingSecret = env.SLACK_SIGNING_SECRET
  const botToken = env.SLACK_BOT_TOKEN
  if (signingSecret && botToken) {
    registerSecret(signingSecret)
    registerSecret(botToken)
    out.slack = {
      signingSecret,
      botToken,
      ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
      ...(publicUrl ? { publicUrl } : {}),
    }
  }
  return out
}
