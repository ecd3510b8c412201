import { api } from '../_api.js'
import { openDialog } from '../_dialog.js'
import { h } from '../_dom.js'
import { createFormErrors, fieldRow, formActions } from '../_form.js'
import { whileBusy } from '../_status.js'
import { isDeletedElsewhere, type ProductJson } from './_product.js'
import { createConflictNotice } from './_product-conflict.js'
import {
  changedFields,
  type EditableField,
  type FormValues,
  type LoadedProduct,
  loadProduct,
  saveChanges,
} from './_product-save.js'

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
  {
    name: 'quantity',
    label: 'Quantity',
    type: 'text',
    required: false,
    hint: 'a whole number; empty means 0',
  },
] as const

// The form takes the API's number form, a dot for decimals. A file is read by its own decimal
// separator (a `;` file's 1,99 is 1.99), so a comma here is most likely that habit: say so.
const DECIMAL_COMMA = /^\d+,\d{1,2}$/

/** Why the form refuses a price with a decimal comma, naming the form it takes. */
function decimalCommaMessage(price: string): string {
  return `Use a dot: ${price.replace(',', '.')}. The form takes a dot for decimals; only an imported file with a decimal comma (such as a ; separated one) is read with commas.`
}

const LABELS: Record<EditableField, string> = {
  ...(Object.fromEntries(FIELDS.map((field) => [field.name, field.label])) as Record<
    Exclude<EditableField, 'active'>,
    string
  >),
  active: 'Active',
}

/**
 * The create / edit form in a dialog. The API validates: its messages show beside the fields
 * they concern. An edit starts from the product's current version and sends only the fields
 * the user changed, so a change made elsewhere meanwhile (an import) is kept; one that touched
 * the same fields is shown instead of overwritten. Resolves with the saved product,
 * undefined when cancelled, or `'deleted'` when the product turned out to be gone (before the
 * dialog opened, or on saving).
 */
export async function editProduct(
  listed?: ProductJson,
): Promise<ProductJson | 'deleted' | undefined> {
  let loaded: LoadedProduct | undefined
  try {
    loaded = listed && (await loadProduct(listed))
  } catch (failure) {
    if (isDeletedElsewhere(failure)) return 'deleted'
    throw failure
  }
  const product = loaded?.product
  const title = product ? 'Edit product' : 'New product'
  return openDialog<ProductJson | 'deleted' | undefined>(
    title,
    (close) => {
      const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>()
      const formError = h('p', { class: 'error', role: 'alert' })
      const errors = createFormErrors(formError)
      const rows = FIELDS.map((field) => {
        const id = `field-${field.name}`
        const attrs = { id, name: field.name, required: field.required }
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
        const { row, error } = fieldRow(id, field.label, input, 'hint' in field ? field.hint : '')
        errors.add(field.name, error, input)
        return row
      })
      const active = h('input', { id: 'field-active', type: 'checkbox', name: 'active' })
      active.checked = product?.active ?? true
      const conflict = createConflictNotice(LABELS)
      const actions = formActions(() => close(undefined), product !== undefined)
      // Busy while a save runs: a double press sends one create, not two.
      const save = actions.querySelector<HTMLButtonElement>('button[type="submit"]')!
      const fill = (from: ProductJson) => {
        for (const [name, input] of inputs) {
          const value = from[name as EditableField]
          input.value = value === null ? '' : String(value)
        }
        active.checked = from.active
      }
      const form = h(
        'form',
        { method: 'post', action: '#', novalidate: true },
        h('h2', {}, title),
        rows,
        h('div', { class: 'field inline' }, active, h('label', { for: 'field-active' }, 'Active')),
        conflict.element,
        formError,
        actions,
      )
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        void whileBusy([save], submit)
      })
      const submit = async () => {
        errors.clear()
        conflict.hide()
        const text = (name: string) => inputs.get(name)?.value ?? ''
        const price = text('price').trim()
        if (DECIMAL_COMMA.test(price)) {
          errors.show(null, new Map([['price', decimalCommaMessage(price)]]))
          return
        }
        const quantity = text('quantity').trim()
        const body: FormValues = {
          sku: text('sku'),
          name: text('name'),
          description: text('description'),
          price: price === '' ? null : price,
          // Sent as typed when it is not a whole number, so the API's message names the problem.
          quantity: quantity === '' ? 0 : /^-?\d+$/.test(quantity) ? Number(quantity) : quantity,
          active: active.checked,
        }
        try {
          if (!loaded) {
            close(await api<ProductJson>('api/products/', { method: 'POST', body }))
            return
          }
          const changes = changedFields(loaded.product, body)
          if (Object.keys(changes).length === 0) {
            close(loaded.product)
            return
          }
          const outcome = await saveChanges(loaded, changes)
          if ('saved' in outcome) {
            close(outcome.saved.product)
            return
          }
          const { current, fields } = outcome.conflict
          conflict.show(current.product, fields, changes, () => {
            loaded = current
            fill(current.product)
            conflict.hide()
            inputs.get('name')?.focus()
          })
        } catch (failure) {
          // Gone while the dialog was open: nothing to save to, so no message beside a field.
          if (loaded && isDeletedElsewhere(failure)) close('deleted')
          else errors.show(failure)
        }
      }
      return [form]
    },
    undefined,
  )
}
