/**
 * The intent catalog now lives in the intent registry (`src/bot/intents/`), below both the core
 * and the NLU; this module keeps the core's old import path working.
 */
export {
  ENTITY_TYPES,
  type EntityType,
  type EntityTypeInfo,
  INTENT_CATALOG,
  type IntentDefinition,
  type IntentParameter,
  intentByName,
  type PhrasePart,
  parsePhrase,
} from '../intents/index.ts'
