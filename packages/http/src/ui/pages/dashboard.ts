import { api } from '../_api.js'
import { h, replace } from '../_dom.js'
import { count } from '../_format.js'
import { watchForChanges } from '../_fresh.js'
import type { Route } from '../_route.js'
import { type JobJson, jobList } from './_jobs.js'
import { webhookCard } from './_webhook-card.js'

interface Page {
  total: number
}

/**
 * A dashboard card: a section that fills itself in. Each card is one entry of {@link CARDS},
 * so adding one (webhook health, say) is adding a builder.
 */
type Card = () => HTMLElement

const productTotals: Card = () => {
  const card = h('section', { class: 'card', 'aria-labelledby': 'totals-title' })
  replace(card, h('h2', { id: 'totals-title' }, 'Products'), h('p', {}, 'Loading…'))
  const total = (filter: string) =>
    api<Page>(`api/products/?page_size=1${filter}`).then((page) => page.total)
  Promise.all([total(''), total('&active=true'), total('&active=false')]).then(
    ([all, active, inactive]) => {
      const stat = (label: string, value: number, link: string) =>
        h('a', { class: 'stat', href: link }, h('strong', {}, count(value)), h('span', {}, label))
      replace(
        card,
        h('h2', { id: 'totals-title' }, 'Products'),
        h(
          'div',
          { class: 'stats' },
          stat('total', all, '#/products'),
          stat('active', active, '#/products?active=true'),
          stat('inactive', inactive, '#/products?active=false'),
        ),
      )
    },
    () => replace(card, h('h2', { id: 'totals-title' }, 'Products'), h('p', {}, 'Unavailable')),
  )
  return card
}

const recentImports: Card = () => {
  const card = h('section', { class: 'card', 'aria-labelledby': 'recent-title' })
  const title = () => h('h2', { id: 'recent-title' }, 'Recent imports')
  replace(card, title(), h('p', {}, 'Loading…'))
  api<{ items: JobJson[] }>('api/import/jobs/?limit=5').then(
    ({ items }) =>
      replace(card, title(), items.length ? jobList(items) : h('p', {}, 'No import yet.')),
    () => replace(card, title(), h('p', {}, 'Unavailable')),
  )
  return card
}

const quickActions: Card = () =>
  h(
    'section',
    { class: 'card', 'aria-labelledby': 'actions-title' },
    h('h2', { id: 'actions-title' }, 'Quick actions'),
    h(
      'ul',
      { class: 'links' },
      h('li', {}, h('a', { href: '#/import' }, 'Import a CSV file')),
      h('li', {}, h('a', { href: '#/products?new=1' }, 'Create a product')),
      h('li', {}, h('a', { href: '#/products' }, 'Browse products')),
      h('li', {}, h('a', { href: 'api/products/export.csv', download: '' }, 'Export all as CSV')),
    ),
  )

const CARDS: Card[] = [productTotals, webhookCard, recentImports, quickActions]

/**
 * Totals, webhook health, recent imports and quick actions; the cards fill themselves in again
 * when the products or imports change elsewhere.
 */
export function dashboardPage(root: HTMLElement, _route: Route): () => void {
  const cards = h('div', { class: 'cards' })
  const fill = () =>
    replace(
      cards,
      CARDS.map((card) => card()),
    )
  replace(root, h('h1', {}, 'Dashboard'), cards)
  fill()
  return watchForChanges(() => {
    // Redrawing the cards under a focused link would drop a keyboard user to the page.
    if (cards.contains(document.activeElement)) return false
    fill()
    return true
  })
}
