/**
 * The demo model's vocabulary (PRODUCT.md "Demo data"), for NLU unit tests and the accuracy report,
 * which must run without the simulator. `test/integration/conversation-nlu.test.ts` and
 * `conversation-nlu-pooled.test.ts` check them against the simulator's live metadata so the two
 * cannot drift apart.
 */
import { mergeVocabularies, type Vocabulary } from './vocabulary.ts'

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Vocabulary of Sales Forecast in FP&A Demo, as a connected session sees it. */
export const DEMO_VOCABULARY: Vocabulary = {
  models: [
    { id: '75A40874E6B64FA3AE0404A2A1FCA4E4', name: 'Sales Forecast', workspaceName: 'FP&A Demo' },
    { id: '8C2F1E0B9D3A4C5E8F7A6B5C4D3E2F1A', name: 'Workforce Plan', workspaceName: 'FP&A Demo' },
    { id: 'A1B2C3D4E5F60718293A4B5C6D7E8F90', name: 'Budget 2024', workspaceName: 'FP&A Demo' },
    // The large generated model; its names are pooled live (see conversation-nlu-pooled.test.ts).
    { id: 'RETAIL', name: 'Retail Demand', workspaceName: 'FP&A Demo' },
  ],
  workspaces: [{ id: 'WS', name: 'FP&A Demo' }],
  views: [
    { id: 'V1', name: 'Revenue by Region' },
    { id: 'V2', name: 'Units by Product' },
    { id: 'V3', name: 'Expenses Summary' },
  ],
  actions: [
    { id: 'I1', name: 'Load Actuals', type: 'import' },
    { id: 'I2', name: 'Load Products', type: 'import' },
    { id: 'E1', name: 'Revenue Export', type: 'export' },
    { id: 'E2', name: 'Expenses Export', type: 'export' },
    { id: 'P1', name: 'Monthly Refresh', type: 'process' },
    { id: 'A1', name: 'Delete Discontinued Products', type: 'action' },
  ],
  lists: [
    {
      id: 'L1',
      name: 'Regions',
      items: [
        { id: 'R0', name: 'North America', code: 'NA' },
        { id: 'R1', name: 'EMEA', code: 'EMEA' },
        { id: 'R2', name: 'APAC', code: 'APAC' },
        { id: 'R3', name: 'LATAM', code: 'LATAM' },
        { id: 'R4', name: 'Total Regions' },
      ],
    },
    {
      id: 'L2',
      name: 'Products',
      items: [
        { id: 'P0', name: 'Widgets', code: 'WID' },
        { id: 'P1', name: 'Gadgets', code: 'GAD' },
        { id: 'P2', name: 'Gizmos', code: 'GIZ' },
        { id: 'P3', name: 'Sprockets', code: 'SPR' },
        { id: 'P4', name: 'All Products' },
      ],
    },
    {
      id: 'L3',
      name: 'Channels',
      items: ['Direct', 'Partner', 'Online'].map((name, i) => ({ id: `C${i}`, name })),
    },
  ],
  lineItems: [
    ...['Units', 'Price', 'Revenue'].map((name) => ({ id: name, name, moduleName: 'REV01 Revenue' })),
    ...['Headcount', 'Salaries', 'Travel', 'Total Expenses'].map((name) => ({
      id: name,
      name,
      moduleName: 'OPX01 Expenses',
    })),
    ...['Forecast Start Month', 'Target Margin %'].map((name) => ({
      id: name,
      name,
      moduleName: 'SYS01 Settings',
    })),
  ],
  periods: [...months.map((m) => `${m} 26`), 'Q1 FY26', 'Q2 FY26', 'Q3 FY26', 'Q4 FY26', 'FY26'],
  versions: ['Actual', 'Forecast', 'Budget'],
}

/** Vocabulary of Workforce Plan in FP&A Demo (the analyst can open it; the viewer cannot). */
export const WORKFORCE_VOCABULARY: Vocabulary = {
  models: DEMO_VOCABULARY.models,
  workspaces: DEMO_VOCABULARY.workspaces,
  views: [{ id: 'WV1', name: 'Headcount by Department' }],
  actions: [
    { id: 'WI1', name: 'Load Employees', type: 'import' },
    { id: 'WE1', name: 'Headcount Export', type: 'export' },
  ],
  lists: [
    {
      id: 'WL1',
      name: 'Departments',
      items: [
        { id: 'D0', name: 'Sales', code: 'SAL' },
        { id: 'D1', name: 'Marketing', code: 'MKT' },
        { id: 'D2', name: 'Engineering', code: 'ENG' },
        { id: 'D3', name: 'Finance', code: 'FIN' },
        { id: 'D4', name: 'Total Company' },
      ],
    },
    {
      id: 'WL2',
      name: 'Employees',
      items: ['Alice Martin', 'Bruno Silva', 'Chloe Dubois', 'Dev Patel', 'Emma Jones', 'Farid Haddad'].map(
        (name, i) => ({ id: `EM${i}`, name, code: `E00${i + 1}` }),
      ),
    },
  ],
  lineItems: ['Headcount', 'Average Salary', 'Salary Cost'].map((name) => ({
    id: `W${name}`,
    name,
    moduleName: 'EMP01 Headcount',
  })),
  periods: DEMO_VOCABULARY.periods,
  versions: ['Actual', 'Budget'],
}

/**
 * What the NLU knows with no model connected: the names of every model the analyst can open
 * pooled (Budget 2024 is archived and contributes none).
 */
export const POOLED_DEMO_VOCABULARY: Vocabulary = mergeVocabularies([DEMO_VOCABULARY, WORKFORCE_VOCABULARY])
