import { api } from '../_api.js'
import { confirmAction, openDialog } from '../_dialog.js'
import { h } from '../_dom.js'
import { attempt } from '../_status.js'
import type { WebhookJson } from './_webhook.js'

/** What a rotation answers: the endpoint with its new secret. */
type RotatedWebhook = WebhookJson & { secret: string }

// Sent with every rotation, so the page states the period the server applies.
const GRACE_HOURS = 24

/**
 * The signing secret of an endpoint in a dialog: fetched only when asked for (it never sits in
 * the list), with a rotation that says the old secret keeps signing for the grace period.
 * `secret` is given when it is already known (just after creation).
 */
export function showSecret(endpoint: WebhookJson, secret?: string): Promise<void> {
  return openDialog<void>(
    'Signing secret',
    (close) => {
      const value = h('code', { class: 'secret', id: 'webhook-secret' }, secret ?? 'Loading…')
      const note = h('p', { class: 'hint', role: 'status' })
      if (secret === undefined) {
        void attempt(async () => {
          const shown = await api<{ secret: string }>(`api/webhooks/${endpoint.id}/secret`)
          value.textContent = shown.secret
        })
      }
      const rotate = h('button', { type: 'button', class: 'danger' }, 'Rotate secret')
      rotate.addEventListener(
        'click',
        () =>
          void attempt(async () => {
            const sure = await confirmAction(
              'Rotate secret',
              `Sign deliveries to ${endpoint.url} with a new secret? The old one keeps signing ` +
                `beside it for the grace period (${GRACE_HOURS} hours), so receivers can switch ` +
                'without missing an event.',
              'Rotate',
            )
            // A click while the confirmation was open, or while a rotation runs, starts none.
            if (!sure || rotate.disabled) return
            rotate.disabled = true
            try {
              const rotated = await api<RotatedWebhook>(
                `api/webhooks/${endpoint.id}/rotate-secret`,
                { method: 'POST', body: { grace_period_ms: GRACE_HOURS * 3_600_000 } },
              )
              value.textContent = rotated.secret
              const signing = 1 + rotated.previous_secrets_expire_at.length
              note.textContent =
                `New secret in use. The old one keeps signing beside it for the grace period ` +
                `(${GRACE_HOURS} hours), so receivers can switch without missing an event. ` +
                `Secrets signing now: ${signing}.`
            } finally {
              rotate.disabled = false
              rotate.focus()
            }
          }),
      )
      return [
        h('h2', {}, 'Signing secret'),
        h('p', {}, `Verify the signatures of ${endpoint.url} with this secret.`),
        h('p', {}, value),
        note,
        h(
          'div',
          { class: 'actions' },
          rotate,
          h('button', { type: 'button', class: 'primary', onclick: () => close() }, 'Close'),
        ),
      ]
    },
    undefined,
  )
}
