/**
 * @module bot/channels
 * Channel adapters around the bot core: Dialogflow ES and CX webhooks, Slack (HTTP and Socket
 * Mode), the terminal chat, and the Dialogflow ES agent export. Each HTTP adapter is a Hono app
 * answering `POST` on any path, so a function can serve it directly or a server can mount it.
 * Channels import the core's types only; the core never imports a channel.
 */

export type { WebhookAuth } from './dialogflow/common.ts'
export type { DialogflowCxOptions } from './dialogflow/cx.ts'
export { dialogflowCxApp } from './dialogflow/cx.ts'
export type { DialogflowEsOptions } from './dialogflow/es.ts'
export { dialogflowEsApp, ES_FOLLOWUP_EVENT, ES_STATE_CONTEXT } from './dialogflow/es.ts'
export { type ChannelEnvOptions, channelOptionsFromEnv } from './env.ts'
export { BOT_ENV, type BotSettings, readBotSettings } from './settings.ts'
export type { SlackChannelOptions, SlackSocketModeOptions } from './slack/app.ts'
export { slackApp, startSlackSocketMode } from './slack/app.ts'
export { signSlackRequest, verifySlackRequest } from './slack/verify.ts'
