/**
 * list_actions, run_action (answering within the deadline, finishing in the background),
 * task_status, cancel_task (confirmed, run permission), and watching a task to its end, which
 * also serves the reconciliation of tasks left running by an earlier process.
 */
import type { ActionType, BotAnaplanClient, ModelScope, Task } from '../anaplan.ts'
import { isAmbiguousFailure, TimeoutError } from '../anaplan.ts'
import type { AuditEntry } from '../audit.ts'
import type { IntentHandler, TurnContext } from '../context.ts'
import { encodeChoice } from '../context.ts'
import { downloadUrl } from '../downloads.ts'
import { dumpInWords } from '../dump.ts'
import { BotError } from '../errors.ts'
import type { SessionState, TrackedTask } from '../session.ts'
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
      task = await scope.startTask(a.type, a.id, ctx.requestOptions)
    } catch (e) {
      // The client already looked for a task this start may have created; none found does not
      // prove none runs (Anaplan may list it late), so the outcome is unknown, not failed.
      const unknown = isAmbiguousFailure(e)
      await ctx.audit({
        model: c.modelName,
        action: 'run_action',
        details: { action: a.name, type: a.type },
        result: unknown ? 'unknown' : 'failed',
        error: (e as Error).name,
      })
      if (!unknown) throw e
      ctx.say(
        `I asked Anaplan to run ${a.name} but its answer was lost, so I don't know whether it started. Check the task list in Anaplan before running it again.`,
      )
      return
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
      identity: ctx.turn.identity,
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
      const { messages } = await outcome(ctx, scope, tracked, done)
      tracked.state = endState(done)
      await ctx.audit(endEntry(tracked, done, false))
      ctx.messages.push(...messages)
      return
    }
    ctx.say(`Started ${a.name}. I'll tell you when it finishes.`)
    ctx.background((signal) =>
      watchTask(
        {
          client: ctx.client,
          pollIntervalMs: ctx.services.pollIntervalMs,
          signal,
          audit: ctx.audit,
          notify: ctx.notify,
          scope,
          report: (final) => outcome(ctx, scope, tracked, final),
        },
        tracked,
      ),
    )
  },
}

/** What watching a task to its end needs, inside a turn or without one (reconciliation at start). */
export interface TaskWatch {
  client: BotAnaplanClient
  pollIntervalMs: number
  signal: AbortSignal
  audit(entry: Omit<AuditEntry, 'ts' | 'identity' | 'sessionId'>): Promise<void>
  /** Sends messages to the task's session; `update` changes its stored state under its lock. */
  notify(messages: Message[], update?: (s: SessionState) => void): Promise<void>
  /** The model's scope, when the caller has it. */
  scope?: ModelScope
  /** The messages reporting the end (with downloads); a short sentence when absent. */
  report?(final: Task): Promise<{ messages: Message[] }>
}

function endState(task: Task): 'done' | 'failed' | 'cancelled' {
  if (task.taskState === 'CANCELLED') return 'cancelled'
  return task.result?.successful === false ? 'failed' : 'done'
}

function endEntry(
  t: TrackedTask,
  task: Task,
  reconciled: boolean,
): Omit<AuditEntry, 'ts' | 'identity' | 'sessionId'> {
  const state = endState(task)
  return {
    model: t.modelName,
    action: 'run_action',
    details: { action: t.actionName, type: t.actionType, taskId: t.taskId },
    result: state === 'done' ? 'ok' : state,
    ...(reconciled ? { reconciled: true as const } : {}),
  }
}

/**
 * Waits for a tracked task to end, then records the end once: only the watcher that moves the
 * stored task out of `running` audits it and tells the session (a "is it done?" turn may have
 * seen the end first). A watcher that loses the task records `unknown` and leaves it running, so
 * a status question or the next start reconciles it.
 */
export async function watchTask(w: TaskWatch, t: TrackedTask): Promise<void> {
  const poll = { intervalMs: w.pollIntervalMs, maxIntervalMs: Math.max(w.pollIntervalMs, 2000) }
  const reconciled = !w.report
  let final: Task
  try {
    const scope = w.scope ?? (await w.client.model({ workspace: t.workspaceId, model: t.modelId }))
    final = await scope.waitForTask(t.actionType, t.actionId, t.taskId, { ...poll, signal: w.signal })
  } catch (e) {
    if (w.signal.aborted) return
    await w.audit({
      model: t.modelName,
      action: 'run_action',
      details: { action: t.actionName, type: t.actionType, taskId: t.taskId },
      result: 'unknown',
      error: `lost_track: ${(e as Error).name}`,
    })
    await w.notify([
      {
        type: 'text',
        text: `I lost track of ${t.actionName}, so I don't know yet how it ended. Ask "is ${t.actionName} done?" to check.`,
      },
    ])
    return
  }
  let moved = false
  const state = endState(final)
  await w.notify([], (s) => {
    const x = s.tasks.find((y) => y.taskId === t.taskId)
    moved = x?.state === 'running'
    if (x && moved) x.state = state
  })
  if (!moved) return
  await w.audit(endEntry(t, final, reconciled))
  const messages = w.report
    ? (await w.report(final)).messages
    : [{ type: 'text' as const, text: endSentence(t, final) }]
  await w.notify(messages)
}

/** The end of a task the bot had lost sight of (an earlier process started it), in one sentence. */
function endSentence(t: TrackedTask, task: Task): string {
  const state = endState(task)
  const detail = task.result?.details?.[0]?.localMessageText
  const how = state === 'cancelled' ? 'was cancelled' : state === 'failed' ? 'failed' : 'finished'
  const more =
    state === 'done' && t.actionType === 'export' ? ` Ask "is ${t.actionName} done?" to get its file.` : ''
  return `${t.actionName} ${how} while I was not watching${detail ? `: ${detail}` : '.'}${more}`
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
  const taskId = str(ctx.parameters.taskId)
  const tasks = [...ctx.session.tasks].reverse()
  const t = taskId
    ? tasks.find((x) => x.taskId === taskId)
    : name
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
    const scope = await ctx.client.model({ workspace: t.workspaceId, model: t.modelId }, ctx.requestOptions)
    const task = await scope.getTask(t.actionType, t.actionId, t.taskId, ctx.requestOptions)
    if (task.taskState === 'COMPLETE' || task.taskState === 'CANCELLED') {
      const { messages } = await outcome(ctx, scope, t, task)
      // The first to see the end of a task nobody watched (lost, or from before a restart) records it.
      if (t.state === 'running') await ctx.audit(endEntry(t, task, true))
      t.state = endState(task)
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
  async summarize(ctx) {
    const t = findTracked(ctx)
    if (t.state !== 'running')
      throw new BotError('invalid_input', `${t.actionName} has already finished; there is nothing to cancel.`)
    // The run right is checked on the task's own model, which may not be the one connected now.
    ctx.parameters = { action: t.actionName, taskId: t.taskId }
    ctx.target = { name: t.modelName, id: t.modelId }
    return `Cancel ${t.actionName} in ${t.modelName}? Anaplan stops it and rolls back what it changed.`
  },
  async run(ctx) {
    const t = findTracked(ctx)
    if (t.state !== 'running')
      return ctx.say(`${t.actionName} has already finished; there is nothing to cancel.`)
    const scope = await ctx.client.model({ workspace: t.workspaceId, model: t.modelId }, ctx.requestOptions)
    const details = { action: t.actionName, taskId: t.taskId }
    let task: Task
    try {
      task = await scope.cancelTask(t.actionType, t.actionId, t.taskId, ctx.requestOptions)
    } catch (e) {
      if (!isAmbiguousFailure(e)) {
        await ctx.audit({
          model: t.modelName,
          action: 'cancel_task',
          details,
          result: 'failed',
          error: (e as Error).name,
        })
        throw e
      }
      await ctx.audit({
        model: t.modelName,
        action: 'cancel_task',
        details,
        result: 'unknown',
        error: (e as Error).name,
      })
      // Its answer was lost: the task itself says whether the cancel took.
      task = await scope.getTask(t.actionType, t.actionId, t.taskId, ctx.requestOptions)
      const took = task.taskState === 'CANCELLING' || task.taskState === 'CANCELLED'
      await ctx.audit({
        model: t.modelName,
        action: 'cancel_task',
        details,
        result: took ? 'ok' : 'failed',
        reconciled: true,
      })
      if (!took)
        return ctx.say(
          `I couldn't tell whether Anaplan got the cancel: ${t.actionName} is still ${task.taskState === 'COMPLETE' ? 'done' : 'running'}.`,
        )
    }
    if (task.taskState === 'COMPLETE') {
      await ctx.audit({
        model: t.modelName,
        action: 'cancel_task',
        details,
        result: 'failed',
        error: 'already_complete',
      })
      return ctx.say(`${t.actionName} had already finished before I could cancel it.`)
    }
    await ctx.audit({ model: t.modelName, action: 'cancel_task', details, result: 'ok' })
    ctx.say(
      `Cancelled ${t.actionName}${task.taskState === 'CANCELLING' ? ' (Anaplan is rolling it back)' : ''}.`,
    )
  },
}
