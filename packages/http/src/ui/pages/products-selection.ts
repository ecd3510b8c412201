import { api } from '../_api.js'
import { confirmAction } from '../_dialog.js'
import { h, replace } from '../_dom.js'
import { count } from '../_format.js'
import { announce, attempt } from '../_status.js'
import type { ProductPageJson } from './_product.js'
import { filterOf, type ProductsView } from './_products-view.js'

/** Rows picked on a page, or every product matching the view's filter. */
export interface Selection {
  ids: Set<string>
  allMatching: boolean
}

/**
 * The bar above the table: how many are selected, the offer to select every matching product,
 * and the bulk actions.
 */
export function selectionBar(
  bar: HTMLElement,
  selection: Selection,
  page: ProductPageJson,
  view: ProductsView,
  refresh: () => void,
  reload: () => void,
): void {
  const size = selection.allMatching ? page.total : selection.ids.size
  if (size === 0) {
    replace(bar)
    return
  }
  const allOnPage = selection.ids.size === page.items.length
  const target = selection.allMatching ? { filter: filterOf(view) } : { ids: [...selection.ids] }
  const run = async (action: 'delete' | 'activate' | 'deactivate') => {
    if (action === 'delete') {
      const sure = await confirmAction(
        'Delete selected products',
        `This deletes ${count(size)} products. It cannot be undone.`,
        `Delete ${count(size)} products`,
      )
      if (!sure) return
    }
    const result = await api<{ deleted?: number; changed?: number }>('api/products/bulk/', {
      method: 'POST',
      body: { action, ...target },
    })
    announce(
      action === 'delete'
        ? `Deleted ${count(result.deleted ?? 0)} products`
        : `${count(result.changed ?? 0)} products set ${action === 'activate' ? 'active' : 'inactive'}`,
    )
    reload()
  }
  replace(
    bar,
    h(
      'p',
      { id: 'selection-count', tabindex: -1 },
      selection.allMatching
        ? `All ${count(size)} matching products selected`
        : `${count(size)} selected`,
    ),
    allOnPage && !selection.allMatching && page.total > page.items.length
      ? h(
          'button',
          {
            type: 'button',
            onclick: () => {
              selection.allMatching = true
              refresh()
              // The button is gone now: keep focus on the bar that says what is selected.
              bar.querySelector<HTMLElement>('#selection-count')?.focus()
            },
          },
          `Select all ${count(page.total)} matching`,
        )
      : null,
    h(
      'button',
      { type: 'button', onclick: () => void attempt(() => run('activate')) },
      'Set active',
    ),
    h(
      'button',
      { type: 'button', onclick: () => void attempt(() => run('deactivate')) },
      'Set inactive',
    ),
    h(
      'button',
      { type: 'button', class: 'danger', onclick: () => void attempt(() => run('delete')) },
      'Delete selected',
    ),
  )
}
