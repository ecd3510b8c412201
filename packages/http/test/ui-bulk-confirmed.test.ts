import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, screenshots, useBrowser } from './_browser.js'
import { startServer, type TestServer } from './_server.js'

// The products page never does more than its dialog showed: a bulk change carries the count the
// user confirmed and when it was read, and each action runs once however often it is pressed.

const browser = useBrowser()

async function seed(t: TestServer, prefix: string, name: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await t.importer.products.create({ sku: `${prefix}-${i}`, name: `${name} ${i}` })
  }
}

describe('web UI: bulk changes as confirmed', () => {
  it('"select all matching" deletes the products the dialog counted, not those created since', async () => {
    const t = await startServer()
    await seed(t, 'LAMP', 'Desk lamp', 25)
    await seed(t, 'CHAIR', 'Chair', 3)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products?q=lamp`)
    await page.getByText('Page 1 of 2 · 25 products').waitFor()
    await page.getByLabel('Select all on this page').check()
    await page.getByRole('button', { name: 'Select all 25 matching' }).click()
    await page.getByRole('button', { name: 'Delete selected' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete selected products' })
    expect(await dialog.textContent()).toContain('This deletes 25 products.')

    // Meanwhile another user (or an import) adds products that match the same search.
    await new Promise((resolve) => setTimeout(resolve, 5))
    await seed(t, 'NEW', 'New lamp', 5)
    await dialog.getByRole('button', { name: 'Delete 25 products' }).click()
    await page.getByText('Deleted 25 products').waitFor()
    expect(await t.importer.products.count({ q: 'lamp' })).toBe(5)
    expect((await t.importer.products.list({ q: 'lamp' })).items.map((p) => p.sku).sort()).toEqual([
      'NEW-0',
      'NEW-1',
      'NEW-2',
      'NEW-3',
      'NEW-4',
    ])
    expect(await t.importer.products.count()).toBe(8)
    expect(problems).toEqual([])
  })

  it('changes nothing and says so when the counted products changed before the confirmation', async () => {
    const t = await startServer()
    await seed(t, 'LAMP', 'Desk lamp', 22)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products?q=lamp`)
    await page.getByText('Page 1 of 2 · 22 products').waitFor()
    await page.getByLabel('Select all on this page').check()
    await page.getByRole('button', { name: 'Select all 22 matching' }).click()
    await page.getByRole('button', { name: 'Set inactive' }).click()
    // Above 20 products a change of status asks first, as a deletion does.
    const dialog = page.getByRole('dialog', { name: 'Change selected products' })
    expect(await dialog.textContent()).toContain('This sets 22 products inactive.')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'products-bulk-confirm-status')
    const lamp = await t.importer.products.getBySku('LAMP-3')
    await t.importer.products.delete(lamp!.id)
    await dialog.getByRole('button', { name: 'Set 22 products inactive' }).click()
    await page.getByText('Nothing was changed: 21 products match now, not the 22 shown').waitFor()
    expect(await t.importer.products.count({ active: false })).toBe(0)
    expect(problems).toEqual([])
  })

  it('opens one dialog for a double click on "Delete all products" and deletes only what it counted', async () => {
    const t = await startServer()
    await seed(t, 'P', 'Product', 4)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)
    await page.getByText('4 products').first().waitFor()
    await page.getByRole('button', { name: 'Delete all products' }).dblclick()
    const dialog = page.getByRole('dialog', { name: 'Delete all products' })
    await dialog.waitFor()
    expect(await page.getByRole('dialog').count()).toBe(1)
    expect(await page.getByRole('button', { name: 'Delete all products' }).isDisabled()).toBe(true)
    expect(await accessibilityViolations(page)).toEqual([])
    await seed(t, 'LATE', 'Created meanwhile', 1)
    await dialog.getByRole('button', { name: 'Delete 4 products' }).click()
    await page.getByText('Deleted 4 products').waitFor()
    expect(await page.getByRole('dialog').count()).toBe(0)
    expect((await t.importer.products.list()).items.map((p) => p.sku)).toEqual(['LATE-0'])
    expect(problems).toEqual([])
  })

  it('sends one request for a double click on a bulk action, with the buttons busy meanwhile', async () => {
    const t = await startServer()
    await seed(t, 'P', 'Product', 3)
    const { page, problems } = await openPage(browser())
    const requests: string[] = []
    // The request is held until the page has been looked at, then passed on to the server.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/api/products/bulk/', async (route) => {
      requests.push(route.request().postData() ?? '')
      await held
      await route.continue()
    })
    await page.goto(`${t.origin}/#/products`)
    await page.getByLabel('Select all on this page').check()
    await page.getByText('3 selected').waitFor()
    const button = page.getByRole('button', { name: 'Set inactive' })
    await button.dblclick()
    await expect.poll(() => requests.length).toBe(1)
    expect(await button.getAttribute('aria-busy')).toBe('true')
    expect(await button.isDisabled()).toBe(true)
    expect(await page.getByRole('button', { name: 'Delete selected' }).isDisabled()).toBe(true)
    // A spinner turns beside the label while the request runs.
    expect(
      await button.evaluate((element) => getComputedStyle(element, '::after').animationName),
    ).toBe('spin')
    await screenshots(page, 'products-bulk-busy')
    release()
    await page.getByText('3 products set inactive').waitFor()
    expect(requests).toHaveLength(1)
    expect(JSON.parse(requests[0]!)).toMatchObject({ action: 'deactivate' })
    expect(await t.importer.products.count({ active: false })).toBe(3)
    expect(problems).toEqual([])
  })
})
