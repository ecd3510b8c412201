/**
 * The wait a `Retry-After` header asks for, in ms from `now`: delta seconds (`120`) or an HTTP
 * date. `undefined` when the header is absent or unreadable; a date in the past is 0.
 *
 * @example
 * ```ts
 * parseRetryAfter('120', new Date()) // 120000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', new Date('2026-10-21T07:27:00Z')) // 60000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Only date forms: Date.parse would also read a bare number as a year.
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}
