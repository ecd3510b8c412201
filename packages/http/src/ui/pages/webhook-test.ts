import { api, isFailure } from '../_api.js'
import { h } from '../_dom.js'
import { whileBusy } from '../_status.js'
import { attemptText, type WebhookJson } from './_webhook.js'

interface TestResult {
  ok: boolean
  status_code: number | null
  response_time_ms: number
  error: string | null
}

/**
 * A button that sends a test event now, and the output that shows what the receiver answered
 * (status code and response time) or why it failed. `done` runs after each test.
 */
export function testButton(
  endpoint: WebhookJson,
  done: () => void,
): { button: HTMLButtonElement; output: HTMLOutputElement } {
  const output = h('output', { class: 'test-result', 'aria-live': 'polite' })
  const button = h('button', { type: 'button', 'aria-label': `Test ${endpoint.url}` }, 'Test')
  button.addEventListener('click', () => void whileBusy([button], send))
  const send = async () => {
    output.className = 'test-result'
    output.textContent = 'Sending a test event…'
    try {
      const result = await api<TestResult>(`api/webhooks/${endpoint.id}/test/`, { method: 'POST' })
      output.classList.add(result.ok ? 'ok' : 'failed')
      output.textContent = `Test: ${attemptText(result)}${result.error ? ` · ${result.error}` : ''}`
      done()
    } catch (failure) {
      output.classList.add('failed')
      output.textContent = `Test failed: ${isFailure(failure) ? failure.message : String(failure)}`
    }
  }
  return { button, output }
}
