/**
 * The intent and parameter names of the catalog (PRODUCT.md, a fixed public interface), as the
 * channels need them to map Dialogflow intents and parameters. `catalog.test.ts` keeps this list
 * equal to the core's `INTENT_CATALOG`, which stays the source for training phrases and entities.
 */

/** Intent name → parameter names. */
export const CATALOG_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
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

/** Every catalog intent name. */
export const CATALOG_INTENTS: ReadonlySet<string> = new Set(Object.keys(CATALOG_PARAMETERS))
