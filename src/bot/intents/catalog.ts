/**
 * Every intent the bot understands, one row each (see `registry.ts`). The NLU trains on the
 * phrases; these phrases are for training only: the labelled evaluation sets
 * (`src/bot/nlu/labelled*.yaml`) and the NLU's held-out check are written separately and never
 * train the model.
 */
import {
  type EntityType,
  type EntityTypeInfo,
  type IntentDefinition,
  type IntentParameter,
  IntentRegistry,
} from './registry.ts'

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
      // "actions" alone means every kind ("list actions"); Anaplan's own type is the other actions.
      {
        value: 'action',
        synonyms: [
          'other action',
          'other actions',
          'delete action',
          'delete actions',
          'model action',
          'model actions',
        ],
      },
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

/** Words around a yes or a no that change nothing ("yes please", "no thanks", "ok then"). */
const FILLER = String.raw`please|pls|plz|thanks|thx|ty|thank you|then|now|bot|mate|sir|indeed|really|totally|for sure|actually`
/** A whole utterance made of these phrases (and fillers) only. */
const GREETING = String.raw`hi+|hiya|hey+|heya|hello+|hallo|hullo|howdy|hola|yo+|sup|wassup|whats up|what's up|g'?day|gm|good (?:morning|afternoon|evening|day)|morning|afternoon|evening|greetings`
/** A whole utterance of these phrases and fillers, at least one of them a phrase ("thanks" alone is none). */
const only = (phrases: string) =>
  new RegExp(String.raw`^(?:(?:${FILLER})\s+)*(?:${phrases})(?:\s+(?:${phrases}|${FILLER}))*$`)
/** Thanks, answered in kind ("You're welcome"), never read as help, a yes or a goodbye. */
const THANKS = String.raw`thanks|thank you|thank u|thankyou|thx|thnx|ty|tysm|cheers|ta|much appreciated|appreciate it|many thanks|thanks a lot|thanks so much|thanks a bunch`
/** Things a task can be called ("the import", "that refresh", "it"). */
const TASK = String.raw`(?:import|imports|export|exports|process|task|job|refresh|load|upload|action|run|zzaction|it)`

const p = (
  name: string,
  entity: EntityType,
  required = false,
  extra: Partial<IntentParameter> = {},
): IntentParameter => ({ name, entity, required, ...extra })

const ROWS: IntentDefinition[] = [
  {
    name: 'greeting',
    label: 'Say hello',
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
      'hello again',
      'hey, how are things',
      'nice to meet you',
    ],
    cues: [
      // Chat greetings, however stretched ("heyyy", "hellooo") or short ("gm", "sup"), with whom
      // they greet ("evening all"): a greeting word first.
      new RegExp(
        String.raw`^(?:${GREETING})(?:\s+(?:${GREETING}|all|everyone|everybody|folks|there|team|guys|${FILLER}))*$`,
      ),
      only(THANKS),
    ],
    responses: ['Hello! I can show views, read and write cells and run actions in your Anaplan models.'],
  },
  {
    name: 'help',
    label: 'Help',
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
      'what are you for',
      'what kind of questions can I ask',
      'give me some examples',
      'how can you help me',
      'explain what you do',
      'what are you able to help with',
    ],
    cues: [
      // What the bot itself is for, asked about its help or tips ("what sort of stuff can u help me
      // with", "any tips on what i'm allowed to ask you", "tips on using this").
      /^(?:so |ok |okay )?(?:what|which) (?:sorts?|kinds?|types?) of (?:stuff|things|questions|queries|requests|help|tasks) (?:can|could|do|will) (?:you|u) (?:help(?: (?:me|us))?(?: with)?|do|answer|handle)(?: (?:here|exactly|for me|for us))?$/,
      /^(?:any |got any |some |a few )?(?:tips|hints|pointers|advice) (?:on|for|about) (?:(?:what|how) (?:(?:i|we) (?:can|could|should|may|am allowed to|are allowed to)|(?:i'?m|we'?re) allowed to) (?:ask|say|type|do|use)(?: (?:you|u|here|this))?|using (?:this|you|u|the bot|it))$/,
      /^\?+$/,
      // Tips asked after a word of being lost: "not sure what to do next, any tips".
      /^(?!.*\bzz)(?:.*[\s,])?(?:any|some|got any|a few) (?:tips|pointers|hints|advice)(?: (?:on|for|about) (?:using |how to use )?(?:this bot|the bot|this|you|u|it))?(?: (?:pls|please|for me))?$/,
      // The bot itself asked about, naming nothing of the model: "what are ur capabilities", "im
      // new here, what can this bot actually do for me", "not sure how this bot works, any tips".
      /^(?!.*\bzz)(?:.*\s)?(?:what|which) (?:are|r|is) (?:your|ur|the bot'?s|its) (?:capabilities|features|functions|skills|commands|options|limits)\b.*$/,
      /^(?!.*\bzz)(?:.*\s)?what (?:can|could|does|do|will) (?:this bot|the bot|this thing|this tool|this app|you|u|ya) (?:actually |really |even |exactly )?(?:do|help with|help me with|offer)(?: (?:for (?:me|us)|here|exactly|then|again))?$/,
      /^(?!.*\bzz)(?:.*\s)?(?:not sure|no idea|unsure|dunno|don'?t know|dont know) (?:how|what) (?:this bot|the bot|this thing|this tool|this|it|you|u) (?:works?|does|is for)\b.*$/,
      /^(?!.*\bzz)(?:i'?m |im |i am )?(?:not sure|unsure|no idea|dunno) what (?:to do|to ask|to say|to type|i can (?:do|ask|say|type))(?: (?:here|now|next|with this|with you))?$/,
      /^(?!.*\bzz)(?:.*\s)?(?:how (?:am i|do i|can i|should i|are we|do we) (?:supposed to |meant to )?use|what (?:can|should|do|could) (?:i|we) (?:even |actually |possibly )?(?:ask|say|type|do with))(?: (?:this bot|the bot|this thing|this|you|u|it|here))?(?: (?:for|here|exactly))?$/,
      only(
        String.raw`help+|halp|hlp|help me|help me out|sos|tips?|any tips|examples?|some examples|i'?m new|i am new|new here|i'?m new here|i'?m lost|lost|stuck|i'?m stuck|how do i use (?:this|you|it)|how does (?:this|it) work|what do i (?:type|say|ask|do)|where do i start|how do i (?:start|begin|get started)|i don'?t know what to (?:type|ask|say|do)|i dont know what to (?:type|ask|say|do)|(?:an? |some |the )?(?:quick |short |little )?(?:instructions?|guide|guidance|tutorial|manual|docs|documentation|how ?to|usage|commands|menu|faq)|getting started|get started|now what|what now|what next`,
      ),
    ],
    responses: ['I can connect to a model, show views, read or change cells, list items and run actions.'],
  },
  {
    name: 'fallback',
    label: 'Something else',
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
      'book me a flight',
      'write me a poem',
      'how do I bake bread',
    ],
    cues: [
      // "is that good?": a judgement the figures cannot give (no "good morning", no "no").
      /^(?:so |ok |hmm |and )?(?:is|was|are|were) (?:that|this|it|these|those)(?: number| figure| one)? (?:good|bad|ok|okay|fine|normal|high|low|healthy|worrying|a lot|too much|too high|too low|enough|reasonable|expected)(?: or (?:not|bad|good))?$/,
    ],
    responses: ['Sorry, I didn\'t get that. Try "help".'],
  },
  {
    name: 'list_workspaces',
    label: 'List workspaces',
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
      'what workspaces exist',
      'workspace list',
      'show all workspaces',
    ],
    cues: [
      // "which workspace am i able to use": the ones open to the user (not the one it is in).
      /^(?:so |ok |hey )?(?:which|what) workspaces? (?:am i|are we|can i|do i|could i|may i|have i) (?!in\b|on\b|connected|using|currently|working)(?:able|allowed|permitted|got|have|get|see|use|access|open)\b.*$/,
    ],
    responses: ['You can see these workspaces: …'],
  },
  {
    name: 'list_models',
    label: 'List models',
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
      'model list',
      'show all the models',
    ],
    cues: [
      // "which models am i allowed to open": the ones open to the user (not the one it is in).
      /^(?:so |ok |hey )?(?:which|what) models? (?:am i|are we|can i|do i|could i|may i|have i|can we|could we) (?!in\b|on\b|connected|using|currently|working)(?:able|allowed|permitted|got|have|get|see|use|access|open|connect|switch|pick|choose|work)\b.*$/,
      // "what other models are there", "are there any other models i could look at".
      /^(?:(?:what|which|are there|is there|do (?:we|you|i) have|have (?:we|you) got|got) )?(?:any )?(?:other|more|different|else) models?\b.*$/,
      // "got any other models besides this one", "are there more models": what else there is.
      /^(?:(?:do |have )?(?:we|you|u|i) )?(?:got|have|has|are there|is there|any)\b(?: (?:any|some))?(?: (?:other|more|different|else))? models?\b(?: (?:besides|other than|apart from|except|than)\b.*)?$/,
      // "remind me which models we have again", "is there a list of the models i'm allowed to
      // use": the models themselves asked for, nothing else of them (no workspace but one named).
      /^(?!.*\bzz(?!workspace\b))(?=.*\bmodels\b)(?=.*\b(?:list|which|what|any|available|allowed|access|have|exist|got|there|can)\b)(?!.*\b(?:views?|imports?|exports?|actions?|process(?:es)?|items?|lists? of (?!(?:the )?models)|in (?:this|the|that) model|connected|open(?:ed)?|current(?:ly)?|using|switch|connect)\b).*$/,
    ],
    responses: ['These models are available: …'],
  },
  {
    name: 'connect_model',
    label: 'Connect to a model',
    description: 'Connect the conversation to a model, by name or id.',
    parameters: [
      p('model', 'model', true, {
        prompt: 'Which model?',
        typedAfter: /\b(connect(?:ed)?(?: me)? to|open|use|switch to|select model|work (?:on|in)|load)\s+/i,
      }),
      p('workspace', 'workspace'),
    ],
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
      'go to {model:Sales Forecast}',
      'jump into {model:Workforce Plan}',
      'change model to {model:Workforce Plan}',
      'point at {model:Sales Forecast}',
      'I need {model:Workforce Plan} please',
      'please connect me',
      'connect to {model:Workforce Plan} now',
    ],
    responses: ['Connected to Sales Forecast in FP&A Demo.'],
  },
  {
    name: 'list_views',
    label: 'List views',
    access: 'read',
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
      'which reports can I open',
      'what views does it have',
      'list the reports',
      'what is there to look at',
      'view list',
      'saved views please',
    ],
    responses: ['Views in Sales Forecast: …'],
  },
  {
    name: 'show_view',
    label: 'Show a view',
    access: 'read',
    description: 'Show a view as a table (and a chart when its columns are time periods).',
    parameters: [
      p('view', 'view', true, { prompt: 'Which view?' }),
      p('pages', 'listItem', false, { isList: true, extract: 'pages' }),
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
    label: 'Change the page',
    access: 'read',
    description: 'Change one page selection of the current view and show it again.',
    parameters: [
      p('dimension', 'dimension'),
      p('item', 'listItem', true, { prompt: 'Which item?', extract: 'pageItem' }),
    ],
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
      'switch to {item:Actual}',
      'show it for {item:Gizmos}',
      'change it to {item:Forecast}',
      'same thing for {item:Sprockets}',
      'filter to {item:Widgets}',
      'make the page {item:Budget}',
    ],
    cues: [
      // "can you flip the view over to sprockets": the view's page moved to an item, whatever
      // the word "view" suggests of listing views.
      /^(?:(?:can|could|would) (?:you|u) )?(?:please |pls )?(?:flip|switch|change|move|turn|set|put)(?: (?:the|this|that|my))?(?: (?:view|page|grid|report|it))?(?: over)? to (?:zzitem|zzversion)(?: (?:please|pls|thx|thanks|instead|now))*$/,
      // "same view but for budget pls": the view on screen at another item.
      /^(?:ok |so |and )?(?:the )?same (?:view|page|grid|report|table)(?: but)? (?:for|in|with|on|at) (?:zzitem|zzversion)(?: (?:please|pls|thx|thanks|instead|now|then))*$/,
    ],
    responses: ['Revenue by Region, now for Budget: …'],
  },
  {
    name: 'list_actions',
    label: 'List actions',
    access: 'read',
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
      'which {actionType:imports} can I start',
      'list the {actionType:processes}',
      'what {actionType:actions} can I trigger',
      'show runnable actions',
    ],
    responses: ['Imports: Load Actuals, Load Products. Exports: …'],
  },
  {
    name: 'run_action',
    label: 'Run an action',
    description: 'Run an import, export, process or action (after confirmation).',
    parameters: [
      p('action', 'action', true, {
        prompt: 'Which action?',
        typedAfter: /\b(run|start|execute|launch|trigger|kick off)\s+/i,
      }),
      p('actionType', 'actionType'),
    ],
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
      'could you run {action:Load Products}',
      'start the {action:Load Actuals} {actionType:import} now',
      'go run {action:Revenue Export}',
      'I need you to run {action:Expenses Export}',
      'please execute the {action:Monthly Refresh} {actionType:process}',
    ],
    cues: [
      // A named action asked for with a doing verb and nothing else ("can you do the revenue export
      // for me"): no question about its figures, whatever words the action's name shares.
      /^(?:(?:can|could|would|will) (?:you|u) (?:please |pls )?)?(?:please |pls )?(?:do|run|rerun|re-run|kick off|fire off|start|trigger|launch|execute) (?:the |that |our |my )?zzaction(?: (?:for (?:me|us)|now|please|pls|again|asap|thanks|thx))*$/,
    ],
    responses: [
      'Run Load Actuals in Sales Forecast?',
      "Started Load Actuals. I'll tell you when it finishes.",
    ],
    changes: 'run',
  },
  {
    name: 'task_status',
    label: 'Task status',
    access: 'read',
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
      'is {action:Load Actuals} still going',
      'has it completed',
      'what is happening with the export',
      'how is the task going',
      'did the process succeed',
      'status please',
    ],
    cues: [
      new RegExp(
        String.raw`^(?=.*\b${TASK}\b)(?:is|has|did|was|are)\b(?:\s+[\w']+){0,4}?\s+(?:done|finished|complete|completed|over|through|ready)\b`,
      ),
      /^(?:is it |is that |)(?:still running|still going|how far along\b.*|progress(?: of \b.*)?)$/,
      /^(?:done|finished|complete|ready|over) yet$/,
      new RegExp(
        String.raw`^(?:where are we(?: at)? with|any (?:news|update|word) on|update on|status (?:on|of)|what(?:'s|s| is) the (?:status|progress) (?:on|of)|what happened (?:to|with))\b.*\b${TASK}\b`,
      ),
      new RegExp(
        String.raw`^(?:how'?s|how is|how are)\b.*\b${TASK}\b.*\b(?:coming along|going|doing|getting on|looking)$`,
      ),
      new RegExp(
        String.raw`^did (?:the |my |that |)${TASK}\b(?:\s+\w+){0,2}\s+(?:work|succeed|fail|finish|complete|go through|go ok|run ok|end)\b`,
      ),
      // "check on the load products job for me": how it is going, nothing stopped.
      new RegExp(
        String.raw`^(?:(?:pls|please|can you|could you|can u|quick) )?(?:check|look) (?:on|in on|up on|into)\b(?!.*\b(?:cancel|stop|abort|kill|halt)\b).*\b${TASK}\b.*$`,
      ),
    ],
    responses: ['Load Actuals is still running (40%).'],
  },
  {
    name: 'cancel_task',
    label: 'Cancel the task',
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
      'abort the task',
      'stop the {action:Monthly Refresh} process',
      'cancel the running export',
      'terminate the job',
    ],
    cues: [
      new RegExp(
        String.raw`^(?:please |can you |could you |)(?:abort|cancel|stop|kill|terminate|halt|interrupt)\b.*\b${TASK}\b`,
      ),
      // "abort that pls its taking forever": a refusal never takes long; a running task does.
      /^(?:please |pls )?(?:abort|cancel|stop|kill|terminate|halt)(?: (?:it|that|this|that one|this one))?(?: (?:please|pls|now))? (?:it'?s|its|it is|that'?s|thats|this is|that is) (?:taking|running|stuck|hanging|going on|still going)\b.*$/,
    ],
    responses: ['Cancelled Load Actuals.'],
    changes: 'run',
  },
  {
    name: 'read_cell',
    label: 'Read a cell',
    access: 'read',
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
      'how much {lineItem:Revenue} is there for {items:Gadgets}',
      'tell me the {version:Budget} {lineItem:Units} for {items:Widgets} in {period:Q2 FY26}',
      '{lineItem:Units} for {items:Gizmos} {version:Forecast}',
      'what does {lineItem:Travel} come to in {items:APAC}',
      'look up {lineItem:Price} for {items:Sprockets}',
      'what was our {lineItem:Revenue} in {items:LATAM} in {period:Q1 FY26}',
    ],
    responses: ['Revenue for EMEA, Q3 FY26, Forecast is 1,234,567.'],
  },
  {
    name: 'write_cell',
    label: 'Change a cell',
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
      'raise {lineItem:Units} for {items:Widgets} to {value:600}',
      'adjust {lineItem:Price} of {items:Gizmos} to {value:9.99}',
      'overwrite {lineItem:Travel} in {items:APAC} with {value:1200}',
      'reduce {lineItem:Headcount} in {items:EMEA} to {value:30}',
      'cut {lineItem:Salaries} for {items:LATAM} to {value:5000}',
      'revise {lineItem:Units} of {items:Gadgets} to {value:90}',
      'make {lineItem:Price} for {items:Widgets} {value:11}',
    ],
    responses: ['Set Units for Widgets · APAC · Mar 26 · Forecast from 120 to 500?'],
    changes: 'write',
  },
  {
    name: 'list_items',
    label: 'List items',
    access: 'read',
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
      'what is on the {list:Regions} list',
      'give me the {list:Products}',
      'show {list:Regions}',
      'what {list:Products} exist',
      'members of {list:Channels}',
    ],
    responses: ['Products: Widgets (WID), Gadgets (GAD), …'],
  },
  {
    name: 'add_list_item',
    label: 'Add a list item',
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
      'include {item:Retail Stores} in {list:Channels}',
      'please create {item:Baltics} in {list:Regions}',
      'we need a new item {item:Widgets Pro} in {list:Products}',
      'can you add {item:Marketplace} to {list:Channels}',
      'add another {list:region} called {item:Iberia}',
    ],
    cues: [
      // Adding to a named list, with no line item or number in sight (those are cell writes).
      /^(?!.*\bzz(?:lineitem|number|period)\b)(?=.*\bzzlist\b).*\b(?:add|adding|added|insert|inserted|append|appended|create|set up)\b/,
      /^(?:please |pls )?(?:a )?new zzlist\b/,
      // "widgets pro needs to go in the product list": a new item's place, not a page change.
      /\b(?:needs?|has|have|ought|should|must|is going)(?: to)? go (?:in|into|on|onto) (?:the |our )?zzlist(?: list)?$/,
    ],
    responses: ['Add "Doohickeys" to Products in Sales Forecast?'],
    changes: 'lists',
  },
  {
    name: 'confirm',
    label: 'Yes',
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
      'ok do it',
      'sure go on',
      'yeah',
      'that is fine',
      'please proceed',
      'yes that is correct',
    ],
    cues: [
      // "looks right, apply it": the change read back is approved.
      /^(?:(?:looks|seems|sounds) (?:right|good|fine|ok|okay|correct|great|perfect)|(?:that'?s|thats|all) (?:right|correct|fine|good|perfect))(?: (?:to me|then))?(?: (?:apply|save|do|write|commit|submit|confirm) (?:it|that|this|them)| go ahead| go for it| yes| please| ship it)*$/,
      only(
        String.raw`y|yes|yeah|yea|yep|yup|ya|yah|yass|sure|sure thing|ok|okay|okey dokey|k|alright|all right|fine|great|perfect|absolutely|definitely|certainly|of course|correct|affirmative|confirm|confirmed|proceed|go|go ahead|go for it|do it|please do|sounds good|looks good|let's do it|let's go|make it so|that's right|that is right|ship it|yes do it|why not|apply|apply it|carry on|go on|send it`,
      ),
    ],
    responses: ['Done.'],
  },
  {
    name: 'deny',
    label: 'No',
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
      'no do not',
      'cancel please',
      'no stop',
      'I changed my mind',
      'nothing, thanks',
      'not that one',
      'leave it as it is',
    ],
    cues: [
      // "no, stop" answers the question; "stop" alone may mean the running task.
      /^(?:no|nope|nah|naw) (?:stop|cancel|wait|stop it|cancel it)$/,
      // "no wait, don't run it": a refusal of the change or run asked about.
      /^(?:(?:no+|nope|nah|naw|wait|hold on|stop|actually|hmm+)\s+)*(?:don'?t|dont|do not|please don'?t)\s+(?:do|run|apply|change|write|save|make|submit|commit|go ahead(?: with)?)(?:\s+(?:it|that|this|the change|anything|them))?(?:\s+(?:yet|now|please|pls|after all))*$/,
      only(
        String.raw`n|no|nah|nope|naw|nay|negative|nvm|don't|dont|do not|don't do it|don't do that|do not do that|never mind|nevermind|not now|not yet|no way|not that|hold off|hold on|wait|leave it|leave it as is|forget it|skip it|skip|scratch that|scrap that|scrap it|forget that|drop it|cancel that|abort that|not really|i'd rather not|rather not`,
      ),
    ],
    responses: ['OK, nothing was changed.'],
  },
  {
    name: 'whoami',
    label: 'Who am I',
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
      'which user am I',
      'what account are you using',
      'show my identity',
      'what is my login',
    ],
    cues: [
      // Which model or user this chat is on ("what model am i in", "which model is open right now").
      /^(?:(?:remind|tell|show) me |(?:can|could) (?:you|u) (?:remind|tell) me |)(?:what|which) (?:model|user|account|login|anaplan user) (?:am i|are we|are you|is|is this|is that|i'm|im|i am|we're|were|we are)(?: (?:currently|now))? (?:in|on|using|open|opened|connected|connected to|logged in|logged in as|signed in|signed in as|active|loaded|selected)(?: (?:right now|now|currently|at the moment))?$/,
      /^(?:what|which|whose) (?:user|account|login|identity)(?: (?:is this|are you|am i|is that|are you using|is being used))?$/,
      /^who(?:'s| is) (?:logged|signed) in$/,
      // "am i signed in as myself or as some service user?": whom the bot acts as.
      /^(?:am i|are we|are you) (?:signed|logged) (?:in|on)(?: (?:as|with|under)\b.*)?$/,
      /^(?:sorry |so |ok |hey )?who (?:am i|are we) (?:signed|logged) (?:in|on)(?: (?:as|with|under))?(?: (?:right now|now|rn|atm|currently|here))?$/,
      /^(?:sorry |so |ok |hey )?who (?:do|does) (?:you|u|this bot|the bot|it|anaplan) (?:think|say|see) (?:i am|i'm|im|we are)$/,
      // "which anaplan user are you acting as right now": whom the bot acts as.
      /^(?!.*\bzz)(?:which|what|who)\b(?: (?:anaplan )?(?:user|account|identity|login))? (?:are|r|is) (?:you|u|the bot|this bot|it) (?:acting|running|working|logged in|signed in|connected) as\b.*$/,
      // Asked (not told) which identity is in use, of the speaker or the bot, in any order of
      // words: "what user r u using for me rn", "whose login is this bot running under", "am i
      // on the analyst account or the viewer one". Nothing of a model named, nothing to change.
      /^(?!.*\bzz)(?!.*\b(?:out|off|disconnect|switch|change|add|create|new|delete|remove|reset|forgot|password|list|all)\b)(?=(?:\S+ ){1,13}\S+$)(?:(?:hey|ok|so|sorry|quick q|pls|please|and|but) )?(?:what|whats|what's|which|who|whose|am|are|r|is|can|could|tell|remind|show)\b(?=.*\b(?:i|me|my|im|i'm|you|u|ur|your|this|this bot|the bot)\b)(?=.*\b(?:user|username|user name|login|identity|credentials|account|logged in|logged on|signed in|signed on)\b).*$/,
    ],
    responses: [
      'You are U123 on Slack, acting in Anaplan as analyst@example.com, connected to Sales Forecast.',
    ],
  },
  {
    name: 'disconnect',
    label: 'Disconnect',
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
      'disconnect me',
      'exit the model',
      'I am done',
      'end the session',
    ],
    cues: [
      // Ending the connection in so many words ("drop the connection", "i'm finished, log off").
      /^(?:(?:i'?m|im|i am|we'?re|we are) (?:done|finished)(?: here| for (?:now|today)| with (?:the |this )?(?:zzmodel|model)(?: model)?)?,? )?(?:please )?(?:log ?(?:off|out)|sign ?(?:off|out)|sign me out|log me out|disconnect(?: me)?|unplug(?: me)?|detach(?: me)?)(?: (?:of|from) (?:the |this )?(?:zzmodel|model|anaplan))?(?: please| now)?$/,
      /^(?:(?:i'?m|im|i am|we'?re|we are) (?:done|finished)(?: here| for (?:now|today)| with (?:the |this )?(?:zzmodel|model)(?: model)?)?,? )?(?:(?:ok|okay|so|right),? )?(?:please |pls )?(?:drop|close|end|cut|kill|terminate) (?:the |this |my )?(?:connection|session)(?: (?:to|with) (?:the |this )?(?:zzmodel|model))?(?: please| pls| now)?$/,
      // A farewell ends the session: "bye", "thx that's all", "ok im done for today".
      only(
        String.raw`bye|bye bye|byee+|goodbye|good bye|cya|see ya|see you|see you later|later|laters|ttyl|that'?s all|thats it|that'?s it for (?:now|today)|that is all|i'?m done|im done|all done|done for (?:now|today)|signing off|over and out`,
      ),
      // "close the connection, im done for today": the connection closed, whatever follows.
      /^(?:(?:ok|okay|so|right),? )?(?:please |pls )?(?:close|end|drop|kill|terminate) (?:the |this |my )?(?:connection|session)\b(?!.*\bzz).*$/,
      // "close sales forecast", "exit the model": the model itself closed or left.
      /^(?:(?:ok|okay|so|right),? )?(?:please |pls )?(?:close|exit|leave|quit)(?: out of)? (?:the |this |my )?(?:zzmodel(?: model)?|model)(?: please| pls| now| for now)?$/,
    ],
    responses: ['Disconnected from Sales Forecast.'],
  },
]

/** The registry of every intent. */
export const INTENTS = new IntentRegistry()
for (const row of ROWS) INTENTS.intent(row)

/** Every intent, in registration order. */
export const INTENT_CATALOG: readonly IntentDefinition[] = INTENTS.all()

/** Finds an intent definition by name. */
export function intentByName(name: string): IntentDefinition | undefined {
  return INTENTS.get(name)
}

/** The label of an intent offered as a choice. */
export function intentLabel(name: string): string {
  return INTENTS.get(name)?.label ?? name.replace(/_/g, ' ')
}
