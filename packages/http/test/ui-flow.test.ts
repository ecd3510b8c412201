import type { Page, Route } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, useBrowser } from './_browser.js'
import {
  failedStagedImport,
  type Json,
  SAMPLE_CSV,
  startServer,
  type TestServer,
  tempDir,
} from './_server.js'

// The web UI never does more than the user asked: a press starts one piece of work, and work
// that ends after the user moved on does not move them back.

const browser = useBrowser()

/**
 * Holds the page's requests to `pattern` (sent by the page, answered by the real server) until
 * `release()`, so the test decides when a piece of work ends instead of racing it.
 */
async function hold(page: Page, pattern: string) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let seen!: () => void
  const sent = new Promise<void>((resolve) => (seen = resolve))
  await page.route(pattern, async (route: Route) => {
    if (route.request().method() !== 'POST') return route.continue()
    seen()
    await gate
    await route.continue()
  })
  return { sent, release }
}

async function jobCount(t: TestServer): Promise<number> {
  const page = (await (await t.api('/api/import/jobs/?limit=100')).json()) as Json
  return page.items.length
}

describe('web UI: one press, one piece of work, and no jump back', () => {
  it('creates exactly one new job for a double click on "Import again"', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const failed = await failedStagedImport(t)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/imports/${failed.jobId}?upload=${failed.uploadId}`)
    await page.locator('#outcome', { hasText: 'Failed' }).waitFor()
    expect(await jobCount(t)).toBe(1)
    await page.getByRole('button', { name: 'Import again' }).dblclick()
    await page.waitForURL((url) => !url.hash.includes(failed.jobId))
    await page.locator('#outcome', { hasText: 'Failed' }).waitFor()
    expect(await jobCount(t)).toBe(2)
    expect(problems).toEqual([])
  })

  it('stays on the page the user moved to when a bulk change ends, saying only what it did', async () => {
    const t = await startServer()
    for (let i = 0; i < 25; i++) {
      await t.importer.products.create({ sku: `P-${i}`, name: `Product ${i}` })
    }
    const { page, problems } = await openPage(browser())
    const bulk = await hold(page, '**/api/products/bulk/')
    await page.goto(`${t.origin}/#/products`)
    await page.getByLabel('Select all on this page').check()
    await page.getByRole('button', { name: 'Select all 25 matching' }).click()
    await page.getByRole('button', { name: 'Set inactive' }).click()
    await page.getByRole('button', { name: 'Set 25 products inactive' }).click()
    await bulk.sent
    await page.getByRole('link', { name: 'Webhooks' }).click()
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor()
    bulk.release()
    await page.getByText('25 products set inactive').waitFor()
    expect(await t.importer.products.count({ active: false })).toBe(25)
    expect(new URL(page.url()).hash).toBe('#/webhooks')
    expect(await page.getByRole('heading', { name: 'Webhooks', level: 1 }).isVisible()).toBe(true)
    expect(problems).toEqual([])
  })

  it('tells of an upload that finished on another page instead of moving there, and closes a dialog when the page changes', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    await t.importer.products.create({ sku: 'LAMP-1', name: 'Desk lamp' })
    const { page, problems } = await openPage(browser())
    const upload = await hold(page, '**/api/uploads/**')
    await page.goto(`${t.origin}/#/import`)
    await page.locator('#file').setInputFiles({
      name: 'catalog.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(SAMPLE_CSV),
    })
    await page.getByRole('button', { name: 'Upload' }).click()
    await upload.sent
    // Meanwhile the user edits a product.
    await page.getByRole('link', { name: 'Products' }).click()
    await page.getByRole('button', { name: 'Edit LAMP-1' }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit product' })
    await dialog.waitFor()
    upload.release()
    const notice = page.locator('#notices .notice')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('Upload ready: map its columns (catalog.csv)')
    expect(new URL(page.url()).hash).toBe('#/products')
    expect(await dialog.isVisible()).toBe(true)

    // The dialog belongs to its page: going back closes it, and saves nothing.
    await page.goBack()
    await page.getByRole('heading', { name: 'Import products' }).waitFor()
    expect(await page.getByRole('dialog').count()).toBe(0)
    const listed = page.locator('#staged-uploads li')
    await listed.first().waitFor()
    expect(await listed.allTextContents()).toEqual([expect.stringContaining('catalog.csv')])
    expect(await accessibilityViolations(page)).toEqual([])
    await notice.getByRole('link', { name: 'map its columns' }).click()
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    expect(await page.locator('#notices .notice').count()).toBe(0)
    expect((await t.importer.products.getBySku('LAMP-1'))?.name).toBe('Desk lamp')
    expect(problems).toEqual([])
  })
})
