import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, screenshots, useBrowser } from './_browser.js'
import { type Json, jsonInit, startServer } from './_server.js'

const browser = useBrowser()

describe('web UI: products page', () => {
  it('creates, edits, searches, filters, sorts, pages, bulk-deletes and deletes all, with the URL restoring each view', async () => {
    const t = await startServer()
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)

    // First run: the empty state offers an import and a first product.
    await page.getByRole('heading', { name: 'No products yet' }).waitFor()
    expect(await page.getByRole('link', { name: 'Import a file' }).isVisible()).toBe(true)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'products-empty')

    // Create, with a validation message from the API beside the price field.
    await page.getByRole('button', { name: 'Create a product' }).click()
    const dialog = page.getByRole('dialog', { name: 'New product' })
    await dialog.getByLabel('SKU').fill('LAMP-1')
    await dialog.getByLabel('Name').fill('Desk lamp')
    await dialog.getByLabel('Price', { exact: true }).fill('12.345')
    await dialog.getByRole('button', { name: 'Create' }).click()
    const priceError = dialog.locator('#field-price-error')
    await priceError.filter({ hasText: /./ }).waitFor()
    expect(await dialog.getByLabel('Price', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    )
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'product-form-error')
    await dialog.getByLabel('Price', { exact: true }).fill('12.50')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('cell', { name: 'LAMP-1', exact: true }).waitFor()
    const created = await t.importer.products.getBySku('lamp-1')
    expect(created).toMatchObject({ name: 'Desk lamp', price: '12.50', active: true })

    // Edit.
    await page.getByRole('button', { name: 'Edit LAMP-1' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit product' })
    await edit.getByLabel('Name').fill('Desk lamp, brass')
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('cell', { name: 'Desk lamp, brass', exact: true }).waitFor()
    expect((await t.importer.products.getBySku('LAMP-1'))?.name).toBe('Desk lamp, brass')

    // A SKU taken by another product (case-insensitively) is reported on the SKU field.
    await page.getByRole('button', { name: 'New product' }).click()
    const duplicate = page.getByRole('dialog', { name: 'New product' })
    await duplicate.getByLabel('SKU').fill('lamp-1')
    await duplicate.getByLabel('Name').fill('Another lamp')
    await duplicate.getByRole('button', { name: 'Create' }).click()
    await duplicate
      .locator('#field-sku-error')
      .filter({ hasText: /lamp-1|taken|exists/i })
      .waitFor()
    await duplicate.getByRole('button', { name: 'Cancel' }).click()
    expect(await t.importer.products.count()).toBe(1)

    // Toggle active from the row.
    await page.getByRole('switch', { name: 'Active: LAMP-1' }).click()
    await page.getByRole('switch', { name: 'Active: LAMP-1', checked: false }).waitFor()
    expect((await t.importer.products.getBySku('LAMP-1'))?.active).toBe(false)

    // 45 more: 30 lamps (every third inactive) and 15 chairs.
    for (let i = 0; i < 45; i++) {
      const lamp = i < 30
      await t.importer.products.create({
        sku: lamp ? `LAMP-${100 + i}` : `CHAIR-${i}`,
        name: lamp ? `Lamp ${i}` : `Chair ${i}`,
        price: `${i + 1}.00`,
        quantity: i,
        active: !(lamp && i % 3 === 0),
      })
    }

    // Search, filter and sort, each through the page's controls.
    await page.getByRole('link', { name: 'Products' }).click()
    await page.getByLabel('Search').fill('lamp')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/q=lamp/)
    await page.getByLabel('Status').selectOption('true')
    await page.waitForURL(/active=true/)
    await page.getByLabel('Sort by').selectOption('-price')
    await page.waitForURL(/sort=-price/)
    // 20 active lamps, dearest first: 30.00 is LAMP-129.
    await page.getByText('Page 1 of 1 · 20 products').waitFor()
    expect(await firstSku(page)).toBe('LAMP-129')

    // Column headings sort too, and say how (20 active lamps: quantities 1 to 29).
    await page.getByRole('link', { name: 'Quantity', exact: true }).click()
    await page.waitForURL(/sort=quantity/)
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Quantity' }).waitFor()
    expect(await firstSku(page)).toBe('LAMP-101')
    await page.getByRole('link', { name: 'Quantity', exact: true }).click()
    await page.waitForURL(/sort=-quantity/)
    await page.locator('th[aria-sort="descending"]', { hasText: 'Quantity' }).waitFor()
    expect(await firstSku(page)).toBe('LAMP-129')

    // Page through everything sorted by SKU, then check the link restores that view elsewhere.
    await page.getByRole('link', { name: 'Products' }).click()
    // The unfiltered list first, as the user sees it: a select of the lamps' page, still on
    // screen for a moment, would sort the old view.
    await page.waitForURL(/#\/products$/)
    await page.getByText('Page 1 of 3 · 46 products').waitFor()
    await page.getByLabel('Sort by').selectOption('sku')
    await page.waitForURL(/sort=sku/)
    await page.getByText('Page 1 of 3 · 46 products').waitFor()
    await page.getByRole('link', { name: 'Page 3' }).click()
    await page.getByText('Page 3 of 3 · 46 products').waitFor()
    expect(page.url()).toMatch(/#\/products\?sort=sku&page=3$/)
    const lastPageSkus = await skus(page)
    await page.goBack()
    await page.getByText('Page 1 of 3 · 46 products').waitFor()
    await page.goForward()
    await page.getByText('Page 3 of 3 · 46 products').waitFor()
    const { page: other } = await openPage(browser())
    await other.goto(page.url())
    await other.getByText('Page 3 of 3 · 46 products').waitFor()
    expect(await skus(other)).toEqual(lastPageSkus)
    expect(await other.getByLabel('Sort by').inputValue()).toBe('sku')
    await other.close()
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'products')

    // No match: the second empty state clears the filters.
    await page.goto(`${t.origin}/#/products?q=nothing-like-this`)
    await page.getByRole('heading', { name: 'No product matches' }).waitFor()
    await page.getByRole('link', { name: 'Clear filters' }).click()
    await page.getByText('Page 1 of 3 · 46 products').waitFor()

    // Select the page, widen to all 30 lamps matching the search, set inactive, then delete them.
    await page.goto(`${t.origin}/#/products?q=lamp`)
    await page.getByText('Page 1 of 2 · 31 products').waitFor()
    await page.getByLabel('Select all on this page').check()
    await page.getByText('20 selected').waitFor()
    await page.getByRole('button', { name: 'Select all 31 matching' }).click()
    await page.getByText('All 31 matching products selected').waitFor()
    await page.getByRole('button', { name: 'Set inactive' }).click()
    // Above 20 products a change of status asks first, as a deletion does.
    await page
      .getByRole('dialog', { name: 'Change selected products' })
      .getByRole('button', { name: 'Set 31 products inactive' })
      .click()
    await page.getByText('products set inactive').waitFor()
    expect(await t.importer.products.count({ q: 'lamp', active: true })).toBe(0)
    await page.getByLabel('Select all on this page').check()
    await page.getByRole('button', { name: 'Select all 31 matching' }).click()
    await page.getByRole('button', { name: 'Delete selected' }).click()
    const confirmBulk = page.getByRole('dialog', { name: 'Delete selected products' })
    expect(await confirmBulk.textContent()).toContain(
      'This deletes 31 products. It cannot be undone.',
    )
    await confirmBulk.getByRole('button', { name: 'Delete 31 products' }).click()
    await page.getByRole('heading', { name: 'No product matches' }).waitFor()
    expect(await t.importer.products.count()).toBe(15)

    // Delete all, behind a confirmation that says how many.
    await page.goto(`${t.origin}/#/products`)
    await page.getByRole('button', { name: 'Delete all products' }).click()
    const confirmAll = page.getByRole('dialog', { name: 'Delete all products' })
    expect(await confirmAll.textContent()).toContain(
      'This deletes all 15 products. It cannot be undone.',
    )
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'delete-all-confirmation')
    await confirmAll.getByRole('button', { name: 'Cancel' }).click()
    // Focus returns to the button that opened the dialog (once the dialog's close has run).
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Delete all products')
    expect(await t.importer.products.count()).toBe(15)
    await page.getByRole('button', { name: 'Delete all products' }).click()
    await confirmAll.getByRole('button', { name: 'Delete 15 products' }).click()
    await page.getByRole('heading', { name: 'No products yet' }).waitFor()
    expect(await t.importer.products.count()).toBe(0)
    expect(problems).toEqual([])
  })

  it('saves only the fields changed in the edit dialog, and shows a change of the same field made elsewhere instead of overwriting it', async () => {
    const t = await startServer()
    const lamp = await t.importer.products.create({
      sku: 'LAMP-1',
      name: 'Desk lamp',
      price: '100.00',
      quantity: 5,
    })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)

    // An import-like change of price and stock while the dialog is open survives a rename.
    await page.getByRole('button', { name: 'Edit LAMP-1' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit product' })
    await edit.getByLabel('Name').waitFor()
    const meanwhile = await t.api(
      `/api/products/${lamp.id}/`,
      jsonInit('PATCH', { price: '120.00', quantity: 50 }),
    )
    expect(meanwhile.status).toBe(200)
    await edit.getByLabel('Name').fill('Desk lamp, brass')
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('cell', { name: 'Desk lamp, brass', exact: true }).waitFor()
    const renamed = (await (await t.api(`/api/products/${lamp.id}/`)).json()) as Json
    expect(renamed).toMatchObject({ name: 'Desk lamp, brass', price: '120.00', quantity: 50 })

    // The same field changed elsewhere: the dialog says so and nothing is overwritten.
    await page.getByRole('button', { name: 'Edit LAMP-1' }).click()
    await edit.getByLabel('Name').waitFor()
    await t.api(`/api/products/${lamp.id}/`, jsonInit('PATCH', { name: 'Reading lamp' }))
    await edit.getByLabel('Name').fill('Floor lamp')
    await edit.getByRole('button', { name: 'Save' }).click()
    const notice = edit.getByRole('alert').filter({ hasText: 'changed elsewhere' })
    await notice.waitFor()
    expect(await notice.textContent()).toContain(
      'This product was changed elsewhere since you opened it',
    )
    expect(await notice.textContent()).toContain('Name: now Reading lamp, you entered Floor lamp')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'product-form-conflict')
    const kept = (await (await t.api(`/api/products/${lamp.id}/`)).json()) as Json
    expect(kept).toMatchObject({ name: 'Reading lamp', price: '120.00', quantity: 50 })

    // Loading the current values lets the user decide, and save from the current version.
    await notice.getByRole('button', { name: 'Load the current values' }).click()
    expect(await edit.getByLabel('Name').inputValue()).toBe('Reading lamp')
    expect(await edit.getByLabel('Quantity').inputValue()).toBe('50')
    await edit.getByLabel('Quantity').fill('49')
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('cell', { name: 'Reading lamp', exact: true }).waitFor()
    expect((await t.importer.products.get(lamp.id))?.quantity).toBe(49)
    expect(problems).toEqual([])
  })

  it('shows a product named like markup as text and runs nothing', async () => {
    const t = await startServer()
    const name = '<img src=x onerror=alert(1)>'
    await t.api('/api/products/', jsonInit('POST', { sku: 'XSS-1', name, description: name }))
    const { page, problems } = await openPage(browser())
    let dialogs = 0
    page.on('dialog', (dialog) => {
      dialogs++
      void dialog.dismiss()
    })
    await page.goto(`${t.origin}/#/products`)
    await page.getByRole('cell', { name, exact: true }).waitFor()
    expect(await page.locator('main img').count()).toBe(0)
    await page.getByRole('button', { name: 'Delete XSS-1' }).click()
    expect(await page.getByRole('dialog').textContent()).toContain(name)
    expect(dialogs).toBe(0)
    expect(problems).toEqual([])
  })

  it('edits the catalog fields: lists as typed, empty as none, a bad image address named, a change elsewhere kept', async () => {
    const t = await startServer()
    const created = await t.api(
      '/api/products/',
      jsonInit('POST', {
        sku: 'MUG-1',
        name: 'Mug',
        brand: 'Studio',
        tags: ['coffee'],
        images: ['https://cdn.example.com/mug.jpg'],
        weight_grams: 300,
      }),
    )
    const mug = (await created.json()) as Json
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)
    await page.getByRole('button', { name: 'Edit MUG-1' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit product' })
    // The stored values, each in its own form.
    expect(await edit.getByLabel('Brand').inputValue()).toBe('Studio')
    expect(await edit.getByLabel('Tags').inputValue()).toBe('coffee')
    expect(await edit.getByLabel('Weight (g)').inputValue()).toBe('300')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'product-form-catalog')

    // Meanwhile an import moves the stock: not a field this edit touches, so it stays.
    await t.api(`/api/products/${mug.id}/`, jsonInit('PATCH', { quantity: 12 }))
    await edit.getByLabel('Brand').fill('')
    await edit.getByLabel('Category').fill('Kitchen > Cups')
    await edit.getByLabel('Tags').fill('coffee, tea , ,gift')
    await edit.getByLabel('Images').fill('https://cdn.example.com/mug.jpg\nnot a web address')
    await edit.getByLabel('Compare-at price').fill('12.50')
    await edit.getByLabel('Weight (g)').fill('')
    await edit.getByRole('button', { name: 'Save' }).click()
    // The API's message, beside the field it concerns; nothing saved.
    await edit.locator('#field-images-error').filter({ hasText: /./ }).waitFor()
    expect(await edit.getByLabel('Images').getAttribute('aria-invalid')).toBe('true')
    expect(await (await t.api(`/api/products/${mug.id}/`)).json()).toMatchObject({
      brand: 'Studio',
      category: null,
    })

    await edit
      .getByLabel('Images')
      .fill('https://cdn.example.com/mug.jpg\nhttps://cdn.example.com/side.jpg')
    await edit.getByRole('button', { name: 'Save' }).click()
    await edit.waitFor({ state: 'hidden' })
    expect(await (await t.api(`/api/products/${mug.id}/`)).json()).toMatchObject({
      brand: null,
      category: 'Kitchen > Cups',
      tags: ['coffee', 'tea', 'gift'],
      images: ['https://cdn.example.com/mug.jpg', 'https://cdn.example.com/side.jpg'],
      compare_at_price: '12.50',
      weight_grams: null,
      quantity: 12,
    })
    // The row: brand in its column, category under the name, and the main image's square,
    // blank here since its host cannot be reached.
    const mugRow = page.getByRole('row').filter({ hasText: 'MUG-1' })
    await mugRow.getByText('Kitchen > Cups').waitFor()
    expect(await mugRow.getByRole('cell').nth(3).textContent()).toBe('')
    await mugRow.locator('span.thumb').waitFor()
    expect(await mugRow.locator('img').count()).toBe(0)

    // An image host that answers (the machine has no internet: the route stands in for it).
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    )
    await page.route('https://img.example.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'image/png', body: png }),
    )
    await t.api(
      '/api/products/',
      jsonInit('POST', {
        sku: 'LAMP-9',
        name: 'Brass lamp',
        brand: 'Lumen',
        images: ['https://img.example.com/lamp.png'],
      }),
    )
    await page.reload()
    const lampRow = page.getByRole('row').filter({ hasText: 'LAMP-9' })
    const thumb = lampRow.getByRole('img', { name: 'Brass lamp' })
    await thumb.waitFor()
    expect(await thumb.getAttribute('loading')).toBe('lazy')
    await page.waitForFunction(
      () => (document.querySelector('img.thumb') as HTMLImageElement | null)?.naturalWidth === 1,
    )
    expect(await lampRow.getByRole('cell').nth(3).textContent()).toBe('Lumen')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'products-thumbnails')
    expect(problems).toEqual([])
  })
})

async function skus(page: import('playwright-core').Page): Promise<string[]> {
  return page.locator('td.sku').allTextContents()
}

async function firstSku(page: import('playwright-core').Page): Promise<string | undefined> {
  return (await skus(page))[0]
}
