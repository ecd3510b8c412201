import { api, isFailure } from '../_api.js'
import { confirmAction } from '../_dialog.js'
import { h, replace } from '../_dom.js'
import { count, dateTime } from '../_format.js'
import { watchForChanges } from '../_fresh.js'
import { navigate, type Route, stayingOn } from '../_route.js'
import { announce, attempt, whileBusy } from '../_status.js'
import { pagination } from './_pagination.js'
import {
  DELETED_ELSEWHERE,
  isDeletedElsewhere,
  type ProductJson,
  type ProductPageJson,
} from './_product.js'
import { filterOf, linkOf, type ProductsView, SORTS, viewOf } from './_products-view.js'
import { editProduct } from './product-form.js'
import { type Selection, selectionBar } from './products-selection.js'

/**
 * Products: search, filter, sort and pages (all in the URL), create and edit, toggle active,
 * delete one, bulk changes over a selection, delete all. The list is read again when the
 * products change elsewhere (an import through the API, another tab).
 */
export function productsPage(root: HTMLElement, route: Route): () => void {
  const view = viewOf(route)
  const go = (change: Partial<ProductsView>) => navigate(linkOf({ ...view, page: 1, ...change }))
  const results = h('div', { class: 'results' }, h('p', {}, 'Loading…'))
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Products'), headActions()),
    toolbar(view, go),
    results,
  )
  void load(results, view)
  if (route.params.get('new') === '1') {
    // The dashboard's "Create a product": open the form, then drop the flag from the URL.
    history.replaceState(null, '', linkOf(view))
    void create()
  }
  return watchForChanges(() => {
    // Not under the user's hands: a selection would be lost, a dialog acts on the old list,
    // and a keyboard user on a row would be dropped to the page.
    const busy =
      document.querySelector('dialog[open]') !== null ||
      results.querySelector('input[type="checkbox"]:checked') !== null ||
      results.contains(document.activeElement)
    if (!busy) void load(results, view)
    return !busy
  })
}

function headActions(): HTMLElement {
  // Disabled from the press until the dialog is answered and the deletion done: one dialog at
  // a time, however often it is clicked.
  const deleteAllButton: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: () => void whileBusy([deleteAllButton], deleteAll),
    },
    'Delete all products',
  )
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'button', class: 'primary', onclick: () => void create() }, 'New product'),
    deleteAllButton,
  )
}

async function create(): Promise<void> {
  const saved = await editProduct()
  if (saved && saved !== 'deleted') {
    announce(`Created ${saved.sku}`)
    navigate('#/products')
  }
}

async function deleteAll(): Promise<void> {
  const { total, as_of } = await api<ProductPageJson>('api/products/?page_size=1')
  if (total === 0) return announce('There are no products to delete')
  const sure = await confirmAction(
    'Delete all products',
    `This deletes all ${count(total)} products. It cannot be undone.`,
    `Delete ${count(total)} products`,
  )
  if (!sure) return
  const stillHere = stayingOn()
  // Exactly the products counted in the dialog: none created since, and none at all if the
  // count moved (SELECTION_CHANGED says so instead).
  try {
    const { deleted } = await api<{ deleted: number }>('api/products/bulk/', {
      method: 'POST',
      body: { action: 'delete', all: true, expect: total, as_of },
    })
    announce(`Deleted ${count(deleted)} products`)
  } catch (failure) {
    if (!isFailure(failure) || failure.code !== 'SELECTION_CHANGED') throw failure
    const { matching } = failure.details as { matching: number }
    announce(
      `Nothing was deleted: there are ${count(matching)} products now, not the ${count(total)} shown. Try again.`,
    )
  }
  if (stillHere()) navigate('#/products')
}

function toolbar(view: ProductsView, go: (change: Partial<ProductsView>) => void): HTMLElement {
  const search = h('input', {
    id: 'search',
    type: 'search',
    name: 'q',
    placeholder: 'SKU, name or description',
  })
  search.value = view.q
  const active = h(
    'select',
    {
      id: 'active-filter',
      onchange: (e: Event) =>
        go({ active: (e.target as HTMLSelectElement).value as ProductsView['active'] }),
    },
    h('option', { value: '' }, 'All'),
    h('option', { value: 'true' }, 'Active'),
    h('option', { value: 'false' }, 'Inactive'),
  )
  active.value = view.active
  const sort = h(
    'select',
    { id: 'sort', onchange: (e: Event) => go({ sort: (e.target as HTMLSelectElement).value }) },
    SORTS.map(([value, label]) => h('option', { value }, label)),
  )
  sort.value = view.sort
  const form = h(
    'form',
    { class: 'toolbar', role: 'search', method: 'get', action: '#' },
    h('div', { class: 'field' }, h('label', { for: 'search' }, 'Search'), search),
    h('button', { type: 'submit' }, 'Search'),
    h('div', { class: 'field' }, h('label', { for: 'active-filter' }, 'Status'), active),
    h('div', { class: 'field' }, h('label', { for: 'sort' }, 'Sort by'), sort),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    go({ q: search.value.trim() })
  })
  return form
}

async function load(results: HTMLElement, view: ProductsView): Promise<void> {
  const query = new URLSearchParams({ ...filterOf(view), page: String(view.page), page_size: '20' })
  if (view.sort) query.set('sort', view.sort)
  let page: ProductPageJson
  try {
    page = await api<ProductPageJson>(`api/products/?${query}`)
  } catch (failure) {
    replace(
      results,
      h(
        'p',
        { class: 'error', role: 'alert' },
        isFailure(failure) ? failure.message : String(failure),
      ),
    )
    return
  }
  if (page.total === 0) {
    replace(results, emptyState(view))
    return
  }
  if (page.items.length === 0 && view.page > page.pages) {
    // A page past the end (after deletions): show the last one instead.
    history.replaceState(null, '', linkOf({ ...view, page: page.pages }))
    return load(results, { ...view, page: page.pages })
  }
  const selection: Selection = { ids: new Set(), allMatching: false }
  const checks: HTMLInputElement[] = []
  const bar = h('div', { class: 'selection' })
  const headCheck = h('input', {
    type: 'checkbox',
    id: 'select-page',
    'aria-label': 'Select all on this page',
  })
  const refresh = () => {
    headCheck.checked =
      selection.allMatching || (checks.length > 0 && checks.every((c) => c.checked))
    headCheck.indeterminate = !headCheck.checked && checks.some((c) => c.checked)
    selectionBar(bar, selection, page, view, refresh, () => navigate(linkOf(view)))
  }
  headCheck.addEventListener('change', () => {
    selection.allMatching = false
    for (const check of checks) {
      check.checked = headCheck.checked
      if (check.checked) selection.ids.add(check.value)
      else selection.ids.delete(check.value)
    }
    refresh()
  })
  const rows = page.items.map((product) => row(product, selection, checks, refresh, view))
  replace(
    results,
    bar,
    h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Products table' },
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, `Products, page ${page.page} of ${page.pages}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, headCheck),
            ['SKU', 'Name', 'Brand', 'Price', 'Quantity', 'Active', 'Updated', 'Actions'].map(
              (label) => headCell(label, view),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
    pagination(page.page, page.pages, page.total, (n) => linkOf({ ...view, page: n })),
  )
  refresh()
}

const SORTABLE: Record<string, string> = {
  SKU: 'sku',
  Name: 'name',
  Brand: 'brand',
  Price: 'price',
  Quantity: 'quantity',
  Updated: 'updated_at',
}

/** A column heading; a sortable one links to its sort, and to the reverse once sorted by it. */
function headCell(label: string, view: ProductsView): HTMLElement {
  const field = SORTABLE[label]
  if (!field) return h('th', { scope: 'col' }, label)
  const direction =
    view.sort === field ? 'ascending' : view.sort === `-${field}` ? 'descending' : undefined
  const next = direction === 'ascending' ? `-${field}` : field
  return h(
    'th',
    { scope: 'col', 'aria-sort': direction },
    h(
      'a',
      { href: linkOf({ ...view, sort: next, page: 1 }), class: 'sort' },
      label,
      // aria-sort says the direction to screen readers; the arrow is for the eye.
      direction
        ? h('span', { 'aria-hidden': 'true' }, direction === 'ascending' ? ' ▲' : ' ▼')
        : null,
    ),
  )
}

function row(
  product: ProductJson,
  selection: Selection,
  checks: HTMLInputElement[],
  refresh: () => void,
  view: ProductsView,
): HTMLElement {
  const check = h('input', {
    type: 'checkbox',
    value: product.id,
    'aria-label': `Select ${product.sku}`,
  })
  check.addEventListener('change', () => {
    selection.allMatching = false
    if (check.checked) selection.ids.add(product.id)
    else selection.ids.delete(product.id)
    refresh()
  })
  checks.push(check)
  // An action that finds the product gone (deleted in another tab) drops the stale row, by
  // reading the page again, and says why plainly instead of the API's "no product with id".
  const gone = () => {
    tr.remove()
    announce(DELETED_ELSEWHERE)
    navigate(linkOf(view))
  }
  const toggle = h(
    'button',
    {
      type: 'button',
      role: 'switch',
      'aria-checked': String(product.active),
      'aria-label': `Active: ${product.sku}`,
      class: 'switch',
    },
    product.active ? 'Active' : 'Inactive',
  )
  toggle.addEventListener('click', async () => {
    try {
      const saved = await api<ProductJson>(`api/products/${product.id}/`, {
        method: 'PATCH',
        body: { active: !product.active },
      })
      product.active = saved.active
      toggle.setAttribute('aria-checked', String(saved.active))
      toggle.textContent = saved.active ? 'Active' : 'Inactive'
      announce(`${saved.sku} is now ${saved.active ? 'active' : 'inactive'}`)
    } catch (failure) {
      if (isDeletedElsewhere(failure)) gone()
      else announce(isFailure(failure) ? failure.message : String(failure))
    }
  })
  const edit = h('button', { type: 'button', 'aria-label': `Edit ${product.sku}` }, 'Edit')
  edit.addEventListener(
    'click',
    () =>
      void attempt(async () => {
        const saved = await editProduct(product)
        if (saved === 'deleted') gone()
        else if (saved) {
          announce(`Saved ${saved.sku}`)
          navigate(linkOf(view))
        }
      }),
  )
  const remove = h(
    'button',
    { type: 'button', class: 'danger', 'aria-label': `Delete ${product.sku}` },
    'Delete',
  )
  remove.addEventListener(
    'click',
    () =>
      void attempt(async () => {
        const sure = await confirmAction(
          'Delete product',
          `Delete ${product.sku} (${product.name})? This cannot be undone.`,
          'Delete',
        )
        if (!sure) return
        try {
          await api(`api/products/${product.id}/`, { method: 'DELETE' })
        } catch (failure) {
          if (isDeletedElsewhere(failure)) return gone()
          throw failure
        }
        announce(`Deleted ${product.sku}`)
        navigate(linkOf(view))
      }),
  )
  const tr = h(
    'tr',
    {},
    h('td', {}, check),
    h('td', { class: 'sku' }, product.sku),
    h('td', {}, nameCell(product)),
    h('td', {}, product.brand ?? ''),
    h('td', { class: 'num' }, product.price ?? '—'),
    h('td', { class: 'num' }, count(product.quantity)),
    h('td', {}, toggle),
    h('td', {}, dateTime(product.updated_at)),
    h('td', { class: 'row-actions' }, edit, remove),
  )
  return tr
}

/**
 * The name with the main image beside it (loaded only when scrolled to; a missing or broken
 * one leaves a blank square, never a broken-image icon) and the category below.
 */
function nameCell(product: ProductJson): HTMLElement {
  const main = product.images[0]
  const placeholder = () => h('span', { class: 'thumb', 'aria-hidden': 'true' })
  let thumb: HTMLElement = placeholder()
  if (main?.startsWith('https://')) {
    // `loading` before `src`: set the other way round, the image would be fetched at once.
    const image = h('img', {
      loading: 'lazy',
      decoding: 'async',
      class: 'thumb',
      src: main,
      alt: product.name,
      width: 40,
      height: 40,
    })
    image.addEventListener('error', () => image.replaceWith(placeholder()), { once: true })
    thumb = image
  }
  return h(
    'div',
    { class: 'name-cell' },
    thumb,
    h(
      'div',
      {},
      product.name,
      product.category ? h('div', { class: 'category' }, product.category) : null,
    ),
  )
}

function emptyState(view: ProductsView): HTMLElement {
  if (view.q || view.active) {
    return h(
      'div',
      { class: 'empty' },
      h('h2', {}, 'No product matches'),
      h('p', {}, 'Nothing matches this search and filter.'),
      h('a', { href: '#/products', class: 'button' }, 'Clear filters'),
    )
  }
  return h(
    'div',
    { class: 'empty' },
    h('h2', {}, 'No products yet'),
    h('p', {}, 'Import a CSV file or create a first product.'),
    h('a', { href: '#/import', class: 'button primary' }, 'Import a file'),
    ' ',
    h('button', { type: 'button', onclick: () => void create() }, 'Create a product'),
  )
}
