/**
 * A change whose answer was lost (our timeout, a connection dropped after sending, a 5xx): Anaplan
 * may or may not have applied it, so it is recorded `unknown`, then settled by looking at Anaplan
 * (the cell read back, the list searched) and the user is told what is known. It is never re-sent.
 */
import type { AuditEntry } from '../audit.ts'
import type { TurnContext } from '../context.ts'

export interface LostAnswer {
  entry: Pick<AuditEntry, 'model' | 'action' | 'details'>
  error: unknown
  /** True when Anaplan shows the change, false when it shows it absent, undefined when it can't tell. */
  check: () => Promise<boolean | undefined>
  /** What to tell the user in each case. */
  said: { applied: string; notApplied: string; unknown: string }
}

export async function settleLostAnswer(ctx: TurnContext, lost: LostAnswer): Promise<void> {
  const { entry } = lost
  await ctx.audit({ ...entry, result: 'unknown', error: (lost.error as Error).name ?? 'Error' })
  let seen: boolean | undefined
  try {
    seen = await lost.check()
  } catch (e) {
    ctx.services.logger.warn(
      { err: e, action: entry.action },
      'could not read back a change whose answer was lost',
    )
    seen = undefined
  }
  if (seen === undefined) return ctx.say(lost.said.unknown)
  await ctx.audit({
    ...entry,
    result: seen ? 'ok' : 'failed',
    reconciled: true,
    ...(seen ? {} : { error: 'not_applied' }),
  })
  ctx.say(seen ? lost.said.applied : lost.said.notApplied)
}
