import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportDialogflowEsAgent } from '../../src/bot/channels/agent-export.ts'
import { ENTITY_TYPES, INTENT_CATALOG } from '../../src/bot/core/index.ts'

async function json<T = Record<string, unknown>>(zip: JSZip, path: string): Promise<T> {
  const file = zip.file(path)
  if (!file) throw new Error(`missing ${path} in the agent zip`)
  return JSON.parse(await file.async('string')) as T
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/anaplan-bot.js', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => {
      stdout += c
    })
    child.stderr.on('data', (c) => {
      stderr += c
    })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The environment minus any Anaplan credentials, so the embedded simulator is used. */
function simulatorEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ANAPLAN_')) env[k] = v
  return { ...env, LOG_LEVEL: 'error' }
}

describe('Dialogflow ES agent export', () => {
  let zip: JSZip
  beforeAll(async () => {
    zip = await JSZip.loadAsync(
      await exportDialogflowEsAgent({ webhookUrl: 'https://bot.example.com/dialogflow/es' }),
    )
  })

  it('has agent.json and package.json', async () => {
    expect(await json(zip, 'package.json')).toEqual({ version: '1.0.0' })
    const agent = await json(zip, 'agent.json')
    expect(agent).toMatchObject({
      language: 'en',
      webhook: { url: 'https://bot.example.com/dialogflow/es', available: true },
    })
  })

  it('has every catalog intent with its parameters and webhook fulfillment', async () => {
    for (const intent of INTENT_CATALOG) {
      const file = await json<{
        name: string
        webhookUsed: boolean
        fallbackIntent: boolean
        responses: { parameters: { name: string; dataType: string; isList: boolean; value: string }[] }[]
      }>(zip, `intents/${intent.name}.json`)
      expect(file.name).toBe(intent.name)
      expect(file.webhookUsed, intent.name).toBe(true)
      expect(file.fallbackIntent).toBe(intent.name === 'fallback')
      const params = file.responses[0]!.parameters
      expect(params.map((p) => p.name)).toEqual(intent.parameters.map((p) => p.name))
      for (const p of intent.parameters) {
        const exported = params.find((x) => x.name === p.name)!
        expect(exported.dataType).toBe(ENTITY_TYPES.find((e) => e.name === p.entity)?.dialogflow)
        expect(exported.value).toBe(`$${p.name}`)
        expect(exported.isList).toBe(Boolean(p.isList))
      }
    }
  })

  it('has the training phrases with annotated parameters', async () => {
    const says = (await json(zip, 'intents/write_cell_usersays_en.json')) as {
      data: { text: string; alias?: string; meta?: string }[]
    }[]
    const intent = INTENT_CATALOG.find((i) => i.name === 'write_cell')!
    expect(says).toHaveLength(intent.phrases.length)
    const first = says[0]!.data
    expect(first.map((d) => d.text).join('')).toBe('set Units for Widgets in APAC for Mar 26 Forecast to 500')
    expect(first).toContainEqual({ text: 'Units', alias: 'lineItem', meta: '@line-item', userDefined: true })
    expect(first).toContainEqual({ text: '500', alias: 'value', meta: '@sys.number', userDefined: true })
    for (const intentDef of INTENT_CATALOG) {
      const phrases = (await json(zip, `intents/${intentDef.name}_usersays_en.json`)) as {
        data: { alias?: string }[]
      }[]
      const names = new Set(intentDef.parameters.map((p) => p.name))
      for (const phrase of phrases)
        for (const d of phrase.data)
          if (d.alias && names.size > 0) expect(names.has(d.alias) || d.alias === 'actionType').toBe(true)
    }
  })

  it('has entity types for every custom entity used, with entries', async () => {
    const used = new Set(INTENT_CATALOG.flatMap((i) => i.parameters.map((p) => p.entity)))
    for (const info of ENTITY_TYPES) {
      if (!used.has(info.name) || info.dialogflow.startsWith('@sys.')) continue
      const name = info.dialogflow.slice(1)
      expect((await json<{ name: string }>(zip, `entities/${name}.json`)).name).toBe(name)
      const entries = (await json(zip, `entities/${name}_entries_en.json`)) as {
        value: string
        synonyms: string[]
      }[]
      expect(entries.length, name).toBeGreaterThan(0)
      for (const e of entries) {
        expect(e.synonyms.length, e.value).toBeGreaterThan(0)
        // A model's names match as themselves; a fixed value may be a reference word only.
        if (info.fromModel) expect(e.synonyms).toContain(e.value)
      }
    }
    const types = (await json(zip, 'entities/action-type_entries_en.json')) as {
      value: string
      synonyms: string[]
    }[]
    expect(types.map((t) => t.value)).toEqual(['import', 'export', 'process', 'action'])
    // "list actions" means every kind: the bare word does not narrow it to Anaplan's other actions.
    expect(types.flatMap((t) => t.synonyms)).not.toContain('actions')
    expect(types.find((t) => t.value === 'import')?.synonyms).toContain('imports')
  })
})

describe('anaplan-bot agent export (command)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-export-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('writes a zip whose model entities come from the model metadata', async () => {
    const out = join(dir, 'agent.zip')
    const res = await run(
      [
        'agent',
        'export',
        '--format',
        'dialogflow-es',
        '--out',
        out,
        '--model',
        'Sales Forecast',
        '--simulator',
      ],
      simulatorEnv(),
    )
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('entities from Sales Forecast')
    const zip = await JSZip.loadAsync(await readFile(out))
    const values = async (name: string) =>
      (await json(zip, `entities/${name}_entries_en.json`)) as { value: string; synonyms: string[] }[]
    expect((await values('view')).map((e) => e.value)).toEqual(
      expect.arrayContaining(['Revenue by Region', 'Units by Product', 'Expenses Summary']),
    )
    expect((await values('action')).map((e) => e.value)).toEqual(
      expect.arrayContaining([
        'Load Actuals',
        'Monthly Refresh',
        'Revenue Export',
        'Delete Discontinued Products',
      ]),
    )
    expect((await values('line-item')).map((e) => e.value)).toEqual(
      expect.arrayContaining(['Total Expenses', 'Units']),
    )
    expect((await values('model')).map((e) => e.value)).toEqual(
      expect.arrayContaining(['Sales Forecast', 'Workforce Plan']),
    )
    const items = await values('list-item')
    expect(items.find((e) => e.value === 'Sprockets')?.synonyms).toContain('SPR')
    expect((await values('version')).map((e) => e.value)).toEqual(['Actual', 'Forecast', 'Budget'])
    expect((await values('period')).map((e) => e.value)).toEqual(
      expect.arrayContaining(['Jan 26', 'Q3 FY26', 'FY26']),
    )
  })

  it('rejects an unknown format', async () => {
    const res = await run(['agent', 'export', '--format', 'lex', '--out', join(dir, 'x.zip')], simulatorEnv())
    expect(res.code).not.toBe(0)
    expect(res.stderr).toContain('dialogflow-es')
  })
})
