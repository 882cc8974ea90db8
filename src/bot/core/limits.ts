/**
 * Input limits the core enforces for every channel before any understanding work, so one message
 * cannot occupy the process (web, Slack, Dialogflow, the terminal and `/api/nlu` alike).
 */
import { BotError } from './errors.ts'
import type { Turn } from './types.ts'

/** Longest message text the bot reads, in characters (a long planning question is a few hundred). */
export const MAX_TEXT_LENGTH = 2000
/** Longest choice value accepted (ours encode an intent and a few names; Slack caps values at 2,000). */
export const MAX_CHOICE_LENGTH = 4000

/** The sentence that refuses a message over the limit. */
export function tooLongText(length: number): string {
  return `That message is too long for me (${length.toLocaleString('en-US')} characters; the limit is ${MAX_TEXT_LENGTH.toLocaleString('en-US')}). Please send a shorter one.`
}

/** Why the turn's input is refused before any work, or undefined when it is within the limits. */
export function inputRefusal(turn: Pick<Turn, 'text' | 'choice'>): string | undefined {
  if (turn.text !== undefined && turn.text.length > MAX_TEXT_LENGTH) return tooLongText(turn.text.length)
  if (turn.choice !== undefined && turn.choice.length > MAX_CHOICE_LENGTH)
    return "That choice is not one I offered; please pick again from the bot's latest message."
  return undefined
}

/** Throws `invalid_input` for text over the limit (for `understand`, which has no reply to carry words). */
export function checkTextLength(text: string): void {
  if (text.length > MAX_TEXT_LENGTH) throw new BotError('invalid_input', tooLongText(text.length))
}
