/**
 * A small arithmetic formula language for line items: numbers, line item references, `+ - * /`,
 * unary minus and parentheses. Enough for the demo (`Units * Price`, `Salaries + Travel`) and for
 * users' own models; Anaplan's functions (IF, LOOKUP, …) are deliberately out of scope.
 */

/** A reference to another line item: `Units`, `'Target Margin %'` or `'SYS01 Settings'.'Target Margin %'`. */
export interface FormulaRef {
  module?: string
  lineItem: string
}

export type FormulaNode =
  | { kind: 'num'; value: number }
  | { kind: 'ref'; ref: FormulaRef }
  | { kind: 'neg'; arg: FormulaNode }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: FormulaNode; right: FormulaNode }

export class FormulaError extends Error {
  override name = 'FormulaError'
}

type Token =
  | { t: 'num'; value: number }
  | { t: 'name'; value: string; quoted: boolean }
  | { t: 'op'; value: '+' | '-' | '*' | '/' | '(' | ')' | '.' }

/**
 * Parses a formula. Unquoted names are matched greedily against `knownNames` (names of the line
 * items the formula can see), because Anaplan names contain spaces (`Total Expenses`).
 */
export function parseFormula(text: string, knownNames: string[]): FormulaNode {
  const tokens = tokenize(text, knownNames)
  let pos = 0
  const peek = (): Token | undefined => tokens[pos]
  const isOp = (tok: Token | undefined, op: string): boolean => tok?.t === 'op' && tok.value === op

  const primary = (): FormulaNode => {
    const tok = tokens[pos++]
    if (!tok) throw new FormulaError(`Unexpected end of formula: ${text}`)
    if (tok.t === 'num') return { kind: 'num', value: tok.value }
    if (tok.t === 'name') {
      if (isOp(peek(), '.')) {
        pos++
        const next = tokens[pos++]
        if (next?.t !== 'name') throw new FormulaError(`Expected a line item name after '.' in: ${text}`)
        return { kind: 'ref', ref: { module: tok.value, lineItem: next.value } }
      }
      return { kind: 'ref', ref: { lineItem: tok.value } }
    }
    if (tok.value === '(') {
      const inner = expr()
      if (!isOp(tokens[pos++], ')')) throw new FormulaError(`Missing ')' in: ${text}`)
      return inner
    }
    if (tok.value === '-') return { kind: 'neg', arg: primary() }
    if (tok.value === '+') return primary()
    throw new FormulaError(`Unexpected '${tok.value}' in: ${text}`)
  }
  const term = (): FormulaNode => {
    let left = primary()
    for (let tok = peek(); tok?.t === 'op' && (tok.value === '*' || tok.value === '/'); tok = peek()) {
      pos++
      left = { kind: 'bin', op: tok.value, left, right: primary() }
    }
    return left
  }
  const expr = (): FormulaNode => {
    let left = term()
    for (let tok = peek(); tok?.t === 'op' && (tok.value === '+' || tok.value === '-'); tok = peek()) {
      pos++
      left = { kind: 'bin', op: tok.value, left, right: term() }
    }
    return left
  }

  const tree = expr()
  const rest = peek()
  if (rest) {
    const shown = rest.t === 'num' ? String(rest.value) : rest.value
    throw new FormulaError(`Unexpected '${shown}' in: ${text}`)
  }
  return tree
}

function tokenize(text: string, knownNames: string[]): Token[] {
  // Longest names first so `Total Expenses` wins over a hypothetical `Total`.
  const names = [...knownNames].sort((a, b) => b.length - a.length)
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (/\s/.test(ch)) {
      i++
      continue
    }
    if ('+-*/().'.includes(ch) && !(ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      tokens.push({ t: 'op', value: ch as '+' })
      i++
      continue
    }
    const num = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i))
    if (num) {
      tokens.push({ t: 'num', value: Number(num[0]) })
      i += num[0].length
      continue
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1)
      if (end < 0) throw new FormulaError(`Unclosed quote in: ${text}`)
      tokens.push({ t: 'name', value: text.slice(i + 1, end), quoted: true })
      i = end + 1
      continue
    }
    const rest = text.slice(i).toLowerCase()
    const known = names.find((n) => rest.startsWith(n.toLowerCase()) && !/[\w%]/.test(rest[n.length] ?? ''))
    if (known) {
      tokens.push({ t: 'name', value: text.slice(i, i + known.length), quoted: false })
      i += known.length
      continue
    }
    // An unknown bare word: take it up to the next operator so the error names it.
    const word = /^[^+\-*/().'"]+/.exec(text.slice(i))![0].trim()
    tokens.push({ t: 'name', value: word, quoted: false })
    i += /^[^+\-*/().'"]+/.exec(text.slice(i))![0].length
  }
  return tokens
}

/** Every line item reference in a formula, in order of appearance. */
export function formulaRefs(node: FormulaNode): FormulaRef[] {
  switch (node.kind) {
    case 'num':
      return []
    case 'ref':
      return [node.ref]
    case 'neg':
      return formulaRefs(node.arg)
    case 'bin':
      return [...formulaRefs(node.left), ...formulaRefs(node.right)]
  }
}

/** Evaluates a formula; division by zero gives 0, as Anaplan does. */
export function evaluateFormula(node: FormulaNode, resolve: (ref: FormulaRef) => number): number {
  switch (node.kind) {
    case 'num':
      return node.value
    case 'ref':
      return resolve(node.ref)
    case 'neg':
      return -evaluateFormula(node.arg, resolve)
    case 'bin': {
      const a = evaluateFormula(node.left, resolve)
      const b = evaluateFormula(node.right, resolve)
      if (node.op === '+') return a + b
      if (node.op === '-') return a - b
      if (node.op === '*') return a * b
      return b === 0 ? 0 : a / b
    }
  }
}
