/**
 * Channels that cannot send a button click (Dialogflow chips, a terminal) get the user's answer to a
 * choice as text: a number ("2") or the option's label. This maps it back to the option's value.
 */

export interface ChoiceOption {
  label: string
  value: string
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** Returns the chosen option's value when `text` is its 1-based number or its label, else undefined. */
export function matchChoice(text: string, options: readonly ChoiceOption[]): string | undefined {
  const trimmed = text.trim()
  if (/^\d{1,3}$/.test(trimmed)) {
    const picked = options[Number(trimmed) - 1]
    if (picked) return picked.value
  }
  const wanted = normalise(trimmed)
  if (wanted === '') return undefined
  const hit = options.find((o) => normalise(o.label) === wanted || normalise(o.value) === wanted)
  if (hit) return hit.value
  // Quick replies cut labels to 20 characters; the cut label still names one option.
  if (wanted.length < 8) return undefined
  const prefixed = options.filter((o) => normalise(o.label).startsWith(wanted))
  return prefixed.length === 1 ? prefixed[0]?.value : undefined
}

/** The options of the last `choices` message of a reply, for the next turn's {@link matchChoice}. */
export function lastChoices(messages: readonly { type: string }[]): ChoiceOption[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { type: string; options?: ChoiceOption[] }
    if (m.type === 'choices' && m.options) return m.options.map((o) => ({ label: o.label, value: o.value }))
  }
  return []
}
