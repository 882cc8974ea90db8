/** Cold start as a benchmark result: wraps `measureColdStart` from `cold-start.ts` (functions engineer). */
import { measureColdStart } from './cold-start.ts'
import { type BenchResult, goal, machine } from './lib/report.ts'

export interface ColdStartBenchOptions {
  /** @default 5 */
  runs?: number
}

/** Runs the cold-start benchmark: the Dialogflow webhook function vs a hello world. */
export async function coldStart(options: ColdStartBenchOptions = {}): Promise<BenchResult> {
  const started = performance.now()
  const r = await measureColdStart({ runs: options.runs ?? 5, target: 'dialogflowWebhook' })
  return {
    name: 'cold-start',
    description:
      'process start to first answer of the Dialogflow ES webhook under the Functions Framework vs a hello world',
    machine: machine(),
    parameters: { runs: r.runs, target: r.target, from: r.from },
    project: { ...r.function },
    baseline: { ...r.helloWorld },
    goals: [goal('median / hello-world median', r.ratio, '<=', 1.5)],
    notes: [
      r.from === 'src'
        ? 'Measured from src through tsx (no dist/ build present): run `npm run build` first to measure the compiled build, as deployed.'
        : 'Measured on the compiled build (dist/), as deployed.',
      'The first answer includes building the bot and training its NLU; the hello world only starts the framework.',
    ],
    durationMs: Math.round(performance.now() - started),
  }
}
