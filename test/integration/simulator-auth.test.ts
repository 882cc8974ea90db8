import { createSign, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  ANALYST,
  basic,
  client,
  expectContract,
  type Json,
  makeCertificate,
  startTestSimulator,
} from './simulator-helpers.ts'

let sim: RunningSimulator
let clock = Date.now()
let cert: Awaited<ReturnType<typeof makeCertificate>>
let stranger: Awaited<ReturnType<typeof makeCertificate>>

beforeAll(async () => {
  cert = await makeCertificate()
  stranger = await makeCertificate()
  sim = await startTestSimulator({
    now: () => clock,
    tokenTtlSeconds: 2100,
    certificates: [{ email: ANALYST.email, certificatePem: cert.certificatePem }],
  })
})
afterAll(() => sim.close())

async function authenticate(headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${sim.authUrl}/token/authenticate`, {
    method: 'POST',
    headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as Json, headers: res.headers }
}

function tokenCall(method: string, op: string, authorization: string) {
  return fetch(`${sim.authUrl}/token/${op}`, { method, headers: { Authorization: authorization } })
}

function certBody(
  format: 'v1' | 'v2',
  opts: { stampSeconds?: number; stampMs?: number; size?: number; key?: string } = {},
) {
  const random = randomBytes(opts.size ?? 150)
  if (format === 'v2') {
    const stamp = opts.stampMs ?? opts.stampSeconds ?? Math.floor(clock / 1000)
    random.writeBigUInt64BE(BigInt(stamp), 0)
  }
  const signature = createSign('SHA512')
    .update(random)
    .sign(opts.key ?? cert.privateKeyPem, 'base64')
  const body: Record<string, string> = {
    encodedData: random.toString('base64'),
    encodedSignedData: signature,
  }
  if (format === 'v2') body.encodedDataFormat = 'v2'
  return body
}

const pemHeader = () => `CACertificate ${Buffer.from(cert.certificatePem).toString('base64')}`

describe('basic authentication', () => {
  it('answers 201 with Anaplan token info and a 35 minute expiry', async () => {
    const res = await authenticate({ Authorization: basic(ANALYST.email, ANALYST.password) })
    expect(res.status).toBe(201)
    expect(res.json.status).toBe('SUCCESS')
    expect(res.json.statusMessage).toBe('Login successful')
    expect(res.json.meta.validationUrl).toBe(`${sim.url}/token/validate`)
    expect(res.json.tokenInfo.expiresAt).toBe(clock + 2_100_000)
    expect(res.json.tokenInfo.tokenId).toMatch(/^[0-9a-f-]{36}$/)
    expectContract('POST', `${sim.url}/token/authenticate`, {
      status: res.status,
      headers: res.headers,
      text: '',
      json: res.json,
    })
  })

  it('refuses a wrong password with FAILURE_BAD_CREDENTIAL and a bad header with FAILURE_BAD_HEADER', async () => {
    const wrong = await authenticate({ Authorization: basic(ANALYST.email, 'nope') })
    expect(wrong.status).toBe(401)
    expect(wrong.json.status).toBe('FAILURE_BAD_CREDENTIAL')
    expect(JSON.stringify(wrong.json)).not.toContain('nope')
    const missing = await authenticate({})
    expect(missing.status).toBe(400)
    expect(missing.json.status).toBe('FAILURE_BAD_HEADER')
    const garbled = await authenticate({ Authorization: 'Basic !!!' })
    expect(garbled.json.status).toBe('FAILURE_BAD_HEADER')
  })
})

describe('token lifecycle', () => {
  it('validates, refreshes with the same value, logs out at once', async () => {
    const { json } = await authenticate({ Authorization: basic(ANALYST.email, ANALYST.password) })
    const token = json.tokenInfo.tokenValue as string
    const validate = await tokenCall('GET', 'validate', `AnaplanAuthToken ${token}`)
    expect(validate.status).toBe(200)
    const vBody = (await validate.json()) as Json
    expect(vBody.statusMessage).toBe('Token validated')
    expect(vBody.userInfo.userId).toBe(ANALYST.email)
    expect(vBody.userInfo.userGuid).toMatch(/^[0-9a-f]{32}$/)

    clock += 60_000
    const refresh = await tokenCall('POST', 'refresh', `AnaplanAuthToken ${token}`)
    expect(refresh.status).toBe(200)
    const rBody = (await refresh.json()) as Json
    expect(rBody.tokenInfo.tokenValue).toBe(token)
    expect(rBody.tokenInfo.expiresAt).toBe(clock + 2_100_000)
    expect(rBody.statusMessage).toBe('Token refreshed')

    const api = client(sim, token)
    expect((await api.get('/users/me')).status).toBe(200)
    expect((await tokenCall('POST', 'logout', `AnaplanAuthToken ${token}`)).status).toBe(204)
    expect((await tokenCall('GET', 'validate', `AnaplanAuthToken ${token}`)).status).toBe(401)
    const after = await api.get('/users/me')
    expect(after.status).toBe(401)
    expect(after.json.status.code).toBe(401)
  })

  it('rejects Bearer on validate/refresh (400) and logout (401) but accepts it on the API', async () => {
    const { json } = await authenticate({ Authorization: basic(ANALYST.email, ANALYST.password) })
    const token = json.tokenInfo.tokenValue as string
    expect((await tokenCall('GET', 'validate', `Bearer ${token}`)).status).toBe(400)
    expect((await tokenCall('POST', 'refresh', `Bearer ${token}`)).status).toBe(400)
    const logout = await tokenCall('POST', 'logout', `Bearer ${token}`)
    expect(logout.status).toBe(401)
    expect(((await logout.json()) as Json).status).toBe('FAILURE_BAD_CREDENTIAL')
    const me = await fetch(`${sim.apiUrl}/users/me`, { headers: { Authorization: `Bearer ${token}` } })
    expect(me.status).toBe(200)
  })

  it('expires tokens after the TTL; refresh of an expired token fails', async () => {
    const { json } = await authenticate({ Authorization: basic(ANALYST.email, ANALYST.password) })
    const token = json.tokenInfo.tokenValue as string
    clock += 2_100_001
    expect((await client(sim, token).get('/users/me')).status).toBe(401)
    expect((await tokenCall('POST', 'refresh', `AnaplanAuthToken ${token}`)).status).toBe(401)
  })

  it('answers 401 on the API without or with an unknown token', async () => {
    const res = await fetch(`${sim.apiUrl}/workspaces`)
    expect(res.status).toBe(401)
    const body = (await res.json()) as Json
    expect(body.path).toBe('/2/0/workspaces')
    expect(typeof body.timestamp).toBe('string')
    expect((await client(sim, 'forged').get('/workspaces')).status).toBe(401)
  })
})

describe('CA certificate authentication', () => {
  it('accepts v1 and v2 (seconds or ms timestamps), header as base64 PEM or DER', async () => {
    const v1 = await authenticate({ Authorization: pemHeader() }, certBody('v1'))
    expect(v1.status).toBe(201)
    expect(v1.json.tokenInfo.tokenValue).toBeTruthy()
    expect((await authenticate({ Authorization: pemHeader() }, certBody('v2'))).status).toBe(201)
    expect(
      (await authenticate({ Authorization: pemHeader() }, certBody('v2', { stampMs: clock }))).status,
    ).toBe(201)
    const der = `CACertificate ${cert.der.toString('base64')}`
    const viaDer = await authenticate({ Authorization: der }, certBody('v2'))
    expect(viaDer.status).toBe(201)
    const token = viaDer.json.tokenInfo.tokenValue
    expect((await client(sim, token).get('/users/me')).json.user.email).toBe(ANALYST.email)
  })

  it('refuses stale v2 timestamps, bad signatures, short data and unregistered certificates', async () => {
    const stale = await authenticate(
      { Authorization: pemHeader() },
      certBody('v2', { stampSeconds: Math.floor(clock / 1000) - 600 }),
    )
    expect(stale.status).toBe(401)
    expect(stale.json.status).toBe('FAILURE_BAD_CREDENTIAL')
    const forged = certBody('v1', { key: stranger.privateKeyPem })
    expect((await authenticate({ Authorization: pemHeader() }, forged)).status).toBe(401)
    expect((await authenticate({ Authorization: pemHeader() }, certBody('v1', { size: 50 }))).status).toBe(
      401,
    )
    const unknown = `CACertificate ${Buffer.from(stranger.certificatePem).toString('base64')}`
    const res = await authenticate(
      { Authorization: unknown },
      certBody('v1', { key: stranger.privateKeyPem }),
    )
    expect(res.status).toBe(401)
  })

  it('answers FAILURE_BAD_HEADER to an unreadable certificate or body', async () => {
    const bad = await authenticate({ Authorization: 'CACertificate bm90IGEgY2VydA==' }, certBody('v1'))
    expect(bad.status).toBe(400)
    expect(bad.json.status).toBe('FAILURE_BAD_HEADER')
    const noBody = await authenticate({ Authorization: pemHeader() }, { encodedData: 1 })
    expect(noBody.status).toBe(400)
  })
})
