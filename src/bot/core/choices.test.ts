import { describe, expect, it } from 'vitest'
import { encodeChoice, encodeChoiceEach, matchOffered, namedOption } from './choices.ts'

const measures = [
  { label: 'Salary Cost', value: 'cost' },
  { label: 'Average Salary', value: 'average' },
]

describe('matchOffered: a typed answer to the options offered', () => {
  it('takes the number, the label, an ordinal or a label cut short', () => {
    expect(matchOffered('2', measures)).toBe('average')
    expect(matchOffered('salary cost', measures)).toBe('cost')
    expect(matchOffered('the second one', measures)).toBe('average')
    expect(matchOffered('first', measures)).toBe('cost')
    expect(matchOffered('the last one pls', measures)).toBe('average')
    expect(matchOffered('Average Sal', measures)).toBe('average')
  })

  it('takes an option named by some of its own words, or pointed at as "the … one"', () => {
    expect(matchOffered('cost', measures)).toBe('cost')
    expect(matchOffered('average', measures)).toBe('average')
    expect(matchOffered('the total cost one', measures)).toBe('cost')
    const dims = [
      { label: 'Regions', value: 'r' },
      { label: 'Products', value: 'p' },
    ]
    expect(matchOffered('by product', dims)).toBe('p')
    // A short form of one of its words: "avg" for Average, "prods" for Products.
    expect(matchOffered('the avg one', measures)).toBe('average')
    // "total" qualifies and names no option.
    expect(matchOffered('total cost', measures)).toBe('cost')
    expect(matchOffered('prods', dims)).toBe('p')
  })

  it('leaves a new request, a word both options share or an unknown word to the understanding', () => {
    expect(matchOffered('salary', measures)).toBeUndefined()
    expect(matchOffered('headcount for finance', measures)).toBeUndefined()
    expect(matchOffered('show me the cost for engineering in q2 please', measures)).toBeUndefined()
    expect(matchOffered('the fifth one', measures)).toBeUndefined()
  })
})

describe('namedOption: the option a longer reply names before saying more', () => {
  it('takes the one option all of whose words are in the reply', () => {
    const opts = [
      { label: 'Revenue', value: 'r' },
      { label: 'Units', value: 'u' },
    ]
    expect(namedOption('units, actuals', opts)?.value).toBe('u')
    expect(namedOption('revenue and units', opts)).toBeUndefined()
    expect(namedOption('for actuals', opts)).toBeUndefined()
    expect(namedOption('salary cost for q2', measures)?.value).toBe('cost')
  })
})

describe('encodeChoiceEach', () => {
  const each = (values: string[], parametersFor: (v: string) => Record<string, unknown>) =>
    expect(encodeChoiceEach('show_view', values, parametersFor)).toEqual(
      values.map((v) => encodeChoice('show_view', parametersFor(v))),
    )

  it('encodes each value as encodeChoice would, whatever the value holds', () => {
    const shown = { Products: 'Widgets', Versions: 'Forecast', 'Line Items': 'Revenue' }
    const items = ['Widgets', 'Gadgets & Co', 'naïve "quoted" 100%', 'emoji 📈', '', '\u0000each\u0000']
    each(items, (item) => ({ view: 'Revenue by Region', pages: { ...shown, Versions: item } }))
    each(items, (item) => ({ view: item }))
  })

  it('falls back to one encoding per value when the value is not one string of the parameters', () => {
    each(['a', 'b'], (v) => ({ view: v, again: v }))
    each(['a', 'b'], (v) => ({ view: v.toUpperCase() }))
    each(['a', 'b'], () => ({}))
  })
})
