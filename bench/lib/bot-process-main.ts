/**
 * Child-process entry of {@link startBotProcess}: the bot stack (client as the demo analyst, core,
 * HTTP server on a random loopback port) against the simulator URL given as the first argument,
 * with the server options given as JSON in the second, if any.
 * It records the view-data URLs its client requests (from the client's debug lines), so the parent can replay the very same read
 * as the floor, and stops on SIGTERM.
 */
import type { BotServerOptions } from '../../src/bot/server.ts'
import type { BotProcessMessage } from './processes.ts'
import { startStack } from './stack.ts'

const simulatorUrl = process.argv[2]
/** Server options as JSON (Slack, Dialogflow caller auth), for the channel benchmarks. */
const serverOptions = process.argv[3] ? (JSON.parse(process.argv[3]) as BotServerOptions) : undefined
const send = (m: BotProcessMessage) => process.send?.(m)

try {
  if (!simulatorUrl) throw new Error('usage: bot-process-main.ts <simulator url>')
  const viewReads: string[] = []
  // The client's per-request debug line carries the URL; it is asked for only until a few view
  // reads are recorded, so the measured turns run with debug off, as in production.
  const noop = () => {}
  const recording = {
    debug(fields: object) {
      const url = (fields as { url?: unknown }).url
      if (typeof url === 'string' && /\/views\/[^/]+\/data/.test(url)) viewReads.push(url)
    },
    info: noop,
    warn: noop,
    error: noop,
    isLevelEnabled: (level: string) => level !== 'debug' || viewReads.length < 10,
  }
  const stack = await startStack({
    listen: true,
    simulatorUrl,
    client: { logger: recording },
    ...(serverOptions ? { server: serverOptions } : {}),
  })
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
