// Value rules shared by the zod schemas (API input) and the CSV row parser (hot path), so both
// accept exactly the same things. Each returns the parsed value or a message saying why not.

/** The largest accepted price, in cents: 999,999,999,999.99. */
export const MAX_PRICE_CENTS = 99_999_999_999_999
/** The largest accepted quantity (a PostgreSQL integer). */
export const MAX_QUANTITY = 2_147_483_647
/** The longest accepted SKU, in characters. */
export const MAX_SKU_LENGTH = 100
/** The longest accepted product name, in characters. */
export const MAX_NAME_LENGTH = 255
/** The longest accepted product description, in characters. */
export const MAX_DESCRIPTION_LENGTH = 20_000

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

const PRICE = /^(\d{1,12})(?:\.(\d{1,2}))?$/
const INTEGER = /^[+-]?\d{1,10}$/

/** Parses `12`, `12.5` or `12.50` (or a JSON number) into integer cents. */
export function parsePrice(input: string | number): Parsed<number> {
  const text = typeof input === 'number' ? numberToPlain(input) : input.trim()
  const match = PRICE.exec(text)
  if (!match) {
    return {
      ok: false,
      message: 'price must be a number >= 0 with at most 2 decimal places, like 12 or 12.50',
    }
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  if (cents > MAX_PRICE_CENTS) return { ok: false, message: 'price is too large' }
  return { ok: true, value: cents }
}

function numberToPlain(value: number): string {
  // 79.99 prints as "79.99"; 1e21 or NaN print in forms the pattern rejects, as they should be.
  return Number.isFinite(value) ? String(value) : 'NaN'
}

/** Formats integer cents as a decimal string: 7999 -> "79.99". */
export function formatPrice(cents: number): string {
  const whole = Math.trunc(cents / 100)
  const rest = cents % 100
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`
}

/** Parses a whole number from 0 to {@link MAX_QUANTITY}. */
export function parseQuantity(input: string | number): Parsed<number> {
  const text = typeof input === 'number' ? String(input) : input.trim()
  if (!INTEGER.test(text)) return { ok: false, message: 'quantity must be a whole number' }
  const value = Number(text)
  if (value < 0 || value > MAX_QUANTITY) {
    return { ok: false, message: `quantity must be between 0 and ${MAX_QUANTITY}` }
  }
  return { ok: true, value }
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 't', 'on', 'active', 'enabled'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'f', 'off', 'inactive', 'disabled'])

/** Parses `true/false`, `1/0`, `yes/no`, `on/off`, `active/inactive`, `enabled/disabled`. */
export function parseActive(input: string | boolean): Parsed<boolean> {
  if (typeof input === 'boolean') return { ok: true, value: input }
  const word = input.trim().toLowerCase()
  if (TRUE_WORDS.has(word)) return { ok: true, value: true }
  if (FALSE_WORDS.has(word)) return { ok: true, value: false }
  return { ok: false, message: 'active must be true/false, yes/no, 1/0 or active/inactive' }
}

/** Checks a trimmed text against a length range. */
export function parseText(input: string, field: string, min: number, max: number): Parsed<string> {
  const value = input.trim()
  if (value.length < min) return { ok: false, message: `${field} is required` }
  if (value.length > max)
    return { ok: false, message: `${field} must be at most ${max} characters` }
  return { ok: true, value }
}
