import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { defineRoute } from '../_route.js'
import type { Router } from '../_router.js'
import { ApiError } from '../errors.js'

// The built UI sits beside this bundle: dist/ui/ next to dist/index.js and dist/cli.js.
const UI_DIR = new URL('./ui/', import.meta.url)

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
}

/**
 * The UI's security headers. The page runs only its own script and style (no inline code), may
 * not be framed, and talks only to its own origin; it shows product images from https origins.
 */
export const UI_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // Product images come from shops' own image hosts: any https origin (no referrer is sent).
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // Files are not content-hashed: revalidate so a new version shows at once.
  'cache-control': 'no-cache',
}

/** The web UI's three files, open without a token (the page asks for one when needed). */
export const uiRouteSpecs = {
  page: defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The web UI',
    public: true,
    responses: { 200: { description: 'The page', media: 'text/html' } },
  }),
  script: defineRoute({
    method: 'GET',
    path: '/ui/app.js',
    summary: "The web UI's script",
    public: true,
    responses: { 200: { description: 'The script', media: 'text/javascript' } },
  }),
  style: defineRoute({
    method: 'GET',
    path: '/ui/app.css',
    summary: "The web UI's styles",
    public: true,
    responses: { 200: { description: 'The styles', media: 'text/css' } },
  }),
}

/** The web UI: `index.html` at the root (under any base path) and its two assets. */
export function uiRoutes(router: Router, basePath: string): void {
  const cache = new Map<string, Buffer>()
  const serve = async (name: string, body?: Buffer) => {
    const bytes = body ?? (await read(name))
    return new Response(new Uint8Array(bytes), {
      headers: { 'content-type': FILES[name] ?? 'application/octet-stream', ...UI_HEADERS },
    })
  }
  const read = async (name: string): Promise<Buffer> => {
    let body = cache.get(name)
    if (!body) {
      try {
        body = await readFile(new URL(name, UI_DIR))
      } catch {
        // Not built (a checkout before `npm run build`), or left behind by a bundler.
        throw new ApiError(
          'ROUTE_NOT_FOUND',
          `The web UI's files are missing at ${fileURLToPath(UI_DIR)}: build the package (npm run build), or, in a bundled service, copy node_modules/@product-importer/http/dist/ui beside the bundle as ui/ (see docs/embedding.md, "Bundling")`,
        )
      }
      cache.set(name, body)
    }
    return body
  }
  // The page with its assets under the base path, for a request whose prefix the host cut off.
  let anchored: Buffer | undefined
  const anchoredPage = async () => {
    anchored ??= Buffer.from(
      (await read('index.html')).toString('utf8').replaceAll('="ui/', `="${basePath}/ui/`),
    )
    return serve('index.html', anchored)
  }

  router.on(uiRouteSpecs.page, (event) => {
    // Express strips its mount path: `/admin` arrives as `/`. The page's relative URLs need
    // the trailing slash in the browser's address.
    const original = (event.runtime?.node?.req as { originalUrl?: string } | undefined)?.originalUrl
    const path = original?.split('?')[0] ?? event.url.pathname
    // Hono's and h3's `mount` hand over `/catalog` and `/catalog/` alike as `/`: the slash the
    // browser may lack cannot be seen here. The page then links its assets under the base path,
    // which loads them from either address, and its script adds the slash (_trailing-slash.ts).
    const stripped = basePath !== '' && path !== basePath && !path.startsWith(`${basePath}/`)
    if (stripped) return anchoredPage()
    if (!path.endsWith('/')) return toSlash(path)
    return serve('index.html')
  })
  router.on(uiRouteSpecs.script, () => serve('app.js'))
  router.on(uiRouteSpecs.style, () => serve('app.css'))
}

/** A redirect to `path/`, relative, so it holds behind proxies that rewrite the prefix. */
function toSlash(path: string): Response {
  const last = path.split('/').pop() ?? ''
  return new Response(null, { status: 308, headers: { location: `./${last}/` } })
}
