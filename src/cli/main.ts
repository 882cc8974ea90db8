/**
 * Entry point of `anaplan` (bin/anaplan.js). The first Ctrl-C (or SIGTERM) aborts the running command (a running
 * task is cancelled on the server first); a second Ctrl-C exits at once.
 */
import { runCli } from './program.ts'

const controller = new AbortController()
let interrupts = 0
// A scheduler that times a job out sends SIGTERM: treat it like Ctrl-C so the task is cancelled too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++
    if (interrupts > 1) process.exit(130)
    controller.abort()
  })
}

// `anaplan download X | head`: the reader has all it wanted; stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
})
