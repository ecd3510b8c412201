import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import type { Route } from '../_route.js'
import { announce, attempt } from '../_status.js'
import type { WebhookJson } from './_webhook.js'
import { editWebhook } from './webhook-form.js'
import { type Reload, webhookRow } from './webhook-row.js'
import { showSecret } from './webhook-secret.js'

/**
 * Webhooks: every endpoint with its events, an enabled switch, its last delivery and health;
 * create, edit, delete, test, and the secret on request.
 */
export function webhooksPage(root: HTMLElement, _route: Route): undefined {
  const results = h('div', { class: 'results' }, h('p', {}, 'Loading…'))
  const create = h('button', { type: 'button', class: 'primary' }, 'New webhook')
  // Reloads the list in place. The control that had focus is replaced with it, so focus goes to
  // the new control labelled `focusLabel`, or to "New webhook" when there is none such.
  const load: Reload = (focusLabel) =>
    api<WebhookJson[]>('api/webhooks/').then(
      (endpoints) => {
        replace(results, endpoints.length ? table(endpoints, load) : emptyState())
        if (focusLabel === undefined) return
        const named = [...root.querySelectorAll<HTMLElement>('button, a')].find(
          (element) => element.getAttribute('aria-label') === focusLabel,
        )
        const target = named ?? create
        target.focus()
      },
      (failure) =>
        replace(
          results,
          h(
            'p',
            { class: 'error', role: 'alert' },
            isFailure(failure) ? failure.message : 'Failed',
          ),
        ),
    )
  create.addEventListener(
    'click',
    () =>
      void attempt(async () => {
        const created = await editWebhook()
        if (!created) return
        announce(`Created the webhook for ${created.url}`)
        if (created.secret) await showSecret(created, created.secret)
        await load('')
      }),
  )
  replace(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Webhooks'),
      h('div', { class: 'actions' }, create),
    ),
    h(
      'p',
      { class: 'muted' },
      'Endpoints that receive signed events when products change and imports run.',
    ),
    results,
  )
  void load()
  return undefined
}

function table(endpoints: WebhookJson[], load: Reload): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Webhooks table' },
    h(
      'table',
      { class: 'stacked' },
      h('caption', { class: 'visually-hidden' }, `${endpoints.length} webhook endpoints`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['URL', 'Events', 'Enabled', 'Last delivery', 'Health', 'Actions'].map((label) =>
            h('th', { scope: 'col' }, label),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        endpoints.map((endpoint) => webhookRow(endpoint, load)),
      ),
    ),
  )
}

function emptyState(): HTMLElement {
  return h(
    'div',
    { class: 'empty' },
    h('h2', {}, 'No webhooks yet'),
    h('p', {}, 'Create one to have product and import events sent to your own server.'),
  )
}
