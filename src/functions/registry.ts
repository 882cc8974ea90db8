/**
 * The deployable functions by name, each built around one per-instance runtime. Both adapters
 * (Functions Framework, Lambda) serve this same set, so the handlers are identical on every
 * platform. The deploy entries use `instance.ts`, which imports a function's module only when it
 * is built; this module adds {@link createAnaplanFunction}, which builds an Anaplan function
 * synchronously (tests, embedding) and therefore imports all three up front.
 */

import { ANAPLAN_DATA, createDataFunction } from './anaplan-data.ts'
import type { FunctionApp } from './common/function-app.ts'
import type { FunctionRuntime } from './common/runtime.ts'
import { createTokenFunction, GET_ANAPLAN_AUTH_TOKEN } from './get-anaplan-auth-token.ts'
import type { AnaplanFunctionName } from './instance.ts'
import { createActionFunction, RUN_ANAPLAN_ACTION } from './run-anaplan-action.ts'

export {
  ALL_FUNCTIONS,
  ANAPLAN_FUNCTIONS,
  type AnaplanFunctionName,
  BOT_FUNCTIONS,
  type BotFunctionName,
  createFunction,
  type FetchHandler,
  type FunctionName,
  instanceRuntimeFromEnv,
  type LazyHandler,
  lazyHandler,
  type RuntimeFromEnvOptions,
  runtimeFromEnv,
  startedTarget,
  warmInstance,
} from './instance.ts'

// Keyed by the modules' own name constants: a renamed function fails to compile here.
const FACTORIES: Record<AnaplanFunctionName, (runtime: FunctionRuntime) => FunctionApp> = {
  [GET_ANAPLAN_AUTH_TOKEN]: createTokenFunction,
  [RUN_ANAPLAN_ACTION]: createActionFunction,
  [ANAPLAN_DATA]: createDataFunction,
}

/** Builds one Anaplan function's app around `runtime`. */
export function createAnaplanFunction(name: AnaplanFunctionName, runtime: FunctionRuntime): FunctionApp {
  return FACTORIES[name](runtime)
}
