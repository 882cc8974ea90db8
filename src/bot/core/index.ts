/**
 * @module bot/core
 * The channel-agnostic conversation core: `createBot`, the intent catalog, the bot policy, the
 * audit trail, session and download stores. Imports no channel, function, CLI or simulator code.
 */
export type { AnaplanClientProvider, BotAnaplanClient } from './anaplan.ts'
export { type AuditEntry, type AuditSink, JsonlFileAuditSink, MemoryAuditSink } from './audit.ts'
export { type CreateBotOptions, createBot, DEFAULT_REPLY_BUDGET_MS } from './bot.ts'
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
} from './catalog.ts'
export { decodeChoice, encodeChoice } from './context.ts'
export {
  DEFAULT_DOWNLOAD_TTL_MS,
  DiskDownloadStore,
  type DownloadStore,
  downloadUrl,
  type OpenedDownload,
  type StoredDownload,
} from './downloads.ts'
export { errorCode, errorReply } from './error-reply.ts'
export { BotError, type BotErrorCode } from './errors.ts'
export {
  allowAllPolicy,
  type BotPolicy,
  DEFAULT_POLICY,
  type IdentityPattern,
  type Permission,
  type PolicyRule,
  permissionFor,
} from './policy.ts'
export { loadPolicy } from './policy-file.ts'
export {
  DEFAULT_SESSION_TTL_MS,
  emptySession,
  MemorySessionStore,
  type SessionSetOptions,
  type SessionState,
  type SessionStore,
  type Versioned,
} from './session.ts'
export type * from './types.ts'
