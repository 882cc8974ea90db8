import { describe, expect, it } from 'vitest'
import { formatNumber } from './calc.ts'
import { evaluateFormula, FormulaError, parseFormula } from './formula.ts'
import { loadTenant } from './loader.ts'
import { cell, demo, idOf } from './test-helpers.ts'

describe('formulas', () => {
  const names = ['Units', 'Price', 'Total Expenses', 'Target Margin %']
  const run = (text: string, values: Record<string, number>) =>
    evaluateFormula(parseFormula(text, names), (ref) => values[ref.lineItem] ?? Number.NaN)

  it('computes with precedence, parentheses, unary minus and names with spaces', () => {
    expect(run('Units * Price', { Units: 3, Price: 4 })).toBe(12)
    expect(run('Units + Price * 2', { Units: 1, Price: 4 })).toBe(9)
    expect(run('(Units + Price) * 2', { Units: 1, Price: 4 })).toBe(10)
    expect(run('-Units + Total Expenses / 4', { Units: 1, 'Total Expenses': 8 })).toBe(1)
    expect(run("'Target Margin %' * 100", { 'Target Margin %': 0.35 })).toBeCloseTo(35)
    expect(run('Units / 0', { Units: 5 })).toBe(0)
  })

  it('parses module-qualified references', () => {
    const tree = parseFormula("'SYS01 Settings'.'Target Margin %' * Units", names)
    expect(tree).toMatchObject({
      kind: 'bin',
      left: { kind: 'ref', ref: { module: 'SYS01 Settings', lineItem: 'Target Margin %' } },
    })
  })

  it('rejects malformed formulas', () => {
    expect(() => parseFormula('Units *', names)).toThrow(FormulaError)
    expect(() => parseFormula('(Units', names)).toThrow(/Missing '\)'/)
    expect(() => parseFormula('Units Price', names)).toThrow(/Unexpected/)
  })
})

describe('formatNumber', () => {
  it('prints plain decimals without float noise or exponents', () => {
    expect(formatNumber(1250)).toBe('1250')
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(-0)).toBe('0')
    expect(formatNumber(1e21)).toBe('1000000000000000000000')
    expect(formatNumber(1e-7)).toBe('0.0000001')
    expect(formatNumber(12345.678)).toBe('12345.678')
  })
})

describe('calculation engine', () => {
  function setup() {
    const { sales } = demo()
    const rev = idOf(sales.modules(), 'REV01 Revenue')
    const byRegion = idOf(sales.views(), 'Revenue by Region')
    const products = idOf(sales.lists(), 'Products')
    const versions = '20000000020'
    const pages = {
      [products]: idOf(sales.dimensionItems(products), 'Widgets'),
      [versions]: idOf(sales.dimensionItems(versions), 'Forecast'),
    }
    const read = () => sales.readView(byRegion, pages)
    const units = (region: string, month: string) => ({
      lineItemName: 'Units',
      dimensions: [
        { dimensionName: 'Regions', itemName: region },
        { dimensionName: 'Products', itemName: 'Widgets' },
        { dimensionName: 'Time', itemName: month },
        { dimensionName: 'Versions', itemName: 'Forecast' },
      ],
    })
    return { sales, rev, read, units }
  }

  it('Revenue = Units × Price at leaf cells', () => {
    const { sales, rev, read, units } = setup()
    expect(sales.writeCells(rev, [{ ...units('EMEA', 'Jan 26'), value: 100 }]).numberOfCellsChanged).toBe(1)
    // Widgets' price is 25 in the demo model.
    expect(cell(read(), 'EMEA', 'Jan 26')).toBe('2500')
  })

  it('a write to Units changes Revenue in the month, Q1, FY26 and Total Regions on the next read', () => {
    const { sales, rev, read, units } = setup()
    const before = read()
    const num = (g: ReturnType<typeof read>, r: string, c: string) => Number(cell(g, r, c))
    const oldJan = num(before, 'EMEA', 'Jan 26')
    sales.writeCells(rev, [{ ...units('EMEA', 'Jan 26'), value: oldJan / 25 + 10 }])
    const after = read()
    expect(num(after, 'EMEA', 'Jan 26') - oldJan).toBe(250)
    expect(num(after, 'EMEA', 'Q1 FY26') - num(before, 'EMEA', 'Q1 FY26')).toBe(250)
    expect(num(after, 'EMEA', 'FY26') - num(before, 'EMEA', 'FY26')).toBe(250)
    expect(num(after, 'Total Regions', 'Jan 26') - num(before, 'Total Regions', 'Jan 26')).toBe(250)
    expect(num(after, 'Total Regions', 'FY26') - num(before, 'Total Regions', 'FY26')).toBe(250)
    expect(num(after, 'APAC', 'Jan 26')).toBe(num(before, 'APAC', 'Jan 26'))
  })

  it('quarters and years sum their months; list parents sum their children', () => {
    const { read } = setup()
    const g = read()
    const n = (r: string, c: string) => Number(cell(g, r, c))
    for (const r of ['North America', 'EMEA', 'APAC', 'LATAM', 'Total Regions']) {
      expect(n(r, 'Q1 FY26')).toBe(n(r, 'Jan 26') + n(r, 'Feb 26') + n(r, 'Mar 26'))
      expect(n(r, 'FY26')).toBe(n(r, 'Q1 FY26') + n(r, 'Q2 FY26') + n(r, 'Q3 FY26') + n(r, 'Q4 FY26'))
    }
    for (const c of ['Jan 26', 'Q2 FY26', 'FY26']) {
      expect(n('Total Regions', c)).toBe(n('North America', c) + n('EMEA', c) + n('APAC', c) + n('LATAM', c))
    }
  })

  it('averages Price over the leaves instead of summing it', () => {
    const { sales, rev } = setup()
    const grid = sales.readView(rev, { '20000000020': idOf(sales.dimensionItems('20000000020'), 'Actual') })
    // Rows are Regions × Products × Line Items; every Widgets price is 25.
    expect(cell(grid, 'Total Regions|Widgets|Price', 'FY26')).toBe('25')
    // All Products: the average of 25, 40, 60 and 15.
    expect(cell(grid, 'EMEA|All Products|Price', 'Jan 26')).toBe('35')
    expect(Number(cell(grid, 'EMEA|All Products|Revenue', 'Jan 26'))).toBe(
      ['Widgets', 'Gadgets', 'Gizmos', 'Sprockets'].reduce(
        (s, p) => s + Number(cell(grid, `EMEA|${p}|Revenue`, 'Jan 26')),
        0,
      ),
    )
  })

  it('takes the last month for a LAST time summary (Headcount)', () => {
    const { sales } = demo()
    const summary = idOf(sales.views(), 'Expenses Summary')
    const g = sales.readView(summary, {})
    expect(cell(g, 'Headcount', 'Q1 FY26')).toBe(cell(g, 'Headcount', 'Mar 26'))
    expect(cell(g, 'Headcount', 'FY26')).toBe(cell(g, 'Headcount', 'Dec 26'))
    expect(Number(cell(g, 'Total Expenses', 'Feb 26'))).toBe(
      Number(cell(g, 'Salaries', 'Feb 26')) + Number(cell(g, 'Travel', 'Feb 26')),
    )
  })

  it('evaluates cross-module references to a dimensionless module', () => {
    const text = `users: [{ email: a@example.com, password: pw, workspaceAdmin: [W] }]
workspaces: [W]
models:
  - name: M
    workspace: W
    lists: [{ name: R, items: [A, B] }]
    modules:
      - name: SET
        lineItems: [{ name: Rate }]
        data: [{ lineItem: Rate, value: 0.5 }]
      - name: CALC
        dimensions: [R]
        lineItems:
          - { name: Base }
          - { name: Scaled, formula: "Base * SET.Rate" }
        data: [{ lineItem: Base, at: { R: A }, value: 10 }]
`
    const m = loadTenant({ text }).models[0]!
    const g = m.readView(idOf(m.modules(), 'CALC'), {})
    expect(cell(g, 'A', 'Scaled')).toBe('5')
    expect(cell(g, 'B', 'Scaled')).toBe('0')
  })
})
