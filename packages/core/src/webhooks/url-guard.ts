import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupFunction } from 'node:net'
import { ImporterError } from '../errors.js'
import { createAllowlist, normalizeHost } from './_allowlist.js'
import { type ForbiddenAddressKind, forbiddenKind, parseAddress } from './_ip.js'

export type { ForbiddenAddressKind } from './_ip.js'

/** One address a hostname resolves to. */
export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

/** Resolves a hostname to every address it has; `dns.lookup` with `all: true` by default. */
export type WebhookResolver = (hostname: string) => Promise<ResolvedAddress[]>

/** Options of {@link createWebhookUrlGuard}. */
export interface WebhookUrlGuardOptions {
  /**
   * Accept `http:` URLs, not only `https:`. For local development and tests.
   * @default false
   */
  allowHttp?: boolean
  /**
   * Hosts that may be targeted although their addresses are not public: hostnames
   * (`localhost`), addresses (`127.0.0.1`, `::1`) or CIDR ranges (`10.1.0.0/16`). Cloud metadata
   * addresses such as 169.254.169.254 stay refused whatever this list says.
   * @default []
   */
  allowHosts?: readonly string[]
  /** Replaces DNS, e.g. to point a test hostname at 127.0.0.1. */
  resolve?: WebhookResolver
}

/** Why a URL was refused. */
export type WebhookUrlRefusal =
  | 'invalid_url'
  | 'scheme'
  | 'https_required'
  | 'userinfo'
  | 'forbidden_address'

/** A refused URL, as data. */
export interface WebhookUrlProblem {
  reason: WebhookUrlRefusal
  message: string
  /** The refused address, for `forbidden_address`. */
  address?: string
  /** What kind of address it is, for `forbidden_address`. */
  kind?: ForbiddenAddressKind
}

/** The SSRF guard every webhook URL passes, when saved and on every send. */
export interface WebhookUrlGuard {
  /**
   * Checks what the URL alone tells: scheme, userinfo and, for an IP-literal host, the address.
   * Hostnames are checked where they are resolved, by {@link WebhookUrlGuard.lookup}.
   */
  check(url: string | URL): WebhookUrlProblem | undefined
  /** {@link WebhookUrlGuard.check}, then every address the hostname resolves to. */
  checkResolved(url: string | URL): Promise<WebhookUrlProblem | undefined>
  /**
   * A `lookup` for `net.connect` (undici's `connect.lookup`) that resolves, then connects only to
   * permitted addresses: checking at connect time leaves DNS rebinding no gap between the check
   * and the connection. Fails with `WEBHOOK_URL_FORBIDDEN` when no address is permitted.
   */
  lookup: LookupFunction
}

const defaultResolve: WebhookResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true })) as ResolvedAddress[]

/**
 * The SSRF guard: http(s) only, https unless `allowHttp`, no userinfo, and no loopback, private,
 * link-local, cloud metadata, CGNAT, multicast, unspecified, unique-local, documentation or
 * reserved address, including IPv4 addresses wrapped in IPv6 forms (`::ffff:127.0.0.1`,
 * NAT64, 6to4), unless `allowHosts` names the host.
 *
 * @example
 * ```ts
 * const guard = createWebhookUrlGuard({ allowHttp: true, allowHosts: ['127.0.0.1'] })
 * guard.check('http://127.0.0.1:3000/hook') // undefined: allowed
 * guard.check('http://169.254.169.254/') // { reason: 'forbidden_address', kind: 'metadata', ... }
 * ```
 */
export function createWebhookUrlGuard(options: WebhookUrlGuardOptions = {}): WebhookUrlGuard {
  const resolve = options.resolve ?? defaultResolve
  const allowlist = createAllowlist(options.allowHosts ?? [])

  function checkAddress(text: string, hostAllowed: boolean): WebhookUrlProblem | undefined {
    const address = parseAddress(text)
    if (!address) return { reason: 'forbidden_address', message: `"${text}" is no IP address` }
    const kind = forbiddenKind(address)
    if (kind === undefined) return undefined
    const allowed = hostAllowed || allowlist.hasAddress(address)
    if (allowed && kind !== 'metadata') return undefined
    return {
      reason: 'forbidden_address',
      message:
        kind === 'metadata'
          ? `${text} is a cloud metadata address, never a webhook target`
          : `${text} is a ${kind} address; allow the host explicitly to target it`,
      address: text,
      kind,
    }
  }

  function check(input: string | URL): WebhookUrlProblem | undefined {
    const url = typeof input === 'string' ? URL.parse(input) : input
    if (!url) return { reason: 'invalid_url', message: 'The webhook URL is not an absolute URL' }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return { reason: 'scheme', message: `Webhook URLs use https, not ${url.protocol}` }
    }
    if (url.protocol === 'http:' && !options.allowHttp) {
      return { reason: 'https_required', message: 'Webhook URLs must use https' }
    }
    if (url.username || url.password) {
      return { reason: 'userinfo', message: 'Webhook URLs may not carry a user name or password' }
    }
    // The URL parser has already turned 0x7f.1, 2130706433 and friends into dotted IPv4.
    const host = normalizeHost(url.hostname)
    return parseAddress(host) ? checkAddress(host, allowlist.hasHost(host)) : undefined
  }

  async function permitted(hostname: string): Promise<ResolvedAddress[]> {
    const host = normalizeHost(hostname)
    const addresses = await resolve(host)
    if (addresses.length === 0) {
      throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' })
    }
    const hostAllowed = allowlist.hasHost(host)
    const allowed = addresses.filter((entry) => !checkAddress(entry.address, hostAllowed))
    if (allowed.length > 0) return allowed
    const problem = checkAddress(addresses[0]!.address, hostAllowed)!
    throw new ImporterError(
      'WEBHOOK_URL_FORBIDDEN',
      `${hostname} resolves to no permitted address: ${problem.message}`,
      { details: { ...problem, host: hostname } },
    )
  }

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const family =
      lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0
    permitted(hostname).then(
      (all) => {
        const addresses = family ? all.filter((entry) => entry.family === family) : all
        if (lookupOptions.all) return callback(null, addresses)
        const first = addresses[0]
        if (!first)
          return callback(
            Object.assign(new Error(`No IPv${family} address`), { code: 'ENOTFOUND' }),
            '',
          )
        callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    )
  }

  return {
    check,
    async checkResolved(input) {
      const problem = check(input)
      if (problem) return problem
      const url = typeof input === 'string' ? new URL(input) : input
      if (parseAddress(normalizeHost(url.hostname))) return undefined
      try {
        await permitted(url.hostname)
        return undefined
      } catch (error) {
        if (error instanceof ImporterError) {
          return { ...(error.details as WebhookUrlProblem), message: error.message }
        }
        // A name that does not resolve yet may resolve by the first send, which checks again.
        return undefined
      }
    },
    lookup,
  }
}

/**
 * Checks a webhook URL before an endpoint is saved, resolving its hostname; returns the URL, or
 * throws `WEBHOOK_URL_FORBIDDEN` (the API answers 400) with the {@link WebhookUrlProblem} as
 * `details`. A hostname that does not resolve yet is accepted: every send checks again.
 *
 * @example
 * ```ts
 * await assertWebhookUrl('https://hooks.example.com/in', guard)
 * ```
 */
export async function assertWebhookUrl(url: string, guard: WebhookUrlGuard): Promise<string> {
  const problem = await guard.checkResolved(url)
  if (problem)
    throw new ImporterError('WEBHOOK_URL_FORBIDDEN', problem.message, { details: problem })
  return url
}
