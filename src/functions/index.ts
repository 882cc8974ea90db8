/**
 * @module functions
 * The deploy entry (`main` of package.json): registers every function with the Functions Framework
 * so `functions-framework --target=<name>` (and `gcloud functions deploy --entry-point=<name>`)
 * finds it. Handlers are web-standard apps (see `registry.ts`); `adapters/lambda.ts` exports the same
 * ones for AWS Lambda. May import `src/anaplan/index.ts`, `src/shared/` and the bot's public
 * entry points; nothing imports this folder.
 */
import { registerHttpFunctions } from './adapters/gcf.ts'
import { ALL_FUNCTIONS, createFunction, instanceRuntimeFromEnv, lazyHandler } from './registry.ts'

registerHttpFunctions(
  Object.fromEntries(
    ALL_FUNCTIONS.map((name) => [name, lazyHandler(() => createFunction(name, instanceRuntimeFromEnv()))]),
  ),
)

export { ALL_FUNCTIONS } from './registry.ts'
