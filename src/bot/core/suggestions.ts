/**
 * Questions the web chat offers on its first screen, built from the names of the model the user is
 * connected to (or of the models they can open), so each one works on this tenant as written.
 */
import type { Vocabulary } from '../nlu/vocabulary.ts'

/** At most `max` questions: connect to a model, or show a view, read a figure, list the actions. */
export function suggestQuestions(v: Vocabulary, connectedModel: string | undefined, max = 4): string[] {
  if (!connectedModel) {
    return [...v.models.slice(0, max - 1).map((m) => `connect to ${m.name}`), 'which models can I use?']
  }
  const out: string[] = []
  const view = v.views[0]
  if (view) out.push(`show ${view.name}`)
  // The last line item of the first module is usually its result (Units, Price → Revenue).
  const firstModule = v.lineItems[0]?.moduleName
  const lineItem = v.lineItems.filter((l) => l.moduleName === firstModule).at(-1)
  const list = v.lists.find((l) => l.items.length > 0)
  const item = list?.items[1] ?? list?.items[0]
  const period = v.periods.find((p) => /^Q\d/i.test(p)) ?? v.periods[0]
  if (lineItem && item && period) out.push(`what is ${lineItem.name} for ${item.name} in ${period}?`)
  if (v.views[1]) out.push(`show ${v.views[1].name}`)
  if (v.actions.length) out.push('which actions are there?')
  return out.slice(0, max)
}
