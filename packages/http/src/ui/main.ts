import { AUTH_REQUIRED } from './_api.js'
import { focusHeading, h, replace } from './_dom.js'
import { currentRoute, type Route } from './_route.js'
import { addTrailingSlash } from './_trailing-slash.js'
import { dashboardPage } from './pages/dashboard.js'
import { importPage } from './pages/import.js'
import { importJobPage } from './pages/import-job.js'
import { loginPage } from './pages/login.js'
import { productsPage } from './pages/products.js'
import { webhookLogPage } from './pages/webhook-log.js'
import { webhooksPage } from './pages/webhooks.js'

/** A page renders into `root` and may return a function that stops what it started. */
export type Page = (root: HTMLElement, route: Route) => undefined | (() => void)

const PAGES: { match: RegExp; page: Page }[] = [
  { match: /^\/$/, page: dashboardPage },
  { match: /^\/products$/, page: productsPage },
  { match: /^\/import$/, page: importPage },
  { match: /^\/imports\/[0-9a-f-]{36}$/, page: importJobPage },
  { match: /^\/webhooks$/, page: webhooksPage },
  { match: /^\/webhooks\/[0-9a-f-]{36}$/, page: webhookLogPage },
]

// First, before any relative URL is resolved.
addTrailingSlash()

let stop: (() => void) | undefined
let lastPath: string | undefined

function render(): void {
  const root = document.getElementById('main')
  if (!root) return
  stop?.()
  stop = undefined
  const route = currentRoute()
  // A new view of the same page (a sort, a filter, a search) replaces the control that asked
  // for it: remember which had focus, so the keyboard user stays there and can press again.
  const focused = route.path === lastPath ? document.activeElement?.id : undefined
  const found = PAGES.find((entry) => entry.match.test(route.path))
  for (const link of document.querySelectorAll('nav a')) {
    const target = (link.getAttribute('href') ?? '').slice(1)
    const current = target === '/' ? route.path === '/' : route.path.startsWith(target)
    if (current) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
  if (!found) {
    replace(root, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/' }, 'Dashboard')))
    return
  }
  stop = found.page(root, route) ?? undefined
  // A new page (not a new query of the same one) moves focus to its heading.
  if (route.path !== lastPath && lastPath !== undefined) queueMicrotask(() => focusHeading(root))
  else if (focused) restoreFocus(focused)
  lastPath = route.path
}

/** Focuses the element the render put where the one with this id was, caret at its end. */
function restoreFocus(id: string): void {
  const element = document.getElementById(id)
  if (!element || element === document.activeElement) return
  element.focus({ preventScroll: true })
  if (element instanceof HTMLInputElement && element.type === 'search') {
    element.setSelectionRange(element.value.length, element.value.length)
  }
}

window.addEventListener('hashchange', render)
window.addEventListener(AUTH_REQUIRED, () => {
  const root = document.getElementById('main')
  if (!root || root.querySelector('#login')) return
  stop?.()
  stop = undefined
  loginPage(root, render)
})
document.getElementById('skip')?.addEventListener('click', (event) => {
  // The skip link must not change the hash: that is the router's.
  event.preventDefault()
  focusHeading(document.getElementById('main') ?? document.body)
})
render()
