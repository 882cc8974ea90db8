/**
 * Posts turns to a bot server's `/api/chat` in-process (`app.request`, no socket), as the web chat
 * does, and reads the words of a reply. Shared by the conversation tests and the benchmark stack.
 */
import type { BotReply, Message } from '../../src/bot/core/types.ts'

export interface RequestableApp {
  request(path: string, init: RequestInit): Response | Promise<Response>
}

/** Returns `chat(sessionId, text | {choice}, user?)`, which throws unless the server answers 200. */
export function apiChat(app: RequestableApp) {
  return async (sessionId: string, input: string | { choice: string }, user?: string): Promise<BotReply> => {
    const body = {
      sessionId,
      ...(typeof input === 'string' ? { text: input } : input),
      ...(user ? { user } : {}),
    }
    const res = await app.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (res.status !== 200) throw new Error(`/api/chat answered ${res.status}: ${await res.text()}`)
    return (await res.json()) as BotReply
  }
}

/** All text of a reply's messages (text, choice prompts, table titles), for word assertions. */
export function replyText(reply: { messages: Message[] } | Message[]): string {
  const messages = Array.isArray(reply) ? reply : reply.messages
  return messages
    .map((m) =>
      m.type === 'text'
        ? m.text
        : m.type === 'choices'
          ? (m.prompt ?? '')
          : m.type === 'table'
            ? (m.title ?? '')
            : '',
    )
    .join('\n')
}
