import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import { dateTime } from '../_format.js'
import { href, type Route } from '../_route.js'
import { announce, attempt, whileBusy } from '../_status.js'
import {
  eventsText,
  healthBadge,
  type WebhookDeliveryJson,
  type WebhookJson,
  type WebhookLogJson,
} from './_webhook.js'
import { recoverForm } from './webhook-recover.js'
import { testButton } from './webhook-test.js'

const PAGE_SIZE = 25
// While a delivery is on its way the page looks again, so a redelivery's attempt shows up.
const REFRESH_MS = 1000

/**
 * One endpoint's deliveries (`#/webhooks/<id>`): each with its status and a redeliver button,
 * the attempts newest first with status, duration and error, a test button, and recovery of
 * failed deliveries since a time. `?offset=` pages through older attempts.
 */
export function webhookLogPage(root: HTMLElement, route: Route): () => void {
  const id = route.path.split('/')[2] ?? ''
  const offset = Math.max(0, Number(route.params.get('offset')) || 0)
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const head = h('div', { class: 'log-head' }, h('p', {}, 'Loading…'))
  const deliveries = h('section', { class: 'log-part', 'aria-labelledby': 'deliveries-title' })
  const attempts = h('section', { class: 'log-part', 'aria-labelledby': 'attempts-title' })
  replace(
    root,
    h('p', {}, h('a', { href: '#/webhooks' }, '← Webhooks')),
    h('h1', {}, 'Webhook log'),
    head,
    deliveries,
    attempts,
  )
  const base = `api/webhooks/${id}`
  const load = async () => {
    clearTimeout(timer)
    const [sent, tried] = await Promise.all([
      api<{ items: WebhookDeliveryJson[] }>(`${base}/deliveries/?limit=${PAGE_SIZE}`),
      api<{ items: WebhookLogJson[] }>(`${base}/logs/?limit=${PAGE_SIZE}&offset=${offset}`),
    ])
    if (stopped) return
    replace(
      deliveries,
      h('h2', { id: 'deliveries-title' }, 'Recent deliveries'),
      sent.items.length ? deliveryTable(sent.items, id, load) : h('p', {}, 'No delivery yet.'),
    )
    replace(
      attempts,
      h('h2', { id: 'attempts-title' }, 'Attempts'),
      tried.items.length ? attemptTable(tried.items) : h('p', {}, 'No attempt yet.'),
      olderNewer(id, offset, tried.items.length),
    )
    if (sent.items.some((delivery) => delivery.status === 'pending')) {
      timer = setTimeout(() => void load().catch(() => undefined), REFRESH_MS)
    }
  }
  api<WebhookJson>(`${base}/`).then(
    (endpoint) => {
      if (stopped) return
      const test = testButton(endpoint, () => void load())
      replace(
        head,
        h(
          'dl',
          { class: 'figures' },
          h('div', {}, h('dt', {}, 'URL'), h('dd', { class: 'url' }, endpoint.url)),
          h('div', {}, h('dt', {}, 'Events'), h('dd', {}, eventsText(endpoint))),
          h('div', {}, h('dt', {}, 'Health'), h('dd', {}, healthBadge(endpoint))),
        ),
        h('div', { class: 'actions' }, test.button, test.output),
        recoverForm(id, () => void load()),
      )
      void attempt(load)
    },
    (failure) =>
      replace(
        head,
        h('p', { class: 'error', role: 'alert' }, isFailure(failure) ? failure.message : 'Failed'),
      ),
  )
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}

const DELIVERY_BADGE: Record<WebhookDeliveryJson['status'], string> = {
  pending: 'pending',
  delivered: 'completed',
  failed: 'failed',
}

function deliveryTable(
  items: WebhookDeliveryJson[],
  endpointId: string,
  reload: () => Promise<void>,
): HTMLElement {
  const rows = items.map((delivery) => {
    const redeliver = h(
      'button',
      { type: 'button', 'aria-label': `Redeliver ${delivery.event_type} ${delivery.id}` },
      'Redeliver',
    )
    redeliver.addEventListener(
      'click',
      () =>
        void whileBusy([redeliver], async () => {
          await api(`api/webhooks/${endpointId}/deliveries/${delivery.id}/redeliver`, {
            method: 'POST',
          })
          announce(`Queued ${delivery.event_type} again`)
          await reload()
        }),
    )
    const last =
      delivery.last_error ??
      (delivery.last_status_code === null ? '—' : String(delivery.last_status_code))
    return h(
      'tr',
      {},
      h('td', {}, delivery.event_type, h('span', { class: 'hint mono' }, delivery.id)),
      h(
        'td',
        {},
        h('span', { class: `badge ${DELIVERY_BADGE[delivery.status]}` }, delivery.status),
      ),
      h('td', { class: 'num' }, String(delivery.attempts)),
      h('td', {}, last),
      h('td', {}, dateTime(delivery.created_at)),
      h('td', { class: 'row-actions' }, redeliver),
    )
  })
  return wrap(
    'Deliveries table',
    ['Event', 'Status', 'Attempts', 'Last answer', 'Created', 'Actions'],
    rows,
  )
}

function attemptTable(items: WebhookLogJson[]): HTMLElement {
  const rows = items.map((row) =>
    h(
      'tr',
      {},
      h('td', {}, dateTime(row.created_at)),
      h('td', {}, row.event_type, h('span', { class: 'hint mono' }, row.delivery_id)),
      h('td', { class: 'num' }, row.status_code === null ? 'No answer' : String(row.status_code)),
      h('td', { class: 'num' }, `${Math.round(row.response_time_ms)} ms`),
      h('td', {}, row.error_message ?? ''),
    ),
  )
  return wrap('Attempts table', ['Time', 'Event', 'Status', 'Duration', 'Error'], rows)
}

function wrap(label: string, headings: string[], rows: HTMLElement[]): HTMLElement {
  // Each cell names its column, for the stacked layout at phone width.
  for (const row of rows) {
    for (const [index, cell] of [...row.children].entries()) {
      cell.setAttribute('data-label', headings[index] ?? '')
    }
  }
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label },
    h(
      'table',
      { class: 'stacked' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headings.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  )
}

function olderNewer(id: string, offset: number, shown: number): HTMLElement | null {
  const links = [
    offset > 0
      ? h(
          'a',
          {
            href: href(`/webhooks/${id}`, { offset: Math.max(0, offset - PAGE_SIZE) || undefined }),
          },
          'Newer attempts',
        )
      : null,
    shown === PAGE_SIZE
      ? h('a', { href: href(`/webhooks/${id}`, { offset: offset + PAGE_SIZE }) }, 'Older attempts')
      : null,
  ].filter((link) => link !== null)
  return links.length ? h('nav', { class: 'actions', 'aria-label': 'Attempt pages' }, links) : null
}
