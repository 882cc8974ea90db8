import { describe, expect, it } from 'vitest'
import { formatDumpSummary, formatTaskResult, formatTaskState, summarizeDump } from './results.ts'

const DUMP = [
  '"_Status_","Regions","Products","Units","_Line_","_Error_1_"',
  '"E","Atlantis","Widgets","10","3","Item not located in Regions list: Atlantis"',
  '"W","EMEA","Widgets","abc","5","Invalid number"',
  '"E","APAC","Doohickeys","4","9","Item not located in Products list: Doohickeys"',
  '',
].join('\n')

describe('failure dumps', () => {
  it('counts errors and warnings and keeps the first rows', () => {
    const s = summarizeDump(DUMP, 2)
    expect(s.rows).toBe(3)
    expect(s.errors).toBe(2)
    expect(s.warnings).toBe(1)
    expect(s.columns).toEqual(['Regions', 'Products', 'Units'])
    expect(s.first).toHaveLength(2)
    expect(s.first[0]).toEqual({
      line: '3',
      severity: 'error',
      errors: ['Item not located in Regions list: Atlantis'],
      values: { Regions: 'Atlantis', Products: 'Widgets', Units: '10' },
    })
  })

  it('explains the dump in plain words', () => {
    expect(formatDumpSummary(summarizeDump(DUMP, 2))).toBe(
      [
        'Failure dump: 3 rows, 2 errors, 1 warning',
        '  line 3 (error): Item not located in Regions list: Atlantis — Regions=Atlantis, Products=Widgets, Units=10',
        '  line 5 (warning): Invalid number — Regions=EMEA, Products=Widgets, Units=abc',
        '  … and 1 more',
      ].join('\n'),
    )
  })

  it('survives a dump that is not CSV', () => {
    const s = summarizeDump('header\n"unterminated\nrow', 5)
    expect(s.rows).toBeGreaterThanOrEqual(0)
    expect(formatDumpSummary(s)).toMatch(/^Failure dump: \d+ rows?/)
  })
})

describe('task results', () => {
  it('prints a process with nested results and names', () => {
    const text = formatTaskResult(
      {
        successful: false,
        failureDumpAvailable: true,
        objectId: '118000000001',
        nestedResults: [
          {
            successful: false,
            failureDumpAvailable: true,
            objectId: '112000000001',
            details: [{ type: 'hierarchyRowsProcessed', localMessageText: '10 rows processed, 2 failed' }],
          },
          {
            successful: true,
            failureDumpAvailable: false,
            objectId: '116000000001',
            details: [{ type: 'exportSucceeded', values: ['rows', '48'] }],
          },
        ],
      },
      { '118000000001': 'Monthly Refresh', '112000000001': 'Load Actuals', '116000000001': 'Revenue Export' },
    )
    expect(text).toBe(
      [
        'Monthly Refresh: FAILED (failure dump available)',
        '  Load Actuals: FAILED (failure dump available)',
        '    10 rows processed, 2 failed',
        '  Revenue Export: succeeded',
        '    exportSucceeded: rows=48',
      ].join('\n'),
    )
  })

  it('prints a task state with percentage and step', () => {
    expect(
      formatTaskState({ taskId: 'T', taskState: 'IN_PROGRESS', progress: 0.42, currentStep: 'Loading' }),
    ).toBe('IN_PROGRESS 42% Loading')
    expect(formatTaskState({ taskId: 'T', taskState: 'CANCELLED' })).toBe('CANCELLED')
  })
})
