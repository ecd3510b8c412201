import { type Parsed, parsePrice, parseQuantity } from '../product/values.js'

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
 * A number as shops write it, in the plain form `parsePrice` and `parseQuantity` read: the
 * currency symbol, thousands separators and zeros beyond the second decimal dropped, the decimal
 * separator a dot. Digits that carry value are never dropped, so `10.125` stays three decimals.
 */
function toPlain(input: string, decimal: DecimalSeparator, field: string): Plain {
  let text = input.trim().replace(CURRENCY_BEFORE, '').replace(CURRENCY_AFTER, '')
  let sign = ''
  if (text.startsWith('-') || text.startsWith('+')) {
    sign = text[0]!
    text = text.slice(1)
  }
  const separator = decimalOf(text, decimal)
  if (separator === null) {
    return {
      ok: false,
      message: `${field} "${input.trim()}" could be a decimal comma or a thousands separator; set the decimal option to "," or "."`,
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

function decimalOf(text: string, decimal: DecimalSeparator): '.' | ',' | null {
  if (decimal !== 'auto') return decimal
  const dot = text.lastIndexOf('.')
  const comma = text.lastIndexOf(',')
  if (dot !== -1 && comma !== -1) return dot > comma ? '.' : ','
  if (comma === -1) return '.'
  // A lone comma before exactly three digits reads as 1.000 or as 1000: refuse to guess.
  if (/^\d{1,3}(?:,\d{3})+$/.test(text)) return null
  return ','
}

/**
 * Reads a price as shops write it into integer cents: `10.0000`, `12,50` (decimal comma),
 * `1.234,50`, `$12.50`, `12 €`. Anything that would lose money, like `10.125`, is refused.
 */
export function parseShopPrice(input: string, decimal: DecimalSeparator): Parsed<number> {
  const text = input.trim()
  if (decimal !== ',' && PLAIN.test(text)) return parsePrice(text)
  const plain = toPlain(text, decimal, 'price')
  if (!plain.ok) return plain
  return parsePrice(plain.text)
}

/**
 * Reads a quantity as shops write it: any whole number, negative included (oversold stock),
 * also as `99999.0000`; a fraction like `2.5` is refused.
 */
export function parseShopQuantity(input: string, decimal: DecimalSeparator): Parsed<number> {
  const text = input.trim()
  if (PLAIN_INTEGER.test(text)) return parseQuantity(text)
  const plain = toPlain(text, decimal, 'quantity')
  if (!plain.ok) return plain
  return parseQuantity(plain.text.replace(/\.0*$/, ''))
}
