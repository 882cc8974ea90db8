import { describe, expect, it } from 'vitest'
import { INTENT_CATALOG } from '../../intents/index.ts'
import { HANDLERS, READS } from './index.ts'

describe('handlers attached to the intent registry', () => {
  it('attaches one handler to every intent but the core-owned confirm and deny', () => {
    const handled = INTENT_CATALOG.map((i) => i.name).filter((n) => HANDLERS[n])
    expect(handled.sort()).toEqual(
      INTENT_CATALOG.map((i) => i.name)
        .filter((n) => n !== 'confirm' && n !== 'deny')
        .sort(),
    )
    // The table has no prototype: a choice naming "constructor" finds no handler.
    expect(HANDLERS.constructor).toBeUndefined()
    expect(HANDLERS.__proto__).toBeUndefined()
  })

  it('reads the intents that need read access from the rows', () => {
    expect(READS.has('read_cell')).toBe(true)
    expect(READS.has('write_cell')).toBe(false)
  })
})
