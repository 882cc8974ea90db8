import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createLogger } from '../../shared/logger.ts'
import { createFunctionApp, parseInput, readJson, requestDeadline } from './function-app.ts'
import { CredentialsUnavailableError, toErrorResponse } from './http-error.ts'
import { checkInvokerKey, keysMatch, presentedKey } from './invoker-auth.ts'
import { FunctionRuntime } from './runtime.ts'
import { parseTrace, traceLogFields } from './trace.ts'

function capture() {
  const lines: Record<string, unknown>[] = []
  const logger = createLogger({ destination: { write: (s: string) => void lines.push(JSON.parse(s)) } })
  return { lines, logger }
}

describe('invoker key', () => {
  it('reads x-api-key first, then a Bearer token', () => {
    expect(presentedKey(new Headers({ 'x-api-key': ' k1 ', authorization: 'Bearer k2' }))).toBe('k1')
    expect(presentedKey(new Headers({ authorization: 'bearer k2' }))).toBe('k2')
    expect(presentedKey(new Headers({ authorization: 'Basic abc' }))).toBeUndefined()
  })

  it('compares keys of any length', () => {
    expect(keysMatch('secret-key-1', 'secret-key-1')).toBe(true)
    expect(keysMatch('secret-key-1', 'secret-key-12')).toBe(false)
    expect(keysMatch('', 'x')).toBe(false)
  })

  it('refuses a missing or wrong key with 401 and accepts the right one', () => {
    expect(() => checkInvokerKey(new Headers(), 'the-key-123')).toThrow(/needs a key/)
    expect(() => checkInvokerKey(new Headers({ 'x-api-key': 'nope' }), 'the-key-123')).toThrow(/not valid/)
    expect(() => checkInvokerKey(new Headers({ 'x-api-key': 'the-key-123' }), 'the-key-123')).not.toThrow()
    expect(() => checkInvokerKey(new Headers(), undefined)).not.toThrow()
  })
})

describe('trace', () => {
  it('parses X-Cloud-Trace-Context with a decimal span id', () => {
    const t = parseTrace(new Headers({ 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' }))
    expect(t).toEqual({
      traceId: '105445aa7843bc8bf206b12000100000',
      spanId: '0000000000000001',
      sampled: true,
    })
    expect(traceLogFields(t, 'proj')).toMatchObject({
      'logging.googleapis.com/trace': 'projects/proj/traces/105445aa7843bc8bf206b12000100000',
      'logging.googleapis.com/trace_sampled': true,
    })
  })

  it('parses W3C traceparent and ignores malformed headers', () => {
    const t = parseTrace(
      new Headers({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
    )
    expect(t).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    })
    expect(parseTrace(new Headers({ traceparent: 'garbage' }))).toBeUndefined()
    expect(traceLogFields(undefined, 'p')).toEqual({})
  })
})

describe('errors', () => {
  it('names the secret but not its value', () => {
    const r = toErrorResponse(
      new CredentialsUnavailableError('projects/p/secrets/anaplan/versions/3', 'NOT_FOUND'),
    )
    expect(r.status).toBe(500)
    expect(r.body.error.code).toBe('credentials_unavailable')
    expect(r.body.error.message).toContain('projects/p/secrets/anaplan/versions/3')
  })

  it('hides the message of unexpected errors', () => {
    const r = toErrorResponse(new Error('internal detail at /srv/x.js'))
    expect(r).toMatchObject({ status: 500, body: { error: { code: 'internal', message: 'Internal error' } } })
  })
})

describe('input', () => {
  it('rejects a non-JSON body and reads an empty one as {}', async () => {
    await expect(readJson(new Request('http://x', { method: 'POST', body: '{oops' }))).rejects.toMatchObject({
      status: 400,
      code: 'invalid_json',
    })
    expect(await readJson(new Request('http://x', { method: 'POST', body: '' }))).toEqual({})
  })

  it('lists each problem with its path', () => {
    const schema = z.object({ model: z.string(), n: z.number() }).strict()
    expect(() => parseInput(schema, { n: 'x', extra: 1 })).toThrow(/model: .*; n: .*/)
  })

  it('keeps waits inside the platform timeout', () => {
    const rt = new FunctionRuntime({ env: { CLOUD_RUN_TIMEOUT_SECONDS: '10' }, now: () => 1000 })
    expect(requestDeadline(rt, 60_000, 25_000)).toBe(1000 + 7000)
    expect(requestDeadline(rt, undefined, 2000)).toBe(3000)
  })
})

describe('createFunctionApp', () => {
  const build = (env: Record<string, string>, load: () => Promise<never>) => {
    const { lines, logger } = capture()
    const runtime = new FunctionRuntime({
      env,
      logger,
      credentials: { source: 'secret projects/p/secrets/creds/versions/latest', load },
    })
    const app = createFunctionApp({ name: 'fn', runtime }, (a) => {
      a.get('/', async (c) => c.json({ creds: (await runtime.credentials()).kind }))
    })
    return { app, lines, runtime }
  }

  it('answers health without a key, refuses anonymous calls, and logs with the trace', async () => {
    const { app, lines } = build(
      { FUNCTION_SHARED_KEY: 'k-123456', GOOGLE_CLOUD_PROJECT: 'proj' },
      async () => {
        throw new Error('x')
      },
    )
    expect((await app.request('/healthz')).status).toBe(200)
    expect((await app.request('/fn/healthz')).status).toBe(200)
    // Only the exact health paths are open: a route that merely ends in /healthz needs the key.
    expect((await app.request('/files/healthz')).status).toBe(401)
    expect((await app.request('/fn/files/healthz')).status).toBe(401)
    const res = await app.request('/', {
      headers: { 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/2;o=1' },
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } })
    const line = lines.find((l) => (l.httpRequest as { status?: number } | undefined)?.status === 401)
    expect(line).toMatchObject({
      severity: 'WARNING',
      'logging.googleapis.com/trace': 'projects/proj/traces/105445aa7843bc8bf206b12000100000',
    })
  })

  it('turns a secret failure into a 500 naming the secret, not the payload, and retries later', async () => {
    let calls = 0
    const payload = 'analyst@example.com:super-secret-pw'
    const { app, lines } = build({ FUNCTION_INVOKER_AUTH: 'platform' }, async () => {
      calls++
      JSON.parse(payload)
      throw new Error('unreachable')
    })
    for (let i = 0; i < 2; i++) {
      const res = await app.request('/')
      const text = await res.text()
      expect(res.status).toBe(500)
      expect(text).toContain('projects/p/secrets/creds/versions/latest')
      expect(text).not.toContain('super-secret-pw')
    }
    expect(calls).toBe(2)
    expect(JSON.stringify(lines)).not.toContain('super-secret-pw')
  })

  it('refuses to serve, health aside, with neither a key nor platform auth asserted', async () => {
    let calls = 0
    const { app, lines } = build({}, async () => {
      calls++
      throw new Error('x')
    })
    expect((await app.request('/healthz')).status).toBe(200)
    const res = await app.request('/')
    expect(res.status).toBe(503)
    expect((await res.json()).error.code).toBe('not_protected')
    expect(calls).toBe(0)
    expect(JSON.stringify(lines)).toContain('fn will not serve: set FUNCTION_SHARED_KEY')
  })

  it('answers unknown routes with a JSON 404', async () => {
    const { app } = build({ FUNCTION_INVOKER_AUTH: 'platform' }, async () => {
      throw new Error('x')
    })
    const res = await app.request('/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})
