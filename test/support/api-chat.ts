/**
 * Posts turns to a bot server's `/api/chat` in-process (`app.request`, no socket), as the web chat
 * does: it fetches `/api/session` first and sends the session cookie, the page's Origin and the
 * CSRF token back. Shared by the conversation tests and the benchmark stack.
 */

import type { WebAuthenticator, WebPrincipal } from '../../src/bot/channels/web/principal.ts'
import type { BotReply, Message } from '../../src/bot/core/types.ts'

export interface RequestableApp {
  request(path: string, init: RequestInit): Response | Promise<Response>
}

/** The header {@link testUserAuthenticator} takes the user from. */
export const TEST_USER_HEADER = 'x-test-user'

/**
 * Test-only sign-in standing in for a verified provider, so conversation tests can speak as several
 * users: the user named by `x-test-user`, else `web-guest`. Never used outside tests.
 */
export function testUserAuthenticator(): WebAuthenticator {
  return {
    mode: 'custom',
    fromRequest: async (req: Request) => testPrincipal(req.headers.get(TEST_USER_HEADER) ?? undefined),
  }
}

/** The principal {@link testUserAuthenticator} makes of `user`. */
export function testPrincipal(user = 'web-guest'): WebPrincipal {
  return { issuer: 'test', subject: user, userId: user, displayName: user, via: 'local-demo' }
}

export interface WebClient {
  /** Headers of a signed-in page (cookie, Origin, CSRF token) for `user`. */
  headers(user?: string): Promise<Record<string, string>>
}

/** A browser stand-in: one session cookie and CSRF token per user, fetched on first use. */
export function webClient(app: RequestableApp, origin = 'http://localhost'): WebClient {
  const sessions = new Map<string, Promise<Record<string, string>>>()
  return {
    headers(user?: string) {
      const key = user ?? ''
      let s = sessions.get(key)
      if (!s) {
        s = (async () => {
          const who: Record<string, string> = user ? { [TEST_USER_HEADER]: user } : {}
          const res = await app.request('/api/session', { headers: who })
          if (res.status !== 200) throw new Error(`/api/session answered ${res.status}: ${await res.text()}`)
          const { csrfToken } = (await res.json()) as { csrfToken: string }
          const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
          return { ...who, cookie, origin, 'x-csrf-token': csrfToken }
        })()
        sessions.set(key, s)
      }
      return s
    },
  }
}

/** Returns `chat(sessionId, text | {choice}, user?)`, which throws unless the server answers 200. */
export function apiChat(app: RequestableApp, client: WebClient = webClient(app)) {
  return async (sessionId: string, input: string | { choice: string }, user?: string): Promise<BotReply> => {
    const body = { sessionId, ...(typeof input === 'string' ? { text: input } : input) }
    const res = await app.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await client.headers(user)) },
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
