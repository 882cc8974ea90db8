/**
 * Bundles the functions' deploy entries, `src/functions/index.ts` (the package's `main`, for the
 * Functions Framework) and `src/functions/adapters/lambda.ts` (the Lambda handlers), into
 * `dist/functions/index.js` and `dist/functions/adapters/lambda.js` plus shared, lazily loaded
 * chunks in `dist/functions/chunks/`, replacing tsc's many-file output for those two files. Loading a few large files instead of a hundred small ES
 * modules (each resolved, read, compiled and linked on its own) is most of what is left of a cold
 * start once the code does no unnecessary work; see docs/deploy.md.
 *
 * Each function's module and the bot stay separate chunks behind their dynamic imports, so an
 * instance still loads only the function it serves. The cloud SDKs, Slack's SDK and Redis stay
 * outside the bundle: they are imported on first use only, and the gRPC clients read data files
 * relative to their own modules, which bundling would break. The Functions Framework stays outside
 * because the bundle must register with the very instance of it that runs the server.
 *
 * One difference from Node to keep in mind: a dynamic `import()` of a bundled CommonJS package
 * yields its `module.exports` as `default` only, without Node's named exports (see `commonJs()` in
 * `src/bot/nlu/classifier.ts`). `test/integration/functions-bundle.test.ts` runs the bundle.
 */
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'esbuild'

/** Imported from node_modules at run time rather than bundled (see the module comment). */
export const BUNDLE_EXTERNAL: readonly string[] = [
  '@google-cloud/functions-framework',
  '@google-cloud/secret-manager',
  '@google-cloud/kms',
  '@aws-sdk/*',
  '@slack/*',
  'redis',
  '@redis/*',
]

/** Folder of the lazily loaded chunks, relative to the bundle's folder. */
export const CHUNK_DIR = 'chunks'

export interface BundleResult {
  /** The bundled Functions Framework entry (`<outDir>/index.js`). */
  entry: string
  /** The bundled Lambda handlers (`<outDir>/adapters/lambda.js`). */
  lambdaEntry: string
  /** The chunk folder (shared code and each lazily imported module). */
  chunkDir: string
  /** Bytes of JavaScript written, entry and chunks. */
  bytes: number
}

/**
 * Bundles `<srcDir>/functions/index.ts` and `<srcDir>/functions/adapters/lambda.ts` into
 * `<outDir>/index.js`, `<outDir>/adapters/lambda.js` and `<outDir>/chunks/`. Code that
 * locates a file with `new URL('./x', import.meta.url)` finds it next to the chunk it ended up in:
 * the caller copies such files into `chunkDir`.
 */
export async function bundleFunctions(srcDir: string, outDir: string): Promise<BundleResult> {
  const chunkDir = join(outDir, CHUNK_DIR)
  // Chunk names carry content hashes: old ones would pile up.
  await rm(chunkDir, { recursive: true, force: true })
  const result = await build({
    entryPoints: [join(srcDir, 'functions/index.ts'), join(srcDir, 'functions/adapters/lambda.ts')],
    // Paths below src/functions are kept: index.js and adapters/lambda.js, as tsc writes them.
    outbase: join(srcDir, 'functions'),
    outdir: outDir,
    entryNames: '[dir]/[name]',
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...BUNDLE_EXTERNAL],
    // Smaller files parse faster. Identifiers are not minified, so stack traces in the logs keep
    // the source's names; `keepNames` would only restore the few that the bundle renames to avoid
    // clashes (`parse2`), and its `__name()` call after every function and class cost a cold
    // instance 10–15 ms of CPU (measured). Nothing in the code reads a function's or class's `name`.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: false,
    sourcemap: 'linked',
    // CommonJS dependencies inside an ES module bundle still call `require` for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  })
  let bytes = 0
  for (const [file, out] of Object.entries(result.metafile.outputs))
    if (file.endsWith('.js')) bytes += out.bytes
  // A bundle without chunks means the dynamic imports were inlined: every function would load all.
  if ((await readdir(chunkDir)).filter((f) => f.endsWith('.js')).length === 0)
    throw new Error('the functions bundle has no lazily loaded chunks')
  return { entry: join(outDir, 'index.js'), lambdaEntry: join(outDir, 'adapters/lambda.js'), chunkDir, bytes }
}
