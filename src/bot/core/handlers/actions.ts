/** list_actions, run_action (answering within the deadline, finishing in the background), task_status, cancel_task. */
import type { ActionType, ModelScope, Task } from '../anaplan.ts'
import { TimeoutError } from '../anaplan.ts'
import type { IntentHandler, TurnContext } from '../context.ts'
import { encodeChoice } from '../context.ts'
import { downloadUrl } from '../downloads.ts'
import { dumpInWords } from '../dump.ts'
import { BotError } from '../errors.ts'
import type { TrackedTask } from '../session.ts'
import { detailInWords, failedRows } from '../task-words.ts'
import type { Message } from '../types.ts'
import { ask, connected, optionsFor, pick, str } from './util.ts'

const TYPES: ActionType[] = ['import', 'export', 'process', 'action']
const PLURAL: Record<ActionType, string> = {
  import: 'Imports',
  export: 'Exports',
  process: 'Processes',
  action: 'Actions',
}

function typeOf(v: unknown): ActionType | undefined {
  const s = str(v)?.toLowerCase()
  return TYPES.find((t) => t === s)
}

export const listActions: IntentHandler = {
  async run(ctx) {
    const c = connected(ctx)
    const v = await ctx.vocabulary()
    const type = typeOf(ctx.parameters.actionType)
    const actions = v.actions.filter((a) => !type || a.type === type)
    if (!actions.length)
      return ctx.say(`${c.modelName} has no ${type ? PLURAL[type].toLowerCase() : 'actions'}.`)
    const lines = TYPES.filter((t) => actions.some((a) => a.type === t)).map(
      (t) =>
        `${PLURAL[t]}: ${actions
          .filter((a) => a.type === t)
          .map((a) => a.name)
          .join(', ')}`,
    )
    ctx.say(lines.join('\n'))
    ask(
      ctx,
      'Run:',
      'run_action',
      'action',
      optionsFor(
        'run_action',
        {},
        'action',
        actions.map((a) => a.name),
      ),
    )
  },
}

async function resolveAction(ctx: TurnContext) {
  const v = await ctx.vocabulary()
  const name = str(ctx.parameters.action)
  const type = typeOf(ctx.parameters.actionType)
  if (!name) {
    const pool = v.actions.filter((a) => !type || a.type === type)
    ask(
      ctx,
      'Which one?',
      'run_action',
      'action',
      optionsFor(
        'run_action',
        ctx.parameters,
        'action',
        pool.map((a) => a.name),
      ),
    )
    throw new BotError('invalid_input', `Which ${type ?? 'action'} should I run?`)
  }
  const pool = v.actions.filter((a) => !type || a.type === type)
  const a = pick(type ?? 'action', pool.length ? pool : v.actions, name)
  return { name: a.name, id: a.id, type: a.type }
}

export const runAction: IntentHandler = {
  async summarize(ctx) {
    const c = connected(ctx)
    const a = await resolveAction(ctx)
    ctx.parameters = { ...ctx.parameters, action: a.name, actionType: a.type }
    return `Run the ${a.type} ${a.name} in ${c.modelName}?`
  },
  async run(ctx) {
    const c = connected(ctx)
    const a = await resolveAction(ctx)
    const scope = await ctx.scope()
    let task: Task
    try {
      task = await scope.startTask(a.type, a.id)
    } catch (e) {
      await ctx.audit({
        model: c.modelName,
        action: 'run_action',
        details: { action: a.name, type: a.type },
        result: 'failed',
        error: (e as Error).name,
      })
      throw e
    }
    const tracked: TrackedTask = {
      taskId: task.taskId,
      actionType: a.type,
      actionId: a.id,
      actionName: a.name,
      workspaceId: c.workspaceId,
      modelId: c.modelId,
      modelName: c.modelName,
      startedAt: ctx.now(),
      state: 'running',
    }
    ctx.session.tasks = [...ctx.session.tasks.filter((t) => t.state === 'running').slice(-9), tracked]
    const poll = {
      intervalMs: ctx.services.pollIntervalMs,
      maxIntervalMs: Math.max(ctx.services.pollIntervalMs, 2000),
    }
    let done: Task | undefined
    try {
      // Leave a little of the budget to write the reply.
      done = await scope.waitForTask(a.type, a.id, task.taskId, { ...poll, deadline: ctx.deadline - 150 })
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e
    }
    if (done) {
      const { messages, ok } = await outcome(ctx, scope, tracked, done)
      tracked.state = done.taskState === 'CANCELLED' ? 'cancelled' : ok ? 'done' : 'failed'
      await ctx.audit({
        model: c.modelName,
        action: 'run_action',
        details: { action: a.name, type: a.type, taskId: task.taskId },
        result: ok ? 'ok' : 'failed',
      })
      ctx.messages.push(...messages)
      return
    }
    ctx.say(`Started ${a.name}. I'll tell you when it finishes.`)
    ctx.background(async (signal) => {
      let final: Task
      try {
        final = await scope.waitForTask(a.type, a.id, task.taskId, { ...poll, signal })
      } catch (e) {
        if (signal.aborted) return
        await ctx.notify([
          {
            type: 'text',
            text: `I lost track of ${a.name}: ${(e as Error).message.split(':')[0]}. Ask "is it done?" to check.`,
          },
        ])
        return
      }
      const { messages, ok } = await outcome(ctx, scope, tracked, final)
      await ctx.audit({
        model: c.modelName,
        action: 'run_action',
        details: { action: a.name, type: a.type, taskId: task.taskId },
        result: final.taskState === 'CANCELLED' ? 'cancelled' : ok ? 'ok' : 'failed',
      })
      await ctx.notify(messages, (s) => {
        const t = s.tasks.find((x) => x.taskId === task.taskId)
        if (t) t.state = final.taskState === 'CANCELLED' ? 'cancelled' : ok ? 'done' : 'failed'
      })
    })
  },
}

async function* oneChunk(text: string): AsyncIterable<string> {
  yield text
}

/** The messages that report a finished task: details, failed rows in words, export downloads. */
async function outcome(
  ctx: TurnContext,
  scope: ModelScope,
  t: TrackedTask,
  task: Task,
): Promise<{ messages: Message[]; ok: boolean }> {
  if (task.taskState === 'CANCELLED')
    return { messages: [{ type: 'text', text: `${t.actionName} was cancelled.` }], ok: false }
  const r = task.result
  const ok = r?.successful !== false
  const messages: Message[] = []
  let dumpFile: Message | undefined
  const dumpLines: string[] = []
  const dumpOwners = [r, ...(r?.nestedResults ?? [])].filter((x) => x?.failureDumpAvailable)
  if (dumpOwners.length && (t.actionType === 'import' || t.actionType === 'process')) {
    for (const owner of dumpOwners) {
      try {
        const nested = t.actionType === 'process' ? owner?.objectId : undefined
        const csv = await scope.getDump(t.actionType, t.actionId, t.taskId, nested)
        dumpLines.push(...dumpInWords(csv))
        // The whole dump, for the rows the summary leaves out.
        if (!dumpFile) {
          const stored = await ctx.services.downloads.put(`${t.actionName} failed rows.csv`, oneChunk(csv))
          dumpFile = { type: 'file', name: stored.name, url: downloadUrl(stored.id), size: stored.size }
        }
      } catch {
        // The dump may have expired; the summary still says what happened.
      }
      if (t.actionType === 'import') break
    }
  }
  // With the dump attached, Anaplan's "download the failure dump" detail would only repeat it.
  const detail = r?.details
    ?.filter((d) => !(dumpFile && /failure dump/i.test(d.localMessageText ?? '')))
    .map(detailInWords)
    .filter(Boolean)
    .join('; ')
  if (!ok) {
    messages.push({
      type: 'text',
      text: `${t.actionName} failed${dumpLines.length ? `: ${dumpLines.join('; ')}` : detail ? `: ${detail}` : '.'}`,
    })
    if (dumpFile) messages.push(dumpFile)
    return { messages, ok }
  }
  const failed = failedRows(r?.details)
  const rejected =
    failed > 0 ? `${failed} row${failed === 1 ? ' was' : 's were'} rejected` : 'Some rows were rejected'
  messages.push({
    type: 'text',
    text: `${t.actionName} finished${detail ? `: ${detail}.` : '.'}${dumpLines.length ? ` ${rejected}: ${dumpLines.join('; ')}.` : ''}`,
  })
  if (dumpFile) messages.push(dumpFile)
  const v = await ctx.vocabulary()
  const isExport = (id: string) => v.actions.some((x) => x.id === id && x.type === 'export')
  const exportIds =
    t.actionType === 'export'
      ? [t.actionId]
      : t.actionType === 'process'
        ? (r?.nestedResults ?? []).map((n) => n.objectId).filter((id): id is string => !!id && isExport(id))
        : []
  for (const id of exportIds) {
    try {
      const name = v.actions.find((x) => x.id === id)?.name ?? t.actionName
      const stored = await ctx.services.downloads.put(`${name}.csv`, scope.download(id))
      messages.push({ type: 'file', name: stored.name, url: downloadUrl(stored.id), size: stored.size })
    } catch (e) {
      messages.push({
        type: 'text',
        text: `The export finished but I couldn't fetch its file (${(e as Error).name}).`,
      })
    }
  }
  return { messages, ok }
}

function findTracked(ctx: TurnContext): TrackedTask {
  const name = str(ctx.parameters.action)?.toLowerCase()
  const tasks = [...ctx.session.tasks].reverse()
  const t = name
    ? tasks.find((x) => x.actionName.toLowerCase() === name)
    : (tasks.find((x) => x.state === 'running') ?? tasks[0])
  if (!t)
    throw new BotError(
      'not_found',
      name
        ? `I haven't started ${ctx.parameters.action} in this conversation.`
        : "I haven't started any task in this conversation.",
    )
  return t
}

export const taskStatus: IntentHandler = {
  async run(ctx) {
    const t = findTracked(ctx)
    const scope = await ctx.client.model({ workspace: t.workspaceId, model: t.modelId })
    const task = await scope.getTask(t.actionType, t.actionId, t.taskId)
    if (task.taskState === 'COMPLETE' || task.taskState === 'CANCELLED') {
      const { messages, ok } = await outcome(ctx, scope, t, task)
      t.state = task.taskState === 'CANCELLED' ? 'cancelled' : ok ? 'done' : 'failed'
      ctx.messages.push(...messages)
      return
    }
    const pct =
      typeof task.progress === 'number' && task.progress > 0 ? ` (${Math.round(task.progress * 100)}%)` : ''
    const state =
      task.taskState === 'NOT_STARTED' ? 'is queued, waiting for the model' : `is still running${pct}`
    ctx.say(`${t.actionName} ${state}.`)
    ctx.messages.push({
      type: 'choices',
      options: [{ label: 'Cancel it', value: encodeChoice('cancel_task', { action: t.actionName }) }],
    })
  },
}

export const cancelTask: IntentHandler = {
  async run(ctx) {
    const t = findTracked(ctx)
    if (t.state !== 'running')
      return ctx.say(`${t.actionName} has already finished; there is nothing to cancel.`)
    const scope = await ctx.client.model({ workspace: t.workspaceId, model: t.modelId })
    const task = await scope.cancelTask(t.actionType, t.actionId, t.taskId)
    const details = { action: t.actionName, taskId: t.taskId }
    if (task.taskState === 'COMPLETE') {
      t.state = 'done'
      await ctx.audit({
        model: t.modelName,
        action: 'cancel_task',
        details,
        result: 'failed',
        error: 'already_complete',
      })
      return ctx.say(`${t.actionName} had already finished before I could cancel it.`)
    }
    t.state = 'cancelled'
    await ctx.audit({ model: t.modelName, action: 'cancel_task', details, result: 'ok' })
    ctx.say(
      `Cancelled ${t.actionName}${task.taskState === 'CANCELLING' ? ' (Anaplan is rolling it back)' : ''}.`,
    )
  },
}
