/**
 * Turn latency: `/api/chat` turns that read a saved view (over HTTP, a connected session each),
 * at concurrency 1 and 64, against the floor: the same view read made directly with plain HTTP on
 * the simulator (one GET of the view's data with a token). p50 and p99 of both, and their ratio.
 */
import {
  type BenchResult,
  type Goal,
  goal,
  machine,
  percentile,
  round,
  runConcurrently,
} from './lib/report.ts'
import { startStack } from './lib/stack.ts'

export interface TurnLatencyOptions {
  /** Turns (and floor requests) at concurrency 1. @default 500 */
  serialTurns?: number
  /** Turns (and floor requests) at concurrency 64. @default 5000 */
  concurrentTurns?: number
  /** @default 64 */
  concurrency?: number
  /** Simulator latencies to measure at (every request answered after this long). @default [0, 20] */
  anaplanLatenciesMs?: number[]
}

interface Series {
  requests: number
  concurrency: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  perSecond: number
}

function series(durations: number[], concurrency: number, wallMs: number): Series {
  return {
    requests: durations.length,
    concurrency,
    p50Ms: round(percentile(durations, 50), 3),
    p99Ms: round(percentile(durations, 99), 3),
    meanMs: round(durations.reduce((a, b) => a + b, 0) / durations.length, 3),
    perSecond: round(durations.length / (wallMs / 1000), 1),
  }
}

interface Measured {
  floorUrl: string
  bot1: Series
  floor1: Series
  botC: Series
  floorC: Series
}

/** Both measurements with the simulator answering every request after `latencyMs`. */
async function measureAt(
  latencyMs: number,
  serialTurns: number,
  concurrentTurns: number,
  concurrency: number,
  text: string,
): Promise<Measured> {
  const viewReads: string[] = []
  const recording: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (/\/views\/[^/]+\/data/.test(url) && viewReads.length < 10) viewReads.push(url)
    return fetch(input, init)
  }
  const stack = await startStack({ listen: true, simulator: { latencyMs }, client: { fetch: recording } })
  try {
    const botUrl = stack.url ?? ''
    const chat = async (sessionId: string, t: string) => {
      const res = await fetch(`${botUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, text: t }),
      })
      const body = (await res.json()) as { messages?: { type: string }[] }
      if (res.status !== 200 || !body.messages?.some((m) => m.type === 'table')) {
        throw new Error(`turn answered ${res.status} without a table`)
      }
    }
    await runConcurrently(concurrency, concurrency, (i) =>
      fetch(`${botUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: `lat-${i}`, text: 'connect to Sales Forecast' }),
      }).then((r) => r.text().then(() => undefined)),
    )
    // The floor: the very request the bot makes for this turn (recorded), sent straight to the simulator.
    await chat('lat-0', text)
    const floorUrl = viewReads.at(-1)
    if (!floorUrl) throw new Error('the bot made no view read')
    const token = await stack.client.tokens.getToken()
    const floor = async () => {
      const res = await fetch(floorUrl, {
        headers: { Authorization: `AnaplanAuthToken ${token}`, Accept: 'application/json' },
      })
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`floor read answered ${res.status}`)
    }
    const measure = async (count: number, c: number, task: (i: number) => Promise<void>) => {
      await runConcurrently(Math.min(200, count), c, task) // warm-up: JIT, caches, sockets
      const t0 = performance.now()
      const d = await runConcurrently(count, c, task)
      return series(d, c, performance.now() - t0)
    }
    const turn = (i: number) => chat(`lat-${i % concurrency}`, text)
    return {
      floorUrl: floorUrl.replace(stack.sim.apiUrl, '/2/0'),
      bot1: await measure(serialTurns, 1, turn),
      floor1: await measure(serialTurns, 1, floor),
      botC: await measure(concurrentTurns, concurrency, turn),
      floorC: await measure(concurrentTurns, concurrency, floor),
    }
  } finally {
    await stack.close()
  }
}

/** Runs the turn-latency benchmark. */
export async function turnLatency(options: TurnLatencyOptions = {}): Promise<BenchResult> {
  const serialTurns = options.serialTurns ?? 500
  const concurrentTurns = options.concurrentTurns ?? 5000
  const concurrency = options.concurrency ?? 64
  const latencies = options.anaplanLatenciesMs ?? [0, 20]
  const text = 'show me Revenue by Region for Widgets and Forecast'
  const started = performance.now()
  const project: Record<string, unknown> = {}
  const baseline: Record<string, unknown> = {}
  const goals: Goal[] = []
  let floorUrl = ''
  for (const latencyMs of latencies) {
    const m = await measureAt(latencyMs, serialTurns, concurrentTurns, concurrency, text)
    floorUrl = m.floorUrl
    const key = `anaplan${latencyMs}ms`
    project[key] = { concurrency1: m.bot1, [`concurrency${concurrency}`]: m.botC }
    baseline[key] = { concurrency1: m.floor1, [`concurrency${concurrency}`]: m.floorC }
    const at = `(Anaplan +${latencyMs} ms)`
    goals.push(
      goal(`p50 / floor, concurrency 1 ${at}`, m.bot1.p50Ms / m.floor1.p50Ms, '<=', 1.3),
      goal(`p99 / floor, concurrency 1 ${at}`, m.bot1.p99Ms / m.floor1.p99Ms, '<=', 2),
      goal(`p50 / floor, concurrency ${concurrency} ${at}`, m.botC.p50Ms / m.floorC.p50Ms, '<=', 1.3),
      goal(`p99 / floor, concurrency ${concurrency} ${at}`, m.botC.p99Ms / m.floorC.p99Ms, '<=', 2),
    )
  }
  return {
    name: 'turn-latency',
    description: '/api/chat view-reading turns vs the same view read straight from the simulator',
    machine: machine(),
    parameters: { serialTurns, concurrentTurns, concurrency, anaplanLatenciesMs: latencies, text },
    project,
    baseline,
    goals,
    notes: [
      'Load generator, bot server and simulator share one Node process (and its cores) in both measurements.',
      `Floor: GET ${floorUrl} with a held token (the request the bot itself makes for the turn).`,
      'With the simulator answering at once the floor is a sub-millisecond in-process read, so the ratio is the bot’s own CPU per turn (NLU, session, table and chart rendering, one extra HTTP hop) over almost nothing; +20 ms is a conservative Anaplan round trip, where that overhead is what a user would notice.',
    ],
    durationMs: Math.round(performance.now() - started),
  }
}
