/**
 * The bot policy: which chat identities may read, write, change lists or run which actions in
 * which models, and which Anaplan credentials profile acts for them. Unknown identities get the
 * policy's `defaults` (read-only unless the file says otherwise). Format: docs/bot.md.
 */
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { BotError } from './errors.ts'
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

const READ_ONLY: Permission = { read: true, write: false, lists: false, run: [] }
const NOTHING: Permission = { read: false, write: false, lists: false, run: [] }

/** No file: everyone may read every model, nobody may change anything. */
export const DEFAULT_POLICY: BotPolicy = { rules: [], defaults: { '*': READ_ONLY } }

/** A policy that lets everyone do everything; for local demos (`npm start`) only. */
export function allowAllPolicy(): BotPolicy {
  return { rules: [], defaults: { '*': { read: true, write: true, lists: true, run: ['*'] } } }
}

const permissionSchema = z
  .object({
    read: z.boolean().optional(),
    write: z.boolean().optional(),
    lists: z.boolean().optional(),
    run: z.union([z.boolean(), z.literal('*'), z.array(z.string())]).optional(),
  })
  .strict()

const patternSchema = z
  .object({ channel: z.string().optional(), userId: z.string().optional(), teamId: z.string().optional() })
  .strict()

const fileSchema = z
  .object({
    defaults: z.record(z.string(), permissionSchema).optional(),
    rules: z
      .array(
        z
          .object({
            match: z.union([patternSchema, z.array(patternSchema)]),
            models: z.record(z.string(), permissionSchema),
            anaplanUser: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()

/**
 * Loads a policy from YAML or JSON text, or from a file path (anything that does not look like
 * YAML/JSON content). Throws `BotError('invalid_input')` naming the bad field.
 */
export function loadPolicy(fileOrText: string): BotPolicy {
  // Content has a newline, a brace or a `key: value`; a path has none of these.
  const isText = fileOrText.includes('\n') || /^\s*[{[]/.test(fileOrText) || /:\s/.test(fileOrText)
  const text = isText ? fileOrText : readFileSync(fileOrText, 'utf8')
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (e) {
    throw new BotError('invalid_input', `The bot policy is not valid YAML/JSON: ${(e as Error).message}`, {
      cause: e,
    })
  }
  const parsed = fileSchema.safeParse(raw ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new BotError(
      'invalid_input',
      `Invalid bot policy at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    )
  }
  const toPermission = (p: z.infer<typeof permissionSchema>): Permission => ({
    read: p.read ?? true,
    write: p.write ?? false,
    lists: p.lists ?? false,
    run: p.run === true || p.run === '*' ? ['*'] : p.run === false || p.run === undefined ? [] : p.run,
  })
  const mapModels = (m: Record<string, z.infer<typeof permissionSchema>>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, toPermission(v)]))
  const rules = (parsed.data.rules ?? []).map((r) => {
    const rule: PolicyRule = {
      match: Array.isArray(r.match) ? r.match.map(clean) : [clean(r.match)],
      models: mapModels(r.models),
    }
    if (r.anaplanUser) rule.anaplanUser = r.anaplanUser
    return rule
  })
  return { rules, defaults: parsed.data.defaults ? mapModels(parsed.data.defaults) : { '*': READ_ONLY } }
}

function clean(p: z.infer<typeof patternSchema>): IdentityPattern {
  const out: IdentityPattern = {}
  if (p.channel !== undefined) out.channel = p.channel
  if (p.userId !== undefined) out.userId = p.userId
  if (p.teamId !== undefined) out.teamId = p.teamId
  return out
}

/** Glob with `*` (any run of characters) and `?`; case-sensitive, as chat ids are. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  )
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
