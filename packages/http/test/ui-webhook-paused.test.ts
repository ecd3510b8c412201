import { PAUSED_ENDPOINT_EVENTS_KEPT } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { startReceiver } from '../../core/test/_receiver.js'
import { accessibilityViolations, openPage, useBrowser } from './_browser.js'
import { type Json, jsonInit, startServer } from './_server.js'

const browser = useBrowser()

const LOCAL_WEBHOOKS = { webhooks: { allowHosts: ['127.0.0.1'] } }

// The UI states the core's bound in words: the two must agree.
const KEPT = PAUSED_ENDPOINT_EVENTS_KEPT.toLocaleString('en-US')

describe('web UI: a webhook turned off', () => {
  it('keeps the events of its pause, says so, and sends them once switched on again', async () => {
    const receiver = await startReceiver()
    const t = await startServer({}, LOCAL_WEBHOOKS)
    const url = `${receiver.origin}/hook`
    const endpoint = await t.importer.webhooks.create({ url, eventTypes: ['product.updated'] })
    const lamp = await t.importer.products.create({ sku: 'LAMP-1', name: 'Lamp' })
    const { page, problems } = await openPage(browser())
    await page.goto(`${t.origin}/#/webhooks`)
    const row = page.getByRole('row', { name: new RegExp(url) })

    await page.getByRole('switch', { name: `Enabled: ${url}` }).click()
    await page.getByRole('switch', { name: `Enabled: ${url}`, checked: false }).waitFor()
    await row.getByText('Paused').waitFor()
    await row
      .getByText(`Events wait (up to ${KEPT}) and are sent when it is turned on again`)
      .waitFor()
    await page.locator('#status').filter({ hasText: 'its events wait' }).waitFor()

    // A change while it is off: nothing is sent, the delivery waits in its log.
    const patched = await t.api(
      `/api/products/${lamp.id}/`,
      jsonInit('PATCH', { name: 'Brass lamp' }),
    )
    expect(patched.status).toBe(200)
    await page.getByRole('link', { name: url }).click()
    await page.getByRole('heading', { name: 'Webhook log' }).waitFor()
    await page.getByText(`Events wait (up to ${KEPT})`, { exact: false }).waitFor()
    await page
      .getByRole('row')
      .filter({ hasText: 'product.updated' })
      .getByText('pending')
      .waitFor()
    expect(receiver.received).toEqual([])
    expect(await accessibilityViolations(page)).toEqual([])

    // On again: the event of the pause goes out, and the log says it was delivered.
    await page.getByRole('link', { name: '← Webhooks' }).click()
    await page.getByRole('switch', { name: `Enabled: ${url}` }).click()
    await page.getByRole('switch', { name: `Enabled: ${url}`, checked: true }).waitFor()
    await page.getByRole('link', { name: url }).click()
    await page
      .getByRole('row')
      .filter({ hasText: 'product.updated' })
      .getByText('delivered')
      .waitFor()
    expect(receiver.received).toHaveLength(1)
    const event = JSON.parse(receiver.received[0]?.body ?? '{}') as Json
    expect(event).toMatchObject({
      type: 'product.updated',
      data: { sku: 'LAMP-1', name: 'Brass lamp' },
    })
    const logs = (await (await t.api(`/api/webhooks/${endpoint.id}/logs/`)).json()) as Json
    expect(logs.items).toHaveLength(1)
    expect(problems).toEqual([])
  })
})
