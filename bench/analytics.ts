/**
 * Analytics (issue 10): analytic answers on Retail Demand through `/api/chat` (a ranking over all
 * SKUs, a breakdown by store) with the simulator at +20 ms, side by side with `curl` fetching the
 * same data with one plain read of the saved view that holds it; and the bot's peak RSS.
 */

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { type BotProcess, peakRssMiB, startBotProcess, startSimulatorProcess } from './lib/processes.ts'
import { type BenchResult, goal, machine, percentile, round } from './lib/report.ts'
import { ANALYST } from './lib/stack.ts'
import { webHeaders } from './lib/web-session.ts'

const run = promisify(execFile)
const MODEL = 'Retail Demand'

interface Named {
  id: string
  name: string
}

export interface AnalyticsOptions {
  /** Rounds; each asks both questions and makes both curl reads. @default 15 */
  rounds?: number
}

export async function analytics(options: AnalyticsOptions = {}): Promise<BenchResult> {
  const rounds = options.rounds ?? 15
  const started = performance.now()
  const sim = await startSimulatorProcess({ latencyMs: 20 })
  let bot: BotProcess | undefined
  const base: Omit<BenchResult, 'project' | 'baseline' | 'goals' | 'notes' | 'durationMs'> = {
    name: 'analytics',
    description:
      'Retail Demand: ranking over all SKUs and breakdown by store through /api/chat vs curl reading the same view, simulator at +20 ms',
    machine: machine(),
    parameters: { rounds, anaplanLatencyMs: 20 },
  }
  try {
    const auth = await fetch(`${sim.authUrl}/token/authenticate`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ANALYST.username}:${ANALYST.password}`).toString('base64')}`,
      },
    })
    const token = ((await auth.json()) as { tokenInfo: { tokenValue: string } }).tokenInfo.tokenValue
    const headers = { authorization: `AnaplanAuthToken ${token}`, accept: 'application/json' }
    const get = async <T>(path: string) =>
      (await (await fetch(`${sim.apiUrl}${path}`, { headers })).json()) as T
    const { models } = await get<{ models: (Named & { currentWorkspaceId: string })[] }>('/models')
    const model = models.find((m) => m.name === MODEL)
    if (!model) {
      return {
        ...base,
        project: {},
        baseline: {},
        goals: [goal('Retail Demand present in the simulator', 0, '>=', 1)],
        notes: [
          'This simulator has no Retail Demand model (it comes with branch sim); nothing was measured.',
        ],
        durationMs: Math.round(performance.now() - started),
      }
    }
    const m = `/workspaces/${model.currentWorkspaceId}/models/${model.id}`
    const { views = [] } = await get<{ views?: Named[] }>(`${m}/views`)
    const view = (name: string) => {
      const v = views.find((x) => x.name.endsWith(name))
      if (!v) throw new Error(`no view ${name}`)
      return v
    }
    /** `dimId:itemId` for each page of a view, items looked up by name. */
    const pages = async (v: Named, items: Record<string, string>) => {
      const meta = await get<{ pages?: Named[] }>(`${m}/views/${v.id}`)
      const out: string[] = []
      for (const d of meta.pages ?? []) {
        const name = items[d.name]
        if (!name) continue
        const res = await fetch(`${sim.apiUrl}${m}/dimensions/${d.id}/items`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ names: [name] }),
        })
        const found = ((await res.json()) as { items?: Named[] }).items?.[0]
        if (found) out.push(`${d.id}:${found.id}`)
      }
      return out.join(',')
    }
    const ranking = view('SKU Ranking')
    const byStore = view('Net Sales by Store')
    const floors = {
      ranking: `${sim.apiUrl}${m}/views/${ranking.id}/data?format=v1&pages=${await pages(ranking, { Store: 'All Regions', Time: 'FY26' })}`,
      breakdown: `${sim.apiUrl}${m}/views/${byStore.id}/data?format=v1&pages=${await pages(byStore, { SKU: 'All Categories', Versions: 'Forecast' })}`,
    }
    const questions = {
      ranking: 'top 10 skus by net sales in FY26',
      breakdown: 'break down net sales by store for FY26',
    }
    bot = await startBotProcess({ simulatorUrl: sim.url })
    const signedIn = await webHeaders(bot.url)
    const chat = async (text: string) => {
      const t0 = performance.now()
      const res = await fetch(`${bot?.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedIn },
        body: JSON.stringify({ sessionId: 'analytics', text }),
      })
      const body = (await res.json()) as { messages?: { type: string }[] }
      return { ms: performance.now() - t0, table: Boolean(body.messages?.some((x) => x.type === 'table')) }
    }
    const curl = async (url: string) => {
      const { stdout } = await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{time_total}',
        '-H',
        `Authorization: AnaplanAuthToken ${token}`,
        '-H',
        'Accept: application/json',
        url,
      ])
      return Number(stdout) * 1000
    }
    // The simulator builds a sparse module's index on its first read (real Anaplan holds its
    // model computed): one unmeasured plain read of each view first, so neither side's first
    // turn pays for it. The bot's own first-question costs (catalog, view metadata) still count.
    for (const url of Object.values(floors)) await curl(url)
    await chat(`connect to ${MODEL}`)
    const botMs: Record<string, number[]> = { ranking: [], breakdown: [] }
    const curlMs: Record<string, number[]> = { ranking: [], breakdown: [] }
    let tables = 0
    for (let i = 0; i < rounds; i++) {
      for (const k of ['ranking', 'breakdown'] as const) {
        const r = await chat(questions[k])
        botMs[k]?.push(r.ms)
        if (r.table) tables++
        curlMs[k]?.push(await curl(floors[k]))
      }
    }
    const all = [...(botMs.ranking ?? []), ...(botMs.breakdown ?? [])]
    const floorAll = [...(curlMs.ranking ?? []), ...(curlMs.breakdown ?? [])]
    const p95 = percentile(all, 95)
    const floorP95 = percentile(floorAll, 95)
    const rss = peakRssMiB(bot.pid) ?? Number.NaN
    const stats = (xs: number[]) => ({ p50: round(percentile(xs, 50), 1), p95: round(percentile(xs, 95), 1) })
    return {
      ...base,
      project: {
        questions,
        ranking: stats(botMs.ranking ?? []),
        breakdown: stats(botMs.breakdown ?? []),
        p95Ms: round(p95, 1),
        answersWithTable: `${tables} of ${2 * rounds}`,
        botPeakRssMiB: round(rss, 1),
      },
      baseline: {
        ranking: stats(curlMs.ranking ?? []),
        breakdown: stats(curlMs.breakdown ?? []),
        p95Ms: round(floorP95, 1),
      },
      goals: [
        goal('answer p95 (ms)', p95, '<=', 1500),
        goal('answer p95 / curl p95', p95 / floorP95, '<=', 1.5),
        goal('bot peak RSS (MiB)', rss, '<', 300),
      ],
      notes: [
        'Curl reads the saved view holding the answer in one plain read (SKU Ranking with pages All Regions and FY26; Net Sales by Store with pages All Categories and Forecast), timed by curl itself (time_total), alternating with the bot turns.',
        'Latencies are wall time of one /api/chat turn in one session (connected once); the answer is not checked here (PlanBench checks answers). Peak RSS is the bot process VmHWM.',
        "Before the rounds, one unmeasured curl read of each view warms the simulator (it builds a sparse module's index on the first read, which real Anaplan does not do); the bot's first turns still include its own cold work (the model catalog, view metadata).",
      ],
      durationMs: Math.round(performance.now() - started),
    }
  } finally {
    await bot?.close()
    await sim.close()
  }
}
