import { h } from './_dom.js'

/**
 * Shows a notice that stays until it is followed or dismissed: for work that finished while the
 * user was on another page (an upload ready to map). The page they are on stays as it is; the
 * link takes them to the result when they choose to go.
 */
export function notify(text: string, link: { href: string; label: string }, detail = ''): void {
  const region = document.getElementById('notices')
  if (!region) return
  const notice = h('p', { class: 'notice' })
  const dismiss = () => notice.remove()
  notice.append(
    `${text}: `,
    h('a', { href: link.href, onclick: dismiss }, link.label),
    detail ? ` (${detail}) ` : ' ',
    h('button', { type: 'button', onclick: dismiss, 'aria-label': `Dismiss: ${text}` }, 'Dismiss'),
  )
  region.append(notice)
}
