import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, screenshots, useBrowser } from './_browser.js'
import { startServer } from './_server.js'

const browser = useBrowser()

describe('web UI: login', () => {
  it('asks for the token, refuses a wrong one, signs in with the right one and never puts it in a URL', async () => {
    const t = await startServer({ auth: { token: 'correct-horse-battery' } })
    await t.importer.products.create({ sku: 'S-1', name: 'Stool' })
    const { page, problems } = await openPage(browser())
    const urls: string[] = []
    page.on('request', (request) => urls.push(request.url()))
    await page.goto(`${t.origin}/#/products`)

    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'login')
    await page.getByLabel('Access token').fill('wrong-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('That token is not valid.').waitFor()
    expect(await page.getByLabel('Access token').getAttribute('aria-invalid')).toBe('true')

    await page.getByLabel('Access token').fill('correct-horse-battery')
    await page.getByRole('button', { name: 'Sign in' }).click()
    // Back on the page asked for, now allowed.
    await page.getByRole('cell', { name: 'S-1', exact: true }).waitFor()
    expect(page.url()).toBe(`${t.origin}/#/products`)

    const cookies = await page.context().cookies()
    expect(cookies).toEqual([
      expect.objectContaining({
        name: 'product_importer_token',
        httpOnly: true,
        sameSite: 'Strict',
      }),
    ])
    expect(await page.evaluate(() => document.cookie)).toBe('')
    expect(
      urls.filter((url) => url.includes('correct-horse') || url.includes('wrong-token')),
    ).toEqual([])
    expect(problems).toEqual([])
  })
})
