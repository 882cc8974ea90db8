/**
 * Google Cloud Functions (Functions Framework) adapter: registers web-standard handlers with
 * `functions.http(name, …)`. `@hono/node-server`'s listener builds the `Request` from the
 * framework's `req.rawBody` when present, so signature checks (Slack) see the exact bytes sent,
 * even though the framework has already parsed the body.
 */
import * as functions from '@google-cloud/functions-framework'
import { getRequestListener } from '@hono/node-server'
import type { FetchHandler } from '../instance.ts'

/** The Express-style handler the Functions Framework calls, serving a web-standard handler. */
export function toHttpFunction(handler: FetchHandler): functions.HttpFunction {
  const listener = getRequestListener((request) => handler(request))
  return (req, res) => listener(req, res)
}

/** Registers each handler under its name (the `--target` / `--entry-point`). */
export function registerHttpFunctions(handlers: Record<string, FetchHandler>): void {
  for (const [name, handler] of Object.entries(handlers)) functions.http(name, toHttpFunction(handler))
}
