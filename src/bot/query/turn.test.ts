import { describe, expect, it } from 'vitest'
import { parseQuestion } from './parse.ts'
import type { Question } from './question.ts'
import { salesCatalog } from './test-catalog.ts'
import { parametersOf, questionWins } from './turn.ts'

const catalog = salesCatalog()
const strong = parseQuestion('top 3 products by units in EMEA', catalog)
const intent = (name: string, confidence = 0.9) => ({ name, confidence })
const q = (text: string, focus?: Question) => {
  const p = parseQuestion(text, catalog, focus)
  if (p.kind !== 'question') throw new Error(`not a question: ${text}`)
  return p.question
}

describe('questionWins', () => {
  it('a page change with no view on screen is a question only if it names a measure or edits the focus', () => {
    const page = intent('set_page', 1)
    expect(questionWins(page, {}, parseQuestion('switch the version over to budget', catalog))).toBe(false)
    expect(questionWins(page, {}, parseQuestion('budget revenue please', catalog))).toBe(true)
    const focus = q('revenue for emea in q1')
    expect(questionWins(page, {}, parseQuestion('and for budget?', catalog, focus))).toBe(true)
  })
  it('a question beats the fallback and reads', () => {
    expect(questionWins(intent('fallback', 0.2), {}, strong)).toBe(true)
    expect(questionWins(intent('read_cell'), {}, strong)).toBe(true)
    expect(questionWins(intent('list_items'), {}, strong)).toBe(true)
  })
  it('a change, connection or yes/no keeps its turn when the text has the words it needs', () => {
    const cases: [string, string][] = [
      ['add_list_item', 'add a product called top 3 by units in EMEA'],
      ['run_action', 'run the import of units for EMEA'],
      ['cancel_task', 'cancel the top 3 products by units export'],
      ['connect_model', 'connect to the model with units in EMEA'],
      ['disconnect', 'disconnect, I have the units for EMEA'],
      ['confirm', 'yes, the units for EMEA'],
      ['deny', 'no, not the units for EMEA'],
      ['task_status', 'is the units import for EMEA finished'],
    ]
    for (const [name, text] of cases) expect(questionWins(intent(name), {}, strong, text), name).toBe(false)
  })
  it('a question the classifier misread as a command, without its words, is answered as a question', () => {
    for (const name of [
      'add_list_item',
      'run_action',
      'cancel_task',
      'connect_model',
      'disconnect',
      'confirm',
      'deny',
      'task_status',
      'whoami',
      'list_models',
    ])
      expect(questionWins(intent(name), {}, strong, 'top 3 products by units in EMEA'), name).toBe(true)
    // Nothing of the model named: the command stands.
    expect(
      questionWins(intent('disconnect'), {}, parseQuestion('we are done here', catalog), 'we are done here'),
    ).toBe(false)
  })
  it('a write needs a verb: "top 3" is no write of 3, "set … to 500" stays a write', () => {
    expect(questionWins(intent('write_cell'), {}, strong, 'top 3 products by units in EMEA')).toBe(true)
    expect(questionWins(intent('write_cell'), {}, strong, 'set units for widgets to 3')).toBe(false)
  })
  it('a saved view named in the words is shown as the view', () => {
    expect(questionWins(intent('show_view'), { view: 'Revenue by Region' }, strong)).toBe(false)
  })
  it('fills the public read_cell parameters from the question', () => {
    const p = parseQuestion('revenue for emea and apac in q2, budget', catalog)
    if (p.kind !== 'question') throw new Error('expected a question')
    expect(parametersOf(p.question)).toEqual({
      lineItem: 'Revenue',
      items: ['EMEA', 'APAC'],
      period: 'Q2 FY26',
      version: 'Budget',
    })
  })
})
