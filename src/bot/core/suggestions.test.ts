import { describe, expect, it } from 'vitest'
import { emptyVocabulary } from '../nlu/vocabulary.ts'
import { suggestQuestions } from './suggestions.ts'

describe('suggestQuestions', () => {
  it('offers the models before a connection, and questions in the model’s own names after', () => {
    const v = {
      ...emptyVocabulary(),
      models: [{ id: 'm1', name: 'Sales Forecast' }],
      views: [{ id: 'v', name: 'Revenue by Region' }],
      lists: [
        {
          id: 'l',
          name: 'Regions',
          items: [
            { id: 'a', name: 'North America' },
            { id: 'b', name: 'EMEA' },
          ],
        },
      ],
      lineItems: [
        { id: 'u', name: 'Units', moduleName: 'REV01' },
        { id: 'r', name: 'Revenue', moduleName: 'REV01' },
        { id: 'h', name: 'Headcount', moduleName: 'OPX01' },
      ],
      periods: ['Jan 26', 'Q1 FY26'],
      actions: [{ id: 'i', name: 'Load Actuals', type: 'import' as const }],
    }
    expect(suggestQuestions(v, undefined)).toEqual(['connect to Sales Forecast', 'which models can I use?'])
    expect(suggestQuestions(v, 'Sales Forecast')).toEqual([
      'show Revenue by Region',
      'what is Revenue for EMEA in Q1 FY26?',
      'which actions are there?',
    ])
    expect(suggestQuestions(emptyVocabulary(), 'Empty')).toEqual([])
  })
})
