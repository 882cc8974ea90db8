/**
 * A scripted stand-in for the bot core, implementing the `Bot` contract, so channel tests check the
 * adapters' wire formats without depending on NLU results. It records every turn it receives.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signSlackRequest } from '../../src/bot/channels/slack/verify.ts'
import type { Bot, BotReply, Message, Notification, Turn } from '../../src/bot/core/types.ts'

type Listener = Parameters<Bot['subscribe']>[0]

export class ScriptedBot implements Bot {
  readonly turns: Turn[] = []
  readonly pending = new Map<string, Message[]>()
  readonly #listeners = new Set<Listener>()
  /** Extra time `process` takes, for deadline tests. */
  delayMs = 0

  /**
   * Like the core: answers by the turn's deadline, with "still working" when `delayMs` would miss
   * it, and delivers the real reply later (the turn's `deliverLate`, the listeners, else pending).
   */
  async process(turn: Turn): Promise<BotReply> {
    this.turns.push(turn)
    const work = this.#compute(turn)
    const left = turn.deadline === undefined ? Number.POSITIVE_INFINITY : turn.deadline - 100 - Date.now()
    if (this.delayMs === 0 || this.delayMs <= left) return work
    await new Promise((r) => setTimeout(r, Math.max(0, left)))
    void work.then(async (reply) => {
      if (await turn.deliverLate?.(reply.messages)) return
      if (await this.notify({ sessionId: turn.sessionId, identity: turn.identity, messages: reply.messages }))
        return
      this.pending.set(turn.sessionId, [...(this.pending.get(turn.sessionId) ?? []), ...reply.messages])
    })
    return {
      sessionId: turn.sessionId,
      intent: { name: 'fallback', confidence: 0 },
      parameters: {},
      messages: [{ type: 'text', text: 'Still working on it…' }],
      stillWorking: true,
    }
  }

  async #compute(turn: Turn): Promise<BotReply> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs))
    const text = turn.text ?? ''
    const intent = turn.recognized?.intent ?? (turn.choice ? 'choice' : text.split(' ')[0] || 'fallback')
    const messages: Message[] = []
    if (turn.choice) messages.push({ type: 'text', text: `You chose ${turn.choice}.` })
    else if (text.includes('table')) {
      messages.push({
        type: 'table',
        title: 'Revenue by Region',
        columns: ['Region', 'Jan 26', 'Feb 26'],
        rows: [
          ['North America', '1,200', '1,300'],
          ['EMEA', '900', '950'],
        ],
      })
      messages.push({
        type: 'chart',
        kind: 'line',
        title: 'Revenue by Region',
        labels: ['Jan 26', 'Feb 26'],
        series: [{ name: 'EMEA', values: [900, 950] }],
      })
    } else if (text.includes('big')) {
      const rows = Array.from({ length: 3000 }, (_, i) => [`Item ${i}`, 'x'.repeat(40), String(i)])
      messages.push({ type: 'table', columns: ['Item', 'Note', 'Value'], rows })
    } else if (text.includes('choose')) {
      messages.push({
        type: 'choices',
        prompt: 'Which view?',
        options: [
          { label: 'Revenue by Region', value: 'view:Revenue by Region' },
          { label: 'Units by Product', value: 'view:Units by Product' },
        ],
      })
    } else if (text.includes('confirm')) {
      messages.push({ type: 'text', text: 'Set Units to 500?' })
      messages.push({
        type: 'choices',
        options: [
          { label: 'Yes, do it', value: 'confirm' },
          { label: 'No, cancel', value: 'deny' },
        ],
      })
    } else if (text.includes('file')) {
      messages.push({ type: 'file', name: 'Revenue Export.csv', url: '/downloads/abc123', size: 42 })
    } else {
      messages.push({ type: 'text', text: `echo: ${text}` })
    }
    // Like the core: follow-ups nobody pushed come first in the next reply.
    const queued = await this.drainPending(turn.sessionId)
    messages.unshift(...queued)
    return {
      sessionId: turn.sessionId,
      intent: { name: intent, confidence: turn.recognized?.confidence ?? 0.9 },
      parameters: turn.recognized?.parameters ?? {},
      messages,
    }
  }

  async understand(
    text: string,
  ): Promise<{ intent: { name: string; confidence: number }; parameters: Record<string, unknown> }> {
    return { intent: { name: text.split(' ')[0] ?? 'fallback', confidence: 0.8 }, parameters: { text } }
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Like the core: returns whether any listener delivered the messages itself. */
  async notify(n: Notification): Promise<boolean> {
    let delivered = false
    for (const l of this.#listeners) if ((await l(n)) === true) delivered = true
    return delivered
  }

  async drainPending(sessionId: string): Promise<Message[]> {
    const list = this.pending.get(sessionId) ?? []
    this.pending.delete(sessionId)
    return list
  }

  async close(): Promise<void> {}
}

export interface ApiCall {
  method: string
  auth: string | undefined
  args: Record<string, unknown>
}

/** A fake Slack Web API on loopback: records calls and answers like Slack does. */
export class FakeSlackApi {
  readonly calls: ApiCall[] = []
  server: Server | undefined
  url = ''
  #waiters: (() => void)[] = []

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = ''
      req.on('data', (c) => {
        raw += c
      })
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? ''
        const type = req.headers['content-type'] ?? ''
        let args: Record<string, unknown> = {}
        if (type.includes('json')) args = JSON.parse(raw || '{}')
        else {
          for (const [k, v] of new URLSearchParams(raw)) {
            args[k] = v.startsWith('[') || v.startsWith('{') ? JSON.parse(v) : v
          }
        }
        this.calls.push({ method, auth: req.headers.authorization, args })
        res.setHeader('content-type', 'application/json')
        if (method === 'auth.test') {
          res.end(
            JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'anaplan' }),
          )
        } else {
          res.end(JSON.stringify({ ok: true, channel: args.channel, ts: '1700000000.000100' }))
        }
        for (const w of this.#waiters.splice(0)) w()
      })
    })
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`
  }

  posts(): ApiCall[] {
    return this.calls.filter((c) => c.method === 'chat.postMessage')
  }

  async waitForPosts(n: number): Promise<ApiCall[]> {
    while (this.posts().length < n) await new Promise<void>((r) => this.#waiters.push(r))
    return this.posts()
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise((r) => this.server?.close(r))
  }
}

/** Signs a Slack request body the way Slack does, for `app.request('/slack/events', …)`. */
export function slackRequestInit(
  body: string,
  contentType: string,
  secret: string,
  nowMs = Date.now(),
): RequestInit {
  const ts = Math.floor(nowMs / 1000)
  return {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(secret, ts, body),
    },
    body,
  }
}
