import { api } from '../_api.js'
import { confirmAction } from '../_dialog.js'
import { h, replace } from '../_dom.js'
import { dateTime } from '../_format.js'
import { announce, attempt } from '../_status.js'
import {
  attemptText,
  eventsText,
  healthBadge,
  type WebhookJson,
  type WebhookLogJson,
} from './_webhook.js'
import { editWebhook } from './webhook-form.js'
import { showSecret } from './webhook-secret.js'
import { testButton } from './webhook-test.js'

/** Reloads the webhooks list, then gives focus to the control with this label (if given). */
export type Reload = (focusLabel?: string) => Promise<void>

/**
 * One endpoint of the webhooks list: URL and description, events, enabled switch, last
 * delivery, health, and its actions. `load` reloads the list after a change.
 */
export function webhookRow(endpoint: WebhookJson, load: Reload): HTMLElement {
  const last = h('td', { 'data-label': 'Last delivery' }, '…')
  const showLast = () =>
    api<{ items: WebhookLogJson[] }>(`api/webhooks/${endpoint.id}/logs/?limit=1`).then(
      ({ items: [latest] }) =>
        replace(
          last,
          latest
            ? [
                h('span', {}, attemptText(latest)),
                h('span', { class: 'hint' }, dateTime(latest.created_at)),
              ]
            : h('span', { class: 'muted' }, 'None yet'),
        ),
      () => replace(last, 'Unavailable'),
    )
  void showLast()
  const health = h('td', { 'data-label': 'Health' }, healthBadge(endpoint))
  const toggle = h(
    'button',
    {
      type: 'button',
      role: 'switch',
      'aria-checked': String(endpoint.active),
      'aria-label': `Enabled: ${endpoint.url}`,
      class: 'switch',
    },
    endpoint.active ? 'On' : 'Off',
  )
  /** The endpoint's switch and health as `current` has them. */
  const showState = (current: WebhookJson) => {
    Object.assign(endpoint, current)
    toggle.setAttribute('aria-checked', String(current.active))
    toggle.textContent = current.active ? 'On' : 'Off'
    replace(health, healthBadge(current))
  }
  toggle.addEventListener(
    'click',
    () =>
      void attempt(async () => {
        const saved = await api<WebhookJson>(`api/webhooks/${endpoint.id}/`, {
          method: 'PATCH',
          body: { active: !endpoint.active },
        })
        showState(saved)
        announce(
          saved.active
            ? `${saved.url} is now enabled`
            : `${saved.url} is now turned off: its events wait until it is turned on again`,
        )
      }),
  )
  const edit = h('button', { type: 'button', 'aria-label': `Edit ${endpoint.url}` }, 'Edit')
  edit.addEventListener(
    'click',
    () =>
      void attempt(async () => {
        const saved = await editWebhook(endpoint)
        if (!saved) return
        announce(`Saved the webhook for ${saved.url}`)
        await load(`Edit ${saved.url}`)
      }),
  )
  const secret = h(
    'button',
    { type: 'button', 'aria-label': `Secret of ${endpoint.url}` },
    'Secret',
  )
  secret.addEventListener('click', () => void showSecret(endpoint))
  const remove = h(
    'button',
    { type: 'button', class: 'danger', 'aria-label': `Delete ${endpoint.url}` },
    'Delete',
  )
  remove.addEventListener(
    'click',
    () =>
      void attempt(async () => {
        const sure = await confirmAction(
          'Delete webhook',
          `Delete the webhook for ${endpoint.url}, with its deliveries and log? This cannot be undone.`,
          'Delete',
        )
        if (!sure) return
        await api(`api/webhooks/${endpoint.id}/`, { method: 'DELETE' })
        announce(`Deleted the webhook for ${endpoint.url}`)
        await load('')
      }),
  )
  // A test's answer changes the endpoint's health (a failure, a 410 turning it off): show it.
  const showEndpoint = () =>
    attempt(async () => showState(await api<WebhookJson>(`api/webhooks/${endpoint.id}/`)))
  const test = testButton(endpoint, () => void Promise.all([showLast(), showEndpoint()]))
  return h(
    'tr',
    {},
    h(
      'td',
      { class: 'url', 'data-label': 'URL' },
      h('a', { href: `#/webhooks/${endpoint.id}` }, endpoint.url),
      endpoint.description ? h('span', { class: 'hint' }, endpoint.description) : null,
    ),
    h('td', { 'data-label': 'Events' }, eventsText(endpoint)),
    h('td', { 'data-label': 'Enabled' }, toggle),
    last,
    health,
    h(
      'td',
      { class: 'row-actions', 'data-label': 'Actions' },
      h('a', { href: `#/webhooks/${endpoint.id}`, class: 'button' }, 'Log'),
      test.button,
      secret,
      edit,
      remove,
      test.output,
    ),
  )
}
