/**
 * The bot's configuration table: every variable `anaplan-bot serve` and the deployed bot functions
 * read, once, with its parser and whether it is a secret; and the one place that refuses unsafe
 * combinations (the local demo sign-in against real Anaplan, half-configured credentials).
 */
import { ConfigError } from '../../anaplan/index.ts'
import { type Env, type EnvValues, pair, parse, readEnvTable } from '../../shared/env-table.ts'
import type { WebhookAuth } from './dialogflow/common.ts'

const s = (name: string, doc: string) => ({ name, parse: parse.text, doc })
const secret = (name: string, doc: string) => ({ name, parse: parse.text, secret: true, doc })

export const BOT_ENV = {
  publicUrl: {
    name: 'BOT_PUBLIC_URL',
    parse: parse.url,
    doc: 'public URL of the bot (links, Origin, OIDC redirect)',
  },
  webAuth: {
    name: 'WEB_AUTH',
    parse: parse.oneOf('oidc', 'iap', 'local-demo'),
    doc: 'web sign-in: oidc, iap or local-demo (default: oidc with OIDC_ISSUER, iap with IAP_AUDIENCE, else local-demo)',
  },
  allowLocalDemo: {
    name: 'WEB_ALLOW_LOCAL_DEMO',
    parse: parse.bool,
    doc: 'true lets the local demo sign-in (everyone is one user) run against real Anaplan',
  },
  sessionSecret: secret('WEB_SESSION_SECRET', 'key of the web session cookies (required with OIDC or IAP)'),
  oidcIssuer: { name: 'OIDC_ISSUER', parse: parse.url, doc: 'OpenID provider issuer URL' },
  oidcClientId: s('OIDC_CLIENT_ID', 'OpenID client id'),
  oidcClientSecret: secret('OIDC_CLIENT_SECRET', 'OpenID client secret (confidential clients)'),
  oidcScope: s('OIDC_SCOPE', "scopes asked for (default 'openid email profile')"),
  iapAudience: s('IAP_AUDIENCE', 'expected aud of IAP assertions (/projects/N/global/backendServices/ID)'),
  iapJwksUrl: { name: 'IAP_JWKS_URL', parse: parse.url, doc: "IAP's public keys (default Google's)" },
  legacyUserHeader: s('WEB_USER_HEADER', 'removed: an unsigned header is not an identity'),
  esUsername: s('DIALOGFLOW_ES_USERNAME', 'ES webhook basic auth user'),
  esPassword: secret('DIALOGFLOW_ES_PASSWORD', 'ES webhook basic auth password'),
  esHeaderName: s('DIALOGFLOW_ES_HEADER_NAME', 'ES webhook header name'),
  esHeaderValue: secret('DIALOGFLOW_ES_HEADER_VALUE', 'ES webhook header value'),
  esFollowupEvents: {
    name: 'DIALOGFLOW_ES_FOLLOWUP_EVENTS',
    parse: parse.bool,
    doc: 'ES buys time with follow-up events',
  },
  cxUsername: s('DIALOGFLOW_CX_USERNAME', 'CX webhook basic auth user'),
  cxPassword: secret('DIALOGFLOW_CX_PASSWORD', 'CX webhook basic auth password'),
  cxHeaderName: s('DIALOGFLOW_CX_HEADER_NAME', 'CX webhook header name'),
  cxHeaderValue: secret('DIALOGFLOW_CX_HEADER_VALUE', 'CX webhook header value'),
  cxTimeoutMs: {
    name: 'DIALOGFLOW_CX_TIMEOUT_MS',
    parse: parse.int(1000, 30_000),
    doc: 'CX webhook timeout',
  },
  slackSigningSecret: secret('SLACK_SIGNING_SECRET', 'Slack signing secret'),
  slackBotToken: secret('SLACK_BOT_TOKEN', 'Slack bot token (xoxb-)'),
  slackAppToken: secret('SLACK_APP_TOKEN', 'Slack app token for Socket Mode (xapp-)'),
  slackApiUrl: { name: 'SLACK_API_URL', parse: parse.url, doc: 'Slack Web API base (tests)' },
  slackBotUserId: s('SLACK_BOT_USER_ID', "the bot's own Slack user id"),
  slackBotId: s('SLACK_BOT_ID', "the bot's own Slack bot id"),
  policyFile: s('BOT_POLICY_FILE', 'policy file (YAML/JSON)'),
  auditFile: s('BOT_AUDIT_FILE', 'JSONL audit file'),
  downloadsDir: s('BOT_DOWNLOADS_DIR', 'where export downloads are kept'),
  redisUrl: secret('REDIS_URL', 'Redis for shared sessions'),
} as const

export type BotEnv = EnvValues<typeof BOT_ENV>

/** How the web chat signs people in, resolved from the table. */
export type WebAuthSettings =
  | { mode: 'local-demo' }
  | {
      mode: 'oidc'
      issuer: string
      clientId: string
      clientSecret?: string
      scope?: string
      publicUrl: string
    }
  | { mode: 'iap'; audience: string; jwksUrl?: string }

export interface BotSettings {
  env: BotEnv
  web: WebAuthSettings
  dialogflowEs: WebhookAuth | undefined
  dialogflowCx: WebhookAuth | undefined
  slack: { signingSecret: string; botToken: string } | undefined
}

function webhookAuth(env: BotEnv, which: 'es' | 'cx'): WebhookAuth | undefined {
  const prefix = which === 'es' ? 'DIALOGFLOW_ES' : 'DIALOGFLOW_CX'
  const basic = pair(
    { name: `${prefix}_USERNAME`, value: env[`${which}Username`] },
    { name: `${prefix}_PASSWORD`, value: env[`${which}Password`] },
  )
  const header = pair(
    { name: `${prefix}_HEADER_NAME`, value: env[`${which}HeaderName`] },
    { name: `${prefix}_HEADER_VALUE`, value: env[`${which}HeaderValue`] },
  )
  if (basic && header)
    throw new ConfigError(`Set either ${prefix}_USERNAME/PASSWORD or ${prefix}_HEADER_NAME/VALUE, not both`)
  if (basic) return { type: 'basic', username: basic[0], password: basic[1] }
  if (header) return { type: 'header', name: header[0], value: header[1] }
  return undefined
}

function webAuth(env: BotEnv): WebAuthSettings {
  const mode = env.webAuth ?? (env.oidcIssuer ? 'oidc' : env.iapAudience ? 'iap' : 'local-demo')
  if (mode === 'oidc') {
    if (!env.oidcIssuer || !env.oidcClientId)
      throw new ConfigError('WEB_AUTH=oidc needs OIDC_ISSUER and OIDC_CLIENT_ID')
    if (!env.publicUrl)
      throw new ConfigError(
        'OIDC sign-in needs BOT_PUBLIC_URL (the redirect URI is <BOT_PUBLIC_URL>/auth/callback)',
      )
    return {
      mode,
      issuer: env.oidcIssuer,
      clientId: env.oidcClientId,
      publicUrl: env.publicUrl,
      ...(env.oidcClientSecret ? { clientSecret: env.oidcClientSecret } : {}),
      ...(env.oidcScope ? { scope: env.oidcScope } : {}),
    }
  }
  if (mode === 'iap') {
    if (!env.iapAudience) throw new ConfigError('WEB_AUTH=iap needs IAP_AUDIENCE')
    return { mode, audience: env.iapAudience, ...(env.iapJwksUrl ? { jwksUrl: env.iapJwksUrl } : {}) }
  }
  return { mode }
}

/**
 * Reads and checks the bot's settings.
 * @param options.realAnaplan true when the bot talks to real Anaplan (not the embedded simulator)
 * @param options.servesWeb false for processes without the web chat (the channel functions)
 * @throws {ConfigError} one sentence naming the variable, for bad values and unsafe combinations
 */
export function readBotSettings(
  env: Env,
  options: { realAnaplan: boolean; servesWeb?: boolean },
): BotSettings {
  const values = readEnvTable(BOT_ENV, env)
  if (values.legacyUserHeader) {
    throw new ConfigError(
      'WEB_USER_HEADER is no longer read: an unsigned header is not an identity. Use IAP_AUDIENCE (signed IAP assertions) or OIDC_ISSUER',
    )
  }
  const web = webAuth(values)
  const servesWeb = options.servesWeb ?? true
  if (servesWeb && web.mode !== 'local-demo' && !values.sessionSecret) {
    // Instances must read each other's session cookies, and a restart must not sign everyone out.
    throw new ConfigError(`WEB_AUTH=${web.mode} needs WEB_SESSION_SECRET (the key of the session cookies)`)
  }
  if (servesWeb && web.mode === 'local-demo' && options.realAnaplan && !values.allowLocalDemo) {
    throw new ConfigError(
      'The web chat has no sign-in (local demo mode) and Anaplan is real: set OIDC_ISSUER or IAP_AUDIENCE, or WEB_ALLOW_LOCAL_DEMO=true to run it anyway',
    )
  }
  // Socket Mode (SLACK_APP_TOKEN) needs no signing secret; HTTP mode needs both halves.
  const slack =
    values.slackAppToken && !values.slackSigningSecret
      ? undefined
      : pair(
          { name: 'SLACK_SIGNING_SECRET', value: values.slackSigningSecret },
          { name: 'SLACK_BOT_TOKEN', value: values.slackBotToken },
        )
  return {
    env: values,
    web,
    dialogflowEs: webhookAuth(values, 'es'),
    dialogflowCx: webhookAuth(values, 'cx'),
    slack: slack ? { signingSecret: slack[0], botToken: slack[1] } : undefined,
  }
}
