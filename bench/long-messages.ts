/**
 * Long messages (issue 11): a 20,000-character message on every channel (web `/api/chat`,
 * `/api/nlu`, Slack events, Dialogflow ES and CX webhooks, each with its real caller
 * authentication) must get a clear refusal; records the bot's CPU per message (from the bot
 * process) and `GET /healthz` latency while 50 such messages arrive at once.
 */

import { signSlackRequest } from '../src/bot/channels/index.ts'
import { cxRequest, esRequest, FakeSlackApi, slackEvent } from './lib/channels.ts'
import { type BotProcess, startBotProcess, startSimulatorProcess } from './lib/processes.ts'
import { type BenchResult, goal, machine, percentile, round } from './lib/report.ts'
import { webHeaders } from './lib/web-session.ts'

export interface LongMessagesOptions {
  /** Messages per channel for the CPU figure. @default 10 */
  perChannel?: number
  /** Messages in the burst during which /healthz is polled. @default 50 */
  burst?: number
  /** @default 20000 */
  length?: number
}

const SLACK_SECRET = 'bench-signing-secret'
const ES_AUTH = { type: 'basic', username: 'dialogflow', password: 'bench-es-password' } as const
const CX_AUTH = { type: 'header', name: 'x-webhook-key', value: 'bench-cx-key' } as const

/** The worst case of issue 11: one long token of digits and dots. */
export function longText(length: number): string {
  return '1.'.repeat(Math.ceil(length / 2)).slice(0, length)
}

/** A refusal: a 4xx with a JSON body, or a reply that says the message is too long. */
const REFUSAL = /too long|characters|shorter|limit|too large/i

/** A message not answered in this long counts as not refused (the bot is stuck on it). */
const ANSWER_TIMEOUT_MS = 10_000

interface Sent {
  /** 0 when no answer came within {@link ANSWER_TIMEOUT_MS}. */
  status: number
  /** What the caller is told (the JSON error, the reply text, or the Slack post). */
  answer: string
}

type Channel = 'web' | 'nlu' | 'slack' | 'dialogflow-es' | 'dialogflow-cx'
const CHANNELS: Channel[] = ['web', 'nlu', 'slack', 'dialogflow-es', 'dialogflow-cx']

function sender(botUrl: string, slack: FakeSlackApi) {
  let n = 0
  // The web routes need the page's sign-in, or they answer 403 before the length is even looked at.
  const signedIn = webHeaders(botUrl)
  const json = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const web = path.startsWith('/api/') ? await signedIn : {}
    const res = await fetch(`${botUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...web, ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    })
    return { status: res.status, answer: await res.text() }
  }
  return (channel: Channel, text: string): Promise<Sent> =>
    sendOne(channel, text).catch(() => ({ status: 0, answer: `no answer within ${ANSWER_TIMEOUT_MS} ms` }))
  async function sendOne(channel: Channel, text: string): Promise<Sent> {
    const i = ++n
    switch (channel) {
      case 'web':
        return json('/api/chat', { sessionId: `long-${i}`, text })
      case 'nlu':
        return json('/api/nlu', { text })
      case 'dialogflow-es': {
        const basic = Buffer.from(`${ES_AUTH.username}:${ES_AUTH.password}`).toString('base64')
        return json('/dialogflow/es', esRequest(text, { session: `long-${i}` }), {
          authorization: `Basic ${basic}`,
        })
      }
      case 'dialogflow-cx':
        return json('/dialogflow/cx', cxRequest(text, { session: `long-${i}` }), {
          [CX_AUTH.name]: CX_AUTH.value,
        })
      case 'slack': {
        const channelId = `CLONG${i}`
        const body = slackEvent(text, { channel: channelId })
        const ts = Math.floor(Date.now() / 1000)
        const res = await fetch(`${botUrl}/slack/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': signSlackRequest(SLACK_SECRET, ts, body),
          },
          body,
          signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
        })
        await res.arrayBuffer()
        // The answer is posted to the channel after the acknowledgement.
        const posts = res.status === 200 ? await slack.waitForPosts(1, ANSWER_TIMEOUT_MS, channelId) : []
        return { status: res.status, answer: posts.join('\n') }
      }
    }
  }
}

function refused(s: Sent): boolean {
  if (s.status >= 400 && s.status < 500) return s.answer.trim().startsWith('{')
  return s.status === 200 && REFUSAL.test(s.answer)
}

export async function longMessages(options: LongMessagesOptions = {}): Promise<BenchResult> {
  const perChannel = options.perChannel ?? 10
  const burst = options.burst ?? 50
  const length = options.length ?? 20_000
  const text = longText(length)
  const started = performance.now()
  const slack = new FakeSlackApi()
  await slack.start()
  const sim = await startSimulatorProcess({ latencyMs: 0 })
  let bot: BotProcess | undefined
  try {
    const start = async () => {
      const b = await startBotProcess({
        simulatorUrl: sim.url,
        server: {
          slack: {
            signingSecret: SLACK_SECRET,
            botToken: 'xoxb-bench',
            apiUrl: slack.url,
            botUserId: 'UBOT',
            botId: 'BBOT',
          },
          dialogflowEs: { auth: ES_AUTH },
          dialogflowCx: { auth: CX_AUTH },
        },
      })
      // Warm every route with a short message first, so the figures are not the first request's.
      const warm = sender(b.url, slack)
      for (const c of CHANNELS) await warm(c, 'hello')
      return b
    }
    bot = await start()
    const perChannelResult: Record<string, unknown> = {}
    let worstCpu = 0
    let refusedChannels = 0
    const stuck: Channel[] = []
    for (const c of CHANNELS) {
      const send = sender(bot.url, slack)
      const before = await bot.cpuUsage()
      const answers: Sent[] = []
      for (let i = 0; i < perChannel; i++) {
        const a = await send(c, text)
        answers.push(a)
        if (a.status === 0) break
      }
      const first = answers[0] as Sent
      if (answers.some((a) => a.status === 0)) {
        // The bot is busy with the message for longer than a user waits: count it, start afresh.
        stuck.push(c)
        worstCpu = Math.max(worstCpu, ANSWER_TIMEOUT_MS)
        perChannelResult[c] = { status: 0, refused: false, answer: first.answer, cpuMsPerMessage: null }
        await bot.close()
        bot = await start()
        continue
      }
      const after = await bot.cpuUsage()
      const cpu = (after.user + after.system - before.user - before.system) / 1000 / perChannel
      worstCpu = Math.max(worstCpu, cpu)
      const allRefused = answers.every(refused)
      if (allRefused) refusedChannels++
      perChannelResult[c] = {
        status: first.status,
        refused: allRefused,
        answer: first.answer.replace(/\s+/g, ' ').slice(0, 160),
        cpuMsPerMessage: round(cpu, 3),
      }
    }
    const botUrl = bot.url
    const send = sender(botUrl, slack)
    // /healthz polled every 10 ms while the burst arrives on all channels at once.
    const health: number[] = []
    let done = false
    const poll = (async () => {
      while (!done) {
        const t0 = performance.now()
        try {
          await (
            await fetch(`${botUrl}/healthz`, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) })
          ).arrayBuffer()
        } catch {
          // Counted at the time it waited: a stalled /healthz is the figure.
        }
        health.push(performance.now() - t0)
        await new Promise((r) => setTimeout(r, 10))
      }
    })()
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: burst }, (_, i) => send(CHANNELS[i % CHANNELS.length] as Channel, text)),
    )
    const burstMs = performance.now() - t0
    done = true
    await poll
    const p95 = percentile(health, 95)
    return {
      name: 'long-messages',
      description: `a ${length.toLocaleString('en-US')}-character message on every channel: refusal, bot CPU per message, /healthz during a burst of ${burst}`,
      machine: machine(),
      parameters: { length, perChannel, burst, text: `"1." repeated (${length} characters)` },
      project: {
        perChannel: perChannelResult,
        worstCpuMsPerMessage: round(worstCpu, 3),
        refusedChannels,
        ...(stuck.length ? { noAnswerWithin10s: stuck } : {}),
        burstMs: round(burstMs, 1),
        healthzDuringBurstMs: {
          samples: health.length,
          p50: round(percentile(health, 50), 2),
          p95: round(p95, 2),
          max: round(Math.max(...health), 2),
        },
      },
      baseline: {},
      goals: [
        goal('channels answering with a clear refusal', refusedChannels, '>=', CHANNELS.length),
        goal('bot CPU per long message, worst channel (ms)', worstCpu, '<', 50),
        goal('/healthz p95 while the burst arrives (ms)', p95, '<=', 100),
      ],
      notes: [
        'A refusal is a 4xx with a JSON body, or a 200 whose reply (for Slack, the message posted back) says the message is too long. Each channel uses its real caller authentication: Slack signatures, Basic auth on the ES webhook, a header key on CX.',
        'CPU is the bot process’s process.cpuUsage() over the messages of one channel, divided by their number (for Slack, until the reply is posted). The /healthz goal is ours: the issue asks that it stays responsive.',
        `A channel whose message got no answer within ${ANSWER_TIMEOUT_MS / 1000} s counts as not refused, its CPU as at least ${ANSWER_TIMEOUT_MS} ms, and the bot process is restarted for the next channel.`,
      ],
      durationMs: Math.round(performance.now() - started),
    }
  } finally {
    await bot?.close()
    await sim.close()
    await slack.close()
  }
}
