import type { H3Event } from 'h3'

/**
 * Headers every response carries unless it sets its own: the browser must not guess content
 * types, nor frame the app, and an API answer (JSON, CSV, SSE) needs no scripts, styles or
 * images at all. A page that needs more sets its own `Content-Security-Policy`, which wins.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
}

/** The app's `onResponse` hook: fills in each security header the response lacks. */
export function addSecurityHeaders(response: Response, _event: H3Event): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value)
  }
}
