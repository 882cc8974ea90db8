/**
 * Helpers for the function tests: a simulator on a random port, a runtime configured from an
 * environment pointing at it, and a function served by the Functions Framework's own test server.
 */

import type { Server } from 'node:http'
import { getTestServer } from '@google-cloud/functions-framework/testing'
import { registerHttpFunctions } from '../../src/functions/adapters/gcf.ts'
import type { FunctionApp } from '../../src/functions/common/function-app.ts'
import type { FunctionRuntime } from '../../src/functions/common/runtime.ts'
import { type RuntimeFromEnvOptions, runtimeFromEnv } from '../../src/functions/registry.ts'
import { createLogger, type Logger, silentLogger } from '../../src/shared/logger.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

export const ANALYST = { username: 'analyst@example.com', password: 'demo-password' }
export const SHARED_KEY = 'test-shared-key-6f1c2b'

export interface SimStats {
  routes: Record<string, number>
  auth: { authenticate: number; refresh: number; validate: number; logout: number }
  mutations: { taskStarts: number; cellWrites: number; listWrites: number }
  tasks: Record<string, number>
}

export async function startSim(
  options: { tokenTtlSeconds?: number; taskMs?: number } = {},
): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    host: '127.0.0.1',
    tokenTtlSeconds: options.tokenTtlSeconds ?? 2100,
    taskMs: options.taskMs ?? 50,
    latencyMs: 0,
  })
}

export async function simStats(sim: RunningSimulator): Promise<SimStats> {
  const res = await fetch(`${sim.url}/__sim/stats`)
  return (await res.json()) as SimStats
}

/** A logger that keeps its lines, to check their format and that no secret reached them. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const lines: Record<string, unknown>[] = []
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  })
  return { logger, lines, text: () => JSON.stringify(lines) }
}

/** The environment a deployed function would have, pointing at the simulator. */
export function simEnv(sim: RunningSimulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ANAPLAN_AUTH_URL: sim.authUrl,
    ANAPLAN_API_URL: sim.apiUrl,
    ANAPLAN_USERNAME: ANALYST.username,
    ANAPLAN_PASSWORD: ANALYST.password,
    // As deployed: Cloud Run IAM authenticates the callers of the private functions.
    FUNCTION_INVOKER_AUTH: 'platform',
    ...extra,
  }
}

export function simRuntime(
  env: Record<string, string>,
  options: Omit<RuntimeFromEnvOptions, 'env'> = {},
): FunctionRuntime {
  return runtimeFromEnv({ env, logger: silentLogger, ...options })
}

/** Registers `app` under `name` with the Functions Framework and returns its test server. */
export function serveWithFramework(name: string, app: FunctionApp): Server {
  registerHttpFunctions({ [name]: (req) => app.fetch(req) })
  return getTestServer(name)
}
