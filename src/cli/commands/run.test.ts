import { describe, expect, it } from 'vitest'
import { summarizeDump } from '../results.ts'
import { partiallyFailed } from './run.ts'

const errors = summarizeDump('"_Status_","A","_Line_","_Error_1_"\n"E","x","2","bad"\n')
const warnings = summarizeDump('"_Status_","A","_Line_","_Error_1_"\n"W","x","2","odd"\n')
const ok = { successful: true, failureDumpAvailable: false }
const withDump = { successful: true, failureDumpAvailable: true }

describe('partial failures', () => {
  it('a successful task without a dump did not fail', () => {
    expect(partiallyFailed(ok, [], true)).toBe(false)
  })
  it('rejected rows fail; warnings only pass unless --strict', () => {
    expect(partiallyFailed(withDump, [{ objectId: 'i', summary: errors }], false)).toBe(true)
    expect(partiallyFailed(withDump, [{ objectId: 'i', summary: warnings }], false)).toBe(false)
    expect(partiallyFailed(withDump, [{ objectId: 'i', summary: warnings }], true)).toBe(true)
  })
  it('an announced dump that could not be read counts as a failure, also when nested', () => {
    expect(partiallyFailed(withDump, [], false)).toBe(true)
    expect(partiallyFailed({ ...ok, nestedResults: [withDump] }, [], false)).toBe(true)
  })
})
