/** Shared pieces of the benchmarks: machine description, percentiles, result files, the summary table. */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, freemem, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const RESULTS_DIR = join(BENCH_DIR, 'results')

export interface Machine {
  cores: number
  cpu: string
  memoryGiB: number
  freeMemoryGiB: number
  node: string
  platform: string
  date: string
}

/** What the machine is, for every result file. */
export function machine(): Machine {
  const list = cpus()
  return {
    cores: list.length,
    cpu: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  }
}

/** One goal of a benchmark: the measured value, its limit, and whether it is met. */
export interface Goal {
  /** What is compared, in words ("p50 / floor"). */
  metric: string
  value: number
  /** The value must be at most (`<=`), below (`<`) or at least (`>=`) this. */
  limit: number
  op: '<=' | '<' | '>='
  met: boolean
}

export function goal(metric: string, value: number, op: '<=' | '<' | '>=', limit: number): Goal {
  const v = round(value, 3)
  return { metric, value: v, limit, op, met: op === '<=' ? v <= limit : op === '<' ? v < limit : v >= limit }
}

/** The file written to `bench/results/<name>.json`. */
export interface BenchResult {
  name: string
  /** One line on what was measured. */
  description: string
  machine: Machine
  parameters: Record<string, unknown>
  project: Record<string, unknown>
  baseline: Record<string, unknown>
  goals: Goal[]
  /** Why a goal was missed, or caveats of the measurement. */
  notes: string[]
  durationMs: number
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] as number
}

export async function writeResult(result: BenchResult, dir = RESULTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = join(dir, `${result.name}.json`)
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`)
  return file
}

/** Runs `tasks` with at most `concurrency` in flight; resolves with each task's duration in ms. */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const durations = new Array<number>(count)
  let next = 0
  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= count) return
      const started = performance.now()
      await task(i)
      durations[i] = performance.now() - started
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return durations
}

/** The summary table printed at the end of `npm run bench`. */
export function summaryTable(results: BenchResult[]): string {
  const rows: string[][] = [['benchmark', 'goal', 'measured', 'limit', 'met']]
  for (const r of results) {
    for (const g of r.goals)
      rows.push([r.name, g.metric, String(g.value), `${g.op} ${g.limit}`, g.met ? 'yes' : 'NO'])
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? []
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n')
}
