import { describe, expect, it } from 'vitest'
import { INTENT_CATALOG, INTENTS, IntentRegistry, intentByName, intentLabel } from './index.ts'

/** The PRODUCT.md intent table: names and parameter names are a public interface. */
const PRODUCT_INTENTS: Record<string, string[]> = {
  greeting: [],
  help: [],
  fallback: [],
  list_workspaces: [],
  list_models: [],
  connect_model: ['model', 'workspace'],
  list_views: [],
  show_view: ['view', 'pages'],
  set_page: ['dimension', 'item'],
  list_actions: ['actionType'],
  run_action: ['action', 'actionType'],
  task_status: ['action'],
  cancel_task: ['action'],
  read_cell: ['lineItem', 'items', 'period', 'version'],
  write_cell: ['lineItem', 'items', 'period', 'version', 'value'],
  list_items: ['list'],
  add_list_item: ['list', 'item'],
  confirm: [],
  deny: [],
  whoami: [],
  disconnect: [],
}

describe('intent registry', () => {
  it('has every PRODUCT.md intent with its parameters, and no other', () => {
    expect(Object.fromEntries(INTENT_CATALOG.map((i) => [i.name, i.parameters.map((p) => p.name)]))).toEqual(
      PRODUCT_INTENTS,
    )
  })

  it('gives every required parameter a prompt and every intent phrases', () => {
    for (const i of INTENT_CATALOG) {
      expect(i.phrases.length, i.name).toBeGreaterThan(0)
      for (const p of i.parameters.filter((x) => x.required))
        expect(p.prompt, `${i.name}.${p.name}`).toBeTruthy()
    }
  })

  it('says what each intent needs of the model', () => {
    expect(intentByName('write_cell')?.access).toBe('write')
    expect(intentByName('run_action')?.access).toBe('run')
    expect(intentByName('add_list_item')?.access).toBe('lists')
    expect(
      INTENT_CATALOG.filter((i) => i.access === 'read')
        .map((i) => i.name)
        .sort(),
    ).toEqual(
      [
        'list_actions',
        'list_items',
        'list_views',
        'read_cell',
        'set_page',
        'show_view',
        'task_status',
      ].sort(),
    )
    expect(intentByName('greeting')?.access).toBe('none')
  })

  it('labels intents offered as choices', () => {
    expect(intentLabel('write_cell')).toBe('Change a cell')
    expect(intentLabel('whoami')).toBe('Who am I')
    // A button never shows an intent's internal name ("deny", "list_workspaces").
    for (const i of INTENT_CATALOG) {
      expect(i.label.length, i.name).toBeGreaterThan(0)
      expect(i.label, i.name).not.toMatch(/_/)
      expect(i.label, i.name).not.toBe(i.name)
    }
  })

  it('refuses a name registered twice', () => {
    const r = new IntentRegistry().intent({
      name: 'x',
      label: 'X',
      description: '',
      parameters: [],
      phrases: [],
      responses: [],
    })
    expect(() =>
      r.intent({ name: 'x', label: 'X', description: '', parameters: [], phrases: [], responses: [] }),
    ).toThrow(/twice/)
    expect(INTENTS.get('x')).toBeUndefined()
  })
})
