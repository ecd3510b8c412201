import { describe, expect, it } from 'vitest'
import { openPage, useBrowser } from './_browser.js'
import { type Json, jsonInit, startServer, type TestServer, waitForJob } from './_server.js'

const browser = useBrowser()

async function seed(t: TestServer, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await t.importer.products.create({ sku: `OLD-${i}`, name: `Old ${i}` })
}

/** An import job created through the API, its file not sent yet: it waits, pending. */
async function pendingImport(t: TestServer): Promise<Json> {
  const answer = await t.api('/api/import/', jsonInit('POST', { filename: 'more.csv' }))
  expect(answer.status).toBe(201)
  return (await answer.json()) as Json
}

async function upload(t: TestServer, job: Json, csv: string): Promise<void> {
  const sent = await t.api(job.upload_url as string, {
    method: 'PUT',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  })
  expect(sent.status).toBeLessThan(300)
  expect((await waitForJob(t, job.job_id as string)).status).toBe('completed')
}

describe('web UI: counts and lists follow changes made elsewhere', () => {
  it('shows the new total on the products page once an import through the API completes, without a reload', async () => {
    const t = await startServer()
    await seed(t, 3)
    const job = await pendingImport(t)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)
    await page.getByText('Page 1 of 1 · 3 products').waitFor()
    // The page's first look at the server is done: what changes after is news to it.
    await page.waitForLoadState('networkidle')
    // The URL stays: the page was not reloaded, the list was read again.
    const marker = await page.evaluate(() => {
      ;(window as unknown as { marker: number }).marker = 1
      return location.href
    })

    await upload(t, job, 'sku,name\nNEW-1,New one\nNEW-2,New two\n')
    await page.getByText('Page 1 of 1 · 5 products').waitFor()
    await page.getByRole('cell', { name: 'NEW-2', exact: true }).waitFor()
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1)
    expect(page.url()).toBe(marker)
    expect(problems).toEqual([])
  })

  it('keeps a selection the user is making through a refresh, and shows the change once it is cleared', async () => {
    const t = await startServer()
    await seed(t, 3)
    const job = await pendingImport(t)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/products`)
    await page.getByText('Page 1 of 1 · 3 products').waitFor()
    await page.waitForLoadState('networkidle')
    const check = page.getByRole('checkbox', { name: 'Select OLD-1' })
    await check.check()
    await page.getByText('1 selected').waitFor()
    // The selection alone holds the list, wherever focus is.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())

    // The page's look that sees the job ended (it stops looking then) leaves the selection.
    const looked = page.waitForResponse(
      async (response) =>
        response.url().includes('/api/import/jobs/') &&
        (await response.text()).includes(job.job_id as string) &&
        (await response.text()).includes('"completed"'),
    )
    await upload(t, job, 'sku,name\nNEW-1,New one\n')
    await looked
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)))
    expect(await check.isChecked()).toBe(true)
    expect(await page.getByText('Page 1 of 1 · 3 products').isVisible()).toBe(true)

    await check.uncheck()
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
    await page.getByText('Page 1 of 1 · 4 products').waitFor()
    expect(problems).toEqual([])
  })

  it('shows the new totals on the dashboard when its tab is shown again after an import elsewhere', async () => {
    const t = await startServer()
    await seed(t, 3)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/`)
    const total = page.locator('a.stat', { hasText: 'total' })
    await total.filter({ hasText: '3' }).waitFor()
    await page.waitForLoadState('networkidle')

    // An import through the API while the user is in another tab, then back to this one.
    // Headless Chromium never hides a tab (every page stays visible and focused), so the test
    // sends the event a browser sends when the tab is shown again.
    await upload(t, await pendingImport(t), 'sku,name\nNEW-1,New one\n')
    expect(await total.textContent()).toContain('3')
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
    await total.filter({ hasText: '4' }).waitFor()
    await page.getByText('more.csv').waitFor()
    expect(problems).toEqual([])
  })
})
