/**
 * Reading a bot policy file (YAML or JSON, format in docs/bot.md) into a {@link BotPolicy}. Kept
 * apart from `policy.ts` so that only a process that reads a policy file loads the YAML parser and
 * the schema library (a cold start saves both otherwise).
 */
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { en } from 'zod/locales'
import * as z from 'zod/mini'
import { BotError } from './errors.ts'
import {
  type BotPolicy,
  type IdentityPattern,
  type Permission,
  type PolicyRule,
  READ_ONLY,
} from './policy.ts'

// zod/mini with English messages: the same checks and wording as `zod`, and in the functions'
// bundle it shares the small tree-shaken part of zod the other schemas use.
z.config(en())

const permissionSchema = z.strictObject({
  read: z.optional(z.boolean()),
  write: z.optional(z.boolean()),
  lists: z.optional(z.boolean()),
  run: z.optional(z.union([z.boolean(), z.literal('*'), z.array(z.string())])),
})

const patternSchema = z.strictObject({
  channel: z.optional(z.string()),
  userId: z.optional(z.string()),
  teamId: z.optional(z.string()),
})

const fileSchema = z.strictObject({
  defaults: z.optional(z.record(z.string(), permissionSchema)),
  rules: z.optional(
    z.array(
      z.strictObject({
        match: z.union([patternSchema, z.array(patternSchema)]),
        models: z.record(z.string(), permissionSchema),
        anaplanUser: z.optional(z.string()),
      }),
    ),
  ),
})

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
