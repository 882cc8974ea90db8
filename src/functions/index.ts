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
 * so the first request does not wait for all of it (see `docs/deploy.md`, cold starts). The module
 * registers its functions before its evaluation (a top-level await) completes, which is when the
 * framework looks them up.
 */
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

const target = startedTarget()
const handler = target ? handlers[target] : undefined
// The warm-up's Anaplan authentication goes out before the framework adapter loads: the adapter
// initialises Node's web Request/Response (undici, about 20 ms of CPU), which then overlaps the
// round trip instead of delaying it.
if (handler) void warmInstance(handler, instanceRuntimeFromEnv())

const { registerHttpFunctions } = await import('./adapters/gcf.ts')
registerHttpFunctions(handlers)

export { ALL_FUNCTIONS } from './instance.ts'
