import { ImporterError } from '../../errors.js'
import type { ProductField } from '../types.js'
import {
  CELL,
  categoryReader,
  cellAt,
  columnNamed,
  fieldCell,
  hasAll,
  type Profile,
  type ProfileHeader,
  type ProfileOptions,
  toGrams,
} from './_profile.js'

// `name-en_US`, `description-en_US-ecommerce`: attribute, locale, channel.
const LOCALIZED = /^([a-z0-9_]+)-([a-z]{2,3}_[A-Za-z]{2,4})(?:-([a-z0-9_]+))?$/
const PRICE = /^price-([A-Z]{3})$/
const DEFAULT_LOCALE = 'en_US'
// Akeneo's weight units (its `Weight` measurement family), in grams.
const GRAMS_PER: Readonly<Record<string, number>> = {
  MILLIGRAM: 0.001,
  GRAM: 1,
  KILOGRAM: 1000,
  TON: 1_000_000,
  OUNCE: 28.349523125,
  POUND: 453.59237,
}

/**
 * Akeneo's flat product export (`sku;categories;enabled;family;...;description-en_US-ecommerce;
 * name-en_US;price-EUR;price-USD`). One price column per currency and one text column per
 * locale (and channel): the `currency` option picks the price (default: the first price column),
 * the `locale` option the name and description (default: `en_US` when the file has it, else
 * the first locale). `enabled` is the active flag. Of `categories` (codes, comma-separated)
 * the first is kept; `weight` is read in grams through `weight-unit` (a missing or unknown unit
 * is a row error quoting both).
 */
export const akeneo: Profile = {
  platform: 'akeneo',
  detect: (header) =>
    hasAll(header, 'sku') &&
    (hasAll(header, 'family') || hasAll(header, 'enabled')) &&
    header.raw.some((cell) => LOCALIZED.test(cell.trim()) || PRICE.test(cell.trim())),
  rules(header, options) {
    const raw = header.raw.map((cell) => cell.trim())
    const chosen: Partial<Record<ProductField, number>> = {}
    const prices = raw.flatMap((cell, at) => {
      const match = PRICE.exec(cell)
      return match ? [{ currency: match[1]!, at }] : []
    })
    if (options.currency !== undefined) {
      const price = prices.find((p) => p.currency === options.currency!.toUpperCase())
      if (!price)
        throw missing(
          'currency',
          options.currency,
          prices.map((p) => p.currency),
          raw,
        )
      chosen.price = price.at
    } else if (prices[0]) chosen.price = prices[0].at

    const texts = raw.flatMap((cell, at) => {
      const match = LOCALIZED.exec(cell)
      return match ? [{ attribute: match[1]!, locale: match[2]!, at }] : []
    })
    const locales = [...new Set(texts.map((t) => t.locale))]
    let locale = options.locale
    if (locale !== undefined && !locales.includes(locale)) {
      throw missing('locale', locale, locales, raw)
    }
    locale ??= locales.includes(DEFAULT_LOCALE) ? DEFAULT_LOCALE : locales[0]
    const textColumn = (attribute: string) =>
      texts.find((t) => t.attribute === attribute && t.locale === locale)?.at
    const name = textColumn('name')
    const description = textColumn('description')
    if (name !== undefined) chosen.name = name
    if (description !== undefined) chosen.description = description
    const enabled = columnNamed(header as ProfileHeader, 'enabled')
    if (enabled !== -1) chosen.active = enabled
    return {
      chosen,
      preferred: { sku: ['sku'], category: ['categories'] },
      used: { weight: 'Weight (g), in its weight-unit', 'weight unit': 'Weight (g): its unit' },
    }
  },
  open(header) {
    const [weightAt, unitAt] = WEIGHT.map((name) => columnNamed(header, name))
    const categories = categoryReader({ list: ',' })
    return {
      row(record, cells) {
        categories.read(cells)
        const weight = cellAt(record, weightAt!)
        if (weight !== '' && fieldCell(cells, 'weight_grams') === '') {
          const unit = cellAt(record, unitAt!)
          const perUnit = GRAMS_PER[unit.toUpperCase()]
          // An unknown unit is not guessed: the row's error quotes the weight with it.
          cells[CELL.weight_grams] =
            perUnit === undefined ? `${weight} ${unit || '(no unit)'}` : toGrams(weight, perUnit)
        }
        return true
      },
      finish: () => categories.warnings(),
    }
  },
}

const WEIGHT = ['weight', 'weight unit']

function missing(option: keyof ProfileOptions, value: string, found: string[], raw: string[]) {
  return new ImporterError(
    'MAPPING_INVALID',
    `the file has no ${option} "${value}"; it has: ${found.join(', ') || 'none'}`,
    { details: { [option]: value, found, headers: raw } },
  )
}
