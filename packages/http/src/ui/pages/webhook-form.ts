import { api, fieldErrors, isFailure } from '../_api.js'
import { openDialog } from '../_dialog.js'
import { h } from '../_dom.js'
import { createFormErrors, fieldRow, formActions } from '../_form.js'
import { WEBHOOK_EVENT_TYPES, type WebhookJson } from './_webhook.js'

/** A new endpoint answers with its secret, once. */
export type CreatedWebhook = WebhookJson & { secret?: string }

const TEXT_FIELDS = [
  { name: 'url', label: 'URL', required: true, hint: 'https:// address that receives the events' },
  { name: 'description', label: 'Description', required: false, hint: '' },
  {
    name: 'rate_limit',
    label: 'Rate limit',
    required: false,
    hint: 'Deliveries per second at most; empty for no limit',
  },
] as const

/**
 * The create / edit form of a webhook endpoint in a dialog. The API checks the URL against its
 * guard: a refused address shows the API's message beside the URL. Resolves with the saved
 * endpoint, or undefined when cancelled.
 */
export function editWebhook(endpoint?: WebhookJson): Promise<CreatedWebhook | undefined> {
  const title = endpoint ? 'Edit webhook' : 'New webhook'
  return openDialog<CreatedWebhook | undefined>(
    title,
    (close) => {
      const inputs = new Map<string, HTMLInputElement>()
      const formError = h('p', { class: 'error', role: 'alert' })
      const errors = createFormErrors(formError)
      const rows = TEXT_FIELDS.map((field) => {
        const id = `webhook-${field.name.replace('_', '-')}`
        const input = h('input', {
          id,
          name: field.name,
          type: 'text',
          required: field.required,
          inputmode: field.name === 'rate_limit' ? 'decimal' : field.name === 'url' ? 'url' : null,
        })
        const value = endpoint?.[field.name]
        input.value = value === null || value === undefined ? '' : String(value)
        inputs.set(field.name, input)
        const { row, error } = fieldRow(id, field.label, input, field.hint)
        errors.add(field.name, error, input)
        return row
      })
      const chosen = new Set(endpoint?.event_types ?? [])
      const events = WEBHOOK_EVENT_TYPES.map((type) => {
        const box = h('input', { type: 'checkbox', id: `event-${type}`, value: type })
        box.checked = chosen.has(type)
        return box
      })
      const eventsError = h('span', { class: 'error', id: 'webhook-events-error' })
      errors.add('event_types', eventsError, events[0])
      const flag = (id: string, label: string, checked: boolean) => {
        const box = h('input', { type: 'checkbox', id })
        box.checked = checked
        return {
          box,
          row: h('div', { class: 'field inline' }, box, h('label', { for: id }, label)),
        }
      }
      const perRow = flag(
        'webhook-per-row',
        'Per-row events: product.created / product.updated for every imported row',
        endpoint?.per_row_events ?? false,
      )
      const active = flag('webhook-active', 'Enabled', endpoint?.active ?? true)
      const form = h(
        'form',
        { method: 'post', action: '#', novalidate: true },
        h('h2', {}, title),
        rows,
        h(
          'fieldset',
          { class: 'events', 'aria-describedby': 'webhook-events-hint webhook-events-error' },
          h('legend', {}, 'Events'),
          h('span', { class: 'hint', id: 'webhook-events-hint' }, 'None checked: every event'),
          h(
            'div',
            { class: 'checks' },
            events.map((box) =>
              h('div', { class: 'field inline' }, box, h('label', { for: box.id }, box.value)),
            ),
          ),
          eventsError,
        ),
        perRow.row,
        active.row,
        formError,
        formActions(() => close(undefined), endpoint !== undefined),
      )
      form.addEventListener('submit', async (event) => {
        event.preventDefault()
        errors.clear()
        const text = (name: string) => (inputs.get(name)?.value ?? '').trim()
        const rate = text('rate_limit')
        const body = {
          url: text('url'),
          event_types: events.filter((box) => box.checked).map((box) => box.value),
          description: text('description'),
          // Sent as typed when it is not a number, so the API's message names the problem.
          rate_limit: rate === '' ? null : Number.isFinite(Number(rate)) ? Number(rate) : rate,
          per_row_events: perRow.box.checked,
          active: active.box.checked,
        }
        try {
          const saved = endpoint
            ? await api<WebhookJson>(`api/webhooks/${endpoint.id}/`, { method: 'PATCH', body })
            : await api<CreatedWebhook>('api/webhooks/', { method: 'POST', body })
          close(saved)
        } catch (failure) {
          const byField = fieldErrors(failure)
          if (isFailure(failure) && failure.code === 'WEBHOOK_URL_FORBIDDEN') {
            byField.set('url', failure.message)
          }
          errors.show(failure, byField)
        }
      })
      return [form]
    },
    undefined,
  )
}
