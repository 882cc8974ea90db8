import { afterAll, describe, expect, it } from 'vitest'
import { createSimulatorApp } from './simulator.ts'

// The app works without a socket (app.request), which is how other parts can embed or test it.
const sim = createSimulatorApp({ taskMs: 5 })
afterAll(() => sim.dispose())

async function token(): Promise<string> {
  const basic = Buffer.from('analyst@example.com:demo-password').toString('base64')
  const res = await sim.app.request('http://sim/token/authenticate', {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}` },
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { tokenInfo: { tokenValue: string } }).tokenInfo.tokenValue
}

describe('createSimulatorApp', () => {
  it('serves the Integration API in-process', async () => {
    const t = await token()
    const res = await sim.app.request('http://sim/2/0/models?s=forecast', {
      headers: { Authorization: `AnaplanAuthToken ${t}` },
    })
    const body = (await res.json()) as { models: { name: string }[]; meta: { schema: string } }
    expect(body.models.map((m) => m.name)).toEqual(['Sales Forecast'])
    expect(body.meta.schema).toBe('http://sim/2/0/objects/model')
  })

  it('answers a dropped-connection fault with a 500 when there is no socket to drop', async () => {
    const add = await sim.app.request('http://sim/__sim/faults', {
      method: 'POST',
      body: JSON.stringify({ path: '/2/0/users/me', drop: true }),
    })
    expect(add.status).toBe(201)
    const res = await sim.app.request('http://sim/2/0/users/me', {
      headers: { Authorization: `AnaplanAuthToken ${await token()}` },
    })
    expect(res.status).toBe(500)
  })

  it('resets tokens and counters', async () => {
    const t = await token()
    await sim.reset()
    const res = await sim.app.request('http://sim/2/0/users/me', {
      headers: { Authorization: `AnaplanAuthToken ${t}` },
    })
    expect(res.status).toBe(401)
    const stats = (await (await sim.app.request('http://sim/__sim/stats')).json()) as {
      auth: { authenticate: number }
    }
    expect(stats.auth.authenticate).toBe(0)
  })
})
