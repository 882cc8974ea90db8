/**
 * Intent classification with NLP.js (an offline neural classifier), trained on the catalog's
 * phrases. Names in the phrases are replaced by kind placeholders (`zzview`, `zzitem`...) exactly
 * as at run time, so the classifier learns sentence shapes, not one model's names.
 *
 * Training costs a cold start several hundred milliseconds, so `npm run build` trains once and
 * ships the result as `nlu-model.json` next to this file (`scripts/build-assets.ts`). At run time
 * the classifier is loaded from that file when its key matches the training set, and trained
 * otherwise (from source, or after the catalog changed without a rebuild). Either way it is built
 * once per process; the promise is shared. NLP.js itself is imported only then, so a process that
 * never classifies (a Dialogflow webhook, where Dialogflow recognises the intents) never loads it.
 */
import { readFile } from 'node:fs/promises'
import type { NlpInstance } from '@nlpjs/nlp'

export interface Classification {
  intent: string
  score: number
  /** The runner-up intents, best first. */
  ranking: { intent: string; score: number }[]
}

/** Turns an utterance whose names were replaced by placeholders into training/query text. */
export type Placeholderise = (text: string) => string

/** One training phrase, already in placeholder form. */
export interface TrainingDocument {
  utterance: string
  intent: string
}

/** What the classifier is trained on, and a cheap key that identifies it. */
export interface TrainingSet {
  /**
   * Changes whenever the training inputs change; a model file is used only when it carries the
   * same key. Computing it must be cheap: it runs at every cold start.
   */
  key: string
  /** The placeholder documents (computed only when training). */
  documents(): TrainingDocument[]
}

/** Layout version of the model file; bump it when the file's shape or the training settings change. */
export const MODEL_FILE_FORMAT = 1

/** The model file `npm run build` writes next to the compiled classifier. */
export const SHIPPED_MODEL_FILE = new URL('./nlu-model.json', import.meta.url)

/** Contents of a model file. */
export interface ModelFile {
  format: typeof MODEL_FILE_FORMAT
  /** {@link TrainingSet.key} of the set it was trained on. */
  key: string
  /** NLP.js's own export (`nlp.export()`). */
  nlp: unknown
}

/** Where a classifier came from. */
export type ClassifierSource = 'file' | 'trained'

let shared: Promise<NlpInstance> | undefined

/**
 * The process's classifier: loaded from the shipped model file when it matches `set`, else
 * trained. The first caller's set is the one used; callers must pass the same one.
 */
export function getClassifier(set: TrainingSet): Promise<NlpInstance> {
  if (!shared) {
    const p = loadOrTrain(set).then((r) => r.nlp)
    shared = p
    p.catch(() => {
      if (shared === p) shared = undefined
    })
  }
  return shared
}

/**
 * Loads the classifier from `modelFile` when it exists and was trained on `set` (same key), or
 * trains one. Not cached: {@link getClassifier} is the per-process entry point.
 */
export async function loadOrTrain(
  set: TrainingSet,
  modelFile: URL | string = SHIPPED_MODEL_FILE,
): Promise<{ nlp: NlpInstance; source: ClassifierSource }> {
  let text: string | undefined
  try {
    text = await readFile(modelFile, 'utf8')
  } catch {
    // No shipped model (running from source, or not built with `npm run build`): train.
  }
  const loaded = text === undefined ? undefined : await importClassifier(text, set.key)
  if (loaded) return { nlp: loaded, source: 'file' }
  return { nlp: await trainClassifier(set.documents()), source: 'trained' }
}

/**
 * The exports of a CommonJS package from its dynamic import. Node offers `module.exports` as
 * `default` and also as named exports; a bundle (scripts/bundle-functions.ts) only as `default`.
 */
function commonJs<T extends object>(ns: T): T {
  return (ns as T & { default?: T }).default ?? ns
}

async function newNlp(): Promise<NlpInstance> {
  const [core, lang, nlpModule] = await Promise.all([
    import('@nlpjs/core'),
    import('@nlpjs/lang-en-min'),
    import('@nlpjs/nlp'),
  ])
  const { containerBootstrap } = commonJs(core)
  const { LangEn } = commonJs(lang)
  const { Nlp } = commonJs(nlpModule)
  const container = await containerBootstrap()
  container.use(Nlp)
  container.use(LangEn)
  const nlp = container.get('nlp')
  nlp.settings.autoSave = false
  nlp.settings.autoLoad = false
  nlp.settings.log = false
  nlp.settings.nlu = { log: false }
  nlp.addLanguage('en')
  return nlp
}

/** Trains a classifier on `documents`. */
export async function trainClassifier(documents: TrainingDocument[]): Promise<NlpInstance> {
  const nlp = await newNlp()
  for (const d of documents) nlp.addDocument('en', d.utterance, d.intent)
  // NLP.js logs every epoch through console.log; training output is noise in a server's logs.
  const log = console.log
  console.log = () => {}
  try {
    await nlp.train()
  } finally {
    console.log = log
  }
  return nlp
}

/** Serialises a trained classifier as a model file for the training set with `key`. */
export function exportClassifier(nlp: NlpInstance, key: string): string {
  const file: ModelFile = { format: MODEL_FILE_FORMAT, key, nlp: JSON.parse(nlp.export(true)) }
  return JSON.stringify(file)
}

/**
 * Rebuilds a classifier from a model file's text. Answers `undefined` when the file is not a
 * model file of this format or was trained on another set than `key`.
 */
export async function importClassifier(text: string, key: string): Promise<NlpInstance | undefined> {
  let file: Partial<ModelFile>
  try {
    file = JSON.parse(text) as Partial<ModelFile>
  } catch {
    return undefined
  }
  if (file.format !== MODEL_FILE_FORMAT || file.key !== key || typeof file.nlp !== 'object' || !file.nlp)
    return undefined
  const nlp = await newNlp()
  nlp.import(file.nlp)
  return nlp
}

/** Classifies placeholder text. */
export async function classify(nlp: NlpInstance, text: string): Promise<Classification> {
  const r = await nlp.process('en', text)
  const ranking = (r.classifications ?? []).filter((c) => c.score > 0).sort((a, b) => b.score - a.score)
  const intent = r.intent === 'None' || !r.intent ? 'fallback' : r.intent
  return { intent, score: r.intent === 'None' ? 0 : r.score, ranking }
}
