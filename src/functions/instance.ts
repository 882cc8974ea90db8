/**
 * What a function instance needs at start, and nothing more: the function names, the per-instance
 * runtime, and a factory that imports a function's module only when that function is built. The
 * deploy entries (`index.ts`, `adapters/lambda.ts`) import this file, not `registry.ts`, so an
 * instance loads the code of the one function it serves (the token function, for one, never loads
 * the zod schemas of the others or the bot).
 */
import { credentialsLoaderFromEnv, type SecretDeps } from './common/credentials.ts'
import type { FunctionApp } from './common/function-app.ts'
import { FunctionRuntime, type FunctionRuntimeOptions } from './common/runtime.ts'

/** A web-standard handler; `env` carries platform bindings (Lambda's context). */
export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>

/** The names of the Anaplan functions (the GCF targets and Lambda handler exports). */
export const ANAPLAN_FUNCTIONS = ['getAnaplanAuthToken', 'runAnaplanAction', 'anaplanData'] as const
export type AnaplanFunctionName = (typeof ANAPLAN_FUNCTIONS)[number]

/** The bot's channels as functions (`bot-functions.ts`). */
export const BOT_FUNCTIONS = ['dialogflowWebhook', 'dialogflowCxWebhook', 'slackEvents'] as const
export type BotFunctionName = (typeof BOT_FUNCTIONS)[number]

/** Every deployable function: the three Anaplan functions and the three bot channels. */
export const ALL_FUNCTIONS = [...ANAPLAN_FUNCTIONS, ...BOT_FUNCTIONS] as const
export type FunctionName = AnaplanFunctionName | BotFunctionName

type Factory = (runtime: FunctionRuntime) => FunctionApp

/** Each function's module, imported on first use. */
const MODULES: Record<FunctionName, () => Promise<Factory>> = {
  getAnaplanAuthToken: async () => (await import('./get-anaplan-auth-token.ts')).createTokenFunction,
  runAnaplanAction: async () => (await import('./run-anaplan-action.ts')).createActionFunction,
  anaplanData: async () => (await import('./anaplan-data.ts')).createDataFunction,
  dialogflowWebhook: () => botFactory('dialogflowWebhook'),
  dialogflowCxWebhook: () => botFactory('dialogflowCxWebhook'),
  slackEvents: () => botFactory('slackEvents'),
}

async function botFactory(name: BotFunctionName): Promise<Factory> {
  const { createBotFunction } = await import('./bot-functions.ts')
  return (runtime) => createBotFunction(name, runtime)
}

/**
 * Builds any function's app around `runtime`, importing only that function's module (bot
 * functions read their channel settings from `process.env`).
 */
export async function createFunction(name: FunctionName, runtime: FunctionRuntime): Promise<FunctionApp> {
  const factory = await MODULES[name]()
  return factory(runtime)
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

/** A handler whose app is built on first use, or earlier through `warm()`. */
export interface LazyHandler extends FetchHandler {
  /**
   * Starts building the app now, so the first request finds it (partly) ready. A failed build is
   * not cached: the promise rejects, and the next request builds again and reports the error.
   */
  warm(): Promise<void>
}

/**
 * Wraps a factory so the app is built on the first request (or on `warm()`). Registration then
 * costs nothing at cold start, and an instance builds only the function it actually serves.
 */
export function lazyHandler(factory: () => FetchApp | Promise<FetchApp>): LazyHandler {
  let app: Promise<FetchApp> | undefined
  const build = () => {
    if (!app) {
      const p = Promise.resolve().then(factory)
      app = p
      p.catch(() => {
        if (app === p) app = undefined
      })
    }
    return app
  }
  const handler = async (request: Request, env?: unknown) => (await build()).fetch(request, env)
  return Object.assign(handler, {
    warm: async () => {
      const app = await build()
      await app.warm?.()
    },
  })
}

interface FetchApp {
  fetch: FetchHandler
  /** Work the app can do ahead of its first request (a bot function builds its bot). */
  warm?: () => Promise<unknown>
}

/**
 * The function this process was started to serve, read the way the Functions Framework reads it:
 * the `--target` flag, else `FUNCTION_TARGET` (which Cloud Run functions set). `undefined` when
 * neither names one of ours, e.g. in tests or on Lambda.
 */
export function startedTarget(
  argv: readonly string[] = process.argv,
  env: Readonly<Record<string, string | undefined>> = process.env,
): FunctionName | undefined {
  let target: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ''
    if (a.startsWith('--target=')) target = a.slice('--target='.length)
    else if (a === '--target') target = argv[i + 1]
  }
  target ??= env.FUNCTION_TARGET
  return (ALL_FUNCTIONS as readonly string[]).includes(target ?? '') ? (target as FunctionName) : undefined
}

/**
 * Work an instance can do before its first request: build the function's app and, since every
 * function talks to Anaplan, read the credentials and authenticate. It runs while the framework
 * starts its server and while the first request travels, instead of after it arrives.
 * @returns settles when done; failures are left to the first request, which retries and reports them.
 */
export async function warmInstance(handler: LazyHandler, runtime: FunctionRuntime): Promise<void> {
  await Promise.allSettled([handler.warm(), runtime.client().tokens.getToken()])
}
