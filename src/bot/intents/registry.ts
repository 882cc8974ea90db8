/**
 * The intent registry: each intent is one row (name, parameters with their prompts and how they
 * are found in text, training phrases, high-precision cues, label, what it needs of the model),
 * registered the way bolt-js registers listeners with their matchers. The NLU trains on and
 * extracts by the rows, the Dialogflow export exports them, and the core attaches one handler per
 * row by name (`core/handlers/index.ts`). Plain data with no imports, so every layer can read it.
 *
 * Intent and parameter names are a public interface (PRODUCT.md).
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

/**
 * How the NLU finds a parameter's value when it is not simply the first name of its entity type
 * (or, for lists, every one): `pages` maps each list item or version to its dimension ("for Gadgets
 * Actual"); `pageItem` is the first list item or version.
 */
export type Extraction = 'pages' | 'pageItem'

export interface IntentParameter {
  name: string
  entity: EntityType
  required: boolean
  /** The parameter holds several values (`items[]`), or a map for `pages`. */
  isList?: boolean
  /** Question asked when a required value is missing. */
  prompt?: string
  extract?: Extraction
  /**
   * For names the model may not know (yet): the words after a match of this pattern, as typed
   * ("connect to Finance Plan" → "Finance Plan"), so the bot can name them back.
   */
  typedAfter?: RegExp
}

/** What an intent needs of the connected model: the policy checks it, changes are confirmed first. */
export type Access = 'none' | 'read' | 'write' | 'run' | 'lists'

export interface IntentDefinition {
  name: string
  description: string
  /** Short label when the intent is offered as a choice ("Did you mean …?"): never its name. */
  label: string
  parameters: IntentParameter[]
  /** Training phrases with `{param:example}` annotations. */
  phrases: string[]
  /**
   * High-precision matchers on the normalised, spelling-corrected text: a whole utterance that
   * matches one is this intent without asking the classifier ("yup", "abort the import").
   */
  cues?: RegExp[]
  /** Typical replies (for an exported agent's static responses and docs). */
  responses: string[]
  /** @default 'none' */
  access?: Access
  /** The intent changes the model: it is confirmed and checked against the policy first. */
  changes?: 'write' | 'run' | 'lists'
}

/** Rows by name, in registration order. */
export class IntentRegistry {
  readonly #rows = new Map<string, IntentDefinition>()

  /** Registers one intent; a name registers once. */
  intent(row: IntentDefinition): this {
    if (this.#rows.has(row.name)) throw new Error(`intent ${row.name} is registered twice`)
    if (row.changes && (row.access ?? row.changes) !== row.changes)
      throw new Error(`intent ${row.name}: access and changes disagree`)
    this.#rows.set(row.name, { ...row, access: row.access ?? row.changes ?? 'none' })
    return this
  }

  get(name: string): IntentDefinition | undefined {
    return this.#rows.get(name)
  }

  all(): IntentDefinition[] {
    return [...this.#rows.values()]
  }
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
