/**
 * The web chat end to end: the simulator with the demo model, the real bot core and server on
 * port 0, and Debian's Chromium driven by playwright-core, at 1280×800 and 390×844. Saves
 * `docs/web-chat.png` (the README picture) and one screenshot per size in `test/e2e/screenshots/`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ServerType, serve } from '@hono/node-server'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnaplanClient } from '../../src/anaplan/index.ts'
import { createBot, loadPolicy, MemoryAuditSink } from '../../src/bot/core/index.ts'
import type { Bot } from '../../src/bot/core/types.ts'
import { createBotServer } from '../../src/bot/server.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const HERE = dirname(fileURLToPath(import.meta.url))
const SCREENSHOT = join(HERE, '..', '..', 'docs', 'web-chat.png')
const SHOTS = join(HERE, 'screenshots')

let sim: RunningSimulator
let bot: Bot
let server: ServerType
let browser: Browser
let baseUrl: string
const audit = new MemoryAuditSink()

const POLICY =
  'rules:\n  - match: { channel: web }\n    models: { "*": { read: true, write: true, lists: true, run: true } }\n'
const newBot = () =>
  createBot({
    anaplan: new AnaplanClient({
      authUrl: sim.authUrl,
      apiUrl: sim.apiUrl,
      credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
    }),
    audit,
    policy: loadPolicy(POLICY),
  })

/** Stops the bot server and starts a new one, with new in-memory sessions, on the same port. */
async function restartServer(): Promise<void> {
  const port = (server.address() as AddressInfo).port
  ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
  await new Promise((r) => server.close(r))
  await bot.close()
  bot = await newBot()
  const app = createBotServer(bot, { web: { replyBudgetMs: 1500 } })
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s))
  })
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`,
    )
  }
  // Each action of a task takes 1 s: the two-step Monthly Refresh outlasts the 1.5 s reply budget
  // below and finishes as a follow-up; the export may land in the reply or as a follow-up.
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 1000, latencyMs: 0 })
  bot = await newBot()
  const app = createBotServer(bot, { web: { replyBudgetMs: 1500 } })
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  mkdirSync(SHOTS, { recursive: true })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
})

afterAll(async () => {
  await browser?.close()
  if (server) {
    ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
    await new Promise((r) => server.close(r))
  }
  await bot?.close()
  await sim?.close()
})

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

/** Header texts of the last table that are shown (collapsed period columns are hidden). */
async function visibleHeaders(page: Page): Promise<string[]> {
  return page
    .locator('table')
    .last()
    .locator('thead th')
    .evaluateAll((ths) => ths.filter((th) => !(th as HTMLElement).hidden).map((th) => th.textContent ?? ''))
}

/** Scrolls the last table sideways; returns how far the row label and the last cell moved. */
async function scrollTableSideways(page: Page): Promise<{ label: number; last: number; scrolled: number }> {
  return page.evaluate(() => {
    const wraps = document.querySelectorAll<HTMLElement>('.table-wrap')
    const wrap = wraps[wraps.length - 1]!
    const label = wrap.querySelector('tbody th')!
    const last = wrap.querySelector('tbody tr td:last-child')!
    const before = [label.getBoundingClientRect().left, last.getBoundingClientRect().left]
    wrap.scrollLeft = 10_000
    const after = [label.getBoundingClientRect().left, last.getBoundingClientRect().left]
    return { label: after[0]! - before[0]!, last: after[1]! - before[1]!, scrolled: wrap.scrollLeft }
  })
}

/** The Chart.js datasets of the last chart, as drawn. */
async function lastChart(page: Page) {
  return page.evaluate(() => {
    const canvases = document.querySelectorAll('.chart canvas')
    const canvas = canvases[canvases.length - 1] as HTMLCanvasElement
    const chart = (
      window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }
    ).Chart.getChart(canvas) as {
      width: number
      data: { datasets: { label: string; type: string; yAxisID: string }[] }
      legend: { legendHitBoxes: { left: number; width: number }[] }
    }
    return {
      width: chart.width,
      datasets: chart.data.datasets.map((d) => ({ label: d.label, type: d.type, axis: d.yAxisID })),
      legend: chart.legend.legendHitBoxes.map((b) => ({ left: b.left, right: b.left + b.width })),
    }
  })
}

describe('web chat in Chromium', () => {
  it('at 1280×800: suggestions, a view in one turn with page controls, sticky labels, periods, CSV, readable charts, confirmed changes, follow-ups, a lost session', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      // A reload or a server restart cuts the open event stream; the browser logs that, the page
      // reconnects. Any other error fails the test.
      const streamCut = m.location().url.includes('/api/events') && /^Failed to load resource/.test(m.text())
      if (m.type() === 'error' && !streamCut) errors.push(m.text())
    })
    await page.goto(baseUrl)
    await expect.poll(() => page.locator('#status').textContent()).toBe('Online · no model yet')
    // The header shows whom the server serves (here the local demo sign-in).
    expect(await page.locator('#who').textContent()).toBe('local demo user')

    // First screen: questions drawn from what this user can open.
    await page.getByRole('button', { name: 'connect to Sales Forecast' }).click()
    await page.getByText('Connected to Sales Forecast', { exact: false }).first().waitFor()
    await expect.poll(() => page.locator('#status').textContent()).toBe('Connected to Sales Forecast')
    // Then questions in the connected model's own names.
    await page.getByRole('button', { name: 'show Revenue by Region' }).click()

    // One turn: the table, with the saved view's pages as controls on it.
    const products = page.getByLabel('Page: Products').last()
    await products.waitFor()
    expect(await page.locator('.card h2').first().textContent()).toBe(
      'Revenue by Region (Widgets, Actual, Revenue)',
    )
    expect(await products.inputValue()).toContain('Widgets')
    await products.selectOption({ label: 'Gadgets' })
    await page.getByText('Revenue by Region (Gadgets, Actual, Revenue)').first().waitFor()
    expect(await page.getByLabel('Page: Versions').last().locator('option:checked').textContent()).toBe(
      'Actual',
    )
    expect(await page.getByRole('button', { name: 'Gadgets' }).count()).toBe(0)

    // Wide table: the row labels stay while the figures scroll.
    const moved = await scrollTableSideways(page)
    expect(moved.scrolled).toBeGreaterThan(0)
    expect(Math.abs(moved.label)).toBeLessThan(1)
    expect(moved.last).toBeLessThan(-50)

    // Collapse to quarters, then the year: Anaplan's own totals, the month columns hidden.
    await page.getByRole('button', { name: 'Quarters' }).last().click()
    expect(await visibleHeaders(page)).toEqual(['Regions', 'Q1 FY26', 'Q2 FY26', 'Q3 FY26', 'Q4 FY26'])
    await page.getByRole('button', { name: 'Years' }).last().click()
    expect(await visibleHeaders(page)).toEqual(['Regions', 'FY26'])
    const emeaYear = await page
      .locator('table')
      .last()
      .locator('tr', { hasText: 'EMEA' })
      .locator('td:not([hidden])')
      .textContent()

    // CSV and copy hold what is shown.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV' }).last().click(),
    ])
    expect(download.suggestedFilename()).toBe('Revenue by Region (Gadgets, Actual, Revenue).csv')
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n')
    expect(csv[0]).toBe('Regions,FY26')
    expect(csv).toContain(`EMEA,"${emeaYear}"`)
    await page.getByRole('button', { name: 'Copy' }).last().click()
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toContain(`EMEA\t${emeaYear}`)

    // The chart: regions on the left axis, the total as bars on its own right axis.
    const chart = await lastChart(page)
    expect(chart.datasets.find((d) => d.label.startsWith('Total Regions'))).toEqual({
      label: 'Total Regions (right axis)',
      type: 'bar',
      axis: 'y1',
    })
    expect(chart.datasets.filter((d) => d.axis === 'y').map((d) => d.label)).toEqual([
      'North America',
      'EMEA',
      'APAC',
      'LATAM',
    ])
    await page.screenshot({ path: SCREENSHOT })
    await page.screenshot({ path: join(SHOTS, 'web-chat-1280x800.png') })

    // Headcount and Salaries are not drawn on one axis.
    await say(page, 'show Expenses Summary')
    await page.getByText(/Expenses Summary \(.*\): Headcount$/).waitFor()
    const expenses = await lastChart(page)
    expect(expenses.datasets.map((d) => d.label)).toEqual([
      'Salaries',
      'Travel',
      'Total Expenses (right axis)',
    ])

    // An export, confirmed with the Yes button, hands out a download link that works.
    await say(page, 'run Revenue Export')
    await page.getByText('Run the export Revenue Export').waitFor()
    await page.getByRole('button', { name: 'Yes' }).last().click()
    const link = page.locator('a.download').last()
    await link.waitFor({ timeout: 30_000 })
    const href = await link.getAttribute('href')
    expect(href).toMatch(/^\/downloads\/[A-Za-z0-9_-]+$/)
    const exported = await (await fetch(`${baseUrl}${href}`)).text()
    expect(exported.split('\n')[0]).toMatch(/,/)

    // A write is summarised, then done after confirmation.
    await say(page, 'set Units for Widgets in APAC for Mar 26 Forecast to 500')
    await page.getByText(/Set Units for .* to 500\?/).waitFor()
    await page.getByRole('button', { name: 'Yes' }).last().click()
    await page.getByText(/is now 500/).waitFor()

    // A long process answers at once, the status says it runs, and it reports back over SSE.
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length)
    await say(page, 'run the Monthly Refresh process')
    await page.getByText('Run the process Monthly Refresh').waitFor()
    await page.getByRole('button', { name: 'Yes' }).last().click()
    await page.getByText(/Started Monthly Refresh\. I'll tell you when it finishes/).waitFor()
    await expect.poll(() => page.locator('#status').textContent()).toBe('Running: Monthly Refresh')
    await page.getByText(/Monthly Refresh finished/).waitFor({ timeout: 30_000 })
    await expect.poll(() => page.locator('#status').textContent()).toBe('Connected to Sales Forecast')
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(loads)
    await say(page, 'who am I')
    await page.getByText(/analyst@example\.com/).waitFor()
    expect(await page.getByText(/Monthly Refresh finished/).count()).toBe(1)

    // The conversation survives a reload; old controls are inert.
    const sessionId = await page.evaluate(() => localStorage.getItem('anaplan-bot.sessionId'))
    expect(sessionId).toMatch(/^web-[0-9a-f]{24}$/)
    await page.reload()
    await page.getByText(/Monthly Refresh finished/).waitFor()
    expect(await page.getByLabel('Page: Products').first().isDisabled()).toBe(true)
    expect(await page.evaluate(() => localStorage.getItem('anaplan-bot.sessionId'))).toBe(sessionId)
    expect(audit.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['run_action', 'write_cell']))

    expect(errors).toEqual([])

    // The server restarts and forgets the session: the page says so and reopens the model.
    await restartServer()
    await page
      .getByText(/The bot was restarted and lost this conversation\. Reconnecting you to Sales Forecast/)
      .waitFor({
        timeout: 30_000,
      })
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 30_000 })
      .toBe('Connected to Sales Forecast')
    await say(page, 'which views are there')
    await page
      .getByText(/Views in Sales Forecast/)
      .last()
      .waitFor()
    expect(errors).toEqual([])
    await context.close()
  })

  it('at 390×844: no page overflow, sticky row labels, a legend inside the chart', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
    const page = await context.newPage()
    await page.goto(baseUrl)
    await say(page, 'connect to Sales Forecast')
    await page.getByText('Connected to Sales Forecast', { exact: false }).first().waitFor()
    await say(page, 'show Revenue by Region')
    await page.getByLabel('Page: Products').last().waitFor()
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    const moved = await scrollTableSideways(page)
    expect(moved.scrolled).toBeGreaterThan(0)
    expect(Math.abs(moved.label)).toBeLessThan(1)
    const chart = await lastChart(page)
    expect(chart.width).toBeLessThanOrEqual(390)
    for (const box of chart.legend) {
      expect(box.left).toBeGreaterThanOrEqual(0)
      expect(box.right).toBeLessThanOrEqual(chart.width)
    }
    await page.locator('.chart canvas').last().scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'web-chat-390x844.png') })
    await context.close()
  })
})
