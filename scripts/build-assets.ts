/**
 * The build step after `tsc` (`npm run build`): copies the files the runtime reads next to its
 * code into `dist/` (tsc emits only JavaScript), trains the bot's NLU once so that a cold start
 * loads the model instead of training it, and bundles the functions' deploy entry.
 *
 *   npx tsx scripts/build-assets.ts [--out dist] [--no-bundle]
 *
 * Writes `dist/simulator/engine/models/*.yaml` (the simulator's model files),
 * `dist/bot/web/*` (the web chat), `dist/bot/nlu/nlu-model.json` (the trained classifier,
 * keyed to its training set: see `src/bot/nlu/classifier.ts`), and `dist/functions/index.js`
 * with `dist/functions/chunks/` (the bundle, see `bundle-functions.ts`; the model is copied next
 * to its chunks, where the bundled classifier looks for it).
 */
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { exportClassifier, loadOrTrain, trainClassifier } from '../src/bot/nlu/classifier.ts'
import { trainingSet } from '../src/bot/nlu/nlu.ts'
import { type BundleResult, bundleFunctions } from './bundle-functions.ts'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))

/** A folder of runtime assets: which files of `from` (under `src/`) go to `to` (under the output). */
export interface AssetDir {
  from: string
  to: string
  include: RegExp
}

/** The non-TypeScript files the runtime locates relative to its own module. */
export const ASSET_DIRS: readonly AssetDir[] = [
  // src/simulator/engine/loader.ts reads `./models/<name>` next to itself.
  { from: 'simulator/engine/models', to: 'simulator/engine/models', include: /\.ya?ml$/ },
  // src/bot/server.ts serves `./web/*` next to itself.
  { from: 'bot/web', to: 'bot/web', include: /\.(html|js|css|svg)$/ },
]

/** Where the NLU model goes, relative to the output folder (next to `bot/nlu/classifier.js`). */
export const NLU_MODEL_PATH = 'bot/nlu/nlu-model.json'

/** Copies {@link ASSET_DIRS} from `srcDir` into `outDir`; answers the files written. */
export async function copyAssets(srcDir: string, outDir: string): Promise<string[]> {
  const written: string[] = []
  for (const dir of ASSET_DIRS) {
    const from = join(srcDir, dir.from)
    const to = join(outDir, dir.to)
    await mkdir(to, { recursive: true })
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (!entry.isFile() || !dir.include.test(entry.name)) continue
      await copyFile(join(from, entry.name), join(to, entry.name))
      written.push(join(to, entry.name))
    }
  }
  return written
}

/**
 * Trains the classifier and writes it to `outDir/bot/nlu/nlu-model.json`, then loads it back the
 * way the runtime does, so a file the runtime would reject never ships silently.
 * @throws {Error} when the written model does not load.
 */
export async function writeNluModel(outDir: string): Promise<{ file: string; key: string; bytes: number }> {
  const set = trainingSet()
  const nlp = await trainClassifier(set.documents())
  const text = exportClassifier(nlp, set.key)
  const file = join(outDir, NLU_MODEL_PATH)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, text)
  const check = await loadOrTrain(set, file)
  if (check.source !== 'file') throw new Error(`${file} was written but does not load as the NLU model`)
  return { file, key: set.key, bytes: Buffer.byteLength(text) }
}

export interface BuildAssetsOptions {
  /** @default `<repo>/src` */
  srcDir?: string
  /** @default `<repo>/dist` */
  outDir?: string
  /** Bundle the functions' deploy entry. @default true */
  bundle?: boolean
}

/** Runs the whole step: assets, the NLU model, then the functions bundle. */
export async function buildAssets(options: BuildAssetsOptions = {}): Promise<{
  assets: string[]
  model: { file: string; key: string; bytes: number }
  bundle?: BundleResult
}> {
  const srcDir = options.srcDir ?? join(ROOT, 'src')
  const outDir = options.outDir ?? join(ROOT, 'dist')
  const assets = await copyAssets(srcDir, outDir)
  const model = await writeNluModel(outDir)
  if (options.bundle === false) return { assets, model }
  const bundle = await bundleFunctions(srcDir, join(outDir, 'functions'))
  await copyFile(model.file, join(bundle.chunkDir, basename(NLU_MODEL_PATH)))
  return { assets, model, bundle }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-bundle': { type: 'boolean' } } })
  const started = performance.now()
  const r = await buildAssets({
    ...(values.out ? { outDir: resolve(values.out) } : {}),
    ...(values['no-bundle'] ? { bundle: false } : {}),
  })
  const ms = Math.round(performance.now() - started)
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`
  console.log(
    `build-assets: ${r.assets.length} asset files, NLU model ${kib(r.model.bytes)}` +
      `${r.bundle ? `, functions bundle ${kib(r.bundle.bytes)} (${r.bundle.entry})` : ''} in ${ms} ms`,
  )
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
