/**
 * The page's URLs are relative to its folder: `/catalog` must read `/catalog/`. The server
 * redirects where it sees the path as the browser sent it; a host that strips its mount prefix
 * before the app sees the request (Hono's and h3's `mount`) hides the missing slash, so the page
 * adds it here, before anything resolves a relative URL.
 */
export function addTrailingSlash(): void {
  if (location.pathname.endsWith('/')) return
  history.replaceState(history.state, '', `${location.pathname}/${location.search}${location.hash}`)
}
