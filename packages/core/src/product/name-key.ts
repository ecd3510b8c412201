import { skuKey } from './sku-key.js'

const PLAIN_ASCII = /^[\x20-\x7e]*$/
/** The combining accents of Latin, Greek and Cyrillic letters, once decomposed (NFKD). */
const ACCENTS = /[\u0300-\u036f]/g

/**
 * The key products sort by name on every database: the name without accents, case-folded as
 * {@link skuKey} folds SKUs, compared by code point. Stored beside the name (`name_key`), so
 * SQLite and PostgreSQL order names alike: SQLite's lower() and NOCASE fold ASCII only, and
 * PostgreSQL's order depends on the database's collation. Close to the Unicode root collation
 * at primary strength: `Ärger` sorts with the a's, `éclair` with the e's.
 *
 * @example
 * ```ts
 * nameKey('Éclair') === nameKey('eclair') // true
 * ```
 */
export function nameKey(name: string): string {
  if (PLAIN_ASCII.test(name)) return name.trim().toLowerCase()
  return skuKey(name.normalize('NFKD').replace(ACCENTS, ''))
}
