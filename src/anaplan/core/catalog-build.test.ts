import { describe, expect, it } from 'vitest'
import { buildCatalog, normalizeSummary } from './catalog-build.ts'

describe('normalizeSummary', () => {
  it("reads Anaplan's labels in any case, and calls what it cannot read NONE", () => {
    expect(normalizeSummary('Sum')).toBe('SUM')
    expect(normalizeSummary('Closing Balance')).toBe('CLOSING_BALANCE')
    expect(normalizeSummary('Last Non-Blank')).toBe('LAST')
    expect(normalizeSummary('AVERAGE')).toBe('AVERAGE')
    expect(normalizeSummary('Median')).toBe('NONE')
    expect(normalizeSummary(undefined)).toBe('NONE')
  })
})

describe('buildCatalog', () => {
  it("finds a composite list's parent list from its items when the metadata does not name it", () => {
    const cat = buildCatalog({
      workspaceId: 'w',
      modelId: 'm',
      fetchedAt: 1,
      modules: [],
      moduleAxes: new Map(),
      lineItems: [],
      lists: [
        { list: { id: 'L1', name: 'Region' }, items: [{ id: 'r1', name: 'EMEA' }] },
        {
          list: { id: 'L2', name: 'Country' },
          metadata: { itemCount: 1 },
          items: [{ id: 'c1', name: 'France', parentId: 'r1' }],
        },
        {
          list: { id: 'L3', name: 'Store' },
          metadata: { parent: { id: 'L2', name: 'Country' }, itemCount: 9000 },
        },
      ],
      timeItems: [],
      versions: [],
      views: [],
      actions: [],
    })
    expect(cat.lists.map((l) => [l.name, l.parentListId, l.itemCount, l.items?.length])).toEqual([
      ['Region', undefined, 1, 1],
      ['Country', 'L1', 1, 1],
      ['Store', 'L2', 9000, undefined],
    ])
    expect(cat.dimensions.map((d) => d.kind)).toEqual(['list', 'list', 'list'])
  })

  it("gives a line item the module's Time and Versions and its own lists", () => {
    const cat = buildCatalog({
      workspaceId: 'w',
      modelId: 'm',
      fetchedAt: 1,
      modules: [{ id: 'M', name: 'Mod' }],
      moduleAxes: new Map([
        [
          'M',
          {
            viewId: 'M',
            viewName: 'Mod',
            rows: [
              { id: '101999999999', name: 'Line Items' },
              { id: 'L1', name: 'A' },
            ],
            columns: [{ id: '20000000003', name: 'Time' }],
            pages: [
              { id: '20000000020', name: 'Versions' },
              { id: 'L2', name: 'B' },
            ],
          },
        ],
      ]),
      lineItems: [
        {
          id: 'x',
          name: 'X',
          moduleId: 'M',
          moduleName: 'Mod',
          timeScale: 'Month',
          summary: 'Sum',
          appliesTo: [{ id: 'L1', name: 'A' }],
        },
        { id: 'y', name: 'Y', moduleId: 'M', moduleName: 'Mod', timeScale: 'Not Applicable', format: 'TEXT' },
      ],
      lists: [],
      timeItems: [],
      versions: [{ id: 'v', name: 'Actual', isActual: true }],
      views: [],
      actions: [],
    })
    expect(cat.modules[0]?.dimensionIds).toEqual(['L1', 'L2', '20000000003', '20000000020'])
    expect(cat.lineItems.map((li) => [li.name, li.dimensionIds, li.summary, li.timeScale])).toEqual([
      ['X', ['L1', '20000000003', '20000000020'], 'SUM', 'Month'],
      ['Y', ['L1', 'L2', '20000000020'], 'NONE', undefined],
    ])
  })
})
