/**
 * What a bulk task does once the queue starts it: wait `taskMs` per action (cancellable, so a
 * cancelled import changes nothing), then run the import, export, delete action or process against
 * the engine, storing export outputs and failure dumps for the user who started it.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ActionOutcome, ModelEngine } from '../engine/contract.ts'
import type { World } from './sim-state.ts'
import {
  TaskCancelled,
  type TaskExecutor,
  type TaskKind,
  type TaskRecord,
  type TaskResult,
} from './task-queue.ts'

/** Which kind of action an id names inside a model (processes list ids of any kind). */
export function actionKind(engine: ModelEngine, id: string): TaskKind | undefined {
  if (engine.imports().some((d) => d.id === id)) return 'imports'
  if (engine.exports().some((d) => d.id === id)) return 'exports'
  if (engine.actions().some((d) => d.id === id)) return 'actions'
  if (engine.processes().some((d) => d.id === id)) return 'processes'
  return undefined
}

async function waitStep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new TaskCancelled()
  try {
    await sleep(ms, undefined, { signal })
  } catch {
    throw new TaskCancelled()
  }
}

function toResult(outcome: ActionOutcome, dumpAvailable: boolean): TaskResult {
  const result: TaskResult = {
    successful: outcome.successful,
    failureDumpAvailable: dumpAvailable,
    objectId: outcome.objectId,
    objectName: outcome.objectName,
  }
  if (outcome.details.length > 0) result.details = outcome.details
  return result
}

function failure(objectId: string, objectName: string, type: string, message: string): TaskResult {
  return {
    successful: false,
    failureDumpAvailable: false,
    objectId,
    objectName,
    details: [{ type, localMessageText: message, occurrences: 0, values: [] }],
  }
}

/** Builds the executor the world's task queue runs. */
export function createExecutor(world: World): TaskExecutor {
  const runOne = async (
    engine: ModelEngine,
    kind: TaskKind,
    objectId: string,
    task: TaskRecord,
  ): Promise<TaskResult> => {
    const fileKey = { modelId: engine.info.id, userId: task.userId }
    if (kind === 'imports') {
      const def = engine.imports().find((d) => d.id === objectId)
      if (!def) return failure(objectId, objectId, 'importNotFound', `Import ${objectId} not found`)
      const key = { ...fileKey, fileId: def.importDataSourceId }
      const own = world.files.chunkIds(key)
      const source = engine.dataSourceFiles().find((f) => f.id === def.importDataSourceId)
      let content: AsyncIterable<Uint8Array | string>
      if (own && own.length > 0) content = world.files.readAll(key)
      else if (source?.defaultContent) content = toIterable(source.defaultContent)
      else {
        return failure(
          def.id,
          def.name,
          'fileNotFound',
          `The data source file '${source?.name ?? def.importDataSourceId}' has no content; upload it first.`,
        )
      }
      const outcome = await engine.runImport(
        objectId,
        content,
        task.mappingParameters ? { mappingParameters: task.mappingParameters } : {},
      )
      const dumpKey = world.dumpKey(engine.info.id, task.userId, objectId)
      if (outcome.dump) world.dumps.set(dumpKey, { taskId: task.taskId, content: outcome.dump })
      else if (outcome.successful) world.dumps.delete(dumpKey)
      return toResult(outcome, outcome.dump !== undefined)
    }
    if (kind === 'exports') {
      const { outcome, content } = engine.runExport(objectId)
      await world.files.writeGenerated({ ...fileKey, fileId: objectId }, content)
      return toResult(outcome, false)
    }
    if (kind === 'actions') {
      const outcome = engine.runAction(objectId)
      if (outcome.solutionLog !== undefined) {
        world.solutionLogs.set(`${engine.info.id}|${objectId}|${task.taskId}`, outcome.solutionLog)
      }
      return toResult(outcome, false)
    }
    return failure(objectId, objectId, 'nestedProcess', 'A process cannot run another process')
  }

  return async (task, signal) => {
    const engine = world.model(task.modelId)
    if (!engine) throw new Error(`Model ${task.modelId} not found`)
    const { taskMs, now } = world.options
    if (task.kind !== 'processes') {
      await waitStep(taskMs, signal)
      return runOne(engine, task.kind, task.objectId, task)
    }
    const def = engine.processes().find((p) => p.id === task.objectId)
    if (!def) throw new Error(`Process ${task.objectId} not found`)
    const nested: TaskResult[] = []
    for (const [index, actionId] of def.actions.entries()) {
      task.stepsDone = index
      task.stepStartedAt = now()
      await waitStep(taskMs, signal)
      const kind = actionKind(engine, actionId)
      nested.push(
        kind
          ? await runOne(engine, kind, actionId, task)
          : failure(actionId, actionId, 'actionNotFound', `Action ${actionId} not found`),
      )
    }
    const result: TaskResult = {
      successful: nested.every((r) => r.successful),
      failureDumpAvailable: nested.some((r) => r.failureDumpAvailable),
      objectId: def.id,
      objectName: def.name,
    }
    if (nested.length > 0) result.nestedResults = nested
    return result
  }
}

async function* toIterable(text: string): AsyncGenerator<string> {
  yield text
}
