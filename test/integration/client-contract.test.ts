import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnaplanClient, type ModelScope } from '../../src/anaplan/index.ts'
import { generateTestCertificate } from '../../src/anaplan/testing/certificate.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { formatProblems, loadAnaplanOpenApi, type RecordedCall, recordingFetch } from '../support/openapi.ts'

// Every request the client sends during a tour of its whole surface must be one the Anaplan OpenAPI
// description allows (operation, path ids, query parameters, JSON body), save the documented exceptions.
const api = loadAnaplanOpenApi()
let sim: RunningSimulator
let client: AnaplanClient
let model: ModelScope
const rec = recordingFetch()

beforeAll(async () => {
  const cert = await generateTestCertificate('analyst@example.com')
  sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    taskMs: 20,
    certificates: [{ email: 'analyst@example.com', certificatePem: cert.certificatePem }],
  })
  const certClient = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    fetch: rec.fetch,
    credentials: { kind: 'certificate', certificate: cert.certificatePem, privateKey: cert.privateKeyPem },
  })
  await certClient.users.me()
  await certClient.close()
  client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    fetch: rec.fetch,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
  })
  model = await client.model({ workspace: 'FP&A Demo', model: 'Sales Forecast' })
})

afterAll(async () => {
  await sim?.close()
})

async function drain(it: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0
  for await (const c of it) n += c.byteLength
  return n
}

describe('requests sent by the client match the OpenAPI description', () => {
  it('tours the client surface', async () => {
    await client.users.me()
    await client.auth.validate()
    await client.workspaces.list()
    await client.workspaces.get(model.workspaceId)
    await client.models.list({ modelDetails: true })
    await client.models.list({ workspaceId: model.workspaceId })
    await client.models.get(model.modelId)
    await client.models.status(model.workspaceId, model.modelId)
    await client.models.open(model.workspaceId, model.modelId)
    for (const t of ['import', 'export', 'process', 'action'] as const) await model.listActions(t)
    await model.actionMetadata('import', 'Load Actuals')
    await model.actionMetadata('export', 'Revenue Export')
    await model.actionMetadata('process', 'Monthly Refresh')
    await model.listFiles()
    await model.upload(
      'actuals.csv',
      'Region,Product,Month,Version,Units,Price\nEMEA,Widgets,Jan 26,Actual,1,25\nX,Y,Jan 26,Actual,1,1\n',
    )
    await model.run('import', 'Load Actuals', { intervalMs: 10, throwOnFailure: false })
    const exp = await model.run('export', 'Revenue Export', { intervalMs: 10 })
    await model.listTasks('export', exp.actionId)
    expect(await drain(model.download('Revenue Export'))).toBeGreaterThan(0)
    await model.run('process', 'Monthly Refresh', { intervalMs: 10, throwOnFailure: false })
    await model.listModules()
    await model.listLineItems()
    await model.listLineItems('REV01 Revenue')
    await model.lineItemDimensions('Units')
    await model.listViews()
    await model.viewMetadata('Revenue by Region')
    await model.readView('Revenue by Region', { Products: 'GAD', Versions: 'Actual' })
    await model.readViewCsv('Revenue by Region', { Products: 'Widgets' })
    for await (const page of model.readViewLarge('Revenue by Region', { intervalMs: 10 })) {
      expect(page).toContain('Widgets')
    }
    for await (const page of model.readListLarge('Regions', { intervalMs: 10 }))
      expect(page).toContain('EMEA')
    await model.listLists()
    await model.listItems('Products', { includeAll: true })
    await model.dimensionItems('Regions')
    await model.lookupDimensionItems('Products', { names: ['Widgets'], codes: ['GAD'] })
    await model.addListItems('Channels', [{ name: 'Resellers', code: 'RES' }])
    await model.updateListItems('Channels', [{ code: 'RES', name: 'Resellers EU' }])
    await model.deleteListItems('Channels', [{ code: 'RES' }])
    await model.writeCells('REV01 Revenue', [
      {
        lineItemName: 'Units',
        dimensions: [
          { dimensionName: 'Regions', itemName: 'EMEA' },
          { dimensionName: 'Products', itemName: 'Widgets' },
          { dimensionName: 'Time', itemName: 'Feb 26' },
          { dimensionName: 'Versions', itemName: 'Forecast' },
        ],
        value: 42,
      },
    ])
    await model.readCell('REV01 Revenue', 'Units', {
      Regions: 'EMEA',
      Products: 'GAD',
      Time: 'Jan 26',
      Versions: 'Actual',
    })
    const dir = await mkdtemp(join(tmpdir(), 'client-contract-'))
    try {
      await writeFile(
        join(dir, 'products.csv'),
        'Name,Code,Parent,Discontinued,Category\nWidgets,WID,All Products,false,Hardware\n',
      )
      await model.upload('products.csv', { path: join(dir, 'products.csv') })
      await model.downloadToFile('products.csv', join(dir, 'back.csv'))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    await model.versions()
    await model.currentPeriod()
    await model.modelCalendar()
    await model.setCurrentPeriod('2026-04-10')
    await client.close()
    expect(rec.calls.length).toBeGreaterThan(40)
  })

  it('sent no request outside the description (or its documented exceptions)', () => {
    const problems = rec.calls.flatMap((c: RecordedCall) =>
      api
        .validateRequest(c)
        .map((p) => ({ ...p, where: `${c.method} ${new URL(c.url).pathname}: ${p.where}` })),
    )
    expect(formatProblems(problems)).toBe('')
  })

  it('got only documented statuses back', () => {
    const undocumented = rec.calls.flatMap((c) =>
      c.status === undefined ? [] : api.validateResponse(c, { status: c.status }),
    )
    expect(formatProblems(undocumented)).toBe('')
  })
})
