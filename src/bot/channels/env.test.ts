import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../shared/logger.ts'
import { channelOptionsFromEnv } from './env.ts'

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
      WEB_USER_HEADER: 'x-goog-authenticated-user-email',
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
    expect(opts.web).toEqual({ userHeader: 'x-goog-authenticated-user-email' })
    expect(redactSecrets('es-password-123 cx-value-456 slack-signing-789 xoxb-slack-token-0')).toBe(
      '[REDACTED] [REDACTED] [REDACTED] [REDACTED]',
    )
  })

  it('leaves Slack off and webhooks open when nothing is set', () => {
    expect(channelOptionsFromEnv({})).toEqual({ dialogflowEs: {}, dialogflowCx: {} })
  })

  it('refuses a CX timeout outside what CX allows', () => {
    expect(() => channelOptionsFromEnv({ DIALOGFLOW_CX_TIMEOUT_MS: '60000' })).toThrow(/1000 to 30000/)
    expect(() => channelOptionsFromEnv({ DIALOGFLOW_CX_TIMEOUT_MS: 'soon' })).toThrow(/1000 to 30000/)
  })
})
