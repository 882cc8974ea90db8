import type { Server } from 'node:http'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signSlackRequest } from '../../src/bot/channels/index.ts'
import { createBotFunction } from '../../src/functions/bot-functions.ts'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { serveWithFramework, simEnv, simRuntime, simStats, startSim } from './functions-helpers.ts'

const SIGNING_SECRET = 'slack-signing-secret-for-tests-8d2f'
const WEBHOOK = { username: 'dialogflow', password: 'webhook-password-5b7a' }
const basic = `Basic ${Buffer.from(`${WEBHOOK.username}:${WEBHOOK.password}`).toString('base64')}`

let sim: RunningSimulator
let es: Server
let cx: Server
let slack: Server

beforeAll(async () => {
  sim = await startSim()
  const env = simEnv(sim, {
    DIALOGFLOW_ES_USERNAME: WEBHOOK.username,
    DIALOGFLOW_ES_PASSWORD: WEBHOOK.password,
    DIALOGFLOW_CX_USERNAME: WEBHOOK.username,
    DIALOGFLOW_CX_PASSWORD: WEBHOOK.password,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token-0000',
    SLACK_BOT_USER_ID: 'UBOT',
    SLACK_BOT_ID: 'BBOT',
    // A shared key is configured, yet the bot endpoints verify their callers themselves.
    FUNCTION_SHARED_KEY: 'not-used-by-bot-endpoints',
  })
  // One runtime for the three, as one instance would have: one Anaplan session for all channels.
  const runtime = simRuntime(env)
  es = serveWithFramework('dialogflowWebhook', createBotFunction('dialogflowWebhook', runtime, { env }))
  cx = serveWithFramework('dialogflowCxWebhook', createBotFunction('dialogflowCxWebhook', runtime, { env }))
  slack = serveWithFramework('slackEvents', createBotFunction('slackEvents', runtime, { env }))
})
afterAll(async () => {
  await sim?.close()
})

function esRequest(queryText: string, displayName: string) {
  const session = 'projects/anaplan-demo/agent/sessions/fn-test-1'
  return {
    responseId: 'ea3d77e8-ae27-41a4-9e1d-174bd461b68c-e0e4a3c5',
    session,
    queryResult: {
      queryText,
      parameters: {},
      allRequiredParamsPresent: true,
      fulfillmentText: '',
      fulfillmentMessages: [{ text: { text: [''] } }],
      outputContexts: [],
      intent: { name: 'projects/anaplan-demo/agent/intents/0c7b3e8d', displayName },
      intentDetectionConfidence: 0.92,
      languageCode: 'en',
    },
    originalDetectIntentRequest: { source: 'DIALOGFLOW_CONSOLE', payload: {} },
  }
}

describe('bot functions under the Functions Framework', () => {
  it('dialogflowWebhook answers an ES fulfillment request with Anaplan data', async () => {
    const res = await request(es)
      .post('/')
      .set('authorization', basic)
      .send(esRequest('which models can I use?', 'list_models'))
    expect(res.status).toBe(200)
    expect(res.body.fulfillmentText).toContain('Sales Forecast')
  })

  it('dialogflowWebhook refuses a caller without the webhook credentials', async () => {
    const res = await request(es).post('/').send(esRequest('which models can I use?', 'list_models'))
    expect(res.status).toBe(401)
  })

  it('dialogflowCxWebhook answers a CX webhook request', async () => {
    const res = await request(cx)
      .post('/')
      .set('authorization', basic)
      .send({
        detectIntentResponseId: '3f1a-cx',
        intentInfo: {
          lastMatchedIntent: 'projects/p/locations/global/agents/a/intents/i',
          displayName: 'list_models',
          parameters: {},
          confidence: 0.9,
        },
        pageInfo: {
          currentPage: 'projects/p/locations/global/agents/a/flows/f/pages/START_PAGE',
          displayName: 'Start Page',
        },
        sessionInfo: { session: 'projects/p/locations/global/agents/a/sessions/fn-cx-1', parameters: {} },
        fulfillmentInfo: { tag: 'list_models' },
        text: 'which models can I use?',
        languageCode: 'en',
      })
    expect(res.status).toBe(200)
    expect(JSON.stringify(res.body.fulfillmentResponse.messages)).toContain('Sales Forecast')
  })

  it('slackEvents verifies the signature over the exact bytes Slack sent', async () => {
    // Pretty-printed JSON: re-serialising the parsed body would change the bytes and the signature.
    const body = JSON.stringify(
      { token: 't', challenge: 'challenge-7Hk2', type: 'url_verification' },
      null,
      2,
    )
    const ts = Math.floor(Date.now() / 1000)
    const ok = await request(slack)
      .post('/slack/events')
      .set('content-type', 'application/json')
      .set('x-slack-request-timestamp', String(ts))
      .set('x-slack-signature', signSlackRequest(SIGNING_SECRET, ts, body))
      .send(body)
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ challenge: 'challenge-7Hk2' })

    const forged = await request(slack)
      .post('/slack/events')
      .set('content-type', 'application/json')
      .set('x-slack-request-timestamp', String(ts))
      .set('x-slack-signature', signSlackRequest('another-secret', ts, body))
      .send(body)
    expect(forged.status).toBe(401)
    expect(forged.text).not.toContain('challenge-7Hk2')
  })

  it('shares one Anaplan authentication across the channels of an instance', async () => {
    expect((await simStats(sim)).auth.authenticate).toBe(1)
  })

  it('slackEvents without its secrets answers a JSON 500 naming what is missing', async () => {
    const env = simEnv(sim)
    const server = serveWithFramework(
      'slackEventsUnconfigured',
      createBotFunction('slackEvents', simRuntime(env), { env }),
    )
    const res = await request(server).post('/').send({ type: 'url_verification', challenge: 'x' })
    expect(res.status).toBe(500)
    expect(res.body.error.message).toMatch(/SLACK_SIGNING_SECRET/)
  })
})
