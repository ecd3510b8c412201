import { describe, expect, it } from 'vitest'
import { startReceiver } from '../../core/test/_receiver.js'
import { accessibilityViolations, openPage, screenshots, useBrowser } from './_browser.js'
import { startServer } from './_server.js'

const browser = useBrowser()

// Webhooks may reach the receiver on 127.0.0.1; a failed delivery is not retried, so a failing
// answer leaves a failed delivery for the recovery to find.
const LOCAL_WEBHOOKS = { webhooks: { allowHosts: ['127.0.0.1'], policy: { schedule: [0] } } }

/** Resolves once `ready()` holds, polling (bounded). */
async function waitFor(ready: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const until = Date.now() + 20_000
  while (!(await ready())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('web UI: webhooks page', () => {
  it('creates a webhook for a local receiver, tests it, shows its log, redelivers and recovers, with a refused URL reported beside the field', async () => {
    let status = 200
    const receiver = await startReceiver((request, res) =>
      res.writeHead(request.path === '/gone' ? 410 : status).end(),
    )
    const t = await startServer({}, LOCAL_WEBHOOKS)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/`)
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click()
    await page.getByRole('heading', { name: 'No webhooks yet' }).waitFor()
    expect(await accessibilityViolations(page)).toEqual([])

    // A URL the guard refuses: the API's message shows beside the URL, and nothing is created.
    await page.getByRole('button', { name: 'New webhook' }).click()
    const form = page.getByRole('dialog', { name: 'New webhook' })
    await form.getByLabel('URL').fill('https://169.254.169.254/latest/meta-data/')
    await form.getByRole('button', { name: 'Create' }).click()
    const urlError = form.locator('#webhook-url-error')
    await urlError.filter({ hasText: /./ }).waitFor()
    const refused = await t.api('/api/webhooks/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://169.254.169.254/latest/meta-data/' }),
    })
    expect(refused.status).toBe(400)
    const apiError = (await refused.json()) as { error: { code: string; message: string } }
    expect(apiError.error.code).toBe('WEBHOOK_URL_FORBIDDEN')
    expect(await urlError.textContent()).toBe(apiError.error.message)
    expect(await form.getByLabel('URL').getAttribute('aria-invalid')).toBe('true')
    expect(await t.importer.webhooks.list()).toEqual([])
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'webhook-form-error')

    // Create one for the receiver, for two events; its secret shows once, then focus returns.
    await form.getByLabel('URL').fill(`${receiver.origin}/hook`)
    await form.getByLabel('Description').fill('Shop sync')
    await form.getByLabel('Rate limit').fill('20')
    await form.getByLabel('product.created', { exact: true }).check()
    await form.getByLabel('import.completed', { exact: true }).check()
    await form.getByRole('button', { name: 'Create' }).click()
    const secretDialog = page.getByRole('dialog', { name: 'Signing secret' })
    await secretDialog.waitFor()
    const [endpoint] = await t.importer.webhooks.list()
    expect(endpoint).toMatchObject({
      url: `${receiver.origin}/hook`,
      eventTypes: ['product.created', 'import.completed'],
      description: 'Shop sync',
      rateLimit: 20,
      active: true,
    })
    const id = endpoint?.id ?? ''
    const secret = await t.importer.webhooks.secret(id)
    await secretDialog.getByText(secret).waitFor()
    await secretDialog.getByRole('button', { name: 'Close' }).click()
    await page.waitForFunction(() => document.activeElement?.textContent === 'New webhook')

    // The list: URL, events, enabled switch, no delivery yet, healthy.
    const url = `${receiver.origin}/hook`
    await page.getByRole('link', { name: url }).waitFor()
    const row = page.getByRole('row', { name: new RegExp(url) })
    expect(await row.getByText('product.created, import.completed').isVisible()).toBe(true)
    expect(await row.getByText('None yet').isVisible()).toBe(true)
    expect(await row.getByText('Healthy').isVisible()).toBe(true)

    // Test: the receiver's status code and response time show, and the last delivery with them.
    await page.getByRole('button', { name: `Test ${url}` }).click()
    await row
      .locator('output')
      .filter({ hasText: /^Test: 200 · \d+ ms$/ })
      .waitFor()
    await row.getByText(/^200 · \d+ ms$/).waitFor()
    expect(receiver.received).toHaveLength(1)
    const testId = receiver.received[0]?.headers['webhook-id']
    expect(JSON.parse(receiver.received[0]?.body ?? '{}').type).toBe('webhook.test')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'webhooks')

    // Turn it off and on again from the switch.
    await page.getByRole('switch', { name: `Enabled: ${url}` }).click()
    await page.getByRole('switch', { name: `Enabled: ${url}`, checked: false }).waitFor()
    expect((await t.importer.webhooks.get(id))?.active).toBe(false)
    await row.getByText('Paused').waitFor()
    await page.getByRole('switch', { name: `Enabled: ${url}` }).click()
    await page.getByRole('switch', { name: `Enabled: ${url}`, checked: true }).waitFor()
    expect((await t.importer.webhooks.get(id))?.active).toBe(true)

    // Edit: per-row events on, one event fewer.
    await page.getByRole('button', { name: `Edit ${url}` }).click()
    const edit = page.getByRole('dialog', { name: 'Edit webhook' })
    expect(await edit.getByLabel('URL').inputValue()).toBe(url)
    expect(await edit.getByLabel('product.created', { exact: true }).isChecked()).toBe(true)
    await edit.getByLabel('import.completed', { exact: true }).uncheck()
    await edit.getByLabel(/^Per-row events/).check()
    await edit.getByRole('button', { name: 'Save' }).click()
    await row.getByText('product.created', { exact: true }).waitFor()
    expect(await t.importer.webhooks.get(id)).toMatchObject({
      eventTypes: ['product.created'],
      perRowEvents: true,
    })

    // The delivery log: the test delivered with its answer; redeliver sends it again.
    await page.getByRole('link', { name: 'Log' }).click()
    await page.waitForURL(new RegExp(`#/webhooks/${id}$`))
    await page.getByRole('heading', { name: 'Webhook log' }).waitFor()
    const attempts = page.getByRole('region', { name: 'Attempts table' })
    const deliveries = page.getByRole('region', { name: 'Deliveries table' })
    await attempts.getByRole('cell', { name: '200', exact: true }).waitFor()
    expect(await deliveries.getByText('delivered').isVisible()).toBe(true)
    await deliveries.getByRole('button', { name: /^Redeliver webhook\.test/ }).click()
    await waitFor(() => receiver.received.length === 2, 'the redelivery')
    expect(receiver.received[1]?.headers['webhook-id']).toBe(testId)
    await attempts.getByRole('row').nth(2).waitFor()
    expect(await attempts.getByRole('cell', { name: '200', exact: true }).count()).toBe(2)
    await deliveries.getByText('delivered').waitFor()
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'webhook-log')

    // A failing receiver: the test says so, the log shows the failure; recovery sends it again.
    status = 500
    await page.getByRole('button', { name: `Test ${url}` }).click()
    await page
      .locator('output')
      .filter({ hasText: /^Test: 500 · \d+ ms/ })
      .waitFor()
    await attempts.getByRole('cell', { name: '500', exact: true }).waitFor()
    await deliveries.getByText('failed').waitFor()
    const failedId = receiver.received[2]?.headers['webhook-id']
    expect((await t.importer.webhooks.get(id))?.failureCount).toBe(1)

    // The list and the dashboard count it as failing until a delivery succeeds again.
    await page.getByRole('link', { name: '← Webhooks' }).click()
    await row.getByText('Failing').waitFor()
    expect(await row.getByText('1 failed in a row').isVisible()).toBe(true)
    await page.getByRole('link', { name: 'Dashboard' }).click()
    const card = page.getByRole('region', { name: 'Webhooks' })
    await card.getByText('endpoints').waitFor()
    // The dashboard refreshes its cards: read them once they hold still.
    await expect
      .poll(() => card.locator('.stat').allTextContents())
      .toEqual(['1endpoints', '1failing', '0disabled'])
    await page.goBack()
    await page.getByRole('link', { name: 'Log' }).click()
    await deliveries.getByText('failed').waitFor()
    status = 200
    await page.getByLabel('Recover failed deliveries since').fill('')
    await page.getByRole('button', { name: 'Recover' }).click()
    await page.getByText('Give a date and time').waitFor()
    await page.getByLabel('Recover failed deliveries since').fill('2020-01-01T00:00')
    await page.getByRole('button', { name: 'Recover' }).click()
    await page.locator('#status').filter({ hasText: 'Queued 1 failed delivery again' }).waitFor()
    await waitFor(() => receiver.received.length === 4, 'the recovered delivery')
    expect(receiver.received[3]?.headers['webhook-id']).toBe(failedId)
    await waitFor(
      async () => (await attempts.getByRole('cell', { name: '200', exact: true }).count()) === 3,
      'the recovered attempt in the log',
    )

    // The secret on request, and a rotation that keeps the old one for the grace period.
    await page.getByRole('link', { name: '← Webhooks' }).click()
    await page.getByRole('button', { name: `Secret of ${url}` }).click()
    const shown = page.getByRole('dialog', { name: 'Signing secret' })
    await shown.getByText(secret).waitFor()
    await shown.getByRole('button', { name: 'Rotate secret' }).click()
    await page
      .getByRole('dialog', { name: 'Rotate secret' })
      .getByRole('button', { name: 'Rotate' })
      .click()
    await shown
      .getByText(/old one keeps signing beside it for the grace period \(24 hours\)/)
      .waitFor()
    const rotated = await t.importer.webhooks.secret(id)
    expect(rotated).not.toBe(secret)
    expect(await shown.locator('code').textContent()).toBe(rotated)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'webhook-secret')
    await shown.getByRole('button', { name: 'Close' }).click()
    await page.waitForFunction(() => document.activeElement?.textContent === 'Secret')

    // An endpoint whose receiver answers 410 is disabled: the list and the dashboard say so.
    const gone = await t.importer.webhooks.create({ url: `${receiver.origin}/gone` })
    await t.importer.webhooks.test(gone.id)
    await waitFor(
      async () => (await t.importer.webhooks.get(gone.id))?.active === false,
      'the 410 to disable the endpoint',
    )
    await page.reload()
    const goneRow = page.getByRole('row', { name: new RegExp(`${receiver.origin}/gone`) })
    await goneRow.getByText('Disabled').waitFor()
    const reason = (await t.importer.webhooks.get(gone.id))?.disabledReason ?? ''
    expect(reason).toContain('410')
    expect(await goneRow.getByText(reason).isVisible()).toBe(true)

    await page.getByRole('link', { name: 'Dashboard' }).click()
    await card.getByText('2', { exact: true }).waitFor()
    // The dashboard refreshes its cards: read them once they hold still.
    await expect
      .poll(() => card.locator('.stat').allTextContents())
      .toEqual(['2endpoints', '0failing', '1disabled'])
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshots(page, 'dashboard-webhooks')
    await card.getByRole('link', { name: 'Manage webhooks' }).click()
    await page.waitForURL(/#\/webhooks$/)

    // Delete, behind a confirmation.
    await page.getByRole('button', { name: `Delete ${url}` }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete webhook' })
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('link', { name: url }).waitFor({ state: 'detached' })
    expect((await t.importer.webhooks.list()).map((e) => e.id)).toEqual([gone.id])
    expect(problems).toEqual([])
  })

  it('names what is wrong with a webhook beside its field, shows markup as text, and reports an unknown endpoint, under a mount prefix', async () => {
    const receiver = await startReceiver()
    const t = await startServer({ basePath: '/admin' }, LOCAL_WEBHOOKS)
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/admin/#/webhooks`)
    await page.getByRole('button', { name: 'New webhook' }).click()
    const form = page.getByRole('dialog', { name: 'New webhook' })

    // No URL, then a rate limit that is not a number: each message beside its field.
    await form.getByRole('button', { name: 'Create' }).click()
    await form.locator('#webhook-url-error').filter({ hasText: /./ }).waitFor()
    expect(await form.getByLabel('URL').getAttribute('aria-invalid')).toBe('true')
    await form.getByLabel('URL').fill(`${receiver.origin}/hook`)
    await form.getByLabel('Rate limit').fill('fast')
    await form.getByRole('button', { name: 'Create' }).click()
    await form.locator('#webhook-rate-limit-error').filter({ hasText: /./ }).waitFor()
    expect(await form.locator('#webhook-url-error').textContent()).toBe('')
    expect(await t.importer.webhooks.list()).toEqual([])

    // Fixed: a description that looks like markup is shown as those characters.
    const markup = '<img src=x onerror=alert(1)>'
    await form.getByLabel('Rate limit').fill('')
    await form.getByLabel('Description').fill(markup)
    await form.getByRole('button', { name: 'Create' }).click()
    await page
      .getByRole('dialog', { name: 'Signing secret' })
      .getByRole('button', { name: 'Close' })
      .click()
    await page.getByText(markup, { exact: true }).waitFor()
    expect(await page.locator('main img').count()).toBe(0)
    const [endpoint] = await t.importer.webhooks.list()
    expect(endpoint).toMatchObject({ description: markup, rateLimit: null, eventTypes: [] })
    expect(await page.getByRole('row', { name: /All events/ }).isVisible()).toBe(true)

    // The log of an endpoint that does not exist says so.
    await page.goto(`${t.origin}/admin/#/webhooks/${crypto.randomUUID()}`)
    await page
      .getByRole('alert')
      .filter({ hasText: /No webhook endpoint with id/ })
      .waitFor()
    expect(problems).toEqual([])
  })
})
