/**
 * Turn CPU: the bot's own CPU per `/api/chat` turn (from the bot process) against a minimal proxy
 * that makes the same Anaplan read and returns it as JSON, in the same run, on the same simulator.
 * CPU rather than latency: on shared cores a latency ratio measures the machine, while the CPU a
 * process spends per request is what it costs wherever it runs.
 */
import {
  type BotProcess,
  type ProxyProcess,
  startBotProcess,
  startProxyProcess,
  startSimulatorProcess,
} from './lib/processes.ts'
import { type BenchResult, goal, machine, percentile, round, runConcurrently } from './lib/report.ts'
import { ANALYST } from './lib/stack.ts'
import { webHeaders } from './lib/web-session.ts'

export interface TurnCpuOptions {
  /** Measured requests on each side per round. @default 500 */
  requests?: number
  /** Unmeasured requests on each side first (JIT tiers, caches, sockets). @default 1500 */
  warmup?: number
  /** Alternating rounds. @default 6 */
  rounds?: number
  /** Requests in flight. @default 4 */
  concurrency?: number
}

const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1000

export async function turnCpu(options: TurnCpuOptions = {}): Promise<BenchResult> {
  const requests = options.requests ?? 500
  const warmup = options.warmup ?? 1500
  const rounds = options.rounds ?? 6
  const concurrency = options.concurrency ?? 4
  const text = 'show me Revenue by Region for Widgets and Forecast'
  const started = performance.now()
  const sim = await startSimulatorProcess({ latencyMs: 0 })
  let bot: BotProcess | undefined
  let proxy: ProxyProcess | undefined
  try {
    bot = await startBotProcess({ simulatorUrl: sim.url })
    const botUrl = bot.url
    // Signed in as the page is (cookie, CSRF token, Origin): checking them is part of a turn's cost.
    const signedIn = await webHeaders(botUrl)
    const post = async (
      url: string,
      body: unknown,
      check: (b: { messages?: { type: string }[] }) => boolean,
    ) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: url.startsWith(botUrl)
          ? { ...signedIn, 'content-type': 'application/json' }
          : { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const answer = (await res.json()) as { messages?: { type: string }[] }
      if (res.status !== 200 || !check(answer)) throw new Error(`${url} answered ${res.status}`)
    }
    await runConcurrently(concurrency, concurrency, (i) =>
      post(`${botUrl}/api/chat`, { sessionId: `cpu-${i}`, text: 'connect to Sales Forecast' }, () => true),
    )
    const turn = (i: number) =>
      post(`${botUrl}/api/chat`, { sessionId: `cpu-${i % concurrency}`, text }, (b) =>
        Boolean(b.messages?.some((m) => m.type === 'table')),
      )
    await turn(0)
    const dataUrl = (await bot.viewReads()).at(-1)
    if (!dataUrl) throw new Error('the bot made no view read')
    proxy = await startProxyProcess({ authUrl: sim.authUrl, dataUrl, ...ANALYST })
    const proxyUrl = proxy.url
    const proxied = (i: number) => post(proxyUrl, { sessionId: `cpu-${i % concurrency}`, text }, () => true)

    const measure = async (p: BotProcess | ProxyProcess, task: (i: number) => Promise<void>) => {
      const before = await p.cpuUsage()
      await runConcurrently(requests, concurrency, task)
      return cpuMs(before, await p.cpuUsage()) / requests
    }
    // Both sides warm until their code is optimised: a server answers far more than a few hundred
    // requests, and the bot's larger code takes longer to reach its optimised tiers.
    await runConcurrently(warmup, concurrency, turn)
    await runConcurrently(warmup, concurrency, proxied)
    // Alternate the two sides so a change in the machine's load hits both alike; each pair of
    // neighbouring rounds gives one ratio, and the median of those is the figure (on a shared
    // virtual machine a round's CPU per request moves by a third from one round to the next).
    const botRuns: number[] = []
    const proxyRuns: number[] = []
    for (let r = 0; r < rounds; r++) {
      botRuns.push(await measure(bot, turn))
      proxyRuns.push(await measure(proxy, proxied))
    }
    const ratios = botRuns.map((b, i) => b / (proxyRuns[i] as number))
    const ratio = percentile(ratios, 50)
    const botCpu = percentile(botRuns, 50)
    const proxyCpu = percentile(proxyRuns, 50)
    return {
      name: 'turn-cpu',
      description:
        "the bot's own CPU per view-reading /api/chat turn vs a minimal proxy making the same Anaplan read",
      machine: machine(),
      parameters: { requests, warmup, concurrency, text, rounds },
      project: {
        botCpuMsPerTurn: round(botCpu, 3),
        runs: botRuns.map((x) => round(x, 3)),
        ratioPerRound: ratios.map((x) => round(x, 3)),
      },
      baseline: { proxyCpuMsPerRequest: round(proxyCpu, 3), runs: proxyRuns.map((x) => round(x, 3)) },
      goals: [goal('bot CPU per turn / proxy CPU per request', ratio, '<=', 1.5)],
      notes: [
        `The proxy (bench/lib/proxy-main.ts) takes the same POST, makes the read the bot made for the turn (${dataUrl.replace(sim.apiUrl, '/2/0')}, with a token fetched once) and returns the data as JSON. Both are Node processes on loopback against one simulator process.`,
        `CPU is process.cpuUsage() (user + system, all threads) of each process over the measured requests, after ${warmup} unmeasured requests on each side; ${rounds} alternating rounds of ${requests}. The goal's figure is the median of the per-round ratios (bot round / the proxy round after it); the CPU figures are each side's median round.`,
      ],
      durationMs: Math.round(performance.now() - started),
    }
  } finally {
    await proxy?.close()
    await bot?.close()
    await sim.close()
  }
}
