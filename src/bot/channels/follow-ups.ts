import type { Bot, Message, Notification } from '../core/types.ts'

/**
 * The messages a push channel (SSE, Slack, terminal) delivers for a follow-up: older follow-ups that
 * were queued in the session's outbox because nobody could push them then, followed by this one.
 * The listener then returns `true` so the core does not queue this one for the next reply.
 */
export async function claimFollowUp(bot: Bot, n: Notification): Promise<Message[]> {
  const older = await bot.drainPending(n.sessionId)
  return [...older, ...n.messages]
}
