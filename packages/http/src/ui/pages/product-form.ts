import { api, fieldErrors, isFailure } from '../_api.js'
import { openDialog } from '../_dialog.js'
import { h } from '../_dom.js'
import type { ProductJson } from './_product.js'

const FIELDS = [
  { name: 'sku', label: 'SKU', type: 'text', required: true },
  { name: 'name', label: 'Name', type: 'text', required: true },
  { name: 'description', label: 'Description', type: 'textarea', required: false },
  {
    name: 'price',
    label: 'Price',
    type: 'text',
    required: false,
    hint: 'e.g. 19.99; empty for none',
  },
  { name: 'quantity', label: 'Quantity', type: 'text', required: false },
] as const

/**
 * The create / edit form in a dialog. The API validates: its messages show beside the fields
 * they concern. Resolves with the saved product, or undefined when cancelled.
 */
export function editProduct(product?: ProductJson): Promise<ProductJson | undefined> {
  const title = product ? 'Edit product' : 'New product'
  return openDialog<ProductJson | undefined>(
    title,
    (close) => {
      const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>()
      const errors = new Map<string, HTMLElement>()
      const formError = h('p', { class: 'error', role: 'alert' })
      const rows = FIELDS.map((field) => {
        const id = `field-${field.name}`
        const error = h('span', { class: 'error', id: `${id}-error` })
        const hint =
          'hint' in field ? h('span', { class: 'hint', id: `${id}-hint` }, field.hint) : null
        const attrs = {
          id,
          name: field.name,
          'aria-describedby': `${id}-error${hint ? ` ${id}-hint` : ''}`,
          required: field.required,
        }
        const input =
          field.type === 'textarea'
            ? h('textarea', { ...attrs, rows: 3 })
            : h('input', {
                ...attrs,
                type: 'text',
                inputmode:
                  field.name === 'quantity'
                    ? 'numeric'
                    : field.name === 'price'
                      ? 'decimal'
                      : undefined,
              })
        const value = product ? product[field.name] : field.name === 'quantity' ? 0 : ''
        input.value = value === null ? '' : String(value)
        inputs.set(field.name, input)
        errors.set(field.name, error)
        return h(
          'div',
          { class: 'field' },
          h('label', { for: id }, field.label),
          input,
          hint,
          error,
        )
      })
      const active = h('input', { id: 'field-active', type: 'checkbox', name: 'active' })
      active.checked = product?.active ?? true
      const form = h(
        'form',
        { method: 'post', action: '#', novalidate: true },
        h('h2', {}, title),
        rows,
        h('div', { class: 'field inline' }, active, h('label', { for: 'field-active' }, 'Active')),
        formError,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', onclick: () => close(undefined) }, 'Cancel'),
          h('button', { type: 'submit', class: 'primary' }, product ? 'Save' : 'Create'),
        ),
      )
      form.addEventListener('submit', async (event) => {
        event.preventDefault()
        for (const [name, error] of errors) {
          error.textContent = ''
          inputs.get(name)?.removeAttribute('aria-invalid')
        }
        formError.textContent = ''
        const text = (name: string) => inputs.get(name)?.value ?? ''
        const quantity = text('quantity').trim()
        const body = {
          sku: text('sku'),
          name: text('name'),
          description: text('description'),
          price: text('price').trim() === '' ? null : text('price').trim(),
          // Sent as typed when it is not a whole number, so the API's message names the problem.
          quantity: quantity === '' ? 0 : /^-?\d+$/.test(quantity) ? Number(quantity) : quantity,
          active: active.checked,
        }
        try {
          const saved = product
            ? await api<ProductJson>(`api/products/${product.id}/`, { method: 'PATCH', body })
            : await api<ProductJson>('api/products/', { method: 'POST', body })
          close(saved)
        } catch (failure) {
          const byField = fieldErrors(failure)
          let first: HTMLElement | undefined
          for (const [name, message] of byField) {
            const error = errors.get(name)
            const input = inputs.get(name)
            if (!error || !input) continue
            error.textContent = message
            input.setAttribute('aria-invalid', 'true')
            first ??= input
          }
          if (first) first.focus()
          else formError.textContent = isFailure(failure) ? failure.message : String(failure)
        }
      })
      return [form]
    },
    undefined,
  )
}
