/** Cold start as a benchmark result: wraps `measureColdStart` from `cold-start.ts` (functions engineer). */
import { loadavg } from 'node:os'
import { measureColdStart } from './cold-start.ts'
import { type BenchResult, goal, machine } from './lib/report.ts'

export interface ColdStartBenchOptions {
  /** Starts of each function. Cold starts on a shared 2-core machine vary by ±15 %; 15 pairs keep the medians steady. @default 15 */
  runs?: number
}

/** Runs the cold-start benchmark: the Dialogflow webhook function vs a hello world. */
export async function coldStart(options: ColdStartBenchOptions = {}): Promise<BenchResult> {
  const started = performance.now()
  const loadBefore = loadavg()[0] ?? 0
  const r = await measureColdStart({ runs: options.runs ?? 15, target: 'dialogflowWebhook' })
  return {
    name: 'cold-start',
    description:
      'process start to first answer of the Dialogflow ES webhook under the Functions Framework vs a hello world',
    machine: machine(),
    parameters: { runs: r.runs, target: r.target, from: r.from },
    // Each function start ran right after a hello-world start: the median of those pairs' ratios is
    // less sensitive to the machine's load drifting during the run. Reported, not the goal.
    project: { ...r.function, pairedRatioMedian: r.pairedRatioMedian },
    baseline: { ...r.helloWorld },
    goals: [goal('median / hello-world median', r.ratio, '<=', 1.5)],
    notes: [
      r.from === 'src'
        ? 'Measured from src through tsx (no dist/ build present): run `npm run build` first to measure the compiled build, as deployed.'
        : 'Measured on the compiled build (dist/), as deployed.',
      'The first answer is a Dialogflow ES welcome: the function module and its chunks load, the instance warms up (credentials, an Anaplan authentication, the bot and its channel, the models list prefetched from the simulator), then the turn runs. Dialogflow recognises the intent, so no NLU classifier is loaded. The hello world only starts the framework and answers.',
      'What separates them (CPU profiles, docs/deploy.md): Node initialising its web Request/Response implementation (undici, ~20 ms; the web-standard handlers need it, while the Anaplan client talks node:http), pino (~9 ms), the rest of the project code, and the first request through cold code.',
      `1-minute load average of the machine at the start: ${loadBefore.toFixed(2)} (the machine may be shared).`,
    ],
    durationMs: Math.round(performance.now() - started),
  }
}
