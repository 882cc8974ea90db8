/**
 * PlanBench: labelled conversations (`bench/planbench/conversations/`) sent through `/api/chat`
 * as a planner would, each reply scored execute-and-compare against figures the independent
 * reader (`bench/planbench/reader.ts`, plain Integration API reads) computes from the
 * simulator's cells. Reports accuracy per category and model, the confidently-wrong count and
 * rate, and answer latency.
 */

import { type BenchResult, goal, machine, percentile, round } from './lib/report.ts'
import { ANALYST, startStack } from './lib/stack.ts'
import { expectedAnswer } from './planbench/expected.ts'
import type { Reply } from './planbench/figures.ts'
import { replyFigures } from './planbench/figures.ts'
import { ApiReader } from './planbench/reader.ts'
import { scoreTurn, type Verdict } from './planbench/score.ts'
import { CATEGORIES, type Category, type Conversation, loadConversations } from './planbench/spec.ts'

export interface PlanBenchOptions {
  /** About N conversations of each model, spread evenly over its file (a smoke run). */
  perModel?: number
  conversations?: Conversation[]
  /** The result's name (its file under bench/results/). @default 'planbench' */
  name?: string
}

interface Tally {
  turns: number
  right: number
  wrong: number
  confidentlyWrong: number
}

const tally = (): Tally => ({ turns: 0, right: 0, wrong: 0, confidentlyWrong: 0 })
const add = (t: Tally, v: Verdict) => {
  t.turns++
  if (v === 'right') t.right++
  else if (v === 'wrong') t.wrong++
  else t.confidentlyWrong++
}
const accuracy = (t: Tally) => (t.turns ? round(t.right / t.turns, 4) : 0)

export async function planbench(options: PlanBenchOptions = {}): Promise<BenchResult> {
  const started = performance.now()
  const all = options.conversations ?? loadConversations()
  const stack = await startStack()
  try {
    const reader = new ApiReader(stack.sim.authUrl, stack.sim.apiUrl, ANALYST.username, ANALYST.password)
    const { models } = await reader.get<{ models: { name: string }[] }>('/models')
    const present = new Set(models.map((m) => m.name))
    const perModelCount = new Map<string, number>()
    for (const c of all) perModelCount.set(c.model, (perModelCount.get(c.model) ?? 0) + 1)
    const seen = new Map<string, number>()
    const conversations = all.filter((c) => {
      if (!present.has(c.model)) return false
      const n = seen.get(c.model) ?? 0
      seen.set(c.model, n + 1)
      if (options.perModel === undefined) return true
      const stride = Math.max(1, Math.floor((perModelCount.get(c.model) ?? 1) / options.perModel))
      return n % stride === 0
    })
    const skipped = [...new Set(all.filter((c) => !present.has(c.model)).map((c) => c.model))]

    const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, tally()])) as Record<Category, Tally>
    const byModel: Record<string, Tally> = {}
    const overall = tally()
    const latencies: number[] = []
    const failures: Record<string, unknown[]> = {}
    const specErrors: string[] = []
    let conversationsRight = 0
    for (const c of conversations) {
      const session = `planbench-${c.id}`
      await stack.chat(session, `connect to ${c.model}`)
      const source = await reader.model(c.model)
      let allRight = true
      for (const [i, turn] of c.turns.entries()) {
        let expected: Awaited<ReturnType<typeof expectedAnswer>>
        try {
          expected = await expectedAnswer(source, turn.expect)
        } catch (e) {
          specErrors.push(`${c.id}#${i + 1} "${turn.say}": ${(e as Error).message}`)
          allRight = false
          continue
        }
        const t0 = performance.now()
        let reply: Reply
        try {
          reply = (await stack.chat(session, turn.say)) as unknown as Reply
        } catch (e) {
          reply = {
            intent: { name: 'error' },
            messages: [{ type: 'text', text: (e as Error).message.slice(0, 200) }],
          }
        }
        latencies.push(performance.now() - t0)
        const score = scoreTurn(reply, expected)
        add(byCategory[turn.category], score.verdict)
        byModel[c.model] ??= tally()
        add(byModel[c.model] as Tally, score.verdict)
        add(overall, score.verdict)
        if (score.verdict !== 'right') {
          allRight = false
          const list = failures[turn.category] ?? []
          failures[turn.category] = list
          if (list.length < 30)
            list.push({
              conversation: c.id,
              turn: i + 1,
              say: turn.say,
              verdict: score.verdict,
              reason: score.reason,
              ...(score.unexpected.length ? { unexpected: score.unexpected.slice(0, 6) } : {}),
              reply: replyFigures(reply).text.slice(0, 300),
            })
        }
      }
      if (allRight) conversationsRight++
    }
    const categoryAccuracy = Object.fromEntries(
      Object.entries(byCategory).map(([k, t]) => [k, { ...t, accuracy: accuracy(t) }]),
    )
    const lowest = Math.min(
      ...Object.values(byCategory)
        .filter((t) => t.turns > 0)
        .map(accuracy),
    )
    const cwRate = overall.turns ? overall.confidentlyWrong / overall.turns : 0
    return {
      name: options.name ?? 'planbench',
      description: `${overall.turns} checked turns in ${conversations.length} conversations through /api/chat, scored against the simulator's cells`,
      machine: machine(),
      parameters: {
        conversations: conversations.length,
        turns: overall.turns,
        models: [...seen.keys()].filter((m) => present.has(m)),
        ...(skipped.length ? { modelsMissingFromTheSimulator: skipped } : {}),
        ...(options.perModel ? { perModel: options.perModel } : {}),
      },
      project: {
        accuracy: accuracy(overall),
        right: overall.right,
        wrong: overall.wrong,
        confidentlyWrong: overall.confidentlyWrong,
        confidentlyWrongRate: round(cwRate, 4),
        conversationsAllRight: conversationsRight,
        perCategory: categoryAccuracy,
        perModel: Object.fromEntries(
          Object.entries(byModel).map(([k, t]) => [k, { ...t, accuracy: accuracy(t) }]),
        ),
        latencyMs: { p50: round(percentile(latencies, 50), 1), p95: round(percentile(latencies, 95), 1) },
        specErrors,
        failures,
      },
      baseline: {},
      goals: [
        goal('turns right overall', accuracy(overall), '>=', 0.95),
        goal('turns right in the weakest category', Number.isFinite(lowest) ? lowest : 0, '>=', 0.9),
        goal('confidently wrong turns', overall.confidentlyWrong, '<=', 0),
      ],
      notes: [
        'Right: every required figure stated at the precision shown (differences by size), required names present (in order for rankings); unknown names named back with no figure; off-topic answered by the fallback with no figure; ambiguous asked back with at least two of the expected choices and no figure.',
        'Confidently wrong: not right, and the reply states a figure (text, table cell, chart value) that is none of the expected ones (required or allowed: totals, shares, the values compared); for unknown, off-topic and ambiguous turns, any figure. Not figures: quoted echoes, period names, years, counts ("4 regions", "top 5"), list numbering, numbers inside codes.',
        'Each conversation starts with "connect to <model>" (not scored). Latency is per scored turn, in process (app.request), simulator at +0 ms.',
        ...(skipped.length ? [`Not in this simulator, so not run: ${skipped.join(', ')}.`] : []),
      ],
      durationMs: Math.round(performance.now() - started),
    }
  } finally {
    await stack.close()
  }
}
