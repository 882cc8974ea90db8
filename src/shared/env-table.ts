/**
 * Environment variables as one declarative table per process kind (in the manner of
 * functions-framework's `src/options.ts`): each variable once, with its parser, default and whether
 * it is a secret. `readEnvTable` reads them all, registers the secrets with the log redactor, and
 * names the variable in every error.
 */
import { ConfigError } from '../anaplan/index.ts'
import { registerSecret } from './logger.ts'

export type Env = Readonly<Record<string, string | undefined>>

export interface EnvVar<T> {
  /** The variable's name. */
  name: string
  /** Turns the trimmed, non-empty value into `T`; throws a message naming nothing (the table adds the name). */
  parse: (raw: string) => T
  /** Registered with the log redactor, never echoed in an error. */
  secret?: boolean
  /** One line for docs and `--help`. */
  doc: string
}

export type EnvTable = Record<string, EnvVar<unknown>>

/** The typed values of a table: `undefined` for a variable that is unset or blank. */
export type EnvValues<T extends EnvTable> = { [K in keyof T]: ReturnType<T[K]['parse']> | undefined }

/**
 * Reads every variable of `table` from `env`.
 * @throws {ConfigError} naming the variable whose value does not parse (never showing a secret).
 */
export function readEnvTable<T extends EnvTable>(table: T, env: Env): EnvValues<T> {
  const out: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(table)) {
    const raw = env[spec.name]?.trim()
    if (!raw) {
      out[key] = undefined
      continue
    }
    if (spec.secret) registerSecret(raw)
    try {
      out[key] = spec.parse(raw)
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      throw new ConfigError(
        spec.secret ? `${spec.name} is not valid: ${why}` : `${spec.name}=${raw} is not valid: ${why}`,
      )
    }
  }
  return out as EnvValues<T>
}

export const parse = {
  text: (raw: string): string => raw,
  /** An http(s) URL without trailing slashes. */
  url: (raw: string): string => {
    let u: URL
    try {
      u = new URL(raw)
    } catch {
      throw new Error('expected an http(s) URL')
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('expected an http(s) URL')
    return raw.replace(/\/+$/, '')
  },
  bool: (raw: string): boolean => {
    if (/^(true|1|yes)$/i.test(raw)) return true
    if (/^(false|0|no)$/i.test(raw)) return false
    throw new Error('expected true or false')
  },
  int:
    (min: number, max: number) =>
    (raw: string): number => {
      const n = Number(raw)
      if (!Number.isInteger(n) || n < min || n > max)
        throw new Error(`expected an integer from ${min} to ${max}`)
      return n
    },
  positive: (raw: string): number => {
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) throw new Error('expected a positive number')
    return n
  },
  oneOf:
    <const V extends string>(...values: V[]) =>
    (raw: string): V => {
      const v = raw.toLowerCase() as V
      if (!values.includes(v)) throw new Error(`expected one of ${values.join(', ')}`)
      return v
    },
}

/** Both of a pair, or neither. @throws {ConfigError} naming the missing half. */
export function pair<A, B>(
  a: { name: string; value: A | undefined },
  b: { name: string; value: B | undefined },
): [A, B] | undefined {
  if (a.value === undefined && b.value === undefined) return undefined
  if (a.value === undefined) throw new ConfigError(`${a.name} is required when ${b.name} is set`)
  if (b.value === undefined) throw new ConfigError(`${b.name} is required when ${a.name} is set`)
  return [a.value, b.value]
}
