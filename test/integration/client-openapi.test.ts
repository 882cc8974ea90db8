import { describe, expect, it } from 'vitest'
import { AnaplanOpenApi, loadAnaplanOpenApi, openApiDir } from '../support/openapi.ts'

// The contract helper itself: it must find operations, accept valid traffic and report bad traffic.
const api = loadAnaplanOpenApi()
const WS = '8a868cdb8b7841a2018bf2c183307cd7'
const M = '173564909BDC4A2CBC803B486AC7B4A8'

describe('test/support/openapi.ts', () => {
  it('matches literal templates before parameterised ones and strips the base path', () => {
    const op = api.findOperation('GET', `https://api.anaplan.com/2/0/models/${M}/lineItems`)
    expect(op?.template).toBe('/models/{modelId}/lineItems')
    expect(op?.params).toEqual({ modelId: M })
    expect(api.findOperation('POST', 'http://127.0.0.1:1/token/authenticate')?.api).toBe('authentication')
  })

  it('accepts valid requests, including comma-separated array queries', () => {
    expect(api.validateRequest({ method: 'GET', url: `/2/0/workspaces/${WS}/models?offset=10` })).toEqual([])
    expect(
      api.validateRequest({
        method: 'GET',
        url: `/2/0/models/${M}/views/102000000001/data?format=v1&pages=101000000001:201000000001,20000000020:107000000001`,
        headers: { Accept: 'application/json' },
      }),
    ).toEqual([])
    expect(
      api.validateRequest({
        method: 'POST',
        url: `/2/0/models/${M}/modules/102000000001/data`,
        body: [
          { lineItemName: 'Units', dimensions: [{ dimensionName: 'Regions', itemName: 'EMEA' }], value: 5 },
        ],
      }),
    ).toEqual([])
  })

  it('reports unknown operations, bad ids, bad bodies and undeclared query parameters', () => {
    expect(api.validateRequest({ method: 'GET', url: '/2/0/nothing/here' })[0]?.message).toMatch(
      /No operation/,
    )
    const bad = api.validateRequest({
      method: 'POST',
      url: `/2/0/models/not-an-id/modules/102000000001/data?bogus=1`,
      body: { notAnArray: true },
    })
    expect(bad.map((p) => p.where).sort()).toEqual(['body', 'path.modelId', 'query.bogus'])
    expect(
      api.validateRequest({
        method: 'GET',
        url: `/2/0/models/${M}/views/1/data`,
        headers: { accept: 'text/html' },
      }),
    ).toHaveLength(1)
  })

  it('honours the documented exception list', () => {
    const tasks = `/2/0/workspaces/${WS}/models/${M}/imports/112000000001/tasks`
    expect(api.validateRequest({ method: 'POST', url: tasks, body: { localeName: 'en_US' } })).toEqual([])
    expect(
      api.validateRequest({ method: 'DELETE', url: `${tasks}/5E6331685CC648A29B725923B8FAEA1C` }),
    ).toEqual([])
    expect(api.exceptions.every((e) => e.reason.length > 20)).toBe(true)
  })

  it('drops only the documented User.email pattern problem, not the rest of the user object', () => {
    const req = { method: 'GET', url: '/2/0/users/me' }
    const user = { id: 'a'.repeat(32), email: 'analyst@example.com', firstName: 'Ana' }
    const body = (u: Record<string, unknown>) => ({
      meta: { schema: 'https://api.anaplan.com/2/0/objects/user' },
      status: { code: 200, message: 'Success' },
      user: u,
    })
    // Without the exception list the double-escaped pattern rejects every real address.
    const strict = new AnaplanOpenApi(openApiDir(), [])
    expect(strict.validateResponse(req, { status: 200, body: body(user) })).toEqual([
      expect.objectContaining({ where: 'response 200 body/user/email' }),
    ])
    expect(api.validateResponse(req, { status: 200, body: body(user) })).toEqual([])
    // The exception is targeted: a bad id or a non-string email is still reported.
    const bad = api.validateResponse(req, { status: 200, body: body({ ...user, id: 'nope', email: 7 }) })
    expect(bad.map((p) => p.where).sort()).toEqual([
      'response 200 body/user/email',
      'response 200 body/user/id',
    ])
    expect(api.exceptions.filter((e) => e.problem).map((e) => e.reason)).toEqual([
      expect.stringMatching(/User\.email pattern is double-escaped/),
    ])
  })

  it('validates responses: status and body schema', () => {
    const req = { method: 'GET', url: '/2/0/workspaces' }
    const ok = {
      meta: { schema: 'https://api.anaplan.com/2/0/objects/workspace' },
      status: { code: 200, message: 'Success' },
      workspaces: [{ id: WS, name: 'FP&A Demo', active: true }],
    }
    expect(api.validateResponse(req, { status: 200, body: ok })).toEqual([])
    expect(
      api.validateResponse(req, { status: 200, body: { ...ok, workspaces: [{ id: 7 }] } }).length,
    ).toBeGreaterThan(0)
    expect(api.validateResponse(req, { status: 418 })[0]?.message).toMatch(/not documented/)
  })
})
