/** Where the page is: the path and query of the location's hash (`#/products?page=2`). */
export interface Route {
  path: string
  params: URLSearchParams
}

/**
 * The current route. Routing lives in the hash so every view has a shareable link, back and
 * forward work, and the server needs no route per page whatever the mount prefix.
 */
export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, '') || '/'
  const [path = '/', query = ''] = hash.split('?', 2)
  return { path, params: new URLSearchParams(query) }
}

/** The link of a view, leaving out empty parameters. */
export function href(
  path: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(key, String(value))
  }
  const text = query.toString()
  return `#${path}${text ? `?${text}` : ''}`
}

/** Goes to a view (a new history entry, so back returns here). */
export function navigate(link: string): void {
  if (location.hash === link) window.dispatchEvent(new HashChangeEvent('hashchange'))
  else location.hash = link
}

/**
 * Remembers the view shown now; the function returned says whether it is still shown. Work that
 * ends later (a bulk change, an upload) refreshes or leaves the view only while the user is still
 * on it: one who moved on meanwhile stays where they went.
 */
export function stayingOn(): () => boolean {
  const at = location.hash
  return () => location.hash === at
}
