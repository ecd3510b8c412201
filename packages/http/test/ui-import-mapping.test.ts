import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, screenshots, useBrowser } from './_browser.js'
import { type Json, startServer, tempDir, waitForJob } from './_server.js'

const browser = useBrowser()

describe('web UI: the mapping of an import', () => {
  it('imports with exactly the mapping its preview used, though another was remembered for the header meanwhile', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import`)
    await page.locator('#file').setInputFiles({
      name: 'catalog.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Reference,SKU,Name,Price (EUR)\nSUP-1,A-1,Anchor,12.50\n'),
    })
    await page.getByRole('button', { name: 'Upload' }).click()
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    // The detected mapping, left as it is.
    expect(await page.getByLabel('Field of SKU').inputValue()).toBe('sku')
    expect(await page.getByLabel('Field of Price (EUR)').inputValue()).toBe('price')
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    expect(page.url()).not.toContain('map=')
    const mappingShown = async () =>
      (await page.locator('#reading-mapping tbody tr').allTextContents()).slice(0, 4)
    expect(await mappingShown()).toEqual([
      'SKUSKU',
      'NameName',
      'Descriptionnot imported',
      'PricePrice (EUR)',
    ])
    expect(await page.locator('#reading-warnings').textContent()).toContain(
      'sku is read from "SKU" (column 2); column "Reference" (column 1) is ignored',
    )
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-preview-reading')

    // Meanwhile the same header is imported elsewhere without prices, and that is remembered.
    const elsewhere = await t.api(
      `/api/import/?${new URLSearchParams({ mapping: '{"price":null}', remember: 'true' })}`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'Price (EUR),Name,SKU,Reference\n1.00,Buoy,B-2,SUP-2\n',
      },
    )
    await waitForJob(t, ((await elsewhere.json()) as Json).job_id)
    expect((await t.importer.mappings.list()).map((m) => m.columns)).toEqual([{ price: null }])

    await page.getByRole('button', { name: 'Import' }).click()
    await page.waitForURL(/#\/imports\/[0-9a-f-]{36}/)
    await page.locator('#outcome', { hasText: 'Completed' }).waitFor()
    const jobId = new URL(page.url()).hash.match(/imports\/([0-9a-f-]{36})/)?.[1]
    const job = (await (await t.api(`/api/import/${jobId}/`)).json()) as Json
    expect(job).toMatchObject({
      status: 'completed',
      created: 1,
      mapping: { sku: 'SKU', name: 'Name', price: 'Price (EUR)' },
      remembered_mapping: null,
    })
    const product = (await (await t.api('/api/products/?sku=A-1')).json()) as Json
    expect(product.items).toMatchObject([{ sku: 'A-1', price: '12.50' }])
    // The detected mapping it sent is not remembered over the one saved meanwhile.
    expect((await t.importer.mappings.list()).map((m) => m.columns)).toEqual([{ price: null }])
    expect(await mappingShown()).toEqual([
      'SKUSKU',
      'NameName',
      'Descriptionnot imported',
      'PricePrice (EUR)',
    ])
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-job-reading')

    // The next upload of that header previews with the remembered mapping, and says so.
    await page.goto(`${t.origin}/#/import`)
    await page.locator('#file').setInputFiles({
      name: 'more.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('SKU,Reference,Name,Price (EUR)\nC-3,SUP-3,Compass,9.00\n'),
    })
    await page.getByRole('button', { name: 'Upload' }).click()
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.locator('#reading-remembered').waitFor()
    expect(await page.locator('#reading-remembered').textContent()).toContain(
      (await t.importer.mappings.list())[0]?.signature,
    )
    expect((await mappingShown())[3]).toBe('Pricenot imported')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-preview-remembered')
    expect(problems).toEqual([])
  })

  it('maps columns to the catalog fields (brand, tags, category) and imports them', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import`)
    await page.locator('#file').setInputFiles({
      name: 'katalog.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'SKU,Name,Hersteller,Schlagworte,Warengruppe\nL-1,Lampe,Lumen,"warm, led",Licht > Lampen\n',
      ),
    })
    await page.getByRole('button', { name: 'Upload' }).click()
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    // No alias knows these headers: nothing is chosen for them until the user does.
    expect(await page.getByLabel('Field of Hersteller').inputValue()).toBe('')
    const notImported = page.locator('#not-imported')
    expect(await notImported.textContent()).toBe(
      '3 of 5 columns will not be imported: "Hersteller", "Schlagworte", "Warengruppe".',
    )
    await page.getByLabel('Field of Hersteller').selectOption({ label: 'Brand' })
    await page.getByLabel('Field of Schlagworte').selectOption({ label: 'Tags' })
    expect(await notImported.textContent()).toBe(
      '1 of 5 columns will not be imported: "Warengruppe".',
    )
    await page.getByLabel('Field of Warengruppe').selectOption({ label: 'Category' })
    expect(await notImported.textContent()).toBe('Every column is imported (5).')
    expect(await accessibilityViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    await page.getByRole('button', { name: 'Import' }).click()
    await page.waitForURL(/#\/imports\/[0-9a-f-]{36}/)
    await page.locator('#outcome', { hasText: 'Completed' }).waitFor()
    const product = (await (await t.api('/api/products/?sku=L-1')).json()) as Json
    expect(product.items).toMatchObject([
      { sku: 'L-1', brand: 'Lumen', tags: ['warm', 'led'], category: 'Licht > Lampen' },
    ])
    expect(problems).toEqual([])
  })

  it('says which columns the platform reads itself, and leaves them out of the not-imported line', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import`)
    await page.locator('#file').setInputFiles({
      name: 'shopify.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Handle,Title,Published,Variant SKU,Variant Price,Status,Type\ncap,Cap,FALSE,CAP-1,15.00,active,Hats\n',
      ),
    })
    await page.getByRole('button', { name: 'Upload' }).click()
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    const published = page.getByRole('row').filter({ hasText: 'Published' })
    expect(await published.locator('.read-as').textContent()).toBe('shopify: Active, with Status')
    expect(await page.getByLabel('Field of Published').inputValue()).toBe('')
    expect(
      await page.getByLabel('Field of Published').locator('option').first().textContent(),
    ).toBe('Read by the platform')
    expect(await page.locator('#not-imported').textContent()).toBe(
      '1 of 7 columns will not be imported: "Type".',
    )
    expect(await accessibilityViolations(page)).toEqual([])
    // Left as it is, Published still decides: the cap is inactive.
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    await page.getByRole('button', { name: 'Import' }).click()
    await page.locator('#outcome', { hasText: 'Completed' }).waitFor()
    const product = (await (await t.api('/api/products/?sku=CAP-1')).json()) as Json
    expect(product.items).toMatchObject([{ sku: 'CAP-1', active: false, group: null }])
    expect(problems).toEqual([])
  })
})
