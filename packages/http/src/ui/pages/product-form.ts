import { FIELDS as FIELD_TABLE } from '../../../../core/src/product/fields.js'
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

/** How a field is typed into the form and read back out of it. */
type Kind = 'text' | 'textarea' | 'money' | 'whole' | 'commas' | 'lines'

interface FormField {
  name: Exclude<EditableField, 'active'>
  kind: Kind
  required?: boolean
  /** Empty means `null` (no value), not an empty text. */
  nullable?: boolean
  hint?: string
}

// Labels come from the field table, so the form, the mapping step and exports name a field alike.
const FORM_FIELD_LIST = [
  { name: 'sku', kind: 'text', required: true },
  { name: 'name', kind: 'text', required: true },
  { name: 'description', kind: 'textarea' },
  { name: 'price', kind: 'money', nullable: true, hint: 'e.g. 19.99; empty for none' },
  { name: 'quantity', kind: 'whole', hint: 'a whole number; empty means 0' },
  {
    name: 'compare_at_price',
    kind: 'money',
    nullable: true,
    hint: 'the price before a reduction; empty for none',
  },
  { name: 'brand', kind: 'text', nullable: true },
  {
    name: 'category',
    kind: 'text',
    nullable: true,
    hint: 'levels separated by >, e.g. Home > Lighting > Lamps',
  },
  { name: 'tags', kind: 'commas', hint: 'separated by commas' },
  {
    name: 'images',
    kind: 'lines',
    hint: 'one http(s) address per line; the first is the main image',
  },
  { name: 'barcode', kind: 'text', nullable: true, hint: 'GTIN, EAN, UPC or ISBN' },
  { name: 'weight_grams', kind: 'whole', nullable: true, hint: 'whole grams; empty for none' },
  {
    name: 'group',
    kind: 'text',
    nullable: true,
    hint: 'the key the variants of one product share',
  },
] as const satisfies readonly FormField[]
const FORM_FIELDS: readonly FormField[] = FORM_FIELD_LIST

// Every field but `active` (a checkbox of its own) has a row: a field added to the table and
// missing here is a compile error.
type Missing = Exclude<EditableField, 'active' | (typeof FORM_FIELD_LIST)[number]['name']>
const complete: [Missing] extends [never] ? true : Missing = true
void complete

const labelOf = (field: EditableField) => FIELD_TABLE[field].label

/** A stored value as the form shows it. */
function toInput(field: FormField, value: ProductJson[EditableField] | undefined): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.join(field.kind === 'lines' ? '\n' : ', ')
  return String(value)
}

/** What the form sends for a field's text (a number that is not one is sent as typed, for the API to name). */
function fromInput(field: FormField, text: string): FormValues[EditableField] {
  const trimmed = text.trim()
  switch (field.kind) {
    case 'commas':
    case 'lines':
      return text
        .split(field.kind === 'commas' ? ',' : /\r?\n/)
        .map((item) => item.trim())
        .filter((item) => item !== '')
    case 'money':
      return trimmed === '' ? null : trimmed
    case 'whole':
      if (trimmed === '') return field.nullable ? null : 0
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed
    default:
      return field.nullable && trimmed === '' ? null : text
  }
}

// The form takes the API's number form, a dot for decimals. A file is read by its own decimal
// separator (a `;` file's 1,99 is 1.99), so a comma here is most likely that habit: say so.
const DECIMAL_COMMA = /^\d+,\d{1,2}$/

/** Why the form refuses a price with a decimal comma, naming the form it takes. */
function decimalCommaMessage(price: string): string {
  return `Use a dot: ${price.replace(',', '.')}. The form takes a dot for decimals; only an imported file with a decimal comma (such as a ; separated one) is read with commas.`
}

const LABELS = Object.fromEntries(
  [...FORM_FIELDS.map((field) => field.name), 'active' as const].map((name) => [
    name,
    labelOf(name),
  ]),
) as Record<EditableField, string>

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
      const rows = FORM_FIELDS.map((field) => {
        const id = `field-${field.name}`
        const attrs = { id, name: field.name, required: field.required ?? false }
        const input =
          field.kind === 'textarea' || field.kind === 'lines'
            ? h('textarea', { ...attrs, rows: 3 })
            : h('input', {
                ...attrs,
                type: 'text',
                inputmode:
                  field.kind === 'whole'
                    ? 'numeric'
                    : field.kind === 'money'
                      ? 'decimal'
                      : undefined,
              })
        input.value = product
          ? toInput(field, product[field.name])
          : field.name === 'quantity'
            ? '0'
            : ''
        inputs.set(field.name, input)
        const { row, error } = fieldRow(id, labelOf(field.name), input, field.hint ?? '')
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
        for (const field of FORM_FIELDS) {
          const input = inputs.get(field.name)
          if (input) input.value = toInput(field, from[field.name])
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
        const commas = FORM_FIELDS.filter(
          (field) => field.kind === 'money' && DECIMAL_COMMA.test(text(field.name).trim()),
        )
        if (commas.length > 0) {
          errors.show(
            null,
            new Map(
              commas.map((field) => [field.name, decimalCommaMessage(text(field.name).trim())]),
            ),
          )
          return
        }
        const body = Object.fromEntries([
          ...FORM_FIELDS.map((field) => [field.name, fromInput(field, text(field.name))]),
          ['active', active.checked],
        ]) as FormValues
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
