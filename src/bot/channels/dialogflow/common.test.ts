import { describe, expect, it } from 'vitest'
import type { Bot } from '../../core/types.ts'
import { botSessionId, catalogIntent, cleanParameters, isAuthorized } from './common.ts'
import { dialogflowCxApp } from './cx.ts'
import { dialogflowEsApp } from './es.ts'

const req = (headers: Record<string, string>) => new Request('http://x/', { method: 'POST', headers })
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

describe('isAuthorized', () => {
  const auth = { type: 'basic', username: 'df', password: 'pa:ss-word' } as const
  it('checks basic auth, including passwords with colons', () => {
    expect(isAuthorized(req({ authorization: basic('df', 'pa:ss-word') }), auth)).toBe(true)
    expect(isAuthorized(req({ authorization: basic('df', 'pa:ss-wor') }), auth)).toBe(false)
    expect(isAuthorized(req({ authorization: basic('DF', 'pa:ss-word') }), auth)).toBe(false)
    expect(isAuthorized(req({ authorization: 'Bearer abc' }), auth)).toBe(false)
    expect(isAuthorized(req({}), auth)).toBe(false)
  })
  it('checks a shared header, and allows everything when none is configured', () => {
    const header = { type: 'header', name: 'x-key', value: 'k1-secret' } as const
    expect(isAuthorized(req({ 'x-key': 'k1-secret' }), header)).toBe(true)
    expect(isAuthorized(req({ 'x-key': 'k1-secreT' }), header)).toBe(false)
    expect(isAuthorized(req({}), undefined)).toBe(false)
    expect(isAuthorized(req({ authorization: basic('a', 'b') }), { type: 'none' })).toBe(false)
  })
})

describe('mapping helpers', () => {
  const catalog = new Set(['connect_model', 'greeting', 'read_cell'])
  it('maps intent names onto the catalog', () => {
    expect(catalogIntent('connect.model', catalog)).toBe('connect_model')
    expect(catalogIntent('Read Cell', catalog)).toBe('read_cell')
    expect(catalogIntent('Default Welcome Intent', catalog)).toBe('greeting')
    expect(catalogIntent('Default Fallback Intent', catalog)).toBeUndefined()
    expect(catalogIntent('book_flight', catalog)).toBeUndefined()
  })
  it('drops empty Dialogflow parameters', () => {
    expect(cleanParameters({ a: '', b: [], c: null, d: 'x', e: ['y'], 'd.original': 'X', n: 0 })).toEqual({
      d: 'x',
      e: ['y'],
      n: 0,
    })
  })
  it('makes safe bounded session ids that keep project, agent and environment apart', () => {
    expect(botSessionId('es', 'projects/p/agent/sessions/a b/c')).toMatch(/^es:[\w-]{12}:c$/)
    expect(botSessionId('es', `projects/p/agent/sessions/${'x'.repeat(300)}`)).toHaveLength(128)
    expect(botSessionId('es', 'projects/p/agent/sessions/ä+1')).toMatch(/^es:[\w-]{12}:__1$/)
    const ids = [
      'projects/p/agent/sessions/s1',
      'projects/q/agent/sessions/s1',
      'projects/p/agent/environments/prod/users/u1/sessions/s1',
      'projects/p/agent/environments/prod/users/u2/sessions/s1',
    ].map((path) => botSessionId('es', path))
    expect(new Set(ids).size).toBe(4)
  })
})

const KEY = { type: 'header', name: 'x-key', value: 'k1-secret-webhook' } as const

describe('webhook request validation', () => {
  it('words the problems of a malformed ES request by path', async () => {
    // The body is refused before any turn: a bot that is never called is enough.
    const bot = {} as Bot
    const res = await dialogflowEsApp(bot, { auth: KEY }).request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-key': KEY.value },
      body: JSON.stringify({ session: '', queryResult: { queryText: 5, outputContexts: [{}] } }),
    })
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('invalid_request')
    expect(error.message).toBe(
      'Not a Dialogflow ES WebhookRequest: session: must not be empty; queryResult.queryText: expected string; queryResult.outputContexts.0.name: expected string',
    )
  })

  it('words a missing CX session and a body that is not an object', async () => {
    const bot = {} as Bot
    const post = (body: unknown) =>
      dialogflowCxApp(bot, { auth: KEY }).request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-key': KEY.value },
        body: JSON.stringify(body),
      })
    const missing = (await (await post({ text: 'hi' })).json()) as { error: { message: string } }
    expect(missing.error.message).toBe('Not a Dialogflow CX WebhookRequest: sessionInfo: expected object')
    const notObject = (await (await post([1])).json()) as { error: { message: string } }
    expect(notObject.error.message).toBe('Not a Dialogflow CX WebhookRequest: body: expected object')
  })
})
