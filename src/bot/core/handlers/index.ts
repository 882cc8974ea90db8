/**
 * Attaches one handler to each row of the intent registry, by name. A row without a handler, or a
 * handler for no row, stops the bot at load rather than at the first turn that needs it.
 */
import { type Access, INTENTS } from '../../intents/index.ts'
import type { IntentHandler } from '../context.ts'
import { cancelTask, listActions, runAction, taskStatus } from './actions.ts'
import { readCell, writeCell } from './cells.ts'
import {
  connectModel,
  disconnect,
  fallback,
  greeting,
  help,
  listModels,
  listWorkspaces,
  whoami,
} from './general.ts'
import { addListItem, listItems } from './lists.ts'
import { listViews, setPage, showView } from './views.ts'

/** Handlers by intent name (no prototype: "constructor" or "__proto__" name no handler). */
export const HANDLERS: Readonly<Record<string, IntentHandler>> = attach({
  greeting,
  help,
  fallback,
  list_workspaces: listWorkspaces,
  list_models: listModels,
  connect_model: connectModel,
  list_views: listViews,
  show_view: showView,
  set_page: setPage,
  list_actions: listActions,
  run_action: runAction,
  task_status: taskStatus,
  cancel_task: cancelTask,
  read_cell: readCell,
  write_cell: writeCell,
  list_items: listItems,
  add_list_item: addListItem,
  whoami,
  disconnect,
})

/** Intents that need read access to the connected model (changes are checked by their own kind). */
export const READS: ReadonlySet<string> = intentsWith('read')

/** Intents whose rows say they need `access`. */
export function intentsWith(access: Access): ReadonlySet<string> {
  return new Set(
    INTENTS.all()
      .filter((i) => i.access === access)
      .map((i) => i.name),
  )
}

/** The handler table, checked against the registry (confirm and deny are the core's own). */
function attach(handlers: Record<string, IntentHandler>): Record<string, IntentHandler> {
  const own = new Set(['confirm', 'deny'])
  const table: Record<string, IntentHandler> = Object.create(null)
  for (const [name, handler] of Object.entries(handlers)) {
    if (!INTENTS.get(name)) throw new Error(`handler for unknown intent ${name}`)
    table[name] = handler
  }
  const missing = INTENTS.all().filter((i) => !table[i.name] && !own.has(i.name))
  if (missing.length) throw new Error(`intents without a handler: ${missing.map((i) => i.name).join(', ')}`)
  return table
}
