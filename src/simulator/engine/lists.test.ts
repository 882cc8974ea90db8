import { describe, expect, it } from 'vitest'
import { VERSIONS_DIMENSION_ID } from './dimension.ts'
import { demo, idOf } from './test-helpers.ts'

function setup() {
  const { sales } = demo()
  const products = idOf(sales.lists(), 'Products')
  return { sales, products }
}

describe('list items', () => {
  it('returns items with parent, properties as strings and subsets as booleans', () => {
    const { sales, products } = setup()
    const widgets = sales.listItems(products)[0]!
    expect(widgets).toMatchObject({
      name: 'Widgets',
      code: 'WID',
      parent: 'All Products',
      listId: products,
      listName: 'Products',
      properties: { Discontinued: 'false', Category: 'Hardware' },
      subsets: { 'Core Products': true },
    })
    expect(sales.listMetadata(products)).toMatchObject({
      id: products,
      name: 'Products',
      itemCount: 4,
      topLevelItem: { name: 'All Products' },
      properties: [
        { name: 'Discontinued', format: 'BOOLEAN' },
        { name: 'Category', format: 'TEXT' },
      ],
      subsets: [{ name: 'Core Products' }],
    })
    const subset = (sales.listMetadata(products).subsets as { id: string }[])[0]!.id
    expect(subset).toMatch(/^109\d{9}$/)
    expect(sales.dimensionItems(subset).map((i) => i.name)).toEqual(['Widgets', 'Gadgets'])
  })

  it('adds items, failing duplicates, missing names, unknown parents and bad properties per item', () => {
    const { sales, products } = setup()
    const r = sales.addListItems(products, [
      {
        name: 'Doohickeys',
        code: 'DOH',
        properties: { Discontinued: 'false', Category: 'Accessories' },
        subsets: { 'Core Products': true },
      },
      { name: 'widgets' },
      { name: 'Thingies', code: 'GAD' },
      { code: 'NONAME' },
      { name: 'Orphans', parent: 'Nowhere' },
      { name: 'Oddities', properties: { Discontinued: 'maybe' } },
      { name: 'Extras', properties: { Colour: 'red' } },
      { name: 'Doohickeys' },
    ])
    expect(r.added).toBe(1)
    expect(r.ignored).toBe(7)
    expect(r.total).toBe(8)
    expect(r.failures.map((f) => [f.requestIndex, f.failureType])).toEqual([
      [1, 'DUPLICATE_ITEM'],
      [2, 'DUPLICATE_ITEM'],
      [3, 'INCOMPLETE_DATA'],
      [4, 'INVALID_PARENT'],
      [5, 'INCORRECT_FORMAT'],
      [6, 'INCORRECT_FORMAT'],
      [7, 'DUPLICATE_ITEM'],
    ])
    const added = sales.listItems(products).find((i) => i.name === 'Doohickeys')!
    expect(added).toMatchObject({ code: 'DOH', parent: 'All Products', subsets: { 'Core Products': true } })
    expect(Number(added.id)).toBeGreaterThan(
      Math.max(
        ...sales
          .listItems(products)
          .filter((i) => i.name !== 'Doohickeys')
          .map((i) => Number(i.id)),
      ),
    )
  })

  it('makes a new product appear in the Revenue view and aggregate into All Products', () => {
    const { sales, products } = setup()
    sales.addListItems(products, [{ name: 'Doohickeys', code: 'DOH' }])
    const rev = idOf(sales.modules(), 'REV01 Revenue')
    const doh = idOf(sales.dimensionItems(products), 'Doohickeys')
    const before = sales.readView(rev, {})
    const allBefore = before.rows.find((r) => r.rowCoordinates.join('|') === 'EMEA|All Products|Units')!
      .cells[0]
    expect(before.rows.some((r) => r.rowCoordinates.join('|') === 'EMEA|Doohickeys|Units')).toBe(true)
    sales.writeCells(rev, [
      {
        lineItemName: 'Units',
        dimensions: [
          { dimensionName: 'Regions', itemName: 'EMEA' },
          { dimensionId: products, itemId: doh },
          { dimensionName: 'Time', itemName: 'Jan 26' },
          { dimensionId: VERSIONS_DIMENSION_ID, itemName: 'Actual' },
        ],
        value: 7,
      },
    ])
    const after = sales.readView(rev, {})
    const allAfter = after.rows.find((r) => r.rowCoordinates.join('|') === 'EMEA|All Products|Units')!
      .cells[0]
    expect(Number(allAfter) - Number(allBefore)).toBe(7)
  })

  it('updates by id, code or name with one identifier deciding', () => {
    const { sales, products } = setup()
    const gizmos = sales.listItems(products).find((i) => i.name === 'Gizmos')!
    const r = sales.updateListItems(products, [
      { id: gizmos.id, name: 'Gizmos Pro', properties: { Category: 'Premium' } },
      { code: 'WID', name: 'Widgets Classic' },
      { name: 'Gadgets', properties: { Category: 'X' } },
      { id: 'nope', name: 'X' },
      { code: 'SPR', name: 'Gizmos Pro' },
      { id: gizmos.id, code: '' },
      {},
    ])
    expect(r).toMatchObject({ updated: 2, ignored: 5, total: 7 })
    expect(r.failures.map((f) => [f.requestIndex, f.failureType])).toEqual([
      [2, 'INCOMPLETE_DATA'],
      [3, 'ITEM_NOT_FOUND'],
      [4, 'DUPLICATE_ITEM'],
      [5, 'INCOMPLETE_DATA'],
      [6, 'INCOMPLETE_DATA'],
    ])
    const names = sales.listItems(products).map((i) => i.name)
    expect(names).toEqual(['Widgets Classic', 'Gadgets', 'Gizmos Pro', 'Sprockets'])
    expect(sales.listItems(products)[2]!.properties?.Category).toBe('Premium')
  })

  it('deletes by id, code or name, with their cells, and fails unknown items', () => {
    const { sales, products } = setup()
    const items = sales.listItems(products)
    const r = sales.deleteListItems(products, [
      { id: items[0]!.id },
      { code: 'GAD' },
      { name: 'gizmos' },
      { code: 'XXX' },
      { id: items[3]!.id, code: 'SPR' },
    ])
    expect(r.deleted).toBe(3)
    expect(r.failures.map((f) => [f.requestIndex, f.failureType])).toEqual([
      [3, 'ITEM_NOT_FOUND'],
      [4, 'INCORRECT_FORMAT'],
    ])
    expect(sales.listItems(products).map((i) => i.name)).toEqual(['Sprockets'])
    const rev = idOf(sales.modules(), 'REV01 Revenue')
    const grid = sales.readView(rev, {})
    expect(grid.rows.some((r) => r.rowCoordinates[1] === 'Widgets')).toBe(false)
    // All Products now equals Sprockets alone.
    const all = grid.rows.find((x) => x.rowCoordinates.join('|') === 'EMEA|All Products|Units')!.cells
    const spr = grid.rows.find((x) => x.rowCoordinates.join('|') === 'EMEA|Sprockets|Units')!.cells
    expect(all).toEqual(spr)
  })

  it('refuses to delete a parent that still has children, and nests aggregates', () => {
    const { sales } = setup()
    const regions = idOf(sales.lists(), 'Regions')
    expect(sales.addListItems(regions, [{ name: 'Europe', code: 'EU' }]).added).toBe(1)
    expect(sales.updateListItems(regions, [{ code: 'EMEA', parent: 'Europe' }]).updated).toBe(1)
    expect(sales.updateListItems(regions, [{ code: 'EU', parent: 'EMEA' }]).failures[0]?.failureType).toBe(
      'INVALID_PARENT',
    )
    // Europe is now an aggregate: it equals EMEA, and cannot be written.
    const byRegion = idOf(sales.views(), 'Revenue by Region')
    const grid = sales.readView(byRegion, {})
    const row = (n: string) => grid.rows.find((r) => r.rowCoordinates[0] === n)!.cells
    expect(row('Europe')).toEqual(row('EMEA'))
    expect(grid.rows.map((r) => r.rowCoordinates[0])).toEqual([
      'North America',
      'APAC',
      'LATAM',
      'EMEA',
      'Europe',
      'Total Regions',
    ])
    const r = sales.deleteListItems(regions, [{ code: 'EU' }])
    expect(r).toMatchObject({ deleted: 0, failures: [{ requestIndex: 0, failureType: 'ITEM_HAS_CHILDREN' }] })
    expect(sales.deleteListItems(regions, [{ code: 'EMEA' }, { code: 'EU' }]).deleted).toBe(2)
    expect(sales.deleteListItems(regions, [{ name: 'Total Regions' }]).failures[0]?.failureType).toBe(
      'ITEM_NOT_FOUND',
    )
  })

  it('refuses more than 100,000 items per call', () => {
    const { sales, products } = setup()
    const many = Array.from({ length: 100_001 }, (_, i) => ({ name: `P${i}` }))
    for (const op of [
      () => sales.addListItems(products, many),
      () => sales.updateListItems(products, many),
      () => sales.deleteListItems(products, many),
    ]) {
      expect(op).toThrow(expect.objectContaining({ status: 400 }))
    }
    expect(sales.listItems(products)).toHaveLength(4)
  })
})
