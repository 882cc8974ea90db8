/**
 * Catalog lookups the channels need to map Dialogflow intents and parameters, derived from the
 * core's `INTENT_CATALOG` (the single source of intent and parameter names).
 */
import { INTENT_CATALOG } from '../core/catalog.ts'

/** Intent name → parameter names. */
export const CATALOG_PARAMETERS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  INTENT_CATALOG.map((i) => [i.name, i.parameters.map((p) => p.name)]),
)

/** Every catalog intent name. */
export const CATALOG_INTENTS: ReadonlySet<string> = new Set(INTENT_CATALOG.map((i) => i.name))
