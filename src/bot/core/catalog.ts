/**
 * The intent catalog now lives in the intent registry (`src/bot/intents/`), below both the core
 * and the NLU; this module keeps the core's old import path working.
 */
export * from '../intents/index.ts'
