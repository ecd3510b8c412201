import { fieldErrors, isFailure } from './_api.js'
import { h } from './_dom.js'

/**
 * A labelled field: the label, the input, an optional hint, and the span the API's message for
 * this field goes in, all tied together for screen readers.
 */
export function fieldRow(
  id: string,
  label: string,
  input: HTMLElement,
  hint?: string,
): { row: HTMLElement; error: HTMLElement } {
  const error = h('span', { class: 'error', id: `${id}-error` })
  const hinted = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null
  input.setAttribute('aria-describedby', `${id}-error${hinted ? ` ${id}-hint` : ''}`)
  const row = h('div', { class: 'field' }, h('label', { for: id }, label), input, hinted, error)
  return { row, error }
}

/** The Cancel and Create / Save buttons of a dialog form. */
export function formActions(cancel: () => void, editing: boolean): HTMLElement {
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'button', onclick: cancel }, 'Cancel'),
    h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Create'),
  )
}

/**
 * The API's validation messages of a form: each beside its field (marked invalid, the first
 * one focused), anything else in the form's own error line.
 */
export function createFormErrors(formError: HTMLElement) {
  const fields = new Map<string, { error: HTMLElement; input: HTMLElement | undefined }>()
  return {
    /** Where the messages of field `name` go, and the control they concern. */
    add(name: string, error: HTMLElement, input: HTMLElement | undefined): void {
      fields.set(name, { error, input })
    },
    /** Clears every message, before the form is sent again. */
    clear(): void {
      for (const { error, input } of fields.values()) {
        error.textContent = ''
        input?.removeAttribute('aria-invalid')
      }
      formError.textContent = ''
    },
    /** Shows why the API refused the form: `byField`, or the field messages of `failure`. */
    show(failure: unknown, byField: ReadonlyMap<string, string> = fieldErrors(failure)): void {
      let first: HTMLElement | undefined
      for (const [name, message] of byField) {
        const field = fields.get(name)
        if (!field) continue
        field.error.textContent = message
        field.input?.setAttribute('aria-invalid', 'true')
        first ??= field.input
      }
      if (first) first.focus()
      else formError.textContent = isFailure(failure) ? failure.message : String(failure)
    },
  }
}
