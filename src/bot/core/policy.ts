/**
 * The bot policy: which chat identities may read, write, change lists or run which actions in
 * which models, and which Anaplan credentials profile acts for them. Unknown identities get the
 * policy's `defaults` (read-only unless the file says otherwise). Format: docs/bot.md. Reading a
 * policy file is `policy-file.ts`, so the bot itself loads no YAML or schema library.
 */
import type { Identity } from './types.ts'

/** What an identity may do in one model. */
export interface Permission {
  read: boolean
  write: boolean
  /** Add, change or delete list items. */
  lists: boolean
  /** Action names or ids that may be run; `['*']` for all. */
  run: string[]
}

export interface IdentityPattern {
  /** `web`, `slack`, `dialogflow-es`, `dialogflow-cx`, `terminal`, `api` or a glob. */
  channel?: string
  /** Glob over the channel's user id (Slack user id, Dialogflow session or user id, web user). */
  userId?: string
  /** Glob over the Slack team id. */
  teamId?: string
}

export interface PolicyRule {
  /** The rule applies when ANY pattern matches. */
  match: IdentityPattern[]
  /** Model name or id → permission; `*` for every other model. */
  models: Record<string, Permission>
  /** Named Anaplan credentials profile used for these identities (see `anaplanUser`). */
  anaplanUser?: string
}

export interface BotPolicy {
  /** Rules in order; the first rule whose pattern matches decides. */
  rules: PolicyRule[]
  /** For identities no rule matches, per model (`*` for all). */
  defaults: Record<string, Permission>
}

export type Capability = 'read' | 'write' | 'lists' | 'run'

/** May read, may change nothing: the default for identities no rule names. */
export const READ_ONLY: Permission = { read: true, write: false, lists: false, run: [] }
const NOTHING: Permission = { read: false, write: false, lists: false, run: [] }

/** No file: everyone may read every model, nobody may change anything. */
export const DEFAULT_POLICY: BotPolicy = { rules: [], defaults: { '*': READ_ONLY } }

/** A policy that lets everyone do everything; for local demos (`npm start`) only. */
export function allowAllPolicy(): BotPolicy {
  return { rules: [], defaults: { '*': { read: true, write: true, lists: true, run: ['*'] } } }
}

/** Compiled globs: a policy's few patterns are matched on every turn (no `g` flag: stateless). */
const globs = new Map<string, RegExp>()
const MAX_GLOBS = 1000

/** Glob with `*` (any run of characters) and `?`; case-sensitive, as chat ids are. */
export function globMatch(pattern: string, value: string): boolean {
  let re = globs.get(pattern)
  if (!re) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    )
    if (globs.size >= MAX_GLOBS) globs.clear()
    globs.set(pattern, re)
  }
  return re.test(value)
}

function patternMatches(p: IdentityPattern, id: Identity): boolean {
  if (p.channel !== undefined && !globMatch(p.channel, id.channel)) return false
  if (p.userId !== undefined && !globMatch(p.userId, id.userId)) return false
  if (p.teamId !== undefined && !globMatch(p.teamId, id.teamId ?? '')) return false
  return true
}

/** The first rule matching the identity, or undefined (then `defaults` apply). */
export function matchRule(policy: BotPolicy, identity: Identity): PolicyRule | undefined {
  return policy.rules.find((r) => r.match.some((p) => patternMatches(p, identity)))
}

/** The permission of an identity in a model, looked up by model name or id, then `*`. */
export function permissionFor(
  policy: BotPolicy,
  identity: Identity,
  model: { name: string; id?: string },
): Permission {
  const table = matchRule(policy, identity)?.models ?? policy.defaults
  const lower = model.name.toLowerCase()
  const key = Object.keys(table).find((k) => k === model.id || k.toLowerCase() === lower)
  return (key ? table[key] : table['*']) ?? NOTHING
}

/**
 * True when the identity may change something somewhere, or acts with its own credentials profile:
 * only then is the Anaplan user it acts as its business (`whoami`).
 */
export function actsInAnaplan(policy: BotPolicy, identity: Identity): boolean {
  const rule = matchRule(policy, identity)
  if (rule?.anaplanUser) return true
  return Object.values(rule?.models ?? policy.defaults).some((p) => p.write || p.lists || p.run.length > 0)
}

/** True when the permission allows the capability (for `run`, on that action). */
export function allows(p: Permission, capability: Capability, actionName?: string): boolean {
  if (capability !== 'run') return p[capability]
  const name = actionName?.toLowerCase()
  return p.run.some((r) => r === '*' || (name !== undefined && r.toLowerCase() === name))
}

/** Explains a refusal in words, with what to ask for. */
export function refusalText(
  p: Permission,
  capability: Capability,
  model: string,
  actionName?: string,
): string {
  if (!p.read)
    return `You don't have access to ${model} through this bot. Ask an admin to add you to the bot policy.`
  const what =
    capability === 'write'
      ? 'change it'
      : capability === 'lists'
        ? 'change its lists'
        : capability === 'run'
          ? `run ${actionName ? `"${actionName}"` : 'actions'} there`
          : 'read it'
  const grant = capability === 'run' ? `run ${actionName ? `"${actionName}"` : ''}`.trim() : capability
  return `You can read ${model} but not ${what}. Ask an admin to grant ${grant} in the bot policy.`
}
