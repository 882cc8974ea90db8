/**
 * Understanding: utterances per second of `POST /api/nlu` over HTTP, and accuracy on the labelled
 * set (`src/bot/nlu/labelled.yaml`, never used for training), through the endpoint with a session
 * connected to the demo model and in process. Baselines: the HTTP floor of the same server
 * (`GET /healthz`) for throughput, and always answering the most common intent for accuracy.
 */
import { evaluate, loadLabelled } from '../src/bot/nlu/evaluate.ts'
import { type BenchResult, goal, machine, round, runConcurrently } from './lib/report.ts'
import { startStack } from './lib/stack.ts'

export interface UnderstandingOptions {
  /** Passes over the labelled set for the throughput figure. @default 10 */
  passes?: number
  /** @default 8 */
  concurrency?: number
}

/** Runs the understanding benchmark. */
export async function understanding(options: UnderstandingOptions = {}): Promise<BenchResult> {
  const passes = options.passes ?? 10
  const concurrency = options.concurrency ?? 8
  const started = performance.now()
  const set = loadLabelled()
  const stack = await startStack({ listen: true })
  try {
    const url = stack.url ?? ''
    await stack.chat('nlu-bench', 'connect to Sales Forecast')
    const nlu = async (text: string) => {
      const res = await fetch(`${url}/api/nlu`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, sessionId: 'nlu-bench' }),
      })
      if (res.status !== 200) throw new Error(`/api/nlu answered ${res.status}`)
      return (await res.json()) as { intent: { name: string } }
    }
    // Accuracy through the endpoint, one pass.
    let correct = 0
    for (const u of set) if ((await nlu(u.t)).intent.name === u.i) correct++
    const total = passes * set.length
    const t0 = performance.now()
    await runConcurrently(total, concurrency, async (i) => {
      await nlu(set[i % set.length]?.t ?? 'hi')
    })
    const nluSeconds = (performance.now() - t0) / 1000
    const t1 = performance.now()
    await runConcurrently(total, concurrency, async () => {
      await (await fetch(`${url}/healthz`)).arrayBuffer()
    })
    const floorSeconds = (performance.now() - t1) / 1000

    const inProcess = await evaluate(set)
    const counts = new Map<string, number>()
    for (const u of set) counts.set(u.i, (counts.get(u.i) ?? 0) + 1)
    const [majority, majorityCount] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0]
    const perSecond = total / nluSeconds
    const floorPerSecond = total / floorSeconds
    const httpAccuracy = correct / set.length
    return {
      name: 'understanding',
      description: `/api/nlu over ${set.length} labelled utterances × ${passes} at concurrency ${concurrency}`,
      machine: machine(),
      parameters: { utterances: set.length, passes, concurrency },
      project: {
        utterancesPerSecond: round(perSecond, 1),
        intentAccuracyHttp: round(httpAccuracy, 4),
        intentAccuracyInProcess: inProcess.intentAccuracy,
        parameterAccuracyInProcess: inProcess.parameterAccuracy,
        errorsInProcess: inProcess.errors.length,
      },
      baseline: {
        healthzPerSecond: round(floorPerSecond, 1),
        majorityIntent: majority,
        majorityAccuracy: round(majorityCount / set.length, 4),
      },
      goals: [
        // The issue sets no number here; these are the figures we hold ourselves to.
        goal('intent accuracy through /api/nlu', httpAccuracy, '>=', 0.9),
        goal('utterances per second (/api/nlu)', perSecond, '>=', 100),
      ],
      notes: [
        'The issue asks for the figures, not a limit: the 0.9 accuracy and 100 utterances/s goals are ours.',
        'Through the endpoint the session is connected to Sales Forecast, so entities come from the model; in process the NLU uses the demo vocabulary (npm run nlu:report).',
      ],
      durationMs: Math.round(performance.now() - started),
    }
  } finally {
    await stack.close()
  }
}
