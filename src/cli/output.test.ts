import { describe, expect, it } from 'vitest'
import type { ErrorReport } from './exit-codes.ts'
import { formatCsv, formatGrid, formatTable, gridToObjects, Output, viewToGrid } from './output.ts'

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
