/**
 * Helpers for the simulator's own integration tests: plain `fetch` against a simulator on port 0
 * (never the project's client, so the simulator is checked independently), name lookups in the
 * demo model, and a real self-signed certificate made at test time.
 */
import { webcrypto } from 'node:crypto'
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { expect } from 'vitest'
import {
  type RunningSimulator,
  type StartSimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.ts'
import { formatProblems, loadAnaplanOpenApi } from '../support/openapi.ts'

/** A parsed response body: free-form JSON the tests assert on field by field. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field, not typed.
export type Json = any

export const ANALYST = { email: 'analyst@example.com', password: 'demo-password' }
export const VIEWER = { email: 'viewer@example.com', password: 'viewer-password' }

/** Starts a simulator on a random port with fast tasks. */
export function startTestSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ port: 0, host: '127.0.0.1', taskMs: 30, ...options })
}

export function basic(email: string, password: string): string {
  return `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`
}

/** Logs in with Basic and returns the token value. */
export async function login(sim: RunningSimulator, who = ANALYST): Promise<string> {
  const res = await fetch(`${sim.authUrl}/token/authenticate`, {
    method: 'POST',
    headers: { Authorization: basic(who.email, who.password) },
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { tokenInfo: { tokenValue: string } }
  return body.tokenInfo.tokenValue
}

export interface ApiResponse {
  status: number
  headers: Headers
  text: string
  json: Json
}

/** A tiny fetch wrapper bound to a simulator and a token; JSON bodies are parsed when possible. */
export function client(sim: RunningSimulator, token: string) {
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> => {
    const headers: Record<string, string> = { Authorization: `AnaplanAuthToken ${token}`, ...init.headers }
    let body: BodyInit | undefined = init.raw
    if (init.body !== undefined) {
      body = JSON.stringify(init.body)
      headers['Content-Type'] ??= 'application/json'
    }
    const url = path.startsWith('http') ? path : `${sim.apiUrl}${path}`
    const res = await fetch(url, { method, headers, body: body ?? null })
    const text = await res.text()
    let json: unknown
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') json = JSON.parse(text)
    return { status: res.status, headers: res.headers, text, json }
  }
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, headers ? { headers } : {}),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, { body, ...(headers ? { headers } : {}) }),
    put: (path: string, body?: unknown) => call('PUT', path, { body }),
    putRaw: (path: string, raw: BodyInit, headers: Record<string, string> = {}) =>
      call('PUT', path, { raw, headers: { 'Content-Type': 'application/octet-stream', ...headers } }),
    delete: (path: string) => call('DELETE', path),
    call,
  }
}
export type Client = ReturnType<typeof client>

/** Ids of the demo objects the tests use, found by name like a user would. */
export async function demoIds(api: Client) {
  const ws = (await api.get('/workspaces')).json.workspaces.find((w: Json) => w.name === 'FP&A Demo')
  const models = (await api.get('/models')).json.models as Json[]
  const sales = models.find((m) => m.name === 'Sales Forecast')
  const workforce = models.find((m) => m.name === 'Workforce Plan')
  const budget = models.find((m) => m.name === 'Budget 2024')
  const m = `/workspaces/${ws.id}/models/${sales.id}`
  const byName = (list: Json[] | undefined, name: string) => {
    const found = (list ?? []).find((x) => x.name === name)
    if (!found) throw new Error(`${name} not found in ${JSON.stringify(list)}`)
    return found
  }
  const imports = (await api.get(`${m}/imports`)).json.imports
  const exports = (await api.get(`${m}/exports`)).json.exports
  const processes = (await api.get(`${m}/processes`)).json.processes
  const actions = (await api.get(`${m}/actions`)).json.actions
  const modules = (await api.get(`${m}/modules`)).json.modules
  const views = (await api.get(`${m}/views`)).json.views
  const lists = (await api.get(`${m}/lists`)).json.lists
  return {
    workspaceId: ws.id as string,
    salesId: sales.id as string,
    workforceId: workforce?.id as string,
    budgetId: budget?.id as string,
    m,
    loadActuals: byName(imports, 'Load Actuals'),
    loadProducts: byName(imports, 'Load Products'),
    revenueExport: byName(exports, 'Revenue Export'),
    monthlyRefresh: byName(processes, 'Monthly Refresh'),
    deleteDiscontinued: byName(actions, 'Delete Discontinued Products'),
    revenueModule: modules.find((x: Json) => /Revenue/.test(x.name)),
    revenueByRegion: byName(
      views,
      views.find((v: Json) => /Revenue by Region/.test(v.name))?.name ?? 'Revenue by Region',
    ),
    products: byName(lists, 'Products'),
    regions: byName(lists, 'Regions'),
  }
}

/** Polls a task until it is COMPLETE or CANCELLED. */
export async function waitTask(api: Client, taskPath: string, maxMs = 20_000): Promise<Json> {
  const until = Date.now() + maxMs
  for (;;) {
    const res = await api.get(taskPath)
    expect(res.status).toBe(200)
    const task = res.json.task
    if (task.taskState === 'COMPLETE' || task.taskState === 'CANCELLED') return task
    if (Date.now() > until) throw new Error(`task still ${task.taskState} after ${maxMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/**
 * Asserts a response matches the Anaplan OpenAPI description. The simulator stands in for
 * auth.anaplan.com and api.anaplan.com, so URLs it writes into bodies are mapped to those hosts.
 */
export function expectContract(method: string, url: string, res: ApiResponse): void {
  const origin = new URL(url).origin
  const host = url.includes('/token/') ? 'https://auth.anaplan.com' : 'https://api.anaplan.com'
  const body =
    res.json === undefined ? undefined : JSON.parse(JSON.stringify(res.json).replaceAll(origin, host))
  const problems = loadAnaplanOpenApi().validateResponse(
    { method, url },
    {
      status: res.status,
      ...(body !== undefined ? { body } : {}),
      contentType: res.headers.get('content-type') ?? 'application/json',
    },
  )
  expect(problems, `${method} ${url}\n${formatProblems(problems)}`).toEqual([])
}

/** A self-signed RSA certificate and its private key, made now (never committed). */
export async function makeCertificate(
  days = 30,
): Promise<{ certificatePem: string; privateKeyPem: string; der: Buffer }> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-512',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  }
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=analyst@example.com',
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + days * 86_400_000),
    signingAlgorithm: alg,
    keys,
  })
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`
  return { certificatePem: cert.toString('pem'), privateKeyPem, der: Buffer.from(cert.rawData) }
}
