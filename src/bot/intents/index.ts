/**
 * @module bot/intents
 * The intent registry: one row per intent, read by the NLU, the core and the Dialogflow export.
 */
export { ENTITY_TYPES, INTENT_CATALOG, INTENTS, intentByName, intentLabel } from './catalog.ts'
export {
  type Access,
  type EntityType,
  type EntityTypeInfo,
  type Extraction,
  type IntentDefinition,
  type IntentParameter,
  IntentRegistry,
  type PhrasePart,
  parsePhrase,
} from './registry.ts'
