/**
 * Bulk actions: `run` (upload, start, wait with a progress bar, result, dump summary, export
 * download), `tasks`, `cancel` and `dump`. Ctrl-C during a run cancels the task on the server.
 */
import { stat, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import {
  type ActionType,
  isTerminal,
  type MappingParameter,
  type ModelScope,
  type NamedObject,
  NotFoundError,
  type PollOptions,
  type Task,
  type TaskResult,
  TimeoutError,
} from '../../anaplan/index.ts'
import { parseActionType, parsePair, parseSeconds } from '../args.ts'
import type { CliContext } from '../context.ts'
import { CliError, ExitCode, UsageError } from '../exit-codes.ts'
import { formatTable } from '../output.ts'
import { type Act, collect } from '../program.ts'
import { formatDumpSummary, formatTaskResult, formatTaskState, summarizeDump } from '../results.ts'
import { writeDownload } from './files.ts'

interface RunFlags {
  file?: string
  out?: string
  dumpOut?: string
  wait?: boolean
  pollInterval?: string
  maxWait?: string
  locale?: string
  mapping?: string[]
  strict?: boolean
}

/** Registers `run`, `tasks`, `cancel`, `dump`. */
export function registerRunCommands(program: Command, act: Act): void {
  program
    .command('run')
    .argument('<type>', 'import, export, process or action')
    .argument('<name|id>', 'the action to run')
    .description('run an action and wait for it: upload --file first (imports), save --out after (exports)')
    .option('-f, --file <path>', 'upload this file to the import data source before running')
    .option('-o, --out <path>', 'export: save the output here ("-" for stdout)')
    .option('--dump-out <path>', 'import/process: save the whole failure dump here')
    .option('--no-wait', 'start the task, print its id and return')
    .option('--poll-interval <seconds>', 'first status poll interval; grows to 10 s (default 1)')
    .option('--max-wait <seconds>', 'stop waiting (task keeps running) after this long; exit 5')
    .option('--locale <name>', 'task locale', 'en_US')
    .option('--mapping <Dimension=Item>', 'runtime mapping parameter, repeatable', collect)
    .option('--strict', 'exit 1 also when the failure dump holds only warnings')
    .addHelpText(
      'after',
      `
Examples:
  anaplan run import "Load Actuals" --file actuals.csv --dump-out failures.csv
  anaplan run export "Revenue Export" --out revenue.csv
  anaplan run process "Monthly Refresh"
  anaplan run action "Delete Discontinued Products"

Ctrl-C cancels the running task in Anaplan, waits for the rollback and exits 130.
A task that completes unsuccessfully, or an import whose failure dump holds rejected rows, exits 1.`,
    )
    .action(act((ctx, [type, name], opts) => run(ctx, type as string, name as string, opts as RunFlags)))

  program
    .command('tasks')
    .argument('<type>', 'import, export, process or action')
    .argument('<name|id>', 'the action')
    .description('list the tasks of an action')
    .action(
      act(async (ctx, [type, name]) => {
        const t = parseActionType(type as string)
        const scope = await ctx.scope()
        const { action } = await scope.findAction(name as string, t, ctx.request)
        const tasks = await scope.listTasks(t, action.id, ctx.request)
        ctx.out.result(tasks, () => {
          if (!tasks.length) return `(no tasks for ${t} "${action.name}")`
          const rows = tasks.map((k) => [
            k.taskId,
            k.taskState,
            k.creationTime ? new Date(k.creationTime).toISOString() : '',
          ])
          return formatTable({ columns: ['task id', 'state', 'created'], rows })
        })
        return undefined
      }),
    )

  program
    .command('cancel')
    .argument('<type>', 'import, export, process or action')
    .argument('<name|id>', 'the action')
    .argument('<taskId>', 'the task to cancel')
    .description('cancel a running task and wait until Anaplan has rolled it back')
    .action(
      act(async (ctx, [type, name, taskId]) => {
        const t = parseActionType(type as string)
        const scope = await ctx.scope()
        const { action } = await scope.findAction(name as string, t, ctx.request)
        const final = await cancelAndWait(ctx, scope, t, action, taskId as string)
        ctx.out.result(final, () => `${t} "${action.name}" task ${final.taskId}: ${formatTaskState(final)}`)
        return final.taskState === 'CANCELLED' ? ExitCode.OK : ExitCode.FAILED
      }),
    )

  program
    .command('dump')
    .argument('<type>', 'import or process')
    .argument('<name|id>', 'the import or process')
    .argument('<taskId>', 'the task whose failure dump to fetch')
    .description('fetch a failure dump: the CSV to stdout, or to --out with a summary')
    .option('-o, --out <path>', 'save the dump here and print a summary')
    .option('--object <name|id>', 'process: the nested import whose dump to fetch')
    .action(
      act((ctx, [type, name, taskId], opts) =>
        dump(
          ctx,
          type as string,
          name as string,
          taskId as string,
          opts as { out?: string; object?: string },
        ),
      ),
    )
}

async function run(ctx: CliContext, typeArg: string, name: string, f: RunFlags): Promise<number> {
  const type = parseActionType(typeArg)
  if (f.file && type !== 'import' && type !== 'process') {
    throw new UsageError(`--file is for imports and processes, not for a ${type}`)
  }
  if (f.out && type !== 'export') throw new UsageError(`--out is for exports, not for a ${type}`)
  if (f.dumpOut && type !== 'import' && type !== 'process') {
    throw new UsageError(`--dump-out is for imports and processes, not for a ${type}`)
  }
  const intervalMs = f.pollInterval ? parseSeconds('--poll-interval', f.pollInterval) : undefined
  const maxWaitMs = f.maxWait ? parseSeconds('--max-wait', f.maxWait) : undefined
  const mappingParameters: MappingParameter[] = (f.mapping ?? []).map((m) => {
    const [entityType, entityName] = parsePair('--mapping', m)
    return { entityType, entityName }
  })
  if (f.file) await assertReadable(f.file)

  const scope = await ctx.scope()
  const { action } = await scope.findAction(name, type, ctx.request)
  if (f.file) await uploadForRun(ctx, scope, type, action, f.file)

  // Started without the Ctrl-C signal: once the POST is out we must learn the task id to cancel it.
  const started = await scope.startTask(type, action.id, {
    localeName: f.locale ?? 'en_US',
    ...(mappingParameters.length ? { mappingParameters } : {}),
  })
  const label = `${type} "${action.name}"`
  if (f.wait === false) {
    ctx.out.result({ actionType: type, actionId: action.id, actionName: action.name, task: started }, () => {
      return `Started ${label}: task ${started.taskId}`
    })
    return ExitCode.OK
  }
  if (ctx.signal.aborted) return interrupted(ctx, scope, type, action, started.taskId)

  ctx.out.note(`Running ${label} (task ${started.taskId})`)
  const bar = ctx.progress.task(label)
  let final: Task
  const deadline = maxWaitMs !== undefined ? Date.now() + maxWaitMs : undefined
  try {
    const poll: PollOptions = {
      signal: ctx.signal,
      onProgress: (t) => bar.update(t.progress ?? 0, undefined, t.currentStep ?? t.taskState),
      ...(intervalMs !== undefined ? { intervalMs, maxIntervalMs: Math.max(intervalMs, 10_000) } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
    }
    final = await scope.waitForTask(type, action.id, started.taskId, poll)
  } catch (error) {
    bar.stop()
    if (ctx.signal.aborted) return interrupted(ctx, scope, type, action, started.taskId)
    if (error instanceof TimeoutError && deadline !== undefined && Date.now() >= deadline) {
      throw new CliError(
        `${label} task ${started.taskId} is still running after --max-wait ${f.maxWait} s (not cancelled); follow it with: anaplan tasks ${type} "${action.name}"`,
        ExitCode.UNAVAILABLE,
        'still_running',
      )
    }
    throw error
  }
  bar.stop()

  const result = final.result
  if (final.taskState === 'CANCELLED' || !result) {
    ctx.out.result(
      { actionType: type, actionId: action.id, actionName: action.name, task: final, successful: false },
      () =>
        `${label} task ${final.taskId} ended ${final.taskState}${final.cancelledBy ? ` (cancelled by ${final.cancelledBy})` : ''}`,
    )
    return ExitCode.FAILED
  }

  const names = type === 'process' ? await actionNames(ctx, scope) : { [action.id]: action.name }
  const dumps = await fetchDumps(ctx, scope, type, action.id, final.taskId, result, f.dumpOut)
  const successful = result.successful
  const toStdout = f.out === '-'
  let saved: { path: string; bytes: number } | undefined
  if (type === 'export' && f.out && successful) {
    const bytes = await writeDownload(
      ctx,
      scope,
      action.id,
      f.out,
      `save ${f.out === '-' ? 'output' : f.out}`,
    )
    if (!toStdout) saved = { path: f.out, bytes }
  }

  const value = {
    actionType: type,
    actionId: action.id,
    actionName: action.name,
    taskId: final.taskId,
    successful,
    task: final,
    ...(dumps.length
      ? {
          dumps: dumps.map(({ objectId, summary, path }) => ({
            objectId,
            ...summary,
            ...(path ? { path } : {}),
          })),
        }
      : {}),
    ...(saved ? { output: saved } : {}),
  }
  const human = () => {
    const lines = [formatTaskResult({ ...result, objectName: result.objectName ?? action.name }, names)]
    for (const d of dumps) {
      lines.push(formatDumpSummary(d.summary, `Failure dump of ${names[d.objectId] ?? d.objectId}`))
      if (d.path) lines.push(`  saved to ${d.path}`)
      else
        lines.push(
          `  save it with --dump-out FILE, or: anaplan dump ${type} "${action.name}" ${final.taskId}`,
        )
    }
    if (saved) lines.push(`Saved ${saved.bytes} bytes to ${saved.path}`)
    return lines.join('\n')
  }
  if (toStdout) {
    // stdout carries the exported file; the report goes to stderr.
    if (!ctx.out.json) ctx.io.stderr.write(`${human()}\n`)
  } else ctx.out.result(value, human)

  if (!successful) return ExitCode.FAILED
  return partiallyFailed(result, dumps, f.strict === true) ? ExitCode.FAILED : ExitCode.OK
}

/**
 * A successful task whose dump holds rejected rows (status E) failed partly: exit 1 so a scheduler
 * notices. A dump of warnings only is tolerated unless `strict`; a dump that could not be read or
 * classified counts as a failure.
 */
export function partiallyFailed(result: TaskResult, dumps: FetchedDump[], strict: boolean): boolean {
  const announced = hasDump(result)
  if (!announced) return false
  if (strict) return true
  if (dumps.length === 0) return true
  return dumps.some((d) => d.summary.errors > 0 || d.summary.warnings === 0)
}

function hasDump(r: TaskResult): boolean {
  return r.failureDumpAvailable || (r.nestedResults ?? []).some(hasDump)
}

/** Ctrl-C while a task runs: cancel it on the server, wait for the rollback, exit 130. */
async function interrupted(
  ctx: CliContext,
  scope: ModelScope,
  type: ActionType,
  action: NamedObject,
  taskId: string,
): Promise<never> {
  ctx.out.note(`Interrupted: cancelling ${type} "${action.name}" task ${taskId}...`)
  let final: Task
  try {
    final = await cancelAndWait(ctx, scope, type, action, taskId)
  } catch (error) {
    // Still an interruption (130), but say plainly that the task may be running on.
    const reason = error instanceof Error ? error.message : String(error)
    throw new CliError(
      `interrupted; could not cancel ${type} "${action.name}" task ${taskId}, it may still be running (${reason})`,
      ExitCode.INTERRUPTED,
      'interrupted',
    )
  }
  const how =
    final.taskState === 'CANCELLED'
      ? 'was cancelled'
      : `finished (${final.taskState}) before it could be cancelled`
  throw new CliError(
    `interrupted; ${type} "${action.name}" task ${taskId} ${how}`,
    ExitCode.INTERRUPTED,
    'interrupted',
  )
}

/** DELETE the task, then poll (without the already-fired Ctrl-C signal) until it is terminal. */
async function cancelAndWait(
  _ctx: CliContext,
  scope: ModelScope,
  type: ActionType,
  action: NamedObject,
  taskId: string,
): Promise<Task> {
  const bounded = { deadline: Date.now() + 120_000 }
  const t = await scope.cancelTask(type, action.id, taskId, bounded)
  if (isTerminal(t)) return t
  return scope.waitForTask(type, action.id, taskId, { ...bounded, intervalMs: 100, maxIntervalMs: 2000 })
}

async function uploadForRun(
  ctx: CliContext,
  scope: ModelScope,
  type: ActionType,
  action: NamedObject,
  path: string,
): Promise<void> {
  const fileId = await dataSource(ctx, scope, type, action)
  const size = (await stat(path)).size
  const bar = ctx.progress.bytes(`upload ${path}`, size)
  try {
    await scope.upload(fileId, { path }, { ...ctx.request, onProgress: (sent) => bar.update(sent, size) })
  } finally {
    bar.stop()
  }
  ctx.out.note(`Uploaded ${path} (${size} bytes) to file ${fileId}`)
}

/** The file an import reads; for a process, the first uploaded file its imports read. */
async function dataSource(ctx: CliContext, scope: ModelScope, type: ActionType, action: NamedObject) {
  if (type === 'import') {
    const imp = (await scope.listImports(ctx.request)).find((i) => i.id === action.id)
    if (imp?.importDataSourceId) return imp.importDataSourceId
  }
  // Process metadata is outside the ModelScope contract; the client offers it as `actionMetadata`.
  const meta = (scope as { actionMetadata?: ProcessMetadataFn }).actionMetadata
  if (type === 'process' && meta) {
    const m = await meta.call(scope, 'process', action.id, ctx.request)
    const src = (m.actions ?? []).find((a) => a.importDataSourceId?.startsWith('113'))?.importDataSourceId
    if (src) return src
  }
  throw new UsageError(
    `the ${type} "${action.name}" reads no uploadable file; upload with "anaplan upload FILE PATH" instead`,
  )
}

type ProcessMetadataFn = (
  type: 'process',
  id: string,
  options: object,
) => Promise<{ actions?: { importDataSourceId?: string }[] }>

export interface FetchedDump {
  objectId: string
  summary: ReturnType<typeof summarizeDump>
  path?: string
}

async function fetchDumps(
  ctx: CliContext,
  scope: ModelScope,
  type: ActionType,
  actionId: string,
  taskId: string,
  result: TaskResult,
  dumpOut: string | undefined,
): Promise<FetchedDump[]> {
  const wanted: { objectId: string; nested?: string }[] = []
  if (type === 'import' && result.failureDumpAvailable) wanted.push({ objectId: result.objectId ?? actionId })
  if (type === 'process') {
    for (const n of result.nestedResults ?? []) {
      if (n.failureDumpAvailable && n.objectId) wanted.push({ objectId: n.objectId, nested: n.objectId })
    }
  }
  const out: FetchedDump[] = []
  for (const w of wanted) {
    let csv: string
    try {
      csv = await scope.getDump(type as 'import' | 'process', actionId, taskId, w.nested, ctx.request)
    } catch (error) {
      // The result is still worth printing when the dump has expired or cannot be read.
      ctx.out.warn(`could not fetch the failure dump of ${w.objectId}: ${(error as Error).message}`)
      continue
    }
    let path: string | undefined
    if (dumpOut) {
      path = wanted.length > 1 ? suffixPath(dumpOut, w.objectId) : dumpOut
      await writeFile(path, csv)
    }
    out.push({ objectId: w.objectId, summary: summarizeDump(csv), ...(path ? { path } : {}) })
  }
  return out
}

async function dump(
  ctx: CliContext,
  typeArg: string,
  name: string,
  taskId: string,
  o: { out?: string; object?: string },
): Promise<undefined> {
  const type = parseActionType(typeArg)
  if (type !== 'import' && type !== 'process')
    throw new UsageError('dumps exist for imports and processes only')
  const scope = await ctx.scope()
  const { action } = await scope.findAction(name, type, ctx.request)
  let nested: string | undefined
  if (type === 'process') {
    const task = await scope.getTask(type, action.id, taskId, ctx.request)
    const withDump = (task.result?.nestedResults ?? []).filter((n) => n.failureDumpAvailable && n.objectId)
    const names = await actionNames(ctx, scope)
    if (o.object) {
      const q = o.object.trim().toLowerCase()
      nested = withDump.find(
        (n) => n.objectId === o.object || (names[n.objectId!] ?? '').toLowerCase() === q,
      )?.objectId
      if (!nested) throw new UsageError(`--object "${o.object}" has no dump in task ${taskId}`)
    } else if (withDump.length === 1) nested = withDump[0]!.objectId
    else if (withDump.length === 0)
      throw new CliError(`task ${taskId} has no failure dump`, ExitCode.NOT_FOUND, 'not_found')
    else {
      const list = withDump.map((n) => `"${names[n.objectId!] ?? n.objectId}"`).join(', ')
      throw new UsageError(`task ${taskId} has several dumps; choose one with --object (${list})`)
    }
  }
  let csv: string
  try {
    csv = await scope.getDump(type, action.id, taskId, nested, ctx.request)
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    throw new CliError(
      `no failure dump for ${type} "${action.name}" task ${taskId} (Anaplan keeps one only for your latest failing run, for 48 hours)`,
      ExitCode.NOT_FOUND,
      'not_found',
    )
  }
  const summary = summarizeDump(csv)
  if (!o.out) {
    if (ctx.out.json)
      ctx.out.result({ taskId, ...(nested ? { objectId: nested } : {}), ...summary, csv }, () => '')
    else ctx.io.stdout.write(csv)
    return undefined
  }
  await writeFile(o.out, csv)
  ctx.out.result({ taskId, ...(nested ? { objectId: nested } : {}), ...summary, path: o.out }, () =>
    [formatDumpSummary(summary), `  saved to ${o.out}`].join('\n'),
  )
  return undefined
}

/** id → name of every import, export and action, for a process's nested results. */
async function actionNames(ctx: CliContext, scope: ModelScope): Promise<Record<string, string>> {
  const types: ActionType[] = ['import', 'export', 'action', 'process']
  const lists = await Promise.all(types.map((t) => scope.listActions(t, ctx.request).catch(() => [])))
  return Object.fromEntries(lists.flat().map((a) => [a.id, a.name]))
}

function suffixPath(p: string, suffix: string): string {
  const dot = p.lastIndexOf('.')
  const slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'))
  return dot > slash + 1 ? `${p.slice(0, dot)}-${suffix}${p.slice(dot)}` : `${p}-${suffix}`
}

async function assertReadable(path: string): Promise<void> {
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new UsageError(`--file ${path} is not a file`)
  } catch (e) {
    if (e instanceof UsageError) throw e
    throw new UsageError(`--file ${path}: no such file`)
  }
}
