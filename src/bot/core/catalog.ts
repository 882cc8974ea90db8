/**
 * The intent catalog: the one description of what the bot understands. The NLU trains on its
 * phrases, the handlers implement its intents, and the channels export it as a Dialogflow agent.
 * Intent and parameter names are a public interface (PRODUCT.md).
 *
 * Training phrases annotate parameters as `{param:example text}`; {@link parsePhrase} splits them.
 * These phrases are for training only: the labelled evaluation set (`src/bot/nlu/labelled.yaml`)
 * is written separately and never trains the model.
 */

/** Kinds of values a parameter takes. Model-dependent ones are refreshed from the model's metadata. */
export type EntityType =
  | 'model'
  | 'workspace'
  | 'view'
  | 'action'
  | 'actionType'
  | 'list'
  | 'listItem'
  | 'lineItem'
  | 'period'
  | 'version'
  | 'dimension'
  | 'number'
  | 'any'

export interface EntityTypeInfo {
  name: EntityType
  /** Dialogflow entity type name (`@model`, or a system entity like `@sys.number`). */
  dialogflow: string
  /** True when values come from the connected model's metadata (refresh them on export). */
  fromModel: boolean
  /** Fixed values with synonyms, for static entity types. */
  values?: { value: string; synonyms: string[] }[]
}

export const ENTITY_TYPES: readonly EntityTypeInfo[] = [
  { name: 'model', dialogflow: '@model', fromModel: true },
  { name: 'workspace', dialogflow: '@workspace', fromModel: true },
  { name: 'view', dialogflow: '@view', fromModel: true },
  { name: 'action', dialogflow: '@action', fromModel: true },
  {
    name: 'actionType',
    dialogflow: '@action-type',
    fromModel: false,
    values: [
      { value: 'import', synonyms: ['import', 'imports', 'load', 'loads'] },
      { value: 'export', synonyms: ['export', 'exports', 'extract', 'extracts'] },
      { value: 'process', synonyms: ['process', 'processes', 'job', 'jobs'] },
      { value: 'action', synonyms: ['action', 'actions', 'delete action', 'delete actions'] },
    ],
  },
  { name: 'list', dialogflow: '@list', fromModel: true },
  { name: 'listItem', dialogflow: '@list-item', fromModel: true },
  { name: 'lineItem', dialogflow: '@line-item', fromModel: true },
  { name: 'period', dialogflow: '@period', fromModel: true },
  { name: 'version', dialogflow: '@version', fromModel: true },
  { name: 'dimension', dialogflow: '@dimension', fromModel: true },
  { name: 'number', dialogflow: '@sys.number', fromModel: false },
  { name: 'any', dialogflow: '@sys.any', fromModel: false },
]

export interface IntentParameter {
  name: string
  entity: EntityType
  required: boolean
  /** The parameter holds several values (`items[]`), or a map for `pages`. */
  isList?: boolean
  /** Question asked when a required value is missing. */
  prompt?: string
}

export interface IntentDefinition {
  name: string
  description: string
  parameters: IntentParameter[]
  /** Training phrases with `{param:example}` annotations. */
  phrases: string[]
  /** Typical replies (for an exported agent's static responses and docs). */
  responses: string[]
  /** The intent changes the model: it is confirmed and checked against the policy first. */
  changes?: 'write' | 'run' | 'lists'
}

const p = (
  name: string,
  entity: EntityType,
  required = false,
  extra: Partial<IntentParameter> = {},
): IntentParameter => ({ name, entity, required, ...extra })

/** Every intent the bot understands. */
export const INTENT_CATALOG: readonly IntentDefinition[] = [
  {
    name: 'greeting',
    description: 'Say hello.',
    parameters: [],
    phrases: [
      'how are you',
      'hi, how is it going',
      'good day to you',

      'hi',
      'hello',
      'hey',
      'hey there',
      'good morning',
      'good afternoon',
      'hello bot',
      'hi there, anyone home',
      'greetings',
      'yo',
    ],
    responses: ['Hello! I can show views, read and write cells and run actions in your Anaplan models.'],
  },
  {
    name: 'help',
    description: 'Explain what the bot can do in the connected model.',
    parameters: [],
    phrases: [
      'what should I ask you',
      'I am confused',

      'help',
      'what can you do',
      'what can I ask you',
      'how does this work',
      'show me the commands',
      'what are my options',
      'I need help',
      'what do you support',
      'what does this model offer',
      'how do I use you',
    ],
    responses: ['I can connect to a model, show views, read or change cells, list items and run actions.'],
  },
  {
    name: 'fallback',
    description: 'Anything the bot does not understand.',
    parameters: [],
    phrases: [
      'how tall is Mount Everest',
      'what day is it today',
      'who invented the telephone',
      'translate this into German',

      'what is the weather',
      'tell me a joke',
      'order a pizza',
      'who won the football',
      'sing a song',
      'banana',
    ],
    responses: ['Sorry, I didn\'t get that. Try "help".'],
  },
  {
    name: 'list_workspaces',
    description: 'List the workspaces the user can see.',
    parameters: [],
    phrases: [
      'list workspaces',
      'which workspaces do I have',
      'show my workspaces',
      'what workspaces can I see',
      'workspaces please',
      'give me the list of workspaces',
      'which workspaces are available',
    ],
    responses: ['You can see these workspaces: …'],
  },
  {
    name: 'list_models',
    description: 'List the models the user can use.',
    parameters: [],
    phrases: [
      'which models can I use',
      'list models',
      'show me the models',
      'what models are there',
      'what models do I have access to',
      'list all models',
      'models please',
      'which models exist in {workspace:FP&A Demo}',
      'show models in the workspace',
      'available models',
    ],
    responses: ['These models are available: …'],
  },
  {
    name: 'connect_model',
    description: 'Connect the conversation to a model, by name or id.',
    parameters: [p('model', 'model', true, { prompt: 'Which model?' }), p('workspace', 'workspace')],
    phrases: [
      'get me to {model:Sales Forecast}',
      'take me into {model:Workforce Plan}',

      'get connected to {model:Sales Forecast}',
      'connect to {model:Sales Forecast}',
      'open {model:Workforce Plan}',
      'use {model:Sales Forecast}',
      'switch to {model:Workforce Plan}',
      'connect me to the {model:Sales Forecast} model',
      'I want to work in {model:Workforce Plan}',
      'open the model {model:Sales Forecast} in {workspace:FP&A Demo}',
      'connect to {model:Workforce Plan} in workspace {workspace:FP&A Demo}',
      'let us use model {model:Sales Forecast}',
      'load the {model:Sales Forecast} model',
      'connect to a model',
      'select model {model:Workforce Plan}',
      'work on {model:Sales Forecast}',
      // Names the user may not see (yet): the sentence shape must carry the intent alone.
      'connect to {model:Finance Plan}',
      'connect me to the {model:Marketing} model',
      'open the {model:Opex 2025} model',
      'switch to model {model:Capex Planning}',
      'connect to {model:Headcount Model}',
    ],
    responses: ['Connected to Sales Forecast in FP&A Demo.'],
  },
  {
    name: 'list_views',
    description: 'List the saved views of the connected model.',
    parameters: [],
    phrases: [
      'list views',
      'which views are there',
      'what views can I see',
      'show me the views',
      'what reports do you have',
      'list the saved views',
      'which views does this model have',
      'available views',
      'what can I look at',
    ],
    responses: ['Views in Sales Forecast: …'],
  },
  {
    name: 'show_view',
    description: 'Show a view as a table (and a chart when its columns are time periods).',
    parameters: [
      p('view', 'view', true, { prompt: 'Which view?' }),
      p('pages', 'listItem', false, { isList: true }),
    ],
    phrases: [
      'show me {view:Revenue by Region} for {pages:Gadgets}',
      'show {view:Revenue by Region}',
      'display {view:Units by Product}',
      'open the {view:Expenses Summary} view',
      'let me see {view:Revenue by Region}',
      'show me the {view:Units by Product} view for {pages:Budget}',
      'pull up {view:Expenses Summary}',
      'view {view:Revenue by Region} for {pages:Widgets} {pages:Actual}',
      'can I see {view:Units by Product}',
      'show a view',
      'show me a report',
      'display the {view:Revenue by Region} table',
      'chart {view:Revenue by Region}',
      'open a view',
    ],
    responses: ['Revenue by Region (Gadgets, Forecast): …'],
  },
  {
    name: 'set_page',
    description: 'Change one page selection of the current view and show it again.',
    parameters: [p('dimension', 'dimension'), p('item', 'listItem', true, { prompt: 'Which item?' })],
    phrases: [
      'switch the page to {item:Budget}',
      'change the page to {item:Gadgets}',
      'set {dimension:Products} to {item:Widgets}',
      'now for {item:Gizmos}',
      'switch {dimension:Versions} to {item:Actual}',
      'change page {dimension:Products} to {item:Sprockets}',
      'same for {item:Budget}',
      'what about {item:Widgets}',
      'use {item:Forecast} instead',
      'page to {item:Gadgets}',
      'flip to {item:Actual}',
      'and for {item:Gizmos}',
    ],
    responses: ['Revenue by Region, now for Budget: …'],
  },
  {
    name: 'list_actions',
    description: 'List imports, exports, processes and actions (optionally of one type).',
    parameters: [p('actionType', 'actionType')],
    phrases: [
      'are there any {actionType:processes}',
      'which {actionType:actions} exist',

      'what {actionType:imports} are there',
      'list {actionType:exports}',
      'which {actionType:processes} can I run',
      'show me the {actionType:actions}',
      'what can I run',
      'list actions',
      'which {actionType:imports} does this model have',
      'show {actionType:processes}',
      'what {actionType:exports} are available',
      'list everything I can run',
      'what jobs are there',
    ],
    responses: ['Imports: Load Actuals, Load Products. Exports: …'],
  },
  {
    name: 'run_action',
    description: 'Run an import, export, process or action (after confirmation).',
    parameters: [p('action', 'action', true, { prompt: 'Which action?' }), p('actionType', 'actionType')],
    phrases: [
      'run the {action:Monthly Refresh} {actionType:process}',
      'run {action:Load Actuals}',
      'start {action:Revenue Export}',
      'execute {action:Monthly Refresh}',
      'kick off the {action:Load Actuals} {actionType:import}',
      'please run {action:Expenses Export}',
      'trigger {action:Delete Discontinued Products}',
      'launch {action:Monthly Refresh}',
      'run the {actionType:export} {action:Revenue Export}',
      'do the {action:Load Products} {actionType:import}',
      'run an {actionType:import}',
      'I want to run an action',
      'go ahead and run {action:Monthly Refresh}',
      'export {action:Revenue Export}',
      'import {action:Load Actuals}',
    ],
    responses: [
      'Run Load Actuals in Sales Forecast?',
      "Started Load Actuals. I'll tell you when it finishes.",
    ],
    changes: 'run',
  },
  {
    name: 'task_status',
    description: 'Tell how the last (or a named) task is doing.',
    parameters: [p('action', 'action')],
    phrases: [
      'is the import done',
      'is it finished',
      'how is {action:Load Actuals} going',
      'status of {action:Monthly Refresh}',
      'what is the status',
      'did it finish',
      'is the task still running',
      'check on {action:Revenue Export}',
      'any news on the process',
      'progress',
      'has {action:Load Actuals} completed',
    ],
    responses: ['Load Actuals is still running (40%).'],
  },
  {
    name: 'cancel_task',
    description: 'Cancel the last (or a named) running task.',
    parameters: [p('action', 'action')],
    phrases: [
      'stop it',
      'cancel the task',
      'abort {action:Load Actuals}',
      'cancel {action:Monthly Refresh}',
      'stop the import',
      'kill the running task',
      'halt the process',
      'stop running {action:Revenue Export}',
      'cancel that job',
    ],
    responses: ['Cancelled Load Actuals.'],
    changes: 'run',
  },
  {
    name: 'read_cell',
    description: 'Read one cell: a line item for list items, a period and a version.',
    parameters: [
      p('lineItem', 'lineItem', true, { prompt: 'Which line item?' }),
      p('items', 'listItem', false, { isList: true }),
      p('period', 'period'),
      p('version', 'version'),
    ],
    phrases: [
      'what is {lineItem:Revenue} for {items:EMEA} in {period:Q3 FY26}',
      'what are the {lineItem:Units} of {items:Widgets} in {items:APAC}',
      'how much {lineItem:Revenue} did {items:Gadgets} make in {period:Mar 26}',
      'tell me {lineItem:Price} for {items:Gizmos}',
      'give me the {lineItem:Revenue} for {items:North America} {period:FY26} {version:Budget}',
      'what was {lineItem:Travel} in {items:LATAM} for {period:Jan 26}',
      '{lineItem:Revenue} {items:EMEA} {period:Q2 FY26}',
      'how many {lineItem:Units} for {items:Sprockets} in {period:Feb 26} {version:Actual}',
      'what is the {lineItem:Headcount} in {items:APAC}',
      'get {lineItem:Salaries} for {items:EMEA} {version:Forecast}',
      'what is the {version:Actual} {lineItem:Revenue} of {items:Widgets}',
      'show me the value of {lineItem:Units} for {items:Gadgets} in {period:Q4 FY26}',
      'what is {lineItem:Target Margin %}',
      'read {lineItem:Total Expenses} for {items:North America}',
      'how big is {lineItem:Revenue} in {items:EMEA}',
      "what's the {lineItem:Price} of {items:Widgets} in {items:APAC} for {period:Apr 26}",
    ],
    responses: ['Revenue for EMEA, Q3 FY26, Forecast is 1,234,567.'],
  },
  {
    name: 'write_cell',
    description: 'Change one cell (after confirmation).',
    parameters: [
      p('lineItem', 'lineItem', true, { prompt: 'Which line item?' }),
      p('items', 'listItem', false, { isList: true }),
      p('period', 'period'),
      p('version', 'version'),
      p('value', 'number', true, { prompt: 'What value?' }),
    ],
    phrases: [
      'set {lineItem:Units} for {items:Widgets} in {items:APAC} for {period:Mar 26} {version:Forecast} to {value:500}',
      'change {lineItem:Price} of {items:Gadgets} in {items:EMEA} to {value:12.5}',
      'update {lineItem:Units} for {items:Gizmos} {items:LATAM} {period:Jan 26} to {value:120}',
      'make {lineItem:Travel} in {items:North America} for {period:Feb 26} {value:2000}',
      'put {value:300} in {lineItem:Units} for {items:Sprockets} {items:EMEA} {period:Apr 26}',
      'set {lineItem:Headcount} for {items:APAC} in {period:May 26} to {value:42}',
      'increase {lineItem:Units} of {items:Widgets} in {items:EMEA} for {period:Jun 26} to {value:1.2k}',
      'enter {value:75} as {lineItem:Price} for {items:Gadgets} in {items:APAC}',
      'change {lineItem:Target Margin %} to {value:12%}',
      'write {value:900} to {lineItem:Salaries} for {items:LATAM} in {period:Mar 26}',
      'set the {version:Budget} {lineItem:Units} of {items:Gizmos} in {items:APAC} {period:Jul 26} to {value:80}',
      'lower {lineItem:Travel} for {items:EMEA} in {period:Aug 26} to {value:150}',
      'update the value of {lineItem:Units} to {value:10}',
    ],
    responses: ['Set Units for Widgets · APAC · Mar 26 · Forecast from 120 to 500?'],
    changes: 'write',
  },
  {
    name: 'list_items',
    description: 'List the items of a list.',
    parameters: [p('list', 'list', true, { prompt: 'Which list?' })],
    phrases: [
      'list the {list:Products}',
      'what {list:Regions} are there',
      'show me all {list:Channels}',
      'which {list:Products} do we have',
      'items of {list:Regions}',
      'what is in the {list:Products} list',
      'show the {list:Channels} list',
      'list items in {list:Regions}',
      'which lists are there',
      'enumerate {list:Products}',
    ],
    responses: ['Products: Widgets (WID), Gadgets (GAD), …'],
  },
  {
    name: 'add_list_item',
    description: 'Add an item to a list (after confirmation).',
    parameters: [
      p('list', 'list', true, { prompt: 'Which list?' }),
      p('item', 'any', true, { prompt: 'What should the new item be called?' }),
    ],
    phrases: [
      'add {item:Doohickeys} to {list:Products}',
      'create a new product called {item:Thingamajigs}',
      'add {item:Middle East} to the {list:Regions} list',
      'insert {item:Retail} into {list:Channels}',
      'new item {item:Whatsits} in {list:Products}',
      'put {item:Oceania} in {list:Regions}',
      'please add an item to {list:Channels}',
      'add a list item',
      'append {item:Gimmicks} to {list:Products}',
    ],
    responses: ['Add "Doohickeys" to Products in Sales Forecast?'],
    changes: 'lists',
  },
  {
    name: 'confirm',
    description: 'Yes to a pending confirmation.',
    parameters: [],
    phrases: [
      'alright',
      'okey dokey',
      'fine by me',

      'yes',
      'yes please',
      'confirm',
      'go ahead',
      'do it',
      'ok',
      'sure',
      'yep',
      'correct',
      'absolutely',
      'that is right',
      'proceed',
    ],
    responses: ['Done.'],
  },
  {
    name: 'deny',
    description: 'No to a pending confirmation.',
    parameters: [],
    phrases: [
      'nah thanks',
      'no no',
      'cancel that',

      'no',
      'no, cancel',
      'nope',
      "don't",
      'never mind',
      'forget it',
      'no thanks',
      'not now',
      'stop, do not do that',
      'abort that',
    ],
    responses: ['OK, nothing was changed.'],
  },
  {
    name: 'whoami',
    description: 'Tell who the user is in chat and in Anaplan, and the connected model.',
    parameters: [],
    phrases: [
      'who am I connected as',
      'who am I',
      'which user are you using',
      'what is my anaplan user',
      'which account is this',
      'am I logged in',
      'what model am I connected to',
      'whoami',
      'who are you logged in as',
    ],
    responses: [
      'You are U123 on Slack, acting in Anaplan as analyst@example.com, connected to Sales Forecast.',
    ],
  },
  {
    name: 'disconnect',
    description: 'Forget the connected model.',
    parameters: [],
    phrases: [
      'disconnect',
      'log out',
      'close the model',
      'disconnect from the model',
      'sign out',
      'I am done with this model',
      'leave the model',
      'logout',
    ],
    responses: ['Disconnected from Sales Forecast.'],
  },
]

/** Finds an intent definition by name. */
export function intentByName(name: string): IntentDefinition | undefined {
  return INTENT_CATALOG.find((i) => i.name === name)
}

export interface PhrasePart {
  text: string
  /** Set for annotated parts. */
  parameter?: string
  entity?: EntityType
}

/** Splits a training phrase into plain and annotated parts, resolving each parameter's entity type. */
export function parsePhrase(intent: IntentDefinition, phrase: string): PhrasePart[] {
  const parts: PhrasePart[] = []
  const re = /\{(\w+):([^}]*)\}/g
  let last = 0
  for (let m = re.exec(phrase); m; m = re.exec(phrase)) {
    if (m.index > last) parts.push({ text: phrase.slice(last, m.index) })
    const name = m[1] ?? ''
    // actionType may annotate phrases of intents that do not take it as a parameter (task_status).
    const entity = intent.parameters.find((x) => x.name === name)?.entity ?? (name as EntityType)
    parts.push({ text: m[2] ?? '', parameter: name, entity })
    last = m.index + m[0].length
  }
  if (last < phrase.length) parts.push({ text: phrase.slice(last) })
  return parts
}
