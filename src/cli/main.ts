/**
 * Entry point of `anaplan` (bin/anaplan.js). The first Ctrl-C aborts the running command (a running
 * task is cancelled on the server first); a second Ctrl-C exits at once.
 */
import { runCli } from './program.ts'

const controller = new AbortController()
let interrupts = 0
process.on('SIGINT', () => {
  interrupts++
  if (interrupts > 1) process.exit(130)
  controller.abort()
})

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
