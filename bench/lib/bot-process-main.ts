/**
 * Child-process entry of {@link startBotProcess}: the bot stack (client as the demo analyst, core,
 * HTTP server on a random loopback port) against the simulator URL given as the first argument.
 * It records the view-data URLs its client requests, so the parent can replay the very same read
 * as the floor, and stops on SIGTERM.
 */
import type { BotProcessMessage } from './processes.ts'
import { startStack } from './stack.ts'

const simulatorUrl = process.argv[2]
const send = (m: BotProcessMessage) => process.send?.(m)

try {
  if (!simulatorUrl) throw new Error('usage: bot-process-main.ts <simulator url>')
  const viewReads: string[] = []
  const recording: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (/\/views\/[^/]+\/data/.test(url)) {
      viewReads.push(url)
      if (viewReads.length > 10) viewReads.shift()
    }
    return fetch(input, init)
  }
  const stack = await startStack({ listen: true, simulatorUrl, client: { fetch: recording } })
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'view-reads') send({ type: 'view-reads', urls: [...viewReads] })
    if (m.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage() })
  })
  process.once('SIGTERM', () => {
    void stack.close().finally(() => process.exit(0))
  })
  // The parent's IPC channel closing means it is gone: do not outlive it.
  process.once('disconnect', () => {
    void stack.close().finally(() => process.exit(0))
  })
  send({ type: 'ready', url: stack.url ?? '' })
} catch (e) {
  send({ type: 'failed', message: e instanceof Error ? e.message : String(e) })
  process.exit(1)
}
