import { describe, expect, it } from 'vitest'
import { startReceiver } from '../../core/test/_receiver.js'
import { accessibilityViolations, openPage, useBrowser } from './_browser.js'
import { type Json, startServer } from './_server.js'

const browser = useBrowser()

// The default retry schedule: a test must not be retried even where other deliveries are.
const LOCAL_WEBHOOKS = { webhooks: { allowHosts: ['127.0.0.1'] } }

describe('web UI: testing a webhook', () => {
  it('shows a failing test in the row at once, and sends the test only once', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(500).end())
    const t = await startServer({}, LOCAL_WEBHOOKS)
    const url = `${receiver.origin}/hook`
    const endpoint = await t.importer.webhooks.create({ url })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/webhooks`)
    const row = page.getByRole('row', { name: new RegExp(url) })
    await row.getByText('Healthy').waitFor()

    await page.getByRole('button', { name: `Test ${url}` }).click()
    await row
      .locator('output')
      .filter({ hasText: /^Test: 500 · \d+ ms/ })
      .waitFor()
    // Without a reload: the row says what the API says.
    await row.getByText('Failing').waitFor()
    expect(await row.getByText('1 failed in a row').isVisible()).toBe(true)
    const shown = (await (await t.api(`/api/webhooks/${endpoint.id}/`)).json()) as Json
    expect(shown.failure_count).toBe(1)
    // Sent once: the test delivery is finished, not waiting for a retry.
    const { items } = (await (
      await t.api(`/api/webhooks/${endpoint.id}/deliveries/`)
    ).json()) as Json
    expect(items).toEqual([
      expect.objectContaining({ event_type: 'webhook.test', status: 'failed', attempts: 1 }),
    ])
    expect(receiver.received).toHaveLength(1)
    expect(await accessibilityViolations(page)).toEqual([])
    expect(problems).toEqual([])
  })
})
