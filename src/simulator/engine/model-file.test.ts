import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadTenant } from './loader.ts'
import { ModelFileError, parseModelFile } from './model-file.ts'

const base = `users:
  - email: a@example.com
    password: pw
    workspaceAdmin: [WS]
workspaces:
  - name: WS
models:
  - name: M
    workspace: WS
    time: { start: 2026-01 }
    versions: [Actual]
    lists:
      - name: Regions
        items: [North, South]
    modules:
      - name: MOD
        dimensions: [Regions, Time, Versions]
        lineItems:
          - name: A
          - name: B
          - name: C
            formula: A + B
`

function errorOf(text: string): ModelFileError {
  try {
    loadTenant({ text, file: 'test.yaml' })
  } catch (err) {
    if (err instanceof ModelFileError) return err
    throw err
  }
  throw new Error('expected a ModelFileError')
}

describe('model file validation', () => {
  it('accepts a small valid file', () => {
    const t = loadTenant({ text: base })
    expect(t.models[0]!.lineItems().map((l) => l.name)).toEqual(['A', 'B', 'C'])
  })

  it('names the line and path of an unknown key', () => {
    const err = errorOf(base.replace('    password: pw', '    password: pw\n    pasword: typo'))
    expect(err.issues[0]).toMatchObject({ line: 4, path: ['users', 0, 'pasword'] })
    expect(err.message).toContain('line 4')
    expect(err.message).toContain('users[0].pasword')
  })

  it('reports a bad enum value with its line', () => {
    const err = errorOf(
      base.replace('          - name: A\n', '          - name: A\n            format: MONEY\n'),
    )
    expect(err.issues[0]!.path).toEqual(['models', 0, 'modules', 0, 'lineItems', 0, 'format'])
    expect(err.issues[0]!.line).toBe(20)
  })

  it('reports a missing required key', () => {
    const err = errorOf(base.replace('    password: pw\n', ''))
    expect(err.issues[0]!.path).toEqual(['users', 0, 'password'])
    expect(err.message).toMatch(/password/)
  })

  it('reports YAML syntax errors with a line', () => {
    const err = errorOf('users:\n  - email: [unclosed\n')
    expect(err.issues[0]!.line).toBeGreaterThan(0)
  })

  it('reports an unknown dimension, with the line of the entry', () => {
    const err = errorOf(base.replace('[Regions, Time, Versions]', '[Regions, Tiem, Versions]'))
    expect(err.issues[0]).toMatchObject({ path: ['models', 0, 'modules', 0, 'dimensions', 1], line: 17 })
    expect(err.issues[0]!.message).toContain('unknown dimension Tiem')
  })

  it('reports an unknown line item in a formula', () => {
    const err = errorOf(base.replace('formula: A + B', 'formula: A + Bogus'))
    expect(err.issues[0]!.message).toContain('Bogus')
    expect(err.issues[0]!.line).toBe(22)
  })

  it('reports circular formulas', () => {
    const text = base.replace('          - name: A\n', '          - name: A\n            formula: C * 2\n')
    const err = errorOf(text)
    expect(err.issues.some((i) => i.message.includes('circular'))).toBe(true)
  })

  it('reports several problems at once', () => {
    const err = errorOf(
      base.replace('workspace: WS', 'workspace: Nope').replace('[North, South]', '[North, North]'),
    )
    expect(err.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('unknown workspace Nope')]),
    )
  })

  it('accepts JSON', () => {
    const json = JSON.stringify({
      users: [{ email: 'a@example.com', password: 'pw', workspaces: ['WS'] }],
      workspaces: [{ name: 'WS' }],
      models: [{ name: 'M', workspace: 'WS', modules: [{ name: 'S', lineItems: [{ name: 'X' }] }] }],
    })
    const t = loadTenant({ text: json })
    expect(t.models[0]!.modules()).toEqual([{ id: '102000000000', name: 'S' }])
  })

  it('refuses an import that maps no column to a dimension', () => {
    const text = `${base}    imports:
      - name: Load
        file: a.csv
        module: MOD
        columns: { Region: Regions, A: A }
`
    const err = errorOf(text)
    expect(err.issues[0]!.message).toContain('no column or fixed item for Time, Versions')
  })

  it('refuses a view that leaves a dimension out', () => {
    const text = base.replace(
      '            formula: A + B\n',
      '            formula: A + B\n        views:\n          - { name: V, rows: [Regions], columns: [Line Items] }\n',
    )
    expect(errorOf(text).issues[0]!.message).toContain('missing: Time, Versions')
  })

  it('puts Line Items last on the pages of a view that leaves it out, with the filtered line items', () => {
    const views = [
      '          - { name: Two, rows: [Regions], columns: [Time], pages: [Versions], lineItems: [C, A] }',
      '          - { name: Placed, rows: [Regions, Line Items], columns: [Time], pages: [Versions], lineItems: [B] }',
      '          - { name: All, rows: [Regions], columns: [Time], pages: [Line Items, Versions] }',
    ]
    const text = base.replace(
      '            formula: A + B\n',
      `            formula: A + B\n        views:\n${views.join('\n')}\n`,
    )
    const m = loadTenant({ text }).models[0]!
    const meta = (name: string) => m.viewMetadata(m.views().find((v) => v.name.endsWith(name))!.id)
    // Two line items without a Line Items axis were refused before; now they are its last page.
    expect(meta('Two').pages.map((d) => d.name)).toEqual(['Versions', 'Line Items'])
    const two = meta('Two').id
    expect(m.viewDimensionItems(two, '101999999999').map((i) => i.name)).toEqual(['C', 'A'])
    expect(m.readView(two, {}).pages).toEqual(['Actual', 'C'])
    // A placed Line Items stays where the file puts it, on rows or pages.
    expect(meta('Placed').rows.map((d) => d.name)).toEqual(['Regions', 'Line Items'])
    expect(meta('Placed').pages.map((d) => d.name)).toEqual(['Versions'])
    expect(meta('All').pages.map((d) => d.name)).toEqual(['Line Items', 'Versions'])
    // Over all pages: 2 regions × the periods × 1 version × 2 line items (one a page).
    expect(m.viewCellCount(two)).toBe(2 * m.readView(two, {}).columnCoordinates.length * 1 * 2)
  })

  it('parses without building when only the syntax is wanted', () => {
    const parsed = parseModelFile(base)
    expect(parsed.spec.models[0]!.modules[0]!.lineItems[0]!.format).toBe('NUMBER')
    expect(parsed.lineOf(['models', 0, 'lists', 0, 'name'])).toBe(13)
  })

  it('loads the complete example of docs/model-file.md', async () => {
    const doc = readFileSync(new URL('../../../docs/model-file.md', import.meta.url), 'utf8')
    const example = /## A complete small example\s+```yaml\n([\s\S]*?)```/.exec(doc)![1]!
    const model = loadTenant({ text: example }).models[0]!
    expect(model.modules().map((m) => m.name)).toEqual(['SAL01 Sales'])
    const outcome = await model.runImport(
      model.imports()[0]!.id,
      (async function* () {
        yield model.dataSourceFiles()[0]!.defaultContent!
      })(),
    )
    expect(outcome.successful).toBe(true)
    expect(model.runAction(model.actions()[0]!.id).details[0]!.localMessageText).toBe(
      'Stores: 1 items deleted',
    )
  })
})
