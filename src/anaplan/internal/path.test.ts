import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors.ts'
import { path } from './path.ts'
import { redactHeaders, redactUrl } from './redact.ts'

describe('path tag', () => {
  it('encodes values', () => {
    expect(path`/models/${'ABC'}/files/${'T & R.csv'}`).toBe('/models/ABC/files/T%20%26%20R.csv')
  })
  it.each(['', '.', '..', 'a/b', 'a\\b', '../../users', 'a?b', 'a#b', '%2e%2e', 'a\nb'])(
    'rejects %j',
    (bad) => {
      expect(() => path`/models/${bad}`).toThrow(ValidationError)
    },
  )
})

describe('redaction', () => {
  it('removes user info and sensitive query values', () => {
    const u = redactUrl('https://user:pw@api.anaplan.com/2/0/x?access_token=abc&offset=5')
    expect(u).not.toContain('pw')
    expect(u).not.toContain('abc')
    expect(u).toContain('offset=5')
  })
  it('masks credential headers but keeps the scheme', () => {
    expect(redactHeaders({ Authorization: 'AnaplanAuthToken secret-value', accept: 'a' })).toEqual({
      Authorization: 'AnaplanAuthToken [REDACTED]',
      accept: 'a',
    })
  })
})
