/** Greeting, help, fallback, workspaces and models, connect, who am I, disconnect. */
import { intentByName, intentLabel } from '../../intents/index.ts'
import type { IntentHandler, TurnContext } from '../context.ts'
import { encodeChoice } from '../context.ts'
import { BotError } from '../errors.ts'
import { actsInAnaplan } from '../policy.ts'
import { ask, connected, joinWords, optionsFor, pick, str } from './util.ts'

/** The models the bot policy lets this identity read: the others are not even named to it. */
function readable<T extends { name: string; id: string }>(ctx: TurnContext, models: readonly T[]): T[] {
  return models.filter((m) => ctx.permission({ name: m.name, id: m.id }).read)
}

async function suggestModels(ctx: TurnContext, prompt: string): Promise<void> {
  const v = await ctx.vocabulary()
  const models = readable(ctx, v.models).slice(0, 8)
  if (models.length)
    ask(
      ctx,
      prompt,
      'connect_model',
      'model',
      optionsFor(
        'connect_model',
        {},
        'model',
        models.map((m) => m.name),
      ),
    )
}

/** "thanks", "ok cheers": said back in kind, with nothing else asked. */
export const THANKS_RE =
  /^(?:(?:ok|okay|great|perfect|awesome|nice|cool|brilliant|lovely|super)[\s,!.]*)?(?:thanks|thank\s*(?:you|u)|thx|thnx|ty|tysm|cheers|ta|much appreciated|appreciate it|many thanks)\b/i

export const greeting: IntentHandler = {
  async run(ctx) {
    if (THANKS_RE.test((ctx.turn.text ?? '').trim())) {
      ctx.say("You're welcome! Ask me anything else about your models whenever you like.")
      return
    }
    const who = ctx.turn.identity.displayName ? `, ${ctx.turn.identity.displayName}` : ''
    const c = ctx.session.connected
    ctx.say(
      c
        ? `Hello${who}! You're connected to ${c.modelName}. Ask me to show a view, read or change a cell, or run an action.`
        : `Hello${who}! I can show views, read and change cells, list items and run actions in your Anaplan models.`,
    )
    if (!c) await suggestModels(ctx, 'Which model would you like to use?')
  },
}

export const help: IntentHandler = {
  async run(ctx) {
    const c = ctx.session.connected
    if (!c) {
      ctx.say(
        'Connect to a model first ("connect to Sales Forecast"); then I can show views ("show Revenue by Region"), read and change cells ("what is Revenue for EMEA in Q3 FY26?"), list and add list items, and run imports, exports and processes.',
      )
      await suggestModels(ctx, 'Models you can use:')
      return
    }
    const v = await ctx.vocabulary()
    const lines = [`In ${c.modelName} you can:`]
    if (v.views.length) lines.push(`• show a view: ${joinWords(v.views.map((x) => x.name))}`)
    if (v.actions.length) lines.push(`• run an action: ${joinWords(v.actions.map((x) => x.name))}`)
    if (v.lists.length) lines.push(`• list or add items: ${joinWords(v.lists.map((x) => x.name))}`)
    const li = v.lineItems.slice(0, 6).map((x) => x.name)
    if (li.length)
      lines.push(`• read or change cells, e.g. ${joinWords(li)} ("what is ${li[0]} for … in …?")`)
    lines.push('• ask "is it done?" or "stop it" about a running task, "who am I", or "disconnect".')
    ctx.say(lines.join('\n'))
    const options = [
      ...v.views
        .slice(0, 3)
        .map((x) => ({ label: `Show ${x.name}`, value: encodeChoice('show_view', { view: x.name }) })),
      { label: 'List actions', value: 'list_actions' },
    ]
    ctx.messages.push({ type: 'choices', prompt: 'Try:', options })
  },
}

export const fallback: IntentHandler = {
  async run(ctx) {
    const alt = ctx.alternatives.filter((a) => offerable(a.name) && a.confidence > 0.2).slice(0, 2)
    ctx.say(`Sorry, I didn't understand${ctx.turn.text ? ` "${ctx.turn.text}"` : ''}.`)
    const options = [
      ...alt.map((a) => ({
        label: intentLabel(a.name),
        value: encodeChoice(a.name, ctx.parameters),
      })),
      { label: 'Help', value: 'help' },
      ...(ctx.session.connected
        ? [{ label: 'List views', value: 'list_views' }]
        : [{ label: 'List models', value: 'list_models' }]),
    ].filter((o, i, all) => all.findIndex((x) => x.value === o.value) === i)
    ctx.messages.push({ type: 'choices', prompt: 'You could try:', options })
  },
}

/** Intents worth offering as a guess: not the fallback, and not a yes or no to nothing asked. */
export const offerable = (name: string): boolean =>
  name !== 'fallback' && name !== 'confirm' && name !== 'deny' && intentByName(name) !== undefined

export const listWorkspaces: IntentHandler = {
  async run(ctx) {
    const ws = await ctx.client.workspaces.list(ctx.requestOptions)
    if (!ws.length) return ctx.say("You don't see any workspace with this Anaplan user.")
    ctx.messages.push({
      type: 'table',
      title: 'Workspaces',
      columns: ['Workspace', 'Active'],
      rows: ws.map((w) => [w.name, w.active ? 'yes' : 'no']),
    })
  },
}

export const listModels: IntentHandler = {
  async run(ctx) {
    const models = readable(ctx, await ctx.client.models.list({}, ctx.requestOptions))
    if (!models.length) return ctx.say("You can't use any model through this bot.")
    ctx.messages.push({
      type: 'table',
      title: 'Models',
      columns: ['Model', 'Workspace', 'State'],
      rows: models.map((m) => [m.name, m.currentWorkspaceName ?? '', String(m.activeState).toLowerCase()]),
    })
    const usable = models.filter((m) => m.activeState !== 'ARCHIVED').slice(0, 8)
    ask(
      ctx,
      'Connect to:',
      'connect_model',
      'model',
      optionsFor(
        'connect_model',
        {},
        'model',
        usable.map((m) => m.name),
      ),
    )
  },
}

export const connectModel: IntentHandler = {
  async run(ctx) {
    const query = str(ctx.parameters.model)
    if (!query) return suggestModels(ctx, 'Which model?')
    const workspace = str(ctx.parameters.workspace)
    const v = await ctx.vocabulary()
    // Same name in two workspaces: ask which one instead of guessing.
    const same = v.models.filter(
      (m) =>
        m.name.toLowerCase() === query.toLowerCase() &&
        (!workspace || m.workspaceName?.toLowerCase() === workspace.toLowerCase()),
    )
    if (same.length > 1) {
      ctx.say(
        `There is a model called ${same[0]?.name} in ${joinWords(same.map((m) => m.workspaceName ?? '?'))}. Which one?`,
      )
      ctx.messages.push({
        type: 'choices',
        options: same.map((m) => ({
          label: `${m.name} (${m.workspaceName})`,
          value: encodeChoice('connect_model', { model: m.id, workspace: m.workspaceId }),
        })),
      })
      return
    }
    // Resolve against what the user sees first (typos, plurals), then let Anaplan resolve ids.
    const known = v.models.length ? tryPick(v.models, query) : undefined
    const scope = await ctx.client.model({
      model: known?.id ?? query,
      ...(workspace
        ? { workspace: known?.workspaceId ?? workspace }
        : known?.workspaceId
          ? { workspace: known.workspaceId }
          : {}),
    })
    const modelName = scope.modelName ?? known?.name ?? query
    const perm = ctx.permission({ name: modelName, id: scope.modelId })
    if (!perm.read) {
      await ctx.audit({
        model: modelName,
        action: 'connect_model',
        details: { model: modelName },
        result: 'refused',
        error: 'not_permitted',
      })
      throw new BotError(
        'not_permitted',
        `You don't have access to ${modelName} through this bot. Ask an admin to add you to the bot policy.`,
      )
    }
    const state = v.models.find((m) => m.id === scope.modelId)
    ctx.session.connected = {
      workspaceId: scope.workspaceId,
      workspaceName: scope.workspaceName ?? state?.workspaceName ?? '',
      modelId: scope.modelId,
      modelName,
    }
    delete ctx.session.view
    const mv = await ctx.vocabulary()
    const rights = perm.write || perm.lists || perm.run.length ? '' : ' (read-only for you)'
    ctx.say(
      `Connected to ${modelName}${ctx.session.connected.workspaceName ? ` in ${ctx.session.connected.workspaceName}` : ''}${rights}. ${contents(mv)}`,
    )
    if (mv.views.length) {
      ctx.messages.push({
        type: 'choices',
        prompt: 'Show a view:',
        options: optionsFor(
          'show_view',
          {},
          'view',
          mv.views.slice(0, 6).map((x) => x.name),
        ),
      })
    }
  },
}

const KINDS: [string, string, string][] = [
  ['import', 'import', 'imports'],
  ['export', 'export', 'exports'],
  ['process', 'process', 'processes'],
  ['action', 'other action', 'other actions'],
]

/**
 * What a model offers, counted by kind ("It has 4 views, 2 imports, 1 export and 2 processes."),
 * so that "List actions" answers with the same numbers.
 */
export function contents(v: { views: unknown[]; actions: { type: string }[] }): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
  const parts = [count(v.views.length, 'view', 'views')]
  for (const [type, one, many] of KINDS) {
    const n = v.actions.filter((a) => a.type === type).length
    if (n) parts.push(count(n, one, many))
  }
  if (parts.length === 1) parts.push('no actions')
  return `It has ${joinWords(parts)}.`
}

function tryPick<T extends { name: string; id: string }>(items: T[], q: string): T | undefined {
  try {
    return pick('model', items, q)
  } catch {
    return undefined
  }
}

export const whoami: IntentHandler = {
  async run(ctx) {
    const id = ctx.turn.identity
    const chat = `${id.displayName ?? id.userId} on ${id.channel}${id.teamId ? ` (team ${id.teamId})` : ''}`
    const c = ctx.session.connected
    const where = c ? `, connected to ${c.modelName}` : ', not connected to a model'
    // The technical user's login is for those who act with it (or with their own profile); a
    // read-only or anonymous identity learns only that a shared user reads for it.
    if (!actsInAnaplan(ctx.services.policy, id))
      return ctx.say(`You are ${chat}, reading Anaplan through the bot's shared user${where}.`)
    const me = await ctx.client.users.me(ctx.requestOptions)
    ctx.say(`You are ${chat}, acting in Anaplan as ${me.email}${where}.`)
  },
}

export const disconnect: IntentHandler = {
  async run(ctx) {
    const c = ctx.session.connected
    if (!c) return ctx.say("You weren't connected to a model.")
    delete ctx.session.connected
    delete ctx.session.view
    delete ctx.session.pending
    ctx.say(`Disconnected from ${c.modelName}.`)
  },
}

export { connected }
