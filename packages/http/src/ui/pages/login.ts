import { api, isFailure } from '../_api.js'
import { focusHeading, h, replace } from '../_dom.js'

/**
 * The login form, shown when the API answers 401. The token goes in a POST body and comes back
 * as an HttpOnly cookie: it never appears in a URL, and scripts cannot read it afterwards.
 */
export function loginPage(root: HTMLElement, done: () => void): void {
  const error = h('p', { id: 'login-error', class: 'error', role: 'alert' })
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': 'login-error',
  })
  const form = h(
    'form',
    { id: 'login', class: 'card narrow', method: 'post', action: '#' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'This server needs its access token.'),
    h('label', { for: 'token' }, 'Access token'),
    input,
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.textContent = ''
    try {
      await api('api/session/', { method: 'POST', body: { token: input.value } })
      input.value = ''
      done()
    } catch (failure) {
      error.textContent =
        isFailure(failure) && failure.status === 401 ? 'That token is not valid.' : String(failure)
      input.setAttribute('aria-invalid', 'true')
      input.focus()
    }
  })
  replace(root, form)
  focusHeading(root)
  input.focus()
}
