import { isIP } from 'node:net'
import type { Middleware } from 'h3'
import { isLoopback } from './_loopback.js'
import { ApiError } from './errors.js'
import type { ResolvedOptions } from './types.js'

/**
 * Refuses requests whose `Host` is not this machine or a name the operator listed, unless a
 * token guards the API. Without a token, the only thing keeping other sites out is that their
 * pages cannot read a cross-origin answer; a domain that the attacker re-points at 127.0.0.1
 * (DNS rebinding) makes its page same-origin with the app, and its requests then carry the
 * attacker's own name in `Host`. Checking that name closes the hole.
 */
export function createHostGuard(options: ResolvedOptions): Middleware | undefined {
  if (options.auth || options.allowedHosts.includes('*')) return undefined
  const allowed = new Set(options.allowedHosts.map(hostName))
  return (event) => {
    // Without a Host header (HTTP/1.0, or a Request built in code) the URL names the address
    // the request reached.
    const host = event.req.headers.get('host') ?? event.url.host
    const name = hostName(host)
    if (isLoopback(name) || allowed.has(name)) return
    throw new ApiError(
      'HOST_NOT_ALLOWED',
      `Requests for host "${name}" are refused: without a token the server only answers to localhost, 127.0.0.1 and [::1]. List this name in allowedHosts (serve --allowed-host ${name}) or require a token.`,
      { details: { host: name } },
    )
  }
}

/**
 * The name in a `Host` value (or an `allowedHosts` entry), lower-cased, without its port; IPv6
 * addresses in brackets.
 */
function hostName(host: string): string {
  const value = host.trim().toLowerCase()
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1)
  if (isIP(value) === 6) return `[${value}]`
  const colon = value.indexOf(':')
  return colon === -1 ? value : value.slice(0, colon)
}
