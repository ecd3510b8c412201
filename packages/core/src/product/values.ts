import {
  FIELDS,
  type FieldSpec,
  type ProductField,
  type TextField,
  type TextRule,
} from './fields.js'

// Value rules shared by the zod schemas (API input) and the CSV row parser (hot path), so both
// accept exactly the same things. Each returns the parsed value or a message saying why not.

/** The largest accepted price, in cents: 999,999,999,999.99. */
export const MAX_PRICE_CENTS = 99_999_999_999_999
/** The largest accepted quantity (a PostgreSQL integer); its negative is the smallest. */
export const MAX_QUANTITY = 2_147_483_647
/** The longest accepted SKU, in characters. */
export const MAX_SKU_LENGTH: number = FIELDS.sku.max
/** The longest accepted product name, in characters. */
export const MAX_NAME_LENGTH: number = FIELDS.name.max
/** The longest accepted product description, in characters. */
export const MAX_DESCRIPTION_LENGTH: number = FIELDS.description.max

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

const PRICE = /^(\d+)(?:\.(\d{1,2}))?$/
const INTEGER = /^[+-]?\d+$/

const moneyForm = (field: string) =>
  `${field} must be a number >= 0 with at most 2 decimal places, like 12 or 12.50`
const moneyTooLarge = (field: string) =>
  `${field} is too large: at most ${formatPrice(MAX_PRICE_CENTS)}`
const integerForm = (field: string) => `${field} must be a whole number`
const integerRange = (field: string) =>
  `${field} must be between -${MAX_QUANTITY} and ${MAX_QUANTITY}`

/** Parses a money field's `12`, `12.5` or `12.50` (or a JSON number) into integer cents. */
export function parseMoney(field: string, input: string | number): Parsed<number> {
  // 1e21 prints as "1e+21": a number that large is too large, not malformed.
  if (typeof input === 'number' && input > MAX_PRICE_CENTS / 100) {
    return { ok: false, message: moneyTooLarge(field) }
  }
  const text = typeof input === 'number' ? numberToPlain(input) : input.trim()
  const match = PRICE.exec(text)
  if (!match) return { ok: false, message: moneyForm(field) }
  // Digits beyond the maximum are too large however they continue; Number() of them is not exact.
  if (match[1]!.replace(/^0+(?=\d)/, '').length > 12) {
    return { ok: false, message: moneyTooLarge(field) }
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  if (cents > MAX_PRICE_CENTS) return { ok: false, message: moneyTooLarge(field) }
  return { ok: true, value: cents }
}

/** Parses `12`, `12.5` or `12.50` (or a JSON number) into integer cents. */
export const parsePrice = (input: string | number): Parsed<number> => parseMoney('price', input)

function numberToPlain(value: number): string {
  // 79.99 prints as "79.99"; NaN or Infinity print in forms the pattern rejects, as they should be.
  return Number.isFinite(value) ? String(value) : 'NaN'
}

/** Formats integer cents as a decimal string: 7999 -> "79.99". */
export function formatPrice(cents: number): string {
  const whole = Math.trunc(cents / 100)
  const rest = cents % 100
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`
}

/**
 * Parses an integer field's whole number from -{@link MAX_QUANTITY} (or the field's `min`) to
 * {@link MAX_QUANTITY}.
 */
export function parseInteger(field: string, input: string | number): Parsed<number> {
  const parsed = parseWholeNumber(field, input)
  const min = (FIELDS as Record<string, FieldSpec>)[field]?.min
  if (parsed.ok && min !== undefined && parsed.value < min) {
    return { ok: false, message: `${field} must be at least ${min}` }
  }
  return parsed
}

function parseWholeNumber(field: string, input: string | number): Parsed<number> {
  if (typeof input === 'number') {
    if (!Number.isInteger(input)) return { ok: false, message: integerForm(field) }
    if (Math.abs(input) > MAX_QUANTITY) return { ok: false, message: integerRange(field) }
    return { ok: true, value: input === 0 ? 0 : input }
  }
  const text = input.trim()
  if (!INTEGER.test(text)) return { ok: false, message: integerForm(field) }
  // Checked on the digits: past 2^53 Number() rounds, and no rounding makes it fit.
  const digits = text.replace(/^[+-]?0*(?=\d)/, '')
  const value = Number(text)
  if (digits.length > 10 || Math.abs(value) > MAX_QUANTITY) {
    return { ok: false, message: integerRange(field) }
  }
  return { ok: true, value: value === 0 ? 0 : value }
}

/**
 * Parses a whole number from -{@link MAX_QUANTITY} to {@link MAX_QUANTITY}: shops allow
 * negative stock (oversold), so a quantity below zero is data, not an error.
 */
export const parseQuantity = (input: string | number): Parsed<number> =>
  parseInteger('quantity', input)

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 't', 'on', 'active', 'enabled'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'f', 'off', 'inactive', 'disabled'])

const booleanForm = (field: string) =>
  `${field} must be true or false (also yes/no, 1/0 or active/inactive)`

/**
 * Parses a boolean field's `true/false`, `1/0`, `yes/no`, `on/off`, `active/inactive`,
 * `enabled/disabled`, and the JSON numbers 1 and 0, which systems that store booleans as
 * integers send.
 */
export function parseBoolean(field: string, input: string | boolean | number): Parsed<boolean> {
  if (typeof input === 'boolean') return { ok: true, value: input }
  if (typeof input === 'number') {
    if (input === 1 || input === 0) return { ok: true, value: input === 1 }
    return { ok: false, message: booleanForm(field) }
  }
  const word = input.trim().toLowerCase()
  if (TRUE_WORDS.has(word)) return { ok: true, value: true }
  if (FALSE_WORDS.has(word)) return { ok: true, value: false }
  return { ok: false, message: booleanForm(field) }
}

/** Parses `active`'s words: see {@link parseBoolean}. */
export const parseActive = (input: string | boolean | number): Parsed<boolean> =>
  parseBoolean('active', input)

/** The message when a value has a JSON type the field never takes (an object, null, ...). */
export const WRONG_TYPE = {
  money: moneyForm,
  integer: integerForm,
  boolean: booleanForm,
} as const

export type { TextField }

// Control characters are never product text, except tab and line feed (and carriage return in
// descriptions, where files written on Windows break lines with CRLF); halves of a surrogate
// pair cannot be stored as UTF-8 at all. A SKU identifies a product, so it also refuses what
// does not show or does not print as one line: format characters (bidi marks, zero-width
// spaces and joiners, soft hyphens, BOMs) and line or paragraph separators. Otherwise two SKUs
// could look identical and be two products.
const FORBIDDEN: Record<TextRule, RegExp> = {
  key: /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u,
  line: /[\0-\x08\x0b-\x1f\x7f-\x9f\p{Cs}]/u,
  block: /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\p{Cs}]/u,
}

/**
 * Says why `text` cannot be the `field` of a product (or an item of it, for a list), or
 * `undefined` when it can.
 */
export function textProblem(field: ProductField, text: string): string | undefined {
  const rule: TextRule = (FIELDS[field] as FieldSpec).chars ?? 'line'
  const match = FORBIDDEN[rule].exec(text)
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
 * Whether `text` has more than `max` characters, counted as code points (an emoji is one, as a
 * user counts it, not the two UTF-16 units of JavaScript's `length`). A text of n UTF-16 units
 * has at most n code points, so only a text longer than `max` units is counted at all.
 */
export function isLongerThan(text: string, max: number): boolean {
  if (text.length <= max) return false
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    if (++count > max) return true
  }
  return false
}

/**
 * The one rule for a product's text, on every path (API, SDK, import): SKUs and names are
 * trimmed, descriptions lose trailing whitespace only (leading spaces are Markdown indentation);
 * SKUs and names are required; each field has a length in characters (code points) and
 * characters it refuses.
 */
export function parseProductText(field: TextField, input: string): Parsed<string> {
  const spec: FieldSpec = FIELDS[field]
  let value = spec.chars === 'block' ? input.trimEnd() : input.trim()
  if (spec.path) value = toPath(value)
  if (value.length === 0 && spec.default === undefined) {
    return { ok: false, message: `${field} is required` }
  }
  const max = spec.max!
  if (isLongerThan(value, max)) {
    return { ok: false, message: `${field} must be at most ${max} characters` }
  }
  const problem = textProblem(field, value)
  return problem ? { ok: false, message: problem } : { ok: true, value }
}

/** A path as stored: its levels trimmed, empty ones dropped, joined with ` > `. */
export function toPath(text: string): string {
  if (!text.includes('>')) return text.trim()
  return text
    .split('>')
    .map((level) => level.trim())
    .filter((level) => level !== '')
    .join(' > ')
}

/** The list fields of a product. */
export type ListField = {
  [F in ProductField]: (typeof FIELDS)[F]['kind'] extends 'list' ? F : never
}[ProductField]

/**
 * The one rule for a list field (`tags`, `images`), on every path: each item trimmed, empty
 * items and exact repeats dropped, each item checked like a text (its length and characters;
 * an image is an absolute http(s) URL), and at most `maxItems` items. A CSV cell gives the items
 * separated by commas (see {@link splitList}).
 */
export function parseList(field: ListField, items: readonly unknown[]): Parsed<string[]> {
  const spec: FieldSpec = FIELDS[field]
  const list: string[] = []
  for (const item of items) {
    if (typeof item !== 'string') return { ok: false, message: `${field} must be a list of texts` }
    let value = item.trim()
    if (value === '') continue
    if (isLongerThan(value, spec.max!)) {
      return { ok: false, message: `each of ${field} must be at most ${spec.max} characters` }
    }
    const problem = textProblem(field, value)
    if (problem) return { ok: false, message: problem }
    if (spec.urls) {
      const url = parseWebUrl(value)
      if (url === undefined) {
        return {
          ok: false,
          message: `${field} must be absolute http or https URLs; "${value.slice(0, 80)}" is not one`,
        }
      }
      value = url
    }
    if (!list.includes(value)) list.push(value)
  }
  if (list.length > spec.maxItems!) {
    return { ok: false, message: `${field} must have at most ${spec.maxItems} items` }
  }
  return { ok: true, value: list }
}

/** A cell's list items: separated by commas, as WooCommerce writes `tag one, tag two`. */
export function splitList(cell: string): string[] {
  return cell.split(',')
}

/**
 * An absolute http(s) URL as stored (the URL's own serialization, commas escaped as `%2C` so a
 * list of them reads back from one cell), or `undefined` for anything else: `javascript:`,
 * `data:`, relative paths, user names and passwords in the URL.
 */
function parseWebUrl(text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.username !== '' || url.password !== '') return undefined
  return url.href.replaceAll(',', '%2C')
}

/**
 * Whether any product text could hold `text`: false when it has a character that every text
 * field refuses. A filter with such a character matches nothing.
 */
export function isStorableText(text: string): boolean {
  return !FORBIDDEN.block.test(text)
}
