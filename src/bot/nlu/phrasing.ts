/**
 * What the intents' own phrasing tells about an utterance, beyond the classifier: misspelt command
 * words corrected against the words of the training phrases ("lsit the veiws" → "list the views"),
 * the registry's high-precision cues ("yup", "abort the import"), and whether the words of a
 * sentence that names nothing are words the chosen intent is ever said with (the weather and
 * recipes are not). Works on the placeholder shape, where the model's names are already replaced.
 */
import { ENTITY_TYPES, INTENT_CATALOG, type IntentDefinition, parsePhrase } from '../intents/index.ts'
import { editDistance, fold, STOPWORDS, type Token, tokenize } from './text.ts'
import { TypoIndex } from './typos.ts'

/**
 * Words that say nothing about what is asked: never corrected, never counted as evidence either
 * way ("anything I can run here" is about running).
 */
const FUNCTION_WORDS = new Set(
  `${[...STOPWORDS].join(' ')} am do does did done have has had can could would will should shall must may might
  we us our your yours they them their he she his her its there here then than so just also very really
  some any anything something everything all every each no not yes ok up down out about over how why when
  where who whom whose get got let let's i'm it's what's that's there's don't can't won't isn't yet still
  again too one ones thing things like need want would like please thanks anaplan
  getting going coming doing looking trying making taking sort stuff kind
  rn atm pls plz thx ty btw tbh fyi lol asap sorry hmm`.split(/\s+/),
)

interface Phrasing {
  /** Every folded word of every phrase outside its annotated parts. */
  words: TypoIndex
  /** Those words per intent. */
  byIntent: Map<string, Set<string>>
  /** Phrase words by their consonants alone, where only one word has them ("wrkspcs"). */
  skeletons: Map<string, string | null>
}

const VOWELS_RE = /[aeiou]/g
const HAS_VOWEL_RE = /[aeiou]/

/**
 * A word's consonants in order: how people shorten words when typing fast ("wrkspcs", "mdls",
 * "prcss"). Only a token with no vowel at all and four consonants or more is read this way.
 */
function skeleton(w: string): string {
  return w.replace(VOWELS_RE, '')
}

let phrasing: Phrasing | undefined

function load(): Phrasing {
  if (phrasing) return phrasing
  const words = new TypoIndex({ stopwordsExact: false })
  const byIntent = new Map<string, Set<string>>()
  for (const intent of INTENT_CATALOG) {
    const own = new Set<string>()
    for (const phrase of intent.phrases)
      for (const part of parsePhrase(intent, phrase)) {
        // Example names in the phrases ("Finance Plan") are names, not the intent's words; the
        // fixed words of a type ("imports") are words.
        if (part.entity && part.entity !== 'actionType') continue
        for (const t of tokenize(part.text)) {
          if (/\d/.test(t.norm)) continue
          own.add(t.norm)
          words.add(t.norm)
        }
      }
    byIntent.set(intent.name, own)
  }
  // Every word of an action type is one to correct to, used in a phrase or not ("exprots").
  for (const v of ENTITY_TYPES.find((e) => e.name === 'actionType')?.values ?? [])
    for (const w of v.synonyms) for (const t of tokenize(w)) words.add(t.norm)
  // Misspelt small words are corrected too ("wich" → "which"), though they never count as evidence.
  for (const w of FUNCTION_WORDS) words.add(w)
  const skeletons = new Map<string, string | null>()
  for (const own of byIntent.values())
    for (const w of own) {
      const k = skeleton(w)
      if (k.length < 4 || k === w) continue
      const seen = skeletons.get(k)
      skeletons.set(k, seen === undefined || seen === w ? w : null)
    }
  phrasing = { words, byIntent, skeletons }
  return phrasing
}

const PLACEHOLDER = /^zz[a-z]+$/

/**
 * Shorthand for the bot's own objects that no typo distance reaches ("list the ws's"). Only
 * words that are nothing else in planning chat: "mod" or "proc" are left alone.
 */
const SHORTHAND: ReadonlyMap<string, string> = new Map([
  ['ws', 'workspaces'],
  ['wss', 'workspaces'],
  ['wksp', 'workspace'],
  ['wksps', 'workspaces'],
  ['wkspc', 'workspace'],
  ['wkspcs', 'workspaces'],
])

/**
 * The shape with each word the phrases do not know replaced by the phrase word it is a typo of,
 * when there is one ("shwo me the wrkspaces" → "show me the workspace").
 */
export function correctPhrasing(shape: string): string {
  const { words, skeletons } = load()
  let out = ''
  let pos = 0
  for (const t of tokenize(shape)) {
    const short = SHORTHAND.get(t.norm.replace(/'s$/, ''))
    if (short) {
      out += `${shape.slice(pos, t.start)}${short}`
      pos = t.end
      continue
    }
    if (!correctable(t) || words.has(t.norm)) continue
    const bare = t.norm.length >= 4 && !HAS_VOWEL_RE.test(t.norm) ? skeletons.get(t.norm) : undefined
    const fix = bare ?? words.closest(t.norm)
    // A short word one letter off another is often a word of its own ("fire", "fine"): only
    // swapped, missing or doubled letters are corrected there.
    if (!fix || (t.norm.length < 6 && substitution(t.norm, fix))) continue
    // A plural typed stays one: "show me the exprots" asks for the exports, not the export.
    const typed = t.raw.toLowerCase()
    const plural =
      typed.endsWith('s') &&
      !fix.endsWith('s') &&
      editDistance(typed, `${fix}s`, 3) <= editDistance(typed, fix, 3)
    out += `${shape.slice(pos, t.start)}${fix}${plural ? 's' : ''}`
    pos = t.end
  }
  return out + shape.slice(pos)
}

/** Same length and not one adjacent swap apart: a letter replaced. */
function substitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  const diff: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i)
  const [i, j] = diff
  return !(diff.length === 2 && j === (i as number) + 1 && a[i as number] === b[j] && a[j] === b[i as number])
}

function correctable(t: Token): boolean {
  return !PLACEHOLDER.test(t.norm) && !FUNCTION_WORDS.has(t.raw.toLowerCase()) && /^\p{L}+$/u.test(t.norm)
}

/** The shape as cues read it: lower case, plain apostrophes, no punctuation, single spaces. */
function cueText(shape: string): string {
  return shape
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The intent whose registry cue matches the whole (corrected) shape, if any. */
export function cuedIntent(
  shape: string,
  intents: readonly IntentDefinition[] = INTENT_CATALOG,
): string | undefined {
  // A text of punctuation alone ("?") has no cue text: its cue is matched as typed.
  const text = cueText(shape) || shape.trim()
  // "what model am i in atm", "hey quick q, who am i logged in as": the same cue without the
  // chat filler around it.
  const bare = text.replace(LEAD_FILLER_RE, '').replace(TRAIL_FILLER_RE, '')
  // The text as said first: "ok thanks" is a yes before "thanks" alone is thanks.
  const said = intents.find((i) => i.cues?.some((re) => re.test(text)))?.name
  if (said || !bare || bare === text) return said
  return intents.find((i) => i.cues?.some((re) => re.test(bare)))?.name
}

const LEAD_FILLER_RE =
  /^(?:(?:hey|hi|ok|okay|so|sorry|um+|uh+|hmm+|quick q|quick question|quick one|btw|yo)\s+)+/
const TRAIL_FILLER_RE =
  /(?:\s+(?:atm|rn|right now|now|currently|at the moment|pls|plz|please|thanks|thx|ty|again|then|btw|quickly))+$/

/**
 * Whether the content words of a shape that names nothing are words the intent's phrases use:
 * "will it rain in Paris tomorrow" classified as a yes has three words no yes is said with;
 * "what can I run here" has "run". Words in `free` (a name typed for the model to be told about) are
 * not counted. `strict` allows no stray word: for a reading that took words for names.
 */
export function spokenLike(
  intent: string,
  shape: string,
  free: ReadonlySet<string> = new Set(),
  strict = false,
  confidence = 0,
): boolean {
  const own = load().byIntent.get(intent)
  if (!own) return true
  const content = tokenize(shape).filter(
    (t) => correctable(t) && !free.has(t.norm) && !FUNCTION_WORDS.has(t.norm),
  )
  const known = content.filter((t) => own.has(t.norm) || own.has(stem(t.norm))).length
  const unknown = content.length - known
  // One stray word is everyday phrasing ("who are you acting as"); several, outnumbering the
  // intent's own words, are another subject.
  // A classifier all but certain, with one of the intent's own words, is trusted over stray words
  // ("hello, hope you're well today"); the weather or a recipe has none of them.
  const sure = !strict && known > 0 && confidence >= SURE
  return known >= unknown || (!strict && unknown < 2) || sure
}

/** A classification this sure, with one word of its intent, outweighs stray words. */
const SURE = 0.95

/** A light stem, so "finished" meets "finish" and "running" meets "run". */
function stem(w: string): string {
  const s = fold(w)
  if (s.length > 5 && s.endsWith('ing')) return s.slice(0, -3).replace(/(.)\1$/, '$1')
  if (s.length > 4 && s.endsWith('ed')) return s.slice(0, -2)
  return s
}
