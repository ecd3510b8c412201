import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, useBrowser } from './_browser.js'
import { type Json, startServer, type TestServer, tempDir, waitForJob } from './_server.js'

// What the import steps and the product form say matches what the file or the value is.

const browser = useBrowser()

async function stage(t: TestServer, body: string, filename = 'catalog.csv'): Promise<string> {
  const res = await t.api(`/api/uploads/?filename=${filename}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body,
  })
  return ((await res.json()) as Json).upload_id
}

describe('web UI: import and form messages', () => {
  it('says an .xlsx upload is an Excel workbook to save as CSV, not that it is text/csv', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import`)
    await page.locator('#file').setInputFiles({
      name: 'products.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from('PK\x03\x04 not really a workbook'),
    })
    await page.getByRole('button', { name: 'Upload' }).click()
    const error = page.getByRole('alert').filter({ hasText: 'products.xlsx' })
    await error.waitFor()
    expect(await error.textContent()).toBe(
      'products.xlsx is an Excel workbook; save it as CSV first',
    )
    expect(((await (await t.api('/api/uploads/')).json()) as Json).items).toEqual([])
    expect(problems).toEqual([])
  })

  it('says a file with a header and no rows has nothing to import, and offers no Import', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const id = await stage(t, 'sku,name,price\n')
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import?upload=${id}&mapped=1`)
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    expect(await page.locator('#no-rows').textContent()).toBe(
      'The file has a header but no rows: there is nothing to import.',
    )
    expect(await page.getByRole('button', { name: 'Import', exact: true }).count()).toBe(0)
    expect(problems).toEqual([])
  })

  it('says in the mapping step and the preview that a first row looks like data, not a header', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const id = await stage(t, 'SKU-001,Desk lamp,12.50,3\nSKU-002,Chair,40.00,1\n')
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import?upload=${id}`)
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    expect(await page.locator('#header-warning').textContent()).toMatch(
      /^The first row looks like data, not a header \("12\.50", "3" are numbers\)/,
    )
    expect(await accessibilityViolations(page)).toEqual([])
    await page.getByLabel('Field of SKU-001').selectOption('sku')
    await page.getByLabel('Field of Desk lamp').selectOption('name')
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    expect(await page.locator('#reading-warnings').textContent()).toContain(
      'the first row looks like data, not a header',
    )
    expect(problems).toEqual([])
  })

  it('says a preview whose file was imported since was imported, with a link to the import', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const id = await stage(t, 'sku,name,price\nLAMP-1,Desk lamp,12.50\n')
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import?upload=${id}&mapped=1`)
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    await page.waitForURL(/#\/imports\/[0-9a-f-]{36}/)
    const jobId = /#\/imports\/([0-9a-f-]{36})/.exec(page.url())![1]!
    expect(await waitForJob(t, jobId)).toMatchObject({ status: 'completed', created: 1 })
    await page.locator('#outcome').waitFor()
    await page.goBack()
    const imported = page.locator('#imported')
    await imported.waitFor()
    expect(await imported.textContent()).toContain('This file was imported: see the import')
    expect(await page.getByText('expired').count()).toBe(0)
    await imported.getByRole('link', { name: 'see the import' }).click()
    await page.waitForURL((url) => url.hash === `#/imports/${jobId}`)
    expect(problems).toEqual([])
  })

  it('asks for a dot in a price typed with a decimal comma, and says an empty quantity means 0', async () => {
    const t = await startServer()
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)
    await page.getByRole('button', { name: 'New product' }).click()
    const dialog = page.getByRole('dialog', { name: 'New product' })
    await dialog.getByLabel('SKU').fill('LAMP-1')
    await dialog.getByLabel('Name').fill('Desk lamp')
    await dialog.getByLabel('Price', { exact: true }).fill('1,99')
    expect(await dialog.locator('#field-quantity-hint').textContent()).toBe(
      'a whole number; empty means 0',
    )
    await dialog.getByRole('button', { name: 'Create' }).click()
    const priceError = dialog.locator('#field-price-error')
    await priceError.filter({ hasText: /./ }).waitFor()
    expect(await priceError.textContent()).toMatch(/^Use a dot: 1\.99\./)
    expect(await t.importer.products.count()).toBe(0)
    await dialog.getByLabel('Price', { exact: true }).fill('1.99')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('cell', { name: 'LAMP-1', exact: true }).waitFor()
    expect(await t.importer.products.getBySku('LAMP-1')).toMatchObject({
      price: '1.99',
      quantity: 0,
    })
    expect(problems).toEqual([])
  })
})
