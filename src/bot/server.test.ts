import { describe, expect, it } from 'vitest'
import { chatSchema, parseChatBody } from './server.ts'

describe('parseChatBody', () => {
  const long = 'x'.repeat(2000)
  const bodies: unknown[] = [
    { sessionId: 'web-1', text: 'show me Revenue by Region' },
    { text: 'hi', sessionId: 'a.b_c:d@e-f' },
    { sessionId: 'web-1', choice: 'show_view?p=%7B%7D' },
    { sessionId: 's'.repeat(128), text: long },
    { sessionId: 's', choice: long },
    { sessionId: 's'.repeat(129), text: 'hi' },
    { sessionId: 's', text: `${long}x` },
    { sessionId: 's', choice: `${long}x` },
    { sessionId: '', text: 'hi' },
    { sessionId: 'web 1', text: 'hi' },
    { sessionId: 'web-1', text: '   ' },
    { sessionId: 'web-1', text: '' },
    { sessionId: 'web-1', choice: '' },
    { sessionId: 'web-1', text: 'hi', choice: 'x' },
    { sessionId: 'web-1' },
    { sessionId: 'web-1', text: 'hi', user: 'admin' },
    { sessionId: 'web-1', user: 'admin' },
    { sessionId: 7, text: 'hi' },
    { sessionId: 'web-1', text: 7 },
    { sessionId: 'web-1', choice: null },
    { sessionId: 'web-1', text: undefined },
    JSON.parse('{"sessionId":"web-1","__proto__":"x"}'),
    JSON.parse('{"sessionId":"web-1","text":"hi","__proto__":{"a":1}}'),
    Object.assign(Object.create({ text: 'inherited' }), { sessionId: 'web-1', other: 1 }),
    ['web-1', 'hi'],
    null,
    'web-1',
    42,
  ]

  it('answers as the schema does, for bodies it takes itself and the rest alike', () => {
    for (const body of bodies) {
      const want = chatSchema.safeParse(body)
      const got = parseChatBody(body)
      expect(got.success, JSON.stringify(body)).toBe(want.success)
      if (got.success) expect(got.data).toEqual(want.data)
      else expect(got.error.issues).toEqual(want.error?.issues)
    }
  })
})
