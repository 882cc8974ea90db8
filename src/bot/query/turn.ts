/**
 * The question engine in the conversation: a middleware that decides, with the classifier, whether
 * a text turn is a question about the numbers (then intent `read_cell` with the typed question),
 * and the handler that guards, executes and answers it and keeps it as the session's focus.
 */
import type { ModelCatalog } from '../../anaplan/catalog.ts'
import type { ModelScope } from '../core/anaplan.ts'
import { parseChoice } from '../core/choices.ts'
import { encodeChoice, type Middleware, type TurnContext } from '../core/context.ts'
import { BotError } from '../core/errors.ts'
import type { Focus } from '../core/session.ts'
import { MIN_CONFIDENCE } from '../nlu/nlu.ts'
import { correctPhrasing } from '../nlu/phrasing.ts'
import { tokenize, VALUE_SIGN_RE } from '../nlu/text.ts'
import { answerMessages } from './answer.ts'
import { connectForName, connectForQuestion, viewNamed } from './connect.ts'
import { execute } from './execute.ts'
import { refusal } from './guard.ts'
import { listChain } from './names.ts'
import { ERRAND_RE, measureOf, type Parsed, parseQuestion } from './parse.ts'
import { isQuestion, type Question, type Selector } from './question.ts'
import { LINE_ITEMS_ID, TIME_ID, VERSIONS_ID } from './read.ts'

/** Intents a question never overrides: changes, connections, and answers to a confirmation. */
const NEVER = new Set([
  'write_cell',
  'add_list_item',
  'run_action',
  'cancel_task',
  'connect_model',
  'disconnect',
  'confirm',
  'deny',
  'task_status',
  'list_actions',
  'list_views',
  'list_models',
  'list_workspaces',
  'whoami',
])

/**
 * Words a command cannot do without. A text that names a measure or a shape and has none of its
 * command's words is a question the classifier misread ("explain the expenses movement" is no
 * disconnect, "how did q2 compare with q1" no task status, "order the departments by people" no
 * new item): the question answers. Questions are never mistaken for changes or disconnects.
 */
const COMMAND_WORDS: Record<string, RegExp> = {
  disconnect:
    /\b(?:disconnect\w*|log\s*(?:out|off)|sign\s*(?:out|off)|close|leave|exit|quit|drop|end|bye|goodbye|unplug|detach|done\s+with)\b/i,
  task_status:
    /\b(?:tasks?|imports?|exports?|process(?:es)?|actions?|jobs?|runs?|running|status|progress|finish\w*|complet\w*|done|yet)\b/i,
  cancel_task: /\b(?:cancel\w*|abort\w*|stop|kill|halt|terminate)\b/i,
  run_action:
    /\b(?:run|rerun|execute|start|launch|trigger|kick|fire|refresh|perform|import|export|process)\b/i,
  add_list_item:
    /\b(?:add(?:s|ed|ing)?|creat(?:e|ed|ing)|new|insert(?:ed)?|introduce|register|include|set\s+up|onboard|put|go(?:es)?\s+(?:in|into|on|onto))\b/i,
  connect_model:
    /\b(?:connect\w*|conn?ect\w*|conenct\w*|open|switch|use|load|select|pick|go\s+to|work\s+(?:on|in|with))\b/i,
  // "who are the top products" asks figures: "who" alone is no whoami.
  whoami:
    /\b(?:who\s+am\s+i|who\s+are\s+(?:you|u)|whoami|am\s+i|my|me|connected|logged|signed|user|account|identity|acting\s+as)\b/i,
  confirm:
    /^(?:y|yes|yep|yup|yeah|ya|sure|ok|okay|confirm\w*|go\s+ahead|do\s+it|proceed|correct|right|fine|absolutely|affirmative)\b/i,
  deny: /^(?:n|no|nope|nah|don'?t|do\s+not|cancel|stop|never\s*mind|nvm|negative|abort)\b/i,
  list_actions: /\b(?:actions?|processes|imports|exports|run)\b/i,
  list_views: /\b(?:views?|saved)\b/i,
  list_models: /\bmodels?\b/i,
  list_workspaces: /\bworkspaces?\b/i,
}

/** The parameter that, found in the text, makes it the command ("take me to Workforce Plan"). */
const COMMAND_PARAMETER: Record<string, string> = {
  connect_model: 'model',
  run_action: 'action',
  task_status: 'action',
  cancel_task: 'action',
}

/**
 * Whether the text has what its command needs: the command's words, or the thing it acts on
 * (a model's or an action's name). A command without such a table always has.
 */
export function hasCommandWords(
  intent: string,
  text: string,
  parameters: Record<string, unknown> = {},
): boolean {
  const re = COMMAND_WORDS[intent]
  const param = COMMAND_PARAMETER[intent]
  // Named in full ("take me to workforce plan"), not one word of it ("monthly head count" is no
  // run of Monthly Refresh).
  const value = param ? parameters[param] : undefined
  if (typeof value === 'string' && value !== '' && text.toLowerCase().includes(value.toLowerCase()))
    return true
  return !re || re.test(text.trim())
}

/**
 * Words without which a text is no change of a cell ("top 3 products" is not "set to 3"); a text
 * ending "to 140" is a change whatever its verb ("sett units … to 140").
 */
const WRITE_WORDS_RE =
  /\b(?:set|change|update|put|write|enter|input|record|log|key\s+in|make|increase|decrease|raise|lower|adjust|overwrite|replace|bump|cut|reduce|plan\s+for|should\s+be|needs?\s+to\s+be)\b|=|\bto\s+-?[\d.,]+\s*[km%]?\s*$/i

/** Words or a sign of a change of a cell: a verb of changing, "= 12", "-> 90000", ": 80". */
function writeWords(text: string): boolean {
  return WRITE_WORDS_RE.test(text) || VALUE_SIGN_RE.test(text)
}

/**
 * Whether a turn before any model is connected is the command it was read as, not a question:
 * a command said with its own words ("how many gadgets did we sell in q2" is no task status), a
 * yes or no to something pending, a write in the words of one, or a one-word text.
 */
export function unconnectedCommand(
  intent: { name: string },
  parameters: Record<string, unknown>,
  text: string,
  pending: boolean,
): boolean {
  const name = intent.name
  return (
    (UNCONNECTED_COMMANDS.has(name) && hasCommandWords(name, text, parameters)) ||
    ((name === 'confirm' || name === 'deny') && pending) ||
    (name === 'write_cell' && writeWords(text)) ||
    text.trim().split(/\s+/).length < 2
  )
}

/** The view or list a confident show or listing names: what it is, not a question. */
export function namedTarget(
  intent: { name: string; confidence: number },
  parameters: Record<string, unknown>,
): { kind: 'view' | 'list'; name: string } | undefined {
  if (intent.confidence < MIN_CONFIDENCE) return undefined
  if (intent.name === 'show_view' && typeof parameters.view === 'string')
    return { kind: 'view', name: parameters.view }
  if (intent.name === 'list_items' && typeof parameters.list === 'string')
    return { kind: 'list', name: parameters.list }
  return undefined
}

/** Words that ask for a saved view as such, not for figures. */
const AS_VIEW_RE =
  /\b(?:views?|reports?|dashboards?|grids?|show|open|pull\s+up|bring\s+up|display|see|view|load|go\s+to|look(?:ing)?\s+at|check\s+out|have\s+a\s+look|take\s+a\s+look)\b/i

/** A page change in its own words: "flip the version to forecast", "switch over to budget". */
const PAGE_CHANGE_RE =
  /\b(?:switch|flip|change|toggle|move|go|jump|set|turn|filter|swap|narrow)\b(?:\s+\S+){0,4}\s+to\b|^(?:now|page)\b|\bpages?\b|^\s*(?:ok\s+|now\s+|just\s+)?use\b.*\binstead\b|\b(?:filter|narrow)(?:\s+(?:it|this|that|them))?\s+(?:by|on|for|down)\b/i

/** Intents that are commands even before a model is connected. */
const UNCONNECTED_COMMANDS = new Set([
  'connect_model',
  'disconnect',
  'add_list_item',
  'run_action',
  'cancel_task',
  'list_models',
  'list_workspaces',
  'task_status',
])

const LISTINGS = new Set(['list_items', 'show_view', 'list_views', 'help', 'greeting'])

/** Read intents that stand in for "I don't know" when nothing of the model is named. */
const READ_GUESSES = new Set(['show_view', 'list_items', 'set_page', 'read_cell', 'list_views'])

/**
 * Words of the model's own objects: a text with one of them is about the model even when it names
 * nothing in it ("what views are available?", "which processes are there?").
 */
const MODEL_OBJECT_RE =
  /\b(?:views?|reports?|saved|dashboards?|grids?|lists?|items?|members?|entries|process(?:es)?|imports?|exports?|actions?|jobs?|models?|modules?|workspaces?|line\s+items?)\b/i

/** Nothing of the model named, no word of its objects, and a read would only guess: off-topic. */
function offTopic(
  parsed: Parsed,
  intent: string,
  text: string,
  parameters: Record<string, unknown> = {},
): boolean {
  // An errand ("book my flight to the emea offsite") whatever the classifier made of its names.
  if (parsed.kind === 'none' && parsed.offTopic && ERRAND_RE.test(text.toLowerCase())) return true
  // "whats the time in tokyo": asked of everyday life, whatever command the classifier guessed
  // ("add lunch allowance to the list" is told, not asked, and stays a command).
  if (parsed.kind === 'none' && parsed.everyday) return true
  // "the printer on floor 3 is jammed again": told of everyday life, in no command's own words.
  if (parsed.kind === 'none' && parsed.aside && !hasCommandWords(intent, text, parameters)) return true
  // "can i see the expnses summary": the classifier found the view the words misspell.
  if (['view', 'list', 'item'].some((k) => typeof parameters[k] === 'string')) return false
  return (
    parsed.kind === 'none' &&
    Boolean(parsed.offTopic) &&
    READ_GUESSES.has(intent) &&
    !MODEL_OBJECT_RE.test(correctPhrasing(text))
  )
}

/**
 * The text without the words of the measures it named: "start" in "when does the forecast start
 * month…" belongs to Forecast Start Month, and is no command to start an action.
 */
function withoutMeasures(text: string, parsed: Parsed): string {
  if (parsed.kind !== 'question' || !parsed.question.measures.length) return text
  const words = new Set(parsed.question.measures.flatMap((m) => tokenize(m.lineItem).map((t) => t.norm)))
  return tokenize(text)
    .filter((t) => !words.has(t.norm))
    .map((t) => t.raw)
    .join(' ')
}

/** Whether the parsed question should answer this turn instead of the classifier's intent. */
export function questionWins(
  intent: { name: string; confidence: number },
  parameters: Record<string, unknown>,
  parsed: Parsed,
  text = '',
  viewOnScreen = false,
  viewShowsIt = true,
): boolean {
  if (parsed.kind === 'none') return false
  if (intent.name === 'write_cell' && parsed.strong && !writeWords(text)) return true
  // "make it top 3": the number is a ranking's size, not a value to write.
  if (
    intent.name === 'write_cell' &&
    parsed.kind === 'question' &&
    parsed.question.shape.kind === 'ranking' &&
    /\b(?:top|bottom|first|last)\s+\d+\b/i.test(text) &&
    !/\bto\s+-?[\d.,]+/i.test(text)
  )
    return true
  // A page change with no view on screen is a question when it names a measure or edits the last
  // answer ("and for budget?"); "flip the version to forecast" with neither is still a page change.
  if (intent.name === 'set_page' && !viewOnScreen) {
    if (parsed.kind === 'question' && (parsed.followUp || parsed.question.measures.length > 0)) return true
    // Otherwise a question (an unknown measure named back: "churn rate in latam") unless worded
    // as a page change.
    return !PAGE_CHANGE_RE.test(text)
  }
  if (
    NEVER.has(intent.name) &&
    intent.confidence >= MIN_CONFIDENCE &&
    !(parsed.strong && !hasCommandWords(intent.name, withoutMeasures(text, parsed), parameters))
  )
    return false
  // A saved view named in the words is shown as the view ("show me Revenue by Region for Gadgets").
  // Unless the view cannot show what the question asks ("net sales by store for Q1 FY26 actual"
  // when Time is on the view's columns): then the question answers.
  if (
    intent.name === 'show_view' &&
    typeof parameters.view === 'string' &&
    intent.confidence >= MIN_CONFIDENCE &&
    viewShowsIt
  )
    return false
  // "hows engineering looking in may" taken for a listing of views says no word of views: a guess.
  if (intent.name === 'list_views' && !MODEL_OBJECT_RE.test(correctPhrasing(text))) return true
  // "list the products" with a focus: a listing, unless the words name a measure or a shape.
  if (LISTINGS.has(intent.name) && intent.confidence >= MIN_CONFIDENCE && !parsed.strong) return false
  if (
    intent.name === 'list_items' &&
    intent.confidence >= MIN_CONFIDENCE &&
    listingOnly(parameters, parsed, text)
  )
    return false
  if (parsed.kind === 'question' && parsed.followUp) return true
  return (
    parsed.strong ||
    intent.name === 'read_cell' ||
    intent.name === 'fallback' ||
    intent.confidence < MIN_CONFIDENCE
  )
}

/**
 * "which channels do we sell through", "which sales channels are in the model": the list's items,
 * though a word of a measure is in the words. A question slicing nothing and asking no shape
 * but the list's own rows (or a single figure) is no question of figures.
 */
function listingOnly(parameters: Record<string, unknown>, parsed: Parsed, text: string): boolean {
  if (parsed.kind !== 'question' || typeof parameters.list !== 'string') return false
  const q = parsed.question
  // A measure named by its own name ("list regions by revenue") is asked for.
  const lc = text.toLowerCase()
  if (q.measures.some((m) => lc.includes(m.lineItem.toLowerCase()))) return false
  // "hc by region" asks the measure per item of the list: figures, not the list.
  const stem = parameters.list
    .toLowerCase()
    .replace(/(?:ies|s)$/, '')
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  if (new RegExp(`\\b(?:by|per|each|across)\\s+(?:the\\s+)?(?:\\w+\\s+)?${stem}`).test(lc)) return false
  if (Object.keys(q.slice).length || q.unresolved?.length || q.presentation) return false
  const s = q.shape
  return s.kind === 'value' || (s.kind === 'breakdown' && s.by.name === parameters.list)
}

/** The catalog of the connected model (the client's catalog once merged; see catalog-adapter.ts). */
export async function connectedCatalog(
  ctx: TurnContext,
): Promise<{ scope: ModelScope; catalog: ModelCatalog }> {
  const scope = await ctx.scope()
  const catalog = await scope.catalog()
  const name = ctx.session.connected?.modelName
  return { scope, catalog: name && !catalog.modelName ? { ...catalog, modelName: name } : catalog }
}

/** The focus a follow-up edits: the last question, or the view on screen read as one. */
export async function focusOf(
  ctx: TurnContext,
  scope: ModelScope,
  catalog: ModelCatalog,
): Promise<Question | undefined> {
  const f = ctx.session.focus
  const view = ctx.session.view
  if (f && (!view || (f.view === view.name && JSON.stringify(f.pages ?? {}) === JSON.stringify(view.pages))))
    return f.question.modelId === catalog.modelId ? f.question : undefined
  if (!view) return f?.question.modelId === catalog.modelId ? f.question : undefined
  return (await viewQuestion(view, scope, catalog)) ?? f?.question
}

/** The view on screen as a question: its line item (its Line Items page, else named in the view) at its pages. */
async function viewQuestion(
  view: { name: string; pages: Record<string, string> },
  scope: ModelScope,
  catalog: ModelCatalog,
): Promise<Question | undefined> {
  const views = catalog.views.length ? catalog.views : await scope.listViews().catch(() => [])
  const v = views.find(
    (x) => x.name === view.name || x.name.endsWith(`.${view.name}`) || x.name.endsWith(`.'${view.name}'`),
  )
  if (!v) return undefined
  const own = catalog.lineItems.filter((li) => li.moduleId === v.moduleId)
  const named = own.filter((li) =>
    new RegExp(`\\b${li.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(view.name),
  )
  const lineItemPage =
    Object.entries(view.pages).find(([d]) => /^line items?$/i.test(d))?.[1] ??
    (await shownLineItem(scope, v.id))
  const li =
    (lineItemPage ? own.find((x) => x.name === lineItemPage) : undefined) ??
    (named.length === 1 ? named[0] : own.length === 1 ? own[0] : undefined)
  if (!li) return undefined
  const slice: Record<string, Selector> = {}
  for (const [dim, item] of Object.entries(view.pages)) {
    if (/^versions?$/i.test(dim)) {
      const ver = catalog.versions.find((x) => x.name === item)
      if (ver) slice[VERSIONS_ID] = { kind: 'items', items: [{ id: ver.id, name: ver.name }] }
    } else if (/^time$/i.test(dim)) {
      const p = catalog.periods.find((x) => x.name === item)
      if (p) slice[TIME_ID] = { kind: 'items', items: [{ id: p.id, name: p.name }] }
    } else {
      const list = catalog.lists.find((l) => l.name === dim)
      const it = list && [list.topLevelItem, ...(list.items ?? [])].find((x) => x?.name === item)
      if (list && it && it.id !== list.topLevelItem?.id)
        slice[list.id] = { kind: 'items', items: [{ id: it.id, name: it.name }] }
    }
  }
  return { modelId: catalog.modelId, measures: [measureOf(li)], slice, shape: { kind: 'value' } }
}

/**
 * The line item a view opens on when nobody chose its Line Items page: the page's first item (its
 * default), or the only line item of a view that has Line Items on rows or columns.
 */
async function shownLineItem(scope: ModelScope, viewId: string): Promise<string | undefined> {
  const meta = await scope.viewMetadata(viewId)
  const isLineItems = (d: { id: string; name: string }) =>
    d.id === LINE_ITEMS_ID || /^line items?$/i.test(d.name)
  const onPages = (meta.pages ?? []).find(isLineItems)
  const dim = onPages ?? [...(meta.rows ?? []), ...(meta.columns ?? [])].find(isLineItems)
  if (!dim) return undefined
  const items = await scope.viewDimensionItems(viewId, dim.id)
  return onPages || items.length === 1 ? items[0]?.name : undefined
}

/** The classifier's parameters, filled from the question (the public `read_cell` parameters). */
export function parametersOf(q: Question): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (q.measures[0]) out.lineItem = q.measures[0].lineItem
  const items: string[] = []
  for (const [dim, s] of Object.entries(q.slice)) {
    const names =
      s.kind === 'items'
        ? s.items.map((i) => i.name)
        : s.kind === 'range'
          ? [`${s.from.name} to ${s.to.name}`]
          : []
    if (dim === TIME_ID) {
      if (names[0]) out.period = names.length === 1 ? names[0] : names
    } else if (dim === VERSIONS_ID) {
      if (names[0]) out.version = names.length === 1 ? names[0] : names
    } else items.push(...names)
  }
  if (items.length) out.items = items
  return out
}

/**
 * After the classifier: a text turn on a connected model is parsed as a question, and the parsed
 * question answers when it wins (see {@link questionWins}).
 */
export const questionStep: Middleware = async (ctx, next) => {
  const text = (ctx.turn.text ?? '').trim()
  if (!text || ctx.turn.choice || ctx.parameters.question) return next()
  if (!ctx.session.connected) {
    // Without a model the classifier knows no measure names: any intent but a command may be a question.
    if (
      ctx.turn.recognized ||
      unconnectedCommand(ctx.intent, ctx.parameters, text, Boolean(ctx.session.pending))
    )
      return next()
    // "open the headcount view", "which employees are there": the one model with that view or list.
    const named = namedTarget(ctx.intent, ctx.parameters)
    if (named) {
      await connectForName(ctx, named.kind, named.name).catch(() => false)
      return next()
    }
    const asked = ctx.messages.length
    const q = await connectForQuestion(ctx, text).catch(() => undefined)
    if (q) {
      ctx.intent = { name: 'read_cell', confidence: Math.max(ctx.intent.confidence, 0.9) }
      ctx.alternatives = []
      ctx.parameters = parametersOf(q)
      ctx.question = q
      return next()
    }
    if (ctx.messages.length > asked && ctx.messages.at(-1)?.type === 'choices') {
      ctx.intent = { name: 'connect_model', confidence: 0.9 }
      return
    }
    return next()
  }
  if (ctx.turn.recognized && ctx.intent.name !== 'read_cell') return next()
  let parsed: Parsed
  try {
    const { scope, catalog } = await connectedCatalog(ctx)
    const focus = await focusOf(ctx, scope, catalog)
    // "switch the page to Budget" after a figure answer (no view on screen) changes the figure.
    const prior = focus === ctx.session.focus?.question ? ctx.session.focus?.prior : undefined
    const offered = (ctx.offered ?? []).flatMap((o) => {
      const c = parseChoice(o.value)
      const q = c && 'intent' in c && c.intent === 'read_cell' ? c.parameters.question : undefined
      return isQuestion(q) ? [q] : []
    })
    parsed = parseQuestion(text, catalog, focus, {
      focusOnScreen: Boolean(ctx.session.view),
      ...(prior ? { prior } : {}),
      ...(offered.length ? { offered } : {}),
    })
    const pageItem =
      ctx.intent.name === 'set_page' && !ctx.session.view && focus ? ctx.parameters.item : undefined
    if (parsed.kind === 'none' && !parsed.offTopic && typeof pageItem === 'string')
      parsed = parseQuestion(`and ${pageItem}`, catalog, focus)
  } catch (e) {
    ctx.services.logger.debug({ err: e }, 'question parse skipped: catalog unavailable')
    return next()
  }
  if (offTopic(parsed, ctx.intent.name, text, ctx.parameters)) {
    // Nothing of the model is named ("a recipe for pancakes"): a read would only guess.
    ctx.intent = { name: 'fallback', confidence: ctx.intent.confidence }
    ctx.parameters = {}
    return next()
  }
  const shows =
    parsed.kind === 'question' && ctx.intent.name === 'show_view' && typeof ctx.parameters.view === 'string'
      ? await viewShows(ctx.parameters.view, parsed.question, ctx, text).catch(() => true)
      : true
  const intent = idleAnswer(ctx.intent, Boolean(ctx.session.pending), parsed)
  if (!questionWins(intent, ctx.parameters, parsed, text, Boolean(ctx.session.view), shows)) return next()
  if (parsed.kind === 'ask') {
    ctx.intent = { name: 'read_cell', confidence: 0.9 }
    ctx.alternatives = []
    const options = parsed.options.map((o) => ({
      label: o.label,
      value: encodeChoice('read_cell', { question: o.question }),
    }))
    ctx.messages.push({ type: 'choices', prompt: parsed.prompt, options })
    ctx.session.question = { intent: 'read_cell', parameters: {}, slot: 'question', options }
    if (parsed.focus) ctx.session.focus = { question: parsed.focus, at: ctx.now() }
    return
  }
  if (parsed.kind !== 'question') return next()
  ctx.intent = { name: 'read_cell', confidence: Math.max(ctx.intent.confidence, 0.9) }
  ctx.alternatives = []
  ctx.parameters = { ...parametersOf(parsed.question) }
  ctx.question = parsed.question
  return next()
}

/**
 * Whether showing the saved view `name` answers the question: every coordinate the question
 * names is a page of the view, and it asks for a figure or for the view's own rows. A question
 * about a period kept on the view's columns, or a ranking, comparison or explanation, is not.
 */
export async function viewShows(name: string, q: Question, ctx: TurnContext, text = ''): Promise<boolean> {
  const { scope, catalog } = await connectedCatalog(ctx)
  return viewShowsIn(scope, catalog, name, q, ctx.requestOptions, text)
}

/** {@link viewShows} in a given model (for `/api/nlu`, which has no turn). */
async function viewShowsIn(
  scope: ModelScope,
  catalog: ModelCatalog,
  name: string,
  q: Question,
  options?: { signal: AbortSignal },
  text = '',
): Promise<boolean> {
  const v = viewNamed(catalog, name)
  if (!v) return true
  const meta = await scope.viewMetadata(v.id, options)
  const pages = new Set((meta.pages ?? []).map((d) => d.id))
  const rows = new Set((meta.rows ?? []).map((d) => d.id))
  const onPage = (dim: string) =>
    pages.has(dim) ||
    [...pages].some((p) => {
      const list = catalog.lists.find((l) => l.id === p)
      return list ? listChain(catalog, list).some((l) => l.id === dim) : false
    })
  if (!Object.keys(q.slice).every(onPage)) return false
  // "budget units by product" asks all regions: a view with a Regions page it does not name would
  // show its saved page (one region). Asked for as a view ("show …", "the … view"), it is shown.
  const unnamed = (meta.pages ?? []).filter((d) => catalog.lists.some((l) => l.id === d.id) && !q.slice[d.id])
  if (unnamed.length && !AS_VIEW_RE.test(text) && !onlyName(text, name)) return false
  const s = q.shape
  return s.kind === 'value' || (s.kind === 'breakdown' && rows.has(s.by.id))
}

/** The text is the view's name and nothing more but politeness ("expenses summary pls"). */
function onlyName(text: string, name: string): boolean {
  const escaped = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(
    `^\\W*(?:the\\s+)?${escaped}(?:\\s+(?:view|report))?(?:\\s+(?:pls|please|plz|thx|thanks|now))?\\W*$`,
  ).test(text.toLowerCase().trim())
}

/**
 * A yes or a no with nothing waiting for it ("ok fine, revenue by region then") is no sure
 * command: a question in it answers.
 */
function idleAnswer(intent: { name: string; confidence: number }, pending: boolean, parsed: Parsed) {
  // "flip it" after a ranking, with nothing waiting for a yes, edits the ranking.
  const asks =
    parsed.kind === 'question' &&
    (parsed.question.measures.length > 0 || parsed.followUp) &&
    !parsed.question.unresolved?.length
  return (intent.name === 'confirm' || intent.name === 'deny') && !pending && asks
    ? { ...intent, confidence: 0 }
    : intent
}

/** Understanding only (for `/api/nlu`): the question the text asks, with no side effects. */
export async function understandQuestion(
  scope: ModelScope,
  text: string,
  focus: Question | undefined,
  classified: { name: string; confidence: number },
  parameters: Record<string, unknown>,
  pending = false,
): Promise<{ question: Question; parameters: Record<string, unknown> } | { offTopic: true } | undefined> {
  const catalog = await scope.catalog()
  const parsed = parseQuestion(text, catalog, focus)
  const intent = idleAnswer(classified, pending, parsed)
  // As in a chat turn: nothing of the model named, and a read would only guess.
  if (offTopic(parsed, intent.name, text, parameters)) return { offTopic: true }
  if (parsed.kind !== 'question') return undefined
  const view = intent.name === 'show_view' ? parameters.view : undefined
  const shows =
    typeof view === 'string'
      ? await viewShowsIn(scope, catalog, view, parsed.question, undefined, text).catch(() => true)
      : true
  if (!questionWins(intent, parameters, parsed, text, false, shows)) return undefined
  return { question: parsed.question, parameters: parametersOf(parsed.question) }
}

/** Guards, executes and answers the turn's question; it becomes the session's focus. */
export async function answerQuestion(ctx: TurnContext, q: Question): Promise<void> {
  const { scope, catalog } = await connectedCatalog(ctx)
  if (q.modelId !== catalog.modelId)
    throw new BotError('invalid_input', 'That question was about another model.')
  ctx.question = q
  ctx.parameters = { ...ctx.parameters, ...parametersOf(q) }
  const refused = refusal(q, catalog)
  // A refused question is still the focus: the next words may name what it could not match.
  const focus: Focus = { question: q, at: ctx.now() }
  const before = ctx.session.focus?.question
  if (before && before.modelId === q.modelId && !before.unresolved?.length) focus.prior = before
  if (refused) {
    ctx.say(refused)
    ctx.session.focus = focus
    return
  }
  const { results } = await execute(q, scope, catalog, ctx.requestOptions)
  ctx.messages.push(...answerMessages(q, results))
  if (ctx.session.view) {
    focus.view = ctx.session.view.name
    focus.pages = ctx.session.view.pages
  }
  ctx.session.focus = focus
}
