import { createWriteStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, openPage, screenshots, useBrowser } from './_browser.js'
import {
  failedStagedImport,
  generatedCsv,
  type Json,
  jsonInit,
  startServer,
  type TestServer,
  tempDir,
} from './_server.js'

const browser = useBrowser()

/**
 * A job whose file the test sends itself: the first `before` rows at once, the rest only when
 * `release()` is called, so the job stays running for as long as the test needs.
 */
async function heldImport(t: TestServer, before: number, total: number) {
  const job = (await (
    await t.api('/api/import/', jsonInit('POST', { filename: 'held.csv' }))
  ).json()) as Json
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const abort = new AbortController()
  async function* body() {
    let rows = 0
    for await (const chunk of generatedCsv(total, 250)) {
      yield chunk
      rows += 250
      if (rows === before) await gate
    }
  }
  const upload = t
    .api(job.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream,
      duplex: 'half',
      signal: abort.signal,
    } as RequestInit)
    .catch(() => undefined)
  return { id: job.job_id as string, release, abort, upload }
}

/** Waits until the job has committed at least `rows` rows (bounded). */
async function committed(t: TestServer, id: string, rows: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const job = await t.importer.imports.get(id)
    if (job && job.rows >= rows) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`job ${id} did not reach ${rows} rows`)
}

describe('web UI: imports', () => {
  it('uploads a 50,000-row file dropped on the drop zone once, previews it, imports it live to 100% and shows the database counts', async () => {
    const dir = tempDir()
    const t = await startServer({ staging: { dir } })
    const file = join(dir, 'catalog.csv')
    await pipeline(
      Readable.from(
        (async function* () {
          yield* generatedCsv(50_000)
          // Two rows without a name: rejected, and listed in the preview.
          yield 'BAD-1,,no name,1.00,1\nBAD-2,,no name either,2.00,2\n'
        })(),
      ),
      createWriteStream(file),
    )
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import`)
    await page.getByRole('heading', { name: 'Import products' }).waitFor()
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import')

    // The file input sits in the drop zone and is reachable by keyboard.
    await page.keyboard.press('Tab') // skip link
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab')
      if (await page.evaluate(() => document.activeElement?.id === 'file')) break
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('file')
    // Dropped on the zone, as a user drags it from a file manager.
    const dataTransfer = await page.evaluateHandle(
      (csv) => {
        const transfer = new DataTransfer()
        transfer.items.add(new File([csv], 'catalog.csv', { type: 'text/csv' }))
        return transfer
      },
      readFileSync(file, 'utf8'),
    )
    await page.locator('#drop-zone').dispatchEvent('dragover', { dataTransfer })
    await page.locator('#drop-zone').dispatchEvent('drop', { dataTransfer })
    await page.getByText(/catalog\.csv \(/).waitFor()
    await page.getByRole('button', { name: 'Upload' }).click()

    // Mapping: every column of this file maps itself; nothing to change.
    await page.waitForURL(/#\/import\?upload=[0-9a-f-]{36}$/)
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    expect(await page.getByLabel('Field of sku').inputValue()).toBe('sku')
    await page.getByRole('button', { name: 'Preview' }).click()

    // Preview: a dry run of the staged file.
    await page.waitForURL(/#\/import\?upload=[0-9a-f-]{36}&mapped=1&preview=[0-9a-f-]{36}$/)
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    const counts = await page.locator('#preview-counts div').allTextContents()
    expect(counts).toEqual(['To create50,000', 'To update0', 'Unchanged0', 'Rejected2'])
    expect(await page.getByRole('cell', { name: 'BAD-2' }).isVisible()).toBe(true)
    expect(await page.getByRole('cell', { name: '50003' }).isVisible()).toBe(true)
    expect(await t.importer.products.count()).toBe(0)
    expect(await accessibilityViolations(page)).toEqual([])
    // A reload shows the same preview rather than running another dry run.
    const previewUrl = page.url()
    await page.reload()
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    expect(page.url()).toBe(previewUrl)
    expect((await t.importer.imports.list()).length).toBe(1)

    await page.getByRole('button', { name: 'Import' }).click()
    await page.waitForURL(/#\/imports\/[0-9a-f-]{36}\?upload=/)
    await page.waitForFunction(
      () => (document.getElementById('progress') as HTMLProgressElement | null)?.value === 100,
    )
    await page.locator('#outcome').waitFor()
    expect(await t.importer.products.count()).toBe(50_000)
    expect(await page.locator('#outcome').textContent()).toBe(
      'Completed: 50,000 created, 0 updated, 0 unchanged, 2 invalid',
    )
    const figure = (term: string) =>
      page.locator('.figures div', { hasText: term }).locator('dd').textContent()
    expect(await figure('Created')).toBe('50,000')
    expect(await page.getByRole('button', { name: 'Cancel import' }).isVisible()).toBe(false)
    expect(await page.locator('#announcer').textContent()).toContain('Completed')
    const download = page.getByRole('link', { name: 'Download the 2 row errors (CSV)' })
    const errorsCsv = await (await t.api(`/${(await download.getAttribute('href')) ?? ''}`)).text()
    expect(errorsCsv.split('\r\n').filter(Boolean)).toHaveLength(3)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-result')

    // The dashboard counts the products and lists the import with its outcome.
    await page.getByRole('link', { name: 'Dashboard' }).click()
    await page.locator('.stat', { hasText: 'total' }).getByText('50,000').waitFor()
    await page.getByRole('link', { name: 'catalog.csv' }).first().waitFor()
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'dashboard')
    expect(problems).toEqual([])
  })

  it('maps a renamed column in the mapping step, imports with it, and maps the next file with that header by itself', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const { page, problems } = await openPage(browser())
    const upload = async (name: string, csv: string) => {
      await page.goto(`${t.origin}/#/import`)
      await page.getByRole('heading', { name: 'Import products' }).waitFor()
      await page
        .locator('#file')
        .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) })
      await page.getByRole('button', { name: 'Upload' }).click()
      await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    }
    await upload(
      'items.csv',
      'Item No;Title;Unit Price;Warehouse\nA-1;Anchor;10,50;North\nB-2;Buoy;2,00;South\nC-3;;1,00;North\n',
    )
    const format = await page.locator('#file-format div').allTextContents()
    expect(format).toEqual(['Platformgeneric', 'Encodingutf-8', 'Delimitersemicolon'])
    expect(await page.getByRole('row', { name: /Item No/ }).textContent()).toContain(
      'A-1 · B-2 · C-3',
    )
    expect(await page.getByLabel('Field of Item No').inputValue()).toBe('')
    expect(await page.getByLabel('Field of Title').inputValue()).toBe('name')
    expect(await page.locator('#remembered').count()).toBe(0)

    // Without a SKU column the preview cannot start: the step says why.
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.getByText('Choose the column that holds the SKU.').waitFor()
    // Chosen by keyboard, as a select is used without a mouse.
    await page.getByLabel('Field of Item No').focus()
    await page.keyboard.press('ArrowDown')
    expect(await page.getByLabel('Field of Item No').inputValue()).toBe('sku')
    await page.getByLabel('Field of Unit Price').selectOption('price')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-mapping')
    await page.getByRole('button', { name: 'Preview' }).click()

    await page.waitForURL(/&map=/)
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    expect(await page.locator('#preview-counts div').allTextContents()).toEqual([
      'To create2',
      'To update0',
      'Unchanged0',
      'Rejected1',
    ])
    expect(await page.getByRole('cell', { name: 'C-3' }).isVisible()).toBe(true)
    expect(await t.importer.products.count()).toBe(0)
    expect(await t.importer.mappings.list()).toEqual([])
    await page.getByRole('button', { name: 'Import' }).click()
    await page.locator('#outcome').waitFor()
    expect(await page.locator('#outcome').textContent()).toBe(
      'Completed: 2 created, 0 updated, 0 unchanged, 1 invalid',
    )
    const stored = (await t.importer.products.list()).items.map(({ sku, name, price }) => ({
      sku,
      name,
      price,
    }))
    expect(stored.sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
      { sku: 'A-1', name: 'Anchor', price: '10.50' },
      { sku: 'B-2', name: 'Buoy', price: '2.00' },
    ])
    const [remembered] = await t.importer.mappings.list()
    expect(remembered?.columns).toMatchObject({
      sku: 'Item No',
      name: 'Title',
      price: 'Unit Price',
    })

    // The next file with the same header: the remembered mapping applies by itself.
    await upload(
      'more-items.csv',
      'Item No;Title;Unit Price;Warehouse\nA-1;Anchor;12,00;North\nD-4;Dock;5,00;West\n',
    )
    await page.locator('#remembered').waitFor()
    expect(await page.getByLabel('Field of Item No').inputValue()).toBe('sku')
    expect(await page.getByLabel('Field of Unit Price').inputValue()).toBe('price')
    expect(await page.getByLabel('Field of Warehouse').inputValue()).toBe('')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-mapping-remembered')
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.getByRole('heading', { name: 'What this file would change' }).waitFor()
    expect(page.url()).not.toContain('map=')
    expect(await page.locator('#preview-counts div').allTextContents()).toEqual([
      'To create1',
      'To update1',
      'Unchanged0',
      'Rejected0',
    ])
    expect(problems).toEqual([])
  })

  it('imports a failed import again from its staged file, without uploading it again', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const failed = await failedStagedImport(t)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/imports/${failed.jobId}?upload=${failed.uploadId}`)
    await page.locator('#outcome', { hasText: 'Failed' }).waitFor()
    await page.getByRole('button', { name: 'Import again' }).click()
    await page.waitForURL((url) => !url.hash.includes(failed.jobId))
    await page.locator('#outcome', { hasText: 'Failed' }).waitFor()
    const jobs = await t.importer.imports.list()
    expect(jobs.map((job) => job.filename)).toEqual(['no-sku.csv', 'no-sku.csv'])
    expect(page.url()).toContain(jobs[0]?.id ?? 'missing')
    expect(problems).toEqual([])
  })

  it('shows in the preview what a file that updates a product would change, field by field, before importing', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    await t.importer.products.create({ sku: 'A-1', name: 'Lamp', price: '10.00', quantity: 4 })
    await t.importer.products.create({
      sku: 'B-2',
      name: 'Mug',
      price: '3.00',
      brand: 'Studio',
      tags: ['coffee'],
    })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/import`)
    await page.getByRole('heading', { name: 'Import products' }).waitFor()
    const csv = [
      'sku,name,price,quantity,brand,tags',
      'A-1,Desk lamp <b>brass</b>,12.50,4,,',
      'B-2,Mug,3.00,12,Lumen,"coffee, tea"',
      'N-1,Shade,5.00,1,,',
      'X-1,,1.00,1,,',
    ].join('\n')
    await page
      .locator('#file')
      .setInputFiles({ name: 'lamps.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) })
    await page.getByRole('button', { name: 'Upload' }).click()
    await page.getByRole('heading', { name: 'Columns of the file' }).waitFor()
    await page.getByRole('button', { name: 'Preview' }).click()

    await page.getByRole('heading', { name: 'What will change' }).waitFor()
    expect(await page.locator('#preview-counts div').allTextContents()).toEqual([
      'To create1',
      'To update2',
      'Unchanged0',
      'Rejected1',
    ])
    const lamp = page.getByRole('table', { name: 'A-1 · line 2' })
    expect(await lamp.getByRole('columnheader').allTextContents()).toEqual([
      'Field',
      'Before',
      'After',
    ])
    // Only what changes is listed; the new name shows its characters as text, not markup.
    expect(await lamp.locator('tbody tr').allTextContents()).toEqual([
      'NameLampDesk lamp <b>brass</b>',
      'Price10.0012.50',
    ])
    expect(await lamp.locator('b').count()).toBe(0)
    const mug = page.getByRole('table', { name: 'B-2 · line 3' })
    // Catalog fields by their labels, lists as lists.
    expect(await mug.locator('tbody tr').allTextContents()).toEqual([
      'Quantity012',
      'BrandStudioLumen',
      'Tagscoffeecoffee, tea',
    ])
    expect(await page.getByRole('cell', { name: 'X-1' }).isVisible()).toBe(true)
    // Nothing was written: the preview is a dry run.
    expect((await t.importer.products.getBySku('A-1'))?.name).toBe('Lamp')
    expect(await accessibilityViolations(page)).toEqual([])
    // Readable on a phone: the page does not scroll sideways.
    await page.setViewportSize({ width: 375, height: 900 })
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-preview')
    expect(problems).toEqual([])
  })

  it('shows an interrupted import as such and resumes it from its staged file', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const staged = (await (
      await t.api('/api/uploads/?filename=lamps.csv', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'sku,name,price\nL-1,Lamp,1.00\nL-2,Shade,2.00\n',
      })
    ).json()) as Json
    // A preview keeps its staged file; its job is then left as a process that died leaves one.
    const job = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: staged.upload_id, dry_run: true }))
    ).json()) as Json
    for (let i = 0; i < 400; i++) {
      if ((await t.importer.imports.get(job.job_id))?.status === 'completed') break
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    await t.importer.storage.updateJob(job.job_id, {
      status: 'interrupted',
      phase: 'done',
      finishedAt: new Date(),
      error: { code: 'INTERRUPTED', message: 'the process running this import stopped' },
    })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/imports/${job.job_id}?upload=${staged.upload_id}`)
    await page.locator('#outcome', { hasText: 'Interrupted' }).waitFor()
    expect(await page.getByText(/The server running this import stopped/).isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Cancel import' }).isVisible()).toBe(false)
    await page.getByRole('button', { name: 'Resume import' }).click()
    await page.locator('#outcome', { hasText: 'Completed (dry run)' }).waitFor()
    expect(await t.importer.imports.get(job.job_id)).toMatchObject({
      status: 'completed',
      created: 2,
    })
    expect(problems).toEqual([])
  })

  it('reattaches to a running import after a reload, and follows it to the end', async () => {
    const t = await startServer({ importOptions: { batchSize: 500 } })
    const held = await heldImport(t, 2000, 4000)
    await committed(t, held.id, 1500)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/imports/${held.id}`)
    await page.getByText(/Phase: importing/).waitFor()
    await page.reload()
    await page.getByText(/Phase: importing/).waitFor()
    expect(await page.getByRole('button', { name: 'Cancel import' }).isVisible()).toBe(true)
    held.release()
    await page.locator('#outcome').waitFor()
    expect(await page.locator('#outcome').textContent()).toBe(
      'Completed: 4,000 created, 0 updated, 0 unchanged, 0 invalid',
    )
    expect(await t.importer.products.count()).toBe(4000)
    await held.upload
    expect(problems).toEqual([])
  })

  it('cancels a running import and says the committed batches stay', async () => {
    const t = await startServer({ importOptions: { batchSize: 500 } })
    const held = await heldImport(t, 2000, 100_000)
    await committed(t, held.id, 1500)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/imports/${held.id}`)
    await page.getByText(/batches already committed stay/).waitFor()
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'import-running')
    await page.getByRole('button', { name: 'Cancel import' }).click()
    // The job stops between batches: let the held rows flow so it reaches the next one.
    held.release()
    await page.locator('#outcome').waitFor()
    expect(await page.locator('#outcome').textContent()).toMatch(/^Cancelled: /)
    expect(
      await page.getByText('Batches committed before that stay in the catalog.').isVisible(),
    ).toBe(true)
    const job = await t.importer.imports.get(held.id)
    expect(job?.status).toBe('cancelled')
    expect(await t.importer.products.count()).toBe(job?.created)
    expect(job?.created).toBeLessThan(100_000)
    held.abort.abort()
    await held.upload
    expect(problems).toEqual([])
  })
})
