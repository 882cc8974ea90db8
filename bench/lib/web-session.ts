/**
 * Signs a benchmark in to a bot server's web chat as its page does (local demo mode): the session
 * cookie and CSRF token from `/api/session`, sent with the page's Origin. Without them `/api/chat`
 * and `/api/nlu` answer 403, as they must for a script that is not the page.
 */
import { webClient } from '../../test/support/api-chat.ts'

export function webHeaders(botUrl: string): Promise<Record<string, string>> {
  return webClient({ request: (p, init) => fetch(`${botUrl}${p}`, init) }, botUrl).headers()
}
