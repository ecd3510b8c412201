import { createHash, timingSafeEqual } from 'node:crypto'
import { type H3Event, type Middleware, parseCookies } from 'h3'
import { ApiError } from './errors.js'
import type { ResolvedOptions } from './types.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Authentication and CSRF protection of the API routes.
 *
 * - With `auth.token`, a request needs `Authorization: Bearer <token>` or the token cookie.
 * - A state-changing request that a browser could send on its own (one without the Bearer
 *   header) must come from the app's own origin (or a trusted one): cookies alone never suffice
 *   for a cross-site form post. When the browser sends neither `Sec-Fetch-Site` nor `Origin`, a
 *   cookie-authenticated request must be JSON, which no cross-site form can send.
 */
export function createAuthMiddleware(options: ResolvedOptions): Middleware {
  const expected = options.auth ? digest(options.auth.token) : undefined
  return async (event) => {
    const bearer = bearerToken(event)
    let viaCookie = false
    if (options.auth && expected) {
      const cookie = parseCookies(event)[options.auth.cookieName]
      const given = bearer ?? cookie
      if (!given) throw unauthorized('Authentication required: send Authorization: Bearer <token>')
      if (!timingSafeEqual(digest(given), expected)) throw unauthorized('Invalid token')
      viaCookie = bearer === undefined
    }
    if (!SAFE_METHODS.has(event.req.method) && bearer === undefined) {
      checkSameOrigin(event, options.trustedOrigins, viaCookie)
    }
    if (options.authorize) {
      const verdict = await options.authorize(event)
      if (verdict === 'unauthenticated') throw unauthorized('Authentication required')
      if (!verdict) throw new ApiError('FORBIDDEN', 'Not allowed')
    }
  }
}

function checkSameOrigin(event: H3Event, trusted: string[], viaCookie: boolean): void {
  const site = event.req.headers.get('sec-fetch-site')
  const origin = event.req.headers.get('origin')
  // Browsers set Sec-Fetch-Site and pages cannot forge it; it holds behind proxies that rewrite
  // Host, where comparing Origin with Host would fail.
  if (site === 'same-origin') return
  if (site === 'cross-site' || site === 'same-site') {
    if (!(origin && trusted.includes(origin))) throw csrf()
    return
  }
  if (origin) {
    if (trusted.includes(origin) || hostOf(origin) === event.req.headers.get('host')) return
    throw csrf()
  }
  if (site === 'none') return
  // No browser evidence: a non-browser client, or a very old browser. Only a cookie makes the
  // latter dangerous, and a cross-site page cannot send JSON without a preflight.
  if (viaCookie && !/^application\/json/i.test(event.req.headers.get('content-type') ?? '')) {
    throw csrf()
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}

/** Whether `given` is the configured token (constant-time); false when no token is set. */
export function isValidToken(options: ResolvedOptions, given: string): boolean {
  return options.auth !== undefined && timingSafeEqual(digest(given), digest(options.auth.token))
}

function bearerToken(event: H3Event): string | undefined {
  const header = event.req.headers.get('authorization')
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  return match?.[1]
}

function digest(value: string): Buffer {
  // Comparing fixed-length digests keeps the comparison constant-time whatever the lengths.
  return createHash('sha256').update(value).digest()
}

function unauthorized(message: string): ApiError {
  return new ApiError('UNAUTHORIZED', message, { headers: { 'www-authenticate': 'Bearer' } })
}

function csrf(): ApiError {
  return new ApiError(
    'CSRF_REJECTED',
    'Cross-site request refused: send the token in an Authorization header, or call from the same origin',
  )
}
