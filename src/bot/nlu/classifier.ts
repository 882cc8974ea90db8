/**
 * Intent classification with NLP.js (an offline neural classifier), trained on the catalog's
 * phrases. Names in the phrases are replaced by kind placeholders (`zzview`, `zzitem`...) exactly
 * as at run time, so the classifier learns sentence shapes, not one model's names. Trained once
 * per process; the promise is shared.
 */
import { containerBootstrap } from '@nlpjs/core'
import { LangEn } from '@nlpjs/lang-en-min'
import { Nlp, type NlpInstance } from '@nlpjs/nlp'
import { INTENT_CATALOG, parsePhrase } from '../core/catalog.ts'

export interface Classification {
  intent: string
  score: number
  /** The runner-up intents, best first. */
  ranking: { intent: string; score: number }[]
}

/** Turns an utterance whose names were replaced by placeholders into training/query text. */
export type Placeholderise = (text: string) => string

let trained: Promise<NlpInstance> | undefined

/**
 * Trains (once per process) and returns the classifier. `placeholderise` must be the same function
 * used at query time; the first caller's function is the one used for training.
 */
export function getClassifier(placeholderise: Placeholderise): Promise<NlpInstance> {
  trained ??= train(placeholderise)
  return trained
}

async function train(placeholderise: Placeholderise): Promise<NlpInstance> {
  const container = await containerBootstrap()
  container.use(Nlp)
  container.use(LangEn)
  const nlp = container.get('nlp')
  nlp.settings.autoSave = false
  nlp.settings.autoLoad = false
  nlp.settings.log = false
  nlp.settings.nlu = { log: false }
  nlp.addLanguage('en')
  for (const intent of INTENT_CATALOG) {
    for (const phrase of intent.phrases) {
      // Free-text parameters (new item names) are dropped: at run time they are unknown words.
      const text = parsePhrase(intent, phrase)
        .map((part) => (part.entity === 'any' ? ' ' : part.text))
        .join('')
      nlp.addDocument('en', placeholderise(text), intent.name)
    }
  }
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

/** Classifies placeholder text. */
export async function classify(nlp: NlpInstance, text: string): Promise<Classification> {
  const r = await nlp.process('en', text)
  const ranking = (r.classifications ?? []).filter((c) => c.score > 0).sort((a, b) => b.score - a.score)
  const intent = r.intent === 'None' || !r.intent ? 'fallback' : r.intent
  return { intent, score: r.intent === 'None' ? 0 : r.score, ranking }
}
