/**
 * Generates an importable Dialogflow ES agent (zip) from the core's intent catalog: `agent.json`,
 * `package.json`, `intents/<name>.json` + `intents/<name>_usersays_en.json` with annotated training
 * phrases, and `entities/<name>.json` + `entities/<name>_entries_en.json`. Entity types that depend
 * on the model (models, views, actions, lists, items, line items, periods, versions) are filled from
 * a {@link Vocabulary} loaded from Anaplan when one is given, else from the catalog's examples.
 *
 * Every intent uses webhook fulfillment and no parameter is `required` in Dialogflow: the bot's core
 * asks for what is missing itself (with choices from the live model), so slot filling stays in one
 * place for every channel.
 */
import { createHash } from 'node:crypto'
import JSZip from 'jszip'
import {
  ENTITY_TYPES,
  type EntityType,
  INTENT_CATALOG,
  type IntentDefinition,
  parsePhrase,
} from '../intents/index.ts'
import type { Vocabulary } from '../nlu/vocabulary.ts'
import { ES_FOLLOWUP_EVENT } from './dialogflow/es.ts'

export interface AgentExportOptions {
  /** Fills model-dependent entity types; without it they hold the catalog's example values. */
  vocabulary?: Vocabulary
  /** Fulfillment URL (`https://…/dialogflow/es`). @default '' (set it in the console) */
  webhookUrl?: string
  /** @default 'Anaplan Bot' */
  displayName?: string
  /** @default 'Europe/London' */
  timezone?: string
  /** @default INTENT_CATALOG */
  catalog?: readonly IntentDefinition[]
}

/** A stable UUID-shaped id, so the same catalog exports the same files (clean diffs, idempotent imports). */
function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** Dialogflow's type for a catalog entity type (`@model`, `@sys.number`...). */
export function dialogflowType(entity: EntityType): string {
  return ENTITY_TYPES.find((e) => e.name === entity)?.dialogflow ?? '@sys.any'
}

interface Entry {
  value: string
  synonyms: string[]
}

function entry(value: string, ...synonyms: (string | undefined)[]): Entry {
  const all = [value, ...synonyms].filter((s): s is string => Boolean(s?.trim()))
  return { value, synonyms: [...new Set(all)] }
}

/** Entries of a model-dependent entity type, from the live vocabulary. */
function entriesFromVocabulary(entity: EntityType, v: Vocabulary): Entry[] {
  switch (entity) {
    case 'model':
      return v.models.map((m) => entry(m.name, m.id))
    case 'workspace':
      return v.workspaces.map((w) => entry(w.name, w.id))
    case 'view':
      return v.views.map((x) => entry(x.name))
    case 'action':
      return v.actions.map((a) => entry(a.name))
    case 'list':
      return v.lists.map((l) => entry(l.name))
    case 'listItem':
      // Page selections and cell coordinates also name versions ("for Budget").
      return [
        ...v.lists.flatMap((l) => l.items.map((i) => entry(i.name, i.code))),
        ...v.versions.map((x) => entry(x)),
      ]
    case 'lineItem':
      return v.lineItems.map((li) => entry(li.name))
    case 'period':
      return v.periods.map((x) => entry(x))
    case 'version':
      return v.versions.map((x) => entry(x))
    case 'dimension':
      return [...v.lists.map((l) => entry(l.name)), entry('Versions'), entry('Time')]
    default:
      return []
  }
}

/** Entries taken from the catalog's annotated examples (used when no model is available). */
function entriesFromExamples(entity: EntityType, catalog: readonly IntentDefinition[]): Entry[] {
  const values = new Set<string>()
  for (const intent of catalog) {
    for (const phrase of intent.phrases) {
      for (const part of parsePhrase(intent, phrase)) if (part.entity === entity) values.add(part.text)
    }
  }
  return [...values].map((x) => entry(x))
}

function dedupe(entries: Entry[]): Entry[] {
  const byValue = new Map<string, Entry>()
  for (const e of entries) {
    const key = e.value.toLowerCase()
    const hit = byValue.get(key)
    if (hit) hit.synonyms = [...new Set([...hit.synonyms, ...e.synonyms])]
    else byValue.set(key, { value: e.value, synonyms: [...e.synonyms] })
  }
  return [...byValue.values()]
}

function intentFile(intent: IntentDefinition): Record<string, unknown> {
  const events: { name: string }[] = []
  if (intent.name === 'greeting') events.push({ name: 'WELCOME' })
  if (intent.name === 'task_status') events.push({ name: ES_FOLLOWUP_EVENT })
  return {
    id: stableId('intent', intent.name),
    name: intent.name,
    auto: true,
    contexts: [],
    responses: [
      {
        resetContexts: false,
        action: intent.name,
        affectedContexts: [],
        parameters: intent.parameters.map((p) => ({
          id: stableId('param', intent.name, p.name),
          name: p.name,
          required: false,
          dataType: dialogflowType(p.entity),
          value: `$${p.name}`,
          defaultValue: '',
          isList: Boolean(p.isList),
          prompts: p.prompt ? [{ lang: 'en', value: p.prompt }] : [],
          promptMessages: [],
          noMatchPromptMessages: [],
          noInputPromptMessages: [],
          outputDialogContexts: [],
        })),
        messages: [
          {
            type: '0',
            title: '',
            textToSpeech: '',
            lang: 'en',
            // Shown only when the webhook cannot be reached.
            speech: ['Sorry, I cannot reach Anaplan right now. Please try again in a moment.'],
            condition: '',
          },
        ],
        speech: [],
      },
    ],
    priority: 500000,
    webhookUsed: true,
    webhookForSlotFilling: false,
    fallbackIntent: intent.name === 'fallback',
    events,
    conditionalResponses: [],
    condition: '',
    conditionalFollowupEvents: [],
  }
}

function usersaysFile(intent: IntentDefinition): Record<string, unknown>[] {
  return intent.phrases.map((phrase) => ({
    id: stableId('phrase', intent.name, phrase),
    data: parsePhrase(intent, phrase).map((part) =>
      part.parameter
        ? {
            text: part.text,
            alias: part.parameter,
            meta: dialogflowType(part.entity ?? 'any'),
            userDefined: true,
          }
        : { text: part.text, userDefined: false },
    ),
    isTemplate: false,
    count: 0,
    lang: 'en',
    updated: 0,
  }))
}

/** The files of the agent, path → JSON value (exposed for tests and for writing a folder instead of a zip). */
export function dialogflowEsAgentFiles(options: AgentExportOptions = {}): Map<string, unknown> {
  const catalog = options.catalog ?? INTENT_CATALOG
  const files = new Map<string, unknown>()
  files.set('package.json', { version: '1.0.0' })
  files.set('agent.json', {
    description:
      'Anaplan chat bot: views, cells, lists and actions of Anaplan models (generated from the intent catalog).',
    language: 'en',
    shortDescription: '',
    examples: '',
    linkToDocs: '',
    displayName: options.displayName ?? 'Anaplan Bot',
    disableInteractionLogs: false,
    disableStackdriverLogs: true,
    defaultTimezone: options.timezone ?? 'Europe/London',
    webhook: {
      url: options.webhookUrl ?? '',
      username: '',
      headers: {},
      available: true,
      useForDomains: false,
      cloudFunctionsEnabled: false,
      cloudFunctionsInitialized: false,
    },
    isPrivate: true,
    mlMinConfidence: 0.3,
    supportedLanguages: [],
    enableOnePlatformApi: true,
    onePlatformApiVersion: 'v2',
    analyzeQueryTextSentiment: false,
    enabledKnowledgeBaseNames: [],
    knowledgeServiceConfidenceAdjustment: 0,
    dialogBuilderMode: false,
    baseActionPackagesUrl: '',
    enableSpellCorrection: true,
  })

  for (const intent of catalog) {
    files.set(`intents/${intent.name}.json`, intentFile(intent))
    if (intent.phrases.length > 0) files.set(`intents/${intent.name}_usersays_en.json`, usersaysFile(intent))
  }

  const used = new Set<EntityType>()
  for (const intent of catalog) {
    for (const p of intent.parameters) used.add(p.entity)
    for (const phrase of intent.phrases)
      for (const part of parsePhrase(intent, phrase)) if (part.entity) used.add(part.entity)
  }
  for (const info of ENTITY_TYPES) {
    if (!used.has(info.name) || info.dialogflow.startsWith('@sys.')) continue
    const name = info.dialogflow.slice(1)
    const fromModel =
      info.fromModel && options.vocabulary ? entriesFromVocabulary(info.name, options.vocabulary) : []
    const entries = dedupe(
      info.values ?? (fromModel.length > 0 ? fromModel : entriesFromExamples(info.name, catalog)),
    )
    files.set(`entities/${name}.json`, {
      id: stableId('entity', name),
      name,
      isOverridable: true,
      isEnum: false,
      isRegexp: false,
      // Names not in the list (a model created after the export) are still extracted.
      automatedExpansion: info.fromModel,
      allowFuzzyExtraction: true,
    })
    files.set(`entities/${name}_entries_en.json`, entries)
  }
  return files
}

/** Builds the agent zip (for `anaplan-bot agent export --format dialogflow-es`). */
export async function exportDialogflowEsAgent(options: AgentExportOptions = {}): Promise<Uint8Array> {
  const zip = new JSZip()
  for (const [path, value] of dialogflowEsAgentFiles(options))
    zip.file(path, `${JSON.stringify(value, null, 2)}\n`)
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' })
}
