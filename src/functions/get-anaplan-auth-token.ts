/**
 * `getAnaplanAuthToken`: hands out a valid Anaplan token for the configured technical user.
 *
 * The token is held by the instance's token manager: the first call authenticates, later calls get
 * the same token until it nears expiry, when it is refreshed (`POST /token/refresh`), so a busy
 * function does not authenticate per call. Never deploy it publicly: it is a bearer credential.
 */
import { createFunctionApp, type FunctionApp } from './common/function-app.ts'
import { FunctionError } from './common/http-error.ts'
import type { FunctionRuntime } from './common/runtime.ts'

export const GET_ANAPLAN_AUTH_TOKEN = 'getAnaplanAuthToken'

/** The answer of the token function. */
export interface TokenResponse {
  tokenValue: string
  /** Epoch ms at which Anaplan stops accepting the token. */
  expiresAt: number
  /** `expiresAt` as ISO 8601, for humans. */
  expiresAtIso: string
  /** Header to send it in: `Authorization: AnaplanAuthToken <tokenValue>`. */
  tokenType: 'AnaplanAuthToken'
}

/** Builds the token function's app. `GET /` or `POST /` (any body) returns a {@link TokenResponse}. */
export function createTokenFunction(runtime: FunctionRuntime): FunctionApp {
  return createFunctionApp({ name: GET_ANAPLAN_AUTH_TOKEN, runtime }, (app) => {
    const handler = async (): Promise<TokenResponse> => {
      const tokens = runtime.client().tokens
      let tokenValue = await tokens.getToken()
      let held = tokens.current()
      // A background refresh may land between the two reads; read again so value and expiry match.
      const again = await tokens.getToken()
      if (again !== tokenValue) {
        tokenValue = again
        held = tokens.current()
      }
      if (!held) throw new FunctionError(503, 'token_unavailable', 'The token was invalidated; try again')
      return {
        tokenValue,
        expiresAt: held.expiresAt,
        expiresAtIso: new Date(held.expiresAt).toISOString(),
        tokenType: 'AnaplanAuthToken',
      }
    }
    // A token must never be cached by a proxy or a browser.
    app.get('/', async (c) => c.json(await handler(), 200, { 'cache-control': 'no-store' }))
    app.post('/', async (c) => c.json(await handler(), 200, { 'cache-control': 'no-store' }))
  })
}
