import type { Bot, Message, Notification } from '../core/types.ts'

/**
 * Takes a follow-up for delivery by a push channel (SSE, Slack, terminal). The core also keeps
 * every follow-up in the session's outbox for channels that cannot push (Dialogflow), and shows
 * that outbox at the start of the next reply; draining it here keeps a pushed message from being
 * repeated there. Older follow-ups still waiting in the outbox come along, in order.
 */
export async function claimFollowUp(bot: Bot, n: Notification): Promise<Message[]> {
  const drained = await bot.drainPending(n.sessionId)
  return drained.length > 0 ? drained : n.messages
}
