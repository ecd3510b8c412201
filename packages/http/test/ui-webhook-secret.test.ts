import type { Route } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { startReceiver } from '../../core/test/_receiver.js'
import { accessibilityViolations, openPage, useBrowser } from './_browser.js'
import { type Json, startServer } from './_server.js'

const browser = useBrowser()

const LOCAL_WEBHOOKS = { webhooks: { allowHosts: ['127.0.0.1'] } }

describe('web UI: rotating a webhook secret', () => {
  it('rotates only after a confirmation, once for a double click, and none on Cancel', async () => {
    const receiver = await startReceiver()
    const t = await startServer({}, LOCAL_WEBHOOKS)
    const url = `${receiver.origin}/hook`
    const endpoint = await t.importer.webhooks.create({ url })
    const secretOf = async () =>
      ((await (await t.api(`/api/webhooks/${endpoint.id}/secret`)).json()) as Json).secret
    const previousSecrets = async () =>
      ((await (await t.api(`/api/webhooks/${endpoint.id}/`)).json()) as Json)
        .previous_secrets_expire_at.length
    const { page, problems } = await openPage(browser())
    let rotations = 0
    page.on('request', (request) => {
      if (request.url().endsWith('/rotate-secret')) rotations++
    })
    await page.goto(`${t.origin}/#/webhooks`)
    await page.getByRole('button', { name: `Secret of ${url}` }).click()
    const shown = page.getByRole('dialog', { name: 'Signing secret' })
    await shown.getByText(endpoint.secret).waitFor()
    const rotate = shown.getByRole('button', { name: 'Rotate secret' })

    // Cancel rotates nothing, and focus returns to the button.
    await rotate.click()
    const confirm = page.getByRole('dialog', { name: 'Rotate secret' })
    await confirm
      .getByText(/old one keeps signing beside it for the grace period \(24 hours\)/)
      .waitFor()
    expect(await accessibilityViolations(page)).toEqual([])
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await confirm.waitFor({ state: 'detached' })
    await page.waitForFunction(() => document.activeElement?.textContent === 'Rotate secret')
    expect(rotations).toBe(0)
    expect(await secretOf()).toBe(endpoint.secret)
    expect(await previousSecrets()).toBe(0)

    // A double click, then Rotate: one rotation, the button disabled while it runs.
    let held: Route | undefined
    await page.route('**/rotate-secret', (route) => {
      held = route
    })
    await rotate.dblclick()
    await confirm.getByRole('button', { name: 'Rotate' }).click()
    await expect.poll(() => held !== undefined).toBe(true)
    expect(await rotate.isDisabled()).toBe(true)
    await held?.continue()
    await shown.getByText(/Secrets signing now: 2\./).waitFor()
    expect(await rotate.isDisabled()).toBe(false)
    expect(rotations).toBe(1)
    const rotated = await secretOf()
    expect(rotated).not.toBe(endpoint.secret)
    expect(await shown.locator('code').textContent()).toBe(rotated)
    expect(await previousSecrets()).toBe(1)
    expect(await accessibilityViolations(page)).toEqual([])
    expect(problems).toEqual([])
  })
})
