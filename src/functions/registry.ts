/**
 * The deployable functions by name, each built lazily around one per-instance runtime. Both
 * adapters (Functions Framework, Lambda) serve this same map, so the handlers are identical on
 * every platform.
 */
import { ANAPLAN_DATA, createDataFunction } from './anaplan-data.ts'
import { credentialsLoaderFromEnv, type SecretDeps } from './common/credentials.ts'
import type { FunctionApp } from './common/function-app.ts'
import { FunctionRuntime, type FunctionRuntimeOptions } from './common/runtime.ts'
import { createTokenFunction, GET_ANAPLAN_AUTH_TOKEN } from './get-anaplan-auth-token.ts'
import { createActionFunction, RUN_ANAPLAN_ACTION } from './run-anaplan-action.ts'

/** A web-standard handler; `env` carries platform bindings (Lambda's context). */
export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>

/** The names of the Anaplan functions (the GCF targets and Lambda handler exports). */
export const ANAPLAN_FUNCTIONS = [GET_ANAPLAN_AUTH_TOKEN, RUN_ANAPLAN_ACTION, ANAPLAN_DATA] as const
export type AnaplanFunctionName = (typeof ANAPLAN_FUNCTIONS)[number]

const FACTORIES: Record<AnaplanFunctionName, (runtime: FunctionRuntime) => FunctionApp> = {
  getAnaplanAuthToken: createTokenFunction,
  runAnaplanAction: createActionFunction,
  anaplanData: createDataFunction,
}

/** Builds one Anaplan function's app around `runtime`. */
export function createAnaplanFunction(name: AnaplanFunctionName, runtime: FunctionRuntime): FunctionApp {
  return FACTORIES[name](runtime)
}

/** The bot's channels as functions (`bot-functions.ts`). */
export const BOT_FUNCTIONS = ['dialogflowWebhook', 'dialogflowCxWebhook', 'slackEvents'] as const
export type BotFunctionName = (typeof BOT_FUNCTIONS)[number]

/** Every deployable function: the three Anaplan functions and the three bot channels. */
export const ALL_FUNCTIONS = [...ANAPLAN_FUNCTIONS, ...BOT_FUNCTIONS] as const
export type FunctionName = AnaplanFunctionName | BotFunctionName

/**
 * Builds any function's app around `runtime` (bot functions read their channel settings from
 * `process.env`). The bot's modules (NLU, Slack) are imported only when a bot function is built,
 * so the Anaplan functions do not load them at cold start.
 */
export async function createFunction(name: FunctionName, runtime: FunctionRuntime): Promise<FunctionApp> {
  if ((BOT_FUNCTIONS as readonly string[]).includes(name)) {
    const { createBotFunction } = await import('./bot-functions.ts')
    return createBotFunction(name as BotFunctionName, runtime)
  }
  return createAnaplanFunction(name as AnaplanFunctionName, runtime)
}

export interface RuntimeFromEnvOptions extends Omit<FunctionRuntimeOptions, 'env' | 'credentials'> {
  env?: NodeJS.ProcessEnv | Record<string, string | undefined>
  /** Secret-manager calls (tests inject fakes). */
  secretDeps?: SecretDeps
}

/** A runtime whose configuration and credential source come from the environment. */
export function runtimeFromEnv(options: RuntimeFromEnvOptions = {}): FunctionRuntime {
  const env = options.env ?? process.env
  const credentials = credentialsLoaderFromEnv(env, options.secretDeps ?? {})
  const { secretDeps: _s, env: _e, ...rest } = options
  return new FunctionRuntime({ ...rest, env, ...(credentials ? { credentials } : {}) })
}

let instanceRuntime: FunctionRuntime | undefined

/** The runtime of this instance, created on first use and shared by every function it serves. */
export function instanceRuntimeFromEnv(): FunctionRuntime {
  instanceRuntime ??= runtimeFromEnv()
  return instanceRuntime
}

/**
 * Wraps a factory so the app is built on the first request. Registration then costs nothing at
 * cold start, and an instance builds only the function it actually serves.
 */
export function lazyHandler(factory: () => FetchApp | Promise<FetchApp>): FetchHandler {
  let app: Promise<FetchApp> | undefined
  return async (request, env) => {
    if (!app) {
      const p = Promise.resolve().then(factory)
      app = p
      p.catch(() => {
        if (app === p) app = undefined
      })
    }
    return (await app).fetch(request, env)
  }
}

interface FetchApp {
  fetch: FetchHandler
}
