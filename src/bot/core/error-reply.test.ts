import { describe, expect, it } from 'vitest'
import {
  ConflictError,
  ConnectionError,
  NameResolutionError,
  RateLimitError,
  TaskFailedError,
} from './anaplan.ts'
import { decodeChoice } from './context.ts'
import { dumpInWords } from './dump.ts'
import { errorCode, errorReply } from './error-reply.ts'
import { BotError } from './errors.ts'

const req = { method: 'POST', url: 'https://api.anaplan.com/2/0/workspaces/w/models/m/imports/i/tasks' }
const text = (m: ReturnType<typeof errorReply>) =>
  m.flatMap((x) => (x.type === 'text' ? [x.text] : [])).join(' ')

describe('errorReply', () => {
  it('explains a busy model', () => {
    const e = new ConflictError(409, new Headers(), { status: { message: 'busy' } }, req)
    expect(text(errorReply(e, { model: 'Sales Forecast' }))).toBe(
      'Sales Forecast is busy running another action. Try again in a minute.',
    )
    expect(errorCode(e)).toBe('conflict')
  })

  it('offers the close matches of an unknown name as choices that replay the intent', () => {
    const e = new NameResolutionError('view', 'Revnue by Region', 'not_found', ['Revenue by Region'])
    const out = errorReply(e, {
      model: 'Sales Forecast',
      intent: 'show_view',
      parameters: { view: 'Revnue by Region' },
    })
    expect(text(out)).toBe(
      "I couldn't find a view called 'Revnue by Region' in Sales Forecast. Did you mean Revenue by Region?",
    )
    const choice = out.find((m) => m.type === 'choices')
    expect(choice?.type === 'choices' && decodeChoice(choice.options[0]?.value ?? '')).toEqual({
      intent: 'show_view',
      parameters: { view: 'Revenue by Region' },
    })
  })

  it('puts failed import rows in words', () => {
    const csv =
      '"_Status_","Product","Region","_Line_","_Error_1_"\n"E","Widgetz","EMEA","12","Item not found in Products: Widgetz"\n'
    const e = new TaskFailedError('failed', {
      task: { successful: false, failureDumpAvailable: true },
      taskId: 't',
      dumps: [{ objectId: 'i', csv }],
    })
    expect(text(errorReply(e, { doing: 'Load Actuals' }))).toBe(
      "Load Actuals failed. row 12: 'Widgetz' is not a Product.",
    )
    expect(dumpInWords(csv)).toEqual(["row 12: 'Widgetz' is not a Product"])
  })

  it('explains rate limits, unreachable Anaplan and our own errors, without internals', () => {
    const rl = new RateLimitError(429, new Headers(), {}, req)
    rl.retryAfterMs = 4000
    expect(text(errorReply(rl))).toContain('about 4 s')
    const down = new ConnectionError('connect ECONNREFUSED 10.0.0.1:443', req, 'connect')
    expect(text(errorReply(down))).toBe("I can't reach Anaplan right now. Please try again in a minute.")
    expect(text(errorReply(down))).not.toContain('10.0.0.1')
    expect(text(errorReply(new Error('secret stack')))).not.toContain('secret')
    expect(text(errorReply(new BotError('not_connected', 'Connect first.')))).toBe('Connect first.')
  })
})

describe('one error vocabulary', () => {
  it("maps the client's errors onto the client's code names, and every code has words", () => {
    const api = (status: number) => [status, new Headers(), {}, req] as const
    expect(errorCode(new RateLimitError(...api(429)))).toBe('rate_limited')
    expect(errorCode(new ConflictError(...api(409)))).toBe('conflict')
    expect(errorCode(new ConnectionError('reset', req, 'response'))).toBe('unavailable')
    expect(errorCode(new NameResolutionError('view', 'x', 'ambiguous', ['a', 'b']))).toBe('ambiguous')
    expect(errorCode(new Error('boom'))).toBe('internal')
    // A code the client sets itself is taken as is, when it is one of the shared names.
    const coded = Object.assign(new ConnectionError('slow', req, 'response'), { code: 'timeout' })
    expect(errorCode(coded)).toBe('timeout')
    const foreign = Object.assign(new ConnectionError('x', req, 'response'), { code: 'ECONNRESET' })
    expect(errorCode(foreign)).toBe('unavailable')
    for (const code of ['not_permitted', 'not_connected', 'timeout', 'aborted', 'locked'] as const) {
      const words = text(errorReply(new BotError(code, '')))
      expect(words.length).toBeGreaterThan(5)
      expect(words).not.toMatch(/undefined|Error/)
    }
  })
})
