import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, useBrowser } from './_browser.js'
import { startServer } from './_server.js'

const browser = useBrowser()

describe('web UI: the products toolbar by keyboard', () => {
  it('keeps focus on the Sort select and the Search field while the view they change re-renders', async () => {
    const t = await startServer()
    for (const [sku, name] of [
      ['B-2', 'Bench'],
      ['A-1', 'Armchair'],
      ['C-3', 'Cabinet'],
    ] as const) {
      await t.importer.products.create({ sku, name })
    }
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)
    await page.getByText('Page 1 of 1 · 3 products').waitFor()

    // Arrow keys on a closed select change it, one option a press: each press is a new view.
    await page.getByLabel('Sort by').focus()
    await page.keyboard.press('ArrowDown')
    await page.waitForURL(/sort=sku$/)
    await page.locator('tbody tr:first-child td.sku', { hasText: 'A-1' }).waitFor()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sort')
    await page.keyboard.press('ArrowDown')
    await page.waitForURL(/sort=-sku$/)
    await page.locator('tbody tr:first-child td.sku', { hasText: 'C-3' }).waitFor()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sort')
    expect(await page.getByLabel('Sort by').inputValue()).toBe('-sku')

    // The Status select likewise.
    await page.getByLabel('Status').focus()
    await page.keyboard.press('ArrowDown')
    await page.waitForURL(/active=true/)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('active-filter')

    // Enter in Search runs it and leaves the caret in the field, to refine the search.
    await page.getByLabel('Search').focus()
    await page.keyboard.type('bench')
    await page.keyboard.press('Enter')
    await page.waitForURL(/q=bench/)
    await page.getByText('Page 1 of 1 · 1 products').waitFor()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search')
    await page.keyboard.press('End')
    await page.keyboard.type('x')
    expect(await page.getByLabel('Search').inputValue()).toBe('benchx')

    // A new page (not a new view of the same one) still moves focus to its heading.
    await page.getByRole('link', { name: 'Dashboard' }).click()
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1')
    expect(await accessibilityViolations(page)).toEqual([])
    expect(problems).toEqual([])
  })
})
