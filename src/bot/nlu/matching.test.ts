/**
 * Typo matching is linear in the input: very long tokens and very many tokens are read (or found
 * to be nothing) without expanding them. These tests assert what is understood; how long it
 * takes is the understanding benchmark's business.
 */
import { describe, expect, it } from 'vitest'
import { DEMO_VOCABULARY } from './demo-vocabulary.ts'
import { EntityIndex } from './entities.ts'
import { Nlu } from './nlu.ts'

const index = new EntityIndex(DEMO_VOCABULARY)
const nlu = new Nlu(DEMO_VOCABULARY)
const values = (text: string) => index.find(text).map((m) => `${m.kind}:${m.value}`)

describe('typo matching', () => {
  it('still finds misspelt names', () => {
    expect(values('Gadgtes in Nrth America')).toEqual(['listItem:Gadgets', 'listItem:North America'])
    expect(values('revnue of Sprokets')).toEqual(['lineItem:Revenue', 'listItem:Sprockets'])
    expect(values('the Montly Refesh')).toEqual(['action:Monthly Refresh'])
  })

  it('keeps short words and stopwords exact', () => {
    expect(values('in the EMA')).toEqual([])
  })
})

describe('20,000-character input', () => {
  it('one long token is no name and no intent', async () => {
    for (const text of ['1.'.repeat(10_000), 'a'.repeat(20_000), `revenue${'e'.repeat(19_993)}`]) {
      expect(text.length).toBe(20_000)
      const r = await nlu.understand(text)
      expect(r.intent.name).toBe('fallback')
      expect(r.analysis.entities).toEqual([])
    }
  })

  it('many short misspelt tokens are each read', async () => {
    const unit = 'revnue for Gadgtes in Nrth America '
    const text = unit.repeat(Math.floor(20_000 / unit.length))
    const found = index.find(text)
    const copies = Math.floor(20_000 / unit.length)
    expect(found.filter((m) => m.value === 'Gadgets')).toHaveLength(copies)
    expect(found.filter((m) => m.value === 'North America')).toHaveLength(copies)
    const r = await nlu.understand(text)
    expect(r.intent.name).toBe('read_cell')
    expect(r.parameters).toMatchObject({ lineItem: 'Revenue', items: ['Gadgets', 'North America'] })
  })

  it('thousands of periods and numbers are each found once', async () => {
    const text = 'Q1 FY26 500 '.repeat(1666)
    const a = nlu.analyse(text)
    expect(a.periods).toHaveLength(1666)
    expect(a.numbers).toHaveLength(1666)
    expect(a.periods.every((p) => p.name === 'Q1 FY26')).toBe(true)
  })
})
