import { describe, expect, it } from 'vitest'
import { evaluate, trainingCopies } from './evaluate.ts'
import { HELD_OUT } from './held-out.ts'

describe('held-out check', () => {
  it('has 60+ utterances, none of them a training phrase', () => {
    expect(HELD_OUT.length).toBeGreaterThanOrEqual(60)
    expect(trainingCopies(HELD_OUT.map((u) => u.t))).toEqual([])
  })

  it('is understood', async () => {
    const r = await evaluate([...HELD_OUT])
    console.log(
      `held-out: intent ${r.intentAccuracy}, parameters ${r.parameterAccuracy}\n${r.errors
        .map(
          (e) =>
            `  ${e.text} → ${e.got} ${JSON.stringify(e.parameters)} (want ${e.expected} ${JSON.stringify(e.expectedParameters ?? {})})`,
        )
        .join('\n')}`,
    )
    expect(r.intentAccuracy).toBeGreaterThanOrEqual(0.93)
    expect(r.parameterAccuracy).toBeGreaterThanOrEqual(0.95)
  })
})
