import { api } from '../_api.js'
import { h } from '../_dom.js'
import { announce, whileBusy } from '../_status.js'

const DAY_MS = 24 * 3_600_000

/** A `datetime-local` value (local time, minutes) for a moment. */
function toLocalInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
  return local.toISOString().slice(0, 16)
}

/**
 * "Recover failed deliveries since" a time: every failed delivery of the endpoint created
 * since then is queued again. The time is the browser's local time; the API gets it in UTC.
 */
export function recoverForm(endpointId: string, done: () => void): HTMLElement {
  const since = h('input', {
    type: 'datetime-local',
    id: 'recover-since',
    required: true,
    'aria-describedby': 'recover-error',
  })
  since.value = toLocalInput(new Date(Date.now() - DAY_MS))
  const error = h('span', { class: 'error', id: 'recover-error', role: 'alert' })
  const submit = h('button', { type: 'submit' }, 'Recover')
  const form = h(
    'form',
    { class: 'toolbar', method: 'post', action: '#', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'recover-since' }, 'Recover failed deliveries since'),
      since,
      error,
    ),
    submit,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    error.textContent = ''
    const moment = new Date(since.value)
    if (Number.isNaN(moment.getTime())) {
      error.textContent = 'Give a date and time'
      since.focus()
      return
    }
    void whileBusy([submit], async () => {
      const { requeued } = await api<{ requeued: number }>(`api/webhooks/${endpointId}/recover`, {
        method: 'POST',
        body: { since: moment.toISOString() },
      })
      announce(
        requeued === 1
          ? 'Queued 1 failed delivery again'
          : `Queued ${requeued} failed deliveries again`,
      )
      done()
    })
  })
  return form
}
