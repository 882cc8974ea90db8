/** The phrasing categories of issue 10 §5, one behaviour each. */
import { describe, expect, it } from 'vitest'
import { DEMO_VOCABULARY } from './demo-vocabulary.ts'
import { Nlu } from './nlu.ts'
import { correctPhrasing, cuedIntent, spokenLike } from './phrasing.ts'

const nlu = new Nlu(DEMO_VOCABULARY)
const intent = async (text: string) => (await nlu.understand(text)).intent

describe('misspelt command words', () => {
  it('are corrected against the phrases own words', () => {
    expect(correctPhrasing('lsit the veiws')).toBe('list the views')
    expect(correctPhrasing('shwo me the wrkspaces')).toBe('show me the workspaces')
  })

  it('leave names, real short words and placeholders alone', () => {
    expect(correctPhrasing('fire off the zzaction')).toBe('fire off the zzaction')
    expect(correctPhrasing('zzlineitem for zzitem')).toBe('zzlineitem for zzitem')
  })

  it.each([
    ['dsiconnect me now', 'disconnect'],
    ['wokrspaces please', 'list_workspaces'],
    ['lsit all modles', 'list_models'],
  ])('%s → %s', async (text, name) => {
    expect((await intent(text)).name).toBe(name)
  })
})

describe('cues', () => {
  it.each([
    ['yeah sure', 'confirm'],
    ['okay, go ahead then', 'confirm'],
    ['nah, forget it', 'deny'],
    ['nope not now', 'deny'],
    ['stop it', 'cancel_task'],
    ['cancel the running refresh', 'cancel_task'],
    ['abort zzaction', 'cancel_task'],
    ['has the export completed', 'task_status'],
    ['is it still running', 'task_status'],
  ])('%s → %s', (text, name) => {
    expect(cuedIntent(text)).toBe(name)
  })

  it('do not take a question or a write for a yes, a no or a cancel', () => {
    for (const text of ['yes what is zzlineitem for zzitem', 'no zzlineitem', 'stop', 'is zzlineitem done'])
      expect(cuedIntent(text)).toBeUndefined()
  })

  it('fill the cued intent with the names it takes', async () => {
    const r = await nlu.understand('is the refresh finished')
    expect(r.intent.name).toBe('task_status')
    expect(r.parameters).toEqual({ action: 'Monthly Refresh' })
  })
})

describe('version words', () => {
  it.each([
    ['Units for Gadgets bud', 'Budget'],
    ['act Revenue of APAC', 'Actual'],
    ['fcst Price for Widgets', 'Forecast'],
    ['the planned Travel in EMEA', 'Budget'],
  ])('%s reads version %s', async (text, version) => {
    const r = await nlu.understand(text)
    expect(r.intent.name).toBe('read_cell')
    expect(r.parameters.version).toBe(version)
  })
})

describe('item names a user introduces', () => {
  it.each([
    ['put Scandinavia in as a new region', 'Scandinavia', 'Regions'],
    ['we just launched Clamps, add that product', 'Clamps', 'Products'],
    ['Marketplace should be added to Channels', 'Marketplace', 'Channels'],
    ['add Middle East to the Regions list', 'Middle East', 'Regions'],
  ])('%s → %s in %s', async (text, item, list) => {
    const r = await nlu.understand(text)
    expect(r.intent.name).toBe('add_list_item')
    expect(r.parameters).toEqual({ item, list })
  })
})

describe('changes are classified confidently', () => {
  it.each([
    ['set Units for Widgets in APAC for Mar 26 to 500', 'write_cell'],
    ['change Price of Gizmos to 12', 'write_cell'],
    ['add Doodads to Products', 'add_list_item'],
    ['run Load Actuals', 'run_action'],
  ])('%s → %s', async (text, name) => {
    const i = await intent(text)
    expect(i.name).toBe(name)
    expect(i.confidence).toBeGreaterThanOrEqual(0.9)
  })
})

describe('off-topic text', () => {
  it.each([
    'is it going to snow this weekend',
    'how do I make pancakes',
    'who painted the Mona Lisa',
    'suggest a holiday destination',
  ])('%s → fallback with no parameters', async (text) => {
    const r = await nlu.understand(text)
    expect(r.intent.name).toBe('fallback')
    expect(r.parameters).toEqual({})
  })

  it('counts words outside the intent’s phrases, one stray word allowed', () => {
    expect(spokenLike('confirm', 'will it rain in paris tomorrow')).toBe(false)
    expect(spokenLike('list_actions', 'anything I can run here')).toBe(true)
    expect(spokenLike('whoami', 'who are you acting as')).toBe(true)
    expect(spokenLike('whoami', 'who are you acting as', new Set(), true)).toBe(false)
  })
})
