/**
 * @module functions
 * The deploy entry (`main` of package.json): registers every function with the Functions Framework
 * so `functions-framework --target=<name>` (and `gcloud functions deploy --entry-point=<name>`)
 * finds it. Handlers are web-standard apps (see `registry.ts`); `adapters/lambda.ts` exports the same
 * ones for AWS Lambda. May import `src/anaplan/index.ts`, `src/shared/` and the bot's public
 * entry points; nothing imports this folder.
 *
 * Registration builds nothing. The one function the instance was started for (`--target`,
 * `FUNCTION_TARGET`) starts building at once, in the background, with its Anaplan authentication,
 * so the first request does not wait for all of it (see `docs/deploy.md`, cold starts).
 */
import { registerHttpFunctions } from './adapters/gcf.ts'
import {
  ALL_FUNCTIONS,
  createFunction,
  instanceRuntimeFromEnv,
  lazyHandler,
  startedTarget,
  warmInstance,
} from './instance.ts'

const handlers = Object.fromEntries(
  ALL_FUNCTIONS.map((name) => [name, lazyHandler(() => createFunction(name, instanceRuntimeFromEnv()))]),
)
registerHttpFunctions(handlers)

const target = startedTarget()
const handler = target ? handlers[target] : undefined
if (handler) void warmInstance(handler, instanceRuntimeFromEnv())

export { ALL_FUNCTIONS } from './instance.ts'
