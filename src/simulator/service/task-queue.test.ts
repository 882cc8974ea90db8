import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { TaskCancelled, TaskQueue, type TaskRecord } from './task-queue.ts'

function init(modelId: string, objectId = '112000000001') {
  return {
    kind: 'imports' as const,
    objectId,
    objectName: 'x',
    modelId,
    userId: 'u',
    userEmail: 'u@x',
    steps: 1,
  }
}

describe('TaskQueue', () => {
  it('runs one task per model at a time, FIFO, and others in parallel models', async () => {
    const order: string[] = []
    let concurrentOnA = 0
    let maxOnA = 0
    const queue = new TaskQueue(async (task) => {
      if (task.modelId === 'A') maxOnA = Math.max(maxOnA, ++concurrentOnA)
      order.push(`start ${task.objectId}`)
      await sleep(5)
      if (task.modelId === 'A') concurrentOnA--
      return { successful: true, failureDumpAvailable: false, objectId: task.objectId, objectName: 'x' }
    }, Date.now)
    const tasks = ['1', '2', '3'].map((id) => queue.start(init('A', id)))
    const other = queue.start(init('B', '9'))
    expect(tasks.every((t) => t.state === 'NOT_STARTED')).toBe(true)
    await sleep(2)
    expect(queue.running('A')).toBe(tasks[0])
    expect(other.state).toBe('IN_PROGRESS')
    await queue.waitIdle('A', 1000)
    while (tasks.some((t) => t.state !== 'COMPLETE')) await sleep(2)
    expect(maxOnA).toBe(1)
    expect(order.filter((o) => o !== 'start 9')).toEqual(['start 1', 'start 2', 'start 3'])
  })

  it('cancels queued tasks at once and running ones through CANCELLING', async () => {
    const queue = new TaskQueue(async (_task, signal) => {
      await sleep(10_000, undefined, { signal }).catch(() => {
        throw new TaskCancelled()
      })
      return { successful: true, failureDumpAvailable: false, objectId: '', objectName: '' }
    }, Date.now)
    const first = queue.start(init('A'))
    const second = queue.start(init('A'))
    await sleep(2)
    expect(queue.cancel(second.taskId, 'me')?.state).toBe('CANCELLED')
    const cancelling = queue.cancel(first.taskId, 'me') as TaskRecord
    expect(['CANCELLING', 'CANCELLED']).toContain(cancelling.state)
    expect(await queue.waitIdle('A', 1000)).toBe(true)
    expect(first.state).toBe('CANCELLED')
    expect(first.result).toBeUndefined()
  })

  it('turns an executor error into an unsuccessful COMPLETE result', async () => {
    const queue = new TaskQueue(async () => {
      throw new Error('boom')
    }, Date.now)
    const task = queue.start(init('A'))
    await sleep(5)
    expect(task.state).toBe('COMPLETE')
    expect(task.result?.successful).toBe(false)
    expect(task.result?.details?.[0]?.localMessageText).toBe('boom')
  })
})
