import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, useBrowser } from './_browser.js'
import { startServer } from './_server.js'

const browser = useBrowser()

const GONE = 'This product was deleted elsewhere'

describe('web UI: a product deleted in another tab', () => {
  it('removes the row with a plain message when an edit, a switch or a delete finds the product gone', async () => {
    const t = await startServer()
    const ids = new Map<string, string>()
    for (const sku of ['DESK-1', 'DESK-2', 'DESK-3', 'DESK-4', 'KEEP-1']) {
      ids.set(sku, (await t.importer.products.create({ sku, name: `Item ${sku}` })).id)
    }
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)
    await page.getByText('Page 1 of 1 · 5 products').waitFor()
    const status = page.locator('#status')
    const deleteElsewhere = async (sku: string) => {
      const answer = await t.api(`/api/products/${ids.get(sku)}/`, { method: 'DELETE' })
      expect(answer.status).toBe(204)
    }
    const rowOf = (sku: string) => page.getByRole('row').filter({ hasText: sku })

    // The switch.
    await deleteElsewhere('DESK-1')
    await page.getByRole('switch', { name: 'Active: DESK-1' }).click()
    await status.filter({ hasText: GONE }).waitFor()
    await rowOf('DESK-1').waitFor({ state: 'detached' })
    expect(await status.textContent()).not.toMatch(/no product with id/i)

    // Edit, gone before the dialog opens: no dialog over a product that is not there.
    await deleteElsewhere('DESK-2')
    await page.getByRole('button', { name: 'Edit DESK-2' }).click()
    await status.filter({ hasText: GONE }).waitFor()
    await rowOf('DESK-2').waitFor({ state: 'detached' })
    expect(await page.getByRole('dialog').count()).toBe(0)

    // Edit, gone while the dialog is open: saving closes it and drops the row.
    await page.getByRole('button', { name: 'Edit DESK-3' }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit product' })
    await dialog.getByLabel('Name').fill('Renamed desk')
    await deleteElsewhere('DESK-3')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await status.filter({ hasText: GONE }).waitFor()
    await dialog.waitFor({ state: 'detached' })
    await rowOf('DESK-3').waitFor({ state: 'detached' })

    // Delete, gone between the list and the confirmation.
    await page.getByRole('button', { name: 'Delete DESK-4' }).click()
    await deleteElsewhere('DESK-4')
    await page
      .getByRole('dialog', { name: 'Delete product' })
      .getByRole('button', { name: 'Delete' })
      .click()
    await status.filter({ hasText: GONE }).waitFor()
    await rowOf('DESK-4').waitFor({ state: 'detached' })

    // What is left is what the server has, and nothing was recreated.
    await page.getByText('Page 1 of 1 · 1 products').waitFor()
    const listed = (await (await t.api('/api/products/')).json()) as { items: { sku: string }[] }
    expect(listed.items.map((p) => p.sku)).toEqual(['KEEP-1'])
    expect(await accessibilityViolations(page)).toEqual([])
    expect(problems).toEqual([])
  })
})
