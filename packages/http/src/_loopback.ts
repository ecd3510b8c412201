import { isIP } from 'node:net'

/**
 * Whether `host` (a name or an IP address, IPv6 with or without brackets, no port) names this
 * machine only: `localhost`, `127.0.0.0/8` or `::1`.
 */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (bare === 'localhost') return true
  if (isIP(bare) === 4) return bare.startsWith('127.')
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare)
  return false
}
