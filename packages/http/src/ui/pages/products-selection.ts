import { api, isFailure } from '../_api.js'
import { confirmAction } from '../_dialog.js'
import { h, replace } from '../_dom.js'
import { count } from '../_format.js'
import { stayingOn } from '../_route.js'
import { announce, whileBusy } from '../_status.js'
import type { ProductPageJson } from './_product.js'
import { filterOf, type ProductsView } from './_products-view.js'

/** Above this many products, setting active or inactive asks first, as deleting always does. */
const CONFIRM_ABOVE = 20

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
  const filter = filterOf(view)
  // A selection by filter carries what the user was shown: the count and when it was read, so
  // the server changes exactly those products or answers SELECTION_CHANGED.
  const bounds = { expect: page.total, as_of: page.as_of }
  const target = !selection.allMatching
    ? { ids: [...selection.ids] }
    : Object.keys(filter).length > 0
      ? { filter, ...bounds }
      : { all: true, ...bounds }
  const run = async (action: 'delete' | 'activate' | 'deactivate') => {
    const state = action === 'activate' ? 'active' : 'inactive'
    if (action === 'delete' || size > CONFIRM_ABOVE) {
      const sure =
        action === 'delete'
          ? await confirmAction(
              'Delete selected products',
              `This deletes ${count(size)} products. It cannot be undone.`,
              `Delete ${count(size)} products`,
            )
          : await confirmAction(
              'Change selected products',
              `This sets ${count(size)} products ${state}.`,
              `Set ${count(size)} products ${state}`,
            )
      if (!sure) return
    }
    const stillHere = stayingOn()
    let result: { deleted?: number; changed?: number; not_found?: string[] }
    try {
      result = await api('api/products/bulk/', { method: 'POST', body: { action, ...target } })
    } catch (failure) {
      if (!isFailure(failure) || failure.code !== 'SELECTION_CHANGED') throw failure
      const { matching } = failure.details as { matching: number }
      announce(
        `Nothing was changed: ${count(matching)} products match now, not the ${count(size)} shown. Check the list and try again.`,
      )
      if (stillHere()) reload()
      return
    }
    const missing = result.not_found?.length ?? 0
    announce(
      (action === 'delete'
        ? `Deleted ${count(result.deleted ?? 0)} products`
        : `${count(result.changed ?? 0)} products set ${state}`) +
        (missing > 0 ? ` (${count(missing)} had been deleted elsewhere)` : ''),
    )
    // The list shows the change; a user who went elsewhere meanwhile gets the message only.
    if (stillHere()) reload()
  }
  const buttons: HTMLButtonElement[] = []
  const actionButton = (label: string, action: Parameters<typeof run>[0], danger = false) => {
    const button = h(
      'button',
      {
        type: 'button',
        ...(danger ? { class: 'danger' } : {}),
        onclick: () => void whileBusy(buttons, () => run(action)),
      },
      label,
    )
    buttons.push(button)
    return button
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
    actionButton('Set active', 'activate'),
    actionButton('Set inactive', 'deactivate'),
    actionButton('Delete selected', 'delete', true),
  )
}
