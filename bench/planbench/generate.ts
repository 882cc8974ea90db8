/**
 * `npx tsx bench/planbench/generate.ts`: writes PlanBench's conversations
 * (`conversations/*.yaml`) from hand-written phrasings per category, drawn with a fixed seed so
 * the files are reproducible. The phrasings were written from the product definition and the demo
 * models' names, not from the bot's training phrases or code. Edit the phrasings here and
 * regenerate rather than editing the YAML by hand.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import {
  type Category,
  CONVERSATIONS_DIR,
  type Conversation,
  type Coordinates,
  type Expect,
  type Turn,
} from './spec.ts'

/** mulberry32: small, seeded, the same sequence on every machine. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
  return { next, pick, chance: (p: number) => next() < p }
}
type Rng = ReturnType<typeof rng>

interface Term {
  name: string
  says: string[]
}
interface ListDef {
  /** The spec's key (a list name; for a hierarchy, the list the items belong to). */
  key: string
  top: string
  singular: string
  plural: string
  items: Term[]
  /** `by` for a breakdown of this list, and the level (a list name) when not the children. */
  by: string
  level?: string
}
interface MeasureDef extends Term {
  lists: string[]
  /** A change of it splits over its items (a sum over lists). */
  additive: boolean
}
interface ModelDef {
  model: string
  measures: MeasureDef[]
  lists: Record<string, ListDef>
  months: Term[]
  quarters: Term[]
  years: Term[]
  versions: Term[]
  current: string
  /** A model with several years always names the period. */
  needsPeriod: boolean
  unknown: { say: string; name: string }[]
  ambiguous: { say: string; choices: string[] }[]
}

const t = (name: string, ...says: string[]): Term => ({
  name,
  says: says.length ? says : [name.toLowerCase()],
})
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const LONG_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]
const ORDINAL = ['first', 'second', 'third', 'fourth']

function months(yy: string, short: boolean): Term[] {
  return MONTH_NAMES.map((m, i) => {
    const name = `${m[0]?.toUpperCase()}${m.slice(1)} ${yy}`
    return t(
      name,
      ...(short
        ? [m, LONG_MONTHS[i] as string, name, `${m} ${yy}`]
        : [name, `${m} ${yy}`, `${LONG_MONTHS[i]} 20${yy}`]),
    )
  })
}
function quarters(yy: string, short: boolean): Term[] {
  return [1, 2, 3, 4].map((q) => {
    const name = `Q${q} FY${yy}`
    return t(
      name,
      ...(short
        ? [`q${q}`, name, `Q${q}`, `the ${ORDINAL[q - 1]} quarter`]
        : [name, `q${q} fy${yy}`, `Q${q} FY${yy}`]),
    )
  })
}

const SF: ModelDef = {
  model: 'Sales Forecast',
  measures: [
    {
      ...t('Revenue', 'revenue', 'rev', 'revenue', 'revnue', 'revenues'),
      lists: ['Regions', 'Products'],
      additive: true,
    },
    {
      ...t('Units', 'units', 'units', 'unit volume', 'unts', 'units sold'),
      lists: ['Regions', 'Products'],
      additive: true,
    },
    { ...t('Price', 'price', 'avg price', 'the price'), lists: ['Regions', 'Products'], additive: false },
    { ...t('Travel', 'travel', 'travel spend', 'travel costs'), lists: ['Regions'], additive: true },
    { ...t('Salaries', 'salaries', 'salary costs', 'salries'), lists: ['Regions'], additive: true },
    { ...t('Headcount', 'headcount', 'head count', 'headcount'), lists: ['Regions'], additive: true },
    {
      ...t('Total Expenses', 'total expenses', 'expenses', 'total expense'),
      lists: ['Regions'],
      additive: true,
    },
  ],
  lists: {
    Regions: {
      key: 'Regions',
      top: 'Total Regions',
      singular: 'region',
      plural: 'regions',
      by: 'Regions',
      items: [
        t('North America', 'north america', 'NA', 'North America', 'n america'),
        t('EMEA', 'emea', 'EMEA'),
        t('APAC', 'apac', 'APAC', 'Apac'),
        t('LATAM', 'latam', 'LATAM', 'Latam'),
      ],
    },
    Products: {
      key: 'Products',
      top: 'All Products',
      singular: 'product',
      plural: 'products',
      by: 'Products',
      items: [
        t('Widgets', 'widgets', 'widget', 'WID', 'Widgets'),
        t('Gadgets', 'gadgets', 'GAD', 'Gadgets', 'gadget'),
        t('Gizmos', 'gizmos', 'gizmo', 'GIZ'),
        t('Sprockets', 'sprockets', 'sprokets', 'SPR'),
      ],
    },
  },
  months: months('26', true),
  quarters: quarters('26', true),
  years: [t('FY26', 'fy26', 'FY26', 'this year', 'the full year', 'the year')],
  versions: [
    t('Actual', 'actual', 'actuals', 'act'),
    t('Forecast', 'forecast', 'fcst', 'the forecast'),
    t('Budget', 'budget', 'bud', 'Budget'),
  ],
  current: 'Forecast',
  needsPeriod: false,
  unknown: [
    { say: 'units for widgets in narnia', name: 'Narnia' },
    { say: "what's revenue in atlantis for q2", name: 'Atlantis' },
    { say: 'revenue antarctica q3', name: 'Antarctica' },
    { say: 'how many doohickeys did we sell in emea', name: 'doohickeys' },
    { say: 'price of whatsits', name: 'whatsits' },
    { say: 'revenue for flanges in apac', name: 'flanges' },
    { say: "what's the ebitda for emea", name: 'ebitda' },
    { say: 'churn rate in latam for q1', name: 'churn' },
    { say: 'gross margin for widgets in q3', name: 'gross margin' },
    { say: 'inventory of gizmos in north america', name: 'inventory' },
    { say: 'revenue for emea in the stretch version', name: 'stretch' },
    { say: 'units in apac, best case scenario version', name: 'best case' },
    { say: 'marketing spend for apac', name: 'marketing spend' },
    { say: 'revenue for wakanda', name: 'Wakanda' },
    { say: 'what were sprockets units in mordor', name: 'Mordor' },
    { say: 'travel for the middle earth region', name: 'middle earth' },
  ],
  ambiguous: [
    {
      say: "what's the total?",
      choices: ['Revenue', 'Units', 'Price', 'Travel', 'Salaries', 'Headcount', 'Total Expenses'],
    },
    { say: 'how many in apac in q2', choices: ['Units', 'Headcount'] },
    {
      say: 'how much for emea',
      choices: ['Revenue', 'Units', 'Price', 'Travel', 'Salaries', 'Total Expenses'],
    },
    { say: 'show me the numbers for widgets', choices: ['Revenue', 'Units', 'Price'] },
    {
      say: "what's the figure for latam in march",
      choices: ['Revenue', 'Units', 'Price', 'Travel', 'Salaries', 'Headcount', 'Total Expenses'],
    },
    {
      say: 'how are we doing in north america',
      choices: ['Revenue', 'Units', 'Price', 'Travel', 'Salaries', 'Headcount', 'Total Expenses'],
    },
    { say: 'gizmos q3?', choices: ['Revenue', 'Units', 'Price'] },
    { say: 'how many did we have in emea', choices: ['Units', 'Headcount'] },
    { say: 'costs for apac', choices: ['Travel', 'Salaries', 'Total Expenses'] },
    {
      say: 'total for q4 please',
      choices: ['Revenue', 'Units', 'Price', 'Travel', 'Salaries', 'Headcount', 'Total Expenses'],
    },
  ],
}

const WP: ModelDef = {
  model: 'Workforce Plan',
  measures: [
    { ...t('Headcount', 'headcount', 'head count', 'people', 'hc'), lists: ['Departments'], additive: true },
    {
      ...t('Average Salary', 'average salary', 'avg salary', 'average salry'),
      lists: ['Departments'],
      additive: false,
    },
    {
      ...t('Salary Cost', 'salary cost', 'salary costs', 'salary cost'),
      lists: ['Departments'],
      additive: true,
    },
  ],
  lists: {
    Departments: {
      key: 'Departments',
      top: 'Total Company',
      singular: 'department',
      plural: 'departments',
      by: 'Departments',
      items: [
        t('Sales', 'sales', 'Sales', 'the sales team'),
        t('Marketing', 'marketing', 'mktg', 'Marketing', 'marketting'),
        t('Engineering', 'engineering', 'eng', 'Engineering', 'enginering'),
        t('Finance', 'finance', 'Finance', 'fin'),
      ],
    },
  },
  months: months('26', true),
  quarters: quarters('26', true),
  years: [t('FY26', 'fy26', 'FY26', 'this year', 'the year')],
  versions: [t('Actual', 'actual', 'actuals', 'act'), t('Budget', 'budget', 'bud', 'plan')],
  current: 'Budget',
  needsPeriod: false,
  unknown: [
    { say: 'headcount in the legal department', name: 'legal' },
    { say: 'salary cost for procurement in q2', name: 'procurement' },
    { say: 'avg salary for the hr team', name: 'hr' },
    { say: 'how many people in customer success', name: 'customer success' },
    { say: "what's attrition for engineering", name: 'attrition' },
    { say: 'bonus pool for sales in q4', name: 'bonus pool' },
    { say: 'headcount in the forecast version for finance', name: 'forecast' },
    { say: 'overtime hours for marketing', name: 'overtime' },
  ],
  ambiguous: [
    { say: 'salary for engineering', choices: ['Average Salary', 'Salary Cost'] },
    { say: "what's the salary in finance for q2", choices: ['Average Salary', 'Salary Cost'] },
    { say: 'how much for marketing', choices: ['Headcount', 'Average Salary', 'Salary Cost'] },
    { say: 'salaries for sales in march', choices: ['Average Salary', 'Salary Cost'] },
    { say: "what's the total for q3", choices: ['Headcount', 'Average Salary', 'Salary Cost'] },
  ],
}

const RD: ModelDef = {
  model: 'Retail Demand',
  measures: [
    {
      ...t('Net Sales', 'net sales', 'sales', 'net sales', 'nett sales', 'net sales value'),
      lists: ['Store', 'SKU'],
      additive: true,
    },
  ],
  lists: {
    Region: {
      key: 'Region',
      top: 'All Regions',
      singular: 'region',
      plural: 'regions',
      by: 'Store',
      level: 'Region',
      items: [
        t('North', 'the north', 'North', 'north region'),
        t('South', 'the south', 'South'),
        t('East', 'East', 'the east region'),
        t('West', 'West', 'the west'),
      ],
    },
    Country: {
      key: 'Country',
      top: 'All Regions',
      singular: 'country',
      plural: 'countries',
      by: 'Store',
      level: 'Country',
      items: [
        'Norway',
        'Sweden',
        'Denmark',
        'Spain',
        'Italy',
        'Portugal',
        'Poland',
        'Austria',
        'Czechia',
        'France',
        'Belgium',
        'Netherlands',
      ].map((c) => t(c, c.toLowerCase(), c)),
    },
    Store: {
      key: 'Store',
      top: 'All Regions',
      singular: 'store',
      plural: 'stores',
      by: 'Store',
      level: 'Store',
      items: [1, 7, 18, 33, 42, 58, 77, 96, 120, 151, 187, 203, 240, 266, 299].map((n) => {
        const code = `S${String(n).padStart(4, '0')}`
        return t(code, code, `store ${String(n).padStart(4, '0')}`, code.toLowerCase())
      }),
    },
    Category: {
      key: 'Category',
      top: 'All Categories',
      singular: 'category',
      plural: 'categories',
      by: 'SKU',
      level: 'Category',
      items: ['Footwear', 'Apparel', 'Equipment', 'Accessories', 'Nutrition', 'Electronics'].map((c) =>
        t(c, c.toLowerCase(), c),
      ),
    },
    Subcategory: {
      key: 'Subcategory',
      top: 'All Categories',
      singular: 'subcategory',
      plural: 'subcategories',
      by: 'SKU',
      level: 'Subcategory',
      items: [
        'Running Shoes',
        'Hiking Boots',
        'Jackets',
        'Tents',
        'Backpacks',
        'Bikes',
        'Energy Bars',
        'Watches',
        'Headphones',
        'Socks',
      ].map((c) => t(c, c.toLowerCase(), c)),
    },
    SKU: {
      key: 'SKU',
      top: 'All Categories',
      singular: 'sku',
      plural: 'skus',
      by: 'SKU',
      level: 'SKU',
      items: [1, 42, 150, 777, 1203, 1999, 2500, 2950].map((n) => {
        const code = `SKU${String(n).padStart(5, '0')}`
        return t(code, code, code.toLowerCase())
      }),
    },
  },
  months: [...months('25', false), ...months('26', false)],
  quarters: [...quarters('25', false), ...quarters('26', false)],
  years: [t('FY25', 'fy25', 'FY25', 'fy 25'), t('FY26', 'fy26', 'FY26')],
  versions: [
    t('Actual', 'actual', 'actuals', 'act'),
    t('Forecast', 'forecast', 'fcst'),
    t('Budget', 'budget', 'bud'),
  ],
  current: 'Forecast',
  needsPeriod: true,
  unknown: [
    { say: 'net sales for store S9999 in FY26', name: 'S9999' },
    { say: 'sales of SKU99999 in q1 fy26', name: 'SKU99999' },
    { say: 'net sales in iceland for FY25', name: 'iceland' },
    { say: 'net sales of snowboards in FY26', name: 'snowboards' },
    { say: 'sales for the narnia store in q2 fy26', name: 'narnia' },
    { say: 'footfall for norway in FY26', name: 'footfall' },
    { say: 'net sales in the central region for FY25', name: 'central' },
    { say: 'returns for footwear in FY26', name: 'returns' },
    { say: 'net sales in greece for Q3 FY26', name: 'greece' },
    { say: 'shrinkage in spain for FY25', name: 'shrinkage' },
  ],
  ambiguous: [
    { say: 'margin for S0042 in FY26', choices: ['Gross Margin', 'Margin %'] },
    { say: "what's the margin in the north for q1 fy26", choices: ['Gross Margin', 'Margin %'] },
    { say: 'margin of footwear in FY25', choices: ['Gross Margin', 'Margin %'] },
    {
      say: 'how did we do in spain in FY26',
      choices: ['Units', 'Net Sales', 'Gross Margin', 'Margin %', 'Price'],
    },
    { say: 'margins by category for FY26', choices: ['Gross Margin', 'Margin %'] },
    {
      say: 'what were the numbers for SKU00042 in FY25',
      choices: ['Units', 'Net Sales', 'Gross Margin', 'Margin %', 'Price'],
    },
  ],
}

const OFF_TOPIC = [
  'whats the weather in london tomorrow',
  'will it rain this weekend',
  'give me a recipe for banana bread',
  'how do i make a good risotto',
  'who won the world cup in 2014',
  'tell me a joke',
  'what is the capital of australia',
  'how far is the moon',
  'who wrote pride and prejudice',
  'can you book a table for two at 8',
  "what's the best pizza place near me",
  'translate thank you into german',
  'what time is it in new york',
  'how many calories in an avocado',
  'recommend a podcast',
  'who is the prime minister of canada',
  'how do i fix a flat bike tire',
  "what's 15% of 80",
  'play some jazz',
  'when is the next solar eclipse',
  'write a haiku about mondays',
  'how old is the universe',
  'whats the exchange rate for yen',
  'what should i cook for dinner',
  'best hiking trails in colorado',
  'explain quantum computing simply',
  'who won the game last night',
  'how do you boil an egg',
  'whats a good gift for my dad',
  'is it going to snow in oslo',
]

interface State {
  expect: Extract<Expect, { lineItem: string }>
}

class Writer {
  readonly conversations: Conversation[] = []
  #n = 0
  constructor(
    readonly m: ModelDef,
    readonly r: Rng,
    readonly prefix: string,
  ) {}
  add(turns: Turn[]) {
    this.#n++
    this.conversations.push({
      id: `${this.prefix}-${String(this.#n).padStart(3, '0')}`,
      model: this.m.model,
      turns,
    })
  }
  turnCount() {
    return this.conversations.reduce((n, c) => n + c.turns.length, 0)
  }
}

/** A slice drawn for a measure: list items (maybe none), a period (maybe none), a version (maybe none). */
interface Slice {
  measure: MeasureDef
  items: { list: ListDef; item: Term }[]
  period?: Term
  version?: Term
}

function measureFor(w: Writer, additive?: boolean): MeasureDef {
  const ms = w.m.measures.filter((m) => additive === undefined || m.additive === additive)
  return w.r.pick(ms)
}

function listsOf(w: Writer, m: MeasureDef): ListDef[] {
  return Object.values(w.m.lists).filter((l) => m.lists.includes(l.by))
}

function drawSlice(
  w: Writer,
  m: MeasureDef,
  opts: { items?: number; period?: 'month' | 'quarter' | 'year' | 'any'; version?: boolean } = {},
): Slice {
  const { r } = w
  const lists = listsOf(w, m)
  const byDim = new Map<string, ListDef[]>()
  for (const l of lists) byDim.set(l.by, [...(byDim.get(l.by) ?? []), l])
  const dims = [...byDim.values()]
  const want = opts.items ?? (r.chance(0.5) ? dims.length : r.chance(0.5) ? 1 : 0)
  const chosen = [...dims].sort(() => r.next() - 0.5).slice(0, Math.min(want, dims.length))
  const items = chosen.map((ls) => {
    const list = r.pick(ls)
    return { list, item: r.pick(list.items) }
  })
  const level =
    opts.period ??
    (w.m.needsPeriod
      ? r.pick(['month', 'quarter', 'year'] as const)
      : r.pick(['month', 'quarter', 'year', 'any'] as const))
  const period =
    level === 'month'
      ? r.pick(w.m.months)
      : level === 'quarter'
        ? r.pick(w.m.quarters)
        : level === 'year'
          ? r.pick(w.m.years)
          : w.m.needsPeriod
            ? r.pick(w.m.years)
            : undefined
  const version =
    opts.version === false ? undefined : opts.version || r.chance(0.35) ? r.pick(w.m.versions) : undefined
  return { measure: m, items, ...(period ? { period } : {}), ...(version ? { version } : {}) }
}

function at(s: Slice): Coordinates {
  const c: Coordinates = {}
  for (const { list, item } of s.items) c[list.key] = item.name
  if (s.period) c.Time = s.period.name
  if (s.version) c.Versions = s.version.name
  return c
}

function say(r: Rng, term: Term): string {
  return r.pick(term.says)
}

/** Things before places: "gadgets in emea", "SKU00042 in S0007". */
const THINGS = new Set(['Products', 'Category', 'Subcategory', 'SKU'])

function wherePhrase(r: Rng, s: Slice): string {
  const ordered = [...s.items].sort((a, b) => Number(THINGS.has(b.list.key)) - Number(THINGS.has(a.list.key)))
  const parts = ordered.map(({ item }) => say(r, item))
  if (parts.length === 2)
    return r.pick([`${parts[0]} in ${parts[1]}`, `${parts[1]} ${parts[0]}`, `${parts[0]}, ${parts[1]}`])
  return parts[0] ?? ''
}

function whenPhrase(r: Rng, s: Slice): string {
  if (!s.period) return ''
  const p = say(r, s.period)
  return p.startsWith('the ') || p.startsWith('this ')
    ? r.pick([`for ${p}`, p])
    : r.pick([`in ${p}`, `for ${p}`, p])
}

function versionPhrase(r: Rng, s: Slice, leading = false): string {
  if (!s.version) return ''
  const v = say(r, s.version)
  return leading ? v : r.pick([v, `(${v})`, `in ${v}`, `${v} version`])
}

const words = (...xs: string[]) =>
  xs
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+([?,)])/g, '$1')
    .trim()

function lookupSay(r: Rng, s: Slice): string {
  const m = say(r, s.measure)
  const where = wherePhrase(r, s)
  const when = whenPhrase(r, s)
  const forWhere = where ? r.pick([`for ${where}`, `in ${where}`, `of ${where}`]) : ''
  const forms = [
    () => `${words(`what's ${m}`, forWhere, when, versionPhrase(r, s))}?`,
    () => words(m, where, when, versionPhrase(r, s)),
    () => words(versionPhrase(r, s, true), m, forWhere, when),
    () => words(`how much ${m}`, forWhere, when, versionPhrase(r, s)),
    () => words(`can you tell me ${m}`, forWhere, when, versionPhrase(r, s)),
    () => `${words(`${where}`, m, when, versionPhrase(r, s))}?`,
    () => words(`quick q - ${m}`, forWhere, when, versionPhrase(r, s)),
    () => words(`what was ${m}`, forWhere, when, versionPhrase(r, s)),
    () => words(`pls give me ${m}`, forWhere, when, versionPhrase(r, s)),
  ]
  return r.pick(forms)()
}

function aggregateSay(r: Rng, s: Slice): string {
  const m = say(r, s.measure)
  const where = wherePhrase(r, s)
  const when = whenPhrase(r, s)
  const v = versionPhrase(r, s)
  const forWhere = where ? `for ${where}` : ''
  const forms = [
    () => words(`total ${m}`, forWhere, when, v),
    () => `${words(`what's the total ${m}`, forWhere, when, v)}?`,
    () => words(`overall ${m}`, forWhere, when, v),
    () =>
      words(`${m} across all`, where ? `${pluralOtherThan(s)} for ${where}` : pluralOtherThan(s), when, v),
    () => words(`sum of ${m}`, forWhere, when, v),
    () => words(`grand total ${m}`, forWhere, when, v),
    () => words(`how much ${m} in total`, forWhere, when, v),
  ]
  return r.pick(forms)()
}

/** The plural of a list the slice leaves at its total ("regions"), for "across all …". */
function pluralOtherThan(s: Slice): string {
  return s.items.length === 0 ? 'regions' : 'of them'
}

function compareSay(r: Rng, s: Slice, axis: 'Versions' | 'Time' | 'item', a: string, b: string): string {
  const m = say(r, s.measure)
  const where = wherePhrase(r, s)
  const when = whenPhrase(r, s)
  const v = versionPhrase(r, s)
  if (axis === 'Versions')
    return r.pick([
      () => words(where, m, `${when},`, `${a} against ${b}`),
      () => words(`${a} vs ${b}`, m, where ? `for ${where}` : '', when),
      () => words(`compare ${a} and ${b} ${m}`, where ? `for ${where}` : '', when),
      () => `${words(`how does ${a} compare to ${b} on ${m}`, where ? `in ${where}` : '', when)}?`,
      () => words(m, where ? `for ${where}` : '', when, `${a} v ${b}`),
    ])()
  if (axis === 'Time')
    return r.pick([
      () => words(m, where ? `for ${where}` : '', `${a} vs ${b}`, v),
      () => words(`compare ${m}`, where ? `for ${where}` : '', `between ${a} and ${b}`, v),
      () => `${words(`how did ${b} compare with ${a} for ${m}`, where ? `in ${where}` : '', v)}?`,
      () => words(`${a} versus ${b}`, m, where ? `in ${where}` : '', v),
    ])()
  return r.pick([
    () => words(`${a} vs ${b}`, m, where ? `in ${where}` : '', when, v),
    () => words(`compare ${m} for ${a} and ${b}`, where ? `in ${where}` : '', when, v),
    () => `${words(`how does ${a} compare to ${b} on ${m}`, where ? `in ${where}` : '', when, v)}?`,
    () => words(m, `${a} versus ${b}`, where ? `in ${where}` : '', when, v),
  ])()
}

function breakdownSay(r: Rng, s: Slice, list: ListDef | 'quarter' | 'month'): string {
  const m = say(r, s.measure)
  const where = wherePhrase(r, s)
  const when = whenPhrase(r, s)
  const v = versionPhrase(r, s)
  const by = typeof list === 'string' ? list : list.singular
  const plural = typeof list === 'string' ? `${list}s` : list.plural
  return r.pick([
    () => words(`break down ${m} by ${by}`, where ? `for ${where}` : '', when, v),
    () => words(m, `by ${by}`, where ? `for ${where}` : '', when, v),
    () => words(`split ${m} by ${by}`, where ? `in ${where}` : '', when, v),
    () => words(`show ${m} per ${by}`, where ? `for ${where}` : '', when, v),
    () => words(`${m} for each ${by}`, where ? `in ${where}` : '', when, v),
    () => words(`give me a breakdown of ${m} across ${plural}`, where ? `for ${where}` : '', when, v),
  ])()
}

function rankingSay(
  r: Rng,
  s: Slice,
  list: ListDef | 'month' | 'quarter',
  order: 'desc' | 'asc',
  limit: number,
  all: boolean,
): string {
  const m = say(r, s.measure)
  const where = wherePhrase(r, s)
  const when = whenPhrase(r, s)
  const v = versionPhrase(r, s)
  const one = typeof list === 'string' ? list : list.singular
  const many = typeof list === 'string' ? `${list}s` : list.plural
  const inWhere = where ? `in ${where}` : ''
  const high = order === 'desc'
  // "rank the stores by units" means highest first: an ascending ranking says so.
  const upward = high ? '' : ', lowest first'
  if (all)
    return r.pick([
      () => words(`rank the ${many} by ${m}${upward}`, inWhere, when, v),
      () => words(`order the ${many} by ${m}${upward}`, inWhere, when, v),
      () => words(`sort ${many} by ${m}${high ? '' : ' ascending'}`, inWhere, when, v),
    ])()
  if (limit === 1)
    return r.pick([
      () => `${words(`which ${one} had the ${high ? 'highest' : 'lowest'} ${m}`, inWhere, when, v)}?`,
      () => words(`${high ? 'top' : 'worst'} ${one} by ${m}`, inWhere, when, v),
      () => words(`what was our ${high ? 'best' : 'weakest'} ${one} for ${m}`, inWhere, when, v),
      () => words(`${high ? 'biggest' : 'smallest'} ${one} for ${m}`, inWhere, when, v),
      () => `${words(`which ${one} ${high ? 'did best' : 'did worst'} on ${m}`, inWhere, when, v)}?`,
    ])()
  return r
    .pick([
      () => words(`top ${limit} ${many} by ${m}`, inWhere, when, v),
      () => words(`bottom ${limit} ${many} by ${m}`, inWhere, when, v),
      () => words(`${high ? 'best' : 'worst'} ${limit} ${many} for ${m}`, inWhere, when, v),
    ])()
    .replace(/^(top|bottom)/, high ? 'top' : 'bottom')
}

function trendSay(r: Rng, s: Slice, level: 'month' | 'quarter'): string {
  const m = say(r, s.measure)
  const where = wherePhrase(r, s)
  const when = whenPhrase(r, s)
  const v = versionPhrase(r, s)
  const forWhere = where ? `for ${where}` : ''
  if (level === 'quarter')
    return r.pick([
      () => words(`quarterly ${m}`, forWhere, when, v),
      () => words(`${m} by quarter`, forWhere, when, v),
      () => words(`how did ${m} move across the quarters`, where ? `in ${where}` : '', when, v),
    ])()
  return r.pick([
    () => words(`how has ${m} trended`, forWhere, when, v),
    () => words(`monthly ${m}`, forWhere, when, v),
    () => words(`show me the ${m} trend`, forWhere, when, v),
    () => words(`${m} over time`, forWhere, when, v),
    () => words(`${m} month by month`, forWhere, when, v),
    () => `${words(`is ${m} going up or down`, forWhere, when, v)}?`,
    () => words(`chart ${m}`, forWhere, `by month`, when, v),
  ])()
}

function explainSay(r: Rng, s: Slice, a: string, b: string, versions: boolean): string {
  const m = say(r, s.measure)
  const where = wherePhrase(r, s)
  const v = versionPhrase(r, s)
  const inWhere = where ? `in ${where}` : ''
  if (versions)
    return r.pick([
      () => words(`why is ${m}`, inWhere, 'different from', b, 'in', a, s.period ? whenPhrase(r, s) : ''),
      () => words(`explain the gap between ${a} and ${b} for ${m}`, inWhere, whenPhrase(r, s)),
      () => `${words(`what's driving the ${a} vs ${b} variance in ${m}`, inWhere, whenPhrase(r, s))}?`,
    ])()
  return r.pick([
    () => `${words(`why did ${m} change from ${a} to ${b}`, inWhere, v)}?`,
    () => words(`what drove the change in ${m} between ${a} and ${b}`, inWhere, v),
    () => words(`explain the ${m} movement ${a} to ${b}`, inWhere, v),
    () => `${words(`whats behind the change in ${m}`, inWhere, `from ${a} to ${b}`, v)}?`,
    () => words(`why is ${m}`, inWhere, `different in ${b} than in ${a}`, v),
    () => words(`who contributed most to the ${m} change from ${a} to ${b}`, inWhere, v),
  ])()
}

/** Lists a slice leaves free (at their totals), as breakdown candidates. */
function freeLists(w: Writer, s: Slice): ListDef[] {
  const pinned = new Set(s.items.map((i) => i.list.by))
  return listsOf(w, s.measure).filter((l) => !pinned.has(l.by))
}

/** Lists below a pinned item in the same hierarchy (Country under a Region), as breakdown candidates. */
function deeperLists(w: Writer, s: Slice): ListDef[] {
  const out: ListDef[] = []
  const order = ['Region', 'Country', 'Store', 'Category', 'Subcategory', 'SKU']
  for (const { list } of s.items) {
    const i = order.indexOf(list.key)
    if (i < 0) continue
    const next = w.m.lists[order[i + 1] ?? '']
    // Stores of a country (25) and subcategories of a category; never the 100 SKUs of a subcategory.
    if (next && next.by === list.by && i !== 2 && next.key !== 'SKU') out.push(next)
  }
  return out
}

function breakdownTargets(w: Writer, s: Slice): ListDef[] {
  const free = freeLists(w, s)
  // In a hierarchy, a breakdown from the top goes one level down (regions, categories).
  const top = free.filter((l) => !l.level || ['Region', 'Category'].includes(l.level))
  return [...top, ...deeperLists(w, s)]
}

function lineExpect(s: Slice): { lineItem: string; at: Coordinates } {
  return { lineItem: s.measure.name, at: at(s) }
}

function sf(_w: Writer, expect: Expect, say: string, category: Category): Turn {
  return { say, category, expect }
}

/** One opening question of a category; returns the turn and the state a follow-up edits. */
function opening(w: Writer, category: Category): { turn: Turn; state?: State['expect']; slice?: Slice } {
  const { r, m } = w
  switch (category) {
    case 'lookup': {
      const s = drawSlice(w, measureFor(w), {
        items: r.chance(0.8) ? Object.keys(m.lists).length : 1,
        period: r.pick(['month', 'quarter', 'month', 'year'] as const),
      })
      if (s.items.length === 0 && s.measure.lists.length > 0)
        s.items.push({
          list: r.pick(listsOf(w, s.measure)),
          item: r.pick(r.pick(listsOf(w, s.measure)).items),
        })
      const expect: Expect = { shape: 'value', ...lineExpect(s) }
      return { turn: sf(w, expect, lookupSay(r, s), 'lookup'), state: expect, slice: s }
    }
    case 'aggregate': {
      const s = drawSlice(w, measureFor(w), {
        items: r.chance(0.5) ? 1 : 0,
        period: r.pick(['quarter', 'year', 'year'] as const),
      })
      if (!w.m.needsPeriod && r.chance(0.3)) delete s.period
      const expect: Expect = { shape: 'value', ...lineExpect(s) }
      return { turn: sf(w, expect, aggregateSay(r, s), 'aggregate'), state: expect, slice: s }
    }
    case 'breakdown': {
      for (;;) {
        const s = drawSlice(w, measureFor(w), { items: r.chance(0.5) ? 1 : 0 })
        if (r.chance(0.25)) {
          if (!s.period || s.period.name.startsWith('Q') || s.period.name.startsWith('FY')) {
            s.period ??= w.m.years[0] as Term
            const by = s.period.name.startsWith('Q') ? 'month' : 'quarter'
            const expect: Expect = { shape: 'breakdown', ...lineExpect(s), by: 'Time' }
            return { turn: sf(w, expect, breakdownSay(r, s, by), 'breakdown'), state: expect, slice: s }
          }
        }
        const targets = breakdownTargets(w, s)
        if (targets.length === 0) continue
        const list = r.pick(targets)
        if (r.chance(0.2) && s.measure.additive) {
          const item = r.pick(list.items)
          const expect: Expect = {
            shape: 'share',
            ...lineExpect(s),
            by: list.key === list.by ? list.by : list.key,
            item: item.name,
          }
          const mm = say(r, s.measure)
          const where = wherePhrase(r, s)
          const text = r.pick([
            () =>
              words(
                `what share of ${mm} comes from ${say(r, item)}`,
                where ? `in ${where}` : '',
                whenPhrase(r, s),
                versionPhrase(r, s),
              ),
            () =>
              words(
                `${say(r, item)}'s share of ${mm}`,
                where ? `in ${where}` : '',
                whenPhrase(r, s),
                versionPhrase(r, s),
              ),
            () =>
              `${words(
                `what % of ${mm} is ${say(r, item)}`,
                where ? `for ${where}` : '',
                whenPhrase(r, s),
                versionPhrase(r, s),
              )}?`,
          ])()
          fixShare(expect, list)
          return { turn: sf(w, expect, text, 'breakdown'), state: expect, slice: s }
        }
        const expect: Expect = {
          shape: 'breakdown',
          ...lineExpect(s),
          by: list.by,
          ...(list.level ? { level: list.level } : {}),
        }
        return { turn: sf(w, expect, breakdownSay(r, s, list), 'breakdown'), state: expect, slice: s }
      }
    }
    case 'ranking': {
      for (;;) {
        const s = drawSlice(w, measureFor(w), { items: r.chance(0.5) ? 1 : 0 })
        const order = r.chance(0.65) ? 'desc' : 'asc'
        if (r.chance(0.2)) {
          s.period = w.m.needsPeriod ? r.pick(w.m.years) : (w.m.years[0] as Term)
          const level = r.chance(0.6) ? 'month' : 'quarter'
          const expect: Expect = {
            shape: 'ranking',
            ...lineExpect(s),
            by: 'Time',
            ...(level === 'month' ? { level: 'month' } : {}),
            order,
            limit: 1,
          }
          if (!w.m.needsPeriod && r.chance(0.5)) delete (expect.at as Coordinates).Time
          return {
            turn: sf(w, expect, rankingSay(r, withoutPeriod(s, expect), level, order, 1, false), 'ranking'),
            state: expect,
            slice: s,
          }
        }
        const targets = [
          ...breakdownTargets(w, s),
          ...freeLists(w, s).filter((l) => l.level === 'Store' || l.level === 'SKU' || l.level === 'Country'),
        ]
        if (targets.length === 0) continue
        const list = r.pick(targets)
        const all = r.chance(0.2) && list.items.length <= 6
        const limit = all
          ? list.items.length
          : r.pick(
              [1, 1, 2, 3, 5].filter(
                (n) =>
                  n <= Math.max(1, list.items.length - 1) ||
                  (list.level && ['Store', 'SKU'].includes(list.level)),
              ),
            )
        const expect: Expect = {
          shape: 'ranking',
          ...lineExpect(s),
          by: list.by,
          ...(list.level ? { level: list.level } : {}),
          order,
          limit,
        }
        return {
          turn: sf(w, expect, rankingSay(r, s, list, order, limit, all), 'ranking'),
          state: expect,
          slice: s,
        }
      }
    }
    case 'comparison': {
      const s = drawSlice(w, measureFor(w), { items: r.chance(0.6) ? 1 : 0, version: false })
      const comparable = freeLists(w, s).filter((l) => l.items.length >= 2)
      const kind =
        comparable.length === 0
          ? r.pick(['Versions', 'Time'] as const)
          : r.pick(['Versions', 'Versions', 'Time', 'item'] as const)
      if (kind === 'Versions') {
        const [a, b] = [...m.versions].sort(() => r.next() - 0.5) as [Term, Term]
        const expect: Expect = {
          shape: 'compare',
          ...lineExpect(s),
          axis: 'Versions',
          items: [a.name, b.name],
        }
        return {
          turn: sf(w, expect, compareSay(r, s, 'Versions', say(r, a), say(r, b)), 'comparison'),
          state: expect,
          slice: s,
        }
      }
      if (kind === 'Time') {
        const pool = r.chance(0.5) ? m.quarters : m.months
        const i = Math.floor(r.next() * (pool.length - 1))
        const [a, b] = [pool[i] as Term, pool[i + 1] as Term]
        delete s.period
        if (r.chance(0.3)) s.version = r.pick(m.versions)
        const expect: Expect = { shape: 'compare', ...lineExpect(s), axis: 'Time', items: [a.name, b.name] }
        return {
          turn: sf(w, expect, compareSay(r, s, 'Time', say(r, a), say(r, b)), 'comparison'),
          state: expect,
          slice: s,
        }
      }
      const list = r.pick(comparable)
      const [a, b] = [...list.items].sort(() => r.next() - 0.5) as [Term, Term]
      const expect: Expect = { shape: 'compare', ...lineExpect(s), axis: list.key, items: [a.name, b.name] }
      return {
        turn: sf(w, expect, compareSay(r, s, 'item', say(r, a), say(r, b)), 'comparison'),
        state: expect,
        slice: s,
      }
    }
    case 'variance': {
      for (;;) {
        const s = drawSlice(w, measureFor(w, true), { items: r.chance(0.6) ? 1 : 0, version: false })
        const over = breakdownTargets(w, s)
        if (over.length === 0) continue
        const list = r.pick(over)
        if (r.chance(0.3)) {
          const [a, b] = [...m.versions].sort(() => r.next() - 0.5) as [Term, Term]
          const expect: Expect = {
            shape: 'explain',
            ...lineExpect(s),
            axis: 'Versions',
            from: b.name,
            to: a.name,
            over: list.by,
            ...(list.level ? { level: list.level } : {}),
          }
          return {
            turn: sf(w, expect, explainSay(r, s, say(r, a), say(r, b), true), 'variance'),
            state: expect,
            slice: s,
          }
        }
        const pool = r.chance(0.5) ? m.quarters : m.months
        const i = Math.floor(r.next() * (pool.length - 1))
        const [a, b] = [pool[i] as Term, pool[i + 1] as Term]
        delete s.period
        if (r.chance(0.3)) s.version = r.pick(m.versions)
        const expect: Expect = {
          shape: 'explain',
          ...lineExpect(s),
          axis: 'Time',
          from: a.name,
          to: b.name,
          over: list.by,
          ...(list.level ? { level: list.level } : {}),
        }
        return {
          turn: sf(w, expect, explainSay(r, s, say(r, a), say(r, b), false), 'variance'),
          state: expect,
          slice: s,
        }
      }
    }
    case 'trend': {
      const s = drawSlice(w, measureFor(w), { items: r.chance(0.6) ? 1 : 0, period: 'year' })
      const level = r.chance(0.3) ? 'quarter' : 'month'
      if (level === 'month' && r.chance(0.25)) s.period = r.pick(m.quarters)
      else if (!m.needsPeriod && r.chance(0.6)) delete s.period
      const expect: Expect = { shape: 'trend', ...lineExpect(s), level }
      return { turn: sf(w, expect, trendSay(r, s, level), 'trend'), state: expect, slice: s }
    }
    case 'unknown': {
      const u = r.pick(m.unknown)
      return { turn: { say: u.say, category: 'unknown', expect: { shape: 'unknown', name: u.name } } }
    }
    case 'off-topic':
      return { turn: { say: r.pick(OFF_TOPIC), category: 'off-topic', expect: { shape: 'fallback' } } }
    case 'ambiguous': {
      const a = r.pick(m.ambiguous)
      return { turn: { say: a.say, category: 'ambiguous', expect: { shape: 'askBack', choices: a.choices } } }
    }
    default:
      throw new Error(category)
  }
}

function withoutPeriod(s: Slice, e: Expect): Slice {
  if ('at' in e && e.at && !e.at.Time) {
    const { period: _p, ...rest } = s
    return rest
  }
  return s
}

/** A share's `by` is the breakdown dimension key (Region → by Region, its items below the top). */
function fixShare(expect: Expect, list: ListDef): void {
  if (expect.shape === 'share') expect.by = list.by === list.key ? list.by : list.key
}

/** A follow-up that edits the last question; undefined when none fits the state. */
function followUp(
  w: Writer,
  slice: Slice,
  state: State['expect'],
): { turn: Turn; state: State['expect']; slice: Slice } | undefined {
  const { r, m } = w
  const base = { ...state, at: { ...(state.at ?? {}) } } as State['expect']
  const atOf = (e: State['expect']) => e.at as Coordinates
  const kinds = ['item', 'item', 'period', 'version', 'measure', 'breakdown', 'flip']
  for (let attempt = 0; attempt < 10; attempt++) {
    const kind = r.pick(kinds)
    if (kind === 'item') {
      const pinned = Object.keys(atOf(base)).filter((k) => m.lists[k])
      if (pinned.length === 0) continue
      const key = r.pick(pinned)
      const list = m.lists[key] as ListDef
      const choices = list.items.filter((i) => i.name !== atOf(base)[key])
      const item = r.pick(choices)
      const next = { ...base, at: { ...atOf(base), [key]: item.name } } as State['expect']
      if (!validFollow(next)) continue
      const it = say(r, item)
      const text = r.pick([
        `how about ${it}?`,
        `and ${it}?`,
        `what about ${it}`,
        `same for ${it}`,
        `${it}?`,
        `now ${it}`,
        `ok and for ${it}`,
      ])
      return {
        turn: { say: text, category: 'follow-up', expect: next },
        state: next,
        slice: { ...slice, items: slice.items.map((x) => (x.list.key === key ? { list, item } : x)) },
      }
    }
    if (kind === 'period') {
      if (
        base.shape === 'trend' ||
        (base.shape === 'compare' && base.axis === 'Time') ||
        (base.shape === 'explain' && base.axis === 'Time')
      )
        continue
      if (base.shape === 'ranking' && base.by === 'Time') continue
      if (base.shape === 'breakdown' && base.by === 'Time') continue
      const cur = atOf(base).Time
      const pool = cur?.startsWith('Q')
        ? m.quarters
        : cur && /^[A-Z][a-z]{2} /.test(cur)
          ? m.months
          : r.chance(0.5)
            ? m.quarters
            : m.months
      const p = r.pick(pool.filter((x) => x.name !== cur))
      const next = { ...base, at: { ...atOf(base), Time: p.name } } as State['expect']
      const ps = say(r, p)
      const text = r.pick([
        `and ${ps}?`,
        `what about ${ps}`,
        `now ${ps}`,
        `for ${ps} instead`,
        `same for ${ps}`,
        `${ps}?`,
      ])
      return {
        turn: { say: text, category: 'follow-up', expect: next },
        state: next,
        slice: { ...slice, period: p },
      }
    }
    if (kind === 'version') {
      if ((base.shape === 'compare' || base.shape === 'explain') && base.axis === 'Versions') continue
      const cur = atOf(base).Versions ?? m.current
      const v = r.pick(m.versions.filter((x) => x.name !== cur))
      const next = { ...base, at: { ...atOf(base), Versions: v.name } } as State['expect']
      const vs = say(r, v)
      const text = r.pick([
        `for ${vs} instead`,
        `what about ${vs}?`,
        `and in ${vs}?`,
        `${vs} please`,
        `same in ${vs}`,
        `switch to ${vs}`,
      ])
      return {
        turn: { say: text, category: 'follow-up', expect: next },
        state: next,
        slice: { ...slice, version: v },
      }
    }
    if (kind === 'measure') {
      const keys = Object.keys(atOf(base)).filter((k) => m.lists[k])
      const others = m.measures.filter(
        (x) =>
          x.name !== base.lineItem &&
          keys.every((k) => x.lists.includes((m.lists[k] as ListDef).by)) &&
          (base.shape !== 'explain' || x.additive) &&
          (!('by' in base) || base.by === 'Time' || x.lists.includes(base.by)) &&
          (!('over' in base) || x.lists.includes(base.over)) &&
          (base.shape !== 'compare' ||
            base.axis === 'Time' ||
            base.axis === 'Versions' ||
            keysAxis(m, base.axis, x)),
      )
      if (others.length === 0) continue
      const x = r.pick(others)
      const next = { ...base, lineItem: x.name } as State['expect']
      const ms = say(r, x)
      const text = r.pick([
        `what about ${ms}?`,
        `and ${ms}?`,
        `same but ${ms}`,
        `show ${ms} instead`,
        `how about ${ms}`,
      ])
      return {
        turn: { say: text, category: 'follow-up', expect: next },
        state: next,
        slice: { ...slice, measure: x },
      }
    }
    if (kind === 'breakdown') {
      if (base.shape !== 'value') continue
      const targets = breakdownTargets(w, slice)
      if (targets.length === 0) continue
      const list = r.pick(targets)
      const next: State['expect'] = {
        shape: 'breakdown',
        lineItem: base.lineItem,
        at: atOf(base),
        by: list.by,
        ...(list.level ? { level: list.level } : {}),
      }
      const text = r.pick([
        `break that down by ${list.singular}`,
        `by ${list.singular}?`,
        `split it by ${list.singular}`,
        `per ${list.singular} please`,
        `can you break it down by ${list.singular}`,
      ])
      return { turn: { say: text, category: 'follow-up', expect: next }, state: next, slice }
    }
    if (kind === 'flip') {
      if (base.shape !== 'ranking' || base.limit !== 1) continue
      const asc = base.order === 'desc'
      const next = { ...base, order: asc ? 'asc' : 'desc' } as State['expect']
      const text = asc
        ? r.pick([
            'and which was the lowest?',
            'and the worst?',
            'what about the bottom one',
            'and the weakest?',
          ])
        : r.pick([
            'and which was the highest?',
            'and the best?',
            'what about the top one',
            'and the strongest?',
          ])
      return { turn: { say: text, category: 'follow-up', expect: next }, state: next, slice }
    }
  }
  return undefined
}

function keysAxis(m: ModelDef, axis: string, x: MeasureDef): boolean {
  const l = m.lists[axis]
  return !!l && x.lists.includes(l.by)
}

function validFollow(e: State['expect']): boolean {
  if (e.shape === 'compare' && e.axis !== 'Time' && e.axis !== 'Versions') {
    const pinned = e.at?.[e.axis]
    return !pinned
  }
  return true
}

function build(
  m: ModelDef,
  seed: number,
  prefix: string,
  plan: { singles: Partial<Record<Category, number>>; chains: number; mixed: number },
): Conversation[] {
  const w = new Writer(m, rng(seed), prefix)
  const { r } = w
  for (const [category, count] of Object.entries(plan.singles) as [Category, number][]) {
    for (let i = 0; i < count; i++) {
      const first = opening(w, category)
      const turns = [first.turn]
      // A third of the analytic openings go on with one or two follow-ups.
      let state = first.state
      let slice = first.slice
      const more = state && slice && r.chance(0.35) ? (r.chance(0.6) ? 1 : 2) : 0
      for (let k = 0; k < more && state && slice; k++) {
        const f = followUp(w, slice, state)
        if (!f) break
        turns.push(f.turn)
        state = f.state
        slice = f.slice
      }
      w.add(turns)
    }
  }
  // Longer conversations: an opening and up to five follow-ups.
  for (let i = 0; i < plan.chains; i++) {
    const first = opening(
      w,
      r.pick(['lookup', 'lookup', 'aggregate', 'ranking', 'breakdown', 'comparison', 'trend'] as const),
    )
    const turns = [first.turn]
    let state = first.state
    let slice = first.slice
    const length = 2 + Math.floor(r.next() * 5)
    while (turns.length < length && state && slice) {
      const f = followUp(w, slice, state)
      if (!f) break
      turns.push(f.turn)
      state = f.state
      slice = f.slice
    }
    w.add(turns)
  }
  // Mixed: questions with an unknown name, an off-topic line or an ambiguous one in between.
  for (let i = 0; i < plan.mixed; i++) {
    const turns: Turn[] = []
    const length = 2 + Math.floor(r.next() * 4)
    while (turns.length < length) {
      const c = r.pick([
        'lookup',
        'aggregate',
        'ranking',
        'unknown',
        'off-topic',
        'ambiguous',
        'comparison',
        'trend',
        'variance',
      ] as const)
      turns.push(opening(w, c).turn)
    }
    w.add(turns)
  }
  return w.conversations
}

const files: [string, Conversation[]][] = [
  [
    'sales-forecast.yaml',
    build(SF, 2026, 'sf', {
      singles: {
        lookup: 30,
        aggregate: 22,
        breakdown: 22,
        ranking: 22,
        comparison: 22,
        variance: 18,
        trend: 16,
        unknown: 14,
        'off-topic': 14,
        ambiguous: 10,
      },
      chains: 22,
      mixed: 12,
    }),
  ],
  [
    'workforce-plan.yaml',
    build(WP, 7, 'wp', {
      singles: {
        lookup: 12,
        aggregate: 8,
        breakdown: 8,
        ranking: 8,
        comparison: 8,
        variance: 6,
        trend: 6,
        unknown: 6,
        'off-topic': 5,
        ambiguous: 5,
      },
      chains: 8,
      mixed: 5,
    }),
  ],
  [
    'retail-demand.yaml',
    build(RD, 2510, 'rd', {
      singles: {
        lookup: 16,
        aggregate: 10,
        breakdown: 12,
        ranking: 14,
        comparison: 12,
        variance: 10,
        trend: 8,
        unknown: 8,
        'off-topic': 5,
        ambiguous: 6,
      },
      chains: 10,
      mixed: 5,
    }),
  ],
]
let total = 0
for (const [file, conversations] of files) {
  const header = `# PlanBench conversations over ${conversations[0]?.model}: generated by bench/planbench/generate.ts (seeded);\n# edit the phrasings there and regenerate. Each turn: what is said, its category, and what the\n# answer must contain (a specification; the figures are read from the simulator at run time).\n`
  writeFileSync(join(CONVERSATIONS_DIR, file), header + stringify(conversations, { lineWidth: 0 }))
  const turns = conversations.reduce((n, c) => n + c.turns.length, 0)
  total += turns
  console.log(`${file}: ${conversations.length} conversations, ${turns} turns`)
}
console.log(`total ${total} turns`)
