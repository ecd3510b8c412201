import { h, replace } from '../_dom.js'
import type { ProductJson } from './_product.js'
import type { EditableField, FormValues } from './_product-save.js'

const shown = (value: unknown) =>
  value === null || value === '' || (Array.isArray(value) && value.length === 0)
    ? '(none)'
    : Array.isArray(value)
      ? value.join(', ')
      : String(value)

/**
 * The dialog's notice that someone else changed the product since it was opened: for each
 * field both changed, its value now beside the one entered, and a button that loads the current
 * values into the form. Hidden while there is no conflict.
 */
export function createConflictNotice(labels: Record<EditableField, string>) {
  const box = h('div', { class: 'conflict', role: 'alert', hidden: true })
  return {
    element: box,
    /** Shows the conflict; `reload` puts `current` into the form. */
    show(
      current: ProductJson,
      fields: readonly EditableField[],
      entered: Partial<FormValues>,
      reload: () => void,
    ): void {
      const button = h('button', { type: 'button' }, 'Load the current values')
      button.addEventListener('click', reload)
      replace(
        box,
        h('p', {}, 'This product was changed elsewhere since you opened it. Nothing was saved.'),
        fields.length > 0
          ? h(
              'ul',
              {},
              fields.map((field) =>
                h(
                  'li',
                  {},
                  `${labels[field]}: now ${shown(current[field])}, you entered ${shown(entered[field])}`,
                ),
              ),
            )
          : null,
        button,
      )
      box.hidden = false
      button.focus()
    },
    hide(): void {
      box.hidden = true
      replace(box)
    },
  }
}
