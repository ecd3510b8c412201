import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, vi } from 'vitest'

/** Where screenshots go: kept as test artifacts, not committed. */
export const ARTIFACTS = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'test-artifacts',
  'screenshots',
)

const require = createRequire(import.meta.url)
let axeSource: string | undefined

/** One headless Chromium for the whole test file. */
export function useBrowser(): () => Browser {
  // A browser flow is many steps, each waiting on a real page: the suite's 30 s limit is for
  // one request, and a busy machine (a CI host running everything at once) can need more. A
  // limit on hangs, not a speed check.
  vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
  })
  return () => {
    if (!browser) throw new Error('the browser is not started')
    return browser
  }
}

/**
 * A new page that records what would signal a broken page: script errors, console errors
 * (a CSP violation is one), missing files and server errors.
 */
export async function openPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    // The API's 4xx answers are the UI's business (a validation message); responses below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`)
    }
  })
  page.on('response', (response) => {
    const api = new URL(response.url()).pathname.includes('/api/')
    if (response.status() >= 500 || (!api && response.status() >= 400)) {
      problems.push(`${response.status()} ${response.url()}`)
    }
  })
  return { page, problems }
}

/** The serious and critical axe-core violations of the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol rather than added as a script tag: the page's CSP
  // rightly refuses inline scripts, and the UI is tested with that CSP in force.
  axeSource ??= readFileSync(require.resolve('axe-core'), 'utf8')
  await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[]
          }>
        }
      }
    ).axe
    const result = await axe.run()
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  })
  return violations
}

/** Screenshots of the page at 1280 and 375 px wide, into {@link ARTIFACTS}. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 })
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
}
