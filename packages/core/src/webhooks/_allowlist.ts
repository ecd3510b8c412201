import { type AddressBytes, inRange, parseAddress, parseRange, unwrapAddress } from './_ip.js'

/** A hostname as compared: lower case, no trailing dot, no IPv6 brackets. */
export function normalizeHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1')
}

/** The `allowHosts` option, parsed once: hostnames, addresses and CIDR ranges. */
export interface Allowlist {
  hasHost(host: string): boolean
  hasAddress(address: AddressBytes): boolean
}

export function createAllowlist(entries: readonly string[]): Allowlist {
  const hosts = new Set<string>()
  const ranges: { bytes: AddressBytes; bits: number }[] = []
  for (const entry of entries) {
    const text = normalizeHost(entry.trim())
    const address = parseAddress(text)
    const range = address ? { bytes: address, bits: address.length * 8 } : parseRange(text)
    // Ranges are kept unwrapped, so allowing 127.0.0.1 also allows ::ffff:127.0.0.1.
    if (range) ranges.push({ bytes: unwrapAddress(range.bytes), bits: range.bits })
    else hosts.add(text)
  }
  return {
    hasHost: (host) => hosts.has(normalizeHost(host)),
    hasAddress(address) {
      const unwrapped = unwrapAddress(address)
      return ranges.some((range) => inRange(unwrapped, range))
    },
  }
}
