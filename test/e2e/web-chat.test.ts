/**
 * The web chat end to end: the simulator with the demo model, the real bot core and server on
 * port 0, and Debian's Chromium driven by playwright-core. Saves `docs/web-chat.png`.
 */
import { existsSync, mkdirSync } from 'node:fs'
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
const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'web-chat.png')

let sim: RunningSimulator
let bot: Bot
let server: ServerType
let browser: Browser
let baseUrl: string
const audit = new MemoryAuditSink()

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`,
    )
  }
  // Each action of a task takes 1 s: the two-step Monthly Refresh outlasts the 1.5 s reply budget
  // below and finishes as a follow-up; the export may land in the reply or as a follow-up.
  sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 1000, latencyMs: 0 })
  const client = new AnaplanClient({
    authUrl: sim.authUrl,
    apiUrl: sim.apiUrl,
    credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
  })
  bot = await createBot({
    anaplan: client,
    audit,
    policy: loadPolicy(
      'rules:\n  - match: { channel: web }\n    models: { "*": { read: true, write: true, lists: true, run: true } }\n',
    ),
  })
  const app = createBotServer(bot, { web: { replyBudgetMs: 1500 } })
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
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

describe('web chat in Chromium', () => {
  it('connects, shows a view through choices as a table and chart, exports, writes with confirmation and gets a follow-up', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(baseUrl)
    await expect.poll(() => page.locator('#status').textContent()).toBe('Connected')

    await say(page, 'connect to Sales Forecast')
    await page.getByText('Connected to Sales Forecast').waitFor()

    // Pick the view and its page from the offered choices.
    await page.getByRole('button', { name: 'Revenue by Region' }).click()
    await page.getByRole('button', { name: 'Gadgets' }).click()
    await page.getByRole('button', { name: 'Forecast' }).click()
    const table = page.locator('table').last()
    await table.waitFor()
    expect(await table.locator('thead th').first().textContent()).toBeTruthy()
    expect(await table.textContent()).toContain('EMEA')
    await page.locator('.chart canvas').last().waitFor()
    const chartLabel = await page.locator('.chart canvas').last().getAttribute('aria-label')
    expect(chartLabel).toMatch(/chart/)
    mkdirSync(dirname(SCREENSHOT), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: false })

    // An export, confirmed with the Yes button, hands out a download link that works.
    await say(page, 'run Revenue Export')
    await page.getByText('Run the export Revenue Export').waitFor()
    await page.getByRole('button', { name: 'Yes' }).last().click()
    const link = page.locator('a.download').last()
    await link.waitFor({ timeout: 30_000 })
    const href = await link.getAttribute('href')
    expect(href).toMatch(/^\/downloads\/[A-Za-z0-9_-]+$/)
    const csv = await (await fetch(`${baseUrl}${href}`)).text()
    expect(csv.split('\n')[0]).toMatch(/,/)

    // A write is summarised, then done after confirmation.
    await say(page, 'set Units for Widgets in APAC for Mar 26 Forecast to 500')
    await page.getByText(/Set Units for .* to 500\?/).waitFor()
    await page.getByRole('button', { name: 'Yes' }).last().click()
    await page.getByText(/is now 500/).waitFor()

    // A long process answers at once and reports back over SSE, without a reload.
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length)
    await say(page, 'run the Monthly Refresh process')
    await page.getByText('Run the process Monthly Refresh').waitFor()
    await page.getByRole('button', { name: 'Yes' }).last().click()
    // Two 1 s steps cannot finish inside the 1.5 s reply budget: the reply says it started.
    await page.getByText(/Started Monthly Refresh\. I'll tell you when it finishes/).waitFor()
    await page.getByText(/Monthly Refresh finished/).waitFor({ timeout: 30_000 })
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(loads)
    // The pushed follow-up is not repeated in the next reply.
    await say(page, 'who am I')
    await page.getByText(/analyst@example\.com/).waitFor()
    expect(await page.getByText(/Monthly Refresh finished/).count()).toBe(1)

    // The session and the conversation survive a reload (localStorage); old choices are inert.
    const sessionId = await page.evaluate(() => localStorage.getItem('anaplan-bot.sessionId'))
    expect(sessionId).toMatch(/^web-[0-9a-f]{24}$/)
    await page.reload()
    await page.getByText(/Monthly Refresh finished/).waitFor()
    expect(await page.locator('table').count()).toBeGreaterThan(0)
    expect(await page.getByRole('button', { name: 'Gadgets' }).isDisabled()).toBe(true)
    expect(await page.evaluate(() => localStorage.getItem('anaplan-bot.sessionId'))).toBe(sessionId)
    await say(page, 'which views are there')
    await page.getByText(/Views in Sales Forecast/).waitFor()
    expect(audit.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['run_action', 'write_cell']))
    expect(errors).toEqual([])
    await context.close()
  })

  it('is usable on a phone-sized screen', async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    })
    const page = await context.newPage()
    await page.goto(baseUrl)
    await say(page, 'help')
    await page.locator('.msg.bot').nth(1).waitFor()
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    await context.close()
  })
})
