/**
 * Token reuse: N bot turns over HTTP (`POST /api/chat`, concurrency C) against a simulator whose
 * tokens live `ttl` seconds; `/__sim/stats` counts the auth-service calls. The baseline is the
 * original design: a new client, hence a new token, for every turn.
 */

import { type BenchResult, goal, machine, round, runConcurrently } from './lib/report.ts'
import { type SimStats, type Stack, startStack } from './lib/stack.ts'
import { webHeaders } from './lib/web-session.ts'

export interface TokenReuseOptions {
  /** @default 10000 */
  turns?: number
  /** @default 50 */
  concurrency?: number
  /** Token lifetime in the simulator. @default 10 */
  ttlSeconds?: number
  /** Baseline turns (each authenticates). @default turns / 5 */
  baselineTurns?: number
}

const TEXTS = [
  'show me Revenue by Region for Widgets and Forecast',
  'what is Revenue for EMEA in Q3 FY26?',
  'show me Revenue by Region for Gadgets and Budget',
  'which views are there?',
]

interface Run {
  turns: number
  seconds: number
  turnsPerSecond: number
  failures: number
  authenticate: number
  refresh: number
  /** Token lifetimes the run spanned (rounded up). */
  lifetimes: number
}

async function drive(stack: Stack, turns: number, concurrency: number, ttlSeconds: number): Promise<Run> {
  const url = stack.url ?? ''
  const sessions = Math.max(concurrency, 1)
  const signedIn = await webHeaders(url)
  const post = async (sessionId: string, text: string): Promise<boolean> => {
    const res = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedIn },
      body: JSON.stringify({ sessionId, text }),
    })
    const body = (await res.json()) as { messages?: { type: string; text?: string }[] }
    return res.status === 200 && (body.messages?.length ?? 0) > 0
  }
  await runConcurrently(sessions, concurrency, async (i) => {
    await post(`tok-${i}`, 'connect to Sales Forecast')
  })
  let failures = 0
  const started = performance.now()
  await runConcurrently(turns, concurrency, async (i) => {
    const ok = await post(`tok-${i % sessions}`, TEXTS[i % TEXTS.length] as string).catch(() => false)
    if (!ok) failures++
  })
  const seconds = (performance.now() - started) / 1000
  const stats: SimStats = await stack.stats()
  return {
    turns,
    seconds: round(seconds, 1),
    turnsPerSecond: round(turns / seconds, 1),
    failures,
    authenticate: stats.auth.authenticate,
    refresh: stats.auth.refresh,
    lifetimes: Math.ceil(seconds / ttlSeconds),
  }
}

/** Runs the token-reuse benchmark. */
export async function tokenReuse(options: TokenReuseOptions = {}): Promise<BenchResult> {
  const turns = options.turns ?? 10_000
  const concurrency = options.concurrency ?? 50
  const ttlSeconds = options.ttlSeconds ?? 10
  // One token per turn is one authenticate per turn whatever N is: a fifth of the turns shows it.
  const baselineTurns = options.baselineTurns ?? Math.ceil(turns / 5)
  const started = performance.now()
  // Refresh this long before expiry: 5 of 35 minutes in production, scaled to the short lifetime.
  const eagerRefreshMs = Math.round((ttlSeconds * 1000 * 5) / 35)

  const project = await startStack({
    listen: true,
    simulator: { tokenTtlSeconds: ttlSeconds },
    client: { eagerRefreshMs },
  })
  let p: Run
  try {
    p = await drive(project, turns, concurrency, ttlSeconds)
  } finally {
    await project.close()
  }

  const baseline = await startStack({
    listen: true,
    simulator: { tokenTtlSeconds: ttlSeconds },
    clientPerTurn: true,
  })
  let b: Run
  try {
    b = await drive(baseline, baselineTurns, concurrency, ttlSeconds)
  } finally {
    await baseline.close()
  }

  const projectCalls = p.authenticate + p.refresh
  const baselinePerTurn = (b.authenticate + b.refresh) / b.turns
  const notes: string[] = [
    `Token lifetime ${ttlSeconds} s (35 min in Anaplan); eager refresh ${eagerRefreshMs} ms before expiry, the production 5-of-35-minutes proportion.`,
    'Auth calls include the connect turn of each session; the baseline builds a new AnaplanClient per turn, as the original one-token-per-call design does.',
  ]
  if (p.failures > 0 || b.failures > 0)
    notes.push(`Failed turns: project ${p.failures}, baseline ${b.failures}.`)
  return {
    name: 'token-reuse',
    description: `${turns} /api/chat turns at concurrency ${concurrency}; auth-service calls counted by /__sim/stats`,
    machine: machine(),
    parameters: { turns, concurrency, ttlSeconds, eagerRefreshMs, baselineTurns },
    project: { ...p, authCallsPerTurn: round(projectCalls / p.turns, 5) },
    baseline: { ...b, authCallsPerTurn: round(baselinePerTurn, 3) },
    goals: [
      goal('authenticate calls per process', p.authenticate, '<=', 1),
      goal('refreshes per token lifetime', p.refresh / Math.max(1, p.lifetimes), '<=', 1),
      goal('turns that failed', p.failures, '<=', 0),
      goal(
        'baseline auth calls per project auth call (same turns)',
        (baselinePerTurn * p.turns) / Math.max(1, projectCalls),
        '>=',
        1,
      ),
    ],
    notes,
    durationMs: Math.round(performance.now() - started),
  }
}
