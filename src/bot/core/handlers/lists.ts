/** list_items and add_list_item. */
import type { IntentHandler } from '../context.ts'
import { BotError } from '../errors.ts'
import { ask, connected, optionsFor, pick, str } from './util.ts'

export const listItems: IntentHandler = {
  async run(ctx) {
    const c = connected(ctx)
    const v = await ctx.vocabulary()
    const name = str(ctx.parameters.list)
    if (!name) {
      ctx.say(`Lists in ${c.modelName}: ${v.lists.map((l) => l.name).join(', ')}.`)
      ask(
        ctx,
        'Show the items of:',
        'list_items',
        'list',
        optionsFor(
          'list_items',
          {},
          'list',
          v.lists.map((l) => l.name),
        ),
      )
      return
    }
    const list = v.lists.length ? pick('list', v.lists, name) : { id: name, name }
    const scope = await ctx.scope()
    const items = await scope.listItems(list.id)
    ctx.parameters = { ...ctx.parameters, list: list.name }
    if (!items.length) return ctx.say(`${list.name} is empty.`)
    ctx.messages.push({
      type: 'table',
      title: `${list.name} (${items.length})`,
      columns: ['Name', 'Code', 'Parent'],
      rows: items.slice(0, 100).map((i) => [i.name, i.code ?? '', i.parent ?? '']),
    })
  },
}

async function resolve(ctx: Parameters<IntentHandler['run']>[0]) {
  const v = await ctx.vocabulary()
  const name = str(ctx.parameters.list)
  const item = str(ctx.parameters.item)
  if (!name)
    throw new BotError(
      'invalid_input',
      `Which list should I add ${item ? `'${item}'` : 'it'} to? ${v.lists.map((l) => l.name).join(', ')}.`,
    )
  const list = v.lists.length ? pick('list', v.lists, name) : { id: name, name, items: [] }
  if (!item) throw new BotError('invalid_input', `What should the new ${list.name} item be called?`)
  if (list.items.some((i) => i.name.toLowerCase() === item.toLowerCase())) {
    throw new BotError('invalid_input', `${list.name} already has an item called '${item}'.`)
  }
  return { list, item }
}

export const addListItem: IntentHandler = {
  async summarize(ctx) {
    const c = connected(ctx)
    const { list, item } = await resolve(ctx)
    ctx.parameters = { ...ctx.parameters, list: list.name, item }
    return `Add '${item}' to ${list.name} in ${c.modelName}?`
  },
  async run(ctx) {
    const c = connected(ctx)
    const { list, item } = await resolve(ctx)
    const scope = await ctx.scope()
    const details = { list: list.name, item }
    let result: Awaited<ReturnType<typeof scope.addListItems>>
    try {
      result = await scope.addListItems(list.id, [{ name: item }])
    } catch (e) {
      await ctx.audit({
        model: c.modelName,
        action: 'add_list_item',
        details,
        result: 'failed',
        error: (e as Error).name,
      })
      throw e
    }
    if (result.failures?.length || !result.added) {
      const why = result.failures?.[0]?.failureMessageDetails ?? 'nothing was added'
      await ctx.audit({ model: c.modelName, action: 'add_list_item', details, result: 'failed', error: why })
      throw new BotError('invalid_input', `Anaplan did not add '${item}' to ${list.name}: ${why}.`)
    }
    await ctx.audit({ model: c.modelName, action: 'add_list_item', details, result: 'ok' })
    ctx.services.invalidate?.(c.modelId)
    ctx.say(`Added '${item}' to ${list.name}.`)
  },
}
