// Value rules shared by the zod schemas (API input) and the CSV row parser (hot path), so both
// accept exactly the same things. Each returns the parsed value or a message saying why not.

/** The largest accepted price, in cents: 999,999,999,999.99. */
export const MAX_PRICE_CENTS = 99_999_999_999_999
/** The largest accepted quantity (a PostgreSQL integer); its negative is the smallest. */
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

/**
 * Parses a whole number from -{@link MAX_QUANTITY} to {@link MAX_QUANTITY}: shops allow
 * negative stock (oversold), so a quantity below zero is data, not an error.
 */
export function parseQuantity(input: string | number): Parsed<number> {
  const text = typeof input === 'number' ? String(input) : input.trim()
  if (!INTEGER.test(text)) return { ok: false, message: 'quantity must be a whole number' }
  const value = Number(text)
  if (Math.abs(value) > MAX_QUANTITY) {
    return { ok: false, message: `quantity must be between -${MAX_QUANTITY} and ${MAX_QUANTITY}` }
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

/** The text fields of a product. */
export type TextField = 'sku' | 'name' | 'description'

// Control characters are never product text, except tab and line feed (and carriage return in
// descriptions, where files written on Windows break lines with CRLF); halves of a surrogate
// pair cannot be stored as UTF-8 at all. A SKU identifies a product, so it also refuses what
// does not show or does not print as one line: format characters (bidi marks, zero-width
// spaces and joiners, soft hyphens, BOMs) and line or paragraph separators. Otherwise two SKUs
// could look identical and be two products.
const FORBIDDEN: Record<TextField, RegExp> = {
  sku: /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u,
  name: /[\0-\x08\x0b-\x1f\x7f-\x9f\p{Cs}]/u,
  description: /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\p{Cs}]/u,
}

/** Says why `text` cannot be the `field` of a product, or `undefined` when it can. */
export function textProblem(field: TextField, text: string): string | undefined {
  const match = FORBIDDEN[field].exec(text)
  if (!match) return undefined
  const code = match[0].codePointAt(0)!
  const what =
    code >= 0xd800 && code <= 0xdfff
      ? 'half of a surrogate pair'
      : /\p{Cc}/u.test(match[0])
        ? 'a control character'
        : /\p{Cf}/u.test(match[0])
          ? 'an invisible formatting character'
          : 'a line separator'
  const hex = code.toString(16).toUpperCase().padStart(4, '0')
  return `${field} must not contain ${what} (U+${hex}, character ${match.index + 1})`
}

/**
 * Whether any product text could hold `text`: false when it has a character that every text
 * field refuses. A filter with such a character matches nothing.
 */
export function isStorableText(text: string): boolean {
  return !FORBIDDEN.description.test(text)
}
