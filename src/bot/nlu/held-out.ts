/**
 * The nlu engineer's own held-out check: fresh everyday utterances written before tuning and kept
 * apart from the training phrases (never copied into the intent registry, never trained on). It
 * covers the phrasing categories of issue 10 §5 (misspelt command words, one-word answers, cancel
 * versus status, version words, new item names, off-topic text) over Sales Forecast's names.
 * The bench engineer's labelled sets are the independent measure; this one guards regressions.
 */
import type { LabelledUtterance } from './evaluate.ts'

export const HELD_OUT: readonly LabelledUtterance[] = [
  // Misspelt command words.
  { t: 'lsit the veiws', i: 'list_views' },
  { t: 'wrkspaces', i: 'list_workspaces' },
  { t: 'shwo me the wrokspaces i have', i: 'list_workspaces' },
  { t: 'whcih modles are there', i: 'list_models' },
  { t: 'shwo Revenue by Region', i: 'show_view', p: { view: 'Revenue by Region' } },
  { t: 'disconect', i: 'disconnect' },
  { t: 'conect to Sales Forecast', i: 'connect_model', p: { model: 'Sales Forecast' } },
  { t: 'lst the prodcts', i: 'list_items', p: { list: 'Products' } },
  { t: 'wich imports do we hav', i: 'list_actions', p: { actionType: 'import' } },
  { t: 'hlep', i: 'help' },
  // One-word and short confirmations and denials.
  { t: 'yup', i: 'confirm' },
  { t: 'yep, go', i: 'confirm' },
  { t: 'sure thing', i: 'confirm' },
  { t: 'ok go', i: 'confirm' },
  { t: 'yeah do it', i: 'confirm' },
  { t: 'sounds good', i: 'confirm' },
  { t: 'go for it', i: 'confirm' },
  { t: 'nah', i: 'deny' },
  { t: 'nope, leave it', i: 'deny' },
  { t: "don't do that", i: 'deny' },
  { t: 'no way', i: 'deny' },
  { t: 'hold off', i: 'deny' },
  { t: 'not yet, leave it', i: 'deny' },
  // Cancel versus status.
  { t: 'abort the running import', i: 'cancel_task' },
  { t: 'please stop the refresh that is running', i: 'cancel_task' },
  { t: 'terminate Load Actuals', i: 'cancel_task', p: { action: 'Load Actuals' } },
  { t: 'kill that export', i: 'cancel_task' },
  { t: 'is that import done now', i: 'task_status' },
  { t: 'has the export finished yet', i: 'task_status' },
  { t: 'how far along is Monthly Refresh', i: 'task_status', p: { action: 'Monthly Refresh' } },
  { t: 'still running?', i: 'task_status' },
  // Version words and abbreviations.
  {
    t: 'Revenue for EMEA bud',
    i: 'read_cell',
    p: { lineItem: 'Revenue', items: ['EMEA'], version: 'Budget' },
  },
  {
    t: 'Units of Widgets in APAC act for Mar 26',
    i: 'read_cell',
    p: { lineItem: 'Units', items: ['Widgets', 'APAC'], version: 'Actual', period: 'Mar 26' },
  },
  {
    t: 'actuals Revenue for LATAM',
    i: 'read_cell',
    p: { lineItem: 'Revenue', items: ['LATAM'], version: 'Actual' },
  },
  {
    t: 'fcst Units for Gizmos',
    i: 'read_cell',
    p: { lineItem: 'Units', items: ['Gizmos'], version: 'Forecast' },
  },
  {
    t: 'planned Revenue for North America in Q2',
    i: 'read_cell',
    p: { lineItem: 'Revenue', items: ['North America'], version: 'Budget', period: 'Q2 FY26' },
  },
  {
    t: 'what did we budget for Travel in EMEA',
    i: 'read_cell',
    p: { lineItem: 'Travel', items: ['EMEA'], version: 'Budget' },
  },
  // Item names a user introduces.
  { t: 'put Benelux in as a new region', i: 'add_list_item', p: { item: 'Benelux', list: 'Regions' } },
  {
    t: 'we now sell Brackets, add that product',
    i: 'add_list_item',
    p: { item: 'Brackets', list: 'Products' },
  },
  { t: 'Nordics needs to be added to Regions', i: 'add_list_item', p: { item: 'Nordics', list: 'Regions' } },
  { t: 'create a channel named Wholesale', i: 'add_list_item', p: { item: 'Wholesale', list: 'Channels' } },
  { t: 'add Hinges as a product', i: 'add_list_item', p: { item: 'Hinges', list: 'Products' } },
  // Writes stay writes.
  {
    t: 'set Units for Widgets in APAC for Mar 26 to 500',
    i: 'write_cell',
    p: { lineItem: 'Units', items: ['Widgets', 'APAC'], period: 'Mar 26', value: 500 },
  },
  {
    t: 'bump Price of Gadgets in EMEA up to 14',
    i: 'write_cell',
    p: { lineItem: 'Price', items: ['Gadgets', 'EMEA'], value: 14 },
  },
  {
    t: 'Travel for LATAM in Feb 26 should be 3000',
    i: 'write_cell',
    p: { lineItem: 'Travel', items: ['LATAM'], period: 'Feb 26', value: 3000 },
  },
  {
    t: 'change Headcount in APAC to 40',
    i: 'write_cell',
    p: { lineItem: 'Headcount', items: ['APAC'], value: 40 },
  },
  // Reads (questions about figures).
  {
    t: 'how much Revenue did Gizmos bring in during Q3',
    i: 'read_cell',
    p: { lineItem: 'Revenue', items: ['Gizmos'], period: 'Q3 FY26' },
  },
  {
    t: 'Units sold of Sprockets in LATAM',
    i: 'read_cell',
    p: { lineItem: 'Units', items: ['Sprockets', 'LATAM'] },
  },
  { t: 'what do we pay in Salaries in EMEA', i: 'read_cell', p: { lineItem: 'Salaries', items: ['EMEA'] } },
  { t: "what's the Price for Widgets", i: 'read_cell', p: { lineItem: 'Price', items: ['Widgets'] } },
  // Actions, views, lists, models in everyday phrasing.
  { t: 'can you kick off the Monthly Refresh', i: 'run_action', p: { action: 'Monthly Refresh' } },
  { t: 'I need Load Actuals run now', i: 'run_action', p: { action: 'Load Actuals' } },
  { t: 'fire off the Revenue Export', i: 'run_action', p: { action: 'Revenue Export' } },
  { t: 'what exports can I trigger', i: 'list_actions', p: { actionType: 'export' } },
  { t: 'anything I can run here?', i: 'list_actions' },
  { t: 'bring up Units by Product', i: 'show_view', p: { view: 'Units by Product' } },
  { t: 'I would like to see the Expenses Summary', i: 'show_view', p: { view: 'Expenses Summary' } },
  { t: 'what reports are in this model', i: 'list_views' },
  { t: 'switch it to Budget', i: 'set_page', p: { item: 'Budget' } },
  { t: 'now show Gizmos instead', i: 'set_page', p: { item: 'Gizmos' } },
  { t: 'which products are in the list', i: 'list_items', p: { list: 'Products' } },
  { t: 'what channels do we sell through', i: 'list_items', p: { list: 'Channels' } },
  { t: 'take me to Workforce Plan', i: 'connect_model', p: { model: 'Workforce Plan' } },
  { t: 'which models do I have', i: 'list_models' },
  { t: 'show me every workspace', i: 'list_workspaces' },
  { t: 'who is this bot logged in as', i: 'whoami' },
  { t: 'which model am I on', i: 'whoami' },
  { t: "I'm finished, disconnect me", i: 'disconnect' },
  { t: 'hiya', i: 'greeting' },
  { t: 'morning!', i: 'greeting' },
  { t: 'what sort of things can you answer', i: 'help' },
  // Off-topic.
  { t: 'will it rain in Paris tomorrow', i: 'fallback' },
  { t: 'give me a recipe for lasagne', i: 'fallback' },
  { t: 'what is the capital of Australia', i: 'fallback' },
  { t: 'how many legs does a spider have', i: 'fallback' },
  { t: 'recommend a good movie', i: 'fallback' },
  { t: 'what is the temperature outside', i: 'fallback' },
]
