import { h } from '../_dom.js'

/** The steps of an import, shown above each one. */
export function steps(current: 1 | 2 | 3 | 4): HTMLElement {
  const names = ['Upload', 'Map columns', 'Preview', 'Import']
  return h(
    'ol',
    { class: 'steps', 'aria-label': 'Steps' },
    names.map((name, i) =>
      h('li', i + 1 === current ? { 'aria-current': 'step' } : {}, `${i + 1}. ${name}`),
    ),
  )
}
