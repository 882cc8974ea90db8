/**
 * Execute-and-compare scoring of one reply against its expected answer.
 * - right: every required figure is stated (within the reply's displayed precision), the
 *   required names are stated (in order for a ranking); for an unknown name, the name is named back
 *   and no figure stated; off-topic, the fallback with no figure; ambiguous, a question back with
 *   choices and no figure.
 * - confidently wrong: not right, and the reply states a figure that is none of the expected
 *   ones (required or allowed); for unknown, off-topic and ambiguous turns, any figure.
 * - wrong: neither (a refusal, a question back, an incomplete answer made of true figures).
 * Figures compare by size: a difference shown as "-1,200" or "down 1,200" is 1,200.
 */
import type { ExpectedAnswer, Figure } from './expected.ts'
import { type Reply, replyFigures, type Shown } from './figures.ts'

export type Verdict = 'right' | 'wrong' | 'confidently-wrong'

export interface TurnScore {
  verdict: Verdict
  /** Why, in a few words, when it is not right. */
  reason?: string
  /** Stated figures that are none of the expected ones. */
  unexpected: string[]
}

/** Whether a shown number is this figure, at the precision it is shown with. */
export function shows(shown: Shown, figure: Figure): boolean {
  if (shown.percent !== (figure.percent ?? false)) return false
  const want = Math.abs(figure.percent ? figure.value * 100 : figure.value)
  return Math.abs(Math.abs(shown.value) - want) <= shown.tolerance + 1e-9 * Math.max(1, want)
}

function mentions(text: string, name: string): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const m = new RegExp(`(?<![\\w])${escaped}(?![\\w])`, 'i').exec(text)
  return m ? m.index : -1
}

export function scoreTurn(reply: Reply, expected: ExpectedAnswer): TurnScore {
  const { figures, text } = replyFigures(reply)
  const stated = figures.map((f) => f.text)
  const noFigureRule = (ok: boolean, reason: string): TurnScore =>
    figures.length > 0
      ? { verdict: 'confidently-wrong', reason: 'states a figure', unexpected: stated }
      : ok
        ? { verdict: 'right', unexpected: [] }
        : { verdict: 'wrong', reason, unexpected: [] }
  switch (expected.kind) {
    case 'unknown':
      return noFigureRule(mentions(text, expected.name) >= 0, `does not name "${expected.name}" back`)
    case 'fallback':
      return noFigureRule(
        reply.intent?.name === 'fallback',
        `intent ${reply.intent?.name ?? '?'}, not fallback`,
      )
    case 'askBack': {
      const choices = reply.messages.find((m) => m.type === 'choices')?.options?.length ?? 0
      const asks = choices >= 2 || text.includes('?')
      const named = expected.choices.filter((c) => mentions(text, c) >= 0).length
      const offers = expected.choices.length === 0 ? choices >= 2 : named >= 2
      return noFigureRule(asks && offers, 'does not ask back with the choices')
    }
    case 'figures': {
      const known = [...expected.required, ...expected.allowed]
      const unexpected = figures.filter((s) => !known.some((f) => shows(s, f))).map((s) => s.text)
      const missing = expected.required.filter((f) => !figures.some((s) => shows(s, f)))
      const positions = expected.names.map((n) => mentions(text, n))
      const namesOk = positions.every((p) => p >= 0)
      const orderOk = !expected.ordered || positions.every((p, i) => i === 0 || p > (positions[i - 1] ?? -1))
      if (missing.length === 0 && namesOk && orderOk) return { verdict: 'right', unexpected }
      const reason =
        missing.length > 0
          ? `missing ${missing.map((f) => f.label).join('; ')}`
          : !namesOk
            ? `does not name ${expected.names.filter((_, i) => (positions[i] ?? -1) < 0).join(', ')}`
            : 'names out of order'
      return { verdict: unexpected.length > 0 ? 'confidently-wrong' : 'wrong', reason, unexpected }
    }
  }
}
