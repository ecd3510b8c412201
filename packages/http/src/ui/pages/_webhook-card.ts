import { api } from '../_api.js'
import { h, replace } from '../_dom.js'
import { count } from '../_format.js'
import { type WebhookJson, webhookHealth } from './_webhook.js'

/** The dashboard's webhook card: how many endpoints, how many failing, how many disabled. */
export function webhookCard(): HTMLElement {
  const card = h('section', { class: 'card', 'aria-labelledby': 'webhooks-title' })
  const title = () => h('h2', { id: 'webhooks-title' }, 'Webhooks')
  const link = () =>
    h(
      'div',
      { class: 'actions' },
      h('a', { href: '#/webhooks', class: 'button' }, 'Manage webhooks'),
    )
  replace(card, title(), h('p', {}, 'Loading…'))
  api<WebhookJson[]>('api/webhooks/').then(
    (endpoints) => {
      const health = endpoints.map(webhookHealth)
      const stat = (label: string, value: number) =>
        h(
          'a',
          { class: 'stat', href: '#/webhooks' },
          h('strong', {}, count(value)),
          h('span', {}, label),
        )
      replace(
        card,
        title(),
        h(
          'div',
          { class: 'stats' },
          stat('endpoints', endpoints.length),
          stat('failing', health.filter((state) => state === 'failing').length),
          stat('disabled', health.filter((state) => state === 'disabled').length),
        ),
        link(),
      )
    },
    () => replace(card, title(), h('p', {}, 'Unavailable'), link()),
  )
  return card
}
