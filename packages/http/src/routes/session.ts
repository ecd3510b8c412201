import { z } from 'zod'
import { DEFAULT_COOKIE_NAME } from '../_defaults.js'
import { defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import { isValidToken } from '../auth.js'
import { ApiError } from '../errors.js'
import { sessionBodySchema } from '../schemas.js'
import { json } from '../serialize.js'
import type { ResolvedOptions } from '../types.js'

const sessionJsonSchema = z.object({
  authenticated: z.boolean(),
  token_required: z.boolean().optional(),
})

/** The login of the web UI. */
export const sessionRouteSpecs = {
  login: defineRoute({
    method: 'POST',
    path: '/api/session/',
    summary: 'Log in: exchange the token for an HttpOnly cookie',
    public: true,
    body: sessionBodySchema,
    bodyName: 'login',
    responses: { 200: jsonResponse('Logged in', sessionJsonSchema), 401: 'Invalid token' },
  }),
  logout: defineRoute({
    method: 'DELETE',
    path: '/api/session/',
    summary: 'Log out: remove the cookie',
    public: true,
    responses: { 200: jsonResponse('Logged out', sessionJsonSchema) },
  }),
}

/**
 * `/api/session/`: exchanges the token for an HttpOnly cookie (the login form of the web UI),
 * and removes it again. The token travels in a JSON body, never in a URL; the cookie is
 * unreadable to scripts and never sent cross-site.
 */
export function sessionRoutes(router: Router, options: ResolvedOptions): void {
  const cookie = (value: string, event: { url: URL }, maxAge?: number) =>
    [
      `${options.auth?.cookieName ?? DEFAULT_COOKIE_NAME}=${encodeURIComponent(value)}`,
      `Path=${options.basePath || '/'}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(event.url.protocol === 'https:' ? ['Secure'] : []),
      ...(maxAge === undefined ? [] : [`Max-Age=${maxAge}`]),
    ].join('; ')

  router.on(sessionRouteSpecs.login, async (event, { body }) => {
    if (!options.auth) return json({ authenticated: true, token_required: false })
    if (!isValidToken(options, body.token)) throw new ApiError('UNAUTHORIZED', 'Invalid token')
    return json({ authenticated: true, token_required: true }, 200, {
      'set-cookie': cookie(body.token, event),
    })
  })

  router.on(sessionRouteSpecs.logout, (event) =>
    json({ authenticated: false }, 200, { 'set-cookie': cookie('', event, 0) }),
  )
}
