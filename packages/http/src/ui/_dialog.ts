import { append, type Child, h } from './_dom.js'

/**
 * Shows a modal dialog built by `build` (given a `close` function) and resolves with what it
 * was closed with. The native modal keeps focus inside; focus returns to where it was. Moving to
 * another view (back, a link, a notice) dismisses it: a dialog belongs to the page that opened
 * it, and one left on top of another page would act on a page no longer shown.
 */
export function openDialog<T>(
  label: string,
  build: (close: (value: T) => void) => Child[],
  dismissed: T,
): Promise<T> {
  const previous = document.activeElement as HTMLElement | null
  return new Promise((resolve) => {
    let result = dismissed
    const dialog = h('dialog', { 'aria-label': label })
    const close = (value: T) => {
      result = value
      dialog.close()
    }
    const dismiss = () => close(dismissed)
    window.addEventListener('hashchange', dismiss)
    dialog.addEventListener('close', () => {
      window.removeEventListener('hashchange', dismiss)
      dialog.remove()
      if (previous?.isConnected) previous.focus()
      resolve(result)
    })
    append(dialog, build(close))
    document.body.append(dialog)
    dialog.showModal()
  })
}

/**
 * Asks to confirm something; true when confirmed. The second click of a double click answers
 * nothing: it lands wherever the dialog opened under the pointer, often on one of its buttons.
 */
export function confirmAction(title: string, message: string, action: string): Promise<boolean> {
  return openDialog(
    title,
    (close) => {
      const answer = (value: boolean) => (event: Event) => {
        if ((event as MouseEvent).detail <= 1) close(value)
      }
      return [
        h('h2', {}, title),
        h('p', {}, message),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', onclick: answer(false) }, 'Cancel'),
          h('button', { type: 'button', class: 'danger', onclick: answer(true) }, action),
        ),
      ]
    },
    false,
  )
}
