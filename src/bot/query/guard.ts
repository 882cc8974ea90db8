/**
 * The precision guard: a question with any word the catalog did not match is never executed; the
 * reply names the word back with what the model does have ("There is no region 'Narnia' in Sales
 * Forecast; regions are North America, EMEA, APAC, LATAM"). Never a substitute, never a dropped word.
 */
import type { CatalogList, ModelCatalog } from '../../anaplan/catalog.ts'
import { joinWords } from '../core/handlers/util.ts'
import { pluralOf } from '../nlu/text.ts'
import { leaves, listByName, singular } from './names.ts'
import type { Question } from './question.ts'

const SHOWN = 8

/** How a list is named in a sentence about its items: "regions", "stores" (the list may be either). */
function itemsWord(listName: string): string {
  const lc = listName.toLowerCase()
  if (lc !== singular(listName)) return lc
  return pluralOf(listName === listName.toUpperCase() ? listName : lc)
}

/** Names with digits in them ("Store 0042 Oslo") are quoted: a name, never read as a figure. */
function named(name: string): string {
  return /\d/.test(name) ? `'${name}'` : name
}

function some(names: readonly string[]): string {
  const shown = names.map(named)
  return shown.length > SHOWN ? `for example ${joinWords(shown.slice(0, SHOWN))}` : joinWords(shown)
}

/**
 * Items of a long list, in words: some of them, and the groups above them when it has a
 * hierarchy ("stores are for example …, under the countries Norway, Sweden …"), since a name
 * the user typed is as likely a group as an item.
 */
function itemsOf(catalog: ModelCatalog, list: CatalogList): string {
  const names = leaves(list).map((i) => i.name)
  let text = `${itemsWord(list.name)} are ${some(names)}`
  if (names.length <= SHOWN) return text
  const groups: string[] = []
  for (let up = list.parentListId, depth = 0; up && depth < 8; depth++) {
    const parent = catalog.lists.find((l) => l.id === up)
    if (!parent) break
    const items = parent.items ?? []
    if (items.length && items.length <= SHOWN * 2)
      groups.push(`${itemsWord(parent.name)} ${some(items.map((i) => i.name))}`)
    up = parent.parentListId
  }
  if (groups.length) text += `, under the ${groups.join(' and the ')}`
  return text
}

function orWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`
}

/** The refusal for a question with unresolved words, or undefined when every word was matched. */
export function refusal(q: Question, catalog: ModelCatalog): string | undefined {
  const u = q.unresolved ?? []
  if (!u.length) return undefined
  const model = catalog.modelName ?? 'this model'
  const lines = u.map((x) => {
    const near = x.near?.length ? ` Did you mean ${orWords(x.near.map((n) => `'${n}'`))}?` : ''
    if (x.expected === 'measure') {
      const names = catalog.lineItems.filter((l) => l.format.toUpperCase() === 'NUMBER').map((l) => l.name)
      return `There is no measure '${x.text}' in ${model}; its line items are ${some(names)}.${near}`
    }
    if (x.expected === 'period') {
      const months = catalog.periods.filter((p) => p.level === 'month')
      const span = months.length ? `; it covers ${months[0]?.name} to ${months[months.length - 1]?.name}` : ''
      return `There is no period '${x.text}' in ${model}${span}.${near}`
    }
    if (x.expected === 'dimension') {
      const li = catalog.lineItems.find((l) => l.id === q.measures[0]?.lineItemId)
      const dims = (li?.dimensionIds ?? [])
        .map(
          (id) => catalog.lists.find((l) => l.id === id)?.name ?? (id === '20000000003' ? 'Time' : undefined),
        )
        .filter((d): d is string => d !== undefined)
      return `${li ? li.name : 'Nothing'} in ${model} is not broken down by '${x.text}'${dims.length ? `; it is by ${joinWords(dims)}` : '; it has one value for the whole model'}.${near}`
    }
    if (x.expected === 'operation')
      return `I can't answer '${x.text}': I don't compute figures with items left out. Name the items to include instead (for example "revenue for North America, APAC and LATAM").`
    if (x.expected === 'version')
      return `There is no version '${x.text}' in ${model}; versions are ${joinWords(catalog.versions.map((v) => v.name))}.${near}`
    const list = x.dimension ? listByName(catalog, x.dimension) : undefined
    if (list) {
      const one = list.name === list.name.toUpperCase() ? list.name : singular(list.name)
      return `There is no ${one} '${x.text}' in ${model}; ${itemsOf(catalog, list)}.${near}`
    }
    const lists = q.measures
      .flatMap((m) => catalog.lineItems.find((l) => l.id === m.lineItemId)?.dimensionIds ?? [])
      .map((id) => catalog.lists.find((l) => l.id === id))
      .filter((l) => l !== undefined)
    const known = [...new Set(lists)].map((l) => itemsOf(catalog, l))
    return `There is nothing called '${x.text}' in ${model}${known.length ? `; ${known.join('; ')}` : ''}.${near}`
  })
  return lines.join(' ')
}
