/**
 * Confirmation before writes: asked on a terminal, skipped with `--yes`, and refused outright when
 * nobody can answer (stdin is not a terminal) so that a scheduled job never writes by accident.
 */
import { createInterface } from 'node:readline/promises'
import type { CliContext } from './context.ts'
import { CliError, ExitCode, UsageError } from './exit-codes.ts'

/**
 * Returns when the write may go ahead.
 * @throws {UsageError} Without `--yes` when stdin is not a terminal (exit 2).
 * @throws {CliError} When the person answers no (exit 1, nothing written).
 */
export async function confirmWrite(ctx: CliContext, what: string): Promise<void> {
  if (ctx.yes) return
  refuseUnattended(ctx, what)
  const ask = ctx.io.confirm ?? ((q: string) => promptYesNo(ctx.io.stdin, ctx.io.stderr, q))
  if (!(await ask(`About to ${what}. Continue? [y/N] `))) {
    throw new CliError('cancelled; nothing was written', ExitCode.FAILED, 'declined')
  }
}

/**
 * Fails fast, before any request, when a write could never be confirmed.
 * @throws {UsageError} Without `--yes` when stdin is not a terminal (exit 2).
 */
export function refuseUnattended(ctx: CliContext, what: string): void {
  if (ctx.yes || ctx.io.stdin.isTTY === true) return
  throw new UsageError(`refusing to ${what} without --yes (stdin is not a terminal, so nobody can confirm)`)
}

/** Asks on `output` and reads one line from `input`; only "y" or "yes" count as yes. */
export async function promptYesNo(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  question: string,
): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: false })
  try {
    const answer = await rl.question(question)
    return /^\s*y(es)?\s*$/i.test(answer)
  } finally {
    rl.close()
  }
}
