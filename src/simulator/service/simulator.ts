/** Starting and stopping a simulator: the app over a fresh state, served by @hono/node-server. */
import { createServer, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { Hono } from 'hono'
import { loadTenant } from '../engine/index.ts'
import { buildApp } from './app.ts'
import type { SimEnv } from './context.ts'
import { SimState, type SimulatorOptions } from './sim-state.ts'

/** Options of {@link startSimulator}. */
export interface StartSimulatorOptions extends SimulatorOptions {
  /** TCP port; 0 picks a free one. @default 8089 */
  port?: number
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string
}

/** A running simulator. */
export interface RunningSimulator {
  /** `http://HOST:PORT` */
  url: string
  /** The auth service base (same as `url`). */
  authUrl: string
  /** The Integration API base, `url + '/2/0'`. */
  apiUrl: string
  port: number
  /** Same as `POST /__sim/reset`. */
  reset(): Promise<void>
  close(): Promise<void>
}

/** An in-process simulator app, for `app.request()` tests and for mounting elsewhere. */
export interface SimulatorApp {
  app: Hono<SimEnv>
  state: SimState
  reset(): Promise<void>
  /** Stops tasks and removes the temp data directory. */
  dispose(): void
}

/** Builds the simulator's Hono app without a socket. */
export function createSimulatorApp(options: SimulatorOptions = {}): SimulatorApp {
  const state = new SimState(options, options.loadTenant ?? loadTenant)
  return { app: buildApp(state), state, reset: () => state.reset(), dispose: () => state.dispose() }
}

/**
 * Starts the simulator on a port (0 = random) and resolves once it listens.
 * @example const sim = await startSimulator({ port: 0, taskMs: 50 }); …; await sim.close()
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { port = 8089, host = '127.0.0.1', ...rest } = options
  const sim = createSimulatorApp(rest)
  const listener = getRequestListener(sim.app.fetch)
  const server = createServer((req, res) => {
    withoutBodylessContentType(res)
    void listener(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${address.port}`
  let closed: Promise<void> | undefined
  return {
    url,
    authUrl: url,
    apiUrl: `${url}/2/0`,
    port: address.port,
    reset: () => sim.reset(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Keep-alive and streaming clients must not hold the process open.
        server.closeAllConnections()
      }).finally(() => sim.dispose())
      return closed
    },
  }
}

/**
 * @hono/node-server gives every response a default `Content-Type: text/plain`; Anaplan's 202/204
 * answers (chunk PUT, logout, close…) carry none, so the header is dropped for them.
 */
function withoutBodylessContentType(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (
    status: number,
    headers?: OutgoingHttpHeaders,
  ) => ServerResponse
  res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
    if (
      (status === 204 || status === 202) &&
      headers &&
      typeof headers === 'object' &&
      !Array.isArray(headers)
    ) {
      for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-type') delete headers[key]
    }
    return writeHead(status, headers)
  }) as ServerResponse['writeHead']
}
