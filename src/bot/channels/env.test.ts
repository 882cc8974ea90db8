import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../shared/logger.ts'
import { channelOptionsFromEnv } from './env.ts'
import { readBotSettings } from './settings.ts'

describe('channelOptionsFromEnv', () => {
  it('reads webhook auth, Slack and the public URL, and masks the secrets in logs', () => {
    const opts = channelOptionsFromEnv({
      DIALOGFLOW_ES_USERNAME: 'dialogflow',
      DIALOGFLOW_ES_PASSWORD: 'es-password-123',
      DIALOGFLOW_CX_HEADER_NAME: 'x-cx-key',
      DIALOGFLOW_CX_HEADER_VALUE: 'cx-value-456',
      DIALOGFLOW_CX_TIMEOUT_MS: '12000',
      SLACK_SIGNING_SECRET: 'slack-signing-789',
      SLACK_BOT_TOKEN: 'xoxb-slack-token-0',
      BOT_PUBLIC_URL: 'https://bot.example.com/',
    })
    expect(opts.dialogflowEs).toEqual({
      auth: { type: 'basic', username: 'dialogflow', password: 'es-password-123' },
      publicUrl: 'https://bot.example.com',
    })
    expect(opts.dialogflowCx).toEqual({
      auth: { type: 'header', name: 'x-cx-key', value: 'cx-value-456' },
      publicUrl: 'https://bot.example.com',
      timeoutMs: 12000,
    })
    expect(opts.slack).toMatchObject({ signingSecret: 'slack-signing-789', botToken: 'xoxb-slack-token-0' })
    expect(opts.web.auth?.mode).toBe('local-demo')
    expect(redactSecrets('es-password-123 cx-value-456 slack-signing-789 xoxb-slack-token-0')).toBe(
      '[REDACTED] [REDACTED] [REDACTED] [REDACTED]',
    )
  })

  it('serves no webhook without caller auth, and says so in one line each', () => {
    const lines: string[] = []
    const logger = { info: (m: string) => lines.push(m) } as unknown as Parameters<
      typeof channelOptionsFromEnv
    >[1]
    const opts = channelOptionsFromEnv({}, logger)
    expect(opts).toMatchObject({ dialogflowEs: false, dialogflowCx: false })
    expect(opts.slack).toBeUndefined()
    expect(lines).toEqual([
      expect.stringMatching(
        /^Dialogflow ES webhook not served: no caller authentication \(set DIALOGFLOW_ES_/,
      ),
      expect.stringMatching(
        /^Dialogflow CX webhook not served: no caller authentication \(set DIALOGFLOW_CX_/,
      ),
    ])
  })

  it('refuses a CX timeout outside what CX allows', () => {
    expect(() => channelOptionsFromEnv({ DIALOGFLOW_CX_TIMEOUT_MS: '60000' })).toThrow(/1000 to 30000/)
    expect(() => channelOptionsFromEnv({ DIALOGFLOW_CX_TIMEOUT_MS: 'soon' })).toThrow(/1000 to 30000/)
  })
})

describe('readBotSettings: unsafe combinations are refused in one place', () => {
  const real = { realAnaplan: true }
  it('refuses the local demo sign-in against real Anaplan unless explicitly allowed', () => {
    expect(() => readBotSettings({}, real)).toThrow(/WEB_ALLOW_LOCAL_DEMO=true/)
    expect(readBotSettings({ WEB_ALLOW_LOCAL_DEMO: 'true' }, real).web).toEqual({ mode: 'local-demo' })
    expect(readBotSettings({}, { realAnaplan: false }).web).toEqual({ mode: 'local-demo' })
    // The channel functions serve no web chat: the check is not theirs.
    expect(readBotSettings({}, { realAnaplan: true, servesWeb: false }).web.mode).toBe('local-demo')
  })

  it('refuses an empty or missing half of a credential pair, naming it', () => {
    const env = { WEB_ALLOW_LOCAL_DEMO: 'true', DIALOGFLOW_ES_USERNAME: 'df', DIALOGFLOW_ES_PASSWORD: ' ' }
    expect(() => readBotSettings(env, real)).toThrow(
      'DIALOGFLOW_ES_PASSWORD is required when DIALOGFLOW_ES_USERNAME is set',
    )
    expect(() => readBotSettings({ SLACK_BOT_TOKEN: 'xoxb-1' }, { realAnaplan: false })).toThrow(
      'SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set',
    )
  })

  it('reads OIDC and IAP sign-in, which need a session secret and (OIDC) the public URL', () => {
    const oidc = { OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'bot' }
    expect(() => readBotSettings(oidc, real)).toThrow(/BOT_PUBLIC_URL/)
    expect(() => readBotSettings({ ...oidc, BOT_PUBLIC_URL: 'https://bot.example.com' }, real)).toThrow(
      /WEB_SESSION_SECRET/,
    )
    const ok = readBotSettings(
      { ...oidc, BOT_PUBLIC_URL: 'https://bot.example.com', WEB_SESSION_SECRET: 'cookie-key-0123456789' },
      real,
    )
    expect(ok.web).toEqual({
      mode: 'oidc',
      issuer: 'https://id.example.com',
      clientId: 'bot',
      publicUrl: 'https://bot.example.com',
    })
    const iap = readBotSettings(
      { IAP_AUDIENCE: '/projects/1/global/backendServices/2', WEB_SESSION_SECRET: 'k' },
      real,
    )
    expect(iap.web).toEqual({ mode: 'iap', audience: '/projects/1/global/backendServices/2' })
    expect(redactSecrets('cookie-key-0123456789')).toBe('[REDACTED]')
  })

  it('refuses the unsigned WEB_USER_HEADER it used to trust', () => {
    expect(() =>
      readBotSettings({ WEB_USER_HEADER: 'x-goog-authenticated-user-email' }, { realAnaplan: false }),
    ).toThrow(/no longer read: an unsigned header is not an identity/)
  })
})
