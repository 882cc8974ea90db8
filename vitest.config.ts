import { defineConfig } from 'vitest/config'

// Three projects so each layer can run alone; the whole suite is `vitest run`.
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line after the run.
    reporters: ['default', ['json', { outputFile: 'coverage/vitest-results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          // bench/**: PlanBench's scorer, reader and data checks (fast; the benchmarks themselves are not tests).
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
})
