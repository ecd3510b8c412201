import { type Parsed, parseInteger, parseMoney } from '../product/values.js'

/**
 * The decimal separator of a file's numbers: `.` or `,`, or `auto` to read each cell as it is
 * written (`12.50`, `12,50`, `1.234,50`, `1,234.50`), refusing cells that could be read both
 * ways, like `1,000`.
 */
export type DecimalSeparator = '.' | ',' | 'auto'

const PLAIN = /^\d{1,12}(?:\.\d{1,2})?$/
const PLAIN_INTEGER = /^[+-]?\d{1,10}$/
// One currency symbol or ISO code before or after the amount: `$12`, `12 €`, `EUR 12.50`.
const CURRENCY_BEFORE = /^(?:\p{Sc}|[A-Z]{3}(?=[\s\d]))\s*/u
const CURRENCY_AFTER = /\s*(?:\p{Sc}|(?<=[\s\d])[A-Z]{3})$/u
const SPACES = /[\s\u00a0\u202f]/g

type Plain = { ok: true; text: string } | { ok: false; message: string }

/**
 * How one file's numbers are read: its `decimal` option and, for `auto`, what the file has
 * shown of its decimal separator so far. A cell like `1.000` or `1,000` reads both ways; in
 * `auto` it takes the separator the file's earlier numbers used (`12,50` says comma), else the
 * one its delimiter implies (`;` files are written where the comma is the decimal separator),
 * else it is refused. One reading per file, read in file order.
 */
export interface DecimalReading {
  readonly decimal: DecimalSeparator
  /** The separator an undecided cell takes when the file has shown none. */
  readonly implied: '.' | ',' | null
  /** Whether an earlier number was written with a decimal dot, or a decimal comma. */
  dot: boolean
  comma: boolean
}

/** The reading of a file's numbers with this option and delimiter. */
export function createDecimalReading(decimal: DecimalSeparator, delimiter: string): DecimalReading {
  return { decimal, implied: delimiter === ';' ? ',' : null, dot: false, comma: false }
}

// One separator between groups of exactly three digits: `1.000`, `1,000`, `12.500`.
const READS_BOTH_WAYS = /^\d{1,3}[.,]\d{3}$/

/**
 * A number as shops write it, in the plain form `parsePrice` and `parseQuantity` read: the
 * currency symbol, thousands separators and zeros beyond the second decimal dropped, the decimal
 * separator a dot. Digits that carry value are never dropped, so `10.125` stays three decimals.
 */
function toPlain(input: string, reading: DecimalReading, field: string): Plain {
  let text = input.trim().replace(CURRENCY_BEFORE, '').replace(CURRENCY_AFTER, '')
  let sign = ''
  if (text.startsWith('-') || text.startsWith('+')) {
    sign = text[0]!
    text = text.slice(1)
  }
  const separator = decimalOf(text, reading)
  if (separator === null) {
    return {
      ok: false,
      message: `${field} "${input.trim()}" could have a decimal separator or a thousands separator, and the file shows neither; set the decimal option to "," or "."`,
    }
  }
  const group = separator === ',' ? '.' : ','
  const at = text.lastIndexOf(separator)
  let whole = at === -1 ? text : text.slice(0, at)
  let fraction = at === -1 ? '' : text.slice(at + 1)
  if (/^\d{1,3}(?:[.,\s\u00a0\u202f]\d{3})+$/.test(whole)) {
    // Grouped thousands: only the file's group separator (or a space) may group them.
    const bare = whole.replace(SPACES, '')
    if (!bare.includes(separator)) whole = bare.split(group).join('')
  }
  // Whatever is left that is not a digit makes it no number; the value parser says so.
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return { ok: true, text: '?' }
  if (fraction.length > 2) fraction = fraction.slice(0, 2) + fraction.slice(2).replace(/0+$/, '')
  return { ok: true, text: `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}` }
}

function decimalOf(text: string, reading: DecimalReading): '.' | ',' | null {
  if (reading.decimal !== 'auto') return reading.decimal
  const dot = text.lastIndexOf('.')
  const comma = text.lastIndexOf(',')
  if (dot === -1 && comma === -1) return '.'
  let separator: '.' | ','
  if (dot !== -1 && comma !== -1) separator = dot > comma ? '.' : ','
  else if (READS_BOTH_WAYS.test(text)) {
    // `1.000` is one or a thousand: the file's own separator decides, when it has one.
    if (reading.dot !== reading.comma) return reading.dot ? '.' : ','
    return reading.dot ? null : reading.implied
  } else if (text.indexOf(dot === -1 ? ',' : '.') !== (dot === -1 ? comma : dot)) {
    // The same separator twice (`1.234.567`) groups thousands: the decimal is the other one.
    separator = dot === -1 ? '.' : ','
  } else separator = dot === -1 ? ',' : '.'
  if (separator === '.') reading.dot = true
  else reading.comma = true
  return separator
}

/**
 * Reads a price as shops write it into integer cents: `10.0000`, `12,50` (decimal comma),
 * `1.234,50`, `$12.50`, `12 €`. Anything that would lose money, like `10.125`, is refused.
 */
export function parseShopMoney(
  field: string,
  input: string,
  reading: DecimalReading,
): Parsed<number> {
  const text = input.trim()
  if (reading.decimal !== ',' && PLAIN.test(text)) {
    // `12.50` shows a decimal dot: a later `1.000` is one.
    if (reading.decimal === 'auto' && !reading.dot && text.includes('.')) reading.dot = true
    return parseMoney(field, text)
  }
  const plain = toPlain(text, reading, field)
  if (!plain.ok) return plain
  return parseMoney(field, plain.text)
}

/** {@link parseShopMoney} of `price`. */
export const parseShopPrice = (input: string, reading: DecimalReading): Parsed<number> =>
  parseShopMoney('price', input, reading)

/**
 * Reads a quantity as shops write it: any whole number, negative included (oversold stock),
 * also as `99999.0000`; a fraction like `2.5` is refused.
 */
export function parseShopInteger(
  field: string,
  input: string,
  reading: DecimalReading,
): Parsed<number> {
  const text = input.trim()
  if (PLAIN_INTEGER.test(text)) return parseInteger(field, text)
  const plain = toPlain(text, reading, field)
  if (!plain.ok) return plain
  return parseInteger(field, plain.text.replace(/\.0*$/, ''))
}

/** {@link parseShopInteger} of `quantity`. */
export const parseShopQuantity = (input: string, reading: DecimalReading): Parsed<number> =>
  parseShopInteger('quantity', input, reading)
