/**
 * Choices the core offered and what comes back for them. A choice value replays an intent with
 * parameters (`show_view?p={...}`); it arrives from a client, so it is validated like any input:
 * plain data only, no prototype keys, no objects where Anaplan expects a value. The options of the
 * last reply are remembered in the session, so a typed label or number answers them on every
 * channel (buttons, Dialogflow chips, a terminal) the same way.
 */
import { abbreviationTier, fold } from '../nlu/text.ts'
import { MAX_TEXT_LENGTH } from './limits.ts'
import type { SessionState } from './session.ts'
import type { Message } from './types.ts'

export interface ChoiceOption {
  label: string
  value: string
}

/** A decoded choice: the intent to replay and its parameters. */
export interface ParsedChoice {
  intent: string
  parameters: Record<string, unknown>
}

/** Keys that would reach an object's prototype chain if copied carelessly. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const INTENT_RE = /^[a-z][a-z_]{0,39}$/
const ENCODED_RE = /^([a-z_]+)(?:\?p=(.*))?$/s

/** A choice value that replays an intent with parameters (`show_view?p={...}`). */
export function encodeChoice(intent: string, parameters: Record<string, unknown> = {}): string {
  return Object.keys(parameters).length
    ? `${intent}?p=${encodeURIComponent(JSON.stringify(parameters))}`
    : intent
}

/** Stands for each value in {@link encodeChoiceEach}: a string no parameter of ours contains. */
const EACH = '\u0000each\u0000'
const EACH_ENCODED = encodeURIComponent(JSON.stringify(EACH))

/**
 * `values.map((v) => encodeChoice(intent, parametersFor(v)))`, for choices that differ in one
 * string (the items of a page selector): the parameters are encoded once, and each value alone.
 * Percent-encoding maps JSON text piece by piece, so the result is the same. `parametersFor`
 * places its value, unchanged, as one string of the parameters; otherwise each is encoded whole.
 */
export function encodeChoiceEach(
  intent: string,
  values: readonly string[],
  parametersFor: (value: string) => Record<string, unknown>,
): string[] {
  const whole = encodeChoice(intent, parametersFor(EACH))
  const at = whole.indexOf(EACH_ENCODED)
  if (at < 0 || whole.indexOf(EACH_ENCODED, at + 1) >= 0) {
    return values.map((v) => encodeChoice(intent, parametersFor(v)))
  }
  const head = whole.slice(0, at)
  const tail = whole.slice(at + EACH_ENCODED.length)
  return values.map((v) => `${head}${encodeURIComponent(JSON.stringify(v))}${tail}`)
}

/**
 * Reads a value made by {@link encodeChoice}: the choice, `{ invalid }` when it has the shape of
 * one but a payload no option of ours carries, or undefined when it is not an encoded choice at
 * all (a plain label, which is then understood as text).
 */
export function parseChoice(value: string): ParsedChoice | { invalid: string } | undefined {
  const m = ENCODED_RE.exec(value.trim())
  if (!m) return undefined
  const intent = m[1] as string
  if (!INTENT_RE.test(intent) || FORBIDDEN_KEYS.has(intent)) return { invalid: 'unknown action' }
  if (m[2] === undefined) return { intent, parameters: {} }
  let raw: unknown
  try {
    raw = JSON.parse(decodeURIComponent(m[2]))
  } catch {
    return { invalid: 'unreadable parameters' }
  }
  const parameters = cleanParameters(raw)
  return parameters ? { intent, parameters } : { invalid: 'parameters of the wrong shape' }
}

/** Reads a value made by {@link encodeChoice}; undefined for anything else or anything invalid. */
export function decodeChoice(value: string): ParsedChoice | undefined {
  const c = parseChoice(value)
  return c && 'intent' in c ? c : undefined
}

/**
 * The parameters as plain data, or undefined when their shape is not one the bot makes: an
 * object of strings, finite numbers, booleans, lists of strings, and a flat map of strings for
 * `pages` only (so an object never reaches Anaplan as a cell value).
 */
export function cleanParameters(
  raw: unknown,
  options: { lenient?: boolean } = {},
): Record<string, unknown> | undefined {
  if (!isPlainObject(raw)) return undefined
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(raw)) {
    if (v === null || v === undefined) continue
    const clean = FORBIDDEN_KEYS.has(k)
      ? undefined
      : DATA_KEYS.has(k)
        ? cleanData(v, 0)
        : cleanValue(v, MAP_KEYS.has(k))
    // A platform's own extra shapes (Dialogflow's unit objects) are dropped; ours must all be valid.
    if (clean === undefined) {
      if (options.lenient) continue
      return undefined
    }
    out[k] = clean
  }
  return out
}

function cleanString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= MAX_TEXT_LENGTH ? v : undefined
}

/** The only parameters whose value is a map (dimension → item); everywhere else an object is refused. */
const MAP_KEYS = new Set(['pages'])

function cleanValue(v: unknown, mayBeMap: boolean): unknown {
  if (typeof v === 'string') return cleanString(v)
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (Array.isArray(v)) {
    const list = v.map(cleanString)
    return list.every((x) => x !== undefined) ? list : undefined
  }
  if (mayBeMap && isPlainObject(v)) {
    const flat: Record<string, string> = {}
    for (const [k2, v2] of Object.entries(v)) {
      const s = cleanString(v2)
      if (FORBIDDEN_KEYS.has(k2) || s === undefined) return undefined
      flat[k2] = s
    }
    return flat
  }
  return undefined
}

/**
 * Parameters that carry a typed structure (the question engine's `question`, offered in its
 * "which measure" choices): plain JSON data, no prototype keys, bounded depth. The question is
 * checked against the connected model's catalog before anything is read.
 */
const DATA_KEYS = new Set(['question'])
const MAX_DATA_DEPTH = 8

function cleanData(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return cleanString(v)
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (depth >= MAX_DATA_DEPTH) return undefined
  if (Array.isArray(v)) {
    const list = v.map((x) => cleanData(x, depth + 1))
    return list.every((x) => x !== undefined) ? list : undefined
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      const c = FORBIDDEN_KEYS.has(k) ? undefined : cleanData(x, depth + 1)
      if (c === undefined) return undefined
      out[k] = c
    }
    return out
  }
  return undefined
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** True when `name` is an own key of `table` (never `constructor` or `__proto__` from the prototype). */
export function ownEntry<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined
}

/** The Yes / No options of a confirmation, naming the pending change they answer. */
export function confirmationOptions(changeId: string): ChoiceOption[] {
  return [
    { label: 'Yes', value: encodeChoice('confirm', { change: changeId }) },
    { label: 'No', value: encodeChoice('deny', { change: changeId }) },
  ]
}

/** Remembers the options of the reply's last choices message, for a typed answer next turn. */
export function rememberOffered(session: SessionState, messages: readonly Message[]): void {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m?.type === 'choices') {
      session.offered = m.options.map((o) => ({ label: o.label, value: o.value }))
      return
    }
  }
  delete session.offered
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map(fold)
    .join(' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/**
 * The chosen option's value when `text` is its 1-based number or its label; a label cut short (as
 * Dialogflow cuts quick replies to 20 characters) counts when it names one option only.
 */
export function matchOffered(text: string, options: readonly ChoiceOption[]): string | undefined {
  const trimmed = text.trim()
  if (/^\d{1,2}$/.test(trimmed)) return options[Number(trimmed) - 1]?.value
  const wanted = normalise(trimmed)
  if (wanted === '') return undefined
  const hit = options.find((o) => normalise(o.label) === wanted)
  if (hit) return hit.value
  const ordinal = ORDINAL_RE.exec(wanted)?.[1]
  if (ordinal) return (ordinal === 'last' ? options.at(-1) : options[ORDINALS.indexOf(ordinal) % 4])?.value
  if (wanted.length >= 8) {
    const prefixed = options.filter((o) => normalise(o.label).startsWith(wanted))
    if (prefixed.length === 1) return prefixed[0]?.value
  }
  return byWords(wanted, options)
}

/**
 * The one option whose label's words all appear in a longer reply ("units, actuals" to Revenue
 * or Units): the choice the reply makes before saying more. None when several or none fit.
 */
export function namedOption(text: string, options: readonly ChoiceOption[]): ChoiceOption | undefined {
  const words = new Set(normalise(text).split(' '))
  const fits = options.filter((o) => {
    const label = normalise(o.label).split(' ').filter(Boolean)
    return (
      label.length > 0 &&
      label.every((w) => words.has(w) || words.has(`${w}s`) || words.has(w.replace(/s$/, '')))
    )
  })
  return fits.length === 1 ? fits[0] : undefined
}

const ORDINALS = ['first', 'second', 'third', 'fourth', '1st', '2nd', '3rd', '4th']
const ORDINAL_RE =
  /^(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th|last)(?:\s+one)?(?:\s+(?:please|pls|thanks))?$/
/** Words of pointing at an option that name nothing: "the cost one, please". */
const POINTING = new Set([
  'the',
  'one',
  'a',
  'an',
  'please',
  'pls',
  'plz',
  'thanks',
  'thx',
  'i',
  'mean',
  'meant',
  'that',
  'option',
  'ok',
  'oh',
  'by',
  'per',
])
/** Words that qualify an option's words without naming one ("the total cost"). */
const QUALIFIERS = new Set(['total', 'overall', 'whole', 'full', 'just', 'only'])
/** "the total cost one": an option pointed at by some of its words, the rest only qualifying. */
const REFERS_RE = /\b(?:the|that)\s+(?:\S+\s+){0,3}one\b|\bi\s+meant?\b/

/**
 * An option named by its own words ("cost" for Salary Cost) in a short reply: every word of the
 * reply is a word of that one option's label, or, worded as "the … one", at least one is and no
 * other option has as many. Anything longer or with other words is a new request, not an answer.
 */
function byWords(wanted: string, options: readonly ChoiceOption[]): string | undefined {
  // "total cost" for Salary Cost beside Average Salary: "total" qualifies, naming no option.
  const all = wanted.split(' ').filter((w) => !POINTING.has(w))
  const named = all.filter((w) => !QUALIFIERS.has(w))
  const words = named.length ? named : all
  if (!words.length || words.length > 3) return undefined
  const pointed = REFERS_RE.test(wanted)
  const scored = options.map((o) => {
    const label = normalise(o.label).split(' ')
    // "the avg one" for Average Salary: a short form of one of its words counts as the word.
    const hits = words.filter((w) =>
      label.some((l) => l === w || (w.length >= 4 && l.startsWith(w)) || abbreviationTier(w, l) > 0),
    ).length
    return { o, hits }
  })
  const best = Math.max(...scored.map((x) => x.hits))
  const top = scored.filter((x) => x.hits === best)
  if (best === 0 || top.length !== 1) return undefined
  return best === words.length || pointed ? top[0]?.o.value : undefined
}
