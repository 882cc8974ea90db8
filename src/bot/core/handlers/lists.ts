/** list_items and add_list_item. */

import { isAmbiguousFailure } from '../anaplan.ts'
import type { IntentHandler } from '../context.ts'
import { BotError } from '../errors.ts'
import { settleLostAnswer } from './lost-answer.ts'
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
    const items = await scope.listItems(list.id, ctx.requestOptions)
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
      result = await scope.addListItems(list.id, [{ name: item }], ctx.requestOptions)
    } catch (e) {
      if (isAmbiguousFailure(e)) {
        ctx.services.invalidate?.(c.modelId)
        return settleLostAnswer(ctx, {
          entry: { model: c.modelName, action: 'add_list_item', details },
          error: e,
          check: async () =>
            (await scope.listItems(list.id, ctx.requestOptions)).some(
              (i) => i.name.toLowerCase() === item.toLowerCase(),
            ),
          said: {
            applied: `Anaplan's answer was lost, but ${list.name} now has '${item}': it was added.`,
            notApplied: `Anaplan's answer was lost, and ${list.name} has no '${item}': it was not added. Nothing was re-sent; ask again to retry.`,
            unknown: `Anaplan's answer was lost and I couldn't read ${list.name} back, so I don't know whether '${item}' was added. Ask "list ${list.name}" to check before trying again.`,
          },
        })
      }
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
