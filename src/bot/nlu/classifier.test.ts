/**
 * The classifier `npm run build` ships (`nlu-model.json`) against the one training produces: the
 * same model, the same answers on the labelled set, and training again whenever the file is
 * missing, unreadable or made for other training inputs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NlpInstance } from '@nlpjs/nlp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  classify,
  exportClassifier,
  importClassifier,
  loadOrTrain,
  MODEL_FILE_FORMAT,
  trainClassifier,
} from './classifier.ts'
import { DEMO_VOCABULARY } from './demo-vocabulary.ts'
import { loadLabelled } from './evaluate.ts'
import { Nlu, trainingSet } from './nlu.ts'

let dir: string
let trained: NlpInstance
let shipped: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nlu-model-'))
  trained = await trainClassifier(trainingSet().documents())
  shipped = exportClassifier(trained, trainingSet().key)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('shipped NLU model', () => {
  it('is exactly what training produces (training is deterministic)', async () => {
    const again = await trainClassifier(trainingSet().documents())
    expect(exportClassifier(again, trainingSet().key)).toBe(shipped)
  })

  it('answers every labelled utterance exactly as the trained classifier does', async () => {
    const loaded = await importClassifier(shipped, trainingSet().key)
    expect(loaded).toBeDefined()
    const nlu = new Nlu(DEMO_VOCABULARY)
    const set = loadLabelled()
    expect(set.length).toBeGreaterThanOrEqual(300)
    let correct = 0
    for (const u of set) {
      const shape = nlu.analyse(u.t).shape
      const fromFile = await classify(loaded as NlpInstance, shape)
      expect(fromFile).toEqual(await classify(trained, shape))
      if (fromFile.intent === u.i) correct++
    }
    // A model that loaded as an empty shell would answer "fallback" to nearly everything.
    expect(correct / set.length).toBeGreaterThan(0.9)
  })

  it('is loaded from its file when the key matches, and trained otherwise', async () => {
    const set = trainingSet()
    const good = join(dir, 'good.json')
    await writeFile(good, shipped)
    expect((await loadOrTrain(set, good)).source).toBe('file')

    const stale = join(dir, 'stale.json')
    await writeFile(stale, exportClassifier(trained, 'another training set'))
    expect((await loadOrTrain(set, stale)).source).toBe('trained')

    const oldFormat = join(dir, 'old-format.json')
    await writeFile(oldFormat, JSON.stringify({ ...JSON.parse(shipped), format: MODEL_FILE_FORMAT + 1 }))
    expect((await loadOrTrain(set, oldFormat)).source).toBe('trained')

    const broken = join(dir, 'broken.json')
    await writeFile(broken, shipped.slice(0, 100))
    expect((await loadOrTrain(set, broken)).source).toBe('trained')

    const r = await loadOrTrain(set, join(dir, 'missing.json'))
    expect(r.source).toBe('trained')
    // The fallback is a working classifier, not an empty one.
    expect((await classify(r.nlp, 'hello there')).intent).toBe('greeting')
  })

  it('keys the training set by its inputs, cheaply and stably', () => {
    const set = trainingSet()
    expect(set.key).toMatch(/^[0-9a-f]{64}$/)
    expect(trainingSet().key).toBe(set.key)
    // One document per catalog phrase, all in placeholder form (no demo names left in them).
    const docs = set.documents()
    expect(docs.length).toBeGreaterThan(200)
    expect(docs.some((d) => d.utterance.includes('zzview'))).toBe(true)
    expect(docs.some((d) => /revenue by region/i.test(d.utterance))).toBe(false)
  })
})

describe('recognised intents', () => {
  it("extracts the given intent's parameters without classifying", () => {
    const nlu = new Nlu(DEMO_VOCABULARY)
    expect(nlu.parameters('show_view', 'Revenue by Region for Gadgets please')).toEqual({
      view: 'Revenue by Region',
      pages: { Products: 'Gadgets' },
    })
    expect(nlu.parameters('greeting', 'Revenue by Region')).toEqual({})
  })
})
