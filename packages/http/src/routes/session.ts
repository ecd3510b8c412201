import { parseWith, readJson } from '../_body.js'
import type { Router } from '../_router.js'
import { isValidToken } from '../auth.js'
import { ApiError } from '../errors.js'
import { sessionBodySchema } from '../schemas.js'
import { json } from '../serialize.js'
import type { ResolvedOptions } from '../types.js'

/**
 * `/api/session/`: exchanges the token for an HttpOnly cookie (the login form of the web UI),
 * and removes it again. The token travels in a JSON body, never in a URL; the cookie is
 * unreadable to scripts and never sent cross-site.
 */
export function sessionRoutes(router: Router, options: ResolvedOptions): void {
  const cookie = (value: string, event: { url: URL }, maxAge?: number) =>
    [
      `${options.auth?.cookieName ?? 'product_importer_token'}=${encodeURIComponent(value)}`,
      `Path=${options.basePath || '/'}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(event.url.protocol === 'https:' ? ['Secure'] : []),
      ...(maxAge === undefined ? [] : [`Max-Age=${maxAge}`]),
    ].join('; ')

  router.on(
    'POST',
    '/api/session',
    async (event) => {
      const { token } = parseWith(
        sessionBodySchema,
        await readJson(event, options.maxJsonBytes),
        'login',
      )
      if (!options.auth) return json({ authenticated: true, token_required: false })
      if (!isValidToken(options, token)) throw new ApiError('UNAUTHORIZED', 'Invalid token')
      return json({ authenticated: true, token_required: true }, 200, {
        'set-cookie': cookie(token, event),
      })
    },
    { public: true },
  )

  router.on(
    'DELETE',
    '/api/session',
    (event) => json({ authenticated: false }, 200, { 'set-cookie': cookie('', event, 0) }),
    { public: true },
  )
}
