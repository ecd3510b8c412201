import { isIPv4, isIPv6 } from 'node:net'

/** Why an address is no webhook target. */
export type ForbiddenAddressKind =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'unique-local'
  | 'documentation'
  | 'reserved'

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type AddressBytes = Uint8Array

interface Range {
  bytes: AddressBytes
  bits: number
}

interface Rule extends Range {
  kind: ForbiddenAddressKind
}

/** Bytes of an IPv4 or IPv6 address (brackets and an IPv6 zone allowed), or `undefined`. */
export function parseAddress(text: string): AddressBytes | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (isIPv4(bare)) return Uint8Array.from(bare.split('.'), Number)
  const address = bare.includes('%') ? bare.slice(0, bare.indexOf('%')) : bare
  return isIPv6(address) ? parseIPv6(address) : undefined
}

function parseIPv6(text: string): AddressBytes {
  let hex = text
  const dotted = hex.lastIndexOf(':')
  if (hex.includes('.', dotted)) {
    // A trailing dotted IPv4 part (`::ffff:127.0.0.1`) is two more 16-bit groups.
    const [a, b, c, d] = hex
      .slice(dotted + 1)
      .split('.')
      .map(Number) as [number, number, number, number]
    hex = `${hex.slice(0, dotted + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = hex.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  const bytes = new Uint8Array(16)
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16)
    bytes[i * 2] = value >> 8
    bytes[i * 2 + 1] = value & 0xff
  })
  return bytes
}

/** A CIDR range such as `10.0.0.0/8` or `fc00::/7`, or `undefined` when `text` is not one. */
export function parseRange(text: string): Range | undefined {
  const slash = text.lastIndexOf('/')
  if (slash < 0) return undefined
  const bytes = parseAddress(text.slice(0, slash))
  const bitsText = text.slice(slash + 1)
  const bits = Number(bitsText)
  if (!bytes || !/^\d{1,3}$/.test(bitsText) || bits > bytes.length * 8) return undefined
  return { bytes, bits }
}

/** True when `address` lies in `range` (same family only). */
export function inRange(address: AddressBytes, range: Range): boolean {
  if (address.length !== range.bytes.length) return false
  for (let bit = 0; bit < range.bits; bit += 8) {
    const i = bit / 8
    const mask = range.bits - bit >= 8 ? 0xff : (0xff << (8 - (range.bits - bit))) & 0xff
    if (((address[i]! ^ range.bytes[i]!) & mask) !== 0) return false
  }
  return true
}

function rules(list: [string, ForbiddenAddressKind][]): Rule[] {
  return list.map(([cidr, kind]) => ({ ...parseRange(cidr)!, kind }))
}

// First match wins, so the metadata addresses come before the ranges that contain them.
const IPV4_RULES = rules([
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean...
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes the broadcast address 255.255.255.255
])

const IPV6_RULES = rules([
  ['fd00:ec2::254/128', 'metadata'], // AWS over IPv6
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64
  ['100::/64', 'reserved'], // discard-only
  ['2001::/32', 'reserved'], // Teredo: the inner IPv4 address is obfuscated, so never checkable
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
])

const GLOBAL_UNICAST = parseRange('2000::/3')!
const UNSPECIFIED_V6 = parseRange('::/128')!
const LOOPBACK_V6 = parseRange('::1/128')!

// IPv6 forms that carry an IPv4 address, and where it sits: the IPv4 address decides.
const EMBEDDING: [Range, number][] = [
  [parseRange('::ffff:0:0/96')!, 12], // IPv4-mapped
  [parseRange('::ffff:0:0:0/96')!, 12], // IPv4-translated (SIIT)
  [parseRange('64:ff9b::/96')!, 12], // NAT64 well-known prefix
  [parseRange('::/96')!, 12], // IPv4-compatible (deprecated), after :: and ::1 are ruled on
  [parseRange('2002::/16')!, 2], // 6to4
]

/**
 * The IPv4 address an IPv6 address stands for (IPv4-mapped, -translated, -compatible, NAT64,
 * 6to4), or the address itself. Used so `::ffff:127.0.0.1` is judged, and allowlisted, as
 * `127.0.0.1`.
 */
export function unwrapAddress(address: AddressBytes): AddressBytes {
  if (address.length === 4) return address
  if (inRange(address, UNSPECIFIED_V6) || inRange(address, LOOPBACK_V6)) return address
  for (const [range, offset] of EMBEDDING) {
    if (inRange(address, range)) return address.slice(offset, offset + 4)
  }
  return address
}

/** Why `address` may not be a webhook target, or `undefined` for a public address. */
export function forbiddenKind(address: AddressBytes): ForbiddenAddressKind | undefined {
  const unwrapped = unwrapAddress(address)
  const list = unwrapped.length === 4 ? IPV4_RULES : IPV6_RULES
  const rule = list.find((candidate) => inRange(unwrapped, candidate))
  if (rule) return rule.kind
  // Outside 2000::/3 nothing is assigned for global unicast.
  if (unwrapped.length === 16 && !inRange(unwrapped, GLOBAL_UNICAST)) return 'reserved'
  return undefined
}
