import { createAllowlist, normalizeHost } from './_allowlist.js'
import { parseAddress } from './_ip.js'
import {
  createWebhookUrlGuard,
  type WebhookUrlGuard,
  type WebhookUrlGuardOptions,
} from './url-guard.js'

/**
 * The URL guard of an importer: {@link createWebhookUrlGuard}, except that hosts the allowlist
 * names may also use `http:` (a receiver on 127.0.0.1 rarely has a certificate), while every
 * other host still needs https unless `allowHttp`.
 */
export function createAllowedHttpGuard(options: WebhookUrlGuardOptions): WebhookUrlGuard {
  const strict = createWebhookUrlGuard(options)
  if (options.allowHttp || !options.allowHosts?.length) return strict
  const lenient = createWebhookUrlGuard({ ...options, allowHttp: true })
  const allowlist = createAllowlist(options.allowHosts)
  const pick = (input: string | URL): WebhookUrlGuard => {
    const url = typeof input === 'string' ? URL.parse(input) : input
    if (url?.protocol !== 'http:') return strict
    const host = normalizeHost(url.hostname)
    const address = parseAddress(host)
    const allowed =
      allowlist.hasHost(host) || (address !== undefined && allowlist.hasAddress(address))
    return allowed ? lenient : strict
  }
  return {
    check: (url) => pick(url).check(url),
    checkResolved: (url) => pick(url).checkResolved(url),
    lookup: strict.lookup,
  }
}
