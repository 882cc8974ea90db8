import { describe, expect, it } from 'vitest'
import type { ErrorReport } from './exit-codes.ts'
import {
  csvCell,
  formatCsv,
  formatGrid,
  formatTable,
  gridToObjects,
  isControl,
  Output,
  printable,
  viewToGrid,
} from './output.ts'

function sink(isTTY = false) {
  const chunks: string[] = []
  return {
    isTTY,
    write(c: string | Uint8Array) {
      chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString())
      return true
    },
    text: () => chunks.join(''),
  }
}

const grid = {
  columns: ['Region', 'Jan 26', 'Note'],
  rows: [
    ['North America', '1,200', 'ok'],
    ['APAC', '35.5', 'has, comma'],
  ],
}

describe('formatting', () => {
  it('aligns a table and right-aligns numeric columns', () => {
    expect(formatTable(grid)).toBe(
      [
        'Region         Jan 26  Note',
        '-------------  ------  ----------',
        'North America   1,200  ok',
        'APAC             35.5  has, comma',
        '',
      ].join('\n'),
    )
  })

  it('keeps id columns left-aligned', () => {
    const t = formatTable({
      columns: ['id', 'task id', 'n'],
      rows: [
        ['1', '22', '3'],
        ['102000000000', '7', '44'],
      ],
    })
    expect(t.split('\n')[2]).toBe('1             22        3')
  })

  it('keeps a table rectangular when a cell holds a newline or a row is short', () => {
    const t = formatTable({ columns: ['a', 'b'], rows: [['x\ny'], ['z', 'w']] })
    expect(t.split('\n')[2]).toBe('x y')
    expect(t.split('\n')[3]).toBe('z    w')
  })

  it('writes RFC 4180 CSV', () => {
    expect(formatCsv(grid)).toBe('Region,Jan 26,Note\nNorth America,"1,200",ok\nAPAC,35.5,"has, comma"\n')
  })

  it('turns a grid into objects for JSON', () => {
    expect(gridToObjects(grid)[1]).toEqual({ Region: 'APAC', 'Jan 26': '35.5', Note: 'has, comma' })
    expect(JSON.parse(formatGrid(grid, 'json'))).toHaveLength(2)
  })

  it('flattens view data with row headers and joined column coordinates', () => {
    const g = viewToGrid(
      {
        pages: ['Gadgets', 'Budget'],
        columnCoordinates: [
          ['Jan 26', 'Units'],
          ['Feb 26', 'Units'],
        ],
        rows: [
          { rowCoordinates: ['EMEA'], cells: ['1', '2'] },
          { rowCoordinates: ['APAC'], cells: ['3', '4'] },
        ],
      },
      ['Regions'],
    )
    expect(g).toEqual({
      columns: ['Regions', 'Jan 26 / Units', 'Feb 26 / Units'],
      rows: [
        ['EMEA', '1', '2'],
        ['APAC', '3', '4'],
      ],
    })
    expect(
      viewToGrid({ columnCoordinates: [['A']], rows: [{ rowCoordinates: ['x', 'y'], cells: ['1'] }] })
        .columns,
    ).toEqual(['Row 1', 'Row 2', 'A'])
  })
})

describe('Output', () => {
  const report: ErrorReport = { exitCode: 4, code: 'not_found', message: 'No model named "X" was found.' }

  it('prints human results on stdout, notes on stderr, errors as one line', () => {
    const stdout = sink()
    const stderr = sink()
    const out = new Output({ json: false, quiet: false, stdout, stderr })
    out.result({ a: 1 }, () => 'done')
    out.note('uploading')
    out.error(report)
    expect(stdout.text()).toBe('done\n')
    expect(stderr.text()).toBe('uploading\nanaplan: No model named "X" was found.\n')
  })

  it('prints JSON results only, and JSON errors on stderr, in --json mode', () => {
    const stdout = sink()
    const stderr = sink()
    const out = new Output({ json: true, quiet: false, stdout, stderr })
    out.result({ a: 1 }, () => 'done')
    out.note('uploading')
    out.warn('careful')
    out.error(report)
    expect(JSON.parse(stdout.text())).toEqual({ a: 1 })
    expect(JSON.parse(stderr.text())).toEqual({ error: { code: 'not_found', message: report.message } })
  })

  it('drops notes with --quiet but keeps warnings', () => {
    const stderr = sink()
    const out = new Output({ json: false, quiet: true, stdout: sink(), stderr })
    out.note('uploading')
    out.warn('careful')
    expect(stderr.text()).toBe('anaplan: warning: careful\n')
  })

  it('says (none) for an empty listing', () => {
    const stdout = sink()
    new Output({ json: false, quiet: false, stdout, stderr: sink() }).grid({ columns: ['id'], rows: [] })
    expect(stdout.text()).toBe('(none)\n')
  })
})

describe('names from Anaplan are printed safely', () => {
  it('CSV neutralises cells a spreadsheet would run as formulas, and keeps numbers', () => {
    const csv = formatCsv({
      columns: ['Name', 'Value'],
      rows: [
        ['=HYPERLINK("http://evil.example","x")', '-5'],
        ['+cmd|calc', '1,234.5'],
        ['-2+3', '+7'],
        ['@SUM(A1)', '-1.5e3'],
        ['\tTabbed', ''],
        ['\rReturn', '12%'],
        ['Widgets', '='],
      ],
    })
    const lines = csv.trim().split('\n')
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")",-5`)
    expect(lines[2]).toBe(`'+cmd|calc,"1,234.5"`)
    expect(lines[3]).toBe(`'-2+3,+7`)
    expect(lines[4]).toBe(`'@SUM(A1),-1.5e3`)
    expect(lines[5]).toBe(`'\tTabbed,`)
    expect(csv).toContain(`"'\rReturn",12%`)
    expect(csv).toContain(`Widgets,'=`)
    expect(csvCell('Gadgets')).toBe('Gadgets')
  })

  it('tables and notes drop terminal escape sequences and control characters', () => {
    const evil = 'Wid\u001b[2J\u001b[31mgets\u001b]0;pwned\u0007\u0008\u009b'
    expect(printable(evil)).toBe('Widgets')
    expect(printable('two\nlines\tand tab')).toBe('two\nlines\tand tab')
    const table = formatTable({ columns: ['Name'], rows: [[evil]] })
    expect([...table].some((ch) => isControl(ch.charCodeAt(0)))).toBe(false)
    expect(table).toContain('Widgets')
    const out: string[] = []
    const err: string[] = []
    const o = new Output({
      json: false,
      quiet: false,
      stdout: { write: (c) => out.push(String(c)) > 0 },
      stderr: { write: (c) => err.push(String(c)) > 0 },
    })
    o.result({}, () => `Connected to ${evil}`)
    o.note(`Model ${evil}`)
    o.error({ code: 'not_found', message: `No model ${evil}\nsecond line`, exitCode: 4 } as ErrorReport)
    expect(out.join('')).toBe('Connected to Widgets\n')
    expect(err.join('')).toBe('Model Widgets\nanaplan: No model Widgets second line\n')
  })
})
