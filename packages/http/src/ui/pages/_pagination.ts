import { h } from '../_dom.js'
import { count } from '../_format.js'

/** Page links around the current one, with first and last: 1 … 4 5 [6] 7 8 … 20. */
export function pagination(
  page: number,
  pages: number,
  total: number,
  link: (page: number) => string,
): HTMLElement {
  const numbers = new Set([1, pages])
  for (let n = page - 2; n <= page + 2; n++) if (n >= 1 && n <= pages) numbers.add(n)
  const sorted = [...numbers].filter((n) => n >= 1).sort((a, b) => a - b)
  const items: HTMLElement[] = []
  let previous = 0
  for (const n of sorted) {
    if (n > previous + 1) items.push(h('li', { 'aria-hidden': 'true' }, '…'))
    items.push(
      h(
        'li',
        {},
        n === page
          ? h('a', { href: link(n), 'aria-current': 'page', 'aria-label': `Page ${n}` }, String(n))
          : h('a', { href: link(n), 'aria-label': `Page ${n}` }, String(n)),
      ),
    )
    previous = n
  }
  return h(
    'nav',
    { class: 'pagination', 'aria-label': 'Pages' },
    h('p', {}, `Page ${count(page)} of ${count(Math.max(pages, 1))} · ${count(total)} products`),
    h(
      'ul',
      {},
      page > 1 ? h('li', {}, h('a', { href: link(page - 1), rel: 'prev' }, 'Previous')) : null,
      items,
      page < pages ? h('li', {}, h('a', { href: link(page + 1), rel: 'next' }, 'Next')) : null,
    ),
  )
}
