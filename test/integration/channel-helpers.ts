/**
 * A scripted stand-in for the bot core, implementing the `Bot` contract, so channel tests check the
 * adapters' wire formats without depending on NLU results. It records every turn it receives.
 */
import type { Bot, BotReply, Message, Notification, Turn } from '../../src/bot/core/types.ts'

export class ScriptedBot implements Bot {
  readonly turns: Turn[] = []
  readonly pending = new Map<string, Message[]>()
  readonly #listeners = new Set<(n: Notification) => void | Promise<void>>()
  /** Extra time `process` takes, for deadline tests. */
  delayMs = 0

  async process(turn: Turn): Promise<BotReply> {
    this.turns.push(turn)
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

  subscribe(listener: (n: Notification) => void | Promise<void>): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async notify(n: Notification): Promise<void> {
    for (const l of this.#listeners) await l(n)
  }

  async drainPending(sessionId: string): Promise<Message[]> {
    const list = this.pending.get(sessionId) ?? []
    this.pending.delete(sessionId)
    return list
  }

  async close(): Promise<void> {}
}
